// The composer's "/" shortcut for canned responses: "/ship" at the caret lists saved replies whose
// short code starts with "ship"; picking one replaces the "/ship" token with the reply's text.
import type { CannedResponseDto } from '@switchboard/server/contracts';

export interface SlashToken {
  start: number;
  end: number;
  query: string;
}

/** The "/word" token that ends at the caret, if it starts the text or follows whitespace. */
export function slashTokenAt(text: string, caret: number): SlashToken | null {
  const before = text.slice(0, caret);
  const m = /(^|\s)\/([\w-]*)$/.exec(before);
  if (!m) return null;
  const start = caret - m[2]!.length - 1;
  return { start, end: caret, query: m[2]!.toLowerCase() };
}

export function matchCanned(all: readonly CannedResponseDto[], query: string, max = 8): CannedResponseDto[] {
  return all.filter((c) => c.shortCode.toLowerCase().startsWith(query)).slice(0, max);
}

export function insertCanned(text: string, token: SlashToken, content: string): { text: string; caret: number } {
  const next = text.slice(0, token.start) + content + text.slice(token.end);
  return { text: next, caret: token.start + content.length };
}
