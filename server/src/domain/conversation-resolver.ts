import { lockForTransaction } from '../repositories/locks.ts';
import { conversationsRepo, type ConversationRow } from '../repositories/conversations.ts';
import type { Db, Store } from '../repositories/store.ts';
import { workspacesRepo } from '../repositories/workspaces.ts';

export interface InboxThreadingSettings {
  /** Without a thread key: a message within this many hours of resolving reopens; 0 = always a new conversation. */
  reopenWindowHours: number;
}

export const defaultThreading: InboxThreadingSettings = { reopenWindowHours: 0 };

/**
 * contact (+ thread key) → conversation. The documented rules (docs/ingest.md):
 * 1. With a thread key (email thread, Slack thread, API threadId): the thread's conversation, whatever
 *    its status; a resolved one is reopened.
 * 2. Without one: the contact's newest conversation in this inbox if it is open, pending or snoozed;
 *    a resolved one is reopened only within the inbox's reopen window; otherwise a new conversation.
 * An advisory lock per (inbox, thread/contact) keeps two concurrent first messages from opening two.
 */
export async function findOrStartConversation(
  store: Store,
  tx: Db,
  p: {
    workspaceId: string;
    inboxId: string;
    contactId: string;
    /** The contact was created in this transaction: it has no conversation yet and nobody else can see it. */
    contactCreated?: boolean;
    /** This transaction already holds the contact's lock (ingestRepo.probe takes it with the identity lookup). */
    contactLocked?: boolean;
    threadKey: string | null;
    subject: string | null;
    at: Date;
    settings: InboxThreadingSettings;
    /**
     * With contactLocked and no thread key: the contact's newest conversation as the probe read it (null: use
     * the lookup). Only an open, pending or snoozed one is used as is (the caller verifies it when storing).
     */
    prefetched?: ConversationRow | null;
  },
): Promise<{ conversation: ConversationRow; created: boolean; reopened: boolean }> {
  let existing: ConversationRow | null = null;
  // A contact created in this transaction has no conversation yet, and no other transaction can know its
  // id to take its lock: without a thread key, neither the lock nor the lookup is needed.
  if (p.threadKey || !p.contactCreated) {
    // (ingestRepo.probe builds the contact key in SQL: keep the two in step.)
    const lockKey = `${p.inboxId}:${p.threadKey ?? `contact:${p.contactId}`}`;
    if (p.threadKey != null || !p.contactLocked) await lockForTransaction(tx, lockKey);
    const prefetched = p.threadKey == null && p.contactLocked && p.prefetched?.status !== 'resolved' ? p.prefetched : null;
    existing = p.threadKey
      ? await conversationsRepo.latestForThread(tx, p.inboxId, p.threadKey)
      : (prefetched ?? (await conversationsRepo.latestForContact(tx, p.inboxId, p.contactId)));
  }

  if (existing) {
    if (existing.status !== 'resolved') return { conversation: existing, created: false, reopened: false };
    const withinWindow =
      p.threadKey !== null ||
      (p.settings.reopenWindowHours > 0 &&
        existing.resolvedAt !== null &&
        p.at.getTime() - existing.resolvedAt.getTime() <= p.settings.reopenWindowHours * 3600_000);
    if (withinWindow) return { conversation: existing, created: false, reopened: true };
  }

  // On Postgres the number comes from a separate autocommit statement so the workspace row is
  // locked for one statement, not the whole ingest transaction. PGlite has one connection: use tx.
  const number = await workspacesRepo.nextConversationNumber(store.kind === 'postgres' ? store.sql : tx, p.workspaceId);
  const conversation = await conversationsRepo.create(tx, {
    workspaceId: p.workspaceId,
    number,
    inboxId: p.inboxId,
    contactId: p.contactId,
    subject: p.subject,
    threadKey: p.threadKey,
    lastActivityAt: p.at,
    waitingSince: null,
    lastMessagePreview: null,
  });
  return { conversation, created: true, reopened: false };
}
