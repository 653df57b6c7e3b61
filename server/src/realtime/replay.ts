import type { RealtimeEvent } from '../contracts/realtime.ts';
import type { UserActor } from '../domain/actor.ts';
import { eventsRepo } from '../repositories/events.ts';
import type { Db } from '../repositories/store.ts';
import { toRealtimeEvent } from './relay.ts';

const REPLAY_PAGE = 1000;
const REPLAY_MAX = 20_000;

/**
 * Replays, from the table, the events in (lastSeq, liveFrom] the actor may see (`inboxIds`: the rooms
 * it joined), in seq order. Everything after `liveFrom` reaches the socket live. Stops early when
 * `open()` turns false; beyond REPLAY_MAX events it stops and says `truncated` (reload lists instead).
 */
export async function replayEvents(
  db: Db,
  q: { actor: UserActor; inboxIds: string[] | null; lastSeq: number; liveFrom: number },
  emit: (e: RealtimeEvent & { replay: true }) => void,
  open: () => boolean,
): Promise<{ lastSeq: number; count: number; truncated: boolean } | null> {
  const upTo = BigInt(q.liveFrom);
  let after = BigInt(q.lastSeq);
  let count = 0;
  let truncated = false;
  while (after < upTo) {
    const page = await eventsRepo.replay(db, {
      workspaceId: q.actor.workspaceId,
      afterSeq: after,
      upToSeq: upTo,
      inboxIds: q.inboxIds,
      userId: q.actor.userId,
      limit: REPLAY_PAGE,
    });
    if (!open()) return null;
    for (const row of page) emit({ ...toRealtimeEvent(row), replay: true });
    count += page.length;
    if (page.length < REPLAY_PAGE) {
      after = upTo;
      break;
    }
    after = page.at(-1)!.seq;
    if (count >= REPLAY_MAX) {
      truncated = true;
      break;
    }
  }
  return { lastSeq: Number(after), count, truncated };
}
