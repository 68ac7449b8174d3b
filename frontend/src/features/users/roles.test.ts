import { describe, expect, it } from "vitest";
import { makeUser } from "../../test/factories";
import { sortUsers, usernameProblem } from "./roles";

describe("sortUsers", () => {
  it("lists admins first, then active users, then by name", () => {
    const users = [
      makeUser({ id: "1", username: "zoe" }),
      makeUser({ id: "2", username: "bob", is_active: false }),
      makeUser({ id: "3", username: "root", role: "admin" }),
      makeUser({ id: "4", username: "amy" }),
    ];
    expect(sortUsers(users).map((user) => user.username)).toEqual(["root", "amy", "zoe", "bob"]);
    expect(users[0]?.username).toBe("zoe"); // the input is left as it was
  });
});

describe("usernameProblem", () => {
  it("accepts what the server accepts", () => {
    for (const name of ["ada", "Ada.Lovelace", "a_b-c", "ada@example.org", "7of9"]) expect(usernameProblem(name)).toBeNull();
  });

  it("explains what it refuses", () => {
    expect(usernameProblem("")).toMatch(/Enter/);
    expect(usernameProblem("-ada")).toMatch(/starting with a letter/);
    expect(usernameProblem("ada lovelace")).toMatch(/letters, digits/);
    expect(usernameProblem("a".repeat(65))).toMatch(/64/);
  });
});
