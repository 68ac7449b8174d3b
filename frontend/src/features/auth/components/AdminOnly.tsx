import { ShieldAlert } from "lucide-react";
import type { ReactNode } from "react";
import { EmptyState } from "../../../components/States";
import { useIsAdmin } from "../../../api/hooks/session";

/**
 * `children` for administrators; for members, a plain explanation instead of requests the server would refuse with
 * 403. `what` names the page ("The server log").
 */
export function AdminOnly({ what, children }: { what: string; children: ReactNode }) {
  if (useIsAdmin()) return children;
  return (
    <EmptyState title="Admins only" icon={<ShieldAlert className="size-8" aria-hidden />}>
      {what} is only available to administrators of this FlowML server. Ask an administrator if you need access.
    </EmptyState>
  );
}
