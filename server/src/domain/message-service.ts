import { listAdapterKinds, type ChannelAdapter, type InboxKind, type OutboundTemplate } from '@switchboard/channels';
import type { Prisma } from '@switchboard/db';
import type { MessageDto, Page } from '../contracts/dto.ts';
import { AppError, notFound } from '../lib/errors.ts';
import { htmlToText, preview, sanitizeHtml } from '../lib/html.ts';
import { conversationsRepo } from '../repositories/conversations.ts';
import { messagesRepo } from '../repositories/messages.ts';
import type { Store } from '../repositories/store.ts';
import { assertInboxVisible, assertUser } from './access.ts';
import type { Actor } from './actor.ts';
import { decodeCursor, encodeCursor } from './cursor.ts';
import { recordEvent } from './events.ts';
import { toConversationDto, toMessageDto } from './mappers.ts';
import { OUTBOUND_QUEUE, type OutboundJob } from './outbound.ts';
import type { JobQueue } from '../jobs/queue.ts';
import type { AttachmentService } from './attachments.ts';
import { assertReplyAllowed, templateOf } from './reply-window.ts';
import { contactsRepo } from '../repositories/contacts.ts';
import { inboxesRepo } from '../repositories/inboxes.ts';
import { assertNotOptedOut } from './consent.ts';
import { assertEmailFieldsAllowed, replyEmailMetadata, type ReplyEmail } from './reply-email.ts';
import type { ComposeLimitsDto } from '../contracts/dto.ts';

export interface ComposeInput {
  text?: string | undefined;
  html?: string | undefined;
  /** Files the agent attaches (already decoded). */
  attachments?: Array<{ name: string; contentType: string; content: Uint8Array }> | undefined;
  /** Replies only: an approved message template (WhatsApp), sent instead of free text and allowed outside the reply window. */
  template?: OutboundTemplate | undefined;
  /** Email replies only: the agent's Subject and Cc (400 on other channels). */
  email?: ReplyEmail | undefined;
}

/** Everything an agent attaches to one message, together. */
export const MAX_OUTBOUND_ATTACHMENT_BYTES = 20 * 1024 * 1024;
/** Files per message. */
export const MAX_OUTBOUND_ATTACHMENTS = 10;

export class MessageService {
  readonly #store: Store;
  readonly #jobs: JobQueue;
  readonly #attachments: AttachmentService;
  readonly #adapterFor: (kind: InboxKind) => ChannelAdapter | undefined;
  constructor(store: Store, jobs: JobQueue, attachments: AttachmentService, adapterFor: (kind: InboxKind) => ChannelAdapter | undefined = () => undefined) {
    this.#store = store;
    this.#jobs = jobs;
    this.#attachments = attachments;
    this.#adapterFor = adapterFor;
  }

  /** A reply must not go to a recipient who opted out (SMS STOP): 409 recipient_opted_out, nothing stored. */
  async #assertReachable(conversation: { contactId: string; workspaceId: string }, inboxKind: InboxKind | undefined): Promise<void> {
    if (!inboxKind || !this.#adapterFor(inboxKind)?.recipientIdentityKind) return;
    const contact = await contactsRepo.get(this.#store.prisma, conversation.workspaceId, conversation.contactId);
    assertNotOptedOut(this.#adapterFor, inboxKind, contact?.identities ?? []);
  }

  /**
   * The kind of the inbox a reply leaves through (undefined: gone), read once per reply for all of its checks;
   * 409 inbox_disabled when an admin paused the inbox.
   */
  async #inboxKind(inboxId: string): Promise<InboxKind | undefined> {
    const inbox = await inboxesRepo.byId(this.#store.prisma, inboxId);
    if (inbox?.disabledAt) throw new AppError('inbox_disabled', 'This inbox is paused: an admin can resume it (PATCH /api/inboxes/{id} with disabled: false)');
    return inbox?.kind;
  }

  async #visibleConversation(actor: Actor, conversationId: string) {
    const c = await conversationsRepo.get(this.#store.prisma, actor.workspaceId, conversationId);
    if (!c) throw notFound('Conversation');
    await assertInboxVisible(this.#store.prisma, actor, c.inboxId);
    return c;
  }

  /**
   * What an agent may attach (the console checks files against it before sending; the server enforces it): to a
   * note, and to a reply on channels whose provider takes more; `channels` holds the lower limits of replies on the
   * others (ChannelAdapter.outboundFileLimits).
   */
  limits(): ComposeLimitsDto {
    const channels: NonNullable<ComposeLimitsDto['channels']> = {};
    for (const kind of listAdapterKinds()) if (this.#adapterFor(kind)?.outboundFileLimits) channels[kind] = this.#limitsFor(kind);
    return { ...this.#limitsFor(null), channels };
  }

  /** The limits of a reply on `kind` (null: of a note, or a channel with no limits of its own). */
  #limitsFor(kind: InboxKind | null): Omit<ComposeLimitsDto, 'channels'> {
    const general = {
      attachmentMaxBytes: Math.min(this.#attachments.maxBytes, MAX_OUTBOUND_ATTACHMENT_BYTES),
      messageAttachmentsMaxBytes: MAX_OUTBOUND_ATTACHMENT_BYTES,
      messageAttachmentsMaxCount: MAX_OUTBOUND_ATTACHMENTS,
    };
    const own = kind ? this.#adapterFor(kind)?.outboundFileLimits : undefined;
    if (!own) return general;
    const total = Math.min(general.messageAttachmentsMaxBytes, own.maxTotalBytes ?? Infinity);
    return {
      attachmentMaxBytes: Math.min(general.attachmentMaxBytes, own.maxFileBytes ?? Infinity, total),
      messageAttachmentsMaxBytes: total,
      messageAttachmentsMaxCount: Math.min(general.messageAttachmentsMaxCount, own.maxFiles ?? Infinity),
    };
  }

  /** Newest first; `cursor` pages back in time. */
  async list(actor: Actor, conversationId: string, opts: { limit: number; cursor?: string | undefined }): Promise<Page<MessageDto>> {
    await this.#visibleConversation(actor, conversationId);
    const before = opts.cursor ? decodeCursor(opts.cursor) : undefined;
    const rows = await messagesRepo.list(this.#store.prisma, actor.workspaceId, conversationId, opts.limit + 1, before);
    const items = rows.slice(0, opts.limit);
    const last = items.at(-1);
    return {
      items: items.map(toMessageDto),
      nextCursor: rows.length > opts.limit && last ? encodeCursor(last.createdAt, last.id) : null,
    };
  }

  /** An agent reply: stored as `queued`, sent by the durable outbound job. */
  reply(actor: Actor, conversationId: string, input: ComposeInput): Promise<MessageDto> {
    return this.#compose(actor, conversationId, input, 'message');
  }

  /** A private note: visible to agents only, never sent. */
  note(actor: Actor, conversationId: string, input: ComposeInput): Promise<MessageDto> {
    return this.#compose(actor, conversationId, input, 'note');
  }

  async #compose(actor: Actor, conversationId: string, input: ComposeInput, kind: 'message' | 'note'): Promise<MessageDto> {
    const user = assertUser(actor);
    const html = input.html ? sanitizeHtml(input.html) : null;
    const template = kind === 'message' ? input.template : undefined;
    const text = input.text?.trim() || (html ? htmlToText(html) : '') || (template ? `Template ${template.name} (${template.language})` : '');
    const uploads = input.attachments ?? [];
    if (!text && uploads.length === 0) throw new AppError('validation_failed', 'A message needs text, html or attachments', { fieldErrors: { text: ['Required'] } });
    this.#assertSizes(uploads);
    const visible = await this.#visibleConversation(actor, conversationId);
    const email = kind === 'message' ? input.email : undefined;
    if (kind === 'message') {
      const inboxKind = await this.#inboxKind(visible.inboxId);
      if (email) assertEmailFieldsAllowed(inboxKind, email);
      if (uploads.length && inboxKind) this.#assertSizes(uploads, inboxKind);
      await assertReplyAllowed(this.#store.prisma, this.#adapterFor, visible, inboxKind, template);
      await this.#assertReachable(visible, inboxKind);
    }
    // On disk before the transaction: a rollback leaves an unreferenced file, never a message without its file.
    const files = uploads.length ? (await this.#attachments.prepare(actor.workspaceId, uploads)).rows : [];

    return this.#store.transaction(async (tx) => {
      const c = await conversationsRepo.getForUpdate(tx, actor.workspaceId, conversationId);
      if (!c) throw notFound('Conversation');
      const now = new Date();
      const message = await messagesRepo.create(tx, {
        workspaceId: actor.workspaceId,
        conversationId,
        inboxId: c.inboxId,
        direction: 'out',
        kind,
        authorType: 'agent',
        authorUserId: user.userId,
        text,
        html,
        deliveryStatus: kind === 'message' ? 'queued' : null,
        ...(template || email ? { metadata: { ...(template ? { template: JSON.parse(JSON.stringify(template)) as Prisma.InputJsonObject } : {}), ...replyEmailMetadata(email) } } : {}),
        createdAt: now,
        attachments: files.flatMap((f) => (f.storageKey ? [{ name: f.name, contentType: f.contentType, size: f.size, storageKey: f.storageKey }] : [])),
      });
      const audience = { inboxId: c.inboxId, conversationId };
      let conversation = c;
      if (kind === 'message') {
        conversation = await conversationsRepo.update(tx, actor.workspaceId, conversationId, {
          lastActivityAt: now,
          waitingSince: null,
          lastMessagePreview: preview(text) || (files[0] ? `📎 ${files[0].name}` : null),
          ...(c.firstResponseAt ? {} : { firstResponseAt: now }),
        });
        const job: OutboundJob = { workspaceId: actor.workspaceId, messageId: message.id };
        await this.#jobs.enqueue(tx, OUTBOUND_QUEUE, { ...job });
      }
      await recordEvent(tx, actor, 'message.created', audience, { message: toMessageDto(message), conversation: toConversationDto(conversation) });
      return toMessageDto(message);
    });
  }

  /** Over a limit: 413 payload_too_large, nothing stored (a file over the storage limit is never dropped silently). */
  /** Files against the limits of a note or any reply (`channel` null), or of a reply on that channel. */
  #assertSizes(uploads: ReadonlyArray<{ name: string; content: Uint8Array }>, channel: InboxKind | null = null): void {
    const limits = this.#limitsFor(channel);
    const on = channel && this.#adapterFor(channel)?.outboundFileLimits ? ` on ${channel}` : '';
    const big = uploads.find((f) => f.content.byteLength > limits.attachmentMaxBytes);
    if (big) throw new AppError('payload_too_large', `"${big.name}" is larger than the limit of ${limits.attachmentMaxBytes} bytes per file${on}`, { name: big.name, size: big.content.byteLength, limit: limits.attachmentMaxBytes });
    const total = uploads.reduce((n, f) => n + f.content.byteLength, 0);
    if (total > limits.messageAttachmentsMaxBytes) throw new AppError('payload_too_large', `Attachments are limited to ${limits.messageAttachmentsMaxBytes} bytes per message${on}`, { size: total, limit: limits.messageAttachmentsMaxBytes });
    if (uploads.length > limits.messageAttachmentsMaxCount) throw new AppError('payload_too_large', `At most ${limits.messageAttachmentsMaxCount} files per message${on}`, { count: uploads.length, limit: limits.messageAttachmentsMaxCount });
  }

  /** Puts a failed outbound message back in the queue. */
  async retry(actor: Actor, messageId: string): Promise<MessageDto> {
    const m = await messagesRepo.get(this.#store.prisma, actor.workspaceId, messageId);
    if (!m) throw notFound('Message');
    await assertInboxVisible(this.#store.prisma, actor, m.inboxId, 'Message');
    if (m.deliveryStatus !== 'failed') throw new AppError('conflict', 'Only failed messages can be retried');
    const inboxKind = await this.#inboxKind(m.inboxId);
    await assertReplyAllowed(this.#store.prisma, this.#adapterFor, { id: m.conversationId }, inboxKind, templateOf(m.metadata));
    const conversation = await conversationsRepo.get(this.#store.prisma, actor.workspaceId, m.conversationId);
    if (conversation) await this.#assertReachable(conversation, inboxKind);
    return this.#store.transaction(async (tx) => {
      const updated = await messagesRepo.updateDelivery(tx, m.id, { deliveryStatus: 'queued', deliveryError: null });
      await this.#jobs.enqueue(tx, OUTBOUND_QUEUE, { workspaceId: actor.workspaceId, messageId: m.id });
      await recordEvent(tx, actor, 'message.updated', { inboxId: m.inboxId, conversationId: m.conversationId }, { message: toMessageDto(updated) });
      return toMessageDto(updated);
    });
  }
}
