import { CopyButton } from "./CopyButton";

interface CommandBlockProps {
  /** What the lines are for; also names the copy button ("Copy the worker command"). */
  title: string;
  lines: string[];
  copyLabel: string;
}

export function CommandBlock({ title, lines, copyLabel }: CommandBlockProps) {
  const text = lines.join("\n");
  return (
    <div className="space-y-1.5">
      <div className="flex items-center justify-between gap-2">
        <p className="text-sm font-medium">{title}</p>
        <CopyButton value={text} label={copyLabel} />
      </div>
      <pre
        className="overflow-x-auto rounded-md border border-line bg-bg px-3 py-2 font-mono text-xs leading-relaxed whitespace-pre"
        aria-label={title}
      >
        <code>{text}</code>
      </pre>
    </div>
  );
}
