import { createRoute, z } from '@hono/zod-openapi';
import { requireAuth } from '../middleware/auth.ts';
import { body, errorResponses, json, router, security } from '../openapi.ts';
import { CannedResponseSchema, IdParam } from '../schemas.ts';

const ShortCode = z.string().trim().min(1).max(50).regex(/^[A-Za-z0-9_-]+$/, 'Letters, digits, _ and - only');
const Content = z.string().max(10_000).refine((s) => s.trim().length > 0, 'Required');
const Create = z.object({ shortCode: ShortCode, content: Content }).openapi('CannedResponseCreate');
const Update = z.object({ shortCode: ShortCode.optional(), content: Content.optional() }).openapi('CannedResponseUpdate');
const ListQuery = z.object({ q: z.string().max(200).optional().openapi({ description: 'Short code prefix (a leading / is ignored) or text in the content' }) });
const conflict = json(z.any(), 'A canned response with this short code exists');

export function cannedResponseRoutes() {
  const app = router();

  app.openapi(
    createRoute({ method: 'get', path: '/canned-responses', tags: ['canned-responses'], summary: 'Saved replies, optionally filtered', security,
      middleware: [requireAuth] as const, request: { query: ListQuery }, responses: { 200: json(z.array(CannedResponseSchema)), ...errorResponses } }),
    async (c) => c.json(await c.get('services').cannedResponses.list(c.get('actor'), c.req.valid('query').q), 200),
  );
  app.openapi(
    createRoute({ method: 'post', path: '/canned-responses', tags: ['canned-responses'], summary: 'Create a saved reply (lead or admin)', security,
      middleware: [requireAuth] as const, request: body(Create), responses: { 201: json(CannedResponseSchema, 'Created'), 409: conflict, ...errorResponses } }),
    async (c) => c.json(await c.get('services').cannedResponses.create(c.get('actor'), c.req.valid('json')), 201),
  );
  app.openapi(
    createRoute({ method: 'patch', path: '/canned-responses/{id}', tags: ['canned-responses'], summary: 'Edit a saved reply (lead or admin)', security,
      middleware: [requireAuth] as const, request: { params: IdParam, ...body(Update) }, responses: { 200: json(CannedResponseSchema), 409: conflict, ...errorResponses } }),
    async (c) => c.json(await c.get('services').cannedResponses.update(c.get('actor'), c.req.valid('param').id, c.req.valid('json')), 200),
  );
  app.openapi(
    createRoute({ method: 'delete', path: '/canned-responses/{id}', tags: ['canned-responses'], summary: 'Delete a saved reply (lead or admin)', security,
      middleware: [requireAuth] as const, request: { params: IdParam }, responses: { 204: { description: 'Deleted' }, ...errorResponses } }),
    async (c) => {
      await c.get('services').cannedResponses.remove(c.get('actor'), c.req.valid('param').id);
      return c.body(null, 204);
    },
  );
  return app;
}
