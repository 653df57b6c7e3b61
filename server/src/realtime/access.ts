import type { UserActor } from '../domain/actor.ts';
import type { Db } from '../repositories/store.ts';

/** How a socket authenticated: re-checked on every access sync. */
export type SocketCredential = { kind: 'session'; sessionId: string } | { kind: 'token'; tokenHash: string };

export interface SocketSubject {
  userId: string;
  via: UserActor['via'];
  credential: SocketCredential;
}

/** What a connected user may see now: null = the credential is no longer valid (disconnect). */
export interface SocketAccess {
  actor: UserActor;
  /** Inbox ids whose events the user receives; null = every inbox of the workspace (admins, leads). */
  inboxIds: string[] | null;
}

/**
 * Access of many sockets of one workspace at once (a handful of queries whatever their number):
 * the user (role, still enabled, still in the workspace), the session or API token (still there,
 * not expired or revoked) and, for agents, their inbox memberships.
 */
export async function loadSocketAccess(db: Db, workspaceId: string, subjects: SocketSubject[]): Promise<Array<SocketAccess | null>> {
  if (subjects.length === 0) return [];
  const userIds = [...new Set(subjects.map((s) => s.userId))];
  const sessionIds = [...new Set(subjects.flatMap((s) => (s.credential.kind === 'session' ? [s.credential.sessionId] : [])))];
  const tokenHashes = [...new Set(subjects.flatMap((s) => (s.credential.kind === 'token' ? [s.credential.tokenHash] : [])))];

  const [users, sessions, tokens] = await Promise.all([
    db.user.findMany({ where: { id: { in: userIds }, workspaceId }, select: { id: true, role: true, name: true, disabledAt: true } }),
    sessionIds.length
      ? db.session.findMany({ where: { id: { in: sessionIds } }, select: { id: true, userId: true, expiresAt: true } })
      : Promise.resolve([]),
    tokenHashes.length
      ? db.apiToken.findMany({ where: { tokenHash: { in: tokenHashes } }, select: { tokenHash: true, userId: true, revokedAt: true } })
      : Promise.resolve([]),
  ]);
  const agentIds = users.filter((u) => u.role === 'agent').map((u) => u.id);
  const members = agentIds.length
    ? await db.inboxMember.findMany({ where: { workspaceId, userId: { in: agentIds } }, select: { userId: true, inboxId: true } })
    : [];

  const userById = new Map(users.map((u) => [u.id, u]));
  const sessionById = new Map(sessions.map((s) => [s.id, s]));
  const tokenByHash = new Map(tokens.map((t) => [t.tokenHash, t]));
  const now = Date.now();
  return subjects.map((s) => {
    const user = userById.get(s.userId);
    if (!user || user.disabledAt) return null;
    if (s.credential.kind === 'session') {
      const session = sessionById.get(s.credential.sessionId);
      if (!session || session.userId !== user.id || session.expiresAt.getTime() <= now) return null;
    } else {
      const token = tokenByHash.get(s.credential.tokenHash);
      if (!token || token.userId !== user.id || token.revokedAt) return null;
    }
    const actor: UserActor = { kind: 'user', userId: user.id, workspaceId, role: user.role, name: user.name, via: s.via };
    return { actor, inboxIds: user.role === 'agent' ? members.filter((m) => m.userId === user.id).map((m) => m.inboxId) : null };
  });
}
