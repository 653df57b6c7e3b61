// Inbox views: which conversations a sidebar entry + status tab shows, how the REST list is asked
// for them, and how realtime events move conversations into, within and out of the visible list.
import type { ConversationDto, ConversationStatus, RealtimeEvent } from '@switchboard/server/contracts';
import { conversationOf } from './conversations.ts';

export type Scope =
  | { kind: 'mine' }
  | { kind: 'unassigned' }
  | { kind: 'all' }
  | { kind: 'team'; id: string }
  | { kind: 'inbox'; id: string }
  | { kind: 'label'; name: string };

/** `activity`: newest activity first (the server's order). `waiting`: longest-waiting customer first. */
export type SortKey = 'activity' | 'waiting';

export interface View {
  scope: Scope;
  status: ConversationStatus;
  sort: SortKey;
  /** Search text (GET /api/conversations?q=): contact name, email, phone, subject, messages. */
  q?: string;
}

export const STATUSES: readonly ConversationStatus[] = ['open', 'pending', 'snoozed', 'resolved'];

export const defaultView: View = { scope: { kind: 'mine' }, status: 'open', sort: 'activity' };

export function sameScope(a: Scope, b: Scope): boolean {
  return scopeKey(a) === scopeKey(b);
}

export function scopeKey(s: Scope): string {
  switch (s.kind) {
    case 'team':
    case 'inbox':
      return `${s.kind}:${s.id}`;
    case 'label':
      return `label:${s.name}`;
    default:
      return s.kind;
  }
}

/** Query string for GET /api/conversations; `cursor` asks for the page after it. */
export function viewQuery(view: View, limit: number, cursor?: string | null): string {
  const q = new URLSearchParams({ status: view.status, limit: String(limit) });
  if (view.sort === 'waiting') q.set('sort', 'waiting');
  if (view.q?.trim()) q.set('q', view.q.trim());
  // A later page: the total came with the first one (counting costs about as much as the page).
  if (cursor) {
    q.set('cursor', cursor);
    q.set('total', 'false');
  }
  const s = view.scope;
  if (s.kind === 'mine') q.set('assignee', 'me');
  else if (s.kind === 'unassigned') q.set('assignee', 'none');
  else if (s.kind === 'team') q.set('team', s.id);
  else if (s.kind === 'inbox') q.set('inboxId', s.id);
  else if (s.kind === 'label') q.set('label', s.name);
  return q.toString();
}

/** Whether a conversation belongs in the view, as the server's list filter decides it. */
export function matchesView(c: ConversationDto, view: View, userId: string): boolean {
  if (c.status !== view.status) return false;
  const s = view.scope;
  switch (s.kind) {
    case 'mine':
      return c.assigneeId === userId;
    case 'unassigned':
      return c.assigneeId === null;
    case 'all':
      return true;
    case 'team':
      return c.teamId === s.id;
    case 'inbox':
      return c.inboxId === s.id;
    case 'label':
      return c.labels.includes(s.name);
  }
}

const time = (iso: string | null) => (iso ? Date.parse(iso) || 0 : 0);
const byId = (a: ConversationDto, b: ConversationDto) => (a.id < b.id ? 1 : a.id > b.id ? -1 : 0);

export function compareBy(sort: SortKey): (a: ConversationDto, b: ConversationDto) => number {
  if (sort === 'activity') return (a, b) => time(b.lastActivityAt) - time(a.lastActivityAt) || byId(a, b);
  // Waiting customers first, the longest waiting on top; the rest by activity (the server's sort=waiting).
  return (a, b) => {
    if (a.waitingSince && b.waitingSince) return time(a.waitingSince) - time(b.waitingSince) || byId(b, a);
    if (a.waitingSince) return -1;
    if (b.waitingSince) return 1;
    return time(b.lastActivityAt) - time(a.lastActivityAt) || byId(a, b);
  };
}

/**
 * The visible list: the loaded conversations of a view, and how many the server has in it. A long list
 * is loaded page by page: `nextCursor` asks for the page after `boundary`, the last conversation of
 * the last page loaded (as it was then). Conversations that sort after the boundary are not shown
 * until their page is loaded, so live events never leave gaps in a partially loaded list.
 */
export interface ListState {
  items: ConversationDto[];
  total: number;
  nextCursor?: string | null;
  boundary?: ConversationDto | null;
}

export function sortList(items: readonly ConversationDto[], sort: SortKey): ConversationDto[] {
  return [...items].sort(compareBy(sort));
}

/** Whether `c` sorts after the loaded part of a list that has more pages (it then waits for its page). */
function beyondLoaded(state: ListState, c: ConversationDto, sort: SortKey): boolean {
  return Boolean(state.nextCursor && state.boundary && compareBy(sort)(c, state.boundary) > 0);
}

/**
 * Applies one conversation snapshot: enters the list if it now matches the view, moves to its new
 * place, or leaves the list (resolved, reassigned, relabelled...). An older snapshot than the one
 * held (by updatedAt) is ignored, so a late REST answer never undoes a live change. While searching,
 * only the conversations found are kept up to date (whether a message matches is the server's call).
 */
export function applySnapshot(state: ListState, c: ConversationDto, view: View, userId: string): ListState {
  const i = state.items.findIndex((x) => x.id === c.id);
  const held = i === -1 ? undefined : state.items[i]!;
  if (held && time(c.updatedAt) < time(held.updatedAt)) return state;
  const matches = matchesView(c, view, userId);
  if (!held) {
    if (!matches || view.q?.trim()) return state;
    if (beyondLoaded(state, c, view.sort)) return { ...state, total: state.total + 1 };
    return { ...state, items: sortList([...state.items, c], view.sort), total: state.total + 1 };
  }
  const rest = state.items.filter((x) => x.id !== c.id);
  if (!matches) return { ...state, items: rest, total: Math.max(0, state.total - 1) };
  if (beyondLoaded(state, c, view.sort)) return { ...state, items: rest };
  return { ...state, items: sortList([...rest, c], view.sort) };
}

export function applyEventToView(state: ListState, e: RealtimeEvent, view: View, userId: string): ListState {
  const c = conversationOf(e);
  return c ? applySnapshot(state, c, view, userId) : state;
}

/** A fresh REST page merged with what arrived live while it was in flight (newer snapshots win). */
export function fromPage(
  items: readonly ConversationDto[],
  total: number,
  liveMeanwhile: readonly ConversationDto[],
  view: View,
  userId: string,
  nextCursor: string | null = null,
): ListState {
  let state: ListState = { items: sortList(items, view.sort), total, nextCursor, boundary: items.at(-1) ?? null };
  for (const c of liveMeanwhile) state = applySnapshot(state, c, view, userId);
  return state;
}

/**
 * The next page appended: conversations already shown (they moved up live meanwhile) are not
 * repeated, and a snapshot older than the one held is dropped. Then what arrived live while the
 * page was in flight is applied over it.
 */
export function appendPage(
  state: ListState,
  page: { items: readonly ConversationDto[]; nextCursor: string | null },
  liveMeanwhile: readonly ConversationDto[],
  view: View,
  userId: string,
): ListState {
  const held = new Map(state.items.map((c) => [c.id, c]));
  for (const c of page.items) {
    const mine = held.get(c.id);
    if (!mine || time(c.updatedAt) > time(mine.updatedAt)) held.set(c.id, c);
  }
  let next: ListState = { ...state, items: sortList([...held.values()], view.sort), nextCursor: page.nextCursor, boundary: page.items.at(-1) ?? state.boundary ?? null };
  for (const c of liveMeanwhile) next = applySnapshot(next, c, view, userId);
  return next;
}
