import { createRoute, z } from '@hono/zod-openapi';
import { requireAuth } from '../middleware/auth.ts';
import { body, errorResponses, json, router, security } from '../openapi.ts';
import { IdParam, TeamSchema, Uuid } from '../schemas.ts';

const Name = z.string().trim().min(1).max(100);
const Description = z.string().trim().max(500).nullable();
const Create = z.object({ name: Name, description: Description.optional(), memberIds: z.array(Uuid).max(1000).optional() }).openapi('TeamCreate');
const Update = z.object({ name: Name.optional(), description: Description.optional() }).openapi('TeamUpdate');
const Members = z.object({ userIds: z.array(Uuid).max(1000) }).openapi('TeamMembers');
const conflict = json(z.any(), 'A team with this name exists');

export function teamRoutes() {
  const app = router();

  app.openapi(
    createRoute({ method: 'get', path: '/teams', tags: ['teams'], summary: 'Teams of your workspace', security,
      middleware: [requireAuth] as const, responses: { 200: json(z.array(TeamSchema)), ...errorResponses } }),
    async (c) => c.json(await c.get('services').teams.list(c.get('actor')), 200),
  );
  app.openapi(
    createRoute({ method: 'post', path: '/teams', tags: ['teams'], summary: 'Create a team (lead or admin)', security,
      middleware: [requireAuth] as const, request: body(Create), responses: { 201: json(TeamSchema, 'Created'), 409: conflict, ...errorResponses } }),
    async (c) => c.json(await c.get('services').teams.create(c.get('actor'), c.req.valid('json')), 201),
  );
  app.openapi(
    createRoute({ method: 'get', path: '/teams/{id}', tags: ['teams'], summary: 'Get a team', security,
      middleware: [requireAuth] as const, request: { params: IdParam }, responses: { 200: json(TeamSchema), ...errorResponses } }),
    async (c) => c.json(await c.get('services').teams.get(c.get('actor'), c.req.valid('param').id), 200),
  );
  app.openapi(
    createRoute({ method: 'patch', path: '/teams/{id}', tags: ['teams'], summary: 'Rename or describe a team (lead or admin)', security,
      middleware: [requireAuth] as const, request: { params: IdParam, ...body(Update) }, responses: { 200: json(TeamSchema), 409: conflict, ...errorResponses } }),
    async (c) => c.json(await c.get('services').teams.update(c.get('actor'), c.req.valid('param').id, c.req.valid('json')), 200),
  );
  app.openapi(
    createRoute({ method: 'delete', path: '/teams/{id}', tags: ['teams'], summary: 'Delete a team; its conversations keep their assignee (lead or admin)', security,
      middleware: [requireAuth] as const, request: { params: IdParam }, responses: { 204: { description: 'Deleted' }, ...errorResponses } }),
    async (c) => {
      await c.get('services').teams.remove(c.get('actor'), c.req.valid('param').id);
      return c.body(null, 204);
    },
  );
  app.openapi(
    createRoute({ method: 'put', path: '/teams/{id}/members', tags: ['teams'], summary: 'Set the members of a team (lead or admin)', security,
      middleware: [requireAuth] as const, request: { params: IdParam, ...body(Members) }, responses: { 200: json(TeamSchema), ...errorResponses } }),
    async (c) => c.json(await c.get('services').teams.setMembers(c.get('actor'), c.req.valid('param').id, c.req.valid('json').userIds), 200),
  );
  return app;
}
