import { UserPlus } from "lucide-react";
import { type FormEvent, useId, useState } from "react";
import { ROLES, type Role } from "../../../api/types";
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
import { Select, SelectContent, SelectItem, SelectTrigger, SelectValue } from "../../../components/ui/select";
import { MIN_PASSWORD_LENGTH } from "../../auth/password";
import { useCreateUser } from "../api";
import { ROLE_HELP, ROLE_LABEL, usernameProblem } from "../roles";

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

  const error = problem ?? (create.isError ? create.error.message : null);
  return (
    <Dialog open={open} onOpenChange={onOpenChange}>
      <DialogTrigger asChild>
        <Button>
          <UserPlus aria-hidden />
          Add user
        </Button>
      </DialogTrigger>
      <DialogContent>
        <DialogHeader>
          <DialogTitle>Add a user</DialogTitle>
          <DialogDescription>
            They sign in with this username and password; tell them the password another way than by email if you
            can. They can change it under Account.
          </DialogDescription>
        </DialogHeader>
        <form id={`${id}-form`} onSubmit={submit} className="space-y-4">
          {error && <ErrorBanner message={error} />}
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
          <div className="space-y-1.5">
            <Label htmlFor={`${id}-password`}>Password</Label>
            <Input
              id={`${id}-password`}
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
            <Label htmlFor={`${id}-role`}>Role</Label>
            <Select value={role} onValueChange={(value) => setRole(value as Role)}>
              <SelectTrigger id={`${id}-role`}>
                <SelectValue />
              </SelectTrigger>
              <SelectContent>
                {ROLES.map((choice) => (
                  <SelectItem key={choice} value={choice}>
                    {ROLE_LABEL[choice]}
                  </SelectItem>
                ))}
              </SelectContent>
            </Select>
            <p className="text-xs text-muted">{ROLE_HELP[role]}</p>
          </div>
        </form>
        <DialogFooter>
          <Button variant="outline" onClick={() => onOpenChange(false)}>
            Cancel
          </Button>
          <Button type="submit" form={`${id}-form`} disabled={create.isPending}>
            {create.isPending ? "Adding…" : "Add user"}
          </Button>
        </DialogFooter>
      </DialogContent>
    </Dialog>
  );
}
