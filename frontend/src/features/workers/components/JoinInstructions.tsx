import { Tabs, TabsContent, TabsList, TabsTrigger } from "../../../components/ui/tabs";
import { installLines, workerCommand, type Platform } from "../joinCommand";
import { CommandBlock } from "../../../components/CommandBlock";
import { SecretOnce } from "../../../components/SecretOnce";

const PLATFORMS: { value: Platform; label: string }[] = [
  { value: "unix", label: "Linux or macOS" },
  { value: "windows", label: "Windows" },
];

interface JoinInstructionsProps {
  token: string;
  /** The token's name, as the list shows it. */
  name: string;
  masterUrl: string;
}

/** What to run on the new machine, once a token exists. The token is shown here and never again. */
export function JoinInstructions({ token, name, masterUrl }: JoinInstructionsProps) {
  return (
    <div className="space-y-4">
      <SecretOnce what="join token" title={`Join token “${name}”`} secret={token}>
        FlowML keeps only a fingerprint of it. If it gets lost, create a new one. Treat it like a password: anyone who
        has it can connect a machine and receive your data.
      </SecretOnce>
      <Tabs defaultValue="unix">
        <TabsList aria-label="Operating system of the new machine">
          {PLATFORMS.map(({ value, label }) => (
            <TabsTrigger key={value} value={value}>
              {label}
            </TabsTrigger>
          ))}
        </TabsList>
        {PLATFORMS.map(({ value, label }) => (
          <TabsContent key={value} value={value} className="space-y-4">
            <CommandBlock
              title="1. Install FlowML (once per machine)"
              lines={installLines(value)}
              copyLabel={`Copy the install commands for ${label}`}
            />
            <CommandBlock
              title="2. Start the worker"
              lines={[workerCommand(masterUrl, token, value)]}
              copyLabel={`Copy the worker command for ${label}`}
            />
            {value === "windows" ? (
              <p className="text-xs text-muted">
                On Windows the worker needs <code className="font-mono">--pool solo</code> and then trains one model
                at a time. To use more cores, start several workers, each with its own{" "}
                <code className="font-mono">--name</code> and <code className="font-mono">--cache-dir</code>.
              </p>
            ) : (
              <p className="text-xs text-muted">
                Install the same FlowML version as this server. The machine also needs to reach this server and its
                Redis broker over the network.
              </p>
            )}
          </TabsContent>
        ))}
      </Tabs>
      <p className="text-xs text-muted">
        The new machine appears in the list below within a few seconds of starting. Stop it with Ctrl+C: running
        trials finish first. Full guide: CLUSTER_SETUP.md in the FlowML folder.
      </p>
    </div>
  );
}
