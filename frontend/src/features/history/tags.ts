// Editing a tag list in the notes-and-tags card. Only what typing needs (split, trim, skip repeats); the limits
// (how many, how long) are the server's and it answers with the message when one is passed.

/** `typed` split at commas, each trimmed, blanks dropped. */
export function splitTags(typed: string): string[] {
  return typed
    .split(",")
    .map((tag) => tag.trim())
    .filter(Boolean);
}

/** `current` plus the tags in `typed` that it does not have yet (ignoring case), in order. */
export function addTags(current: readonly string[], typed: string): string[] {
  const next = [...current];
  for (const tag of splitTags(typed)) {
    if (!next.some((existing) => existing.toLowerCase() === tag.toLowerCase())) next.push(tag);
  }
  return next;
}

export function removeTag(current: readonly string[], tag: string): string[] {
  return current.filter((existing) => existing !== tag);
}

/** Whether two tag lists say the same (same tags, same order): the Save button is off until something changed. */
export function sameTags(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((tag, index) => tag === b[index]);
}
