import type { Role, UserPublic } from "../../api/types";

export const ROLE_LABEL: Record<Role, string> = { admin: "Admin", member: "Member" };

export const ROLE_HELP: Record<Role, string> = {
  admin: "Sees everyone's data, manages users, workers and the server log.",
  member: "Works with their own datasets, jobs and models only; sees the workers but cannot change them.",
};

/** Admins first, then by name: the people who can fix things are at the top. Pure. */
export function sortUsers(users: readonly UserPublic[]): UserPublic[] {
  return [...users].sort(
    (a, b) =>
      Number(b.role === "admin") - Number(a.role === "admin") ||
      Number(b.is_active) - Number(a.is_active) ||
      a.username.localeCompare(b.username),
  );
}

/** The server's rule for usernames (UserCreate.username): letters, digits and . _ @ -, not starting with a sign. */
const USERNAME = /^[A-Za-z0-9][A-Za-z0-9._@-]*$/;

/** What is wrong with a new username, or null. Said before the round trip; the server checks again. */
export function usernameProblem(username: string): string | null {
  if (!username) return "Enter a username.";
  if (username.length > 64) return "A username has at most 64 characters.";
  if (!USERNAME.test(username)) return "Use letters, digits and . _ @ - only, starting with a letter or a digit.";
  return null;
}
