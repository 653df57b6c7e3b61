import { ChannelError, webchatSettingsSchema, type ChannelAdapter, type InboxKind, type NormalizedIdentity, type OutboundMessage } from '@switchboard/channels';
import { systemActor } from '../domain/actor.ts';
import { adapterContext } from '../domain/adapter-context.ts';
import { recordEvent } from '../domain/events.ts';
import { toMessageDto } from '../domain/mappers.ts';
import { outboundAttachments } from '../domain/outbound.ts';
import type { AttachmentService } from '../domain/attachments.ts';
import { RetryableError, type JobHandler, type JobQueue } from '../jobs/queue.ts';
import type { Logger } from '../lib/logger.ts';
import { contactsRepo } from '../repositories/contacts.ts';
import { conversationsRepo } from '../repositories/conversations.ts';
import { inboxesRepo } from '../repositories/inboxes.ts';
import { messagesRepo } from '../repositories/messages.ts';
import { isUniqueViolation, type Store } from '../repositories/store.ts';
import { threadingRepo } from '../repositories/threading.ts';
import { CONTINUITY_KEY_PREFIX, webchatRepo } from '../repositories/webchat.ts';

export const CONTINUITY_QUEUE = 'webchat.email';

export interface ContinuityJob {
  workspaceId: string;
  messageId: string;
}

export interface ContinuityDeps {
  store: Store;
  open: (sealed: string) => unknown;
  adapterFor: (kind: InboxKind) => ChannelAdapter | undefined;
  fetch: typeof fetch;
  attachments: Pick<AttachmentService, 'read'>;
  log: Logger;
}

const TEXT = {
  en: { subject: (title: string) => `New reply: ${title}`, footer: 'Reply to this email, or continue the chat on our website.' },
  de: { subject: (title: string) => `Neue Antwort: ${title}`, footer: 'Antworten Sie auf diese E-Mail oder setzen Sie den Chat auf unserer Website fort.' },
};

/** The visitor's address: a verified email first, then any email of the contact, then one typed into the pre-chat form. */
async function recipient(store: Store, identities: NormalizedIdentity[], conversationId: string): Promise<string | null> {
  const emails = identities.filter((i) => i.kind === 'email');
  return emails.find((i) => i.verified)?.address ?? emails[0]?.address ?? (await webchatRepo.claimedEmail(store.prisma, conversationId));
}

/**
 * Email continuity: agent replies a visitor has not read some time after they were written (the visitor left,
 * or nobody answered while they were there) go to the visitor's email address too, through the email inbox
 * the webchat inbox names (`settings.continuity.emailInboxId`) and its adapter, with the conversation's reply
 * token: the visitor's email reply comes back into the same conversation (IngestService routes it).
 *
 * A sweep finds due replies and enqueues one durable job per reply (singleton key: never twice); the job sends
 * every unread, not yet emailed reply of the conversation in one mail, and records that on them (their own jobs
 * then find nothing to do).
 */
export class EmailContinuity implements JobHandler<ContinuityJob> {
  readonly #d: ContinuityDeps;
  #timer: NodeJS.Timeout | undefined;
  #sweeping: Promise<void> = Promise.resolve();

  constructor(deps: ContinuityDeps) {
    this.#d = deps;
  }

  start(jobs: JobQueue, everyMs: number): void {
    const tick = () => {
      this.#sweeping = this.#sweeping.then(async () => void (await this.sweep(jobs))).catch((err: unknown) => this.#d.log.error({ err }, 'continuity sweep failed'));
    };
    this.#timer = setInterval(tick, everyMs);
    this.#timer.unref();
    tick();
  }

  async stop(): Promise<void> {
    clearInterval(this.#timer);
    await this.#sweeping;
  }

  /** Enqueues a job for every due reply (another instance may have just done so: the key dedupes). */
  async sweep(jobs: JobQueue): Promise<number> {
    const due = await webchatRepo.continuityCandidates(this.#d.store.prisma, 100);
    let enqueued = 0;
    for (const m of due) {
      try {
        await jobs.enqueue(this.#d.store.prisma, CONTINUITY_QUEUE, { workspaceId: m.workspaceId, messageId: m.id }, { singletonKey: `${CONTINUITY_KEY_PREFIX}${m.id}`, maxAttempts: 6 });
        enqueued++;
      } catch (err) {
        if (!isUniqueViolation(err)) throw err;
      }
    }
    return enqueued;
  }

  async run(job: ContinuityJob): Promise<void> {
    const { store } = this.#d;
    const message = await messagesRepo.get(store.prisma, job.workspaceId, job.messageId);
    if (!message || message.direction !== 'out' || message.kind !== 'message') return;
    const inbox = await inboxesRepo.byId(store.prisma, message.inboxId);
    if (!inbox || inbox.kind !== 'webchat') return;
    const settings = webchatSettingsSchema.parse(inbox.settings ?? {});
    const emailInboxId = settings.continuity.emailInboxId;
    if (!emailInboxId) return;
    // Claimed for this job (a concurrent job for another reply of the conversation takes none of them).
    const claimed = await webchatRepo.claimUnreadReplies(store.prisma, job.workspaceId, message.conversationId, message.id);
    if (!claimed.includes(message.id)) return; // read, failed, or in another job's mail
    const replies = await webchatRepo.byIds(store.prisma, job.workspaceId, claimed);
    const conversation = await conversationsRepo.get(store.prisma, job.workspaceId, message.conversationId);
    const contact = conversation ? await contactsRepo.get(store.prisma, job.workspaceId, conversation.contactId) : null;
    const to = conversation && contact ? await recipient(store, contact.identities, conversation.id) : null;
    if (!conversation || !contact || !to) {
      await this.#record(job.workspaceId, claimed, { skipped: 'the visitor left no email address' });
      return;
    }

    const emailInbox = await inboxesRepo.get(store.prisma, job.workspaceId, emailInboxId);
    const adapter = this.#d.adapterFor('email');
    if (!emailInbox || emailInbox.kind !== 'email' || emailInbox.disabledAt || !adapter) {
      throw new Error(`continuity: inbox ${emailInboxId} is not an enabled email inbox of this workspace`);
    }
    const text = settings.locale === 'de' ? TEXT.de : TEXT.en;
    const last = replies.at(-1) ?? message;
    const outbound: OutboundMessage = {
      id: message.id,
      conversation: { id: conversation.id, number: conversation.number, threadKey: null, subject: text.subject(settings.title) },
      contact: { id: contact.id, name: contact.name, identities: [{ kind: 'email', address: to }] },
      text: [...replies.map((r) => r.text).filter(Boolean), '--', text.footer].join('\n\n'),
      html: null,
      author: last.authorUser ? { name: last.authorUser.name } : null,
      attachments: (await Promise.all(replies.map((r) => outboundAttachments(r.attachments, this.#d.attachments)))).flat(),
      replyToken: await threadingRepo.ensureReplyToken(store.prisma, job.workspaceId, conversation.id),
    };
    const ctx = adapterContext(adapter, emailInbox, this.#d.open, this.#d.fetch);
    let providerMessageId: string;
    try {
      ({ providerMessageId } = await adapter.send(outbound, ctx));
    } catch (err) {
      if (err instanceof ChannelError && err.transient) throw new RetryableError(`${err.code}: ${err.message}`);
      throw err;
    }
    await this.#record(job.workspaceId, replies.map((r) => r.id), { sentAt: new Date().toISOString(), to, emailInboxId, messageId: providerMessageId });
    this.#d.log.info({ conversationId: conversation.id, replies: replies.length }, 'unread chat replies sent by email');
  }

  async onFailure(job: ContinuityJob, error: Error): Promise<void> {
    const message = await messagesRepo.get(this.#d.store.prisma, job.workspaceId, job.messageId);
    if (!message) return;
    const claimed = await webchatRepo.claimUnreadReplies(this.#d.store.prisma, job.workspaceId, message.conversationId, message.id);
    await this.#record(job.workspaceId, claimed, { error: error.message.slice(0, 500), failedAt: new Date().toISOString() });
  }

  /** `metadata.emailFallback` on the messages, and `message.updated` so agents see it. */
  async #record(workspaceId: string, ids: string[], value: Record<string, unknown>): Promise<void> {
    await this.#d.store.transaction(async (tx) => {
      await webchatRepo.markEmailed(tx, ids, value);
      for (const id of ids) {
        const m = await messagesRepo.get(tx, workspaceId, id);
        if (m) await recordEvent(tx, systemActor(workspaceId), 'message.updated', { inboxId: m.inboxId, conversationId: m.conversationId }, { message: toMessageDto(m) });
      }
    });
  }
}
