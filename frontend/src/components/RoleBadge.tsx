import type { Role } from "../api/types";
import { Badge } from "./ui/badge";

/** A user's role as a badge: in the account menu, on the Account page and in the Users table. */
export function RoleBadge({ role }: { role: Role }) {
  return <Badge variant={role === "admin" ? "default" : "secondary"}>{role === "admin" ? "Admin" : "Member"}</Badge>;
}
