import { createRoute, z } from '@hono/zod-openapi';
import { requireAuth } from '../middleware/auth.ts';
import { body, errorResponses, json, router, security } from '../openapi.ts';
import { AvailabilitySchema, ColleagueSchema, IdParam, RoleSchema, UserDetailSchema } from '../schemas.ts';

const Name = z.string().trim().min(1).max(100);
const Password = z.string().min(10).max(1000);

const Create = z
  .object({ name: Name, email: z.email().max(254), role: RoleSchema, password: Password.openapi({ description: 'Initial password, at least 10 characters' }) })
  .openapi('UserCreate');

const Update = z
  .object({
    name: Name.optional(),
    role: RoleSchema.optional().openapi({ description: 'Admins only' }),
    disabled: z.boolean().optional().openapi({ description: 'Admins only; disabling ends the user’s sessions' }),
    availability: AvailabilitySchema.optional().openapi({ description: 'Your own only' }),
    locale: z
      .string()
      .regex(/^[A-Za-z]{2,3}(-[A-Za-z0-9]{2,8})*$/, 'A language tag like en or de-CH')
      .max(35)
      .nullable()
      .optional()
      .openapi({ description: 'Your own only' }),
    password: Password.optional().openapi({ description: 'Your own only; needs currentPassword' }),
    currentPassword: z.string().max(1000).optional(),
  })
  .openapi('UserUpdate');

const conflict = json(z.any(), 'Email taken, or the last enabled admin would be demoted or disabled');

export function userRoutes() {
  const app = router();

  app.openapi(
    createRoute({ method: 'get', path: '/users', tags: ['users'], summary: 'Colleagues in your workspace', security,
      middleware: [requireAuth] as const, responses: { 200: json(z.array(ColleagueSchema)), ...errorResponses } }),
    async (c) => c.json(await c.get('services').users.list(c.get('actor')), 200),
  );
  app.openapi(
    createRoute({ method: 'post', path: '/users', tags: ['users'], summary: 'Add a user with an initial password (admin)', security,
      middleware: [requireAuth] as const, request: body(Create), responses: { 201: json(UserDetailSchema, 'Created'), 409: conflict, ...errorResponses } }),
    async (c) => c.json(await c.get('services').users.create(c.get('actor'), c.req.valid('json')), 201),
  );
  app.openapi(
    createRoute({ method: 'get', path: '/users/{id}', tags: ['users'], summary: 'Get a user', security,
      middleware: [requireAuth] as const, request: { params: IdParam }, responses: { 200: json(UserDetailSchema), ...errorResponses } }),
    async (c) => c.json(await c.get('services').users.get(c.get('actor'), c.req.valid('param').id), 200),
  );
  app.openapi(
    createRoute({
      method: 'patch',
      path: '/users/{id}',
      tags: ['users'],
      summary: 'Admins change name, role and disabled; users change their own name, availability, locale and password',
      security,
      middleware: [requireAuth] as const,
      request: { params: IdParam, ...body(Update) },
      responses: { 200: json(UserDetailSchema), 409: conflict, ...errorResponses },
    }),
    async (c) =>
      c.json(await c.get('services').users.update(c.get('actor'), c.req.valid('param').id, c.req.valid('json'), { sessionId: c.get('sessionId') }), 200),
  );
  return app;
}
