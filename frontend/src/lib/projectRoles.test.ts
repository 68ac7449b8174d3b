import { describe, expect, it } from "vitest";
import { managesProject, projectsForWork } from "./projectRoles";

describe("project roles as the server reports them", () => {
  it("lets owners and admins manage", () => {
    expect(managesProject({ my_role: "owner" })).toBe(true);
    expect(managesProject({ my_role: "admin" })).toBe(true);
    expect(managesProject({ my_role: "editor" })).toBe(false);
    expect(managesProject({ my_role: "viewer" })).toBe(false);
  });

  it("offers for new work only projects where the user may add it", () => {
    const projects = [
      { id: "a", my_role: "viewer" },
      { id: "b", my_role: "editor" },
      { id: "c", my_role: "owner" },
      { id: "d", my_role: "admin" },
    ];
    expect(projectsForWork(projects).map((p) => p.id)).toEqual(["b", "c", "d"]);
  });
});
