import { memo } from "react";
import { cn } from "../../../lib/cn";
import { levelClass, type LogEntry } from "../parse";

/** One entry: time, level and message, coloured by level; continuation lines (tracebacks) indented below. */
export const LogLine = memo(function LogLine({ entry }: { entry: LogEntry }) {
  const colour = levelClass(entry.level);
  const loud = entry.level === "ERROR" || entry.level === "CRITICAL";
  return (
    <div className={cn("px-3 py-px whitespace-pre-wrap wrap-anywhere", loud && "bg-danger/5", entry.level === "WARNING" && "bg-warn/5")}>
      {entry.time && <span className="text-muted">{entry.time} </span>}
      {entry.level && <span className={cn("inline-block w-[8ch] font-semibold", colour)}>{entry.level}</span>}
      <span className={cn(entry.level === "DEBUG" || entry.level === "TRACE" ? "text-muted" : "text-fg")}>
        {entry.message}
      </span>
      {entry.more.length > 0 && <div className={cn("pl-6", loud ? colour : "text-muted")}>{entry.more.join("\n")}</div>}
    </div>
  );
});
