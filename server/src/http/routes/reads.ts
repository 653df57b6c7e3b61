import { createRoute, z } from '@hono/zod-openapi';
import { requireAuth } from '../middleware/auth.ts';
import { errorResponses, json, router, security } from '../openapi.ts';
import { IdParam, Uuid } from '../schemas.ts';

const ReadSchema = z
  .object({ conversationId: Uuid, readAt: z.string().nullable().openapi({ description: 'When you last marked it read; null: never' }) })
  .openapi('ConversationRead');

const Counts = z.record(z.string(), z.number().int());
const UnreadCountsSchema = z
  .object({
    mine: z.number().int().openapi({ description: 'Assigned to you' }),
    unassigned: z.number().int(),
    all: z.number().int(),
    teams: Counts.openapi({ description: 'By team id (teams without unread conversations are left out)' }),
    inboxes: Counts.openapi({ description: 'By inbox id' }),
    labels: Counts.openapi({ description: 'By label name' }),
  })
  .openapi('UnreadCounts');

const ReadsQuery = z.object({
  ids: z
    .string()
    .openapi({ description: 'Comma-separated conversation ids (at most 200)' })
    .transform((s, ctx) => {
      const ids = s.split(',').map((p) => p.trim()).filter(Boolean);
      const parsed = z.array(Uuid).min(1).max(200).safeParse(ids);
      if (!parsed.success) {
        ctx.addIssue({ code: 'custom', message: 'Between 1 and 200 conversation ids, comma-separated' });
        return z.NEVER;
      }
      return parsed.data;
    }),
});

/**
 * Unread state per agent: read markers and unread counts. Registered before the conversation routes so that
 * /conversations/unread-counts and /conversations/reads are not taken for a conversation id.
 */
export function readRoutes() {
  const app = router();

  app.openapi(
    createRoute({ method: 'get', path: '/conversations/unread-counts', tags: ['conversations'],
      summary: 'How many conversations are unread for you, per sidebar view (mine, unassigned, all, per team, inbox and label)',
      description: 'Counts conversations you may see that are not resolved and have a customer message newer than your read marker.',
      security, middleware: [requireAuth] as const, responses: { 200: json(UnreadCountsSchema), ...errorResponses } }),
    async (c) => c.json(await c.get('services').reads.unreadCounts(c.get('actor')), 200),
  );

  app.openapi(
    createRoute({ method: 'get', path: '/conversations/reads', tags: ['conversations'],
      summary: 'Your read markers on the given conversations (ones you never read or may not see are left out)',
      security, middleware: [requireAuth] as const, request: { query: ReadsQuery },
      responses: { 200: json(z.object({ items: z.array(ReadSchema) }).openapi('ConversationReadList')), ...errorResponses } }),
    async (c) => c.json(await c.get('services').reads.reads(c.get('actor'), c.req.valid('query').ids), 200),
  );

  app.openapi(
    createRoute({ method: 'post', path: '/conversations/{id}/read', tags: ['conversations'],
      summary: 'Mark the conversation read for you (its unread state and counts clear until the next customer message)',
      security, middleware: [requireAuth] as const, request: { params: IdParam },
      responses: { 200: json(ReadSchema), ...errorResponses } }),
    async (c) => c.json(await c.get('services').reads.markRead(c.get('actor'), c.req.valid('param').id), 200),
  );

  return app;
}
