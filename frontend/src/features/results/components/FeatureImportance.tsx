import { EmptyState } from "../../../components/States";
import { formatNumber } from "../../../lib/format";
import { importanceBars } from "../importance";

export function FeatureImportance({ importance }: { importance: Record<string, number> }) {
  const bars = importanceBars(importance);
  if (bars.length === 0) return <EmptyState title="This model reports no feature importance" />;
  return (
    <ul className="space-y-2" aria-label="Feature importance">
      {bars.map((bar) => (
        <li key={bar.feature} className="grid grid-cols-[minmax(6rem,10rem)_1fr_4rem] items-center gap-3 text-sm">
          <span className="truncate" title={bar.feature}>
            {bar.feature}
          </span>
          <span className="h-2.5 overflow-hidden rounded-full bg-raised">
            <span className="block h-full rounded-full bg-accent" style={{ width: `${bar.width}%` }} />
          </span>
          <span className="text-right text-xs text-muted tabular-nums">{formatNumber(bar.value, 3)}</span>
        </li>
      ))}
    </ul>
  );
}
