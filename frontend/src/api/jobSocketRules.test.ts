import { describe, expect, it } from "vitest";
import { AUTH_CLOSE_CODE, closeAction } from "./jobSocketRules";

describe("closeAction", () => {
  it("gives up on a refusal no retry can change (forbidden, no such job)", () => {
    expect(closeAction(4403, false)).toBe("give-up");
    expect(closeAction(4404, true)).toBe("give-up");
  });

  it("renews a refused token once per attempt, then backs off", () => {
    expect(closeAction(AUTH_CLOSE_CODE, false)).toBe("renew");
    expect(closeAction(AUTH_CLOSE_CODE, true)).toBe("retry");
  });

  it("backs off after any other close (a dropped connection, a server restart)", () => {
    expect(closeAction(1006, false)).toBe("retry");
    expect(closeAction(1012, true)).toBe("retry");
  });
});
