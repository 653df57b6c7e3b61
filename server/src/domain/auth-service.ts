import type { Config } from '../config.ts';
import type { UserDto } from '../contracts/dto.ts';
import { hashPassword, randomToken, sha256Hex, verifyPassword } from '../lib/crypto.ts';
import { AppError } from '../lib/errors.ts';
import { lockForTransaction } from '../repositories/locks.ts';
import { apiTokensRepo, rateLimitRepo, sessionsRepo } from '../repositories/sessions.ts';
import type { Store } from '../repositories/store.ts';
import { usersRepo } from '../repositories/users.ts';
import { workspacesRepo } from '../repositories/workspaces.ts';
import { assertUser } from './access.ts';
import type { Actor, UserActor } from './actor.ts';
import type { AccessEvents } from './access-events.ts';
import { toUserDto } from './mappers.ts';

export interface SessionGrant {
  /** The cookie value. Only its hash is stored. */
  token: string;
  csrfToken: string;
  expiresAt: Date;
  user: UserDto;
}

export interface AuthenticatedSession {
  actor: UserActor;
  sessionId: string;
  csrfToken: string;
}

const LOGIN_LIMITS = { perIp: { max: 20, windowMs: 60_000 }, perEmail: { max: 8, windowMs: 15 * 60_000 } };
// A real hash to compare against when the email is unknown, so timing does not reveal accounts.
let dummyHash: Promise<string> | undefined;

const slug = (s: string) =>
  s.toLowerCase().normalize('NFKD').replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '').slice(0, 40) || 'workspace';

export class AuthService {
  readonly #store: Store;
  readonly #config: Config;
  readonly #access: AccessEvents | undefined;
  constructor(store: Store, config: Config, access?: AccessEvents) {
    this.#store = store;
    this.#config = config;
    this.#access = access;
  }

  async needsSetup(): Promise<boolean> {
    return (await usersRepo.count(this.#store.prisma)) === 0;
  }

  /**
   * Creates a workspace and its first admin. Refused once any user exists: the first-run setup
   * endpoint is one-time. Also used by SWITCHBOARD_ADMIN_* seeding and by admins adding workspaces.
   */
  async createWorkspaceWithAdmin(
    input: { workspaceName: string; name: string; email: string; password: string },
    opts: { onlyIfEmpty: boolean },
  ): Promise<UserDto> {
    const passwordHash = await hashPassword(input.password);
    return this.#store.transaction(async (tx) => {
      await lockForTransaction(tx, 'switchboard:setup');
      if (opts.onlyIfEmpty && (await usersRepo.count(tx)) > 0) {
        throw new AppError('setup_complete', 'Setup is already complete');
      }
      if (await usersRepo.byEmail(tx, input.email)) throw new AppError('conflict', 'A user with this email exists');
      const ws = await workspacesRepo.create(tx, { name: input.workspaceName, slug: `${slug(input.workspaceName)}-${randomToken(4).toLowerCase()}` });
      const user = await usersRepo.create(tx, { workspaceId: ws.id, email: input.email, name: input.name, role: 'admin', passwordHash });
      return toUserDto(user);
    });
  }

  /** Seeds the first admin from SWITCHBOARD_ADMIN_EMAIL / _PASSWORD when there are no users yet. */
  async seedAdmin(): Promise<UserDto | null> {
    const admin = this.#config.admin;
    if (!admin || !(await this.needsSetup())) return null;
    try {
      return await this.createWorkspaceWithAdmin(
        { workspaceName: 'Switchboard', name: admin.email.split('@')[0] ?? 'Admin', email: admin.email, password: admin.password },
        { onlyIfEmpty: true },
      );
    } catch (err) {
      if (err instanceof AppError && err.code === 'setup_complete') return null; // another instance won
      throw err;
    }
  }

  async login(email: string, password: string, meta: { ip: string; userAgent: string | null }): Promise<SessionGrant> {
    const db = this.#store.prisma;
    const normalized = email.trim().toLowerCase();
    const byIp = await rateLimitRepo.hit(db, `login:ip:${meta.ip}`, LOGIN_LIMITS.perIp.windowMs);
    const byEmail = await rateLimitRepo.hit(db, `login:email:${normalized}`, LOGIN_LIMITS.perEmail.windowMs);
    if (byIp.count > LOGIN_LIMITS.perIp.max || byEmail.count > LOGIN_LIMITS.perEmail.max) {
      const retryAfter = Math.ceil((Math.max(byIp.resetAt.getTime(), byEmail.resetAt.getTime()) - Date.now()) / 1000);
      throw new AppError('rate_limited', 'Too many login attempts; try again later', { retryAfterSeconds: retryAfter });
    }
    const user = await usersRepo.byEmail(db, normalized);
    const ok = user?.passwordHash
      ? await verifyPassword(password, user.passwordHash)
      : (await verifyPassword(password, await (dummyHash ??= hashPassword(randomToken()))), false);
    if (!user || !ok || user.disabledAt) throw new AppError('invalid_credentials', 'Wrong email or password');
    await rateLimitRepo.reset(db, `login:email:${normalized}`);

    const token = randomToken(32);
    const csrfToken = randomToken(24);
    const expiresAt = new Date(Date.now() + this.#config.sessionTtlMs);
    await sessionsRepo.create(db, {
      id: sha256Hex(token),
      workspaceId: user.workspaceId,
      userId: user.id,
      csrfToken,
      expiresAt,
      userAgent: meta.userAgent?.slice(0, 300) ?? null,
      ip: meta.ip,
    });
    return { token, csrfToken, expiresAt, user: toUserDto(user) };
  }

  /** Resolves a session cookie. Sliding expiry: use extends the session (touched at most once a minute). */
  async authenticateSession(token: string): Promise<AuthenticatedSession | null> {
    if (!token || token.length > 200) return null;
    const db = this.#store.prisma;
    const s = await sessionsRepo.withUser(db, sha256Hex(token));
    if (!s || s.expiresAt.getTime() <= Date.now() || s.user.disabledAt) return null;
    if (Date.now() - s.lastUsedAt.getTime() > 60_000) {
      await sessionsRepo.touch(db, s.id, new Date(Date.now() + this.#config.sessionTtlMs));
    }
    return {
      sessionId: s.id,
      csrfToken: s.csrfToken,
      actor: { kind: 'user', userId: s.user.id, workspaceId: s.user.workspaceId, role: s.user.role, name: s.user.name, via: 'session' },
    };
  }

  async authenticateToken(token: string): Promise<UserActor | null> {
    if (!token.startsWith('sb_') || token.length > 200) return null;
    const t = await apiTokensRepo.byHash(this.#store.prisma, sha256Hex(token));
    if (!t || t.revokedAt || t.user.disabledAt) return null;
    if (!t.lastUsedAt || Date.now() - t.lastUsedAt.getTime() > 60_000) await apiTokensRepo.markUsed(this.#store.prisma, t.id);
    return { kind: 'user', userId: t.user.id, workspaceId: t.user.workspaceId, role: t.user.role, name: t.user.name, via: 'token' };
  }

  /** Deletes sessions past their expiry (they already fail authentication; this keeps the table small). */
  async purgeExpiredSessions(now = new Date()): Promise<number> {
    return (await sessionsRepo.deleteExpired(this.#store.prisma, now)).count;
  }

  /** Ends a session; its live sockets are closed at once (access sync). */
  async logout(sessionId: string, workspaceId?: string): Promise<void> {
    await sessionsRepo.delete(this.#store.prisma, sessionId);
    if (workspaceId) await this.#access?.changed(workspaceId);
  }

  async createApiToken(actor: Actor, name: string): Promise<{ id: string; name: string; token: string; prefix: string }> {
    const user = assertUser(actor);
    const token = `sb_${randomToken(32)}`;
    const row = await apiTokensRepo.create(this.#store.prisma, {
      workspaceId: user.workspaceId,
      userId: user.userId,
      name,
      tokenHash: sha256Hex(token),
      prefix: token.slice(0, 10),
    });
    return { id: row.id, name: row.name, token, prefix: row.prefix };
  }

  async listApiTokens(actor: Actor) {
    const user = assertUser(actor);
    const rows = await apiTokensRepo.listForUser(this.#store.prisma, user.userId);
    return rows.map((r) => ({ id: r.id, name: r.name, prefix: r.prefix, lastUsedAt: r.lastUsedAt?.toISOString() ?? null, createdAt: r.createdAt.toISOString() }));
  }

  async revokeApiToken(actor: Actor, id: string): Promise<boolean> {
    const user = assertUser(actor);
    const revoked = (await apiTokensRepo.revoke(this.#store.prisma, user.userId, id)).count > 0;
    if (revoked) await this.#access?.changed(user.workspaceId); // sockets using the token disconnect now
    return revoked;
  }

  async me(actor: Actor): Promise<UserDto> {
    const user = assertUser(actor);
    const row = await usersRepo.get(this.#store.prisma, user.workspaceId, user.userId);
    if (!row) throw new AppError('unauthenticated', 'User no longer exists');
    return toUserDto(row);
  }
}
