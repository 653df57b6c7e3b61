import type { ConversationDto, RealtimeEvent } from '@switchboard/server/contracts';
import { describe, expect, it } from 'vitest';
import { conv, msg } from './test-fixtures.ts';
import { applyUnreadEvent, countedIn, countsByScope, emptyUnread, isUnread, markRead, unknownReads, withReads, type UnreadState } from './unread.ts';

const ME = 'user-me';
const T = (min: number) => new Date(Date.UTC(2026, 0, 1, 10, min)).toISOString();
const base = { workspaceId: 'w', actor: { type: 'contact' as const, id: 'x' } };

function inbound(c: ConversationDto, seq = 1): RealtimeEvent {
  return { ...base, seq, type: 'message.created', inboxId: c.inboxId, conversationId: c.id, createdAt: c.updatedAt, payload: { message: msg(`m${seq}`, { conversationId: c.id }), conversation: c } };
}
function created(c: ConversationDto, seq = 1): RealtimeEvent {
  return { ...base, seq, type: 'conversation.created', inboxId: c.inboxId, conversationId: c.id, createdAt: c.updatedAt, payload: { conversation: c } };
}
function updated(c: ConversationDto, seq = 1): RealtimeEvent {
  return { ...base, seq, type: 'conversation.updated', inboxId: c.inboxId, conversationId: c.id, createdAt: c.updatedAt, payload: { conversation: c, changes: ['assigneeId'] } };
}

/** A state as after loading counts and the list's markers: `a` read at 10:05, last customer message 10:01. */
function loaded(): { s: UnreadState; a: ConversationDto } {
  const a = conv('a', { lastInboundAt: T(1), updatedAt: T(1) });
  const s = withReads({ ...emptyUnread(), counts: { all: 0 } }, ['a'], [{ conversationId: 'a', readAt: T(5) }], [a]);
  return { s, a };
}

describe('countsByScope', () => {
  it('keys the server counts like the sidebar views', () => {
    expect(countsByScope({ mine: 1, unassigned: 2, all: 3, teams: { t1: 1 }, inboxes: { i1: 3 }, labels: { vip: 2 } })).toEqual({
      mine: 1,
      unassigned: 2,
      all: 3,
      'team:t1': 1,
      'inbox:i1': 3,
      'label:vip': 2,
    });
  });
});

describe('isUnread and countedIn', () => {
  it('is unread while a customer message is newer than the marker; unknown markers show as read', () => {
    const c = conv('a', { lastInboundAt: T(3) });
    expect(isUnread(c, null)).toBe(true);
    expect(isUnread(c, T(2))).toBe(true);
    expect(isUnread(c, T(3))).toBe(false);
    expect(isUnread(c, undefined)).toBe(false);
    expect(isUnread(conv('b'), null)).toBe(false);
  });

  it('counts in all, its inbox, mine or unassigned, its team and labels; never when resolved', () => {
    expect(countedIn(conv('a', { assigneeId: ME, teamId: 't1', labels: ['vip', 'b2b'] }), ME).sort()).toEqual(['all', 'inbox:inbox-1', 'label:b2b', 'label:vip', 'mine', 'team:t1']);
    expect(countedIn(conv('a'), ME).sort()).toEqual(['all', 'inbox:inbox-1', 'unassigned']);
    expect(countedIn(conv('a', { assigneeId: 'someone-else' }), ME)).toEqual(['all', 'inbox:inbox-1']);
    expect(countedIn(conv('a', { status: 'resolved' }), ME)).toEqual([]);
  });
});

describe('applyUnreadEvent', () => {
  it('a customer message in a read conversation makes it unread: counts go up in its views', () => {
    const { s, a } = loaded();
    const r = applyUnreadEvent(s, inbound({ ...a, lastInboundAt: T(6), updatedAt: T(6) }), ME, null);
    expect(r.refetch).toBe(false);
    expect(r.state.counts).toEqual({ all: 1, 'inbox:inbox-1': 1, unassigned: 1 });
    // A second message: still one unread conversation.
    const again = applyUnreadEvent(r.state, inbound({ ...a, lastInboundAt: T(7), updatedAt: T(7) }, 2), ME, null);
    expect(again.state.counts).toEqual({ all: 1, 'inbox:inbox-1': 1, unassigned: 1 });
  });

  it('a customer message in the open conversation counts as read at once', () => {
    const { s, a } = loaded();
    const r = applyUnreadEvent(s, inbound({ ...a, lastInboundAt: T(6), updatedAt: T(6) }), ME, 'a');
    expect(r).toEqual({ state: expect.objectContaining({ counts: { all: 0 } }), refetch: false });
    expect(isUnread(r.state.known.a!, r.state.reads.a)).toBe(false);
  });

  it('an unread conversation moves between views when it is assigned', () => {
    const { s, a } = loaded();
    const unread = applyUnreadEvent(s, inbound({ ...a, lastInboundAt: T(6), updatedAt: T(6) }), ME, null).state;
    const assigned = applyUnreadEvent(unread, updated({ ...a, lastInboundAt: T(6), assigneeId: ME, labels: ['vip'], updatedAt: T(8) }, 2), ME, null);
    expect(assigned.state.counts).toEqual({ all: 1, 'inbox:inbox-1': 1, unassigned: 0, mine: 1, 'label:vip': 1 });
    const resolved = applyUnreadEvent(assigned.state, updated({ ...a, lastInboundAt: T(6), assigneeId: ME, status: 'resolved', updatedAt: T(9) }, 3), ME, null);
    expect(resolved.state.counts).toEqual({ all: 0, 'inbox:inbox-1': 0, unassigned: 0, mine: 0, 'label:vip': 0 });
  });

  it('a new conversation from a customer is unread; an older snapshot is ignored', () => {
    const c = conv('n', { lastInboundAt: T(2), updatedAt: T(2) });
    const r = applyUnreadEvent(emptyUnread(), created(c), ME, null);
    expect(r).toEqual({ state: expect.objectContaining({ counts: { all: 1, 'inbox:inbox-1': 1, unassigned: 1 } }), refetch: false });
    const stale = applyUnreadEvent(r.state, updated({ ...c, assigneeId: ME, updatedAt: T(1) }), ME, null);
    expect(stale.state).toBe(r.state);
  });

  it('asks for a refetch when it cannot know the effect; not for a conversation the customer never wrote in', () => {
    expect(applyUnreadEvent(emptyUnread(), inbound(conv('x', { lastInboundAt: T(2) })), ME, null)).toEqual({ state: emptyUnread(), refetch: true });
    expect(applyUnreadEvent(emptyUnread(), updated(conv('x')), ME, null).refetch).toBe(false);
  });

  it('conversation.read from another tab clears it', () => {
    const { s, a } = loaded();
    const unread = applyUnreadEvent(s, inbound({ ...a, lastInboundAt: T(6), updatedAt: T(6) }), ME, null).state;
    const read: RealtimeEvent = { ...base, seq: 9, type: 'conversation.read', inboxId: a.inboxId, conversationId: 'a', createdAt: T(7), payload: { conversationId: 'a', readAt: T(7) } };
    expect(applyUnreadEvent(unread, read, ME, null)).toEqual({ state: expect.objectContaining({ counts: { all: 0, 'inbox:inbox-1': 0, unassigned: 0 } }), refetch: false });
  });
});

describe('markRead', () => {
  it('lowers the counts of a known conversation and never moves the marker back', () => {
    const { s, a } = loaded();
    const unread = applyUnreadEvent(s, inbound({ ...a, lastInboundAt: T(6), updatedAt: T(6) }), ME, null).state;
    const r = markRead(unread, 'a', T(7), ME);
    expect(r.refetch).toBe(false);
    expect(r.state.counts.all).toBe(0);
    expect(markRead(r.state, 'a', T(3), ME).state.reads.a).toBe(T(7));
  });

  it('asks for a refetch for a conversation the counts did not know', () => {
    const r = markRead(emptyUnread(), 'z', T(7), ME, conv('z', { lastInboundAt: T(6) }));
    expect(r.refetch).toBe(true);
    expect(r.state.reads.z).toBe(T(7));
  });
});

describe('withReads and unknownReads', () => {
  it('markers missing from the answer were never read; a later local marker wins', () => {
    const a = conv('a');
    const b = conv('b');
    const s = withReads({ ...emptyUnread(), reads: { b: T(9) } }, ['a', 'b'], [{ conversationId: 'b', readAt: T(4) }], [a, b]);
    expect(s.reads).toEqual({ a: null, b: T(9) });
    expect(Object.keys(s.known).sort()).toEqual(['a', 'b']);
    expect(unknownReads(s, [a, b, conv('c')])).toEqual(['c']);
  });
});
