import { CheckCircle2, Info, X, XCircle } from "lucide-react";
import { dismissToast, type ToastTone, useToasts } from "../lib/toast";

const ICON: Record<ToastTone, typeof Info> = { error: XCircle, success: CheckCircle2, info: Info };
const TONE: Record<ToastTone, string> = { error: "text-danger", success: "text-ok", info: "text-accent" };

export function Toaster() {
  const toasts = useToasts();
  return (
    <div aria-live="polite" className="fixed right-4 bottom-4 z-50 flex w-96 max-w-[calc(100vw-2rem)] flex-col gap-2">
      {toasts.map((item) => {
        const Icon = ICON[item.tone];
        return (
          <div
            key={item.id}
            role={item.tone === "error" ? "alert" : "status"}
            className="flex items-start gap-3 rounded-lg border border-line bg-raised px-4 py-3 text-sm shadow-lg"
          >
            <Icon className={`mt-0.5 size-4 shrink-0 ${TONE[item.tone]}`} aria-hidden />
            <p className="min-w-0 flex-1 break-words">{item.message}</p>
            <button type="button" onClick={() => dismissToast(item.id)} className="text-muted hover:text-fg" aria-label="Dismiss">
              <X className="size-4" />
            </button>
          </div>
        );
      })}
    </div>
  );
}
