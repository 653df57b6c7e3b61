/** Message-ID and address helpers shared by parse and send. */
import { createHash } from 'node:crypto';

/** `  abc@x  ` → `<abc@x>`; `<abc@x>` unchanged. Returns undefined for empty input. */
export function normalizeMessageId(input: string | undefined | null): string | undefined {
  if (!input) return undefined;
  const trimmed = input.trim();
  if (!trimmed) return undefined;
  const inner = trimmed.replace(/^<+/, '').replace(/>+$/, '').trim();
  if (!inner || /[\s<>]/.test(inner)) return undefined;
  return `<${inner}>`;
}

/** All `<…>` ids in a header value (References can be folded, comma- or space-separated). */
export function messageIdsIn(value: string | string[] | undefined): string[] {
  if (!value) return [];
  const joined = Array.isArray(value) ? value.join(' ') : value;
  const bracketed = joined.match(/<[^<>\s]+>/g);
  if (bracketed) return bracketed.map((id) => normalizeMessageId(id)).filter((id): id is string => id !== undefined);
  return joined
    .split(/[\s,]+/)
    .map((id) => normalizeMessageId(id))
    .filter((id): id is string => id !== undefined && id.includes('@'));
}

/** Deterministic id for a mail without Message-ID: `<sha256hex-of-raw@switchboard.invalid>`. */
export function syntheticMessageId(raw: Uint8Array): string {
  return syntheticMessageIdOf(createHash('sha256').update(raw).digest('hex'));
}

/** The same id from the SHA-256 (hex) of the raw bytes, when they were hashed as they streamed by. */
export function syntheticMessageIdOf(sha256Hex: string): string {
  return `<${sha256Hex}@switchboard.invalid>`;
}

export function splitAddress(address: string): { local: string; domain: string } {
  const at = address.lastIndexOf('@');
  return { local: address.slice(0, at), domain: address.slice(at + 1) };
}

/**
 * The token of `<local>+<token>@<domain>` when `address` is a plus-address of `ours`
 * (same local part and domain, case-insensitive).
 */
export function replyTokenOf(address: string, ours: string): string | undefined {
  const a = splitAddress(address.trim());
  const o = splitAddress(ours.trim().toLowerCase());
  if (a.domain.toLowerCase() !== o.domain) return undefined;
  const plus = a.local.indexOf('+');
  if (plus <= 0) return undefined;
  if (a.local.slice(0, plus).toLowerCase() !== o.local) return undefined;
  const token = a.local.slice(plus + 1);
  return /^[A-Za-z0-9_-]{1,128}$/.test(token) ? token : undefined;
}

/** `local+token@domain` of our address. */
export function replyAddress(fromAddress: string, token: string): string {
  const { local, domain } = splitAddress(fromAddress);
  return `${local}+${token}@${domain}`;
}

/** True when `address` is our address or one of its plus-addresses. */
export function isOwnAddress(address: string, ours: string): boolean {
  const a = address.trim().toLowerCase();
  return a === ours.trim().toLowerCase() || replyTokenOf(a, ours) !== undefined;
}
