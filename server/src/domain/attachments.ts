import type { ChannelAdapter, InboundAttachment, InboxKind } from '@switchboard/channels';
import { attachmentTooLarge, ChannelError, fetchWithTimeout } from '@switchboard/channels';
import { Readable } from 'node:stream';
import type { ReadableStream as NodeWebStream } from 'node:stream/web';
import { AttachmentStore, AttachmentTooLarge } from '../lib/attachment-store.ts';
import { AppError, notFound } from '../lib/errors.ts';
import { RetryableError, type JobHandler, type JobQueue } from '../jobs/queue.ts';
import { attachmentsRepo } from '../repositories/attachments.ts';
import type { Db, Store } from '../repositories/store.ts';
import { assertInboxVisible } from './access.ts';
import type { Actor } from './actor.ts';
import { adapterContext, type InboxForAdapter } from './adapter-context.ts';
import type { MediaLinks } from './media-links.ts';
import { AttachmentStaging } from './attachment-staging.ts';

export const ATTACHMENT_QUEUE = 'attachment.fetch';

export interface NewAttachment {
  name: string;
  contentType: string;
  size: number;
  storageKey: string | null;
  sourceUrl: string | null;
  contentId: string | null;
  /** Why the file is not kept (e.g. `too_large: …`): recorded by name, type and size, nothing to download. */
  error: string | null;
}

export interface PreparedAttachments {
  rows: NewAttachment[];
  /** Files `prepare` wrote (inline bytes): the caller deletes them if its message is not stored after all. */
  written: string[];
}

/**
 * Inbound attachments: bytes that came with the webhook are stored before the message is written;
 * files offered by URL are recorded at once and downloaded by a durable job (the webhook is not kept
 * waiting, and a provider outage is retried, never dropped).
 */
/** What a download needs besides plain HTTP: the inbox's adapter and its credentials. */
export interface ChannelAccess {
  adapterFor: (kind: InboxKind) => ChannelAdapter | undefined;
  open: (sealed: string) => unknown;
}

/** Files unreferenced for this long are orphans (AttachmentService.purgeOrphans). */
export const ORPHAN_MIN_AGE_MS = 24 * 3600_000;
/** How far back the sweep looks (by the month in the storage key). */
export const ORPHAN_LOOKBACK_DAYS = 40;

export class AttachmentService {
  readonly #store: Store;
  readonly #files: AttachmentStore;
  readonly #fetch: typeof fetch;
  readonly #channels: ChannelAccess | undefined;
  readonly #links: MediaLinks | undefined;

  constructor(store: Store, files: AttachmentStore, fetchImpl: typeof fetch, channels?: ChannelAccess, links?: MediaLinks) {
    this.#store = store;
    this.#files = files;
    this.#fetch = fetchImpl;
    this.#channels = channels;
    this.#links = links;
  }

  /** The largest file storage keeps (ATTACHMENT_MAX_BYTES). */
  get maxBytes(): number {
    return this.#files.maxBytes;
  }

  /** GET the file: through the inbox's adapter when it knows how (auth, media ids), else the plain URL. */
  #download(a: { sourceUrl: string; message: { inbox: InboxForAdapter } }): Promise<Response> {
    const adapter = this.#channels?.adapterFor(a.message.inbox.kind);
    if (adapter?.fetchAttachment && this.#channels) {
      return adapter.fetchAttachment(a.sourceUrl, adapterContext(adapter, a.message.inbox, this.#channels.open, this.#fetch));
    }
    return fetchWithTimeout(this.#fetch, a.sourceUrl, { method: 'GET' }, { timeoutMs: 30_000 });
  }

  /**
   * Stores inline bytes now; returns rows for the message's nested create. Files already in storage (streamed
   * email: `storedRef`) are taken as they are; a file over the storage limit, or one the adapter did not keep
   * (`error`), becomes a row with its name, type, size and the reason.
   */
  async prepare(workspaceId: string, inbound: InboundAttachment[]): Promise<PreparedAttachments> {
    const rows: NewAttachment[] = [];
    const written: string[] = [];
    for (const a of inbound) {
      const base = { name: a.name.slice(0, 255) || 'attachment', contentType: a.contentType || 'application/octet-stream', contentId: a.contentId ?? null };
      const none = { storageKey: null, sourceUrl: null, error: null };
      if (a.error !== undefined) {
        rows.push({ ...base, ...none, size: a.size ?? 0, error: a.error.slice(0, 500) });
      } else if (a.storedRef !== undefined) {
        if (!a.storedRef.startsWith(`${workspaceId}/`)) throw new Error('attachment stored for another workspace');
        rows.push({ ...base, ...none, size: a.size ?? 0, storageKey: a.storedRef });
      } else if (a.content) {
        const key = this.#files.newKey(workspaceId);
        try {
          const size = await this.#files.put(key, a.content);
          written.push(key);
          rows.push({ ...base, ...none, size, storageKey: key });
        } catch (err) {
          if (!(err instanceof AttachmentTooLarge)) throw err;
          rows.push({ ...base, ...none, size: a.content.byteLength, error: attachmentTooLarge(a.content.byteLength, this.#files.maxBytes) });
        }
      } else if (a.url) {
        rows.push({ ...base, ...none, size: a.size ?? 0, sourceUrl: a.url });
      }
    }
    return { rows, written };
  }

  /** A place for the files of one mail parsed from a stream (see AttachmentStaging). */
  stage(workspaceId: string): AttachmentStaging {
    return new AttachmentStaging(this.#files, workspaceId);
  }

  /**
   * Housekeeping: deletes stored files no attachment row references that were written over `minAgeMs` ago (default
   * a day): a chat visitor's upload never sent (its receipt expires after an hour), a file staged by an ingest that
   * crashed before its commit, the partial file of an interrupted write. Every flow commits its row long before
   * that age. Only files of the last ORPHAN_LOOKBACK_DAYS are looked at (the sweep runs hourly: older ones were
   * swept when they were that age). Returns how many files went.
   */
  async purgeOrphans(minAgeMs = ORPHAN_MIN_AGE_MS, now = new Date()): Promise<number> {
    let removed = 0;
    let batch: string[] = [];
    const flush = async () => {
      removed += await this.#removeUnreferenced(batch);
      batch = [];
    };
    const since = new Date(now.getTime() - ORPHAN_LOOKBACK_DAYS * 86_400_000);
    for await (const file of this.#files.filesBefore(new Date(now.getTime() - minAgeMs), since)) {
      if (file.temp) {
        await this.#files.remove(file.key);
        removed++;
        continue;
      }
      batch.push(file.key);
      if (batch.length >= 500) await flush();
    }
    if (batch.length) await flush();
    return removed;
  }

  /**
   * Deletes files written for messages that were not stored after all. After a failed transaction a lost COMMIT
   * answer may hide a commit: with `unlessReferenced`, files an attachment row references are kept, and nothing is
   * deleted when that cannot be checked. Never throws: at worst an unreferenced file stays (the hourly sweep takes
   * it), never a row loses its file.
   */
  async discard(keys: string[], opts: { unlessReferenced?: boolean } = {}): Promise<void> {
    if (keys.length === 0) return;
    if (opts.unlessReferenced) await this.#removeUnreferenced(keys).catch(() => 0);
    else await Promise.allSettled(keys.map((k) => this.#files.remove(k)));
  }

  /** Deletes those of `keys` no attachment row references (one query, on the storageKey index); returns how many went. */
  async #removeUnreferenced(keys: string[]): Promise<number> {
    const inUse = await attachmentsRepo.keysInUse(this.#store.prisma, keys);
    const doomed = keys.filter((k) => !inUse.has(k));
    await Promise.allSettled(doomed.map((k) => this.#files.remove(k)));
    return doomed.length;
  }

  /** The bytes of a stored attachment (an outbound send attaches them). */
  read(storageKey: string): Promise<Uint8Array> {
    return this.#files.read(storageKey);
  }

  /** Enqueues downloads for the attachments of a just-created message (same transaction). */
  async enqueueDownloads(tx: Db, jobs: JobQueue, workspaceId: string, attachments: Array<{ id: string; storageKey: string | null; sourceUrl: string | null }>) {
    for (const a of attachments) {
      if (!a.storageKey && a.sourceUrl) await jobs.enqueue(tx, ATTACHMENT_QUEUE, { workspaceId, attachmentId: a.id }, { maxAttempts: 6 });
    }
  }

  /** Opens an attachment for download, if the actor may see its conversation. */
  async open(actor: Actor, id: string) {
    const a = await attachmentsRepo.withMessage(this.#store.prisma, actor.workspaceId, id);
    if (!a) throw notFound('Attachment');
    await assertInboxVisible(this.#store.prisma, actor, a.message.inboxId, 'Attachment');
    if (!a.storageKey) {
      if (a.error?.startsWith('too_large')) throw new AppError('conflict', `Attachment was not stored: ${a.error}`);
      throw new AppError('conflict', a.error ? `Attachment could not be downloaded: ${a.error}` : 'Attachment is still being downloaded');
    }
    const file = await this.#files.open(a.storageKey);
    return { ...file, name: a.name, contentType: a.contentType };
  }

  /**
   * A stored file by signed link (a provider fetching the media of a message we send): the link's signature and
   * expiry are the access check. A bad, expired or unknown link is 404, like a file that does not exist.
   */
  async openByLink(id: string, expires: string | undefined, signature: string | undefined) {
    if (!this.#links?.verify(id, expires, signature)) throw notFound('File');
    const a = await attachmentsRepo.get(this.#store.prisma, id);
    if (!a?.storageKey) throw notFound('File');
    const file = await this.#files.open(a.storageKey);
    return { ...file, name: a.name, contentType: a.contentType };
  }

  downloader(): JobHandler<{ workspaceId: string; attachmentId: string }> {
    return {
      run: async ({ attachmentId }) => {
        const a = await attachmentsRepo.withInbox(this.#store.prisma, attachmentId);
        if (!a || a.storageKey || !a.sourceUrl) return;
        let res: Response;
        try {
          res = await this.#download({ sourceUrl: a.sourceUrl, message: a.message });
        } catch (err) {
          if (err instanceof ChannelError && err.transient) throw new RetryableError(err.message);
          throw err;
        }
        if (res.status >= 500 || res.status === 429 || res.status === 408) throw new RetryableError(`download failed: HTTP ${res.status}`);
        if (!res.ok || !res.body) throw new Error(`download failed: HTTP ${res.status}`);
        const key = this.#files.newKey(a.workspaceId);
        try {
          const size = await this.#files.put(key, Readable.fromWeb(res.body as unknown as NodeWebStream));
          await attachmentsRepo.stored(this.#store.prisma, a.id, { storageKey: key, size });
        } catch (err) {
          if (err instanceof AttachmentTooLarge) throw err;
          throw new RetryableError(err instanceof Error ? err.message : String(err));
        }
      },
      onFailure: async ({ attachmentId }, error) => {
        await attachmentsRepo.failed(this.#store.prisma, attachmentId, error.message.slice(0, 500));
      },
    };
  }
}
