import type { HeaderLines } from 'mailparser';

/**
 * Header values as written (unfolded, not decoded), keyed by lower-cased name; repeated headers keep every value.
 * Reading headerLines keeps simple string semantics for headers mailparser turns into objects.
 */
export function rawHeaderMap(lines: HeaderLines): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const { key, line } of lines) {
    const colon = line.indexOf(':');
    const value = (colon >= 0 ? line.slice(colon + 1) : '').replace(/\r?\n[ \t]+/g, ' ').trim();
    const name = key.toLowerCase();
    const values = out.get(name);
    if (values) values.push(value);
    else out.set(name, [value]);
  }
  return out;
}

export function firstHeader(headers: Map<string, string[]>, name: string): string | undefined {
  return headers.get(name)?.[0];
}

/** Headers kept in `metadata.email.headers` (support staff and debugging). */
export const HEADERS_OF_INTEREST = [
  'auto-submitted',
  'precedence',
  'x-autoreply',
  'x-autorespond',
  'x-auto-response-suppress',
  'list-id',
  'list-unsubscribe',
  'thread-index',
  'thread-topic',
  'x-mailer',
  'user-agent',
  'return-path',
  'delivered-to',
  'x-original-to',
  'x-forwarded-to',
  'x-spam-status',
] as const;

export function headersOfInterest(headers: Map<string, string[]>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const name of HEADERS_OF_INTEREST) {
    const values = headers.get(name);
    if (values?.length) out[name] = values.join(', ');
  }
  return out;
}
