import { Table, TableBody, TableCell, TableHead, TableHeader, TableRow } from "../../../components/ui/table";
import { formatNumber } from "../../../lib/format";
import { evaluationTable, type Direction, type EvaluationRow } from "../figureData";

export interface Preview {
  columns: string[];
  rows: unknown[][];
}

export interface TableSummary {
  rows?: number;
  columns?: number;
  target?: string | null;
  preview?: Preview;
}

const cell = (value: unknown): string =>
  value === null || value === undefined ? "—" : typeof value === "number" ? formatNumber(value) : typeof value === "object" ? JSON.stringify(value) : String(value);

/** Row and column counts and the first rows (the node's `preview`), for a table-like output. */
export function TableOutput({ title, table }: { title: string; table: TableSummary }) {
  const preview = table.preview;
  return (
    <section className="space-y-1" aria-label={title}>
      <h4 className="text-xs font-semibold">{title}</h4>
      <p className="text-xs text-muted" data-testid="table-counts">
        {formatNumber(table.rows)} rows · {formatNumber(table.columns)} columns{table.target ? ` · target ${table.target}` : ""}
      </p>
      {preview && preview.columns.length > 0 && (
        <div className="max-h-56 overflow-auto rounded border border-line" data-testid="data-preview">
          <Table className="text-xs">
            <TableHeader>
              <TableRow>
                {preview.columns.map((column) => (
                  <TableHead key={column} className="whitespace-nowrap px-2 py-1">
                    {column}
                  </TableHead>
                ))}
              </TableRow>
            </TableHeader>
            <TableBody>
              {preview.rows.map((row, index) => (
                <TableRow key={index}>
                  {row.map((value, column) => (
                    <TableCell key={column} className="whitespace-nowrap px-2 py-1">
                      {cell(value)}
                    </TableCell>
                  ))}
                </TableRow>
              ))}
            </TableBody>
          </Table>
        </div>
      )}
    </section>
  );
}

/** The Evaluation node's comparison: a row per model, a column per metric, the best of each column marked. */
export function EvaluationOutput({ rows, direction }: { rows: EvaluationRow[]; direction: Direction }) {
  const table = evaluationTable(rows, direction);
  if (table.rows.length === 0) return <p className="text-sm text-muted">No models were scored.</p>;
  return (
    <div className="overflow-x-auto rounded border border-line">
      <Table className="text-xs" data-testid="evaluation-table">
        <TableHeader>
          <TableRow>
            <TableHead className="px-2 py-1">Model</TableHead>
            {table.metrics.map((metric) => (
              <TableHead key={metric} className="px-2 py-1 text-right">
                {metric} <span className="font-normal text-muted">{direction(metric) ? "↑" : "↓"}</span>
              </TableHead>
            ))}
          </TableRow>
        </TableHeader>
        <TableBody>
          {table.rows.map((row, index) => (
            <TableRow key={row.node_id ?? index}>
              <TableCell className="px-2 py-1">
                <div className="font-medium">{row.label ?? row.node_id}</div>
                <div className="text-muted">{row.algorithm}</div>
              </TableCell>
              {table.metrics.map((metric) => {
                const best = table.best[metric]?.includes(index) ?? false;
                const value = row[metric];
                return (
                  <TableCell key={metric} className={`px-2 py-1 text-right tabular-nums ${best ? "font-semibold text-ok" : ""}`} data-best={best || undefined}>
                    {typeof value === "number" ? formatNumber(value) : "—"}
                    {best && (
                      <>
                        <span aria-hidden> ★</span>
                        <span className="sr-only"> (best)</span>
                      </>
                    )}
                  </TableCell>
                );
              })}
            </TableRow>
          ))}
        </TableBody>
      </Table>
      <p className="px-2 py-1 text-xs text-muted">★ best in its column (↑ higher is better, ↓ lower is better).</p>
    </div>
  );
}
