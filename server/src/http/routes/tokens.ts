import { createRoute, z } from '@hono/zod-openapi';
import { notFound } from '../../lib/errors.ts';
import { requireAuth } from '../middleware/auth.ts';
import { body, errorResponses, json, router, security } from '../openapi.ts';
import { ApiTokenSchema, CreatedApiTokenSchema, IdParam } from '../schemas.ts';

const Create = z.object({ name: z.string().trim().min(1).max(100).openapi({ example: 'CRM sync' }) }).openapi('ApiTokenCreate');

/** Personal API tokens: `Authorization: Bearer sb_…`, acting as the user who created them. */
export function tokenRoutes() {
  const app = router();

  app.openapi(
    createRoute({ method: 'get', path: '/me/tokens', tags: ['tokens'], summary: 'Your active API tokens (never the secrets)', security,
      middleware: [requireAuth] as const, responses: { 200: json(z.array(ApiTokenSchema)), ...errorResponses } }),
    async (c) => c.json(await c.get('services').auth.listApiTokens(c.get('actor')), 200),
  );
  app.openapi(
    createRoute({ method: 'post', path: '/me/tokens', tags: ['tokens'], summary: 'Create an API token; the plaintext token is returned only once', security,
      middleware: [requireAuth] as const, request: body(Create), responses: { 201: json(CreatedApiTokenSchema, 'Created'), ...errorResponses } }),
    async (c) => c.json(await c.get('services').auth.createApiToken(c.get('actor'), c.req.valid('json').name), 201),
  );
  app.openapi(
    createRoute({ method: 'delete', path: '/me/tokens/{id}', tags: ['tokens'], summary: 'Revoke one of your API tokens', security,
      middleware: [requireAuth] as const, request: { params: IdParam }, responses: { 204: { description: 'Revoked' }, ...errorResponses } }),
    async (c) => {
      if (!(await c.get('services').auth.revokeApiToken(c.get('actor'), c.req.valid('param').id))) throw notFound('API token');
      return c.body(null, 204);
    },
  );
  return app;
}
