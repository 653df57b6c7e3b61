import type { ChannelAdapter, InboxKind, WebchatContext } from '@switchboard/channels';
import type { Logger } from '../lib/logger.ts';
import { adapterContext } from '../domain/adapter-context.ts';
import { inboxesRepo } from '../repositories/inboxes.ts';
import type { Store } from '../repositories/store.ts';

/** A webchat inbox with its opened, validated credentials and settings. */
export interface WebchatInbox {
  id: string;
  workspaceId: string;
  publicToken: string;
  ctx: WebchatContext;
}

const TTL_MS = 5_000;

/**
 * Webchat inboxes by public token, cached for a few seconds (every widget handshake, config request and
 * upload needs one; credential changes reach the cache within TTL_MS, or at once through `clear()`).
 * Unknown tokens, other kinds, disabled inboxes and unusable credentials all answer null.
 */
export class WebchatInboxes {
  readonly #store: Store;
  readonly #open: (sealed: string) => unknown;
  readonly #adapterFor: (kind: InboxKind) => ChannelAdapter | undefined;
  readonly #log: Logger;
  readonly #byToken = new Map<string, { at: number; inbox: Promise<WebchatInbox | null> }>();

  constructor(store: Store, open: (sealed: string) => unknown, adapterFor: (kind: InboxKind) => ChannelAdapter | undefined, log: Logger) {
    this.#store = store;
    this.#open = open;
    this.#adapterFor = adapterFor;
    this.#log = log;
  }

  clear(): void {
    this.#byToken.clear();
  }

  byToken(publicToken: unknown): Promise<WebchatInbox | null> {
    if (typeof publicToken !== 'string' || !/^[A-Za-z0-9_-]{1,64}$/.test(publicToken)) return Promise.resolve(null);
    const hit = this.#byToken.get(publicToken);
    if (hit && Date.now() - hit.at < TTL_MS) return hit.inbox;
    const inbox = this.#load(publicToken);
    if (this.#byToken.size > 1000) this.#byToken.clear();
    this.#byToken.set(publicToken, { at: Date.now(), inbox });
    inbox.catch(() => this.#byToken.delete(publicToken));
    return inbox;
  }

  async #load(publicToken: string): Promise<WebchatInbox | null> {
    const row = await inboxesRepo.byPublicToken(this.#store.sql, publicToken);
    const adapter = this.#adapterFor('webchat');
    if (!row || row.kind !== 'webchat' || row.disabledAt || !adapter) return null;
    try {
      const ctx = adapterContext(adapter, row, this.#open, globalThis.fetch) as WebchatContext;
      return { id: row.id, workspaceId: row.workspaceId, publicToken: row.publicToken, ctx };
    } catch (err) {
      this.#log.error({ err, inboxId: row.id }, 'webchat inbox credentials or settings are unusable');
      return null;
    }
  }
}

/** True when `origin` may embed the widget: any origin if the list is empty, else an exact or `*.` subdomain match. */
export function originAllowed(allowed: readonly string[], origin: string | undefined): boolean {
  if (allowed.length === 0) return true;
  if (!origin) return false;
  let o: URL;
  try {
    o = new URL(origin);
  } catch {
    return false;
  }
  const normalized = `${o.protocol}//${o.host}`.toLowerCase();
  return allowed.some((a) => {
    if (a === normalized) return true;
    const wild = /^(https?:)\/\/\*\.(.+)$/.exec(a);
    return wild !== null && wild[1] === o.protocol && `.${o.host.toLowerCase()}`.endsWith(`.${wild[2]}`) && o.host.toLowerCase() !== wild[2];
  });
}
