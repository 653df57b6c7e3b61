import { timingSafeEqual } from 'node:crypto';
import type { HandshakeResponse, InboundRequest, VerifyResult } from '../contract.ts';
import { hmacSha256Hex, verifyHmacSha256Hex } from '../util/hmac.ts';

/** Meta signs every webhook POST: `sha256=<hex HMAC-SHA256(app secret, raw body bytes)>`. */
export const META_SIGNATURE_HEADER = 'x-hub-signature-256';

export function signMetaPayload(appSecret: string, rawBody: string | Uint8Array): string {
  return `sha256=${hmacSha256Hex(appSecret, rawBody)}`;
}

/** Constant-time check of `X-Hub-Signature-256` over the body exactly as received. */
export function verifyMetaSignature(req: InboundRequest, appSecret: string): VerifyResult {
  const header = req.headers[META_SIGNATURE_HEADER]?.trim();
  if (!header) return { ok: false, reason: 'missing X-Hub-Signature-256' };
  const match = /^sha256=(.+)$/i.exec(header);
  if (!match) return { ok: false, reason: 'malformed X-Hub-Signature-256 (expected sha256=<hex>)' };
  return verifyHmacSha256Hex(appSecret, req.rawBody, match[1] ?? '') ? { ok: true } : { ok: false, reason: 'invalid signature' };
}

function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(a, 'utf8');
  const y = Buffer.from(b, 'utf8');
  return x.length === y.length && timingSafeEqual(x, y);
}

/**
 * The subscription check Meta runs when the webhook is configured:
 * `GET ?hub.mode=subscribe&hub.verify_token=…&hub.challenge=…` → 200 with the challenge if the token
 * matches, else 403. Anything else is not a handshake (null).
 */
export function metaHandshake(req: InboundRequest, verifyToken: string): HandshakeResponse | null {
  if (req.method !== 'GET') return null;
  const params = new URL(req.url).searchParams;
  if (params.get('hub.mode') !== 'subscribe') return null;
  const given = params.get('hub.verify_token') ?? '';
  const challenge = params.get('hub.challenge') ?? '';
  if (!verifyToken || !sameSecret(given, verifyToken)) {
    return { status: 403, body: 'verify token mismatch', contentType: 'text/plain' };
  }
  return { status: 200, body: challenge, contentType: 'text/plain' };
}
