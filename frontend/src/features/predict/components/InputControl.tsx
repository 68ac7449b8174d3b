import type { FormField } from "../schema";

interface InputControlProps {
  field: FormField;
  id: string;
  value: string;
  onChange: (value: string) => void;
}

export function InputControl({ field, id, value, onChange }: InputControlProps) {
  if (field.control === "select") {
    return (
      <select id={id} className="input" value={value} onChange={(event) => onChange(event.target.value)}>
        <option value="">(missing)</option>
        {field.options.map((option) => (
          <option key={option} value={option}>
            {option}
          </option>
        ))}
      </select>
    );
  }
  if (field.control === "number") {
    return (
      <input
        id={id}
        className="input"
        type="number"
        step={field.step}
        inputMode="decimal"
        placeholder="(missing)"
        value={value}
        onChange={(event) => onChange(event.target.value)}
      />
    );
  }
  const listId = field.suggestions ? `${id}-suggestions` : undefined;
  return (
    <>
      <input
        id={id}
        className="input"
        type="text"
        list={listId}
        placeholder={field.placeholder || "(missing)"}
        value={value}
        onChange={(event) => onChange(event.target.value)}
      />
      {field.suggestions && (
        <datalist id={listId}>
          {field.suggestions.map((option) => (
            <option key={option} value={option} />
          ))}
        </datalist>
      )}
    </>
  );
}
