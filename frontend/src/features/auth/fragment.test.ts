import { describe, expect, it } from "vitest";
import { parseAuthFragment, parseLinkFragment } from "./fragment";

describe("parseAuthFragment", () => {
  it("reads the one-time code an outside sign-in brings back", () => {
    expect(parseAuthFragment("#code=Zm9v-YmFy_42")).toEqual({ kind: "code", code: "Zm9v-YmFy_42" });
    expect(parseAuthFragment("code=a%2Bb")).toEqual({ kind: "code", code: "a+b" });
  });

  it("never adopts tokens from the address, however complete (login CSRF)", () => {
    expect(parseAuthFragment("#access_token=eyJ.a.b&refresh_token=r&expires_in=600&next=%2Fjobs")).toBeNull();
    expect(parseAuthFragment("#access_token=X")).toBeNull();
    // Tokens beside a code change nothing: only the code is read, and only the server can trade it.
    expect(parseAuthFragment("#code=c1&access_token=X&refresh_token=Y")).toEqual({ kind: "code", code: "c1" });
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
    expect(parseAuthFragment("#code=")).toBeNull();
  });
});

describe("parseLinkFragment", () => {
  it("reads which provider was linked, or why not", () => {
    expect(parseLinkFragment("#linked=corp")).toEqual({ kind: "linked", provider: "corp" });
    expect(parseLinkFragment("#error=This%20account%20is%20linked")).toEqual({ kind: "error", message: "This account is linked" });
    expect(parseLinkFragment("#error=")).toEqual({ kind: "error", message: "Linking the identity provider failed." });
  });

  it("ignores other fragments", () => {
    expect(parseLinkFragment("")).toBeNull();
    expect(parseLinkFragment("#keys")).toBeNull();
    expect(parseLinkFragment("#code=c1")).toBeNull();
  });
});
