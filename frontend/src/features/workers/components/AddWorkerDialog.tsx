import { CreateSecretDialog } from "../../../components/CreateSecretDialog";
import { Notice } from "../../../components/States";
import { useCreateToken } from "../../../api/hooks/workers";
import { JoinInstructions } from "./JoinInstructions";

interface AddWorkerDialogProps {
  /** False when this server runs without a broker: a worker could not receive work from it. */
  clusterMode: boolean | undefined;
}

export function AddWorkerDialog({ clusterMode }: AddWorkerDialogProps) {
  const create = useCreateToken();
  return (
    <CreateSecretDialog
      triggerLabel="Add a worker"
      title="Add a worker"
      description={
        <>
          A worker is another computer that trains models for this server. It joins with a token: a secret that you
          create here and paste on that computer.
        </>
      }
      notice={
        clusterMode === false && (
          <Notice>
            This server runs on its own, without a broker, so it cannot hand work to other machines yet. Restart it
            with <code className="font-mono">CELERY_BROKER_URL</code> set to a Redis address (see CLUSTER_SETUP.md);
            until then a worker started with this token will be refused.
          </Notice>
        )
      }
      name={{
        label: "Token name",
        hint:
          "A label to recognise the token later, such as the room or group of machines. One token can serve many " +
          "machines.",
        placeholder: "for example: gpu-room",
        maxLength: 255,
        fallback: "default",
      }}
      create={create}
      submitLabel="Create join token"
      doneLabel="Done"
    >
      {(created) => <JoinInstructions token={created.token} name={created.name} masterUrl={window.location.origin} />}
    </CreateSecretDialog>
  );
}
