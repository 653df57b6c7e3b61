import { ChannelError, type ChannelAdapter, type InboxKind, type NormalizedIdentity } from '@switchboard/channels';
import type { Logger } from '../lib/logger.ts';
import { RetryableError, type JobHandler, type JobQueue } from '../jobs/queue.ts';
import { contactsRepo } from '../repositories/contacts.ts';
import { conversationListRepo } from '../repositories/conversation-list.ts';
import { inboxesRepo } from '../repositories/inboxes.ts';
import type { Db, Store } from '../repositories/store.ts';
import { adapterContext } from './adapter-context.ts';
import { systemActor } from './actor.ts';
import { recordEvent } from './events.ts';
import { toConversationDto } from './mappers.ts';

export const PROFILE_QUEUE = 'contact.profile';

export interface ProfileJob {
  workspaceId: string;
  inboxId: string;
  contactId: string;
  identity: { kind: NormalizedIdentity['kind']; address: string };
}

export interface ContactProfilesDeps {
  store: Store;
  open: (sealed: string) => unknown;
  adapterFor: (kind: InboxKind) => ChannelAdapter | undefined;
  fetch: typeof fetch;
  log: Logger;
}

/** Conversations of the contact whose lists show the new name (the console updates them live). */
const SHOWN_CONVERSATIONS = 20;

/**
 * Names of contacts whose channel gives only an id (Messenger PSID, Instagram IGSID): ingest enqueues a job in the
 * transaction that creates such a contact without a name; the job asks the adapter (`fetchProfile`, the Graph API)
 * after the commit, so the webhook answer never waits for it and a failed lookup never fails the message. The
 * name is filled only while the contact's name is still empty. Meta outages are retried; a refusal (unknown id,
 * revoked token) leaves the contact unnamed.
 */
export class ContactProfiles implements JobHandler<ProfileJob> {
  readonly #d: ContactProfilesDeps;
  readonly #jobs: JobQueue;
  constructor(deps: ContactProfilesDeps, jobs: JobQueue) {
    this.#d = deps;
    this.#jobs = jobs;
  }

  /** In ingest's transaction, for a contact it just created without a name. Nothing for channels that need no lookup. */
  async lookUpLater(tx: Db, inbox: { id: string; workspaceId: string; kind?: InboxKind }, contactId: string, identity: NormalizedIdentity | undefined): Promise<void> {
    if (!identity || !inbox.kind || !this.#d.adapterFor(inbox.kind)?.fetchProfile) return;
    const job: ProfileJob = { workspaceId: inbox.workspaceId, inboxId: inbox.id, contactId, identity: { kind: identity.kind, address: identity.address } };
    await this.#jobs.enqueue(tx, PROFILE_QUEUE, { ...job }, { maxAttempts: 5 });
  }

  async run(job: ProfileJob): Promise<void> {
    const { store } = this.#d;
    const contact = await contactsRepo.get(store.prisma, job.workspaceId, job.contactId);
    if (!contact || contact.name?.trim()) return;
    const inbox = await inboxesRepo.byId(store.prisma, job.inboxId);
    const adapter = inbox ? this.#d.adapterFor(inbox.kind) : undefined;
    if (!inbox || !adapter?.fetchProfile) return;
    let profile;
    try {
      profile = await adapter.fetchProfile(job.identity, adapterContext(adapter, inbox, this.#d.open, this.#d.fetch));
    } catch (err) {
      if (err instanceof ChannelError && err.transient) throw new RetryableError(`${err.code}: ${err.message}`, { notBeforeMs: err.retryAfterMs });
      this.#d.log.warn({ err, inboxId: inbox.id, contactId: job.contactId }, 'contact profile lookup refused');
      return;
    }
    const name = profile?.name?.trim();
    if (!name) return;
    await store.transaction(async (tx) => {
      if (!(await contactsRepo.fillProfile(tx, job.workspaceId, job.contactId, { name, attributes: profile?.attributes ?? {} }))) return;
      const conversations = await conversationListRepo.byActivity(tx, job.workspaceId, { inboxIds: null, contactId: job.contactId }, SHOWN_CONVERSATIONS);
      for (const c of conversations) {
        await recordEvent(tx, systemActor(job.workspaceId), 'conversation.updated', { inboxId: c.inboxId, conversationId: c.id }, { conversation: toConversationDto(c), changes: ['contact'] });
      }
    });
  }
}
