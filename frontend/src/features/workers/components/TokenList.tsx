import { KeyRound } from "lucide-react";
import { ActionsCell, ListLoading, ListTable, MomentCell, NameCell } from "../../../components/ListTable";
import { EmptyState, ErrorBanner } from "../../../components/States";
import { Badge } from "../../../components/ui/badge";
import { TableCell, TableRow } from "../../../components/ui/table";
import { formatDateTime } from "../../../lib/time";
import { useJoinTokens } from "../../../api/hooks/workers";
import { sortTokens } from "../cluster";
import { RevokeTokenButton } from "./RevokeTokenButton";

export function TokenList() {
  const tokens = useJoinTokens();
  if (tokens.isError) return <ErrorBanner message={tokens.error.message} />;
  if (!tokens.data) return <ListLoading label="Loading tokens" />;
  if (tokens.data.length === 0) {
    return (
      <EmptyState title="No join tokens yet" icon={<KeyRound className="size-8" aria-hidden />}>
        “Add a worker” creates one. Each token can connect any number of machines until you revoke it.
      </EmptyState>
    );
  }
  return (
    <ListTable label="Join tokens" columns={["Name", "State", "Created", "Last used"]}>
      {sortTokens(tokens.data).map((token) => (
        <TableRow key={token.id}>
          <NameCell name={token.name} />
          <TableCell>
            {token.revoked_at ? (
              <Badge variant="outline" title={`Revoked ${formatDateTime(token.revoked_at)}`}>
                Revoked
              </Badge>
            ) : (
              <Badge variant="ok">Active</Badge>
            )}
          </TableCell>
          <MomentCell value={token.created_at} />
          <MomentCell value={token.last_used_at} />
          <ActionsCell>{!token.revoked_at && <RevokeTokenButton token={token} />}</ActionsCell>
        </TableRow>
      ))}
    </ListTable>
  );
}
