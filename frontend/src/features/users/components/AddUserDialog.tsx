import { UserPlus } from "lucide-react";
import { type FormEvent, useId, useState } from "react";
import type { Role } from "../../../api/types";
import { FormDialog } from "../../../components/FormDialog";
import { Button } from "../../../components/ui/button";
import { Input } from "../../../components/ui/input";
import { Label } from "../../../components/ui/label";
import { NewPasswordFields } from "../../../components/NewPasswordFields";
import { MIN_PASSWORD_LENGTH } from "../../../lib/password";
import { useCreateUser } from "../api";
import { ROLE_HELP, usernameProblem } from "../roles";
import { RoleSelect } from "./RoleSelect";

export function AddUserDialog() {
  const id = useId();
  const create = useCreateUser();
  const [open, setOpen] = useState(false);
  const [username, setUsername] = useState("");
  const [password, setPassword] = useState("");
  const [role, setRole] = useState<Role>("member");
  const [problem, setProblem] = useState<string | null>(null);

  function onOpenChange(next: boolean) {
    setOpen(next);
    if (!next) {
      setUsername("");
      setPassword("");
      setRole("member");
      setProblem(null);
      create.reset();
    }
  }

  function submit(event: FormEvent) {
    event.preventDefault();
    const name = username.trim();
    const found =
      usernameProblem(name) ??
      (password.length < MIN_PASSWORD_LENGTH ? `The password needs at least ${MIN_PASSWORD_LENGTH} characters.` : null);
    setProblem(found);
    if (found) return;
    create.mutate({ username: name, password, role }, { onSuccess: () => onOpenChange(false) });
  }

  return (
    <FormDialog
      open={open}
      onOpenChange={onOpenChange}
      trigger={
        <Button>
          <UserPlus aria-hidden />
          Add user
        </Button>
      }
      title="Add a user"
      description={
        <>
          They sign in with this username and password; tell them the password another way than by email if you can.
          They can change it under Account.
        </>
      }
      error={problem ?? (create.isError ? create.error.message : null)}
      onSubmit={submit}
      pending={create.isPending}
      submitLabel="Add user"
      pendingLabel="Adding…"
    >
      <div className="space-y-1.5">
        <Label htmlFor={`${id}-username`}>Username</Label>
        <Input
          id={`${id}-username`}
          required
          autoComplete="off"
          autoCapitalize="none"
          spellCheck={false}
          maxLength={64}
          value={username}
          onChange={(event) => setUsername(event.target.value)}
        />
        <p className="text-xs text-muted">Letters, digits and . _ @ - (an email address works).</p>
      </div>
      <NewPasswordFields id={id} label="Password" password={password} onPasswordChange={setPassword} />
      <div className="space-y-1.5">
        <Label htmlFor={`${id}-role`}>Role</Label>
        <RoleSelect id={`${id}-role`} value={role} onChange={setRole} />
        <p className="text-xs text-muted">{ROLE_HELP[role]}</p>
      </div>
    </FormDialog>
  );
}
