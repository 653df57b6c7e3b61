import type { InboundRequest, VerifyResult } from '../contract.ts';
import { hmacSha256Hex, verifyHmacSha256Hex } from '../util/hmac.ts';

/** Header carrying `sha256=<hex>` in both directions (lower-cased as in InboundRequest.headers). */
export const SIGNATURE_HEADER = 'x-switchboard-signature';
export const EVENT_HEADER = 'x-switchboard-event';
export const DELIVERY_HEADER = 'x-switchboard-delivery';

/** `sha256=<hex HMAC-SHA256(secret, body)>`; `body` must be the exact bytes sent. */
export function signApiPayload(secret: string, body: string | Uint8Array): string {
  return `sha256=${hmacSha256Hex(secret, body)}`;
}

/** Constant-time check of a `sha256=<hex>` header value against `body`. */
export function verifyApiSignature(secret: string, body: string | Uint8Array, header: string | undefined): VerifyResult {
  if (!secret) return { ok: false, reason: 'inbox has no secret configured' };
  const value = header?.trim();
  if (!value) return { ok: false, reason: 'missing signature' };
  const match = /^sha256=(.*)$/i.exec(value);
  if (!match) return { ok: false, reason: 'malformed signature (expected sha256=<hex>)' };
  return verifyHmacSha256Hex(secret, body, match[1] ?? '')
    ? { ok: true }
    : { ok: false, reason: 'invalid signature' };
}

export function verifyApiRequest(req: InboundRequest, secret: string): VerifyResult {
  return verifyApiSignature(secret, req.rawBody, req.headers[SIGNATURE_HEADER]);
}
