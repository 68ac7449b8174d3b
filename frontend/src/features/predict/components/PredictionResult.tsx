import { Timer } from "lucide-react";
import type { Prediction } from "../../../api/types";
import { Notice } from "../../../components/States";
import { formatCell } from "../../../lib/format";

export function Probabilities({ probabilities, label = "Class probabilities" }: { probabilities: Record<string, number>; label?: string }) {
  const entries = Object.entries(probabilities).sort((a, b) => b[1] - a[1]);
  return (
    <ul className="space-y-2" aria-label={label}>
      {entries.map(([label, p], index) => (
        <li key={label} className="grid grid-cols-[minmax(4rem,8rem)_1fr_3.5rem] items-center gap-3 text-sm">
          <span className="truncate" title={label}>
            {label}
          </span>
          <span className="h-3 overflow-hidden rounded-full bg-raised">
            <span className={`block h-full rounded-full ${index === 0 ? "bg-accent" : "bg-muted/60"}`} style={{ width: `${p * 100}%` }} />
          </span>
          <span className="text-right text-xs tabular-nums">{(p * 100).toFixed(1)}%</span>
        </li>
      ))}
    </ul>
  );
}

/** How fast and by which engine the answer came, and the server's warnings about the inputs. */
export function AnswerFooter({ result }: { result: Prediction }) {
  return (
    <>
      <p className="flex items-center gap-1.5 text-xs text-muted">
        <Timer className="size-3.5" aria-hidden />
        Answered in {result.latency_ms < 1 ? result.latency_ms.toFixed(2) : result.latency_ms.toFixed(1)} ms by{" "}
        {result.engine === "onnx" ? "ONNX Runtime" : "the native Python model"}
      </p>
      {result.warnings.length > 0 && (
        <Notice>
          <ul className="list-inside list-disc space-y-0.5">
            {result.warnings.map((warning) => (
              <li key={warning}>{warning}</li>
            ))}
          </ul>
        </Notice>
      )}
    </>
  );
}

export function PredictionResult({ result, target }: { result: Prediction; target: string }) {
  const probabilities = result.probabilities?.[0];
  return (
    <div className="space-y-4" aria-live="polite">
      <div>
        <p className="text-xs text-muted">Predicted {target}</p>
        <p className="text-3xl font-semibold text-accent">{formatCell(result.predictions[0]) || "—"}</p>
      </div>
      {probabilities && (
        <div className="space-y-2">
          <h3 className="text-xs font-medium text-muted">How sure the model is (probability of each class)</h3>
          <Probabilities probabilities={probabilities} />
        </div>
      )}
      <AnswerFooter result={result} />
    </div>
  );
}
