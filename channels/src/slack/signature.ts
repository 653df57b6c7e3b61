import type { InboundRequest, VerifyResult } from '../contract.ts';
import { hmacSha256Hex, verifyHmacSha256Hex } from '../util/hmac.ts';

/** Header names as in InboundRequest.headers (lower-cased). */
export const SLACK_SIGNATURE_HEADER = 'x-slack-signature';
export const SLACK_TIMESTAMP_HEADER = 'x-slack-request-timestamp';
export const SLACK_RETRY_NUM_HEADER = 'x-slack-retry-num';
export const SLACK_RETRY_REASON_HEADER = 'x-slack-retry-reason';

/** Slack's replay window: requests older (or further in the future) than this are refused. */
export const MAX_SKEW_SECONDS = 5 * 60;

/** `v0=<hex HMAC-SHA256(signingSecret, "v0:{timestamp}:{rawBody}")>`, exactly as Slack signs. */
export function signSlackRequest(signingSecret: string, timestamp: number | string, rawBody: string | Uint8Array): string {
  const body = typeof rawBody === 'string' ? rawBody : Buffer.from(rawBody).toString('utf8');
  return `v0=${hmacSha256Hex(signingSecret, `v0:${timestamp}:${body}`)}`;
}

/**
 * Slack's request signing (v0): the timestamp must be within {@link MAX_SKEW_SECONDS} of `now` in either direction
 * (a replayed or pre-signed request is refused), and the signature is compared in constant time. Never throws.
 */
export function verifySlackRequest(req: InboundRequest, signingSecret: string, now: Date): VerifyResult {
  if (!signingSecret) return { ok: false, reason: 'inbox has no signing secret configured' };
  const timestamp = req.headers[SLACK_TIMESTAMP_HEADER]?.trim();
  const signature = req.headers[SLACK_SIGNATURE_HEADER]?.trim();
  if (!timestamp) return { ok: false, reason: `missing ${SLACK_TIMESTAMP_HEADER}` };
  if (!signature) return { ok: false, reason: `missing ${SLACK_SIGNATURE_HEADER}` };
  if (!/^\d{1,12}$/.test(timestamp)) return { ok: false, reason: 'malformed timestamp' };
  const skew = Math.floor(now.getTime() / 1000) - Number(timestamp);
  if (skew > MAX_SKEW_SECONDS) return { ok: false, reason: `stale timestamp (${skew} s old)` };
  if (skew < -MAX_SKEW_SECONDS) return { ok: false, reason: `timestamp ${-skew} s in the future` };
  const match = /^v0=(.*)$/.exec(signature);
  if (!match) return { ok: false, reason: 'malformed signature (expected v0=<hex>)' };
  return verifyHmacSha256Hex(signingSecret, `v0:${timestamp}:${req.rawBody}`, match[1] ?? '')
    ? { ok: true }
    : { ok: false, reason: 'invalid signature' };
}
