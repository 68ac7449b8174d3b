import type { UseMutationResult } from "@tanstack/react-query";
import { Plus } from "lucide-react";
import { type FormEvent, type ReactNode, useId, useState } from "react";
import { FormDialog } from "./FormDialog";
import { Button } from "./ui/button";
import { Input } from "./ui/input";
import { Label } from "./ui/label";

interface NameFieldProps {
  label: string;
  hint: ReactNode;
  placeholder: string;
  maxLength: number;
  /** Sent when the field is left empty. Without one, a name is required. */
  fallback?: string;
}

interface CreateSecretDialogProps<T> {
  /** The button that opens the dialog; its text is its accessible name. */
  triggerLabel: string;
  icon?: ReactNode;
  title: string;
  /** The title once the secret exists, when it should say so. */
  createdTitle?: string;
  description: ReactNode;
  /** Shown above the form and the secret alike, e.g. why the secret cannot be used yet. */
  notice?: ReactNode;
  name: NameFieldProps;
  /** Creates the secret from the name. */
  create: UseMutationResult<T, Error, string>;
  /** Show the server's refusal in the dialog: for a silent mutation, which raises no toast of its own. */
  showError?: boolean;
  submitLabel: string;
  /** The button that closes the dialog once the secret was shown. */
  doneLabel: string;
  /** The new secret, and how to use it. */
  children: (created: T) => ReactNode;
}

/**
 * A dialog that creates a named secret (an API key, a join token) and shows it this once. Closing it forgets the
 * secret: it must not linger in memory or reappear on the next opening.
 */
export function CreateSecretDialog<T>(props: CreateSecretDialogProps<T>) {
  const { name: field, create } = props;
  const [open, setOpen] = useState(false);
  const [name, setName] = useState("");
  const [created, setCreated] = useState<T | null>(null);
  const inputId = useId();

  function onOpenChange(next: boolean) {
    setOpen(next);
    if (!next) {
      setCreated(null);
      setName("");
      create.reset();
    }
  }

  function submit(event: FormEvent) {
    event.preventDefault();
    create.mutate(name.trim() || (field.fallback ?? ""), { onSuccess: setCreated });
  }

  return (
    <FormDialog
      open={open}
      onOpenChange={onOpenChange}
      trigger={
        <Button>
          <Plus aria-hidden />
          {props.triggerLabel}
        </Button>
      }
      icon={props.icon}
      title={created !== null && props.createdTitle ? props.createdTitle : props.title}
      description={props.description}
      className="max-w-2xl"
      notice={props.notice}
      error={props.showError && create.isError ? create.error.message : null}
      onSubmit={submit}
      pending={create.isPending}
      submitDisabled={field.fallback === undefined && !name.trim()}
      submitLabel={props.submitLabel}
      pendingLabel="Creating…"
      formClassName="space-y-1.5"
      outcome={created !== null ? { content: props.children(created), closeLabel: props.doneLabel } : null}
    >
      <Label htmlFor={inputId}>{field.label}</Label>
      <Input
        id={inputId}
        value={name}
        required={field.fallback === undefined}
        maxLength={field.maxLength}
        placeholder={field.placeholder}
        onChange={(event) => setName(event.target.value)}
      />
      <p className="text-xs text-muted">{field.hint}</p>
    </FormDialog>
  );
}
