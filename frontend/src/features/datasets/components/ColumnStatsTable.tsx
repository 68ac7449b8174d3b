import type { ColumnProfile } from "../../../api/types";
import { formatCell, formatNumber, formatPercent } from "../../../lib/format";

const KIND_STYLE: Record<string, string> = {
  numeric: "text-accent border-accent/40",
  categorical: "text-ok border-ok/40",
  boolean: "text-ok border-ok/40",
  datetime: "text-warn border-warn/40",
  text: "text-muted border-line",
  id: "text-muted border-line",
};

function Summary({ column }: { column: ColumnProfile }) {
  if (column.top_values && column.top_values.length > 0) {
    return (
      <span className="text-muted">
        {column.top_values.slice(0, 3).map((top, index) => (
          <span key={index}>
            {index > 0 && ", "}
            <span className="text-fg">{formatCell(top.value)}</span> ({top.count.toLocaleString()})
          </span>
        ))}
      </span>
    );
  }
  if (column.mean !== undefined || column.min !== undefined) {
    return (
      <span className="text-muted tabular-nums">
        min <span className="text-fg">{formatCell(column.min)}</span> · max <span className="text-fg">{formatCell(column.max)}</span>
        {column.mean !== undefined && column.mean !== null && (
          <>
            {" "}
            · mean <span className="text-fg">{formatNumber(column.mean, 3)}</span>
          </>
        )}
      </span>
    );
  }
  return <span className="text-muted">—</span>;
}

export function ColumnStatsTable({ columns, target }: { columns: ColumnProfile[]; target: string | null }) {
  return (
    <div className="overflow-x-auto">
      <table className="w-full text-sm">
        <thead className="text-left text-xs text-muted uppercase">
          <tr>
            <th className="py-2 pr-3 font-medium">Column</th>
            <th className="py-2 pr-3 font-medium">Kind</th>
            <th className="py-2 pr-3 text-right font-medium">Missing</th>
            <th className="py-2 pr-3 text-right font-medium">Unique</th>
            <th className="py-2 font-medium">Range / top values</th>
          </tr>
        </thead>
        <tbody className="divide-y divide-line">
          {columns.map((column) => (
            <tr key={column.name}>
              <td className="max-w-56 py-2 pr-3">
                <span className="block truncate font-medium">{column.name}</span>
                <span className="text-xs text-muted">
                  {column.dtype}
                  {column.name === target && <span className="block whitespace-nowrap text-accent">suggested target</span>}
                </span>
              </td>
              <td className="py-2 pr-3">
                <span className={`rounded-full border px-2 py-0.5 text-xs ${KIND_STYLE[column.kind] ?? KIND_STYLE.text}`}>
                  {column.kind}
                </span>
              </td>
              <td className={`py-2 pr-3 text-right tabular-nums ${column.missing_pct > 20 ? "text-warn" : ""}`}>
                {formatPercent(column.missing_pct)}
              </td>
              <td className="py-2 pr-3 text-right tabular-nums">{column.unique.toLocaleString()}</td>
              <td className="py-2 text-xs">
                <Summary column={column} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
