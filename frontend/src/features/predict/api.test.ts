import { afterEach, describe, expect, it, vi } from "vitest";
import { ApiError } from "../../api/client";
import { fetchBatchResult, scoreFile } from "./api";

afterEach(() => {
  vi.unstubAllGlobals();
});

describe("scoreFile", () => {
  it("posts the file as multipart `file` and reads the CSV and warnings", async () => {
    const fetchMock = vi.fn(
      async (_url: string, _init: RequestInit) =>
        new Response("prediction\n1.5\n2.5\n", { status: 200, headers: { "Content-Type": "text/csv", "X-FlowML-Warnings": "a | b" } }),
    );
    vi.stubGlobal("fetch", fetchMock);
    const answer = await scoreFile("m 1", new File(["age\n3\n4\n"], "new.xlsx"));
    expect(answer.kind).toBe("done");
    if (answer.kind === "done") expect(answer.result).toMatchObject({ rows: 2, filename: "new-predictions.csv", warnings: ["a", "b"] });
    const [url, init] = fetchMock.mock.calls[0] ?? [];
    expect(url).toBe("/api/results/model/m%201/predict/batch");
    expect((init?.body as FormData).get("file")).toBeInstanceOf(File);
  });

  it("sends the kept columns and explain, and hands back a background batch on 202", async () => {
    const batch = { batch_id: "b1", state: "running", status_url: "/s", result_url: "/r", rows_total: 2, rows_done: 0 };
    const fetchMock = vi.fn(async (_url: string, _init: RequestInit) => new Response(JSON.stringify(batch), { status: 202 }));
    vi.stubGlobal("fetch", fetchMock);
    const answer = await scoreFile("m", new File(["id,age\n1,3\n"], "new.csv"), { keep: ["id"], explain: true });
    expect(answer).toEqual({ kind: "accepted", batch });
    expect(fetchMock.mock.calls[0]?.[0]).toBe("/api/results/model/m/predict/batch?keep_columns=id&explain=true");
  });

  it("raises the server's message", async () => {
    vi.stubGlobal("fetch", vi.fn(async () => new Response(JSON.stringify({ detail: "none of the model's input columns are present" }), { status: 422 })));
    await expect(scoreFile("m", new File(["x"], "a.csv"))).rejects.toEqual(new ApiError(422, "none of the model's input columns are present"));
  });
});

describe("fetchBatchResult", () => {
  it("reads the finished batch's CSV, named as explained", async () => {
    vi.stubGlobal("fetch", vi.fn(async () => new Response("id,prediction,contribution_age\n1,Yes,0.2\n", { status: 200 })));
    const result = await fetchBatchResult("/r", "staff.csv", ["w"]);
    expect(result).toMatchObject({ rows: 1, filename: "staff-predictions-explained.csv", warnings: ["w"] });
    expect(result.columns).toEqual(["id", "prediction", "contribution_age"]);
  });

  it("raises the server's reason when the batch has no result", async () => {
    vi.stubGlobal("fetch", vi.fn(async () => new Response(JSON.stringify({ detail: "batch b failed" }), { status: 409 })));
    await expect(fetchBatchResult("/r", "a.csv", [])).rejects.toEqual(new ApiError(409, "batch b failed"));
  });
});
