import { getCookie } from 'hono/cookie';
import { createMiddleware } from 'hono/factory';
import { AppError } from '../../lib/errors.ts';
import { safeEqual } from '../../lib/crypto.ts';
import type { AppEnv } from '../env.ts';

export const SESSION_COOKIE = 'sb_session';
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

/**
 * Authenticates by `Authorization: Bearer <api token>` or the session cookie. Cookie-authenticated
 * writes must carry the session's CSRF token in `X-CSRF-Token` (bearer requests cannot be forged
 * cross-site, so they need none).
 */
export const requireAuth = createMiddleware<AppEnv>(async (c, next) => {
  const auth = c.get('services').auth;
  const header = c.req.header('authorization');
  if (header) {
    const [scheme, token] = header.split(' ');
    const actor = scheme?.toLowerCase() === 'bearer' && token ? await auth.authenticateToken(token) : null;
    if (!actor) throw new AppError('unauthenticated', 'Invalid API token');
    c.set('actor', actor);
    c.set('sessionId', null);
    c.set('csrfToken', null);
    return next();
  }
  const cookie = getCookie(c, SESSION_COOKIE);
  const session = cookie ? await auth.authenticateSession(cookie) : null;
  if (!session) throw new AppError('unauthenticated', 'Sign in first');
  if (!SAFE_METHODS.has(c.req.method)) {
    const sent = c.req.header('x-csrf-token') ?? '';
    if (!safeEqual(sent, session.csrfToken)) throw new AppError('csrf_failed', 'Missing or wrong X-CSRF-Token header');
  }
  c.set('actor', session.actor);
  c.set('sessionId', session.sessionId);
  c.set('csrfToken', session.csrfToken);
  return next();
});
