import type { InboundMessage, StatusUpdate } from '@switchboard/channels';
import type { Prisma } from '@switchboard/db';
import { htmlToText, preview, sanitizeHtml } from '../lib/html.ts';
import type { Logger } from '../lib/logger.ts';
import { conversationsRepo, type ConversationRow } from '../repositories/conversations.ts';
import { messagesRepo, type MessageRow } from '../repositories/messages.ts';
import type { Store } from '../repositories/store.ts';
import { resolveContact } from './contact-resolver.ts';
import { defaultThreading, findOrStartConversation, type InboxThreadingSettings } from './conversation-resolver.ts';
import { recordEvent } from './events.ts';
import { toConversationDto, toMessageDto } from './mappers.ts';
import { applyDeliveryStatus } from './delivery-status.ts';

export interface IngestInbox {
  id: string;
  workspaceId: string;
  settings: unknown;
}

export interface IngestResult {
  message: MessageRow;
  conversation: ConversationRow;
  /** false when the provider message id was seen before (nothing new stored). */
  created: boolean;
}

function threadingOf(settings: unknown): InboxThreadingSettings {
  const s = (settings ?? {}) as Partial<InboxThreadingSettings>;
  return {
    reopenWindowHours:
      typeof s.reopenWindowHours === 'number' && s.reopenWindowHours >= 0 ? s.reopenWindowHours : defaultThreading.reopenWindowHours,
  };
}

/**
 * The one ingest path for every channel:
 * identity → contact → conversation/thread → message (idempotent on the provider's message id)
 * → domain events (published live after commit by the relay).
 */
export class IngestService {
  readonly #store: Store;
  readonly #log: Logger;

  constructor(store: Store, log: Logger) {
    this.#store = store;
    this.#log = log;
  }

  async ingest(inbox: IngestInbox, messages: InboundMessage[]): Promise<IngestResult[]> {
    const out: IngestResult[] = [];
    for (const m of messages) out.push(await this.ingestOne(inbox, m));
    return out;
  }

  async ingestOne(inbox: IngestInbox, m: InboundMessage): Promise<IngestResult> {
    const seen = await this.#existing(inbox, m.providerMessageId);
    if (seen) return seen;

    const result = await this.#store.transaction(async (tx) => {
      // Re-checked inside: a retried transaction (unique violation) finds the winner's message here.
      const again = await messagesRepo.byProviderId(tx, inbox.id, m.providerMessageId);
      if (again) {
        const conversation = await conversationsRepo.get(tx, inbox.workspaceId, again.conversationId);
        if (conversation) return { message: again, conversation, created: false };
      }

      const contactId = await resolveContact(tx, inbox.workspaceId, m.contact);
      const now = new Date();
      // Provider timestamps order the history; a clock in the future is clamped to now.
      const at = m.occurredAt.getTime() > now.getTime() ? now : m.occurredAt;
      const { conversation, created, reopened } = await findOrStartConversation(this.#store, tx, {
        workspaceId: inbox.workspaceId,
        inboxId: inbox.id,
        contactId,
        threadKey: m.threadKey ?? null,
        subject: m.subject ?? null,
        at,
        settings: threadingOf(inbox.settings),
      });

      const html = m.html ? sanitizeHtml(m.html) : null;
      const text = m.text || (m.html ? htmlToText(m.html) : '');
      const message = await messagesRepo.create(tx, {
        workspaceId: inbox.workspaceId,
        conversationId: conversation.id,
        inboxId: inbox.id,
        direction: 'in',
        kind: 'message',
        authorType: 'contact',
        authorContactId: contactId,
        text,
        html,
        providerMessageId: m.providerMessageId,
        metadata: m.metadata as Prisma.InputJsonValue,
        createdAt: at,
        attachments: [],
      });

      const wasSnoozed = conversation.status === 'snoozed';
      const updated = await conversationsRepo.update(tx, inbox.workspaceId, conversation.id, {
        lastActivityAt: at > conversation.lastActivityAt ? at : conversation.lastActivityAt,
        waitingSince: conversation.waitingSince ?? at,
        lastMessagePreview: preview(text) || (m.attachments.length ? `📎 ${m.attachments[0]?.name ?? ''}` : null),
        ...(reopened || wasSnoozed ? { status: 'open' as const, snoozedUntil: null, resolvedAt: null } : {}),
      });

      const actor = { kind: 'contact' as const, workspaceId: inbox.workspaceId, contactId };
      const audience = { inboxId: inbox.id, conversationId: conversation.id };
      const conversationDto = toConversationDto(updated);
      if (created) await recordEvent(tx, actor, 'conversation.created', audience, { conversation: conversationDto });
      else if (reopened || wasSnoozed)
        await recordEvent(tx, actor, 'conversation.updated', audience, { conversation: conversationDto, changes: ['status'] });
      await recordEvent(tx, actor, 'message.created', audience, { message: toMessageDto(message), conversation: conversationDto });
      return { message, conversation: updated, created: true };
    });
    if (result.created) this.#log.debug({ inboxId: inbox.id, messageId: result.message.id }, 'ingested');
    return result;
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

  async #existing(inbox: IngestInbox, providerMessageId: string): Promise<IngestResult | null> {
    const message = await messagesRepo.byProviderId(this.#store.prisma, inbox.id, providerMessageId);
    if (!message) return null;
    const conversation = await conversationsRepo.get(this.#store.prisma, inbox.workspaceId, message.conversationId);
    return conversation ? { message, conversation, created: false } : null;
  }
}
