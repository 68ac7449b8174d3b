import { describe, expect, it } from "vitest";
import { ApiError } from "../../api/client";
import { apiKeyUsage, maskedKey, shellQuote } from "./keys";
import { loginErrorMessage } from "./loginError";
import { newPasswordProblem } from "../../lib/password";
import { isAdmin } from "../../api/hooks/session";
import { makeUser } from "../../test/factories";

describe("loginErrorMessage", () => {
  it("passes the server's words on", () => {
    expect(loginErrorMessage(new ApiError(401, "Wrong username or password."))).toBe("Wrong username or password.");
    expect(loginErrorMessage(new ApiError(429, "Too many attempts: try again in 42 s."))).toBe("Too many attempts: try again in 42 s.");
  });

  it("explains a bare 429", () => {
    expect(loginErrorMessage(new ApiError(429, "Too Many Requests"))).toMatch(/Too many sign-in attempts/);
    expect(loginErrorMessage(new ApiError(429, "Request failed (HTTP 429)"))).toMatch(/Wait a minute/);
  });
});

describe("newPasswordProblem", () => {
  it("wants 8 characters and two equal copies", () => {
    expect(newPasswordProblem("short", "short")).toMatch(/at least 8/);
    expect(newPasswordProblem("long enough", "long enougH")).toMatch(/differ/);
    expect(newPasswordProblem("long enough", "long enough")).toBeNull();
  });
});

describe("apiKeyUsage", () => {
  it("exports the key for the shell and shows a request that uses it", () => {
    const usage = apiKeyUsage("fml_AbC-12_x", "http://flowml.lan:8000");
    expect(usage.shell[0]).toBe("export FLOWML_API_KEY=fml_AbC-12_x");
    expect(usage.shell[1]).toBe('curl -H "Authorization: Bearer $FLOWML_API_KEY" http://flowml.lan:8000/api/auth/me');
  });

  it("quotes what a shell would interpret", () => {
    expect(shellQuote("a b$c")).toBe("'a b$c'");
    expect(shellQuote("it's")).toBe("'it'\\''s'");
  });

  it("shows only the prefix of a stored key", () => {
    expect(maskedKey("fml_ab12")).toBe("fml_ab12…");
  });
});

describe("isAdmin", () => {
  it("is true for admins only", () => {
    expect(isAdmin(makeUser({ role: "admin" }))).toBe(true);
    expect(isAdmin(makeUser({ role: "member" }))).toBe(false);
    expect(isAdmin(null)).toBe(false);
  });
});
