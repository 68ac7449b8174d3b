// After an OIDC sign-in the server sends the browser to /login#access_token=…&refresh_token=…&expires_in=…&next=…
// (or #error=<message>). A fragment never reaches a server or its logs, which is why the tokens travel there. Pure.
import type { SessionTokens } from "../../api/auth";

/** `next`: where the user was going (the provider login URL's ?next=, carried by the server); not checked yet. */
export type AuthFragment =
  | { kind: "tokens"; tokens: SessionTokens; next: string | null }
  | { kind: "error"; message: string };

/** Without a usable lifetime the token is renewed early rather than late: the server's default is 15 minutes. */
const DEFAULT_EXPIRES_IN = 900;

/** What `location.hash` brought back from the identity provider, or null when it is not such a fragment. */
export function parseAuthFragment(hash: string): AuthFragment | null {
  const text = hash.startsWith("#") ? hash.slice(1) : hash;
  if (!text) return null;
  // URLSearchParams decodes %XX and "+" the way the server's urlencode wrote them.
  const params = new URLSearchParams(text);
  const error = params.get("error");
  if (error !== null) {
    const description = params.get("error_description");
    const message = (description || error).trim();
    return { kind: "error", message: message || "Signing in with the identity provider failed." };
  }
  const access = params.get("access_token");
  const refresh = params.get("refresh_token");
  if (!access || !refresh) return null;
  const expiresIn = Number(params.get("expires_in"));
  return {
    kind: "tokens",
    tokens: {
      access_token: access,
      refresh_token: refresh,
      expires_in: Number.isFinite(expiresIn) && expiresIn > 0 ? expiresIn : DEFAULT_EXPIRES_IN,
    },
    next: params.get("next"),
  };
}
