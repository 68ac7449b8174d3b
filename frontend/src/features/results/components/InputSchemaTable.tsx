import type { InputField } from "../../../api/types";
import { EmptyState } from "../../../components/States";
import { ScrollRegion } from "../../../components/ScrollRegion";

function categoriesText(field: InputField): string {
  const categories = field.categories ?? [];
  if (categories.length === 0) return "";
  const shown = categories.slice(0, 6).map(String).join(", ");
  return categories.length > 6 ? `${shown} … (${categories.length} values)` : shown;
}

/** The columns the model needs to make a prediction, and what it accepts in each. */
export function InputSchemaTable({ schema, dropped }: { schema: InputField[]; dropped: { name: string; reason: string }[] }) {
  if (schema.length === 0) return <EmptyState title="The model card lists no inputs" />;
  return (
    <div className="space-y-3">
      <ScrollRegion label="Input columns" className="max-h-96 overflow-auto">
        <table className="w-full text-sm" aria-label="Input columns">
          <thead className="sticky top-0 bg-surface text-left text-xs text-muted uppercase">
            <tr>
              <th scope="col" className="py-2 pr-3 font-medium">Column</th>
              <th scope="col" className="py-2 pr-3 font-medium">Kind</th>
              <th scope="col" className="py-2 pr-3 font-medium">Type</th>
              <th scope="col" className="py-2 font-medium">Known values</th>
            </tr>
          </thead>
          <tbody className="divide-y divide-line">
            {schema.map((field) => (
              <tr key={field.name}>
                <td className="py-1.5 pr-3 font-medium">{field.name}</td>
                <td className="py-1.5 pr-3">{field.kind}</td>
                <td className="py-1.5 pr-3 font-mono text-xs text-muted">{field.dtype}</td>
                <td className="max-w-80 truncate py-1.5 text-xs text-muted" title={categoriesText(field)}>
                  {categoriesText(field) || "—"}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </ScrollRegion>
      {dropped.length > 0 && (
        <div className="text-xs text-muted">
          <p className="font-medium text-fg">Columns not used</p>
          <ul className="mt-1 list-inside list-disc space-y-0.5">
            {dropped.map((column) => (
              <li key={column.name}>
                <span className="text-fg">{column.name}</span>: {column.reason}
              </li>
            ))}
          </ul>
        </div>
      )}
    </div>
  );
}
