import { type FormEvent, useId, useState } from "react";
import type { UserPublic } from "../../../api/types";
import { ErrorBanner } from "../../../components/States";
import { Button } from "../../../components/ui/button";
import {
  Dialog,
  DialogContent,
  DialogDescription,
  DialogFooter,
  DialogHeader,
  DialogTitle,
  DialogTrigger,
} from "../../../components/ui/dialog";
import { Input } from "../../../components/ui/input";
import { Label } from "../../../components/ui/label";
import { MIN_PASSWORD_LENGTH, newPasswordProblem } from "../../auth/password";
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

  const error = problem ?? (update.isError ? update.error.message : null);
  return (
    <Dialog open={open} onOpenChange={onOpenChange}>
      <DialogTrigger asChild>
        <Button variant="ghost" size="sm">
          Reset password<span className="sr-only"> of {user.username}</span>
        </Button>
      </DialogTrigger>
      <DialogContent>
        <DialogHeader>
          <DialogTitle>Reset the password of “{user.username}”</DialogTitle>
          <DialogDescription>
            Their old password stops working and they are signed out everywhere (their API keys keep working). Tell
            them the new one; they can change it under Account.
          </DialogDescription>
        </DialogHeader>
        <form id={`${id}-form`} onSubmit={submit} className="space-y-4">
          {error && <ErrorBanner message={error} />}
          <div className="space-y-1.5">
            <Label htmlFor={`${id}-new`}>New password</Label>
            <Input
              id={`${id}-new`}
              type="password"
              required
              autoComplete="new-password"
              minLength={MIN_PASSWORD_LENGTH}
              value={password}
              onChange={(event) => setPassword(event.target.value)}
            />
            <p className="text-xs text-muted">At least {MIN_PASSWORD_LENGTH} characters.</p>
          </div>
          <div className="space-y-1.5">
            <Label htmlFor={`${id}-confirm`}>New password again</Label>
            <Input
              id={`${id}-confirm`}
              type="password"
              required
              autoComplete="new-password"
              value={confirmation}
              onChange={(event) => setConfirmation(event.target.value)}
            />
          </div>
        </form>
        <DialogFooter>
          <Button variant="outline" onClick={() => onOpenChange(false)}>
            Cancel
          </Button>
          <Button type="submit" form={`${id}-form`} disabled={update.isPending}>
            {update.isPending ? "Saving…" : "Set password"}
          </Button>
        </DialogFooter>
      </DialogContent>
    </Dialog>
  );
}
