import type { ReactNode } from "react";
import { Input } from "./ui/input";
import { Label } from "./ui/label";
import { MIN_PASSWORD_LENGTH } from "../lib/password";

interface PasswordFieldProps {
  id: string;
  label: string;
  value: string;
  onChange: (value: string) => void;
  /** Tells password managers whether to fill in the saved password or offer to save a new one. */
  autoComplete: "current-password" | "new-password";
  minLength?: number;
  /** Under the field, and read out as its description. */
  hint?: ReactNode;
}

/** A labelled, required password input. */
export function PasswordField({ id, label, value, onChange, autoComplete, minLength, hint }: PasswordFieldProps) {
  const hintId = `${id}-hint`;
  return (
    <div className="space-y-1.5">
      <Label htmlFor={id}>{label}</Label>
      <Input
        id={id}
        type="password"
        autoComplete={autoComplete}
        required
        minLength={minLength}
        value={value}
        onChange={(event) => onChange(event.target.value)}
        aria-describedby={hint ? hintId : undefined}
      />
      {hint && (
        <p id={hintId} className="text-xs text-muted">
          {hint}
        </p>
      )}
    </div>
  );
}

interface NewPasswordFieldsProps {
  /** From useId: the inputs' ids start with it. */
  id: string;
  /** The first field's label; the confirmation's adds "again". */
  label?: string;
  password: string;
  onPasswordChange: (value: string) => void;
  /** Asks for the password a second time, to catch a typo the dots hide. */
  confirmation?: { value: string; onChange: (value: string) => void };
}

/** A password being chosen: the server's minimum length said up front, and, when asked for, the same again. */
export function NewPasswordFields({
  id,
  label = "New password",
  password,
  onPasswordChange,
  confirmation,
}: NewPasswordFieldsProps) {
  return (
    <>
      <PasswordField
        id={`${id}-new`}
        label={label}
        autoComplete="new-password"
        minLength={MIN_PASSWORD_LENGTH}
        hint={`At least ${MIN_PASSWORD_LENGTH} characters.`}
        value={password}
        onChange={onPasswordChange}
      />
      {confirmation && (
        <PasswordField
          id={`${id}-confirm`}
          label={`${label} again`}
          autoComplete="new-password"
          value={confirmation.value}
          onChange={confirmation.onChange}
        />
      )}
    </>
  );
}
