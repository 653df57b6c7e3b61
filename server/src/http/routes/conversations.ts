import { createRoute, z } from '@hono/zod-openapi';
import { emailAddressSchema } from '@switchboard/channels';
import { MAX_OUTBOUND_ATTACHMENTS } from '../../domain/message-service.ts';
import { requireAuth } from '../middleware/auth.ts';
import { BULK_MAX } from '../../domain/conversation-service.ts';
import { body, err, errorResponses, json, router, security } from '../openapi.ts';
import { ContactSchema, ConversationSchema, IdParam, Limit, MessageSchema, PrioritySchema, StatusSchema, Uuid, page } from '../schemas.ts';

const ListQuery = z.object({
  status: z
    .string()
    .optional()
    .openapi({ description: 'Comma-separated statuses, e.g. open,pending' })
    .transform((s, ctx) => {
      if (!s) return undefined;
      const parts = s.split(',').map((p) => p.trim());
      const parsed = z.array(StatusSchema).safeParse(parts);
      if (!parsed.success) {
        ctx.addIssue({ code: 'custom', message: 'Unknown status' });
        return z.NEVER;
      }
      return parsed.data;
    }),
  assignee: z.union([Uuid, z.enum(['me', 'none'])]).optional(),
  team: z.union([Uuid, z.literal('none')]).optional(),
  inboxId: Uuid.optional(),
  label: z.string().max(100).optional(),
  contactId: Uuid.optional(),
  q: z
    .string()
    .max(200)
    .optional()
    .openapi({ description: "Search: contact name, email, phone, subject, messages and notes. Every word must match (as a word's start)." }),
  sort: z
    .enum(['activity', 'waiting'])
    .optional()
    .openapi({ description: '`activity` (default): newest activity first. `waiting`: customers waiting for an answer first, the longest waiting on top, then the rest by activity. A cursor only continues the sort it came from.' }),
  limit: Limit,
  cursor: z.string().max(200).optional(),
  total: z
    .enum(['true', 'false'])
    .optional()
    .transform((v) => v !== 'false')
    .openapi({ description: '`false`: do not count the matching conversations (`total` is null). For the pages after the first, whose count the client already has: counting costs about as much as the page on a large list.' }),
});

const Labels = z.array(z.string().min(1).max(100)).min(1).max(50);
const BulkActionSchema = z
  .discriminatedUnion('type', [
    z.object({ type: z.literal('assign'), assigneeId: Uuid.nullable() }),
    z.object({ type: z.literal('team'), teamId: Uuid.nullable().openapi({ description: 'Leads and admins only' }) }),
    z.object({ type: z.literal('status'), status: StatusSchema, snoozedUntil: z.iso.datetime({ offset: true }).optional() }),
    z.object({ type: z.literal('priority'), priority: PrioritySchema }),
    z.object({ type: z.literal('addLabels'), labels: Labels }),
    z.object({ type: z.literal('removeLabels'), labels: Labels }),
  ])
  .openapi('BulkAction');

const Bulk = z
  .object({
    ids: z.array(Uuid).min(1).max(BULK_MAX).openapi({ description: `1 to ${BULK_MAX} conversation ids` }),
    action: BulkActionSchema,
  })
  .openapi('ConversationBulk');

const Patch = z
  .object({
    status: StatusSchema.optional(),
    snoozedUntil: z.iso.datetime({ offset: true }).nullable().optional(),
    assigneeId: Uuid.nullable().optional(),
    teamId: Uuid.nullable().optional(),
    priority: PrioritySchema.optional(),
    labels: z.array(z.string().min(1).max(100)).max(50).optional(),
  })
  .openapi('ConversationPatch');

const Upload = z
  .object({
    name: z.string().trim().min(1).max(255),
    contentType: z.string().max(255).default('application/octet-stream'),
    contentBase64: z.base64().openapi({ description: 'The file, base64-encoded (20 MB per message in all)' }),
  })
  .openapi('Upload');

const composeFields = {
  text: z.string().max(100_000).optional(),
  html: z.string().max(500_000).optional(),
  attachments: z
    .array(Upload)
    .max(MAX_OUTBOUND_ATTACHMENTS)
    .optional()
    .openapi({ description: `At most ${MAX_OUTBOUND_ATTACHMENTS} files; the limits per file and per message are in GET /session \`limits\` (413 payload_too_large above)` }),
};
const hasContent = (v: { text?: string | undefined; html?: string | undefined; attachments?: unknown[] | undefined }) => Boolean(v.text?.trim() || v.html?.trim() || v.attachments?.length);

const Compose = z
  .object(composeFields)
  .refine(hasContent, { message: 'text, html or attachments are required', path: ['text'] })
  .openapi('Compose');

const Template = z
  .object({
    name: z.string().regex(/^[a-z0-9_]{1,512}$/, 'lower-case letters, digits and underscores, as approved'),
    language: z.string().regex(/^[a-z]{2,3}([_-][A-Za-z0-9]{2,4})?$/, 'a language code such as en, en_US or pt_BR'),
    components: z.array(z.record(z.string(), z.unknown())).max(20).optional().openapi({ description: 'Header/body/button parameters, passed to the provider as they are' }),
  })
  .openapi('MessageTemplate', { description: 'An approved WhatsApp message template; allowed outside the 24-hour reply window' });

const EmailAddress = emailAddressSchema((v) => `Not a valid email address: ${v.slice(0, 100)}`);

const Reply = z
  .object({
    ...composeFields,
    template: Template.optional(),
    subject: z
      .string()
      .trim()
      .min(1)
      .max(998)
      .regex(/^[^\r\n]*$/, 'One line')
      .optional()
      .openapi({ description: 'Email only: the Subject of this reply (default `Re: <conversation subject>`); 400 on other channels' }),
    cc: z
      .array(EmailAddress)
      .max(50)
      .optional()
      .openapi({
        description:
          "Email only: the Cc of this reply (replaces the conversation's Cc'd customers, see /participants; [] copies nobody; absent: they are copied); 400 on other channels",
      }),
  })
  .refine((v) => hasContent(v) || v.template !== undefined, { message: 'text, html, attachments or template are required', path: ['text'] })
  .refine((v) => !(v.template && v.attachments?.length), { message: 'a template is sent without attachments', path: ['attachments'] })
  .openapi('Reply');

/** Request body → service input: attachments decoded. */
const composeInput = (v: z.infer<typeof Reply>) => ({
  text: v.text,
  html: v.html,
  attachments: v.attachments?.map((a) => ({ name: a.name, contentType: a.contentType, content: new Uint8Array(Buffer.from(a.contentBase64, 'base64')) })),
  template: v.template,
  ...(v.subject !== undefined || v.cc !== undefined ? { email: { subject: v.subject, cc: v.cc } } : {}),
});

const MessagesQuery = z.object({ limit: Limit, cursor: z.string().max(200).optional() });

export function conversationRoutes() {
  const app = router();

  app.openapi(
    createRoute({
      method: 'get',
      path: '/conversations',
      tags: ['conversations'],
      summary: 'List conversations you may see, newest activity first (keyset pagination)',
      security,
      middleware: [requireAuth] as const,
      request: { query: ListQuery },
      responses: { 200: json(page(ConversationSchema, 'ConversationPage').extend({ total: z.number().int().nullable() })), ...errorResponses },
    }),
    async (c) => c.json(await c.get('services').conversations.list(c.get('actor'), c.req.valid('query')), 200),
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/conversations/bulk',
      tags: ['conversations'],
      summary: 'Assign, move to a team, change status or priority, add or remove labels on many conversations at once',
      description:
        'All or nothing: if any id is not a conversation you may see, 404 `not_found` lists them (`details.ids`) and nothing changes; ' +
        'a change refused for one conversation (e.g. an assignee who is no member of its inbox: 400) changes none. Each conversation ' +
        'changes as with PATCH /conversations/{id}, with the same activity messages and realtime events.',
      security,
      middleware: [requireAuth] as const,
      request: body(Bulk),
      responses: { 200: json(z.object({ items: z.array(ConversationSchema) }).openapi('ConversationBulkResult')), ...errorResponses },
    }),
    async (c) => {
      const { ids, action } = c.req.valid('json');
      return c.json(await c.get('services').conversations.bulk(c.get('actor'), ids, action), 200);
    },
  );

  app.openapi(
    createRoute({ method: 'get', path: '/conversations/{id}', tags: ['conversations'], summary: 'Get a conversation', security,
      middleware: [requireAuth] as const, request: { params: IdParam }, responses: { 200: json(ConversationSchema), ...errorResponses } }),
    async (c) => c.json(await c.get('services').conversations.get(c.get('actor'), c.req.valid('param').id), 200),
  );

  app.openapi(
    createRoute({ method: 'get', path: '/conversations/{id}/participants', tags: ['conversations'],
      summary: 'Other customers on the conversation (email Cc), oldest first', security, middleware: [requireAuth] as const,
      request: { params: IdParam },
      responses: { 200: json(z.object({ items: z.array(z.object({ role: z.string(), contact: ContactSchema })) }).openapi('ParticipantList')), ...errorResponses } }),
    async (c) => c.json(await c.get('services').conversations.participants(c.get('actor'), c.req.valid('param').id), 200),
  );

  app.openapi(
    createRoute({
      method: 'patch',
      path: '/conversations/{id}',
      tags: ['conversations'],
      summary: 'Change status (snooze with snoozedUntil), assignee, team, priority or labels',
      security,
      middleware: [requireAuth] as const,
      request: { params: IdParam, ...body(Patch) },
      responses: { 200: json(ConversationSchema), ...errorResponses },
    }),
    async (c) => c.json(await c.get('services').conversations.update(c.get('actor'), c.req.valid('param').id, c.req.valid('json')), 200),
  );

  app.openapi(
    createRoute({
      method: 'get',
      path: '/conversations/{id}/messages',
      tags: ['messages'],
      summary: 'Messages of a conversation, newest first; pass nextCursor to page back',
      security,
      middleware: [requireAuth] as const,
      request: { params: IdParam, query: MessagesQuery },
      responses: { 200: json(page(MessageSchema, 'MessagePage')), ...errorResponses },
    }),
    async (c) => c.json(await c.get('services').messages.list(c.get('actor'), c.req.valid('param').id, c.req.valid('query')), 200),
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/conversations/{id}/messages',
      tags: ['messages'],
      summary: "Reply to the customer on the conversation's channel (queued, then sent by a durable job)",
      description:
        'Channels with a customer-service window (Messenger, Instagram, WhatsApp: 24 hours after the customer\'s last message) refuse free-form replies outside it with 422 `outside_reply_window` and queue nothing; on WhatsApp send a `template` instead. ' +
        'Email replies may set their own `subject` and `cc`; other channels refuse both with 400 `validation_failed`. Files over the limits of GET /session `limits` are refused with 413 `payload_too_large`.',
      security,
      middleware: [requireAuth] as const,
      request: { params: IdParam, ...body(Reply) },
      responses: {
        201: json(MessageSchema, 'Queued'),
        413: err('payload_too_large: a file or all files together over the limits (GET /session `limits`); nothing was stored'),
        409: err('recipient_opted_out: the customer opted out on this channel (SMS STOP); inbox_disabled: an admin paused the inbox; nothing was queued'),
        422: err('outside_reply_window: send a template instead'),
        ...errorResponses,
      },
    }),
    async (c) => c.json(await c.get('services').messages.reply(c.get('actor'), c.req.valid('param').id, composeInput(c.req.valid('json'))), 201),
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/conversations/{id}/notes',
      tags: ['messages'],
      summary: 'Add a private note (agents only, never sent)',
      security,
      middleware: [requireAuth] as const,
      request: { params: IdParam, ...body(Compose) },
      responses: { 201: json(MessageSchema, 'Created'), ...errorResponses },
    }),
    async (c) => c.json(await c.get('services').messages.note(c.get('actor'), c.req.valid('param').id, composeInput(c.req.valid('json'))), 201),
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/messages/{id}/retry',
      tags: ['messages'],
      summary: 'Send a failed message again',
      security,
      middleware: [requireAuth] as const,
      request: { params: IdParam },
      responses: {
        200: json(MessageSchema),
        409: err('conflict: the message has not failed; recipient_opted_out: the customer opted out; inbox_disabled: the inbox is paused'),
        422: err('outside_reply_window'),
        ...errorResponses,
      },
    }),
    async (c) => c.json(await c.get('services').messages.retry(c.get('actor'), c.req.valid('param').id), 200),
  );

  return app;
}
