import { describe, expect, it } from 'vitest';
import type { ConversationDto, RealtimeEvent } from '@switchboard/server/contracts';
import { EventCursor, type IncomingEvent } from './event-cursor.ts';
import { applyEvent, mergeConversations } from './conversations.ts';
import { conv } from './test-fixtures.ts';

function conversation(id: string, at: string, extra: Partial<ConversationDto> = {}): ConversationDto {
  return conv(id, { lastActivityAt: at, createdAt: at, updatedAt: at, ...extra });
}

function event(seq: number, c: ConversationDto, replay?: boolean): IncomingEvent {
  return {
    seq,
    type: 'conversation.updated',
    workspaceId: 'ws',
    inboxId: c.inboxId,
    conversationId: c.id,
    actor: { type: 'system', id: null },
    createdAt: c.updatedAt,
    payload: { conversation: c, changes: [] },
    ...(replay ? { replay } : {}),
  };
}

const c1 = conversation('c1', '2026-01-01T10:00:00.000Z');

describe('EventCursor', () => {
  it('first connect: no lastSeq in the handshake, adopts the server position, asks for a resync', () => {
    const seen: number[] = [];
    const cursor = new EventCursor((e) => seen.push(e.seq));
    expect(cursor.handshake()).toEqual({});
    cursor.onEvent(event(7, c1)); // live, covered by the REST load (seq <= server position)
    cursor.onEvent(event(9, c1)); // live, newer than the position
    expect(seen).toEqual([]); // held back until replay:done
    expect(cursor.onReplayDone({ lastSeq: 8, count: 0, truncated: false })).toBe(true);
    expect(seen).toEqual([9]);
    expect(cursor.lastSeq).toBe(9);
  });

  it('reconnect: replays in order, merges held live events, applies each seq once', () => {
    const seen: number[] = [];
    const cursor = new EventCursor((e) => seen.push(e.seq), 10);
    expect(cursor.handshake()).toEqual({ lastSeq: 10 });
    cursor.onEvent(event(13, c1)); // live during replay
    cursor.onEvent(event(11, c1, true));
    cursor.onEvent(event(12, c1, true));
    cursor.onEvent(event(12, c1)); // live duplicate of a replayed one
    expect(seen).toEqual([11, 12]);
    expect(cursor.onReplayDone({ lastSeq: 12, count: 2, truncated: false })).toBe(false);
    expect(seen).toEqual([11, 12, 13]);
    cursor.onEvent(event(13, c1)); // duplicate after the replay
    cursor.onEvent(event(10, c1)); // old
    cursor.onEvent(event(15, c1));
    expect(seen).toEqual([11, 12, 13, 15]);
  });

  it('reset makes the next connect start fresh', () => {
    const cursor = new EventCursor(() => {}, 42);
    cursor.reset();
    expect(cursor.handshake()).toEqual({});
  });
});

describe('conversation list', () => {
  it('upserts snapshots, newest activity first, ignoring stale snapshots', () => {
    const c2 = conversation('c2', '2026-01-01T11:00:00.000Z');
    let list = applyEvent([], event(1, c1) as RealtimeEvent);
    list = applyEvent(list, event(2, c2) as RealtimeEvent);
    expect(list.map((c) => c.id)).toEqual(['c2', 'c1']);

    const c1Later = conversation('c1', '2026-01-01T12:00:00.000Z', { status: 'pending' });
    list = applyEvent(list, event(3, c1Later) as RealtimeEvent);
    expect(list.map((c) => [c.id, c.status])).toEqual([['c1', 'pending'], ['c2', 'open']]);

    // A stale REST page does not overwrite the newer live snapshot.
    list = mergeConversations([c1, c2], list);
    expect(list.map((c) => [c.id, c.status])).toEqual([['c1', 'pending'], ['c2', 'open']]);
  });
});
