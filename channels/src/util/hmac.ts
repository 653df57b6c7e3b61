import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

/** Lower-case hex HMAC-SHA256 of `payload` (strings are hashed as UTF-8 bytes). */
export function hmacSha256Hex(secret: string | Uint8Array, payload: string | Uint8Array): string {
  return createHmac('sha256', secret).update(payload).digest('hex');
}

const HEX_SHA256 = /^[0-9a-f]{64}$/i;

/**
 * Constant-time check that `signatureHex` is the HMAC-SHA256 of `payload`.
 * Any malformed input (wrong length, non-hex, empty secret) yields false, never throws.
 */
export function verifyHmacSha256Hex(
  secret: string | Uint8Array,
  payload: string | Uint8Array,
  signatureHex: string,
): boolean {
  if (secret.length === 0) return false;
  const candidate = signatureHex.trim();
  if (!HEX_SHA256.test(candidate)) return false;
  const expected = createHmac('sha256', secret).update(payload).digest();
  const given = Buffer.from(candidate, 'hex');
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/**
 * Constant-time equality of two secrets (shared tokens sent back by a provider): both sides are hashed first,
 * so neither the content nor the length leaks through timing. An empty `expected` never matches.
 */
export function constantTimeEqual(given: string, expected: string): boolean {
  if (expected.length === 0) return false;
  const digest = (v: string) => createHash('sha256').update(v, 'utf8').digest();
  return timingSafeEqual(digest(given), digest(expected));
}
