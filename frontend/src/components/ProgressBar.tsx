export function ProgressBar({ value, label, tone = "accent" }: { value: number; label?: string; tone?: "accent" | "ok" | "danger" }) {
  const pct = Math.max(0, Math.min(100, value));
  const color = { accent: "bg-accent", ok: "bg-ok", danger: "bg-danger" }[tone];
  return (
    <div
      role="progressbar"
      aria-valuemin={0}
      aria-valuemax={100}
      aria-valuenow={Math.round(pct)}
      aria-label={label}
      className="h-2 w-full overflow-hidden rounded-full bg-raised"
    >
      <div className={`h-full rounded-full transition-[width] duration-500 ${color}`} style={{ width: `${pct}%` }} />
    </div>
  );
}
