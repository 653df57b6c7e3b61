import { createRoute, z } from '@hono/zod-openapi';
import { requireAuth } from '../middleware/auth.ts';
import { body, errorResponses, json, router, security } from '../openapi.ts';
import { ContactSchema, ConversationSchema, IdentityKindSchema, IdentityParam, IdParam, Limit, page } from '../schemas.ts';

const ListQuery = z.object({
  q: z.string().max(200).optional().openapi({ description: 'Search name, company and identity addresses' }),
  limit: Limit,
  cursor: z.string().max(200).optional(),
});
const PageQuery = z.object({ limit: Limit, cursor: z.string().max(200).optional() });

const Patch = z
  .object({
    name: z.string().trim().min(1).max(200).nullable().optional(),
    company: z.string().trim().min(1).max(200).nullable().optional(),
    attributes: z
      .record(z.string().max(100), z.unknown())
      .refine((a) => JSON.stringify(a).length <= 16_000, 'At most 16 kB of attributes')
      .optional()
      .openapi({ description: 'Custom attributes; replaces the stored ones' }),
  })
  .openapi('ContactPatch');

const IdentityInput = z
  .object({
    kind: IdentityKindSchema,
    address: z.string().min(1).max(320).openapi({ description: 'Email is lower-cased, phone numbers become E.164 (use +country format)' }),
  })
  .openapi('IdentityCreate');

const conflict = json(z.any(), 'The address belongs to another contact');

export function contactRoutes() {
  const app = router();

  app.openapi(
    createRoute({ method: 'get', path: '/contacts', tags: ['contacts'], summary: 'Contacts you may see, most recently updated first (keyset pagination)', security,
      middleware: [requireAuth] as const, request: { query: ListQuery }, responses: { 200: json(page(ContactSchema, 'ContactPage')), ...errorResponses } }),
    async (c) => c.json(await c.get('services').contacts.list(c.get('actor'), c.req.valid('query')), 200),
  );
  app.openapi(
    createRoute({ method: 'get', path: '/contacts/{id}', tags: ['contacts'], summary: 'Get a contact with its identities', security,
      middleware: [requireAuth] as const, request: { params: IdParam }, responses: { 200: json(ContactSchema), ...errorResponses } }),
    async (c) => c.json(await c.get('services').contacts.get(c.get('actor'), c.req.valid('param').id), 200),
  );
  app.openapi(
    createRoute({ method: 'patch', path: '/contacts/{id}', tags: ['contacts'], summary: 'Change name, company or custom attributes', security,
      middleware: [requireAuth] as const, request: { params: IdParam, ...body(Patch) }, responses: { 200: json(ContactSchema), ...errorResponses } }),
    async (c) => c.json(await c.get('services').contacts.update(c.get('actor'), c.req.valid('param').id, c.req.valid('json')), 200),
  );
  app.openapi(
    createRoute({
      method: 'post',
      path: '/contacts/{id}/identities',
      tags: ['contacts'],
      summary: 'Add an email, phone or platform identity (normalized); 200 if the contact already has it',
      security,
      middleware: [requireAuth] as const,
      request: { params: IdParam, ...body(IdentityInput) },
      responses: { 201: json(ContactSchema, 'Added'), 200: json(ContactSchema, 'Already there'), 409: conflict, ...errorResponses },
    }),
    async (c) => {
      const { contact, created } = await c.get('services').contacts.addIdentity(c.get('actor'), c.req.valid('param').id, c.req.valid('json'));
      return created ? c.json(contact, 201) : c.json(contact, 200);
    },
  );
  app.openapi(
    createRoute({ method: 'delete', path: '/contacts/{id}/identities/{identityId}', tags: ['contacts'], summary: 'Remove an identity from a contact', security,
      middleware: [requireAuth] as const, request: { params: IdentityParam }, responses: { 204: { description: 'Removed' }, ...errorResponses } }),
    async (c) => {
      const { id, identityId } = c.req.valid('param');
      await c.get('services').contacts.removeIdentity(c.get('actor'), id, identityId);
      return c.body(null, 204);
    },
  );
  app.openapi(
    createRoute({
      method: 'get',
      path: '/contacts/{id}/conversations',
      tags: ['contacts'],
      summary: "The contact's conversations on every channel (only inboxes you may see), newest activity first",
      security,
      middleware: [requireAuth] as const,
      request: { params: IdParam, query: PageQuery },
      responses: { 200: json(page(ConversationSchema, 'ContactConversationPage')), ...errorResponses },
    }),
    async (c) => c.json(await c.get('services').contacts.conversations(c.get('actor'), c.req.valid('param').id, c.req.valid('query')), 200),
  );
  return app;
}
