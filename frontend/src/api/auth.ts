// The signed-in session, and the one place every request of the dashboard gets its credentials from.
// The access token lives in memory only: a script that got into the page cannot lift it from storage, and it dies with
// the tab. The refresh token is kept in localStorage so that a reload, or a new tab, signs the user back in.
// Requests carry `Authorization: Bearer <access>`; a 401 renews the access token once (one refresh shared by every
// request that failed together) and retries; when the refresh token is refused too the session ends, and the route
// guard sends the user to /login?next=<where they were>.
// Refresh tokens rotate: each refresh returns a new one and uses up the old, and a used one sent again ends the
// sign-in everywhere. So every refresh stores the new token, and the tabs of a browser refresh one at a time.
// This module must not import client.ts: client.ts installs `authMiddleware` from here when it loads.
import type { Middleware } from "openapi-fetch";
import { ApiError, errorMessage, parseJson } from "./errors";
import type { paths } from "./schema";
import type { RefreshRequest, TokenPair, UserPublic } from "./types";

export const REFRESH_KEY = "flowml.refresh";
/** The Web Locks name the tabs of one browser take turns refreshing under. */
export const REFRESH_LOCK = "flowml.refresh";
export const REFRESH_PATH = "/api/auth/refresh" satisfies keyof paths;
/** Trades an outside sign-in's one-time code for tokens (not in the generated schema yet). */
export const OIDC_EXCHANGE_PATH = "/api/auth/oidc/exchange";
/** Endpoints whose 401 is an answer ("wrong password", "code used already"), not an expired access token. */
const NO_RETRY = ["/api/auth/login", REFRESH_PATH, "/api/auth/logout", OIDC_EXCHANGE_PATH];

export const SESSION_EXPIRED = "Your session has expired. Sign in again.";

/** The tokens of a session without its user. */
export type SessionTokens = Pick<TokenPair, "access_token" | "refresh_token" | "expires_in">;

/**
 * restoring: the stored refresh token is being exchanged (page load); unreachable: that exchange failed without a
 * verdict on the token (no network, a 5xx, a 429), so nobody knows yet whether the user is signed in.
 */
export type AuthStatus = "restoring" | "signed-in" | "signed-out" | "unreachable";

export interface AuthState {
  status: AuthStatus;
  user: UserPublic | null;
  /** Why the session ended without the user asking (it expired), or why it could not be restored: shown to the user. */
  notice: string | null;
  /** The user signed out themselves: the login page needs no ?next= back to where they were. */
  byUser: boolean;
}

// ---------------------------------------------------------------- refresh token storage

function storage(): Storage | null {
  try {
    return typeof localStorage === "undefined" ? null : localStorage;
  } catch {
    // Storage disabled by the browser's privacy settings: the session lasts as long as the tab.
    return null;
  }
}

export function storedRefreshToken(): string | null {
  try {
    return storage()?.getItem(REFRESH_KEY) ?? null;
  } catch {
    return null;
  }
}

function storeRefreshToken(token: string | null): void {
  try {
    if (token) storage()?.setItem(REFRESH_KEY, token);
    else storage()?.removeItem(REFRESH_KEY);
  } catch {
    // Full or disabled storage: the session still works until the tab closes.
  }
}

// ---------------------------------------------------------------- state

let access: string | null = null;
let timer: ReturnType<typeof setTimeout> | undefined;
let inflight: Promise<string | null> | null = null;
let restoreTimer: ReturnType<typeof setTimeout> | undefined;
// Bumped whenever the session ends: a refresh that was already on its way must not bring a signed-out user back.
let generation = 0;
let state: AuthState = {
  status: storedRefreshToken() ? "restoring" : "signed-out",
  user: null,
  notice: null,
  byUser: false,
};
const listeners = new Set<() => void>();

function setState(next: AuthState): void {
  state = next;
  for (const listener of listeners) listener();
}

export function getAuthState(): AuthState {
  return state;
}

export function subscribeAuth(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/** The access token to send now, or null when signed out. */
export function accessToken(): string | null {
  return access;
}

/**
 * When to renew an access token valid for `expiresIn` seconds: a minute before it runs out (a quarter of its life
 * when that is shorter), so requests never go out with a token about to expire; never sooner than 5 s, so a server
 * handing out very short tokens cannot make the tab spin.
 */
export function refreshDelayMs(expiresIn: number): number {
  const lifetime = Math.max(0, expiresIn) * 1000;
  return Math.max(5_000, lifetime - Math.min(60_000, lifetime / 4));
}

/** A scheduled refresh that could not reach the server tries again after this long (the token may still be valid). */
const RETRY_MS = 30_000;

function schedule(delayMs: number): void {
  clearTimeout(timer);
  const current = generation;
  timer = setTimeout(() => {
    refreshSession().catch(() => {
      if (current === generation) schedule(RETRY_MS);
    });
  }, delayMs);
}

/** Signs in with tokens from the server (login, refresh, OIDC) and the user they belong to. */
export function startSession(tokens: SessionTokens, user: UserPublic): void {
  clearTimeout(restoreTimer); // signed in on the login page while a restore was waiting to try again
  access = tokens.access_token;
  storeRefreshToken(tokens.refresh_token);
  schedule(refreshDelayMs(tokens.expires_in));
  setState({ status: "signed-in", user, notice: null, byUser: false });
}

/** The signed-in user's own record changed (their role, say). */
export function updateUser(user: UserPublic): void {
  if (state.status === "signed-in" && state.user?.id === user.id) setState({ ...state, user });
}

/**
 * Forgets both tokens. `notice` tells the login page why, when the user did not ask to sign out; `byUser`: they did
 * (the sign-out button).
 */
export function endSession({ notice = null, byUser = false }: { notice?: string | null; byUser?: boolean } = {}): void {
  generation += 1;
  clearTimeout(restoreTimer);
  access = null;
  clearTimeout(timer);
  timer = undefined;
  storeRefreshToken(null);
  setState({ status: "signed-out", user: null, notice, byUser });
}

// ---------------------------------------------------------------- refresh

/** The server refused the refresh token (expired, revoked, malformed): asking again will not help. */
function refused(status: number): boolean {
  return status === 400 || status === 401 || status === 403 || status === 422;
}

async function exchange(): Promise<string | null> {
  const token = storedRefreshToken();
  if (!token) {
    if (state.status !== "signed-out") endSession({ notice: state.status === "signed-in" ? SESSION_EXPIRED : null });
    return null;
  }
  const current = generation;
  const body: RefreshRequest = { refresh_token: token };
  // Plain fetch, not the typed client: this request must not pass through authMiddleware (a 401 here would ask for
  // another refresh), and client.ts imports this module. A network failure throws: the caller reports an
  // unreachable server without signing the user out.
  const response = await globalThis.fetch(REFRESH_PATH, {
    method: "POST",
    headers: { Accept: "application/json", "Content-Type": "application/json" },
    body: JSON.stringify(body),
  });
  if (current !== generation) return null; // signed out meanwhile
  const answer = parseJson(await response.text());
  if (current !== generation) return null;
  if (response.ok) {
    const pair = answer as TokenPair;
    startSession(pair, pair.user);
    return pair.access_token;
  }
  if (refused(response.status)) {
    endSession({ notice: state.status === "signed-in" ? SESSION_EXPIRED : null });
    return null;
  }
  // 429 (refresh shares the login rate limit) or a server error: no verdict on the token, which is kept.
  throw new RefreshError(response.status, errorMessage(response.status, answer, response.statusText), retryAfterMs(response));
}

/** A refresh the server did not answer with a verdict on the token (429, 5xx). */
export class RefreshError extends ApiError {
  /** From Retry-After: when asking again may succeed. */
  readonly retryAfterMs: number | null;

  constructor(status: number, message: string, retryAfterMs: number | null) {
    super(status, message);
    this.retryAfterMs = retryAfterMs;
  }
}

function retryAfterMs(response: Response): number | null {
  const seconds = Number(response.headers.get("Retry-After"));
  return response.headers.has("Retry-After") && Number.isFinite(seconds) && seconds >= 0 ? seconds * 1000 : null;
}

/**
 * Exchanges the stored refresh token for a new pair. Concurrent callers share one request: ten queries that failed
 * with 401 together cause one refresh, not ten. Resolves to the new access token, or null once the session ended
 * (the refresh token was refused); rejects when the server could not be reached.
 */
export function refreshSession(): Promise<string | null> {
  inflight ??= withRefreshLock(exchange).finally(() => {
    inflight = null;
  });
  return inflight;
}

/**
 * Runs `task` holding the browser-wide refresh lock, so two tabs never send the same refresh token (the second would
 * count as a stolen copy and end the sign-in in every tab). `exchange` reads the stored token once it holds the lock,
 * so a tab that waited sends the token the other tab just stored. Without the Web Locks API it runs at once.
 */
async function withRefreshLock(task: () => Promise<string | null>): Promise<string | null> {
  const locks = typeof navigator === "undefined" ? undefined : navigator.locks;
  return locks ? await locks.request(REFRESH_LOCK, task) : task();
}

/**
 * The token to retry a request with after the server refused `used`: the current one when another request already
 * renewed it meanwhile (no second refresh), else a freshly refreshed one; null when the session is over.
 */
export async function renewAfter401(used: string | null): Promise<string | null> {
  if (access && access !== used) return access;
  return refreshSession();
}

export const UNREACHABLE_NOTICE = "Cannot reach the FlowML server. Is it running?";

/** How soon a restore that could not reach the server tries again by itself. */
const RESTORE_RETRY_MS = 10_000;

/**
 * On page load: turn the stored refresh token, if any, back into a session. When that fails without a verdict on
 * the token, the token is kept, the reason shown, and it tries again by itself (after Retry-After for a 429).
 */
export async function restoreSession({ quiet = false }: { quiet?: boolean } = {}): Promise<void> {
  clearTimeout(restoreTimer);
  if (!storedRefreshToken()) {
    if (state.status !== "signed-in") setState({ ...state, status: "signed-out", user: null });
    return;
  }
  // `quiet`: a retry by itself keeps the reason on screen instead of flashing "Signing you in…" every few seconds.
  const keepReason = quiet && state.status === "unreachable";
  if (state.status !== "signed-in" && !keepReason) setState({ status: "restoring", user: null, notice: null, byUser: false });
  try {
    await refreshSession();
  } catch (error) {
    if (state.status === "signed-in") return;
    const notice = error instanceof ApiError ? error.message : UNREACHABLE_NOTICE;
    setState({ status: "unreachable", user: null, notice, byUser: false });
    const wait = error instanceof RefreshError && error.retryAfterMs !== null ? error.retryAfterMs + 250 : RESTORE_RETRY_MS;
    restoreTimer = setTimeout(() => void restoreSession({ quiet: true }), wait);
  }
}

/** Another tab signed out (the stored refresh token is gone): this tab follows. */
export function watchOtherTabs(): () => void {
  if (typeof window === "undefined") return () => undefined;
  const onStorage = (event: StorageEvent) => {
    if (event.key === REFRESH_KEY && event.newValue === null && state.status === "signed-in") {
      endSession({ notice: "You signed out in another tab." });
    }
  };
  window.addEventListener("storage", onStorage);
  return () => window.removeEventListener("storage", onStorage);
}

// ---------------------------------------------------------------- sending requests

function pathOf(url: string): string {
  try {
    return new URL(url, "http://localhost").pathname;
  } catch {
    return url;
  }
}

function retriable(url: string): boolean {
  return !NO_RETRY.includes(pathOf(url));
}

export function bearer(token: string): string {
  return `Bearer ${token}`;
}

/**
 * `fetch` with the session's credentials, for what the typed client does not cover (downloads, multipart uploads,
 * CSV answers). A header the caller set itself is left alone, and then a 401 is returned as it is.
 */
export async function authFetch(input: string, init: RequestInit = {}): Promise<Response> {
  const own = new Headers(init.headers).has("Authorization");
  const send = (token: string | null) => {
    const headers = new Headers(init.headers);
    if (token && !own) headers.set("Authorization", bearer(token));
    return globalThis.fetch(input, { ...init, headers });
  };
  const used = access;
  const response = await send(used);
  if (response.status !== 401 || own || !retriable(input)) return response;
  const token = await renewAfter401(used);
  return token ? send(token) : response;
}

// openapi-fetch sends the Request it built once; a retry needs an unread copy of it (its body is consumed by then).
const spares = new Map<string, { request: Request; used: string | null }>();

/** The typed client's middleware: the same rules as `authFetch`. */
export const authMiddleware: Middleware = {
  onRequest({ request, id }) {
    if (request.headers.has("Authorization")) return undefined;
    const used = access;
    if (used) request.headers.set("Authorization", bearer(used));
    if (retriable(request.url)) spares.set(id, { request: request.clone(), used });
    return request;
  },
  async onResponse({ response, id, options }) {
    const spare = spares.get(id);
    spares.delete(id);
    if (response.status !== 401 || !spare) return undefined;
    const token = await renewAfter401(spare.used);
    if (!token) return undefined; // the session ended: the caller gets the 401, the guard goes to /login
    spare.request.headers.set("Authorization", bearer(token));
    return options.fetch(spare.request);
  },
  onError({ id }) {
    spares.delete(id);
    return undefined;
  },
};
