import { afterEach, describe, expect, it, vi } from "vitest";
import { ApiError } from "./client";
import { datasetsApi, metaApi, trainingApi } from "./endpoints";

type Handler = (request: Request) => Response | Promise<Response>;

/** Stubs the global fetch the typed client calls, recording each Request it receives. */
function serve(handler: Handler): Request[] {
  const seen: Request[] = [];
  vi.stubGlobal("fetch", async (input: Request) => {
    seen.push(input);
    return handler(input);
  });
  return seen;
}

/** The one request a call made. */
function only(seen: Request[]): Request {
  expect(seen).toHaveLength(1);
  return seen[0] as Request;
}

function json(body: unknown, status = 200): Response {
  return new Response(JSON.stringify(body), { status, headers: { "Content-Type": "application/json" } });
}

afterEach(() => {
  vi.unstubAllGlobals();
});

describe("typed client", () => {
  it("fills path and query parameters and returns the parsed answer", async () => {
    const seen = serve(() => json({ columns: ["a"], rows: [{ a: 1 }], total_rows: 3 }));
    const preview = await datasetsApi.preview("ab/c", 5);
    expect(preview.total_rows).toBe(3);
    const url = new URL(only(seen).url);
    expect(url.pathname).toBe("/api/datasets/ab%2Fc/preview");
    expect(url.searchParams.get("limit")).toBe("5");
    expect(only(seen).method).toBe("GET");
  });

  it("leaves out query parameters that are not given", async () => {
    const seen = serve(() => json({ items: [], count: 0 }));
    await trainingApi.jobs();
    expect(new URL(only(seen).url).search).toBe("");
  });

  it("sends request bodies as JSON", async () => {
    const seen = serve(() => json({ id: "j" }, 201));
    await trainingApi.start({ dataset_id: "d", target_column: "y" });
    expect(only(seen).method).toBe("POST");
    expect(only(seen).headers.get("Content-Type")).toBe("application/json");
    expect(await only(seen).json()).toEqual({ dataset_id: "d", target_column: "y" });
  });

  it("turns the server's detail into the error message", async () => {
    serve(() => json({ detail: "dataset 'x' not found" }, 404));
    const error = await datasetsApi.get("x").catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect((error as ApiError).status).toBe(404);
    expect((error as ApiError).message).toBe("dataset 'x' not found");
  });

  it("joins FastAPI validation errors into one readable message", async () => {
    serve(() => json({ detail: [{ loc: ["query", "limit"], msg: "must be at most 500" }] }, 422));
    await expect(datasetsApi.preview("x", 9999)).rejects.toThrow("limit: must be at most 500");
  });

  it("falls back to the HTTP status when the body says nothing", async () => {
    serve(() => new Response("<html>oops</html>", { status: 502, statusText: "" }));
    await expect(datasetsApi.list()).rejects.toThrow("Request failed (HTTP 502)");
  });

  it("reports an unreachable server in plain words", async () => {
    serve(() => Promise.reject(new TypeError("fetch failed")));
    const error = await metaApi.stats().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect((error as ApiError).status).toBe(0);
    expect((error as ApiError).message).toMatch(/Cannot reach the FlowML server/);
  });

  it("passes an abort through untouched", async () => {
    serve(() => Promise.reject(new DOMException("aborted", "AbortError")));
    await expect(metaApi.stats()).rejects.toMatchObject({ name: "AbortError" });
  });

  it("reads a degraded /health (503) as an answer", async () => {
    const report = { status: "degraded", database: "error: down", storage: "ok", version: "0.1.0" };
    serve(() => json(report, 503));
    await expect(metaApi.health()).resolves.toEqual(report);
  });

  it("resolves a 204 delete without a body", async () => {
    const seen = serve(() => new Response(null, { status: 204 }));
    await expect(datasetsApi.remove("d1")).resolves.toBeUndefined();
    expect(only(seen).method).toBe("DELETE");
  });
});
