// The email-only fields of the composer: the reply's Subject and its Cc list. The server validates and
// normalizes again (and is the authority); this keeps obviously wrong input out before sending.
import type { ParticipantDto } from '@switchboard/server/contracts';

/** A pragmatic address check (the server's is authoritative): local@domain.tld, no spaces, one @. */
const ADDRESS = /^[^\s@<>(),;:"[\]\\]+@[^\s@<>(),;:"[\]\\.]+(\.[^\s@<>(),;:"[\]\\.]+)+$/;

export function isEmailAddress(value: string): boolean {
  return value.length <= 320 && ADDRESS.test(value);
}

/** `Re: <subject>` for a reply (no doubled prefix); empty when the conversation has no subject. */
export function replySubject(subject: string | null | undefined): string {
  const s = subject?.trim() ?? '';
  if (!s) return '';
  return /^re\s*:/i.test(s) ? s : `Re: ${s}`;
}

export interface ParsedAddresses {
  /** Valid addresses, lower-cased, each once, in the order typed. */
  valid: string[];
  /** The pieces that are not addresses, as typed. */
  invalid: string[];
}

/**
 * Splits what was typed or pasted into the Cc field: separated by commas, semicolons, spaces or line breaks;
 * `Name <address>` keeps the address. Addresses already in `existing` are not repeated.
 */
export function parseAddresses(input: string, existing: readonly string[] = []): ParsedAddresses {
  const seen = new Set(existing.map((a) => a.toLowerCase()));
  const valid: string[] = [];
  const invalid: string[] = [];
  // `Name <addr>` first (names may contain spaces and commas in quotes), then the rest split on separators.
  const rest = input.replace(/(?:"[^"]*"|[^,;<>\n"])*<([^<>]*)>/g, (_m, addr: string) => ` ${addr.trim() || '<>'} `);
  for (const piece of rest.split(/[\s,;]+/)) {
    if (!piece) continue;
    const address = piece.toLowerCase();
    if (!isEmailAddress(address)) {
      invalid.push(piece);
    } else if (!seen.has(address)) {
      seen.add(address);
      valid.push(address);
    }
  }
  return { valid, invalid };
}

/** The Cc a reply starts with: the first email address of each other customer on the conversation. */
export function participantAddresses(participants: readonly ParticipantDto[], exclude: readonly string[] = []): string[] {
  const skip = new Set(exclude.map((a) => a.toLowerCase()));
  const out: string[] = [];
  for (const p of participants) {
    const email = p.contact.identities.find((i) => i.kind === 'email')?.address.toLowerCase();
    if (email && !skip.has(email) && !out.includes(email)) out.push(email);
  }
  return out;
}
