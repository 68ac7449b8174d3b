import type { ProblemType, ProblemTypeChoice } from "../../../api/types";

const CHOICES: { value: ProblemTypeChoice; label: string }[] = [
  { value: "auto", label: "Auto" },
  { value: "binary", label: "Binary" },
  { value: "multiclass", label: "Multiclass" },
  { value: "regression", label: "Regression" },
];

interface ProblemTypePickerProps {
  value: ProblemTypeChoice;
  detected: ProblemType | undefined;
  onChange: (value: ProblemTypeChoice) => void;
}

export function ProblemTypePicker({ value, detected, onChange }: ProblemTypePickerProps) {
  return (
    <div role="radiogroup" aria-label="Problem type" className="flex flex-wrap gap-2">
      {CHOICES.map((choice) => (
        <button
          key={choice.value}
          type="button"
          role="radio"
          aria-checked={value === choice.value}
          onClick={() => onChange(choice.value)}
          className={`rounded-md border px-3 py-1.5 text-sm transition ${
            value === choice.value ? "border-accent bg-accent/15 text-accent" : "border-line text-muted hover:text-fg"
          }`}
        >
          {choice.label}
          {choice.value === "auto" && detected && <span className="ml-1 text-xs opacity-80">({detected})</span>}
        </button>
      ))}
    </div>
  );
}
