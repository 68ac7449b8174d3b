import { ConfirmAction } from "../../../components/ConfirmAction";
import { useRevokeToken } from "../../../api/hooks/workers";
import type { JoinToken } from "../../../api/hooks/workers";

export function RevokeTokenButton({ token }: { token: JoinToken }) {
  const revoke = useRevokeToken();
  return (
    <ConfirmAction
      label="Revoke"
      hiddenLabel={`token ${token.name}`}
      variant="ghost"
      size="sm"
      className="text-danger hover:bg-danger/10 hover:text-danger"
      pending={revoke.isPending}
      title={`Revoke the token “${token.name}”?`}
      description={
        "Machines that joined with it are disconnected now and cannot join again with it. Trials they are running " +
        "are handed to other machines. This cannot be undone: create a new token to add them back."
      }
      dismissLabel="Keep it"
      confirmLabel="Revoke token"
      onConfirm={() => revoke.mutate(token.id)}
    />
  );
}
