import { afterEach, describe, expect, it, vi } from "vitest";
import { ApiError } from "../../api/client";
import { fetchEvaluation } from "./api";

function answer(status: number, body: unknown): void {
  vi.stubGlobal("fetch", vi.fn(async () => new Response(JSON.stringify(body), { status, headers: { "Content-Type": "application/json" } })));
}

afterEach(() => {
  vi.unstubAllGlobals();
});

describe("fetchEvaluation", () => {
  it("turns a 404 into the reason to show in the panel", async () => {
    answer(404, { detail: "this model was trained before evaluations were recorded" });
    await expect(fetchEvaluation("m1")).resolves.toEqual({
      status: "missing",
      reason: "this model was trained before evaluations were recorded",
    });
  });

  it("passes the evaluation through", async () => {
    const evaluation = { model_id: "m1", task: "regression", source: "held out", n_rows: 3, classification: null, regression: null };
    answer(200, evaluation);
    await expect(fetchEvaluation("m1")).resolves.toEqual({ status: "ready", evaluation });
  });

  it("keeps other failures as errors", async () => {
    answer(500, { detail: "disk full" });
    await expect(fetchEvaluation("m1")).rejects.toEqual(new ApiError(500, "disk full"));
  });
});
