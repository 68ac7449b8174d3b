import { Plus } from "lucide-react";
import { useId, useState, type FormEvent } from "react";
import { Notice } from "../../../components/States";
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
import { useCreateToken } from "../api";
import type { TokenCreated } from "../cluster";
import { JoinInstructions } from "./JoinInstructions";

interface AddWorkerDialogProps {
  /** False when this server runs without a broker: a worker could not receive work from it. */
  clusterMode: boolean | undefined;
}

export function AddWorkerDialog({ clusterMode }: AddWorkerDialogProps) {
  const [open, setOpen] = useState(false);
  const [name, setName] = useState("");
  const [created, setCreated] = useState<TokenCreated | null>(null);
  const create = useCreateToken();
  const inputId = useId();

  function onOpenChange(next: boolean) {
    setOpen(next);
    // Closing forgets the secret: it must not linger in memory or reappear on the next opening.
    if (!next) {
      setCreated(null);
      setName("");
      create.reset();
    }
  }

  function submit(event: FormEvent) {
    event.preventDefault();
    create.mutate(name.trim() || "default", { onSuccess: setCreated });
  }

  return (
    <Dialog open={open} onOpenChange={onOpenChange}>
      <DialogTrigger asChild>
        <Button>
          <Plus aria-hidden />
          Add a worker
        </Button>
      </DialogTrigger>
      <DialogContent className="max-w-2xl">
        <DialogHeader>
          <DialogTitle>Add a worker</DialogTitle>
          <DialogDescription>
            A worker is another computer that trains models for this server. It joins with a token: a secret that
            you create here and paste on that computer.
          </DialogDescription>
        </DialogHeader>
        {clusterMode === false && (
          <Notice>
            This server runs on its own, without a broker, so it cannot hand work to other machines yet. Restart it
            with <code className="font-mono">CELERY_BROKER_URL</code> set to a Redis address (see CLUSTER_SETUP.md);
            until then a worker started with this token will be refused.
          </Notice>
        )}
        {created ? (
          <JoinInstructions token={created.token} masterUrl={window.location.origin} />
        ) : (
          <form id={`${inputId}-form`} onSubmit={submit} className="space-y-1.5">
            <Label htmlFor={inputId}>Token name</Label>
            <Input
              id={inputId}
              value={name}
              maxLength={255}
              placeholder="for example: gpu-room"
              onChange={(event) => setName(event.target.value)}
            />
            <p className="text-xs text-muted">
              A label to recognise the token later, such as the room or group of machines. One token can serve many
              machines.
            </p>
          </form>
        )}
        <DialogFooter>
          {created ? (
            <Button onClick={() => onOpenChange(false)}>Done</Button>
          ) : (
            <>
              <Button variant="outline" onClick={() => onOpenChange(false)}>
                Cancel
              </Button>
              <Button type="submit" form={`${inputId}-form`} disabled={create.isPending}>
                {create.isPending ? "Creating…" : "Create join token"}
              </Button>
            </>
          )}
        </DialogFooter>
      </DialogContent>
    </Dialog>
  );
}
