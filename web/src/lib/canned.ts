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

export interface PlaceholderValues {
  contactName?: string | null;
  agentName?: string | null;
}

/**
 * Fills a canned response's placeholders: `{{contact.name}}` (alias `{{name}}`), `{{contact.first_name}}`
 * (alias `{{first_name}}`) and `{{agent.name}}`. A placeholder without a value, or an unknown one, stays
 * as written so the agent sees what is missing before sending.
 */
export function fillPlaceholders(content: string, values: PlaceholderValues): string {
  const contact = values.contactName?.trim() || null;
  const known: Record<string, string | null> = {
    'contact.name': contact,
    name: contact,
    'contact.first_name': contact ? (contact.split(/\s+/)[0] ?? contact) : null,
    first_name: contact ? (contact.split(/\s+/)[0] ?? contact) : null,
    'agent.name': values.agentName?.trim() || null,
  };
  return content.replace(/\{\{\s*([\w.]+)\s*\}\}/g, (whole, key: string) => known[key.toLowerCase()] ?? whole);
}
