import type { ColumnProfile } from "../../../api/types";
import { formatPercent } from "../../../lib/format";
import { type Bar, columnChart } from "../columnChart";

const pct = (share: number) => formatPercent(share * 100, 0);

function Histogram({ bars, name }: { bars: Bar[]; name: string }) {
  const description = bars.map((bar) => `${bar.label}: ${bar.count.toLocaleString()}`).join("; ");
  return (
    <div role="img" aria-label={`Distribution of ${name}: ${description}`} className="flex h-8 w-32 items-end gap-px">
      {bars.map((bar, index) => (
        <div
          key={index}
          title={`${bar.label}: ${bar.count.toLocaleString()} rows (${pct(bar.share)})`}
          className="min-h-px flex-1 rounded-t-sm bg-accent/70"
          style={{ height: `${Math.max(bar.size * 100, bar.count > 0 ? 4 : 0)}%` }}
        />
      ))}
    </div>
  );
}

function TopValues({ bars, otherCount, otherShare }: { bars: Bar[]; otherCount: number; otherShare: number }) {
  return (
    <ul className="w-48 space-y-0.5 text-xs" aria-label="Most frequent values">
      {bars.map((bar, index) => (
        <li key={index} className="flex items-center gap-2" title={`${bar.label}: ${bar.count.toLocaleString()} rows`}>
          <span className="w-20 truncate">{bar.label}</span>
          <span className="h-1.5 flex-1 overflow-hidden rounded-full bg-raised" aria-hidden>
            <span className="block h-full rounded-full bg-ok/70" style={{ width: `${bar.share * 100}%` }} />
          </span>
          <span className="w-9 text-right text-muted tabular-nums">{pct(bar.share)}</span>
        </li>
      ))}
      {otherCount > 0 && (
        <li className="flex items-center gap-2 text-muted">
          <span className="w-20 truncate italic">other values</span>
          <span className="flex-1" />
          <span className="w-9 text-right tabular-nums">{pct(otherShare)}</span>
        </li>
      )}
    </ul>
  );
}

/** A small chart of one column: its histogram (numbers) or its most frequent values (labels). */
export function ColumnChart({ column, nRows }: { column: ColumnProfile; nRows: number }) {
  const chart = columnChart(column, nRows);
  if (!chart) return <span className="text-xs text-muted">—</span>;
  if (chart.type === "histogram") return <Histogram bars={chart.bars} name={column.name} />;
  return <TopValues bars={chart.bars} otherCount={chart.otherCount} otherShare={chart.otherShare} />;
}
