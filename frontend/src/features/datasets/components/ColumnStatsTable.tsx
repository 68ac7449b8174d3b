import type { ColumnProfile } from "../../../api/types";
import { formatCell, formatNumber, formatPercent } from "../../../lib/format";
import { ColumnChart } from "./ColumnChart";
import { ScrollRegion } from "../../../components/ScrollRegion";

const KIND_STYLE: Record<string, string> = {
  numeric: "text-accent border-accent/40",
  categorical: "text-ok border-ok/40",
  boolean: "text-ok border-ok/40",
  datetime: "text-warn border-warn/40",
  text: "text-muted border-line",
  id: "text-muted border-line",
};

/** What each kind means, for an analyst reading the table (shown on hover). */
const KIND_MEANING: Record<string, string> = {
  numeric: "Numbers: amounts, counts, measurements",
  categorical: "Labels from a limited set, e.g. a city or a product type",
  boolean: "Yes/no values",
  datetime: "Dates or times",
  text: "Free text; not used to predict",
  id: "A unique identifier per row; not used to predict",
};

function Range({ column }: { column: ColumnProfile }) {
  if (column.min === undefined && column.mean === undefined) return <span className="text-muted">—</span>;
  return (
    <span className="text-muted tabular-nums">
      <span className="block">
        <span className="text-fg">{formatCell(column.min)}</span> to <span className="text-fg">{formatCell(column.max)}</span>
      </span>
      {column.mean !== undefined && column.mean !== null && (
        <span className="block">
          average <span className="text-fg">{formatNumber(column.mean, 3)}</span>
        </span>
      )}
    </span>
  );
}

export function ColumnStatsTable({ columns, target, nRows }: { columns: ColumnProfile[]; target: string | null; nRows: number }) {
  return (
    <ScrollRegion label="Column statistics" className="overflow-x-auto">
      <table className="w-full text-sm">
        <caption className="sr-only">Column statistics</caption>
        <thead className="text-left text-xs text-muted uppercase">
          <tr>
            {/* The distribution right after the name, and the kind under the name, so the chart is on screen at
                1280 px beside the dataset list; the numbers that follow may scroll inside the box on narrow screens. */}
            <th scope="col" className="py-2 pr-3 font-medium">Column</th>
            <th scope="col" className="py-2 pr-3 font-medium">Distribution</th>
            <th scope="col" className="py-2 pr-3 text-right font-medium">Missing</th>
            <th scope="col" className="py-2 pr-3 text-right font-medium">Distinct</th>
            <th scope="col" className="py-2 font-medium">Range</th>
          </tr>
        </thead>
        <tbody className="divide-y divide-line">
          {columns.map((column) => (
            <tr key={column.name} className="align-top">
              <th scope="row" className="max-w-56 py-2 pr-3 text-left font-normal">
                <span className="block truncate font-medium">{column.name}</span>
                <span className="mt-1 flex flex-wrap items-center gap-x-2 gap-y-1 text-xs text-muted">
                  <span
                    title={KIND_MEANING[column.kind]}
                    className={`rounded-full border px-2 py-0.5 ${KIND_STYLE[column.kind] ?? KIND_STYLE.text}`}
                  >
                    {column.kind}
                  </span>
                  {column.dtype}
                </span>
                {column.name === target && <span className="block text-xs whitespace-nowrap text-accent">suggested target</span>}
              </th>
              <td className="py-2 pr-3">
                <ColumnChart column={column} nRows={nRows} />
              </td>
              <td className={`py-2 pr-3 text-right tabular-nums ${column.missing_pct > 20 ? "text-warn" : ""}`}>
                {formatPercent(column.missing_pct)}
                {column.missing > 0 && <span className="block text-xs text-muted">{column.missing.toLocaleString()} rows</span>}
              </td>
              <td className="py-2 pr-3 text-right tabular-nums">{column.unique.toLocaleString()}</td>
              <td className="py-2 text-xs">
                <Range column={column} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </ScrollRegion>
  );
}
