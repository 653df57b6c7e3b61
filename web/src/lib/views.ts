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

/** Query string for GET /api/conversations. */
export function viewQuery(view: View, limit: number): string {
  const q = new URLSearchParams({ status: view.status, limit: String(limit) });
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
  // Waiting customers first, the longest waiting on top; the rest by activity.
  return (a, b) => {
    if (a.waitingSince && b.waitingSince) return time(a.waitingSince) - time(b.waitingSince) || byId(a, b);
    if (a.waitingSince) return -1;
    if (b.waitingSince) return 1;
    return time(b.lastActivityAt) - time(a.lastActivityAt) || byId(a, b);
  };
}

/** The visible list: the loaded conversations of a view, and how many the server has in it. */
export interface ListState {
  items: ConversationDto[];
  total: number;
}

export function sortList(items: readonly ConversationDto[], sort: SortKey): ConversationDto[] {
  return [...items].sort(compareBy(sort));
}

/**
 * Applies one conversation snapshot: enters the list if it now matches the view, moves to its new
 * place, or leaves the list (resolved, reassigned, relabelled...). An older snapshot than the one
 * held (by updatedAt) is ignored, so a late REST answer never undoes a live change.
 */
export function applySnapshot(state: ListState, c: ConversationDto, view: View, userId: string): ListState {
  const i = state.items.findIndex((x) => x.id === c.id);
  const held = i === -1 ? undefined : state.items[i]!;
  if (held && time(c.updatedAt) < time(held.updatedAt)) return state;
  const matches = matchesView(c, view, userId);
  if (!held) return matches ? { items: sortList([...state.items, c], view.sort), total: state.total + 1 } : state;
  const rest = state.items.filter((x) => x.id !== c.id);
  if (!matches) return { items: rest, total: Math.max(0, state.total - 1) };
  return { items: sortList([...rest, c], view.sort), total: state.total };
}

export function applyEventToView(state: ListState, e: RealtimeEvent, view: View, userId: string): ListState {
  const c = conversationOf(e);
  return c ? applySnapshot(state, c, view, userId) : state;
}

/** A fresh REST page merged with what arrived live while it was in flight (newer snapshots win). */
export function fromPage(items: readonly ConversationDto[], total: number, liveMeanwhile: readonly ConversationDto[], view: View, userId: string): ListState {
  let state: ListState = { items: sortList(items, view.sort), total };
  for (const c of liveMeanwhile) state = applySnapshot(state, c, view, userId);
  return state;
}
