import type { PreprocessorInfo } from "../../../api/types";
import { Badge } from "../../../components/ui/badge";
import { isPlugin, originText } from "../algorithmDetails";
import { stepPosition, toggleStep, unavailableSteps } from "../preprocessing";

interface PreprocessingPickerProps {
  steps: PreprocessorInfo[];
  /** The chosen steps, in the order they run. */
  chosen: readonly string[];
  onChange: (chosen: string[]) => void;
}

/** What the step's search tunes, from its space's help texts ("Share of the variance the kept components explain"). */
function tuned(step: PreprocessorInfo): string {
  const params = Object.entries(step.space.params ?? {});
  return params.map(([name, param]) => param.help || name).join("; ");
}

/** The optional preprocessing steps (GET /api/preprocessors): none checked by default; they run in the order checked,
 * between FlowML's encoding and each model, their settings searched with the model's. */
export function PreprocessingPicker({ steps, chosen, onChange }: PreprocessingPickerProps) {
  const missing = unavailableSteps(chosen, steps.map((step) => step.name));
  return (
    <div className="space-y-2">
      <div className="grid gap-2 sm:grid-cols-2">
        {steps.map((step) => {
          const position = stepPosition(chosen, step.name);
          return (
            <label
              key={step.name}
              className="flex cursor-pointer items-start gap-2 rounded-md border border-line px-3 py-2 text-sm hover:border-accent/60"
            >
              <input
                type="checkbox"
                className="mt-0.5 size-4 shrink-0 accent-[var(--accent)]"
                checked={position !== null}
                onChange={(event) => onChange(toggleStep(chosen, step.name, event.target.checked))}
              />
              <span className="min-w-0 flex-1">
                <span className="block">
                  {position !== null && <span className="mr-1 font-semibold tabular-nums" aria-label={`runs ${position}.`}>{position}.</span>}
                  {step.label}
                </span>
                <span className="block text-xs text-muted">{tuned(step)}</span>
              </span>
              {isPlugin(step.origin) && (
                <Badge variant="outline" className="shrink-0" title={originText(step.origin)}>
                  Plugin
                </Badge>
              )}
            </label>
          );
        })}
      </div>
      {missing.length > 0 && (
        <p className="text-sm text-danger">
          Not available on this server any more: {missing.join(", ")}.{" "}
          <button type="button" className="underline" onClick={() => onChange(chosen.filter((name) => !missing.includes(name)))}>
            Leave out
          </button>
        </p>
      )}
    </div>
  );
}
