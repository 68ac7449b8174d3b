import { KeyRound } from "lucide-react";
import { EmptyState, ErrorBanner } from "../../../components/States";
import { Badge } from "../../../components/ui/badge";
import { Skeleton } from "../../../components/ui/skeleton";
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from "../../../components/ui/table";
import { formatAgo, formatDateTime } from "../../../lib/time";
import { useJoinTokens } from "../api";
import { sortTokens } from "../cluster";
import { RevokeTokenButton } from "./RevokeTokenButton";

export function TokenList() {
  const tokens = useJoinTokens();
  if (tokens.isError) return <ErrorBanner message={tokens.error.message} />;
  if (!tokens.data) {
    return (
      <div className="space-y-2" role="status" aria-label="Loading tokens">
        <Skeleton className="h-8" />
        <Skeleton className="h-8" />
      </div>
    );
  }
  if (tokens.data.length === 0) {
    return (
      <EmptyState title="No join tokens yet" icon={<KeyRound className="size-8" aria-hidden />}>
        “Add a worker” creates one. Each token can connect any number of machines until you revoke it.
      </EmptyState>
    );
  }
  return (
    <Table aria-label="Join tokens" className="whitespace-nowrap">
      <TableHeader>
        <TableRow>
          <TableHead>Name</TableHead>
          <TableHead>State</TableHead>
          <TableHead>Created</TableHead>
          <TableHead>Last used</TableHead>
          <TableHead className="text-right">
            <span className="sr-only">Actions</span>
          </TableHead>
        </TableRow>
      </TableHeader>
      <TableBody>
        {sortTokens(tokens.data).map((token) => (
          <TableRow key={token.id}>
            <TableCell className="max-w-48 truncate font-medium" title={token.name}>
              {token.name}
            </TableCell>
            <TableCell>
              {token.revoked_at ? (
                <Badge variant="outline" title={`Revoked ${formatDateTime(token.revoked_at)}`}>
                  Revoked
                </Badge>
              ) : (
                <Badge variant="ok">Active</Badge>
              )}
            </TableCell>
            <TableCell className="text-muted" title={formatDateTime(token.created_at)}>
              {formatAgo(token.created_at)}
            </TableCell>
            <TableCell className="text-muted">{token.last_used_at ? formatAgo(token.last_used_at) : "Never"}</TableCell>
            <TableCell className="text-right">{!token.revoked_at && <RevokeTokenButton token={token} />}</TableCell>
          </TableRow>
        ))}
      </TableBody>
    </Table>
  );
}
