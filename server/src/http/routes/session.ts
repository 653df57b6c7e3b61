import { createRoute, z } from '@hono/zod-openapi';
import { deleteCookie, setCookie } from 'hono/cookie';
import { clientIp } from '../client-ip.ts';
import type { Context } from 'hono';
import { requireAuth, SESSION_COOKIE } from '../middleware/auth.ts';
import { body, errorResponses, json, router, security } from '../openapi.ts';
import { ComposeLimitsSchema, UserSchema } from '../schemas.ts';
import type { AppEnv } from '../env.ts';

const SessionSchema = z.object({ user: UserSchema, csrfToken: z.string(), expiresAt: z.string(), limits: ComposeLimitsSchema }).openapi('Session');
const Credentials = z.object({ email: z.email(), password: z.string().min(1).max(1000) });
const SetupInput = z.object({
  workspaceName: z.string().trim().min(1).max(100),
  name: z.string().trim().min(1).max(100),
  email: z.email(),
  password: z.string().min(10).max(1000),
});

export function sessionRoutes(secureCookies: boolean, trustProxyHops = 0) {
  const app = router();

  const startSession = async (c: Context<AppEnv>, email: string, password: string) => {
    const grant = await c.get('services').auth.login(email, password, { ip: clientIp(c, trustProxyHops), userAgent: c.req.header('user-agent') ?? null });
    setCookie(c, SESSION_COOKIE, grant.token, {
      httpOnly: true,
      sameSite: 'Lax',
      secure: secureCookies,
      path: '/',
      expires: grant.expiresAt,
    });
    return { user: grant.user, csrfToken: grant.csrfToken, expiresAt: grant.expiresAt.toISOString(), limits: c.get('services').messages.limits() };
  };

  app.openapi(
    createRoute({
      method: 'get',
      path: '/setup',
      tags: ['session'],
      summary: 'Whether the one-time first-admin setup is still open',
      responses: { 200: json(z.object({ needsSetup: z.boolean() })) },
    }),
    async (c) => c.json({ needsSetup: await c.get('services').auth.needsSetup() }, 200),
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/setup',
      tags: ['session'],
      summary: 'Create the first workspace and admin (refused once any user exists); signs in',
      request: body(SetupInput),
      responses: { 201: json(SessionSchema, 'Created and signed in'), 400: errorResponses[400], 409: json(z.any(), 'Setup already complete') },
    }),
    async (c) => {
      const input = c.req.valid('json');
      await c.get('services').auth.createWorkspaceWithAdmin(input, { onlyIfEmpty: true });
      return c.json(await startSession(c, input.email, input.password), 201);
    },
  );

  app.openapi(
    createRoute({
      method: 'post',
      path: '/session',
      tags: ['session'],
      summary: 'Sign in with email and password (sets the httpOnly session cookie)',
      request: body(Credentials),
      responses: { 200: json(SessionSchema), 400: errorResponses[400], 401: errorResponses[401], 429: json(z.any(), 'Too many attempts') },
    }),
    async (c) => {
      const { email, password } = c.req.valid('json');
      return c.json(await startSession(c, email, password), 200);
    },
  );

  const authed = router();
  authed.openapi(
    createRoute({
      method: 'get',
      path: '/session',
      tags: ['session'],
      summary: 'The current session (user, CSRF token for writes, and the limits of what an agent may attach)',
      security,
      middleware: [requireAuth] as const,
      responses: { 200: json(z.object({ user: UserSchema, csrfToken: z.string().nullable(), limits: ComposeLimitsSchema }).openapi('CurrentSession')), 401: errorResponses[401] },
    }),
    async (c) => {
      const user = await c.get('services').auth.me(c.get('actor'));
      return c.json({ user, csrfToken: c.get('csrfToken'), limits: c.get('services').messages.limits() }, 200);
    },
  );
  authed.openapi(
    createRoute({
      method: 'delete',
      path: '/session',
      tags: ['session'],
      summary: 'Sign out',
      security,
      middleware: [requireAuth] as const,
      responses: { 204: { description: 'Signed out' }, 401: errorResponses[401] },
    }),
    async (c) => {
      const sid = c.get('sessionId');
      if (sid) await c.get('services').auth.logout(sid, c.get('actor').workspaceId);
      deleteCookie(c, SESSION_COOKIE, { path: '/' });
      return c.body(null, 204);
    },
  );
  authed.openapi(
    createRoute({ method: 'get', path: '/me', tags: ['session'], summary: 'The signed-in user', security, middleware: [requireAuth] as const, responses: { 200: json(UserSchema), 401: errorResponses[401] } }),
    async (c) => c.json(await c.get('services').auth.me(c.get('actor')), 200),
  );

  app.route('/', authed);
  return app;
}
