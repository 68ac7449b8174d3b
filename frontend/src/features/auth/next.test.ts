import { describe, expect, it } from "vitest";
import { loginPath, providerLoginUrl, safeNext } from "./next";

describe("loginPath", () => {
  it("remembers the page the user was on, query and all", () => {
    expect(loginPath({ pathname: "/jobs/abc", search: "?tab=log", hash: "" })).toBe("/login?next=%2Fjobs%2Fabc%3Ftab%3Dlog");
  });

  it("needs no reminder for the home page or the login page itself", () => {
    expect(loginPath({ pathname: "/", search: "", hash: "" })).toBe("/login");
    expect(loginPath({ pathname: "/login", search: "?next=%2Fdata" })).toBe("/login");
  });
});

describe("safeNext", () => {
  it("keeps paths of this site", () => {
    expect(safeNext("/models/m1?tab=predict")).toBe("/models/m1?tab=predict");
    expect(safeNext(decodeURIComponent("%2Fjobs%2Fabc%3Ftab%3Dlog"))).toBe("/jobs/abc?tab=log");
  });

  it("refuses anything that would leave the site or loop", () => {
    for (const raw of [null, undefined, "", "https://evil.example/", "//evil.example/x", "/\\evil.example", "javascript:alert(1)", "models", "/login", "/login?next=/"]) {
      expect(safeNext(raw)).toBe("/");
    }
  });
});

describe("providerLoginUrl", () => {
  it("asks the server to bring the user back to `next`", () => {
    expect(providerLoginUrl("/api/auth/oidc/corp/login", "/jobs/abc?tab=log")).toBe(
      "/api/auth/oidc/corp/login?next=%2Fjobs%2Fabc%3Ftab%3Dlog",
    );
  });

  it("leaves the URL alone for the home page, and keeps absolute URLs absolute", () => {
    expect(providerLoginUrl("/api/auth/oidc/corp/login", "/")).toBe("/api/auth/oidc/corp/login");
    expect(providerLoginUrl("https://sso.example/start?x=1", "/models")).toBe("https://sso.example/start?x=1&next=%2Fmodels");
  });
});
