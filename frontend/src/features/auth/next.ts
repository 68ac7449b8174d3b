// Where to go after signing in: the page the user was sent away from (?next=), but only a page of this dashboard. Pure.

export const LOGIN_PATH = "/login";

/**
 * `raw` when it is a path on this site, else "/". "//evil.example" and "/\\evil.example" are protocol-relative
 * URLs to another site, and a `next` pointing at /login itself would loop.
 */
export function safeNext(raw: string | null | undefined): string {
  if (!raw || !raw.startsWith("/") || raw.startsWith("//") || raw.startsWith("/\\")) return "/";
  const url = new URL(raw, "http://flowml.invalid");
  if (url.origin !== "http://flowml.invalid" || url.pathname === LOGIN_PATH) return "/";
  return `${url.pathname}${url.search}${url.hash}`;
}

/** The login page, remembering where the user was (the home page needs no reminder). */
export function loginPath(location: { pathname: string; search?: string; hash?: string }): string {
  const here = `${location.pathname}${location.search ?? ""}${location.hash ?? ""}`;
  if (location.pathname === LOGIN_PATH || here === "/" || here === "") return LOGIN_PATH;
  return `${LOGIN_PATH}?next=${encodeURIComponent(here)}`;
}

/**
 * A provider's sign-in URL that brings the user back to `next`: the server carries it through the provider and
 * returns it with the tokens when the sign-in code is traded (api/routes/oidc.py), checking it as safeNext does.
 */
export function providerLoginUrl(loginUrl: string, next: string): string {
  if (next === "/") return loginUrl;
  const url = new URL(loginUrl, "http://flowml.invalid");
  url.searchParams.set("next", next);
  return url.origin === "http://flowml.invalid" ? `${url.pathname}${url.search}${url.hash}` : url.toString();
}
