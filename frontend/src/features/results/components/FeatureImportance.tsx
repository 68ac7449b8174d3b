import { EmptyState } from "../../../components/States";
import { importanceBars, signedImportance } from "../importance";

export function FeatureImportance({ importance }: { importance: Record<string, number> }) {
  const chart = importanceBars(importance);
  if (chart.bars.length === 0) return <EmptyState title="This model reports no feature importance" />;
  return (
    <div className="space-y-3">
      <ul className="space-y-2" aria-label="Feature importance, most helpful first">
        {chart.bars.map((bar) => (
          <li
            key={bar.feature}
            className="grid grid-cols-[minmax(5rem,10rem)_minmax(4rem,1fr)_auto] items-center gap-3 text-sm"
            data-sign={bar.negative ? "negative" : "positive"}
          >
            <span className="truncate" title={bar.feature}>
              {bar.feature}
            </span>
            {/* One track for every row; a thin line marks zero when some bars go left of it. */}
            <span className="relative h-2.5 rounded-full bg-raised" aria-hidden>
              {chart.anyNegative && <span className="absolute inset-y-[-3px] w-px bg-muted" style={{ left: `${chart.zero}%` }} />}
              <span
                className={`absolute inset-y-0 rounded-full ${bar.negative ? "bg-danger" : "bg-accent"}`}
                style={{ left: `${bar.offset}%`, width: `${bar.width}%` }}
              />
            </span>
            <span className={`text-right text-xs tabular-nums ${bar.negative ? "text-danger" : "text-muted"}`}>
              {signedImportance(bar.value)}
              {bar.negative && <span className="ml-1">noise</span>}
            </span>
          </li>
        ))}
      </ul>
      {chart.hidden > 0 && <p className="text-xs text-muted">{chart.hidden} more columns with smaller values are not shown.</p>}
      {chart.anyNegative && (
        <p className="text-xs text-muted">
          A negative value (a bar left of zero, marked &ldquo;noise&rdquo;) means shuffling the column made the score slightly better: the
          model gets no signal from it, only noise.
        </p>
      )}
    </div>
  );
}
