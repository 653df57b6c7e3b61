// Inbox keyboard shortcuts. Single keys act only outside text fields; Ctrl/Cmd+Enter sends.

export type ShortcutAction = 'next' | 'prev' | 'open' | 'reply' | 'note' | 'resolve' | 'assign' | 'help' | 'close' | 'select' | 'search';

export interface KeyInput {
  key: string;
  ctrlKey?: boolean;
  metaKey?: boolean;
  altKey?: boolean;
  /** The event target is an input, textarea, select or contenteditable element. */
  inField?: boolean;
}

export const SHORTCUTS: ReadonlyArray<{ keys: string; action: ShortcutAction }> = [
  { keys: 'j', action: 'next' },
  { keys: 'k', action: 'prev' },
  { keys: 'Enter', action: 'open' },
  { keys: 'r', action: 'reply' },
  { keys: 'n', action: 'note' },
  { keys: 'e', action: 'resolve' },
  { keys: 'a', action: 'assign' },
  { keys: '?', action: 'help' },
  { keys: 'Esc', action: 'close' },
  { keys: 'x', action: 'select' },
  { keys: '/ · Ctrl+K', action: 'search' },
];

const SINGLE: Record<string, ShortcutAction> = {
  j: 'next',
  k: 'prev',
  Enter: 'open',
  r: 'reply',
  n: 'note',
  e: 'resolve',
  a: 'assign',
  '?': 'help',
  x: 'select',
  '/': 'search',
};

export function shortcutFor(k: KeyInput): ShortcutAction | null {
  if (k.key === 'Escape') return 'close';
  // Ctrl+K / Cmd+K: the list search, also from inside a text field.
  if ((k.ctrlKey || k.metaKey) && !k.altKey && k.key.toLowerCase() === 'k') return 'search';
  if (k.ctrlKey || k.metaKey || k.altKey || k.inField) return null;
  return SINGLE[k.key] ?? null;
}

/** Ctrl+Enter (Cmd+Enter on macOS) in the composer. */
export function isSendShortcut(k: KeyInput): boolean {
  return k.key === 'Enter' && Boolean(k.ctrlKey || k.metaKey);
}

export function isEditable(target: EventTarget | null): boolean {
  const el = target as { tagName?: string; isContentEditable?: boolean } | null;
  if (!el?.tagName) return false;
  return ['INPUT', 'TEXTAREA', 'SELECT'].includes(el.tagName) || Boolean(el.isContentEditable);
}

/** The index after a j/k move in a list of `length` items (stays in bounds; -1 when empty). */
export function moveIndex(current: number, length: number, step: 1 | -1): number {
  if (length === 0) return -1;
  if (current < 0) return step === 1 ? 0 : length - 1;
  return Math.min(length - 1, Math.max(0, current + step));
}
