import type { ProblemTypeChoice } from "../../../api/types";
import { autoTask, type DetectionState, describeDetection, PROBLEM_TYPE_TEXT } from "../../../lib/problemType";

const CHOICES: { value: ProblemTypeChoice; label: string }[] = [
  { value: "auto", label: "Auto" },
  { value: "binary", label: "Binary" },
  { value: "multiclass", label: "Multiclass" },
  { value: "regression", label: "Regression" },
  { value: "clustering", label: "Clustering" },
];

interface ProblemTypePickerProps {
  value: ProblemTypeChoice;
  target: string;
  detection: DetectionState;
  onChange: (value: ProblemTypeChoice) => void;
}

export function ProblemTypePicker({ value, target, detection, onChange }: ProblemTypePickerProps) {
  const detected = autoTask(detection);
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
        {describeDetection(detection, target, value)}
      </p>
    </div>
  );
}
