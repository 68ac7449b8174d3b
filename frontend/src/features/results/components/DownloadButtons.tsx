import { Download, FileBox } from "lucide-react";
import type { Model } from "../../../api/types";
import { secondaryLinkClass } from "../../../components/Button";
import { Tooltip, TooltipContent, TooltipTrigger } from "../../../components/ui/tooltip";
import { modelFiles } from "../api";
import { onnxStatus } from "../card";

const disabledClass =
  "inline-flex cursor-not-allowed items-center justify-center gap-2 rounded-md border border-line bg-raised px-3 py-2 text-sm font-medium text-fg opacity-50";

/** The model package (for Python) and, when the export passed its accuracy check, a portable ONNX file. */
export function DownloadButtons({ model }: { model: Model }) {
  const onnx = onnxStatus(model.card);
  return (
    <div className="flex flex-wrap gap-2">
      <a href={modelFiles.packageUrl(model.id)} className={secondaryLinkClass} download title="The model for Python (joblib), its card and its leaderboard, zipped">
        <Download className="size-4" aria-hidden /> Download model (.zip)
      </a>
      {onnx.available ? (
        <a href={modelFiles.onnxUrl(model.id)} className={secondaryLinkClass} download title="The model as an ONNX graph, usable from any language with ONNX Runtime">
          <FileBox className="size-4" aria-hidden /> Download ONNX
        </a>
      ) : (
        <Tooltip>
          {/* A disabled button gets no hover or focus, so the tooltip hangs on a focusable wrapper. */}
          <TooltipTrigger asChild>
            <span tabIndex={0} className="rounded-md focus-visible:ring-2 focus-visible:ring-accent/50 focus-visible:outline-none">
              <button type="button" disabled className={disabledClass} aria-describedby={`onnx-reason-${model.id}`}>
                <FileBox className="size-4" aria-hidden /> Download ONNX
              </button>
            </span>
          </TooltipTrigger>
          <TooltipContent>{onnx.reason}</TooltipContent>
          {/* The reason stays readable to screen readers without opening the tooltip. */}
          <span id={`onnx-reason-${model.id}`} className="sr-only">
            {onnx.reason}
          </span>
        </Tooltip>
      )}
    </div>
  );
}
