// Row selection for bulk actions in the conversation list: ids in the order they were picked.

/** Adds the id, or removes it when it was selected. */
export function toggle(selected: readonly string[], id: string): string[] {
  return selected.includes(id) ? selected.filter((x) => x !== id) : [...selected, id];
}

/** "Select all in view": selects every visible row, or clears them all when they already are. */
export function toggleAll(selected: readonly string[], visible: readonly string[]): string[] {
  if (visible.length > 0 && visible.every((id) => selected.includes(id))) return selected.filter((id) => !visible.includes(id));
  return [...selected, ...visible.filter((id) => !selected.includes(id))];
}

/** Keeps only ids still in the list (conversations leave it live: resolved, reassigned...). */
export function prune(selected: readonly string[], visible: readonly string[]): string[] {
  const shown = new Set(visible);
  const kept = selected.filter((id) => shown.has(id));
  return kept.length === selected.length ? (selected as string[]) : kept;
}

/** The state of the "select all" checkbox. */
export function allState(selected: readonly string[], visible: readonly string[]): 'none' | 'some' | 'all' {
  const n = visible.filter((id) => selected.includes(id)).length;
  return n === 0 ? 'none' : n === visible.length ? 'all' : 'some';
}

/** Splits ids into batches the bulk endpoint accepts. */
export function batches(ids: readonly string[], size: number): string[][] {
  const out: string[][] = [];
  for (let i = 0; i < ids.length; i += size) out.push(ids.slice(i, i + size));
  return out;
}
