import type { ProblemTypeChoice } from "../../../api/types";
import { type Detection, PROBLEM_TYPE_TEXT } from "../problemType";

const CHOICES: { value: ProblemTypeChoice; label: string }[] = [
  { value: "auto", label: "Auto" },
  { value: "binary", label: "Binary" },
  { value: "multiclass", label: "Multiclass" },
  { value: "regression", label: "Regression" },
];

export type DetectionState = { state: "none" } | { state: "loading" } | { state: "error"; message: string } | { state: "done"; detection: Detection };

function describe(detection: DetectionState, target: string, choice: ProblemTypeChoice): string {
  if (!target || detection.state === "none") return "Choose the column to predict to see what Auto picks.";
  if (detection.state === "loading") return `Looking at "${target}"…`;
  if (detection.state === "error") return `Could not read the column statistics (${detection.message}); the server decides when training starts.`;
  const result = detection.detection;
  if (result.status === "invalid") return "Auto cannot pick a problem type for this column; see the message under the target.";
  if (result.status === "uncertain") {
    return `Auto decides when training starts, between ${result.candidates.map((task) => PROBLEM_TYPE_TEXT[task].label.toLowerCase()).join(" and ")}: "${target}" ${result.reason}.`;
  }
  const text = PROBLEM_TYPE_TEXT[result.task];
  return `${choice === "auto" ? "Detected" : "Auto would pick"}: ${text.label}, because "${target}" ${result.reason}. The model ${text.explain}.`;
}

interface ProblemTypePickerProps {
  value: ProblemTypeChoice;
  target: string;
  detection: DetectionState;
  onChange: (value: ProblemTypeChoice) => void;
}

export function ProblemTypePicker({ value, target, detection, onChange }: ProblemTypePickerProps) {
  const detected = detection.state === "done" && detection.detection.status === "detected" ? detection.detection.task : undefined;
  // Native radios sharing one name: the browser makes them one Tab stop whose arrow keys move the choice. The input
  // hides visually inside its label; the label draws the pill and the focus ring.
  return (
    <div className="space-y-2">
      <div role="radiogroup" aria-label="Problem type" aria-describedby="problem-type-explain" className="flex flex-wrap gap-2">
        {CHOICES.map((choice) => (
          <label
            key={choice.value}
            title={choice.value === "auto" ? "Let FlowML decide from the target column" : PROBLEM_TYPE_TEXT[choice.value].explain}
            className={`inline-flex min-h-9 cursor-pointer items-center rounded-md border px-3 py-1.5 text-sm transition has-[:focus-visible]:outline-2 has-[:focus-visible]:outline-offset-2 has-[:focus-visible]:outline-[var(--ring)] ${
              value === choice.value ? "border-accent bg-accent/15 text-accent" : "border-line text-muted hover:text-fg"
            }`}
          >
            <input
              type="radio"
              name="problem-type"
              value={choice.value}
              checked={value === choice.value}
              onChange={() => onChange(choice.value)}
              className="sr-only"
            />
            {choice.label}
            {choice.value === "auto" && detected && <span className="ml-1 text-xs">({detected})</span>}
          </label>
        ))}
      </div>
      <p id="problem-type-explain" className="text-xs text-muted" role="status">
        {describe(detection, target, value)}
      </p>
    </div>
  );
}
