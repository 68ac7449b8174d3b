import { useId, useState, type FormEvent } from "react";
import { useNavigate } from "react-router";
import { useCreateWorkflow } from "../../../api/hooks/workflows";
import { Field } from "../../../components/Field";
import { Button } from "../../../components/ui/button";
import { Input } from "../../../components/ui/input";
import { EMPTY_GRAPH, TEMPLATES } from "../templates";

/** A name and, optionally, a template to start from; opens the new workflow in the editor. */
export function CreateWorkflowForm() {
  const nameId = useId();
  const templateId = useId();
  const [name, setName] = useState("");
  const [template, setTemplate] = useState("");
  const create = useCreateWorkflow();
  const navigate = useNavigate();
  const chosen = TEMPLATES.find((item) => item.id === template);
  const submit = (event: FormEvent) => {
    event.preventDefault();
    create.mutate(
      { name: name.trim(), graph: chosen?.graph ?? EMPTY_GRAPH },
      { onSuccess: (created) => void navigate(`/workflows/${created.id}`) },
    );
  };
  return (
    <form onSubmit={submit} className="space-y-4">
      <Field label="Name" htmlFor={nameId} error={create.error?.message}>
        <Input id={nameId} value={name} maxLength={255} required onChange={(event) => setName(event.target.value)} />
      </Field>
      <Field label="Start from" htmlFor={templateId} hint={chosen?.description ?? "An empty canvas"}>
        <select id={templateId} className="input w-full" value={template} onChange={(event) => setTemplate(event.target.value)}>
          <option value="">Empty canvas</option>
          {TEMPLATES.map((item) => (
            <option key={item.id} value={item.id}>
              {item.label}
            </option>
          ))}
        </select>
      </Field>
      <Button type="submit" disabled={create.isPending || name.trim() === ""}>
        {create.isPending ? "Creating…" : "Create workflow"}
      </Button>
    </form>
  );
}
