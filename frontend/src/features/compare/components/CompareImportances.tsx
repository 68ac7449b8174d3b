import { ScrollRegion } from "../../../components/ScrollRegion";
import { EmptyState } from "../../../components/States";
import { formatNumber } from "../../../lib/format";
import { type ComparedModel, alignImportances, importanceScale } from "../compare";

function SignedBar({ value, scale }: { value: number; scale: number }) {
  const width = scale > 0 ? (Math.abs(value) / scale) * 50 : 0;
  const negative = value < 0;
  return (
    <span className="relative inline-block h-2 w-24 rounded bg-raised align-middle" aria-hidden>
      <span className="absolute top-0 left-1/2 h-2 w-px bg-muted" />
      <span
        className={`absolute top-0 h-2 rounded ${negative ? "bg-danger" : "bg-accent"}`}
        style={negative ? { right: "50%", width: `${width}%` } : { left: "50%", width: `${width}%` }}
      />
    </span>
  );
}

/** One row per input column in the same order for every model, signed values on a shared scale. */
export function CompareImportances({ models }: { models: ComparedModel[] }) {
  const rows = alignImportances(models);
  if (rows.length === 0) return <EmptyState title="No feature importance was measured for these models" />;
  const scale = importanceScale(rows);
  return (
    <div className="space-y-2">
      <ScrollRegion label="Feature importance compared" className="overflow-x-auto">
        <table className="w-full text-sm" aria-label="Feature importance of each model">
          <thead className="text-left text-xs text-muted">
            <tr>
              <th scope="col" className="py-2 pr-4 font-medium uppercase">
                Column
              </th>
              {models.map((m) => (
                <th key={m.id} scope="col" className="py-2 pr-4 text-right font-medium">
                  {m.display_name}
                </th>
              ))}
            </tr>
          </thead>
          <tbody className="divide-y divide-line tabular-nums">
            {rows.map((row) => (
              <tr key={row.column}>
                <th scope="row" className="py-1.5 pr-4 text-left font-medium">
                  {row.column}
                </th>
                {row.values.map((value, index) => (
                  <td key={models[index]?.id ?? index} className="py-1.5 pr-4 text-right whitespace-nowrap">
                    {value === null ? (
                      <span className="text-muted" title="Not measured for this model">—</span>
                    ) : (
                      <>
                        <span className={`mr-2 ${value < 0 ? "text-danger" : ""}`}>{formatNumber(value, 3)}</span>
                        <SignedBar value={value} scale={scale} />
                      </>
                    )}
                  </td>
                ))}
              </tr>
            ))}
          </tbody>
        </table>
      </ScrollRegion>
      <p className="text-xs text-muted">
        How much each model&apos;s score dropped when the column was shuffled. A negative value means shuffling the column
        helped: that model does not rely on it. Bars share one scale across models.
      </p>
    </div>
  );
}
