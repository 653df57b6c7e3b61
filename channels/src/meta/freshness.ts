/**
 * A staleness bound for Meta webhooks. Meta's signature has no timestamp, but it covers the body, and the body
 * dates its events: `entry[].time` and `messaging[].timestamp` (Messenger, Instagram: milliseconds), WhatsApp's
 * `messages[].timestamp` and `statuses[].timestamp` (seconds). Meta retries an undelivered webhook with the same
 * payload for up to 36 hours, so a payload whose newest event is older than {@link META_MAX_EVENT_AGE_HOURS} is
 * no retry: it is a replay (refused, 401). Within the bound the server's replay check (a digest of every accepted
 * request, kept longer than the bound) refuses replays.
 */
import type { InboundRequest, VerifyResult } from '../contract.ts';

/** Meta's retry period (36 h) plus a margin for clocks and queues. */
export const META_MAX_EVENT_AGE_HOURS = 48;

/** Below this a time is in seconds (1e11 s is the year 5138; 1e11 ms is 1973). */
const SECONDS_BELOW = 1e11;

function toMillis(v: unknown): number | null {
  const n = typeof v === 'number' ? v : typeof v === 'string' && /^\d{1,16}$/.test(v) ? Number(v) : NaN;
  if (!Number.isFinite(n) || n <= 0) return null;
  return n < SECONDS_BELOW ? n * 1000 : n;
}

const list = (v: unknown): Array<Record<string, unknown>> =>
  Array.isArray(v) ? v.filter((x): x is Record<string, unknown> => typeof x === 'object' && x !== null) : [];

/** The newest event time (ms since the epoch) a Meta payload names, or null when it names none (or is not JSON). */
export function newestMetaEventTime(rawBody: string): number | null {
  let body: unknown;
  try {
    body = JSON.parse(rawBody);
  } catch {
    return null;
  }
  const times: unknown[] = [];
  for (const entry of list((body as { entry?: unknown } | null)?.entry)) {
    times.push(entry.time);
    for (const e of list(entry.messaging)) times.push(e.timestamp);
    for (const change of list(entry.changes)) {
      const value = change.value as { messages?: unknown; statuses?: unknown } | undefined;
      for (const m of list(value?.messages)) times.push(m.timestamp);
      for (const s of list(value?.statuses)) times.push(s.timestamp);
    }
  }
  const ms = times.map(toMillis).filter((t): t is number => t !== null);
  return ms.length ? Math.max(...ms) : null;
}

/** Refuses a signed payload whose newest event is older than the retry period allows. Payloads without times pass. */
export function checkMetaFreshness(req: InboundRequest, now: Date): VerifyResult {
  const newest = newestMetaEventTime(req.rawBody);
  if (newest === null) return { ok: true };
  const ageHours = (now.getTime() - newest) / 3_600_000;
  if (ageHours <= META_MAX_EVENT_AGE_HOURS) return { ok: true };
  return { ok: false, reason: `stale: the newest event is ${Math.floor(ageHours)} hours old (Meta retries for at most 36 hours)` };
}
