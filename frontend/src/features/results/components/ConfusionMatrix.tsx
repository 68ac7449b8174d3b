import { useState } from "react";
import { formatNumber, formatPercent } from "../../../lib/format";
import { accuracyPct, cellIntensity, type MatrixCell, maxCell, normalizeConfusion } from "../evaluation";
import { ScrollRegion } from "../../../components/ScrollRegion";

type Mode = "count" | "percent";

function ModeToggle({ mode, onChange }: { mode: Mode; onChange: (mode: Mode) => void }) {
  const options: { value: Mode; label: string }[] = [
    { value: "count", label: "Counts" },
    { value: "percent", label: "Row %" },
  ];
  return (
    <div role="group" aria-label="Show the matrix as" className="inline-flex rounded-md border border-line bg-raised p-0.5">
      {options.map((option) => (
        <button
          key={option.value}
          type="button"
          aria-pressed={mode === option.value}
          onClick={() => onChange(option.value)}
          className={`rounded px-2.5 py-1 text-xs font-medium ${mode === option.value ? "bg-surface text-fg shadow-sm" : "text-muted hover:text-fg"}`}
        >
          {option.label}
        </button>
      ))}
    </div>
  );
}

function Cell({ cell, mode, max, actual, predicted }: { cell: MatrixCell; mode: Mode; max: number; actual: string; predicted: string }) {
  const strength = cellIntensity(cell, mode, max);
  const text = mode === "percent" ? formatPercent(cell.rowPct) : formatNumber(cell.count);
  return (
    <td
      className={`h-14 min-w-20 border border-line px-2 text-center tabular-nums ${strength > 0.55 ? "font-semibold text-accent-fg" : ""}`}
      style={{ background: `color-mix(in srgb, var(--accent) ${Math.round(strength * 100)}%, transparent)` }}
      title={`Actual ${actual}, predicted ${predicted}: ${formatNumber(cell.count)} rows (${formatPercent(cell.rowPct)} of actual ${actual})`}
    >
      {text}
    </td>
  );
}

/** Rows: what the value really was; columns: what the model said. The diagonal is the correct predictions. */
export function ConfusionMatrix({ labels, matrix }: { labels: string[]; matrix: number[][] }) {
  const [mode, setMode] = useState<Mode>("count");
  const cells = normalizeConfusion(matrix);
  const max = maxCell(matrix);
  const accuracy = accuracyPct(matrix);
  return (
    <div className="space-y-3">
      <div className="flex flex-wrap items-center justify-between gap-2">
        <p className="text-xs text-muted">
          {accuracy === null ? "No rows." : `${formatPercent(accuracy)} of rows predicted correctly (the diagonal).`}
        </p>
        <ModeToggle mode={mode} onChange={setMode} />
      </div>
      <ScrollRegion label="Confusion matrix" className="overflow-x-auto">
        <table className="border-collapse text-sm" aria-label="Confusion matrix">
          <thead>
            <tr>
              <th scope="col" className="px-2 pb-1 text-left text-xs font-normal text-muted">
                Actual ↓ / Predicted →
              </th>
              {labels.map((label) => (
                <th key={label} scope="col" className="max-w-28 truncate px-2 pb-1 text-xs font-medium" title={label}>
                  {label}
                </th>
              ))}
            </tr>
          </thead>
          <tbody>
            {cells.map((row, i) => {
              const actual = labels[i] ?? String(i);
              return (
                <tr key={actual}>
                  <th scope="row" className="max-w-36 truncate pr-3 text-right text-xs font-medium" title={actual}>
                    {actual}
                  </th>
                  {row.map((cell, j) => (
                    <Cell key={labels[j] ?? j} cell={cell} mode={mode} max={max} actual={actual} predicted={labels[j] ?? String(j)} />
                  ))}
                </tr>
              );
            })}
          </tbody>
        </table>
      </ScrollRegion>
      <p className="text-xs text-muted">
        {mode === "percent"
          ? "Each row adds up to 100%: of all rows that really were that class, the share the model gave each answer."
          : "How many rows fell in each cell. A stronger colour means more rows."}
      </p>
    </div>
  );
}
