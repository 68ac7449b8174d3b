import { Download, FileBox, LoaderCircle } from "lucide-react";
import type { Model } from "../../../api/types";
import { Button } from "../../../components/ui/button";
import { Tooltip, TooltipContent, TooltipTrigger } from "../../../components/ui/tooltip";
import { type ModelFile, useModelDownload } from "../api";
import { onnxStatus } from "../card";

const disabledClass =
  "inline-flex cursor-not-allowed items-center justify-center gap-2 rounded-md border border-line bg-raised px-3 py-2 text-sm font-medium text-fg opacity-50";

/**
 * The model package (for Python) and, when the export passed its accuracy check, a portable ONNX file. Buttons, not
 * links: the files need the bearer header, so they are fetched and then saved (api/download.ts).
 */
export function DownloadButtons({ model }: { model: Model }) {
  const onnx = onnxStatus(model.card);
  const download = useModelDownload(model.id);
  const busy = (file: ModelFile) => download.isPending && download.variables === file;
  const icon = (file: ModelFile, Icon: typeof Download) =>
    busy(file) ? <LoaderCircle className="size-4 animate-spin" aria-hidden /> : <Icon className="size-4" aria-hidden />;
  return (
    <div className="flex flex-wrap gap-2">
      <Button
        variant="secondary"
        disabled={busy("package")}
        onClick={() => download.mutate("package")}
        title="The model for Python (joblib), its card and its leaderboard, zipped"
      >
        {icon("package", Download)}
        {busy("package") ? "Downloading…" : "Download model (.zip)"}
      </Button>
      {onnx.available ? (
        <Button
          variant="secondary"
          disabled={busy("onnx")}
          onClick={() => download.mutate("onnx")}
          title="The model as an ONNX graph, usable from any language with ONNX Runtime"
        >
          {icon("onnx", FileBox)}
          {busy("onnx") ? "Downloading…" : "Download ONNX"}
        </Button>
      ) : (
        <Tooltip>
          {/* A disabled button gets no hover or focus, so the tooltip hangs on a focusable wrapper. */}
          <TooltipTrigger asChild>
            <span tabIndex={0} className="rounded-md">
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
