// After an outside (OIDC) sign-in the server sends the browser to /login#code=<one-time code> (or #error=<message>);
// after linking a provider from the Account page, to /account#linked=<provider> (or #error=). Pure.
// The page never takes tokens from its address: tokens in a URL could be planted there by anyone who sends the
// user a link, signing them in to the sender's account (login CSRF). A code is useless in another browser: the
// server binds it to the cookie of the browser that started the sign-in (api/routes/oidc.py).

/** What the sign-in redirect left in `location.hash`. */
export type AuthFragment = { kind: "code"; code: string } | { kind: "error"; message: string };

/** What a provider-link redirect left in `location.hash` on the Account page. */
export type LinkFragment = { kind: "linked"; provider: string } | { kind: "error"; message: string };

const SIGN_IN_FAILED = "Signing in with the identity provider failed.";
const LINK_FAILED = "Linking the identity provider failed.";

function paramsOf(hash: string): URLSearchParams | null {
  const text = hash.startsWith("#") ? hash.slice(1) : hash;
  // URLSearchParams decodes %XX and "+" the way the server's urlencode wrote them.
  return text ? new URLSearchParams(text) : null;
}

function errorOf(params: URLSearchParams, fallback: string): { kind: "error"; message: string } | null {
  const error = params.get("error");
  if (error === null) return null;
  const message = (params.get("error_description") || error).trim();
  return { kind: "error", message: message || fallback };
}

/** The sign-in redirect's code or error, or null when the fragment is not one (tokens, in particular, are not). */
export function parseAuthFragment(hash: string): AuthFragment | null {
  const params = paramsOf(hash);
  if (!params) return null;
  const error = errorOf(params, SIGN_IN_FAILED);
  if (error) return error;
  const code = params.get("code");
  return code ? { kind: "code", code } : null;
}

/** The provider-link redirect's outcome, or null when the fragment is not one. */
export function parseLinkFragment(hash: string): LinkFragment | null {
  const params = paramsOf(hash);
  if (!params) return null;
  const error = errorOf(params, LINK_FAILED);
  if (error) return error;
  const provider = params.get("linked");
  return provider ? { kind: "linked", provider } : null;
}
