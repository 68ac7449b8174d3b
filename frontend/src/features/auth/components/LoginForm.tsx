import { type FormEvent, useId, useState } from "react";
import { ErrorBanner } from "../../../components/States";
import { Button } from "../../../components/ui/button";
import { Input } from "../../../components/ui/input";
import { Label } from "../../../components/ui/label";
import { useLogin } from "../api";
import { loginErrorMessage } from "../loginError";

/** Username and password. On success the session starts (api/auth.ts) and the login page moves on. */
export function LoginForm() {
  const id = useId();
  const login = useLogin();
  const [username, setUsername] = useState("");
  const [password, setPassword] = useState("");

  function submit(event: FormEvent) {
    event.preventDefault();
    login.mutate({ username: username.trim(), password }, { onError: () => setPassword("") });
  }

  return (
    <form onSubmit={submit} className="space-y-4" aria-label="Sign in">
      {login.isError && <ErrorBanner message={loginErrorMessage(login.error)} />}
      <div className="space-y-1.5">
        <Label htmlFor={`${id}-username`}>Username</Label>
        <Input
          id={`${id}-username`}
          name="username"
          autoComplete="username"
          autoCapitalize="none"
          spellCheck={false}
          required
          autoFocus
          value={username}
          onChange={(event) => setUsername(event.target.value)}
        />
      </div>
      <div className="space-y-1.5">
        <Label htmlFor={`${id}-password`}>Password</Label>
        <Input
          id={`${id}-password`}
          name="password"
          type="password"
          autoComplete="current-password"
          required
          value={password}
          onChange={(event) => setPassword(event.target.value)}
        />
      </div>
      <Button type="submit" className="w-full" disabled={login.isPending}>
        {login.isPending ? "Signing in…" : "Sign in"}
      </Button>
    </form>
  );
}
