import { afterEach, describe, expect, it, vi } from "vitest";
import { ApiError } from "../../api/client";
import { fetchBatchResult, scoreFile } from "./api";

/** Stubs the fetch the typed client calls with one answer, recording the Request it receives. */
function answer(response: () => Response): Request[] {
  const seen: Request[] = [];
  vi.stubGlobal("fetch", async (request: Request) => {
    seen.push(request);
    return response();
  });
  return seen;
}

/** The request's path and query, as the server sees them. */
function target(request: Request | undefined): string {
  const url = new URL(request?.url ?? "http://localhost/");
  return url.pathname + url.search;
}

afterEach(() => {
  vi.unstubAllGlobals();
});

describe("scoreFile", () => {
  it("posts the file as multipart `file` and reads the CSV and warnings", async () => {
    const seen = answer(
      () => new Response("prediction\n1.5\n2.5\n", { status: 200, headers: { "Content-Type": "text/csv", "X-FlowML-Warnings": "a | b" } }),
    );
    const answerOf = await scoreFile("m 1", new File(["age\n3\n4\n"], "new.xlsx"));
    expect(answerOf.kind).toBe("done");
    if (answerOf.kind === "done") expect(answerOf.result).toMatchObject({ rows: 2, filename: "new-predictions.csv", warnings: ["a", "b"] });
    expect(target(seen[0])).toBe("/api/results/model/m%201/predict/batch");
    expect(seen[0]?.method).toBe("POST");
    const part = (await seen[0]?.formData())?.get("file");
    expect(part).toBeInstanceOf(File);
    expect(await (part as File).text()).toBe("age\n3\n4\n");
  });

  it("sends the kept columns (once each) and explain, and hands back a background batch on 202", async () => {
    const batch = { batch_id: "b1", state: "running", status_url: "/s", result_url: "/r", rows_total: 2, rows_done: 0 };
    const seen = answer(() => new Response(JSON.stringify(batch), { status: 202, headers: { "Content-Type": "application/json" } }));
    const answerOf = await scoreFile("m", new File(["id,age\n1,3\n"], "new.csv"), { keep: ["id", "Dept & Team"], explain: true });
    expect(answerOf).toEqual({ kind: "accepted", batch });
    expect(target(seen[0])).toBe("/api/results/model/m/predict/batch?keep_columns=id&keep_columns=Dept%20%26%20Team&explain=true");
  });

  it("raises the server's message", async () => {
    answer(() => new Response(JSON.stringify({ detail: "none of the model's input columns are present" }), { status: 422 }));
    await expect(scoreFile("m", new File(["x"], "a.csv"))).rejects.toEqual(new ApiError(422, "none of the model's input columns are present"));
  });
});

describe("fetchBatchResult", () => {
  it("reads the finished batch's CSV, named as explained", async () => {
    const seen = answer(() => new Response("id,prediction,contribution_age\n1,Yes,0.2\n", { status: 200 }));
    const result = await fetchBatchResult("m", "b 1", "staff.csv", ["w"]);
    expect(result).toMatchObject({ rows: 1, filename: "staff-predictions-explained.csv", warnings: ["w"] });
    expect(result.columns).toEqual(["id", "prediction", "contribution_age"]);
    expect(target(seen[0])).toBe("/api/results/model/m/predict/batch/b%201/result");
  });

  it("raises the server's reason when the batch has no result", async () => {
    answer(() => new Response(JSON.stringify({ detail: "batch b failed" }), { status: 409 }));
    await expect(fetchBatchResult("m", "b", "a.csv", [])).rejects.toEqual(new ApiError(409, "batch b failed"));
  });
});
