import { lockForTransaction } from '../repositories/locks.ts';
import { conversationsRepo, newConversationRow, type ConversationRow } from '../repositories/conversations.ts';
import type { Db, Store } from '../repositories/store.ts';
import { threadingRepo } from '../repositories/threading.ts';
import { workspacesRepo } from '../repositories/workspaces.ts';
import { conversationNumbers } from '../repositories/conversation-numbers.ts';

export interface InboxThreadingSettings {
  /** Without a thread key: a message within this many hours of resolving reopens; 0 = always a new conversation. */
  reopenWindowHours: number;
}

export const defaultThreading: InboxThreadingSettings = { reopenWindowHours: 0 };

export interface ResolvedConversation {
  conversation: ConversationRow;
  created: boolean;
  reopened: boolean;
  /** With `deferCreate`: the new conversation is not stored yet; the caller stores it (ingestRepo.append). */
  deferred?: boolean;
}

/** How a message points at earlier ones (email): a reply token, and the provider ids it answers. */
export interface ThreadReferences {
  /** The message's own provider id: the thread key of a new reference-threaded conversation. */
  providerMessageId: string;
  /** Provider ids it answers, in order of preference; `undefined` when the channel does not thread by reference. */
  threadCandidates?: string[];
  conversationToken?: string;
  /** Sent by a machine: joins a conversation but never starts or reopens one. */
  automated?: boolean;
}

/**
 * The conversation a reference points at: the reply token's, else the first candidate's that this inbox
 * stored or sent. A reply reopens a resolved conversation; an automated one never does.
 */
async function byReference(
  tx: Db,
  p: { workspaceId: string; inboxId: string } & ThreadReferences,
): Promise<ResolvedConversation | null> {
  const id =
    (p.conversationToken ? await threadingRepo.conversationOfReplyToken(tx, p.inboxId, p.conversationToken) : null) ??
    (p.threadCandidates?.length ? await threadingRepo.conversationOfProviderIds(tx, p.inboxId, p.threadCandidates) : null);
  if (!id) return null;
  const conversation = await conversationsRepo.get(tx, p.workspaceId, id);
  if (!conversation) return null;
  return { conversation, created: false, reopened: conversation.status === 'resolved' && !p.automated };
}

/**
 * contact (+ references or thread key) → conversation, or null for an automated message that would have
 * to start one. The documented rules (docs/ingest.md):
 * 0. With references (email): the conversation of the reply token or of the first referenced message we
 *    stored or sent in this inbox; a resolved one is reopened. No match: a new conversation keyed by the
 *    message's own id (the subject never merges threads).
 * 1. With a thread key (email thread, Slack thread, API threadId): the thread's conversation, whatever
 *    its status; a resolved one is reopened.
 * 2. Without one: the contact's newest conversation without a thread key in this inbox if it is open, pending or snoozed;
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
    /** This transaction already holds the thread's lock (ingestRepo.probe, for a message with a thread key). */
    threadLocked?: boolean;
    threadKey: string | null;
    subject: string | null;
    at: Date;
    settings: InboxThreadingSettings;
    references?: ThreadReferences;
    /**
     * With contactLocked and no thread key: the contact's newest conversation as the probe read it (null: use
     * the lookup); only an open, pending or snoozed one is used as is. With threadLocked: the thread's newest,
     * whatever its status (a thread's conversation is reopened). The caller verifies it when storing.
     */
    prefetched?: ConversationRow | null;
    /**
     * A new conversation is only planned (its row returned, `deferred`), not stored: the caller stores it with
     * the message. `contactName` for the row's contact.
     */
    deferCreate?: { contactName: string | null };
  },
): Promise<ResolvedConversation | null> {
  const refs = p.references;
  if (refs && (refs.conversationToken || refs.threadCandidates?.length)) {
    const found = await byReference(tx, { workspaceId: p.workspaceId, inboxId: p.inboxId, ...refs });
    if (found) return found;
  }
  const automated = refs?.automated === true;
  // Reference-threaded and nothing matched: a thread of its own, keyed by the message's id.
  const threadKey = p.threadKey ?? (refs?.threadCandidates !== undefined ? refs.providerMessageId : null);
  let existing: ConversationRow | null = null;
  // A contact created in this transaction has no conversation yet, and no other transaction can know its
  // id to take its lock: without a thread key, neither the lock nor the lookup is needed.
  if (threadKey || !p.contactCreated) {
    // (ingestRepo.probe builds both keys in SQL: keep them in step.)
    const lockKey = `${p.inboxId}:${threadKey ?? `contact:${p.contactId}`}`;
    const locked = threadKey != null ? p.threadLocked === true && threadKey === p.threadKey : p.contactLocked === true;
    if (!locked) await lockForTransaction(tx, lockKey);
    const prefetched = !locked ? null : threadKey != null ? p.prefetched : p.prefetched?.status !== 'resolved' ? p.prefetched : null;
    existing =
      prefetched ??
      (threadKey ? await conversationsRepo.latestForThread(tx, p.inboxId, threadKey) : await conversationsRepo.latestForContact(tx, p.inboxId, p.contactId));
  }

  if (existing) {
    if (existing.status !== 'resolved') return { conversation: existing, created: false, reopened: false };
    if (automated) return { conversation: existing, created: false, reopened: false };
    const withinWindow =
      threadKey !== null ||
      (p.settings.reopenWindowHours > 0 &&
        existing.resolvedAt !== null &&
        p.at.getTime() - existing.resolvedAt.getTime() <= p.settings.reopenWindowHours * 3600_000);
    if (withinWindow) return { conversation: existing, created: false, reopened: true };
  }
  if (automated) return null;

  // On Postgres the number comes from a separate autocommit statement so the workspace row is
  // locked for one statement, not the whole ingest transaction (one statement per batch of concurrent
  // requests: see ConversationNumbers). PGlite has one connection: use tx.
  const number =
    store.kind === 'postgres'
      ? await conversationNumbers(store.sql).next(p.workspaceId)
      : await workspacesRepo.reserveConversationNumbers(tx, p.workspaceId, 1);
  const data = {
    workspaceId: p.workspaceId,
    number,
    inboxId: p.inboxId,
    contactId: p.contactId,
    subject: p.subject,
    threadKey: threadKey,
    lastActivityAt: p.at,
    waitingSince: null,
    lastMessagePreview: null,
  };
  if (p.deferCreate) return { conversation: newConversationRow(data, p.deferCreate.contactName), created: true, reopened: false, deferred: true };
  return { conversation: await conversationsRepo.create(tx, data), created: true, reopened: false };
}
