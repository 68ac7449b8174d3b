import { CheckCircle2, CircleDashed, Clock, LoaderCircle, Ban, XCircle } from "lucide-react";
import type { JobStatus } from "../api/types";

const STYLE: Record<JobStatus, { className: string; Icon: typeof Clock }> = {
  pending: { className: "text-muted border-line", Icon: CircleDashed },
  queued: { className: "text-muted border-line", Icon: Clock },
  running: { className: "text-accent border-accent/40", Icon: LoaderCircle },
  completed: { className: "text-ok border-ok/40", Icon: CheckCircle2 },
  failed: { className: "text-danger border-danger/40", Icon: XCircle },
  cancelled: { className: "text-warn border-warn/40", Icon: Ban },
};

export function StatusBadge({ status }: { status: JobStatus }) {
  const { className, Icon } = STYLE[status] ?? STYLE.pending;
  return (
    <span className={`inline-flex items-center gap-1 rounded-full border px-2 py-0.5 text-xs font-medium ${className}`}>
      <Icon className={`size-3.5 ${status === "running" ? "animate-spin" : ""}`} aria-hidden />
      {status}
    </span>
  );
}
