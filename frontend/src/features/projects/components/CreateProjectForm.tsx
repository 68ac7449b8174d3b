import { Plus } from "lucide-react";
import { type FormEvent, useState } from "react";
import { Button } from "../../../components/ui/button";
import { ErrorBanner } from "../../../components/States";
import { useCreateProject } from "../../../api/hooks/projects";

/** Name and description of a new project; the creator becomes its owner. */
export function CreateProjectForm() {
  const create = useCreateProject();
  const [name, setName] = useState("");
  const [description, setDescription] = useState("");
  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    if (!name.trim()) return;
    create.mutate(
      { name: name.trim(), description: description.trim() },
      {
        onSuccess: () => {
          setName("");
          setDescription("");
        },
      },
    );
  };
  return (
    <form onSubmit={onSubmit} className="space-y-3" aria-label="New project">
      <label className="block space-y-1.5">
        <span className="block text-sm font-medium">Project name</span>
        <input className="input" value={name} maxLength={255} required onChange={(event) => setName(event.target.value)} />
      </label>
      <label className="block space-y-1.5">
        <span className="block text-sm font-medium">Description (optional)</span>
        <textarea className="input min-h-16" value={description} maxLength={5000} onChange={(event) => setDescription(event.target.value)} />
      </label>
      {create.isError && <ErrorBanner message={`The project could not be created: ${create.error.message}`} />}
      <Button type="submit" disabled={!name.trim() || create.isPending}>
        <Plus className="size-4" aria-hidden />
        {create.isPending ? "Creating…" : "Create project"}
      </Button>
    </form>
  );
}
