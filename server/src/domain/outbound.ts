import { ChannelError, type ChannelAdapter, type InboxKind, type OutboundMessage } from '@switchboard/channels';
import type { SecretBox } from '../lib/crypto.ts';
import type { Logger } from '../lib/logger.ts';
import { RetryableError, type JobContext, type JobHandler } from '../jobs/queue.ts';
import { contactsRepo } from '../repositories/contacts.ts';
import { conversationsRepo } from '../repositories/conversations.ts';
import { inboxesRepo } from '../repositories/inboxes.ts';
import { messagesRepo } from '../repositories/messages.ts';
import { isUniqueViolation, type Store } from '../repositories/store.ts';
import { systemActor } from './actor.ts';
import { recordEvent } from './events.ts';
import { toMessageDto } from './mappers.ts';
import { threadOf } from './outbound-thread.ts';
import type { AttachmentService } from './attachments.ts';
import { adapterContext } from './adapter-context.ts';
import { templateOf } from './reply-window.ts';
import { replyEmailOf } from './reply-email.ts';
import type { MediaLinks } from './media-links.ts';
import { optedOutReason, optedOutRecipient, type ConsentIdentity } from './consent.ts';
import { nextStatus } from './delivery-status.ts';

export const OUTBOUND_QUEUE = 'outbound.send';

/** A stored message's files as an adapter sends them (with their bytes). */
export function outboundAttachments(
  files: Array<{ id: string; name: string; contentType: string; size: number; storageKey: string | null }>,
  store: Pick<AttachmentService, 'read'>,
  /** Signed public links, for providers that fetch files themselves (Twilio's MediaUrl). */
  links?: Pick<MediaLinks, 'url'>,
): Promise<OutboundMessage['attachments']> {
  return Promise.all(
    files.map(async (a) => ({
      name: a.name,
      contentType: a.contentType,
      size: a.size,
      ...(a.storageKey ? { content: await store.read(a.storageKey), ...(links ? { url: links.url(a) } : {}) } : {}),
    })),
  );
}

export interface OutboundJob {
  workspaceId: string;
  messageId: string;
}

export interface OutboundDeps {
  store: Store;
  secrets: SecretBox;
  adapterFor: (kind: InboxKind) => ChannelAdapter | undefined;
  fetch: typeof fetch;
  log: Logger;
  attachments: Pick<AttachmentService, 'read'>;
  /** Signed public URLs of the files (providers that fetch media themselves, such as Twilio). */
  links?: Pick<MediaLinks, 'url'>;
  /** PUBLIC_URL, for the adapters' context (status callback URLs). */
  publicUrl?: string;
}

/** `metadata.sentParts` (part index → provider id, messagesRepo.recordSentPart) as a list by index. */
function sentPartsOf(metadata: unknown): Array<string | undefined> {
  const parts = (metadata as { sentParts?: Record<string, unknown> } | null)?.sentParts;
  const ids: Array<string | undefined> = [];
  for (const [index, id] of Object.entries(parts ?? {})) if (typeof id === 'string' && /^\d+$/.test(index)) ids[Number(index)] = id;
  return ids;
}

/**
 * Sends one queued agent reply through its inbox's channel adapter. Transient channel errors
 * retry with backoff (durable job); a permanent error or the last failed try marks the message
 * `failed` with the reason. Runs at least once: receivers dedupe on our message id.
 */
export class OutboundDelivery implements JobHandler<OutboundJob> {
  readonly #d: OutboundDeps;
  constructor(deps: OutboundDeps) {
    this.#d = deps;
  }

  async run(job: OutboundJob, _ctx: JobContext): Promise<void> {
    const { store } = this.#d;
    const message = await messagesRepo.get(store.prisma, job.workspaceId, job.messageId);
    if (!message || message.deliveryStatus !== 'queued') return; // already settled: nothing to do
    const inbox = await inboxesRepo.byId(store.prisma, message.inboxId);
    const conversation = await conversationsRepo.get(store.prisma, job.workspaceId, message.conversationId);
    if (!inbox || !conversation) throw new Error('inbox or conversation no longer exists');
    // Paused after the reply was queued: not sent; failed with the reason (retry it once the inbox is resumed).
    if (inbox.disabledAt) throw new ChannelError('inbox_disabled', 'The inbox is paused: resume it, then retry this message');
    const contact = await contactsRepo.get(store.prisma, job.workspaceId, conversation.contactId);
    const adapter = this.#d.adapterFor(inbox.kind);
    if (!adapter) throw new Error(`no channel adapter for ${inbox.kind}`);

    // An opt-out that arrived after the reply was queued: not sent, failed with the reason.
    const optedOut = optedOutRecipient(adapter, contact?.identities ?? [], inbox.kind);
    if (optedOut) throw new ChannelError('recipient_opted_out', optedOutReason(optedOut));
    const ctx = {
      ...adapterContext(adapter, inbox, (sealed) => this.#d.secrets.open(sealed), this.#d.fetch, this.#d.publicUrl),
      // Parts of this reply an earlier try sent (a reply of several provider messages): not sent again.
      sentParts: {
        ids: sentPartsOf(message.metadata),
        record: (index: number, providerId: string) => messagesRepo.recordSentPart(store.prisma, message.id, index, providerId),
      },
    };
    const outbound: OutboundMessage = {
      id: message.id,
      conversation: { id: conversation.id, number: conversation.number, threadKey: conversation.threadKey, subject: conversation.subject },
      contact: {
        id: conversation.contactId,
        name: contact?.name ?? null,
        identities: (contact?.identities ?? []).map((i) => ({ kind: i.kind, address: i.address, verified: i.verified })),
      },
      text: message.text,
      html: message.html,
      author: message.authorUser ? { name: message.authorUser.name } : null,
      attachments: await outboundAttachments(message.attachments, this.#d.attachments, this.#d.links),
      ...(await threadOf(store, inbox.kind, conversation)),
      template: templateOf(message.metadata),
      ...(inbox.kind === 'email' ? replyEmailOf(message.metadata) : {}),
    };
    try {
      const result = await adapter.send(outbound, ctx);
      const record = (providerMessageId: string | undefined) =>
        store.transaction(async (tx) => {
          // A receipt may have overtaken the send (a chat widget reads a reply the moment it is stored): never move back.
          const current = await messagesRepo.lockDelivery(tx, message.id);
          const incoming = result.status ?? 'sent';
          const updated = await messagesRepo.updateDelivery(tx, message.id, {
            deliveryStatus: current === null || current === 'queued' || nextStatus(current, incoming) ? incoming : current,
            deliveryError: null,
            ...(providerMessageId === undefined ? {} : { providerMessageId }),
          });
          await recordEvent(tx, systemActor(job.workspaceId), 'message.updated', { inboxId: inbox.id, conversationId: conversation.id }, { message: toMessageDto(updated) });
        });
      try {
        await record(result.providerMessageId);
      } catch (err) {
        if (!isUniqueViolation(err)) throw err;
        // The inbox already holds a message under the provider's id (our own message came back as an inbound
        // one first, e.g. an echo the adapter did not recognize). The reply WAS sent: failing the job would send
        // it again. Record the delivery without the id.
        this.#d.log.warn({ messageId: message.id, providerMessageId: result.providerMessageId }, 'provider id of a sent reply already taken in its inbox: stored without it');
        await record(undefined);
      }
    } catch (err) {
      if (err instanceof ChannelError && err.transient) throw new RetryableError(`${err.code}: ${err.message}`, { notBeforeMs: err.retryAfterMs });
      // The provider knows of an opt-out we missed (Twilio 21610: STOP before this inbox existed): record it.
      if (err instanceof ChannelError && err.code === 'recipient_opted_out') await this.#recordProviderOptOut(adapter, inbox, contact?.identities ?? []);
      throw err;
    }
  }

  async #recordProviderOptOut(adapter: ChannelAdapter, inbox: { id: string; workspaceId: string; kind: InboxKind }, identities: ConsentIdentity[]): Promise<void> {
    const recipient = identities.find((i) => i.kind === adapter.recipientIdentityKind);
    if (!recipient || optedOutRecipient(adapter, [recipient], inbox.kind)) return;
    await contactsRepo.recordConsent(this.#d.store.prisma, inbox.workspaceId, recipient, { change: 'opted_out', keyword: 'STOP', inboxId: inbox.id, at: new Date(), channel: inbox.kind });
  }

  /** Still queued, but the agent sees why it is late. */
  async onRetry(job: OutboundJob, error: Error, ctx: { runAt: Date }): Promise<void> {
    await this.#setDelivery(job, 'queued', `Will retry at ${ctx.runAt.toISOString()}: ${error.message}`);
  }

  async onFailure(job: OutboundJob, error: Error): Promise<void> {
    await this.#setDelivery(job, 'failed', error.message);
  }

  async #setDelivery(job: OutboundJob, status: 'queued' | 'failed', reason: string): Promise<void> {
    await this.#d.store.transaction(async (tx) => {
      const message = await messagesRepo.get(tx, job.workspaceId, job.messageId);
      if (!message || message.deliveryStatus !== 'queued') return;
      const updated = await messagesRepo.updateDelivery(tx, message.id, { deliveryStatus: status, deliveryError: reason.slice(0, 1000) });
      await recordEvent(tx, systemActor(job.workspaceId), 'message.updated', { inboxId: message.inboxId, conversationId: message.conversationId }, { message: toMessageDto(updated) });
    });
  }
}
