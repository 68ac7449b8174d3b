import { describe, expect, it } from "vitest";
import { parseAuthFragment } from "./fragment";

describe("parseAuthFragment", () => {
  it("reads the tokens an OIDC sign-in brings back, and where the user was going", () => {
    expect(parseAuthFragment("#access_token=eyJ.a.b&refresh_token=r%2B1&expires_in=600&next=%2Fjobs%3Ftab%3Dlog")).toEqual({
      kind: "tokens",
      tokens: { access_token: "eyJ.a.b", refresh_token: "r+1", expires_in: 600 },
      next: "/jobs?tab=log",
    });
    expect(parseAuthFragment("#access_token=a&refresh_token=r&expires_in=60")).toMatchObject({ next: null });
  });

  it("takes the fragment with or without its #", () => {
    expect(parseAuthFragment("access_token=a&refresh_token=r&expires_in=60")?.kind).toBe("tokens");
  });

  it("assumes the default lifetime when expires_in is missing or nonsense", () => {
    const tokens = (hash: string) => {
      const parsed = parseAuthFragment(hash);
      return parsed?.kind === "tokens" ? parsed.tokens.expires_in : null;
    };
    expect(tokens("#access_token=a&refresh_token=r")).toBe(900);
    expect(tokens("#access_token=a&refresh_token=r&expires_in=soon")).toBe(900);
    expect(tokens("#access_token=a&refresh_token=r&expires_in=-5")).toBe(900);
  });

  it("decodes the error message of a failed sign-in", () => {
    expect(parseAuthFragment("#error=Your%20account%20is%20deactivated.")).toEqual({
      kind: "error",
      message: "Your account is deactivated.",
    });
    expect(parseAuthFragment("#error=access_denied&error_description=The+user+said+no")).toEqual({
      kind: "error",
      message: "The user said no",
    });
    expect(parseAuthFragment("#error=")).toEqual({ kind: "error", message: "Signing in with the identity provider failed." });
  });

  it("ignores fragments that are not a sign-in", () => {
    expect(parseAuthFragment("")).toBeNull();
    expect(parseAuthFragment("#")).toBeNull();
    expect(parseAuthFragment("#main")).toBeNull();
    expect(parseAuthFragment("#access_token=a")).toBeNull();
  });
});
