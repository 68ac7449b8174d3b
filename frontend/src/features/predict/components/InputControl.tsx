import type { FormField } from "../schema";

interface InputControlProps {
  field: FormField;
  id: string;
  value: string;
  onChange: (value: string) => void;
  invalid?: boolean;
}

export function InputControl({ field, id, value, onChange, invalid = false }: InputControlProps) {
  if (field.control === "select") {
    return (
      <select id={id} className="input" aria-invalid={invalid} value={value} onChange={(event) => onChange(event.target.value)}>
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
    // A text box, not type="number": a browser number box reports "" for "abc", hiding the mistake from validation.
    return (
      <input
        id={id}
        className="input"
        aria-invalid={invalid}
        type="text"
        inputMode={field.step === "1" ? "numeric" : "decimal"}
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
        aria-invalid={invalid}
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
