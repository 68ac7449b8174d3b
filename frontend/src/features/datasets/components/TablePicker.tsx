import { Table2 } from "lucide-react";
import { type FormEvent, useId, useState } from "react";
import { Button } from "../../../components/ui/button";
import { Field } from "../../../components/Field";

interface TablePickerProps {
  fileName: string;
  message: string;
  /** Names read from the server's message; empty when it could not be parsed, then the user types one. */
  tables: string[];
  onPick: (table: string) => void;
  onCancel: () => void;
}

export function TablePicker({ fileName, message, tables, onPick, onCancel }: TablePickerProps) {
  const id = useId();
  const [table, setTable] = useState(tables[0] ?? "");
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (table.trim()) onPick(table.trim());
  };
  return (
    <form onSubmit={submit} className="space-y-3 rounded-lg border border-accent/40 bg-accent/5 p-4">
      <p className="flex items-center gap-2 text-sm font-medium">
        <Table2 className="size-4 shrink-0 text-accent" aria-hidden /> {fileName} has several tables. Which one should be imported?
      </p>
      <p className="text-xs text-muted">{message}</p>
      <Field label="Table" htmlFor={id}>
        {tables.length > 0 ? (
          <select id={id} className="input" value={table} onChange={(event) => setTable(event.target.value)}>
            {tables.map((name) => (
              <option key={name} value={name}>
                {name}
              </option>
            ))}
          </select>
        ) : (
          <input id={id} className="input" value={table} onChange={(event) => setTable(event.target.value)} placeholder="table name" />
        )}
      </Field>
      <div className="flex gap-2">
        <Button type="submit" disabled={!table.trim()}>
          Import this table
        </Button>
        <Button variant="ghost" onClick={onCancel}>
          Cancel
        </Button>
      </div>
    </form>
  );
}
