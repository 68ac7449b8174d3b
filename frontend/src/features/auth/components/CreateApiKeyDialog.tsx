import { KeyRound, Plus } from "lucide-react";
import { type FormEvent, useId, useState } from "react";
import type { ApiKeyCreated } from "../../../api/types";
import { ErrorBanner, Notice } from "../../../components/States";
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
import { CommandBlock } from "../../workers/components/CommandBlock";
import { useCreateApiKey } from "../api";
import { apiKeyUsage } from "../keys";

/** The new key, shown this once with what to do with it. */
function NewKey({ created }: { created: ApiKeyCreated }) {
  const usage = apiKeyUsage(created.key, window.location.origin);
  return (
    <div className="space-y-4">
      <Notice>
        <strong>Copy the key now: it will not be shown again.</strong> If you lose it, revoke it and create another.
      </Notice>
      <CommandBlock title={`API key “${created.name}”`} lines={[created.key]} copyLabel="Copy the API key" />
      <CommandBlock title="Use it from a shell" lines={usage.shell} copyLabel="Copy the shell commands" />
      <p className="text-xs text-muted">
        Any HTTP client sends it the same way, as <code className="font-mono">Authorization: Bearer &lt;key&gt;</code>.
      </p>
    </div>
  );
}

/** Creates a key for scripts and the command line; closing the dialog forgets the key. */
export function CreateApiKeyDialog() {
  const [open, setOpen] = useState(false);
  const [name, setName] = useState("");
  const [created, setCreated] = useState<ApiKeyCreated | null>(null);
  const create = useCreateApiKey();
  const inputId = useId();

  function onOpenChange(next: boolean) {
    setOpen(next);
    // The secret must not linger in memory or reappear on the next opening.
    if (!next) {
      setCreated(null);
      setName("");
      create.reset();
    }
  }

  function submit(event: FormEvent) {
    event.preventDefault();
    create.mutate(name.trim(), { onSuccess: setCreated });
  }

  return (
    <Dialog open={open} onOpenChange={onOpenChange}>
      <DialogTrigger asChild>
        <Button>
          <Plus aria-hidden />
          Create API key
        </Button>
      </DialogTrigger>
      <DialogContent className="max-w-2xl">
        <DialogHeader>
          <DialogTitle className="flex items-center gap-2">
            <KeyRound className="size-5 text-accent" aria-hidden />
            {created ? "Your new API key" : "Create an API key"}
          </DialogTitle>
          <DialogDescription>
            A key lets a script or the <code className="font-mono">flowml</code> command act as you, without your
            password. It has your permissions and lasts until you revoke it.
          </DialogDescription>
        </DialogHeader>
        {created ? (
          <NewKey created={created} />
        ) : (
          <form id={`${inputId}-form`} onSubmit={submit} className="space-y-1.5">
            {create.isError && <ErrorBanner message={create.error.message} />}
            <Label htmlFor={inputId}>Key name</Label>
            <Input
              id={inputId}
              value={name}
              required
              maxLength={100}
              placeholder="for example: laptop scripts"
              onChange={(event) => setName(event.target.value)}
            />
            <p className="text-xs text-muted">To recognise the key in the list later, and revoke the right one.</p>
          </form>
        )}
        <DialogFooter>
          {created ? (
            <Button onClick={() => onOpenChange(false)}>I have copied it</Button>
          ) : (
            <>
              <Button variant="outline" onClick={() => onOpenChange(false)}>
                Cancel
              </Button>
              <Button type="submit" form={`${inputId}-form`} disabled={create.isPending || !name.trim()}>
                {create.isPending ? "Creating…" : "Create key"}
              </Button>
            </>
          )}
        </DialogFooter>
      </DialogContent>
    </Dialog>
  );
}
