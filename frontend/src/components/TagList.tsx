import { X } from "lucide-react";

interface TagListProps {
  tags: readonly string[];
  /** With it, each tag has a remove button. */
  onRemove?: (tag: string) => void;
}

/** Tags as small chips; a list, so a screen reader says how many. */
export function TagList({ tags, onRemove }: TagListProps) {
  if (tags.length === 0) return null;
  return (
    <ul className="flex flex-wrap gap-1.5" aria-label="Tags">
      {tags.map((tag) => (
        <li key={tag} className="inline-flex items-center gap-1 rounded-full border border-line bg-raised px-2 py-0.5 text-xs">
          {tag}
          {onRemove && (
            <button type="button" className="rounded-full text-muted hover:text-fg" aria-label={`Remove tag ${tag}`} onClick={() => onRemove(tag)}>
              <X className="size-3" aria-hidden />
            </button>
          )}
        </li>
      ))}
    </ul>
  );
}
