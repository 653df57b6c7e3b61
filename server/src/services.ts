import { getAdapter } from '@switchboard/channels';
import type { Config } from './config.ts';
import { AccessEvents } from './domain/access-events.ts';
import { ATTACHMENT_QUEUE, AttachmentService } from './domain/attachments.ts';
import { AttachmentStore } from './lib/attachment-store.ts';
import { AuthService } from './domain/auth-service.ts';
import { ConversationService } from './domain/conversation-service.ts';
import { InboxService } from './domain/inbox-service.ts';
import { MediaLinks } from './domain/media-links.ts';
import { IngestService } from './domain/ingest-service.ts';
import { MessageService } from './domain/message-service.ts';
import { OUTBOUND_QUEUE, OutboundDelivery } from './domain/outbound.ts';
import { WebhookService } from './domain/webhook-service.ts';
import { CannedResponseService } from './domain/canned-response-service.ts';
import { ContactProfiles, PROFILE_QUEUE } from './domain/contact-profiles.ts';
import { ContactService } from './domain/contact-service.ts';
import { LabelService } from './domain/label-service.ts';
import { ReadService } from './domain/read-service.ts';
import { TeamService } from './domain/team-service.ts';
import { UserService } from './domain/user-service.ts';
import { JobQueue, type QueueOptions } from './jobs/queue.ts';
import { WebchatInboxes } from './webchat/inboxes.ts';
import { WebchatService } from './webchat/service.ts';
import { CONTINUITY_QUEUE, EmailContinuity } from './webchat/continuity.ts';
import { SecretBox } from './lib/crypto.ts';
import type { Logger } from './lib/logger.ts';
import type { Store } from './repositories/store.ts';

export interface ServiceOptions {
  queue?: Partial<QueueOptions>;
  /** The fetch outbound adapters use (tests may point it at fakes; defaults to global fetch). */
  fetch?: typeof fetch;
}

/** Wires the domain services. One instance per process; routes and listeners receive it. */
export function createServices(store: Store, config: Config, log: Logger, opts: ServiceOptions = {}) {
  const secrets = new SecretBox(config.secret);
  const fetchImpl = opts.fetch ?? globalThis.fetch;
  const jobs = new JobQueue(store, log.child({ mod: 'jobs' }), { baseDelayMs: config.jobRetryBaseMs, ...opts.queue });
  const links = new MediaLinks(config.secret, config.publicUrl);
  const files = new AttachmentStore(config.dataDir, config.attachmentMaxBytes);
  const attachments = new AttachmentService(store, files, fetchImpl, { adapterFor: getAdapter, open: (sealed) => secrets.open(sealed) }, links);
  jobs.register(OUTBOUND_QUEUE, new OutboundDelivery({ store, secrets, adapterFor: getAdapter, fetch: fetchImpl, log, attachments, links, publicUrl: config.publicUrl }));
  jobs.register(ATTACHMENT_QUEUE, attachments.downloader());
  const continuity = new EmailContinuity({ store, open: (sealed) => secrets.open(sealed), adapterFor: getAdapter, fetch: fetchImpl, attachments, log: log.child({ mod: 'webchat' }) });
  jobs.register(CONTINUITY_QUEUE, continuity);
  const profiles = new ContactProfiles({ store, open: (sealed) => secrets.open(sealed), adapterFor: getAdapter, fetch: fetchImpl, log: log.child({ mod: 'profiles' }) }, jobs);
  jobs.register(PROFILE_QUEUE, profiles);
  const ingest = new IngestService(store, log.child({ mod: 'ingest' }), attachments, jobs, profiles);
  const access = new AccessEvents();
  const webhooks = new WebhookService({ store, secrets, ingest, adapterFor: getAdapter, fetch: fetchImpl, log, publicUrl: config.publicUrl });
  const inboxes = new InboxService(store, secrets, config.publicUrl, access, getAdapter, fetchImpl, log.child({ mod: 'inboxes' }));
  const webchatInboxes = new WebchatInboxes(store, (sealed) => secrets.open(sealed), getAdapter, log.child({ mod: 'webchat' }));
  inboxes.onChange(() => webchatInboxes.clear());

  return {
    store,
    secrets,
    jobs,
    ingest,
    auth: new AuthService(store, config, access),
    conversations: new ConversationService(store),
    messages: new MessageService(store, jobs, attachments, getAdapter),
    access,
    attachments,
    inboxes,
    webhooks,
    continuity,
    webchat: new WebchatService({ store, open: (sealed) => secrets.open(sealed), webhooks, inboxes: webchatInboxes, files, publicUrl: config.publicUrl, log: log.child({ mod: 'webchat' }) }),
    users: new UserService(store, access),
    teams: new TeamService(store),
    contacts: new ContactService(store),
    labels: new LabelService(store),
    cannedResponses: new CannedResponseService(store),
    reads: new ReadService(store),
  };
}

export type Services = ReturnType<typeof createServices>;
