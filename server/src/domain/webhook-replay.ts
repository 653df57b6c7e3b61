import { createHash } from 'node:crypto';
import type { Store } from '../repositories/store.ts';
import { webhookReceiptsRepo } from '../repositories/webhook-receipts.ts';

/**
 * How long an accepted webhook request is remembered. Longer than any provider retries an unacknowledged request
 * (Meta: 36 hours; Twilio and Telegram: less) and than Meta's staleness bound (48 hours), so within it a replay is
 * refused by its digest, and after it (Meta) by its age. Replays of older Twilio and Telegram requests are only
 * absorbed by the idempotency on provider message ids.
 */
export const WEBHOOK_REPLAY_WINDOW_MS = 7 * 24 * 3_600_000;

/** SHA-256 (hex) of an adapter's replay key: what WebhookReceipt stores. */
export const replayDigest = (key: string): string => createHash('sha256').update(key, 'utf8').digest('hex');

/**
 * Replay protection for signed webhooks: a request whose digest was recorded (its content was stored and it was
 * answered 2xx) is a replay; the webhook service refuses it with 401 `replayed`. The digest is recorded only after
 * everything the request carried is stored, so a provider's retry of a request that failed (5xx, a timeout before
 * the commit) is accepted. A request whose answer was lost after that (a timeout after the commit) is refused when
 * retried: its content is stored already.
 */
export class WebhookReplayGuard {
  readonly #store: Store;
  constructor(store: Store) {
    this.#store = store;
  }

  /** Whether this request was accepted before. */
  seen(inboxId: string, digest: string): Promise<boolean> {
    return webhookReceiptsRepo.seen(this.#store.sql, inboxId, digest);
  }

  async accepted(inboxId: string, digest: string): Promise<void> {
    await webhookReceiptsRepo.record(this.#store.sql, inboxId, digest, new Date());
  }

  /** Housekeeping: forgets requests older than the replay window. Returns how many. */
  purge(now = new Date()): Promise<number> {
    return webhookReceiptsRepo.purge(this.#store.sql, new Date(now.getTime() - WEBHOOK_REPLAY_WINDOW_MS));
  }
}
