import { KeyRound } from "lucide-react";
import type { ApiKeyCreated } from "../../../api/types";
import { CreateSecretDialog } from "../../../components/CreateSecretDialog";
import { CommandBlock } from "../../../components/CommandBlock";
import { SecretOnce } from "../../../components/SecretOnce";
import { useCreateApiKey } from "../api";
import { apiKeyUsage } from "../keys";

/** The new key, shown this once with what to do with it. */
function NewKey({ created }: { created: ApiKeyCreated }) {
  const usage = apiKeyUsage(created.key, window.location.origin);
  return (
    <div className="space-y-4">
      <SecretOnce what="API key" title={`API key “${created.name}”`} secret={created.key}>
        If you lose it, revoke it and create another.
      </SecretOnce>
      <CommandBlock title="Use it from a shell" lines={usage.shell} copyLabel="Copy the shell commands" />
      <p className="text-xs text-muted">
        Any HTTP client sends it the same way, as <code className="font-mono">Authorization: Bearer &lt;key&gt;</code>.
      </p>
    </div>
  );
}

/** Creates a key for scripts and the command line; closing the dialog forgets the key. */
export function CreateApiKeyDialog() {
  const create = useCreateApiKey();
  return (
    <CreateSecretDialog
      triggerLabel="Create API key"
      icon={<KeyRound className="size-5 text-accent" aria-hidden />}
      title="Create an API key"
      createdTitle="Your new API key"
      description={
        <>
          A key lets a script or the <code className="font-mono">flowml</code> command act as you, without your
          password. It has your permissions and lasts until you revoke it.
        </>
      }
      name={{
        label: "Key name",
        hint: "To recognise the key in the list later, and revoke the right one.",
        placeholder: "for example: laptop scripts",
        maxLength: 100,
      }}
      create={create}
      showError
      submitLabel="Create key"
      doneLabel="I have copied it"
    >
      {(created) => <NewKey created={created} />}
    </CreateSecretDialog>
  );
}
