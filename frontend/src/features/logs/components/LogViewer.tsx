import { ArrowDown } from "lucide-react";
import { useLayoutEffect, useRef, useState } from "react";
import { Button } from "../../../components/ui/button";
import { isAtBottom, type LogEntry } from "../parse";
import { LogLine } from "./LogLine";

interface LogViewerProps {
  entries: LogEntry[];
  follow: boolean;
  label: string;
}

/** The scrolling log. While following, it stays pinned to the newest line unless the user scrolled up to read. */
export function LogViewer({ entries, follow, label }: LogViewerProps) {
  const box = useRef<HTMLDivElement>(null);
  // A ref, not state: the scroll handler runs on every wheel tick and must not re-render thousands of lines.
  const pinned = useRef(true);
  const [showJump, setShowJump] = useState(false);

  useLayoutEffect(() => {
    const el = box.current;
    if (el && follow && pinned.current) el.scrollTop = el.scrollHeight;
  }, [entries, follow]);

  // Turning follow back on means "take me to the newest line".
  useLayoutEffect(() => {
    if (follow) pinned.current = true;
  }, [follow]);

  function onScroll() {
    const el = box.current;
    if (!el) return;
    pinned.current = isAtBottom(el);
    setShowJump(follow && !pinned.current);
  }

  function jumpToEnd() {
    const el = box.current;
    if (!el) return;
    el.scrollTop = el.scrollHeight;
    pinned.current = true;
    setShowJump(false);
  }

  return (
    <div className="relative">
      <div
        ref={box}
        onScroll={onScroll}
        tabIndex={0}
        role="log"
        aria-live="off"
        aria-label={label}
        className="h-[calc(100vh-19rem)] min-h-80 overflow-auto rounded-md border border-line bg-bg py-2 font-mono text-xs leading-5"
      >
        {entries.map((entry) => (
          <LogLine key={entry.index} entry={entry} />
        ))}
      </div>
      {showJump && follow && (
        <Button size="sm" className="absolute right-4 bottom-4 shadow-lg" onClick={jumpToEnd}>
          <ArrowDown aria-hidden />
          Jump to newest
        </Button>
      )}
    </div>
  );
}
