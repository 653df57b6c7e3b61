import type { Prisma } from '@switchboard/db';
import type { RealtimeEventMap, RealtimeEventType } from '../contracts/realtime.ts';
import { eventsRepo } from '../repositories/events.ts';
import type { Db } from '../repositories/store.ts';
import type { Actor } from './actor.ts';

/**
 * Records a domain event in the caller's transaction. The realtime relay publishes it after
 * commit; the log doubles as the audit trail. Audience: members of `inboxId` (leads and admins
 * see every inbox), and/or exactly `userId`.
 */
export async function recordEvent<K extends RealtimeEventType>(
  tx: Db,
  actor: Actor | { kind: 'contact'; workspaceId: string; contactId: string },
  type: K,
  audience: { inboxId?: string | null; userId?: string | null; conversationId?: string | null },
  payload: RealtimeEventMap[K],
): Promise<void> {
  const actorType = actor.kind === 'user' ? 'agent' : actor.kind === 'contact' ? 'contact' : 'system';
  const actorId = actor.kind === 'user' ? actor.userId : actor.kind === 'contact' ? actor.contactId : null;
  await eventsRepo.append(tx, {
    workspaceId: actor.workspaceId,
    type,
    actorType,
    actorId,
    inboxId: audience.inboxId ?? null,
    userId: audience.userId ?? null,
    conversationId: audience.conversationId ?? null,
    payload: payload as unknown as Prisma.InputJsonValue,
  });
}
