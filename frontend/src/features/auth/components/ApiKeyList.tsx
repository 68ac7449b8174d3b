import { KeyRound, Trash2 } from "lucide-react";
import type { ApiKeyPublic } from "../../../api/types";
import { ConfirmAction } from "../../../components/ConfirmAction";
import { ActionsCell, ListLoading, ListTable, MomentCell, NameCell } from "../../../components/ListTable";
import { EmptyState, ErrorBanner } from "../../../components/States";
import { TableCell, TableRow } from "../../../components/ui/table";
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
  if (!keys.data) return <ListLoading label="Loading API keys" />;
  if (keys.data.length === 0) {
    return (
      <EmptyState title="No API keys yet" icon={<KeyRound className="size-8" aria-hidden />}>
        Create one for scripts or the <code className="font-mono">flowml</code> command.
      </EmptyState>
    );
  }
  return (
    <ListTable label="API keys" columns={["Name", "Key", "Created", "Last used"]}>
      {keys.data.map((key) => (
        <TableRow key={key.id}>
          <NameCell name={key.name} />
          <TableCell className="font-mono text-xs text-muted">{maskedKey(key.prefix)}</TableCell>
          <MomentCell value={key.created_at} />
          <MomentCell value={key.last_used_at} />
          <ActionsCell>
            <RevokeKeyButton apiKey={key} />
          </ActionsCell>
        </TableRow>
      ))}
    </ListTable>
  );
}
