import * as Tooltip from "@radix-ui/react-tooltip";
import { Zap } from "lucide-react";

const EXPLAIN = "Can train on a graphics card (GPU): it runs on a GPU worker when one is online, otherwise on the CPU.";

/** Marks a GPU-capable algorithm; the tooltip opens on hover and on keyboard focus. */
export function GpuBadge() {
  return (
    <Tooltip.Provider delayDuration={150}>
      <Tooltip.Root>
        <Tooltip.Trigger asChild>
          <span
            tabIndex={0}
            aria-label={`GPU. ${EXPLAIN}`}
            className="inline-flex shrink-0 items-center gap-0.5 rounded-full border border-warn/40 bg-warn/10 px-1.5 py-0.5 text-[10px] font-semibold text-warn focus:ring-2 focus:ring-accent/40 focus:outline-none"
          >
            <Zap className="size-3" aria-hidden />
            GPU
          </span>
        </Tooltip.Trigger>
        <Tooltip.Portal>
          <Tooltip.Content
            side="top"
            sideOffset={6}
            className="z-50 max-w-64 rounded-md border border-line bg-raised px-3 py-2 text-xs text-fg shadow-lg"
          >
            {EXPLAIN}
            <Tooltip.Arrow className="fill-raised" />
          </Tooltip.Content>
        </Tooltip.Portal>
      </Tooltip.Root>
    </Tooltip.Provider>
  );
}
