import { createRoute, z } from '@hono/zod-openapi';
import { requireAuth } from '../middleware/auth.ts';
import { body, errorResponses, json, router, security } from '../openapi.ts';
import { IdParam, LabelSchema } from '../schemas.ts';

const Name = z.string().trim().min(1).max(100);
const Color = z.string().regex(/^#[0-9a-fA-F]{6}$/, 'A hex color like #22c55e');
const Description = z.string().trim().max(500).nullable();
const Create = z.object({ name: Name, color: Color.optional(), description: Description.optional() }).openapi('LabelCreate');
const Update = z.object({ name: Name.optional(), color: Color.optional(), description: Description.optional() }).openapi('LabelUpdate');
const conflict = json(z.any(), 'A label with this name exists');

export function labelRoutes() {
  const app = router();

  app.openapi(
    createRoute({ method: 'get', path: '/labels', tags: ['labels'], summary: 'Labels of your workspace', security,
      middleware: [requireAuth] as const, responses: { 200: json(z.array(LabelSchema)), ...errorResponses } }),
    async (c) => c.json(await c.get('services').labels.list(c.get('actor')), 200),
  );
  app.openapi(
    createRoute({ method: 'post', path: '/labels', tags: ['labels'], summary: 'Create a label (lead or admin)', security,
      middleware: [requireAuth] as const, request: body(Create), responses: { 201: json(LabelSchema, 'Created'), 409: conflict, ...errorResponses } }),
    async (c) => c.json(await c.get('services').labels.create(c.get('actor'), c.req.valid('json')), 201),
  );
  app.openapi(
    createRoute({ method: 'patch', path: '/labels/{id}', tags: ['labels'], summary: 'Rename or recolor a label everywhere (lead or admin)', security,
      middleware: [requireAuth] as const, request: { params: IdParam, ...body(Update) }, responses: { 200: json(LabelSchema), 409: conflict, ...errorResponses } }),
    async (c) => c.json(await c.get('services').labels.update(c.get('actor'), c.req.valid('param').id, c.req.valid('json')), 200),
  );
  app.openapi(
    createRoute({ method: 'delete', path: '/labels/{id}', tags: ['labels'], summary: 'Delete a label and remove it from all conversations (lead or admin)', security,
      middleware: [requireAuth] as const, request: { params: IdParam }, responses: { 204: { description: 'Deleted' }, ...errorResponses } }),
    async (c) => {
      await c.get('services').labels.remove(c.get('actor'), c.req.valid('param').id);
      return c.body(null, 204);
    },
  );
  return app;
}
