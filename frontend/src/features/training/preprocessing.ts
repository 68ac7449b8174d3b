// The Train form's preprocessing choice: steps run in the order the analyst picked them, so checking one appends it
// and unchecking removes it without reordering the rest. Pure.

/** `chosen` with `name` added at the end (checked) or taken out (unchecked). */
export function toggleStep(chosen: readonly string[], name: string, checked: boolean): string[] {
  const rest = chosen.filter((step) => step !== name);
  return checked ? [...rest, name] : rest;
}

/** Where a chosen step runs ("1", "2", ...), or null for one not chosen. */
export function stepPosition(chosen: readonly string[], name: string): string | null {
  const index = chosen.indexOf(name);
  return index === -1 ? null : String(index + 1);
}

/** Steps the form still holds that the server no longer offers (a clone of a job whose plugin was removed). */
export function unavailableSteps(chosen: readonly string[], available: readonly string[]): string[] {
  return chosen.filter((name) => !available.includes(name));
}
