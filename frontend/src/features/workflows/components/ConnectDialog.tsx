import type { Connection, Edge } from "@xyflow/react";
import { Cable } from "lucide-react";
import { useId, useMemo, useState, type FormEvent } from "react";
import type { NodeSpec, NodeType } from "../../../api/hooks/workflows";
import { Button } from "../../../components/ui/button";
import { Dialog, DialogContent, DialogDescription, DialogFooter, DialogHeader, DialogTitle } from "../../../components/ui/dialog";
import { connectTargets } from "../connect";
import type { StepNode } from "../graph";

interface ConnectProps {
  open: boolean;
  onOpenChange: (open: boolean) => void;
  source: StepNode;
  nodes: StepNode[];
  edges: Edge[];
  specs: ReadonlyMap<NodeType, NodeSpec>;
  onConnect: (connection: Connection) => void;
}

function Choice({ label, value, onChange, options }: { label: string; value: string; onChange: (value: string) => void; options: { value: string; label: string }[] }) {
  const id = useId();
  return (
    <div className="space-y-1">
      <label htmlFor={id} className="block text-sm font-medium">
        {label}
      </label>
      <select id={id} className="input w-full" value={value} onChange={(event) => onChange(event.target.value)} disabled={options.length === 0}>
        {options.map((option) => (
          <option key={option.value} value={option.value}>
            {option.label}
          </option>
        ))}
      </select>
    </div>
  );
}

/** Draws an edge without a mouse: an output of the selected node, a node and one of its inputs that takes it. */
export function ConnectDialog({ open, onOpenChange, source, nodes, edges, specs, onConnect }: ConnectProps) {
  const outputs = (source.type ? specs.get(source.type)?.outputs : undefined) ?? [];
  const [outputName, setOutputName] = useState(outputs[0]?.name ?? "");
  const output = outputs.find((port) => port.name === outputName) ?? outputs[0];
  const targets = useMemo(() => (output ? connectTargets(source.id, output, nodes, edges, specs) : []), [output, source.id, nodes, edges, specs]);
  const [targetId, setTargetId] = useState("");
  const target = targets.find((choice) => choice.nodeId === targetId) ?? targets[0];
  const [inputName, setInputName] = useState("");
  const input = target?.inputs.find((port) => port.name === inputName) ?? target?.inputs[0];

  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (!output || !target || !input) return;
    onConnect({ source: source.id, sourceHandle: output.name, target: target.nodeId, targetHandle: input.name });
    onOpenChange(false);
  };

  return (
    <Dialog open={open} onOpenChange={onOpenChange}>
      <DialogContent aria-describedby={undefined} data-testid="connect-dialog">
        <form
          onSubmit={submit}
          // A select swallows Enter (it does not submit its form): Enter on any choice adds the edge, as promised.
          onKeyDown={(event) => {
            if (event.key === "Enter" && event.target instanceof HTMLSelectElement) {
              event.preventDefault();
              event.currentTarget.requestSubmit();
            }
          }}
          className="space-y-4"
        >
          <DialogHeader>
            <DialogTitle>Connect {source.data.label || source.id}</DialogTitle>
            <DialogDescription>Only inputs that accept the chosen output are offered. Enter adds the edge.</DialogDescription>
          </DialogHeader>
          {outputs.length === 0 ? (
            <p className="text-sm text-muted">This node has no outputs.</p>
          ) : (
            <>
              <Choice
                label="Output"
                value={output?.name ?? ""}
                onChange={(value) => {
                  setOutputName(value);
                  setTargetId("");
                  setInputName("");
                }}
                options={outputs.map((port) => ({ value: port.name, label: `${port.name} (${port.type})` }))}
              />
              {targets.length === 0 ? (
                <p className="text-sm text-muted" role="status">
                  No node has a free input that takes a {output?.type} output.
                </p>
              ) : (
                <>
                  <Choice
                    label="Target node"
                    value={target?.nodeId ?? ""}
                    onChange={(value) => {
                      setTargetId(value);
                      setInputName("");
                    }}
                    options={targets.map((choice) => ({ value: choice.nodeId, label: `${choice.label} (${choice.nodeId})` }))}
                  />
                  <Choice
                    label="Input"
                    value={input?.name ?? ""}
                    onChange={setInputName}
                    options={(target?.inputs ?? []).map((port) => ({ value: port.name, label: `${port.name} (${port.type})` }))}
                  />
                </>
              )}
            </>
          )}
          <DialogFooter>
            <Button type="button" variant="secondary" onClick={() => onOpenChange(false)}>
              Cancel
            </Button>
            <Button type="submit" disabled={!input}>
              <Cable aria-hidden /> Connect
            </Button>
          </DialogFooter>
        </form>
      </DialogContent>
    </Dialog>
  );
}
