import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { makeTokenPair, makeUser, memoryStorage } from "../test/factories";
import {
  REFRESH_KEY,
  REFRESH_LOCK,
  SESSION_EXPIRED,
  accessToken,
  authFetch,
  endSession,
  getAuthState,
  refreshDelayMs,
  refreshSession,
  renewAfter401,
  restoreSession,
  startSession,
} from "./auth";
import { ApiError, api, unwrap } from "./client";
import { datasetsApi, trainingApi } from "./endpoints";

type Handler = (request: Request) => Response | Promise<Response>;

/** Stubs the global fetch (both the typed client's Request and plain `fetch(url, init)` calls) and records requests. */
function serve(handler: Handler): Request[] {
  const seen: Request[] = [];
  vi.stubGlobal("fetch", async (input: Request | string, init?: RequestInit) => {
    const request = input instanceof Request ? input : new Request(new URL(input, "http://localhost"), init);
    seen.push(request.clone());
    return handler(request);
  });
  return seen;
}

function json(body: unknown, status = 200): Response {
  return new Response(JSON.stringify(body), { status, headers: { "Content-Type": "application/json" } });
}

const path = (request: Request) => new URL(request.url).pathname;
const refreshes = (seen: Request[]) => seen.filter((request) => path(request) === "/api/auth/refresh");
const authOf = (request: Request) => request.headers.get("Authorization");

/**
 * A server whose only valid access token is `valid`; /api/auth/refresh answers `refreshWith` (a new pair, or a
 * status to refuse with). Everything else answers an empty page.
 */
function server(valid: string, refreshWith: string | number): Request[] {
  return serve(async (request) => {
    if (path(request) === "/api/auth/refresh") {
      if (typeof refreshWith === "number") return json({ detail: "refresh token expired" }, refreshWith);
      return json(makeTokenPair(refreshWith));
    }
    if (authOf(request) !== `Bearer ${valid}`) return json({ detail: "Not authenticated" }, 401);
    return json({ items: [], count: 0 });
  });
}

let storage: Storage;

beforeEach(() => {
  storage = memoryStorage();
  vi.stubGlobal("localStorage", storage);
  endSession();
});

afterEach(() => {
  endSession();
  vi.useRealTimers();
  vi.unstubAllGlobals();
});

describe("refreshDelayMs", () => {
  it("renews a minute before a 15-minute token runs out", () => {
    expect(refreshDelayMs(900)).toBe(840_000);
  });

  it("renews short tokens at three quarters of their life, and never sooner than 5 s", () => {
    expect(refreshDelayMs(60)).toBe(45_000);
    expect(refreshDelayMs(2)).toBe(5_000);
    expect(refreshDelayMs(-1)).toBe(5_000);
  });
});

describe("the session", () => {
  it("keeps the access token in memory and only the refresh token in localStorage", () => {
    startSession(makeTokenPair("a1"), makeUser({ username: "grace" }));
    expect(accessToken()).toBe("a1");
    expect(storage.getItem(REFRESH_KEY)).toBe("refresh-a1");
    expect(storage.length).toBe(1);
    expect(getAuthState()).toMatchObject({ status: "signed-in", user: { username: "grace" } });
  });

  it("forgets both tokens on sign-out", () => {
    startSession(makeTokenPair("a1"), makeUser());
    endSession({ byUser: true });
    expect(accessToken()).toBeNull();
    expect(storage.getItem(REFRESH_KEY)).toBeNull();
    expect(getAuthState()).toEqual({ status: "signed-out", user: null, notice: null, byUser: true });
  });

  it("renews the access token shortly before it expires", async () => {
    vi.useFakeTimers();
    const seen = server("a2", "a2");
    startSession(makeTokenPair("a1", { expires_in: 900 }), makeUser());
    await vi.advanceTimersByTimeAsync(839_000);
    expect(refreshes(seen)).toHaveLength(0);
    await vi.advanceTimersByTimeAsync(1_000);
    expect(refreshes(seen)).toHaveLength(1);
    expect(await refreshes(seen)[0]?.json()).toEqual({ refresh_token: "refresh-a1" });
    expect(accessToken()).toBe("a2");
    expect(storage.getItem(REFRESH_KEY)).toBe("refresh-a2");
  });

  it("tries a scheduled refresh again later when the server cannot be reached, without signing out", async () => {
    vi.useFakeTimers();
    let down = true;
    const seen = serve(async () => (down ? Promise.reject(new TypeError("fetch failed")) : json(makeTokenPair("a2"))));
    startSession(makeTokenPair("a1", { expires_in: 900 }), makeUser());
    await vi.advanceTimersByTimeAsync(840_000);
    expect(seen).toHaveLength(1);
    expect(getAuthState().status).toBe("signed-in");
    down = false;
    await vi.advanceTimersByTimeAsync(30_000);
    expect(seen).toHaveLength(2);
    expect(accessToken()).toBe("a2");
  });
});

describe("refresh-token rotation", () => {
  it("stores the new refresh token every refresh returns: the one sent is used up", async () => {
    const seen = server("a2", "a2");
    startSession(makeTokenPair("a1"), makeUser());
    await refreshSession();
    expect(await refreshes(seen)[0]?.json()).toEqual({ refresh_token: "refresh-a1" });
    expect(storage.getItem(REFRESH_KEY)).toBe("refresh-a2");
  });

  it("refreshes under the browser-wide lock, sending the token another tab stored while this one waited", async () => {
    const seen = server("a3", "a3");
    const taken: string[] = [];
    vi.stubGlobal("navigator", {
      locks: {
        request: async <T>(name: string, task: () => Promise<T>): Promise<T> => {
          taken.push(name);
          storage.setItem(REFRESH_KEY, "refresh-from-the-other-tab"); // the tab that held the lock rotated it
          return task();
        },
      },
    });
    startSession(makeTokenPair("a1"), makeUser());
    await refreshSession();
    expect(taken).toEqual([REFRESH_LOCK]);
    expect(await refreshes(seen)[0]?.json()).toEqual({ refresh_token: "refresh-from-the-other-tab" });
    expect(accessToken()).toBe("a3");
    expect(storage.getItem(REFRESH_KEY)).toBe("refresh-a3");
  });
});

describe("requests", () => {
  it("carry the access token as a bearer header", async () => {
    const seen = server("a1", 401);
    startSession(makeTokenPair("a1"), makeUser());
    await datasetsApi.list();
    expect(seen.map(authOf)).toEqual(["Bearer a1"]);
  });

  it("go without a header when signed out", async () => {
    const seen = serve(() => json({ detail: "Not authenticated" }, 401));
    await expect(datasetsApi.list()).rejects.toMatchObject({ status: 401 });
    expect(authOf(seen[0] as Request)).toBeNull();
  });

  it("refresh once on a 401 and retry with the new token, body and all", async () => {
    const seen = server("a2", "a2");
    startSession(makeTokenPair("a1"), makeUser());
    await trainingApi.start({ dataset_id: "d", target_column: "y" });
    const starts = seen.filter((request) => path(request) === "/api/training/start");
    expect(starts.map(authOf)).toEqual(["Bearer a1", "Bearer a2"]);
    expect(await starts[1]?.json()).toEqual({ dataset_id: "d", target_column: "y" });
    expect(refreshes(seen)).toHaveLength(1);
  });

  it("share one refresh among requests that failed together", async () => {
    const seen = server("a2", "a2");
    startSession(makeTokenPair("a1"), makeUser());
    await Promise.all([datasetsApi.list(), trainingApi.jobs(), unwrap(api.GET("/api/workers")), datasetsApi.list()]);
    expect(refreshes(seen)).toHaveLength(1);
    expect(seen.filter((r) => path(r) !== "/api/auth/refresh").map(authOf).filter((a) => a === "Bearer a2")).toHaveLength(4);
  });

  it("do not refresh again when another request already renewed the token", async () => {
    const seen = server("a2", "a2");
    startSession(makeTokenPair("a1"), makeUser());
    await refreshSession();
    // A request sent with a1 before the renewal comes back 401: it is retried with a2 straight away.
    await expect(renewAfter401("a1")).resolves.toBe("a2");
    expect(refreshes(seen)).toHaveLength(1);
  });

  it("end the session when the refresh token is refused too: the guard then sends the user to /login", async () => {
    const seen = server("nobody", 401);
    startSession(makeTokenPair("a1"), makeUser());
    const error = await datasetsApi.list().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ApiError);
    expect((error as ApiError).status).toBe(401);
    expect(refreshes(seen)).toHaveLength(1);
    expect(getAuthState()).toMatchObject({ status: "signed-out", notice: SESSION_EXPIRED, byUser: false });
    expect(accessToken()).toBeNull();
    expect(storage.getItem(REFRESH_KEY)).toBeNull();
  });

  it("pass on the server's reason when a refresh is rate-limited", async () => {
    serve((request) =>
      path(request) === "/api/auth/refresh"
        ? json({ detail: "too many login requests: retry in 9 s" }, 429)
        : json({ detail: "expired" }, 401),
    );
    startSession(makeTokenPair("a1"), makeUser());
    await expect(datasetsApi.list()).rejects.toMatchObject({ status: 429, message: "too many login requests: retry in 9 s" });
    expect(getAuthState().status).toBe("signed-in");
  });

  it("report an unreachable server during the refresh without signing the user out", async () => {
    serve((request) =>
      path(request) === "/api/auth/refresh" ? Promise.reject(new TypeError("fetch failed")) : json({ detail: "expired" }, 401),
    );
    startSession(makeTokenPair("a1"), makeUser());
    await expect(datasetsApi.list()).rejects.toMatchObject({ status: 0 });
    expect(getAuthState().status).toBe("signed-in");
    expect(storage.getItem(REFRESH_KEY)).toBe("refresh-a1");
  });

  it("never refresh for a wrong password", async () => {
    const seen = serve(() => json({ detail: "Wrong username or password." }, 401));
    await expect(unwrap(api.POST("/api/auth/login", { body: { username: "a", password: "b" } }))).rejects.toThrow(
      "Wrong username or password.",
    );
    expect(refreshes(seen)).toHaveLength(0);
  });

  it("leave a caller's own Authorization header alone, and do not retry it", async () => {
    const seen = server("a2", "a2");
    startSession(makeTokenPair("a1"), makeUser());
    const response = await authFetch("/api/auth/me", { headers: { Authorization: "Bearer other" } });
    expect(response.status).toBe(401);
    expect(seen.map(authOf)).toEqual(["Bearer other"]);
  });

  it("retry plain fetches (downloads, CSV scoring) the same way", async () => {
    const seen = server("a2", "a2");
    startSession(makeTokenPair("a1"), makeUser());
    const response = await authFetch("/api/results/model/m/download");
    expect(response.status).toBe(200);
    expect(seen.map(authOf)).toEqual(["Bearer a1", null, "Bearer a2"]);
  });
});

describe("restoreSession", () => {
  it("signs back in with the stored refresh token", async () => {
    storage.setItem(REFRESH_KEY, "stored");
    const seen = serve(() => json(makeTokenPair("a9", { user: makeUser({ username: "grace", role: "admin" }) })));
    await restoreSession();
    expect(await seen[0]?.json()).toEqual({ refresh_token: "stored" });
    expect(getAuthState()).toMatchObject({ status: "signed-in", user: { username: "grace", role: "admin" } });
    expect(accessToken()).toBe("a9");
  });

  it("is signed out at once without a stored token", async () => {
    const seen = serve(() => json({}));
    await restoreSession();
    expect(seen).toHaveLength(0);
    expect(getAuthState().status).toBe("signed-out");
  });

  it("drops a refused token quietly (no expiry notice on a fresh page)", async () => {
    storage.setItem(REFRESH_KEY, "old");
    serve(() => json({ detail: "expired" }, 401));
    await restoreSession();
    expect(getAuthState()).toMatchObject({ status: "signed-out", notice: null });
    expect(storage.getItem(REFRESH_KEY)).toBeNull();
  });

  it("keeps the token when the server cannot be reached", async () => {
    storage.setItem(REFRESH_KEY, "stored");
    serve(() => Promise.reject(new TypeError("fetch failed")));
    await restoreSession();
    expect(getAuthState().status).toBe("unreachable");
    expect(storage.getItem(REFRESH_KEY)).toBe("stored");
  });

  it("shows the server's rate-limit message and tries again after Retry-After", async () => {
    vi.useFakeTimers();
    storage.setItem(REFRESH_KEY, "stored");
    let limited = true;
    const seen = serve(() =>
      limited
        ? new Response(JSON.stringify({ detail: "too many login requests: retry in 3 s" }), {
            status: 429,
            headers: { "Retry-After": "3" },
          })
        : json(makeTokenPair("a3")),
    );
    await restoreSession();
    expect(getAuthState()).toMatchObject({ status: "unreachable", notice: "too many login requests: retry in 3 s" });
    expect(storage.getItem(REFRESH_KEY)).toBe("stored");
    limited = false;
    await vi.advanceTimersByTimeAsync(2_000);
    expect(seen).toHaveLength(1);
    expect(getAuthState().status).toBe("unreachable"); // no "Signing you in…" flash while it waits
    await vi.advanceTimersByTimeAsync(2_000);
    expect(seen).toHaveLength(2);
    expect(getAuthState().status).toBe("signed-in");
  });

  it("does not bring back a user who signed out while the refresh was on its way", async () => {
    storage.setItem(REFRESH_KEY, "stored");
    let answer: (response: Response) => void = () => undefined;
    serve(() => new Promise<Response>((resolve) => (answer = resolve)));
    const restoring = restoreSession();
    await Promise.resolve();
    endSession({ byUser: true });
    answer(json(makeTokenPair("late")));
    await restoring;
    expect(getAuthState().status).toBe("signed-out");
    expect(accessToken()).toBeNull();
  });
});
