import { afterEach, describe, expect, it, vi } from "vitest";
import { ApiError } from "../../api/client";
import { scoreFile } from "./api";

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
    const result = await scoreFile("m 1", new File(["age\n3\n4\n"], "new.xlsx"));
    expect(result).toMatchObject({ rows: 2, filename: "new-predictions.csv", warnings: ["a", "b"] });
    const [url, init] = fetchMock.mock.calls[0] ?? [];
    expect(url).toBe("/api/results/model/m%201/predict/batch");
    expect((init?.body as FormData).get("file")).toBeInstanceOf(File);
  });

  it("raises the server's message", async () => {
    vi.stubGlobal("fetch", vi.fn(async () => new Response(JSON.stringify({ detail: "none of the model's input columns are present" }), { status: 422 })));
    await expect(scoreFile("m", new File(["x"], "a.csv"))).rejects.toEqual(new ApiError(422, "none of the model's input columns are present"));
  });
});
