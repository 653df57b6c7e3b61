import type { AttachmentSink } from '@switchboard/channels';
import { AttachmentTooLarge, type AttachmentStore } from '../lib/attachment-store.ts';

/**
 * The files written while one inbound mail is parsed from a stream (its AttachmentSink), before the transaction
 * that stores its message. Every parse writes under fresh keys; once the ingest is over the caller deletes
 * (`AttachmentService.discard`) every staged file the committed rows do not reference: a duplicate of a mail
 * stored before, a dropped auto-reply, a bounce, a failed transaction. So a re-fetched mail leaves neither an
 * orphan file nor a second copy of its attachments. Only a crash between writing and committing can leave an
 * unreferenced file behind (never a row without its file).
 */
export class AttachmentStaging {
  readonly #files: AttachmentStore;
  readonly #workspaceId: string;
  readonly #keys = new Set<string>();

  constructor(files: AttachmentStore, workspaceId: string) {
    this.#files = files;
    this.#workspaceId = workspaceId;
  }

  /** Files written so far (their storage keys). */
  get keys(): string[] {
    return [...this.#keys];
  }

  /** Writes one attachment to storage as it streams in; over the storage limit it keeps nothing. */
  readonly sink: AttachmentSink = async (_file, content) => {
    const key = this.#files.newKey(this.#workspaceId);
    try {
      const size = await this.#files.put(key, content);
      this.#keys.add(key);
      return { ref: key, size };
    } catch (err) {
      if (err instanceof AttachmentTooLarge) return { tooLarge: true, limit: this.#files.maxBytes };
      throw err;
    }
  };
}
