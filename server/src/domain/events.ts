import type { Prisma } from '@switchboard/db';
import type { RealtimeEventMap, RealtimeEventType } from '../contracts/realtime.ts';
import { eventsRepo, type NewEvent } from '../repositories/events.ts';
import type { Db } from '../repositories/store.ts';
import type { Actor } from './actor.ts';

type EventActor = Actor | { kind: 'contact'; workspaceId: string; contactId: string };
type EventAudience = { inboxId?: string | null; userId?: string | null; conversationId?: string | null };

/** The row recordEvent writes (for callers that write several rows in one statement). */
export function eventRow<K extends RealtimeEventType>(actor: EventActor, type: K, audience: EventAudience, payload: RealtimeEventMap[K]): NewEvent {
  const actorType = actor.kind === 'user' ? 'agent' : actor.kind === 'contact' ? 'contact' : 'system';
  const actorId = actor.kind === 'user' ? actor.userId : actor.kind === 'contact' ? actor.contactId : null;
  return {
    workspaceId: actor.workspaceId,
    type,
    actorType,
    actorId,
    inboxId: audience.inboxId ?? null,
    userId: audience.userId ?? null,
    conversationId: audience.conversationId ?? null,
    payload: payload as unknown as Prisma.InputJsonValue,
  };
}

/**
 * Records a domain event in the caller's transaction. The realtime relay publishes it after
 * commit; the log doubles as the audit trail. Audience: members of `inboxId` (leads and admins
 * see every inbox), and/or exactly `userId`.
 */
export async function recordEvent<K extends RealtimeEventType>(
  tx: Db,
  actor: EventActor,
  type: K,
  audience: EventAudience,
  payload: RealtimeEventMap[K],
): Promise<void> {
  await eventsRepo.append(tx, eventRow(actor, type, audience, payload));
}
