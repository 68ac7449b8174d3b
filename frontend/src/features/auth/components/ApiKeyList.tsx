import { KeyRound, Trash2 } from "lucide-react";
import type { ApiKeyPublic } from "../../../api/types";
import { ConfirmAction } from "../../../components/ConfirmAction";
import { EmptyState, ErrorBanner } from "../../../components/States";
import { Skeleton } from "../../../components/ui/skeleton";
import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from "../../../components/ui/table";
import { formatAgo, formatDateTime } from "../../../lib/time";
import { useApiKeys, useRevokeApiKey } from "../api";
import { maskedKey } from "../keys";

function RevokeKeyButton({ apiKey }: { apiKey: ApiKeyPublic }) {
  const revoke = useRevokeApiKey();
  return (
    <ConfirmAction
      label="Revoke"
      hiddenLabel={`API key ${apiKey.name}`}
      icon={<Trash2 aria-hidden />}
      variant="ghost"
      size="sm"
      className="text-danger hover:bg-danger/10 hover:text-danger"
      pending={revoke.isPending}
      title={`Revoke the API key “${apiKey.name}”?`}
      description="Scripts and tools using it are refused from now on. This cannot be undone: create a new key to replace it."
      dismissLabel="Keep it"
      confirmLabel="Revoke key"
      onConfirm={() => revoke.mutate(apiKey)}
    />
  );
}

export function ApiKeyList() {
  const keys = useApiKeys();
  if (keys.isError) return <ErrorBanner message={keys.error.message} />;
  if (!keys.data) {
    return (
      <div className="space-y-2" role="status" aria-label="Loading API keys">
        <Skeleton className="h-8" />
        <Skeleton className="h-8" />
      </div>
    );
  }
  if (keys.data.length === 0) {
    return (
      <EmptyState title="No API keys yet" icon={<KeyRound className="size-8" aria-hidden />}>
        Create one for scripts or the <code className="font-mono">flowml</code> command.
      </EmptyState>
    );
  }
  return (
    <Table aria-label="API keys" className="whitespace-nowrap">
      <TableHeader>
        <TableRow>
          <TableHead>Name</TableHead>
          <TableHead>Key</TableHead>
          <TableHead>Created</TableHead>
          <TableHead>Last used</TableHead>
          <TableHead className="text-right">
            <span className="sr-only">Actions</span>
          </TableHead>
        </TableRow>
      </TableHeader>
      <TableBody>
        {keys.data.map((key) => (
          <TableRow key={key.id}>
            <TableCell className="max-w-56 truncate font-medium" title={key.name}>
              {key.name}
            </TableCell>
            <TableCell className="font-mono text-xs text-muted">{maskedKey(key.prefix)}</TableCell>
            <TableCell className="text-muted" title={formatDateTime(key.created_at)}>
              {formatAgo(key.created_at)}
            </TableCell>
            <TableCell className="text-muted" title={key.last_used_at ? formatDateTime(key.last_used_at) : undefined}>
              {key.last_used_at ? formatAgo(key.last_used_at) : "Never"}
            </TableCell>
            <TableCell className="text-right">
              <RevokeKeyButton apiKey={key} />
            </TableCell>
          </TableRow>
        ))}
      </TableBody>
    </Table>
  );
}
