import { createRoute, z } from '@hono/zod-openapi';
import { requireAuth } from '../middleware/auth.ts';
import { body, errorResponses, json, router, security } from '../openapi.ts';
import { IdParam, InboxKindSchema, InboxSchema, Uuid } from '../schemas.ts';

const Create = z
  .object({
    kind: InboxKindSchema,
    name: z.string().trim().min(1).max(100),
    credentials: z.record(z.string(), z.unknown()).optional().openapi({ description: 'Channel credentials (stored encrypted, never returned)' }),
    settings: z.record(z.string(), z.unknown()).optional(),
    memberIds: z.array(Uuid).max(1000).optional(),
  })
  .openapi('InboxCreate');

const Update = z
  .object({
    name: z.string().trim().min(1).max(100).optional(),
    credentials: z.record(z.string(), z.unknown()).optional().openapi({ description: 'Merged into the stored credentials' }),
    settings: z.record(z.string(), z.unknown()).optional(),
    disabled: z
      .boolean()
      .optional()
      .openapi({ description: 'true pauses the inbox (webhooks answer 404, email sync and Telegram polling stop, replies are refused with 409 inbox_disabled, queued replies fail); false resumes it (sync continues where it stopped)' }),
  })
  .openapi('InboxUpdate');

const TestConnection = z
  .object({
    kind: InboxKindSchema,
    credentials: z.record(z.string(), z.unknown()).openapi({ description: 'The credentials to try (not stored)' }),
    settings: z.record(z.string(), z.unknown()).optional().openapi({ description: 'Settings that change where the provider is reached (API base URLs)' }),
  })
  .openapi('InboxConnectionTest');

const TestConnectionResult = z
  .object({
    ok: z.boolean(),
    problem: z
      .string()
      .optional()
      .openapi({ description: 'auth_failed, unreachable, tls_failed, timeout, not_found, folder_missing (email), account_inactive (Twilio) or unknown' }),
    protocol: z.string().optional().openapi({ description: 'The part that failed (email: imap or smtp)' }),
    message: z.string().optional(),
    details: z.record(z.string(), z.unknown()).optional().openapi({ description: 'What the provider reported (account name, bot name…)' }),
  })
  .openapi('InboxConnectionTestResult');

const Members = z.object({ userIds: z.array(Uuid).max(1000) }).openapi('InboxMembers');

export function inboxRoutes() {
  const app = router();

  app.openapi(
    createRoute({ method: 'get', path: '/inboxes', tags: ['inboxes'], summary: 'Inboxes you may see', security,
      middleware: [requireAuth] as const, responses: { 200: json(z.array(InboxSchema)), ...errorResponses } }),
    async (c) => c.json(await c.get('services').inboxes.list(c.get('actor')), 200),
  );
  app.openapi(
    createRoute({ method: 'post', path: '/inboxes', tags: ['inboxes'], summary: 'Connect a channel account (admin)', security,
      middleware: [requireAuth] as const, request: body(Create), responses: { 201: json(InboxSchema, 'Created'), ...errorResponses } }),
    async (c) => c.json(await c.get('services').inboxes.create(c.get('actor'), c.req.valid('json')), 201),
  );
  app.openapi(
    createRoute({ method: 'post', path: '/inboxes/test-connection', tags: ['inboxes'], summary: 'Try channel credentials without saving them (admin)', security,
      middleware: [requireAuth] as const, request: body(TestConnection), responses: { 200: json(TestConnectionResult), ...errorResponses } }),
    async (c) => {
      const { kind, credentials, settings } = c.req.valid('json');
      return c.json(await c.get('services').inboxes.testConnection(c.get('actor'), kind, credentials, settings), 200);
    },
  );
  app.openapi(
    createRoute({ method: 'post', path: '/inboxes/{id}/test-connection', tags: ['inboxes'], summary: "Try a saved inbox's stored credentials (admin)", security,
      middleware: [requireAuth] as const, request: { params: IdParam }, responses: { 200: json(TestConnectionResult), ...errorResponses } }),
    async (c) => c.json(await c.get('services').inboxes.testSaved(c.get('actor'), c.req.valid('param').id), 200),
  );
  app.openapi(
    createRoute({ method: 'get', path: '/inboxes/{id}', tags: ['inboxes'], summary: 'Get an inbox (with its webhook URL)', security,
      middleware: [requireAuth] as const, request: { params: IdParam }, responses: { 200: json(InboxSchema), ...errorResponses } }),
    async (c) => c.json(await c.get('services').inboxes.get(c.get('actor'), c.req.valid('param').id), 200),
  );
  app.openapi(
    createRoute({ method: 'patch', path: '/inboxes/{id}', tags: ['inboxes'], summary: 'Rename, reconfigure, pause or resume an inbox (admin)', security,
      middleware: [requireAuth] as const, request: { params: IdParam, ...body(Update) }, responses: { 200: json(InboxSchema), ...errorResponses } }),
    async (c) => c.json(await c.get('services').inboxes.update(c.get('actor'), c.req.valid('param').id, c.req.valid('json')), 200),
  );
  app.openapi(
    createRoute({ method: 'delete', path: '/inboxes/{id}', tags: ['inboxes'], summary: 'Disconnect and delete an inbox with its conversations (admin)', security,
      middleware: [requireAuth] as const, request: { params: IdParam }, responses: { 204: { description: 'Deleted' }, ...errorResponses } }),
    async (c) => {
      await c.get('services').inboxes.remove(c.get('actor'), c.req.valid('param').id);
      return c.body(null, 204);
    },
  );
  app.openapi(
    createRoute({ method: 'put', path: '/inboxes/{id}/members', tags: ['inboxes'], summary: 'Set who may see the inbox (admin)', security,
      middleware: [requireAuth] as const, request: { params: IdParam, ...body(Members) }, responses: { 200: json(InboxSchema), ...errorResponses } }),
    async (c) => c.json(await c.get('services').inboxes.setMembers(c.get('actor'), c.req.valid('param').id, c.req.valid('json').userIds), 200),
  );
  return app;
}
