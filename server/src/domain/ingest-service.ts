import type { InboundEdit, InboundMessage, InboxKind, StatusUpdate, WatermarkUpdate } from '@switchboard/channels';
import type { Prisma } from '@switchboard/db';
import { htmlToText, preview, sanitizeHtml } from '../lib/html.ts';
import type { Logger } from '../lib/logger.ts';
import { contactsRepo } from '../repositories/contacts.ts';
import { conversationsRepo, type ConversationRow } from '../repositories/conversations.ts';
import { uuidv7 } from '../repositories/ids.ts';
import { ingestRepo } from '../repositories/ingest.ts';
import { messagesRepo, type MessageRow } from '../repositories/messages.ts';
import { commitWithNext, RetryTransaction, type Store } from '../repositories/store.ts';
import { resolveContact, trustedIdentities } from './contact-resolver.ts';
import { defaultThreading, findOrStartConversation, type InboxThreadingSettings } from './conversation-resolver.ts';
import { eventRow } from './events.ts';
import { toConversationDto, toMessageDto } from './mappers.ts';
import { applyDeliveryStatus } from './delivery-status.ts';
import { applyInboundEdit } from './message-edits.ts';
import type { AttachmentService, NewAttachment, PreparedAttachments } from './attachments.ts';
import type { JobQueue } from '../jobs/queue.ts';
import { attachmentsRepo } from '../repositories/attachments.ts';
import { addParticipants } from './participants.ts';
import { recordConsent } from './consent.ts';
import { linkInlineImages } from './inline-images.ts';
import { threadingRepo } from '../repositories/threading.ts';
import type { ContactProfiles } from './contact-profiles.ts';

export interface IngestInbox {
  id: string;
  workspaceId: string;
  settings: unknown;
  /** Known for webhooks: new contacts of channels that carry only an id get their name looked up (ContactProfiles). */
  kind?: InboxKind;
  /**
   * The inbox row's updatedAt, when the caller may hold an outdated copy (WebhookService's cache): the ingest
   * checks it in its first query and throws StaleInboxError, storing nothing, if the inbox changed since.
   */
  confirmUpdatedAt?: Date;
}

/** The inbox changed (settings, credentials, disabled, deleted) after the caller read the copy it ingests with. */
export class StaleInboxError extends Error {
  override name = 'StaleInboxError';
}

export type IngestResult =
  | {
      message: MessageRow;
      conversation: ConversationRow;
      /** false when the provider message id was seen before (nothing new stored). */
      created: boolean;
      dropped?: undefined;
    }
  | {
      /** Stored nothing: an automated message (auto-reply) that would have had to start a conversation. */
      dropped: 'automated';
      created: false;
      message: null;
      conversation: null;
    };

const NO_FILES: PreparedAttachments = { rows: [], written: [] };

const DROPPED_AUTOMATED: IngestResult = { dropped: 'automated', created: false, message: null, conversation: null };

/** What a Json column gives back for `v` (undefined members dropped, dates as strings, …). */
const jsonValue = (v: unknown): Prisma.JsonValue => JSON.parse(JSON.stringify(v)) as Prisma.JsonValue;

function threadingOf(settings: unknown): InboxThreadingSettings {
  const s = (settings ?? {}) as Partial<InboxThreadingSettings>;
  return {
    reopenWindowHours:
      typeof s.reopenWindowHours === 'number' && s.reopenWindowHours >= 0 ? s.reopenWindowHours : defaultThreading.reopenWindowHours,
  };
}

/**
 * The keys under which a message's transaction may share a commit with others (Store.transaction's `group`):
 * the lock its first statement takes, the thread's or the contact's (by the first identity the probe tries;
 * workspace-wide, as identities are), and for a thread also its contact (a contact's conversations and
 * identities are written by one transaction of a group at most). null: not grouped. Messages with files,
 * references, a reply token or participants look up and lock more rows later in the transaction, so they keep a
 * transaction of their own.
 */
function groupKeysOf(inbox: IngestInbox, m: InboundMessage, byThreadKey: string | null, files: NewAttachment[]): string[] | null {
  if (files.length > 0 || m.threadCandidates !== undefined || m.conversationToken || m.participants?.length) return null;
  const first = trustedIdentities(m.contact)[0];
  const contact = first ? `contact:${inbox.workspaceId}:${first.kind}:${first.address}` : null;
  if (byThreadKey !== null) return [`thread:${inbox.id}:${byThreadKey}`, ...(contact ? [contact] : [])];
  return contact ? [contact] : null;
}

/**
 * The one ingest path for every channel:
 * identity → contact → conversation/thread → message (idempotent on the provider's message id)
 * → domain events (published live after commit by the relay).
 */
export class IngestService {
  readonly #store: Store;
  readonly #log: Logger;

  readonly #attachments: AttachmentService;
  readonly #jobs: JobQueue;
  readonly #profiles: Pick<ContactProfiles, 'lookUpLater'> | undefined;

  constructor(store: Store, log: Logger, attachments: AttachmentService, jobs: JobQueue, profiles?: Pick<ContactProfiles, 'lookUpLater'>) {
    this.#store = store;
    this.#log = log;
    this.#attachments = attachments;
    this.#jobs = jobs;
    this.#profiles = profiles;
  }

  async ingest(inbox: IngestInbox, messages: InboundMessage[]): Promise<IngestResult[]> {
    const out: IngestResult[] = [];
    for (const m of messages) out.push(await this.ingestOne(inbox, m));
    return out;
  }

  async ingestOne(received: IngestInbox, m: InboundMessage): Promise<IngestResult> {
    // A reply token of a conversation in an inbox that answers by email through this one (chat continuity):
    // the message belongs to that inbox and conversation.
    const inbox = (m.conversationToken && (await threadingRepo.delegatingInbox(this.#store.sql, received, m.conversationToken))) || received;
    // Bytes that came with the webhook are on disk before the transaction; if the message is not stored after
    // all (a duplicate, a dropped auto-reply, a failed transaction) they are deleted again. Files offered by URL
    // are downloaded by a job after commit.
    const prepared = m.attachments.length > 0 ? await this.#attachments.prepare(inbox.workspaceId, m.attachments) : NO_FILES;
    let result: IngestResult;
    try {
      result = await this.#append(inbox, m, prepared.rows, received);
    } catch (err) {
      await this.#attachments.discard(prepared.written, { unlessReferenced: true });
      throw err;
    }
    if (!result.created) await this.#attachments.discard(prepared.written);
    if (result.dropped) this.#log.info({ inboxId: inbox.id, providerMessageId: m.providerMessageId }, 'automated message outside any conversation dropped');
    else if (result.created) this.#log.debug({ inboxId: inbox.id, messageId: result.message.id }, 'ingested');
    return result;
  }

  /** The transaction: identity → contact → conversation → message, attachment rows and events. */
  #append(inbox: IngestInbox, m: InboundMessage, files: NewAttachment[], received: IngestInbox): Promise<IngestResult> {
    // Round trips on the hot path (known contact, no thread): BEGIN + probe (+ lock + conversation), append + COMMIT.
    // The probe's conversation is read before the lock is held: append checks it is unchanged, else the
    // transaction runs again reading it under the lock (prefetch off).
    let prefetch = true;
    // A thread key without references or a reply token: the thread decides the conversation.
    const byThreadKey = m.threadKey != null && m.threadCandidates === undefined && !m.conversationToken ? m.threadKey : null;
    const groupKeys = groupKeysOf(inbox, m, byThreadKey, files);
    return this.#store.transaction(async (tx): Promise<IngestResult> => {
      // Idempotency check and identity lookup in one query. Inside the transaction, so a retried transaction
      // (unique violation: a concurrent delivery of the same id won) finds the winner's message here.
      const probe = await ingestRepo.probe(tx, {
        workspaceId: inbox.workspaceId,
        inboxId: inbox.id,
        providerMessageId: m.providerMessageId,
        identities: trustedIdentities(m.contact),
        // Without a thread key (or references) the conversation lock is the contact's, with one the thread's: take
        // it in the same query, and read the conversation it guards.
        lockContactIn: m.threadKey == null && m.threadCandidates === undefined ? inbox.id : null,
        // (The thread's lock always here, in the transaction's first statement, like the contact's: nobody waits
        // for it while holding anything.)
        thread: byThreadKey ? { key: byThreadKey } : null,
        prefetch,
        checkInbox: received.confirmUpdatedAt ? { id: received.id, updatedAt: received.confirmUpdatedAt } : null,
      });
      if (!probe.inboxCurrent) throw new StaleInboxError(`inbox ${received.id} changed since it was read`);
      if (probe.seenMessageId) {
        const again = await messagesRepo.byProviderId(tx, inbox.id, m.providerMessageId);
        const conversation = again ? await conversationsRepo.get(tx, inbox.workspaceId, again.conversationId) : null;
        if (again && conversation) return { message: again, conversation, created: false };
      }

      // Nothing before the append needs a new contact's or conversation's row (consent records and participants
      // do; threading by reference looks conversations up; an automated message never starts one): then a new
      // customer's first message, or a new conversation, is stored by the append itself, in one statement. With
      // a thread key, when the thread looked empty (should it have a conversation after all, the contact is
      // stored on its own below).
      const deferCreate =
        m.threadCandidates === undefined && !m.conversationToken && !m.automated && !m.consent && !m.participants?.length &&
        (m.threadKey == null || (probe.threadLocked && probe.latest === null));
      const contact = await resolveContact(tx, inbox.workspaceId, m.contact, probe.known, { deferCreate });
      const contactId = contact.id;
      // A new contact known only by an id (Messenger, Instagram): its name is looked up by a job after the commit.
      if (contact.created && !contact.name) await this.#profiles?.lookUpLater(tx, inbox, contactId, m.contact.identities[0]);
      const now = new Date();
      if (m.consent) await recordConsent(tx, inbox, m);
      // Provider timestamps order the history; a clock in the future is clamped to now.
      const at = m.occurredAt.getTime() > now.getTime() ? now : m.occurredAt;
      const resolved = await findOrStartConversation(this.#store, tx, {
        workspaceId: inbox.workspaceId,
        inboxId: inbox.id,
        contactId,
        contactCreated: contact.created,
        contactLocked: probe.lockedContactId === contactId,
        threadLocked: probe.threadLocked,
        threadKey: m.threadKey ?? null,
        subject: m.subject ?? null,
        at,
        settings: threadingOf(inbox.settings),
        references: {
          providerMessageId: m.providerMessageId,
          ...(m.threadCandidates ? { threadCandidates: m.threadCandidates } : {}),
          ...(m.conversationToken ? { conversationToken: m.conversationToken } : {}),
          ...(m.automated ? { automated: true } : {}),
        },
        prefetched: prefetch && probe.latest && (probe.threadLocked || probe.latest.conversation.contactId === contactId) ? probe.latest.conversation : null,
        ...(deferCreate ? { deferCreate: { contactName: contact.name } } : {}),
      });
      if (!resolved) return DROPPED_AUTOMATED;
      if (contact.create && !resolved.deferred) {
        await contactsRepo.insert(tx, contact.create);
        contact.create = undefined;
      }
      const { conversation, created, reopened } = resolved;
      const prefetched = probe.latest && conversation === probe.latest.conversation ? probe.latest : null;
      if (m.participants?.length || contactId !== conversation.contactId) {
        await addParticipants(tx, inbox.workspaceId, conversation, contactId, m.participants ?? []);
      }

      const text = m.text || (m.html ? htmlToText(m.html) : '');
      const writtenAt = new Date();
      const messageId = uuidv7();
      const attachmentRows: MessageRow['attachments'] = files.map((f) => ({
        ...f,
        id: uuidv7(),
        workspaceId: inbox.workspaceId,
        messageId,
        createdAt: writtenAt,
      }));
      // Sanitize first (it keeps cid: images and drops every other local source), then link cid: to our files.
      const html = m.html ? linkInlineImages(sanitizeHtml(m.html), attachmentRows) : null;
      // The rows as they will be stored: message, conversation and events go out in one statement.
      const message: MessageRow = {
        id: messageId,
        workspaceId: inbox.workspaceId,
        conversationId: conversation.id,
        inboxId: inbox.id,
        direction: 'in',
        kind: 'message',
        authorType: 'contact',
        authorContactId: contactId,
        authorUserId: null,
        text,
        html,
        providerMessageId: m.providerMessageId,
        deliveryStatus: null,
        deliveryError: null,
        metadata: jsonValue(m.automated ? { ...m.metadata, automated: true } : (m.metadata ?? {})),
        createdAt: at,
        updatedAt: writtenAt,
        attachments: attachmentRows,
        authorUser: null,
        authorContact: { id: contactId, name: contact.name },
      };

      const wasSnoozed = conversation.status === 'snoozed';
      const reopen = reopened || wasSnoozed;
      const touch = {
        id: conversation.id,
        workspaceId: inbox.workspaceId,
        lastActivityAt: at > conversation.lastActivityAt ? at : conversation.lastActivityAt,
        // A machine's message (auto-reply) is not a customer waiting for an answer.
        waitingSince: m.automated ? conversation.waitingSince : (conversation.waitingSince ?? at),
        lastMessagePreview: preview(text) || (m.attachments.length ? `📎 ${m.attachments[0]?.name ?? ''}` : null),
        // Server time, not the provider's: a message stored after the agent read the conversation is unread.
        lastInboundAt: conversation.lastInboundAt && conversation.lastInboundAt > writtenAt ? conversation.lastInboundAt : writtenAt,
        reopen,
        updatedAt: writtenAt,
        ...(prefetched
          ? {
              expectVersion: prefetched.version,
              ...(probe.threadLocked ? { threadKey: prefetched.conversation.threadKey ?? '' } : { contactId }),
              inboxId: inbox.id,
              expectLastActivityAt: prefetched.conversation.lastActivityAt,
            }
          : {}),
      };
      const updated: ConversationRow = {
        ...conversation,
        lastActivityAt: touch.lastActivityAt,
        waitingSince: touch.waitingSince,
        lastMessagePreview: touch.lastMessagePreview,
        lastInboundAt: touch.lastInboundAt,
        ...(reopen ? { status: 'open' as const, snoozedUntil: null, resolvedAt: null } : {}),
        updatedAt: writtenAt,
      };

      const actor = { kind: 'contact' as const, workspaceId: inbox.workspaceId, contactId };
      const audience = { inboxId: inbox.id, conversationId: conversation.id };
      const conversationDto = toConversationDto(updated);
      const events = [
        ...(created
          ? [eventRow(actor, 'conversation.created', audience, { conversation: conversationDto })]
          : reopen
            ? [eventRow(actor, 'conversation.updated', audience, { conversation: conversationDto, changes: ['status'] })]
            : []),
        eventRow(actor, 'message.created', audience, { message: toMessageDto(message), conversation: conversationDto }),
      ];
      const { attachments: _a, authorUser: _u, authorContact: _c, ...row } = message;
      // Without files the append is the transaction's last statement: COMMIT goes with it (one round trip).
      // A failed append (the probe's read went stale) fails the statement, so that COMMIT rolls back.
      if (attachmentRows.length === 0) commitWithNext(tx);
      const conversationWrite = resolved.deferred ? { create: updated, ...(contact.create ? { contact: contact.create } : {}) } : touch;
      if (!(await ingestRepo.append(tx, { ...row, direction: 'in', kind: 'message', authorType: 'contact' }, conversationWrite, events))) {
        prefetch = false;
        throw new RetryTransaction(`conversation ${conversation.id} changed after the probe read it`);
      }
      if (attachmentRows.length > 0) {
        // Only messages with files pay for these statements; URL-only files are fetched by a durable job.
        await attachmentsRepo.createMany(tx, attachmentRows);
        await this.#attachments.enqueueDownloads(tx, this.#jobs, inbox.workspaceId, attachmentRows);
      }
      return { message, conversation: updated, created: true };
      // Raw SQL only (see Store.transaction): on PostgreSQL no ORM in the hot path. Under load, shared with other
      // messages' transactions (one commit for several, see TransactionGroups).
    }, { sql: true, ...(groupKeys ? { group: groupKeys } : {}) });
  }

  /** Delivery-status callbacks from providers; unknown provider ids are ignored. */
  async applyStatuses(inbox: IngestInbox, statuses: StatusUpdate[]): Promise<number> {
    let applied = 0;
    for (const s of statuses) {
      const changed = await this.#store.transaction((tx) =>
        applyDeliveryStatus(tx, inbox, s.providerMessageId, s.status, s.error ?? null),
      );
      if (changed) applied++;
    }
    return applied;
  }

  /**
   * Receipts by time (Messenger watermarks): the status applies to every outbound message of this inbox to the
   * identity's contact written at or before `upTo` that has not reached it yet. Returns how many moved.
   */
  async applyWatermarks(inbox: IngestInbox, watermarks: WatermarkUpdate[]): Promise<number> {
    let applied = 0;
    for (const w of watermarks) {
      const statuses: Array<'sent' | 'delivered'> = w.status === 'read' ? ['sent', 'delivered'] : ['sent'];
      const ids = await messagesRepo.awaitingReceipt(this.#store.prisma, { inboxId: inbox.id, identity: w.identity, upTo: w.upTo, statuses });
      applied += await this.applyStatuses(inbox, ids.map((providerMessageId) => ({ providerMessageId, status: w.status, occurredAt: w.upTo })));
    }
    return applied;
  }

  /** Customers' edits and deletions of messages stored earlier; unknown provider ids are ignored. */
  async applyEdits(inbox: IngestInbox, edits: InboundEdit[]): Promise<number> {
    let applied = 0;
    for (const e of edits) {
      if (await this.#store.transaction((tx) => applyInboundEdit(tx, inbox, e))) applied++;
    }
    return applied;
  }
}
