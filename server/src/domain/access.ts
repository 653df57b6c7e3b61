import { AppError, forbidden, notFound } from '../lib/errors.ts';
import { inboxesRepo } from '../repositories/inboxes.ts';
import type { Db } from '../repositories/store.ts';
import type { Actor, UserActor } from './actor.ts';

/**
 * The access policy.
 * - admin: everything in their workspace.
 * - lead: teams, routing, and every inbox's conversations in their workspace.
 * - agent: only conversations of inboxes they are a member of.
 * Nothing ever crosses workspaces: every repository call is scoped by actor.workspaceId.
 */
export const seesAllInboxes = (actor: Actor) => actor.kind === 'system' || actor.role !== 'agent';

export function requireRole(actor: Actor, ...roles: Array<UserActor['role']>): void {
  if (actor.kind === 'system') return;
  if (!roles.includes(actor.role)) throw forbidden(`Requires role ${roles.join(' or ')}`);
}

export const requireAdmin = (actor: Actor) => requireRole(actor, 'admin');
export const requireLead = (actor: Actor) => requireRole(actor, 'admin', 'lead');

/** Inbox ids the actor may see, or null for "every inbox of the workspace". */
export async function visibleInboxIds(db: Db, actor: Actor): Promise<string[] | null> {
  if (seesAllInboxes(actor)) return null;
  return inboxesRepo.memberInboxIds(db, (actor as UserActor).userId);
}

export async function canSeeInbox(db: Db, actor: Actor, inboxId: string): Promise<boolean> {
  if (seesAllInboxes(actor)) return true;
  return inboxesRepo.isMember(db, inboxId, (actor as UserActor).userId);
}

/**
 * Fails with not_found (never forbidden) when the actor may not see the inbox, so that
 * a refused request leaks nothing about what exists.
 */
export async function assertInboxVisible(db: Db, actor: Actor, inboxId: string, what = 'Conversation'): Promise<void> {
  if (!(await canSeeInbox(db, actor, inboxId))) throw notFound(what);
}

export function assertUser(actor: Actor): UserActor {
  if (actor.kind !== 'user') throw new AppError('forbidden', 'Requires a user');
  return actor;
}
