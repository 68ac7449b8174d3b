import { describe, expect, it } from "vitest";
import { AUTH_CLOSE_CODE, socketProtocols } from "../../api/jobSocketRules";

describe("socketProtocols", () => {
  it("sends the access token as the second subprotocol, after flowml.bearer", () => {
    expect(socketProtocols("eyJ.a.b")).toEqual(["flowml.bearer", "eyJ.a.b"]);
  });

  it("offers no subprotocol without a token", () => {
    expect(socketProtocols(null)).toBeUndefined();
  });

  it("knows the server's close code for a refused token", () => {
    expect(AUTH_CLOSE_CODE).toBe(4401);
  });
});
