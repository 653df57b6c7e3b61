import type { Readable } from 'node:stream';
import { isChannelError, type ChannelAdapter, type InboxKind, type ParsedInbound } from '@switchboard/channels';
import type { AttachmentService } from '../domain/attachments.ts';
import type { IngestResult, IngestService } from '../domain/ingest-service.ts';
import type { EmailInbox } from './types.ts';

/** A parsed mail on its way to storage, with the files its parse already wrote (a streamed mail). */
export interface ParsedMail {
  inbound: ParsedInbound;
  /** Storage keys written while parsing: whatever the stored messages do not reference is deleted by `store`. */
  staged: string[];
}

export interface MailIntakeDeps {
  adapterFor: (kind: InboxKind) => ChannelAdapter | undefined;
  ingest: Pick<IngestService, 'ingest' | 'applyStatuses'>;
  attachments: Pick<AttachmentService, 'stage' | 'discard'>;
}

/** The adapter refused the mail itself (skip it); anything else (source, storage) is worth another try. */
export const isUnparseableMail = (err: unknown): boolean => isChannelError(err) && err.code === 'malformed_payload';

/**
 * How a raw mail (IMAP sync, SMTP forwarding) enters the one ingest path: the email adapter parses it, whole
 * in memory when small (`parseBytes`), from a stream when large (`parseStream`: each attachment goes to storage
 * as it is decoded, so the mail never sits in memory), and `store` hands it to IngestService.
 */
export class MailIntake {
  readonly #d: MailIntakeDeps;

  constructor(deps: MailIntakeDeps) {
    this.#d = deps;
  }

  /** False while no email adapter (with parseRaw) is registered. */
  get available(): boolean {
    return Boolean(this.#d.adapterFor('email')?.parseRaw);
  }

  #adapter(): ChannelAdapter & Required<Pick<ChannelAdapter, 'parseRaw'>> {
    const adapter = this.#d.adapterFor('email');
    if (!adapter?.parseRaw) throw new Error('Email channel not available');
    return adapter as ChannelAdapter & Required<Pick<ChannelAdapter, 'parseRaw'>>;
  }

  /** Parses a mail held in memory. Rejects with the adapter's malformed_payload for a mail that is not one. */
  async parseBytes(raw: Uint8Array, inbox: EmailInbox): Promise<ParsedMail> {
    return { inbound: await this.#adapter().parseRaw(raw, inbox.ctx), staged: [] };
  }

  /**
   * Parses a mail read from `source` (read once; destroyed on failure), its attachments written to storage while
   * they are decoded. On failure nothing it wrote stays. An adapter without parseStream gets the bytes whole.
   */
  async parseStream(source: Readable, inbox: EmailInbox): Promise<ParsedMail> {
    const adapter = this.#adapter();
    if (!adapter.parseStream) {
      const chunks: Buffer[] = [];
      for await (const chunk of source as AsyncIterable<Buffer>) chunks.push(chunk);
      return this.parseBytes(Buffer.concat(chunks), inbox);
    }
    const staging = this.#d.attachments.stage(inbox.workspaceId);
    try {
      return { inbound: await adapter.parseStream(source, inbox.ctx, staging.sink), staged: staging.keys };
    } catch (err) {
      source.destroy();
      await this.#d.attachments.discard(staging.keys); // nothing was committed: none of them is referenced
      throw err;
    }
  }

  /**
   * Stores a parsed mail through the one ingest path (messages, then delivery statuses). Staged files that no
   * stored message references (a duplicate, a dropped auto-reply, a bounce, a failed transaction) are deleted.
   */
  async store(inbox: EmailInbox, mail: ParsedMail): Promise<IngestResult[]> {
    const ref = { id: inbox.id, workspaceId: inbox.workspaceId, settings: inbox.settings };
    const { messages, statuses } = mail.inbound;
    let results: IngestResult[];
    try {
      results = await this.#d.ingest.ingest(ref, messages);
      await this.#d.ingest.applyStatuses(ref, statuses);
    } catch (err) {
      // The commit may have happened all the same (a lost COMMIT answer): keep what the stored rows reference.
      await this.#d.attachments.discard(mail.staged, { unlessReferenced: true });
      throw err;
    }
    if (mail.staged.length > 0) {
      const kept = new Set(results.flatMap((r) => (r.created ? r.message.attachments.map((a) => a.storageKey) : [])));
      await this.#d.attachments.discard(mail.staged.filter((k) => !kept.has(k)));
    }
    return results;
  }
}
