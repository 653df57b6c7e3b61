import type { HandshakeAuth } from '../contracts/realtime.ts';
import type { UserActor } from '../domain/actor.ts';
import type { AuthService } from '../domain/auth-service.ts';
import { sha256Hex } from '../lib/crypto.ts';
import { SESSION_COOKIE } from '../http/middleware/auth.ts';
import type { SocketCredential } from './access.ts';

/** A refused handshake; its message is what the client sees in connect_error. */
export class HandshakeError extends Error {}

export function cookieValue(header: string | undefined, name: string): string | undefined {
  for (const part of (header ?? '').split(';')) {
    const [k, ...v] = part.trim().split('=');
    if (k === name) {
      try {
        return decodeURIComponent(v.join('='));
      } catch {
        return undefined;
      }
    }
  }
  return undefined;
}

export function sameOrigin(origin: string, host: string | undefined, publicUrl: string): boolean {
  try {
    const o = new URL(origin);
    return o.host === host || o.origin === new URL(publicUrl).origin;
  } catch {
    return false;
  }
}

/**
 * Who is connecting: an API token in `auth.token`, else the session cookie. Cookie handshakes from
 * another site are refused (a socket handshake carries no CSRF token).
 */
export async function authenticateHandshake(
  auth: AuthService,
  handshake: { auth: unknown; headers: { origin?: string | undefined; host?: string | undefined; cookie?: string | undefined } },
  publicUrl: string,
): Promise<{ actor: UserActor; credential: SocketCredential }> {
  const given = (handshake.auth ?? {}) as HandshakeAuth;
  if (typeof given.token === 'string' && given.token) {
    const actor = await auth.authenticateToken(given.token);
    if (!actor) throw new HandshakeError('unauthenticated');
    return { actor, credential: { kind: 'token', tokenHash: sha256Hex(given.token) } };
  }
  const { origin, host, cookie } = handshake.headers;
  if (origin && !sameOrigin(origin, host, publicUrl)) throw new HandshakeError('forbidden origin');
  const token = cookieValue(cookie, SESSION_COOKIE);
  const session = token ? await auth.authenticateSession(token) : null;
  if (!session) throw new HandshakeError('unauthenticated');
  return { actor: session.actor, credential: { kind: 'session', sessionId: session.sessionId } };
}
