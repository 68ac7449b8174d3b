import { type FormEvent, useId, useState } from "react";
import type { UserPublic } from "../../../api/types";
import { FormDialog } from "../../../components/FormDialog";
import { Button } from "../../../components/ui/button";
import { NewPasswordFields } from "../../../components/NewPasswordFields";
import { newPasswordProblem } from "../../../lib/password";
import { useUpdateUser } from "../api";

/** An admin sets a new password for someone who forgot theirs. */
export function ResetPasswordDialog({ user }: { user: UserPublic }) {
  const id = useId();
  const update = useUpdateUser({ silent: true });
  const [open, setOpen] = useState(false);
  const [password, setPassword] = useState("");
  const [confirmation, setConfirmation] = useState("");
  const [problem, setProblem] = useState<string | null>(null);

  function onOpenChange(next: boolean) {
    setOpen(next);
    if (!next) {
      setPassword("");
      setConfirmation("");
      setProblem(null);
      update.reset();
    }
  }

  function submit(event: FormEvent) {
    event.preventDefault();
    const found = newPasswordProblem(password, confirmation);
    setProblem(found);
    if (found) return;
    update.mutate({ id: user.id, change: { password } }, { onSuccess: () => onOpenChange(false) });
  }

  return (
    <FormDialog
      open={open}
      onOpenChange={onOpenChange}
      trigger={
        <Button variant="ghost" size="sm">
          Reset password<span className="sr-only"> of {user.username}</span>
        </Button>
      }
      title={`Reset the password of “${user.username}”`}
      description={
        <>
          Their old password stops working and they are signed out everywhere (their API keys keep working). Tell them
          the new one; they can change it under Account.
        </>
      }
      error={problem ?? (update.isError ? update.error.message : null)}
      onSubmit={submit}
      pending={update.isPending}
      submitLabel="Set password"
      pendingLabel="Saving…"
    >
      <NewPasswordFields
        id={id}
        password={password}
        onPasswordChange={setPassword}
        confirmation={{ value: confirmation, onChange: setConfirmation }}
      />
    </FormDialog>
  );
}
