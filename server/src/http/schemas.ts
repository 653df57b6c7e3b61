import { z } from '@hono/zod-openapi';

// Response and input schemas of the REST API. They mirror contracts/dto.ts (the wire types the
// console imports) and generate /api/openapi.json.

export const Uuid = z.uuid();
export const RoleSchema = z.enum(['admin', 'lead', 'agent']);
export const StatusSchema = z.enum(['open', 'pending', 'snoozed', 'resolved']);
export const PrioritySchema = z.enum(['none', 'low', 'medium', 'high', 'urgent']);
export const InboxKindSchema = z.enum(['email', 'sms', 'whatsapp', 'webchat', 'slack', 'messenger', 'instagram', 'telegram', 'api']);
export const DeliverySchema = z.enum(['queued', 'sent', 'delivered', 'read', 'failed']);
export const IdentityKindSchema = z.enum(['email', 'phone', 'slack', 'messenger', 'instagram', 'telegram', 'webchat', 'api']);

export const UserSchema = z
  .object({
    id: Uuid,
    workspaceId: Uuid,
    email: z.string(),
    name: z.string(),
    role: RoleSchema,
    availability: z.enum(['online', 'busy', 'offline']),
    locale: z.string().nullable(),
    createdAt: z.string(),
  })
  .openapi('User');

export const AvailabilitySchema = z.enum(['online', 'busy', 'offline']);

export const UserDetailSchema = UserSchema.extend({ disabled: z.boolean().openapi({ description: 'Disabled users cannot sign in or use API tokens' }) }).openapi('UserDetail');

export const ColleagueSchema = z
  .object({ id: Uuid, name: z.string(), email: z.string(), role: RoleSchema, availability: AvailabilitySchema, disabled: z.boolean() })
  .openapi('Colleague');

export const ApiTokenSchema = z
  .object({ id: Uuid, name: z.string(), prefix: z.string(), lastUsedAt: z.string().nullable(), createdAt: z.string() })
  .openapi('ApiToken');

export const CreatedApiTokenSchema = z
  .object({ id: Uuid, name: z.string(), prefix: z.string(), token: z.string().openapi({ description: 'The plaintext sb_… token; shown only this once' }) })
  .openapi('CreatedApiToken');

export const ConversationSchema = z
  .object({
    id: Uuid,
    number: z.number().int(),
    inboxId: Uuid,
    contact: z.object({ id: Uuid, name: z.string().nullable() }),
    status: StatusSchema,
    snoozedUntil: z.string().nullable(),
    assigneeId: Uuid.nullable(),
    teamId: Uuid.nullable(),
    priority: PrioritySchema,
    subject: z.string().nullable(),
    threadKey: z.string().nullable(),
    labels: z.array(z.string()),
    lastActivityAt: z.string(),
    waitingSince: z.string().nullable(),
    firstResponseAt: z.string().nullable(),
    resolvedAt: z.string().nullable(),
    lastMessagePreview: z.string().nullable(),
    lastInboundAt: z.string().nullable().openapi({ description: 'When the newest customer message arrived (unread while newer than your read marker)' }),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .openapi('Conversation');

export const MessageSchema = z
  .object({
    id: Uuid,
    conversationId: Uuid,
    inboxId: Uuid,
    direction: z.enum(['in', 'out']),
    kind: z.enum(['message', 'note', 'activity']),
    author: z.object({ type: z.enum(['contact', 'agent', 'system']), id: Uuid.nullable(), name: z.string().nullable() }),
    text: z.string(),
    html: z.string().nullable().openapi({ description: 'Sanitized HTML, safe to render' }),
    providerMessageId: z.string().nullable(),
    deliveryStatus: DeliverySchema.nullable(),
    deliveryError: z.string().nullable(),
    metadata: z.record(z.string(), z.unknown()),
    attachments: z.array(
      z.object({
        id: Uuid,
        name: z.string(),
        contentType: z.string(),
        size: z.number(),
        url: z.string(),
        error: z.string().nullable().openapi({ description: 'Why the file is not available (e.g. `too_large: …`: over the size limit, recorded by name, type and size); null when it is (or is still being downloaded)' }),
      }),
    ),
    createdAt: z.string(),
  })
  .openapi('Message');

export const ComposeLimitsSchema = z
  .object({
    attachmentMaxBytes: z.number().int().openapi({ description: 'Largest single file an agent may attach (bytes)' }),
    messageAttachmentsMaxBytes: z.number().int().openapi({ description: 'All files of one reply or note together (bytes)' }),
    messageAttachmentsMaxCount: z.number().int().openapi({ description: 'Files per reply or note' }),
    channels: z
      .record(
        z.string(),
        z.object({ attachmentMaxBytes: z.number().int(), messageAttachmentsMaxBytes: z.number().int(), messageAttachmentsMaxCount: z.number().int() }),
      )
      .optional()
      .openapi({ description: 'Lower limits of replies on channels whose provider takes less (e.g. `sms`: MMS takes 5 MB in all), by inbox kind' }),
  })
  .openapi('ComposeLimits', { description: 'What an agent may attach; larger files are refused with 413 payload_too_large' });

export const IdentitySchema = z
  .object({ id: Uuid, kind: IdentityKindSchema, address: z.string(), verified: z.boolean(), optedOutAt: z.string().nullable() })
  .openapi('ContactIdentity');

export const ContactSchema = z
  .object({
    id: Uuid,
    name: z.string().nullable(),
    company: z.string().nullable(),
    attributes: z.record(z.string(), z.unknown()),
    identities: z.array(IdentitySchema),
    createdAt: z.string(),
    updatedAt: z.string(),
  })
  .openapi('Contact');

export const TeamSchema = z
  .object({ id: Uuid, name: z.string(), description: z.string().nullable(), memberIds: z.array(Uuid) })
  .openapi('Team');

export const InboxSchema = z
  .object({
    id: Uuid,
    kind: InboxKindSchema,
    name: z.string(),
    publicToken: z.string(),
    webhookUrl: z.string().openapi({ description: "Paste this into the provider's console" }),
    forwardingAddress: z.string().nullable().openapi({ description: 'Email inboxes: forward mail here (inbound SMTP, see SMTP_INBOUND_PORT)' }),
    settings: z.record(z.string(), z.unknown()),
    syncState: z.record(z.string(), z.unknown()).openapi({
      description: 'Email (IMAP): { uidValidity, lastUid, status: connecting|syncing|idle|error, lastError, lastSyncAt, backfill: { total, done }, since, messagesIngested, failures }',
    }),
    hasCredentials: z.boolean(),
    disabled: z.boolean().openapi({ description: 'Paused by an admin: webhooks answer 404, sync and polling stop, replies are refused (409 inbox_disabled)' }),
    memberIds: z.array(Uuid),
    createdAt: z.string(),
  })
  .openapi('Inbox');

export const LabelSchema = z
  .object({ id: Uuid, name: z.string(), color: z.string(), description: z.string().nullable() })
  .openapi('Label');

export const CannedResponseSchema = z.object({ id: Uuid, shortCode: z.string(), content: z.string() }).openapi('CannedResponse');

export const page = <T extends z.ZodType>(item: T, name: string) =>
  z.object({ items: z.array(item), nextCursor: z.string().nullable() }).openapi(name);

export const IdParam = z.object({ id: Uuid.openapi({ param: { name: 'id', in: 'path' } }) });
export const IdentityParam = z.object({
  id: Uuid.openapi({ param: { name: 'id', in: 'path' } }),
  identityId: Uuid.openapi({ param: { name: 'identityId', in: 'path' } }),
});
export const Limit = z.coerce.number().int().min(1).max(100).default(25);
