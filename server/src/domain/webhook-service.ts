import { ChannelError, type AdapterContext, type ChannelAdapter, type InboundRequest, type InboxKind, type HandshakeResponse } from '@switchboard/channels';
import type { SecretBox } from '../lib/crypto.ts';
import type { Inbox } from '@switchboard/db';
import { AppError, notFound } from '../lib/errors.ts';
import type { Logger } from '../lib/logger.ts';
import { inboxesRepo } from '../repositories/inboxes.ts';
import type { Store } from '../repositories/store.ts';
import { StaleInboxError, type IngestResult, type IngestService } from './ingest-service.ts';
import { adapterContext, type InboxForAdapter } from './adapter-context.ts';
import { replayDigest, WebhookReplayGuard } from './webhook-replay.ts';

export interface WebhookOutcome {
  handshake?: HandshakeResponse;
  received: number;
  duplicates: number;
  statuses: number;
  /** Edits and deletions applied to stored messages. */
  edits: number;
  /** The adapter's own answer body (see ChannelAdapter.acknowledge); else JSON with the counts. */
  response?: HandshakeResponse;
  /** What each parsed message became (in order): stored, a duplicate of a stored one, or dropped. */
  results: IngestResult[];
}

export interface WebhookDeps {
  store: Store;
  secrets: SecretBox;
  ingest: IngestService;
  adapterFor: (k: InboxKind) => ChannelAdapter | undefined;
  fetch: typeof fetch;
  log: Logger;
  /** PUBLIC_URL, for the adapters' context. */
  publicUrl?: string;
}

const OPENED_CACHE_SIZE = 256;
const INBOX_CACHE_SIZE = 256;

/**
 * The edge between providers and the ingest path: find the inbox by its public token, let its
 * adapter verify (401, nothing stored), refuse a replay of a request accepted before (401 `replayed`),
 * parse (400, nothing stored), then ingest, and remember the request as accepted.
 */
export class WebhookService {
  readonly #d: WebhookDeps;
  readonly #replays: WebhookReplayGuard;
  /**
   * Opened credentials (as JSON text) by sealed value: opening is a pure function of it and every webhook
   * needs it, while AES-GCM setup per request is measurable. Each caller gets its own parsed copy.
   */
  readonly #opened = new Map<string, string>();
  /**
   * Inboxes by public token, as last read, for POSTs: saves each webhook the lookup. A cached copy is only
   * trusted as far as the ingest's first query confirms it is current (same updatedAt, not disabled; see
   * IngestInbox.version); status and edit callbacks read the inbox again. Outdated: read again and start over.
   */
  readonly #inboxes = new Map<string, Inbox>();
  constructor(deps: WebhookDeps) {
    this.#d = deps;
    this.#replays = new WebhookReplayGuard(deps.store);
  }

  /** Housekeeping: forgets accepted requests older than the replay window. */
  purgeReceipts(now = new Date()): Promise<number> {
    return this.#replays.purge(now);
  }

  #open(sealed: string): unknown {
    let json = this.#opened.get(sealed);
    if (json === undefined) {
      json = JSON.stringify(this.#d.secrets.open(sealed));
      if (this.#opened.size >= OPENED_CACHE_SIZE) this.#opened.delete(this.#opened.keys().next().value as string);
      this.#opened.set(sealed, json);
    }
    return JSON.parse(json) as unknown;
  }

  async handle(kind: string, token: string, req: InboundRequest): Promise<WebhookOutcome> {
    const cached = req.method === 'POST' ? this.#inboxes.get(token) : undefined;
    if (cached) {
      try {
        return await this.#handle(kind, cached, req, true);
      } catch (err) {
        // Outdated, or refused (signature, payload, kind) on what may be outdated credentials or settings:
        // read the inbox and start over (ingest and callbacks are idempotent).
        if (!(err instanceof StaleInboxError || err instanceof AppError)) throw err;
        this.#inboxes.delete(token);
      }
    }
    const inbox = await this.#lookup(token);
    if (!inbox || inbox.kind !== kind || inbox.disabledAt) throw notFound('Inbox');
    return this.#handle(kind, inbox, req, false);
  }

  async #lookup(token: string): Promise<Inbox | null> {
    const inbox = await inboxesRepo.byPublicToken(this.#d.store.sql, token);
    this.#inboxes.delete(token);
    if (inbox && !inbox.disabledAt) {
      if (this.#inboxes.size >= INBOX_CACHE_SIZE) this.#inboxes.delete(this.#inboxes.keys().next().value as string);
      this.#inboxes.set(token, inbox);
    }
    return inbox;
  }

  /** `cached`: the inbox comes from the cache and may be outdated (StaleInboxError before anything unconfirmed is applied). */
  async #handle(kind: string, inbox: Inbox, req: InboundRequest, cached: boolean): Promise<WebhookOutcome> {
    if (inbox.kind !== kind) throw notFound('Inbox');
    const adapter = this.#d.adapterFor(inbox.kind);
    if (!adapter) throw notFound('Channel');
    const ctx = this.#context(adapter, inbox);

    // A GET subscription check carries no signed body and authenticates itself (Meta's verify token); any other
    // handshake (Slack's url_verification POST) is answered only once the request's signature checked out.
    const unsigned = req.method === 'GET' ? adapter.handshake?.(req, ctx) : null;
    if (unsigned) return { handshake: unsigned, received: 0, duplicates: 0, statuses: 0, edits: 0, results: [] };

    const verdict = await adapter.verify(req, ctx);
    if (!verdict.ok) {
      this.#d.log.warn({ inboxId: inbox.id, reason: verdict.reason }, 'webhook signature rejected');
      throw new AppError('invalid_signature', `Signature verification failed: ${verdict.reason}`);
    }
    const handshake = req.method === 'GET' ? null : adapter.handshake?.(req, ctx);
    if (handshake) return { handshake, received: 0, duplicates: 0, statuses: 0, edits: 0, results: [] };
    const key = adapter.replayKey?.(req, ctx) ?? null;
    const digest = key === null ? null : replayDigest(key);
    if (digest && (await this.#replays.seen(inbox.id, digest))) {
      this.#d.log.warn({ inboxId: inbox.id, reason: 'replayed' }, 'webhook replay rejected');
      throw new AppError('invalid_signature', 'Signature verification failed: replayed (this request was accepted before)', { reason: 'replayed' });
    }
    let parsed;
    try {
      parsed = await adapter.parse(req, ctx);
    } catch (err) {
      if (err instanceof ChannelError) throw new AppError('malformed_payload', err.message);
      throw err;
    }
    const results = await this.#d.ingest.ingest(cached ? { ...inbox, confirmUpdatedAt: inbox.updatedAt } : inbox, parsed.messages);
    if (cached && (parsed.statuses.length > 0 || parsed.watermarks?.length || parsed.edits?.length)) {
      const current = await this.#lookup(inbox.publicToken);
      if (current?.updatedAt.getTime() !== inbox.updatedAt.getTime() || current.disabledAt) throw new StaleInboxError(`inbox ${inbox.id} changed since it was read`);
    }
    const statuses =
      (await this.#d.ingest.applyStatuses(inbox, parsed.statuses)) + (await this.#d.ingest.applyWatermarks(inbox, parsed.watermarks ?? []));
    const edits = parsed.edits?.length ? await this.#d.ingest.applyEdits(inbox, parsed.edits) : 0;
    const created = results.filter((r) => r.created).length;
    const duplicates = results.filter((r) => !r.created && !r.dropped).length;
    // Everything the request carried is stored: from now on the same request is a replay.
    if (digest) await this.#replays.accepted(inbox.id, digest);
    const counts = { received: created, duplicates, statuses, edits };
    const response = adapter.acknowledge?.(counts, ctx);
    return { ...counts, results, ...(response ? { response } : {}) };
  }

  #context(adapter: ChannelAdapter, inbox: InboxForAdapter): AdapterContext {
    try {
      return adapterContext(adapter, inbox, (sealed) => this.#open(sealed), this.#d.fetch, this.#d.publicUrl);
    } catch (err) {
      this.#d.log.error({ err, inboxId: inbox.id }, 'inbox credentials or settings are unusable');
      throw new AppError('invalid_signature', 'This inbox is not configured to receive webhooks');
    }
  }
}
