import { type FormEvent, type ReactNode, useId, useState } from "react";
import { ErrorBanner } from "../../../components/States";
import { Button } from "../../../components/ui/button";
import { endSession } from "../../../api/auth";
import { useChangePassword } from "../api";
import { PASSWORD_CHANGED, newPasswordProblem } from "../../../lib/password";
import { NewPasswordFields, PasswordField } from "../../../components/NewPasswordFields";

interface ChangePasswordFormProps {
  /** Called after the server accepted the new password (a dialog closes), just before the session ends. */
  onDone?: () => void;
  /** Extra buttons next to the submit button (a dialog's Cancel). */
  extraActions?: ReactNode;
}

/**
 * Current password, new password twice. The server's refusal ("The current password is wrong.") shows above; its
 * success signs the user out everywhere, so the login page follows.
 */
export function ChangePasswordForm({ onDone, extraActions }: ChangePasswordFormProps) {
  const id = useId();
  const change = useChangePassword();
  const [current, setCurrent] = useState("");
  const [next, setNext] = useState("");
  const [confirmation, setConfirmation] = useState("");
  const [problem, setProblem] = useState<string | null>(null);

  function submit(event: FormEvent) {
    event.preventDefault();
    const found = newPasswordProblem(next, confirmation);
    setProblem(found);
    if (found) return;
    change.mutate(
      { current_password: current, new_password: next },
      {
        onSuccess: () => {
          onDone?.();
          // The server signs out every session of the user, this one too: say so on the login page rather than
          // let the next request discover it.
          endSession({ notice: PASSWORD_CHANGED });
        },
      },
    );
  }

  const error = problem ?? (change.isError ? change.error.message : null);
  return (
    <form onSubmit={submit} className="space-y-4" aria-label="Change password">
      {error && <ErrorBanner message={error} />}
      <PasswordField
        id={`${id}-current`}
        label="Current password"
        autoComplete="current-password"
        value={current}
        onChange={setCurrent}
      />
      <NewPasswordFields
        id={id}
        password={next}
        onPasswordChange={setNext}
        confirmation={{ value: confirmation, onChange: setConfirmation }}
      />
      <div className="flex flex-col-reverse gap-2 sm:flex-row sm:justify-end">
        {extraActions}
        <Button type="submit" disabled={change.isPending}>
          {change.isPending ? "Changing…" : "Change password"}
        </Button>
      </div>
    </form>
  );
}
