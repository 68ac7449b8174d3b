import { useId, useState } from "react";
import { useDatasets } from "../../../api/hooks/datasets";
import type { LocatedError, NodeSpec } from "../../../api/hooks/workflows";
import { Input } from "../../../components/ui/input";
import type { StepNode } from "../graph";
import { fieldsFromSchema, formatInput, parseInput, type FormField } from "../schemaForm";

interface SettingProps {
  field: FormField;
  value: unknown;
  error?: string;
  disabled: boolean;
  onChange: (value: unknown) => void;
}

function Described({ id, field, error }: { id: string; field: FormField; error?: string }) {
  return (
    <>
      {field.description && (
        <p id={`${id}-hint`} className="text-xs text-muted">
          {field.description}
        </p>
      )}
      {error && (
        <p className="text-xs text-danger" role="alert">
          {error}
        </p>
      )}
    </>
  );
}

/** Text-like inputs keep a draft while typed and commit on blur or Enter: one undo step per edit, not per key. */
function TextSetting({ field, value, error, disabled, onChange, options }: SettingProps & { options?: string[] }) {
  const id = useId();
  const shown = formatInput(field, value);
  const [draft, setDraft] = useState<string | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const commit = () => {
    if (draft === null) return;
    const parsed = parseInput(field, draft);
    if (!parsed.ok) return setProblem(parsed.error);
    setProblem(null);
    setDraft(null);
    if (JSON.stringify(parsed.value) !== JSON.stringify(value ?? null)) onChange(parsed.value);
  };
  const multiline = field.kind === "json" || field.kind === "list";
  const common = {
    id,
    value: draft ?? shown,
    disabled,
    "aria-describedby": field.description ? `${id}-hint` : undefined,
    "aria-invalid": Boolean(problem ?? error) || undefined,
    // The asterisk is for the eye; a screen reader hears "required" from the field itself.
    "aria-required": field.required || undefined,
    onBlur: commit,
  };
  return (
    <div className="space-y-1">
      <label htmlFor={id} className="block text-sm font-medium">
        {field.label}
        {field.required && (
          <span className="text-danger" aria-hidden>
            {" *"}
          </span>
        )}
      </label>
      {multiline ? (
        <textarea
          {...common}
          rows={field.kind === "json" ? 4 : 3}
          className="input min-h-16 w-full font-mono text-xs"
          onChange={(event) => setDraft(event.target.value)}
          placeholder={field.kind === "list" ? "one per line" : field.nullable ? "null" : "{}"}
        />
      ) : (
        <>
          <Input
            {...common}
            type={field.kind === "number" || field.kind === "integer" ? "number" : "text"}
            step={field.kind === "integer" ? 1 : "any"}
            min={"minimum" in field ? field.minimum : undefined}
            max={"maximum" in field ? field.maximum : undefined}
            list={options ? `${id}-options` : undefined}
            onChange={(event) => setDraft(event.target.value)}
            onKeyDown={(event) => {
              if (event.key === "Enter") commit();
            }}
          />
          {options && (
            <datalist id={`${id}-options`}>
              {options.map((option) => (
                <option key={option} value={option} />
              ))}
            </datalist>
          )}
        </>
      )}
      <Described id={id} field={field} error={problem ?? error} />
    </div>
  );
}

function ChoiceSetting({ field, value, error, disabled, onChange, choices }: SettingProps & { choices: { value: string; label: string }[] }) {
  const id = useId();
  const current = typeof value === "string" ? value : "";
  return (
    <div className="space-y-1">
      <label htmlFor={id} className="block text-sm font-medium">
        {field.label}
        {field.required && (
          <span className="text-danger" aria-hidden>
            {" *"}
          </span>
        )}
      </label>
      <select
        id={id}
        className="input w-full"
        aria-required={field.required || undefined}
        value={current}
        disabled={disabled}
        aria-describedby={field.description ? `${id}-hint` : undefined}
        onChange={(event) => onChange(event.target.value === "" ? null : event.target.value)}
      >
        {(field.nullable || field.required || current === "") && <option value="">{field.nullable ? "None" : "Choose…"}</option>}
        {choices.map((choice) => (
          <option key={choice.value} value={choice.value}>
            {choice.label}
          </option>
        ))}
      </select>
      <Described id={id} field={field} error={error} />
    </div>
  );
}

function BooleanSetting({ field, value, error, disabled, onChange }: SettingProps) {
  const id = useId();
  return (
    <div className="space-y-1">
      <label htmlFor={id} className="flex items-center gap-2 text-sm font-medium">
        <input id={id} type="checkbox" checked={value === true} disabled={disabled} onChange={(event) => onChange(event.target.checked)} />
        {field.label}
      </label>
      <Described id={id} field={field} error={error} />
    </div>
  );
}

function MultiSetting({ field, value, error, disabled, onChange }: SettingProps & { field: Extract<FormField, { kind: "multi" }> }) {
  const id = useId();
  const chosen = Array.isArray(value) ? (value as string[]) : null;
  const toggle = (option: string, on: boolean) => {
    const next = new Set(chosen ?? []);
    if (on) next.add(option);
    else next.delete(option);
    const list = field.options.filter((item) => next.has(item));
    // Nothing ticked on a nullable list means "every one" (the server's null), not "none".
    onChange(list.length === 0 && field.nullable ? null : list);
  };
  return (
    <fieldset className="space-y-1" aria-describedby={field.description ? `${id}-hint` : undefined}>
      <legend className="text-sm font-medium">{field.label}</legend>
      {field.nullable && chosen === null && <p className="text-xs text-muted">None ticked: all of them.</p>}
      <div className="grid grid-cols-2 gap-x-2">
        {field.options.map((option) => (
          <label key={option} className="flex items-center gap-1.5 text-xs">
            <input type="checkbox" disabled={disabled} checked={chosen?.includes(option) ?? false} onChange={(event) => toggle(option, event.target.checked)} />
            {option}
          </label>
        ))}
      </div>
      <Described id={id} field={field} error={error} />
    </fieldset>
  );
}

interface SettingsPanelProps {
  node: StepNode;
  spec: NodeSpec;
  errors: LocatedError[];
  readOnly: boolean;
  onSettings: (settings: Record<string, unknown>) => void;
}

/** The selected node's settings, as a form generated from its schema in the catalogue, defaults filled in. */
export function SettingsPanel({ node, spec, errors, readOnly, onSettings }: SettingsPanelProps) {
  const datasets = useDatasets();
  const fields = fieldsFromSchema(spec.settings_schema);
  const settings = node.data.settings ?? {};
  const valueOf = (field: FormField) => (field.name in settings ? settings[field.name] : field.default);
  const set = (name: string, value: unknown) => onSettings({ ...settings, [name]: value });
  const fieldError = (name: string) =>
    errors
      .filter((error) => error.field === name || error.field?.startsWith(`${name}.`))
      .map((error) => error.message)
      .join("; ") || undefined;
  const dataset = node.type === "dataset" ? datasets.data?.find((item) => item.id === settings.dataset_id) : undefined;
  const nodeErrors = errors.filter((error) => !error.field || !fields.some((field) => error.field === field.name || error.field?.startsWith(`${field.name}.`)));
  return (
    <section aria-labelledby="settings-title" className="space-y-3">
      <div>
        <h2 id="settings-title" className="text-sm font-semibold">
          {spec.label} <span className="font-normal text-muted">· {node.id}</span>
        </h2>
        <p className="text-xs text-muted">{spec.description}</p>
      </div>
      {nodeErrors.length > 0 && (
        <ul className="space-y-0.5 rounded-md border border-danger/50 p-2 text-xs text-danger">
          {nodeErrors.map((error, index) => (
            <li key={index}>{error.message}</li>
          ))}
        </ul>
      )}
      {fields.map((field) => (
        <div key={`${node.id}.${field.name}`}>{renderField(field)}</div>
      ))}
    </section>
  );

  function renderField(field: FormField) {
        const props = { field, value: valueOf(field), error: fieldError(field.name), disabled: readOnly, onChange: (value: unknown) => set(field.name, value) };
        // The dataset node names a dataset by id: offer the ones the user can see, by name.
        if (node.type === "dataset" && field.name === "dataset_id")
          return <ChoiceSetting {...props} choices={(datasets.data ?? []).map((item) => ({ value: item.id, label: item.name }))} />;
        if (node.type === "dataset" && field.name === "target" && dataset)
          return <ChoiceSetting {...props} choices={dataset.columns.map((column) => ({ value: column.name, label: column.name }))} />;
        switch (field.kind) {
          case "enum":
            return <ChoiceSetting {...props} choices={field.options.map((option) => ({ value: option, label: option }))} />;
          case "boolean":
            return <BooleanSetting {...props} />;
          case "multi":
            return <MultiSetting {...props} field={field} />;
          default:
            return <TextSetting {...props} />;
        }
  }
}
