import type { RealtimeEvent } from '@switchboard/server/contracts';
import { describe, expect, it } from 'vitest';
import { conv } from './test-fixtures.ts';
import { appendPage, applyEventToView, fromPage, matchesView, sortList, viewQuery, type ListState, type View } from './views.ts';

const ME = 'user-me';
const mine: View = { scope: { kind: 'mine' }, status: 'open', sort: 'activity' };
const ids = (s: ListState) => s.items.map((c) => c.id);

function event(type: 'conversation.updated' | 'conversation.created', c: ReturnType<typeof conv>, seq = 1): RealtimeEvent {
  const base = { seq, workspaceId: 'w', inboxId: c.inboxId, conversationId: c.id, actor: { type: 'system' as const, id: null }, createdAt: c.updatedAt };
  return type === 'conversation.created'
    ? { ...base, type, payload: { conversation: c } }
    : { ...base, type, payload: { conversation: c, changes: ['status'] } };
}

describe('viewQuery', () => {
  it('maps each scope to the list filter of GET /api/conversations', () => {
    expect(viewQuery(mine, 50)).toBe('status=open&limit=50&assignee=me');
    expect(viewQuery({ scope: { kind: 'unassigned' }, status: 'pending', sort: 'activity' }, 10)).toBe('status=pending&limit=10&assignee=none');
    expect(viewQuery({ scope: { kind: 'all' }, status: 'resolved', sort: 'waiting' }, 10)).toBe('status=resolved&limit=10&sort=waiting');
    expect(viewQuery({ scope: { kind: 'team', id: 't1' }, status: 'open', sort: 'activity' }, 1)).toBe('status=open&limit=1&team=t1');
    expect(viewQuery({ scope: { kind: 'inbox', id: 'i1' }, status: 'open', sort: 'activity' }, 1)).toBe('status=open&limit=1&inboxId=i1');
    expect(viewQuery({ scope: { kind: 'label', name: 'vip & co' }, status: 'snoozed', sort: 'activity' }, 1)).toBe('status=snoozed&limit=1&label=vip+%26+co');
  });

  it('asks for the total on the first page only', () => {
    expect(viewQuery(mine, 50, 'c1')).toBe('status=open&limit=50&cursor=c1&total=false&assignee=me');
  });
});

describe('matchesView', () => {
  it('checks status and scope', () => {
    expect(matchesView(conv('a', { assigneeId: ME }), mine, ME)).toBe(true);
    expect(matchesView(conv('a', { assigneeId: 'other' }), mine, ME)).toBe(false);
    expect(matchesView(conv('a', { assigneeId: ME, status: 'resolved' }), mine, ME)).toBe(false);
    expect(matchesView(conv('a'), { ...mine, scope: { kind: 'unassigned' } }, ME)).toBe(true);
    expect(matchesView(conv('a', { labels: ['vip'] }), { ...mine, scope: { kind: 'label', name: 'vip' } }, ME)).toBe(true);
    expect(matchesView(conv('a', { teamId: 't2' }), { ...mine, scope: { kind: 'team', id: 't1' } }, ME)).toBe(false);
    expect(matchesView(conv('a', { inboxId: 'i9' }), { ...mine, scope: { kind: 'inbox', id: 'i9' } }, ME)).toBe(true);
  });
});

describe('sorting', () => {
  const a = conv('a', { lastActivityAt: '2026-01-01T12:00:00Z', waitingSince: '2026-01-01T11:00:00Z' });
  const b = conv('b', { lastActivityAt: '2026-01-01T13:00:00Z', waitingSince: null });
  const c = conv('c', { lastActivityAt: '2026-01-01T11:00:00Z', waitingSince: '2026-01-01T08:00:00Z' });
  it('by last activity, newest first', () => expect(sortList([a, b, c], 'activity').map((x) => x.id)).toEqual(['b', 'a', 'c']));
  it('by longest waiting, then the ones nobody waits on', () => expect(sortList([a, b, c], 'waiting').map((x) => x.id)).toEqual(['c', 'a', 'b']));
  it('equal waiting times by id, ascending (as the server pages them)', () => {
    const w = { waitingSince: '2026-01-01T08:00:00Z' };
    expect(sortList([conv('b', w), conv('c', w), conv('a', w)], 'waiting').map((x) => x.id)).toEqual(['a', 'b', 'c']);
  });
});

describe('applyEventToView', () => {
  const start: ListState = { items: [conv('a', { assigneeId: ME, lastActivityAt: '2026-01-01T10:00:00Z' })], total: 1 };

  it('a new matching conversation enters in order and counts', () => {
    const n = conv('n', { assigneeId: ME, lastActivityAt: '2026-01-01T11:00:00Z', updatedAt: '2026-01-01T11:00:00Z' });
    const s = applyEventToView(start, event('conversation.created', n), mine, ME);
    expect(ids(s)).toEqual(['n', 'a']);
    expect(s.total).toBe(2);
  });

  it('a conversation for someone else never enters', () => {
    const s = applyEventToView(start, event('conversation.created', conv('x', { assigneeId: 'other' })), mine, ME);
    expect(s).toBe(start);
  });

  it('a resolved or reassigned conversation leaves the list', () => {
    const resolved = conv('a', { assigneeId: ME, status: 'resolved', updatedAt: '2026-01-01T12:00:00Z' });
    expect(applyEventToView(start, event('conversation.updated', resolved), mine, ME)).toEqual({ items: [], total: 0 });
    const moved = conv('a', { assigneeId: 'other', updatedAt: '2026-01-01T12:00:00Z' });
    expect(applyEventToView(start, event('conversation.updated', moved), mine, ME).items).toEqual([]);
  });

  it('new activity moves a conversation to the top', () => {
    const two: ListState = { items: [conv('b', { assigneeId: ME, lastActivityAt: '2026-01-01T11:00:00Z' }), start.items[0]!], total: 2 };
    const bumped = conv('a', { assigneeId: ME, lastActivityAt: '2026-01-01T12:00:00Z', updatedAt: '2026-01-01T12:00:00Z', lastMessagePreview: 'hi' });
    const s = applyEventToView(two, event('conversation.updated', bumped), mine, ME);
    expect(ids(s)).toEqual(['a', 'b']);
    expect(s.items[0]!.lastMessagePreview).toBe('hi');
    expect(s.total).toBe(2);
  });

  it('ignores an older snapshot than the one held', () => {
    const stale = conv('a', { assigneeId: ME, status: 'resolved', updatedAt: '2025-12-31T00:00:00Z' });
    expect(applyEventToView(start, event('conversation.updated', stale), mine, ME)).toBe(start);
  });

  it('applying the same event twice changes nothing (no duplicates)', () => {
    const n = event('conversation.created', conv('n', { assigneeId: ME, updatedAt: '2026-01-01T11:00:00Z' }));
    const once = applyEventToView(start, n, mine, ME);
    expect(applyEventToView(once, n, mine, ME)).toEqual(once);
  });
});

describe('fromPage', () => {
  it('keeps live snapshots that are newer than the page, drops ones that left the view', () => {
    const page = [conv('a', { assigneeId: ME }), conv('b', { assigneeId: ME, lastActivityAt: '2026-01-01T09:00:00Z' })];
    const live = [conv('b', { assigneeId: ME, status: 'resolved', updatedAt: '2026-01-02T00:00:00Z' }), conv('c', { assigneeId: ME, lastActivityAt: '2026-01-03T00:00:00Z', updatedAt: '2026-01-03T00:00:00Z' })];
    const s = fromPage(page, 2, live, mine, ME);
    expect(ids(s)).toEqual(['c', 'a']);
    expect(s.total).toBe(2);
  });
});

describe('viewQuery with search and paging', () => {
  it('adds q, sort and the cursor', () => {
    expect(viewQuery({ ...mine, q: '  anna@example.com ' }, 100, 'CUR')).toBe('status=open&limit=100&q=anna%40example.com&cursor=CUR&total=false&assignee=me');
    expect(viewQuery({ ...mine, q: '   ' }, 100, null)).toBe('status=open&limit=100&assignee=me');
  });
});

describe('a partially loaded list', () => {
  const at = (h: number) => `2026-01-01T${String(h).padStart(2, '0')}:00:00.000Z`;
  const c = (id: string, h: number, over: Partial<ReturnType<typeof conv>> = {}) => conv(id, { assigneeId: ME, lastActivityAt: at(h), updatedAt: at(h), ...over });
  // Page one of a list with more: e (14:00) and d (13:00); c, b, a (12, 11, 10) not loaded yet.
  const first = () => fromPage([c('e', 14), c('d', 13)], 5, [], mine, ME, 'CURSOR-1');

  it('remembers where the loaded part ends', () => {
    const s = first();
    expect(s.nextCursor).toBe('CURSOR-1');
    expect(s.boundary?.id).toBe('d');
  });

  it('the next page appends without duplicates, also of rows that moved up live meanwhile', () => {
    // b got a new message while the agent scrolled: it is on top now, and the server's next page (from d on) no longer has it.
    let s = applyEventToView(first(), event('conversation.updated', c('b', 15)), mine, ME);
    expect(ids(s)).toEqual(['b', 'e', 'd']);
    s = appendPage(s, { items: [c('c', 12), c('a', 10)], nextCursor: null }, [], mine, ME);
    expect(ids(s)).toEqual(['b', 'e', 'd', 'c', 'a']);
    expect(s.nextCursor).toBeNull();
    // A page that still has a row (an older snapshot) keeps the newer one once.
    const again = appendPage(first(), { items: [c('d', 13, { updatedAt: at(1) }), c('c', 12)], nextCursor: 'CURSOR-2' }, [], mine, ME);
    expect(ids(again)).toEqual(['e', 'd', 'c']);
    expect(again.items[1]!.updatedAt).toBe(at(13));
    expect(again.boundary?.id).toBe('c');
  });

  it('a new conversation that sorts below the loaded part waits for its page; one above enters at once', () => {
    const below = applyEventToView(first(), event('conversation.created', c('x', 11)), mine, ME);
    expect(ids(below)).toEqual(['e', 'd']);
    expect(below.total).toBe(6);
    const above = applyEventToView(first(), event('conversation.created', c('y', 16)), mine, ME);
    expect(ids(above)).toEqual(['y', 'e', 'd']);
    expect(above.total).toBe(6);
  });

  it('a shown conversation that moves below the loaded part leaves it until its page comes (sorted by waiting)', () => {
    const waiting: View = { ...mine, sort: 'waiting' };
    const s = fromPage([c('e', 14, { waitingSince: at(8) }), c('d', 13, { waitingSince: at(9) })], 5, [], waiting, ME, 'W');
    const answered = c('e', 16, { waitingSince: null });
    const next = applyEventToView(s, event('conversation.updated', answered), waiting, ME);
    expect(ids(next)).toEqual(['d']);
    expect(next.total).toBe(5);
  });

  it('what arrived live while the page was in flight is applied over it', () => {
    const resolved = c('c', 12, { status: 'resolved', updatedAt: at(20) });
    const s = appendPage(first(), { items: [c('c', 12), c('b', 11)], nextCursor: 'CURSOR-2' }, [resolved], mine, ME);
    expect(ids(s)).toEqual(['e', 'd', 'b']);
    expect(s.total).toBe(4);
  });

  it('while searching, live events update the conversations found but add none', () => {
    const searching: View = { ...mine, q: 'invoice' };
    const s = fromPage([c('e', 14)], 1, [], searching, ME);
    expect(ids(applyEventToView(s, event('conversation.created', c('z', 18)), searching, ME))).toEqual(['e']);
    const bumped = applyEventToView(s, event('conversation.updated', c('e', 19, { lastMessagePreview: 'new' })), searching, ME);
    expect(bumped.items[0]!.lastMessagePreview).toBe('new');
    expect(applyEventToView(s, event('conversation.updated', c('e', 19, { status: 'resolved' })), searching, ME).items).toEqual([]);
  });
});
