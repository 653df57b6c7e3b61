// Unread state of the console: the sidebar's counts per view (from GET /conversations/unread-counts),
// the agent's read markers of the conversations it knows, and how live events move both. When an
// event's effect cannot be known locally (a conversation whose marker or earlier state was never
// loaded) the caller refetches the counts.
import type { ConversationDto, RealtimeEvent, UnreadCountsDto } from '@switchboard/server/contracts';
import { conversationOf } from './conversations.ts';
import { scopeKey } from './views.ts';

export interface UnreadState {
  /** Unread conversations per sidebar view, by scopeKey (missing = 0). */
  counts: Record<string, number>;
  /** Read markers by conversation id (null: never read); a missing id is unknown. */
  reads: Record<string, string | null>;
  /** The newest snapshot seen of each conversation whose marker is known (what the counts hold it as). */
  known: Record<string, ConversationDto>;
}

export const emptyUnread = (): UnreadState => ({ counts: {}, reads: {}, known: {} });

const time = (iso: string | null | undefined) => (iso ? Date.parse(iso) || 0 : 0);

/** The server's counts keyed like the sidebar's views. */
export function countsByScope(dto: UnreadCountsDto): Record<string, number> {
  const counts: Record<string, number> = { mine: dto.mine, unassigned: dto.unassigned, all: dto.all };
  for (const [id, n] of Object.entries(dto.teams)) counts[scopeKey({ kind: 'team', id })] = n;
  for (const [id, n] of Object.entries(dto.inboxes)) counts[scopeKey({ kind: 'inbox', id })] = n;
  for (const [name, n] of Object.entries(dto.labels)) counts[scopeKey({ kind: 'label', name })] = n;
  return counts;
}

/** Whether a customer message arrived after the marker (undefined marker: unknown, shown as read). */
export function isUnread(c: ConversationDto, readAt: string | null | undefined): boolean {
  if (readAt === undefined || !c.lastInboundAt) return false;
  return readAt === null || time(readAt) < time(c.lastInboundAt);
}

/** The sidebar views a conversation counts in while it is unread (the server's rule: not resolved). */
export function countedIn(c: ConversationDto, userId: string): string[] {
  if (c.status === 'resolved') return [];
  const keys = ['all', scopeKey({ kind: 'inbox', id: c.inboxId })];
  if (c.assigneeId === null) keys.push('unassigned');
  else if (c.assigneeId === userId) keys.push('mine');
  if (c.teamId) keys.push(scopeKey({ kind: 'team', id: c.teamId }));
  for (const name of c.labels) keys.push(scopeKey({ kind: 'label', name }));
  return keys;
}

function adjust(counts: Record<string, number>, keys: string[], by: number): Record<string, number> {
  if (keys.length === 0) return counts;
  const next = { ...counts };
  for (const k of keys) next[k] = Math.max(0, (next[k] ?? 0) + by);
  return next;
}

const contribution = (c: ConversationDto | undefined, readAt: string | null | undefined, userId: string) =>
  c && isUnread(c, readAt) ? countedIn(c, userId) : [];

/** The later of two markers (null: never read). */
function later(a: string | null | undefined, b: string | null | undefined): string | null {
  if (a == null) return b ?? null;
  if (b == null) return a;
  return time(a) >= time(b) ? a : b;
}

/** Moves a known conversation from its old snapshot/marker to the new ones, adjusting the counts. */
function move(s: UnreadState, prev: ConversationDto, c: ConversationDto, readAt: string | null, userId: string): UnreadState {
  const counts = adjust(adjust(s.counts, contribution(prev, s.reads[prev.id], userId), -1), contribution(c, readAt, userId), +1);
  return { counts, reads: { ...s.reads, [c.id]: readAt }, known: { ...s.known, [c.id]: c } };
}

export interface UnreadUpdate {
  state: UnreadState;
  /** The counts may now be wrong: refetch them. */
  refetch: boolean;
}

/**
 * Applies a live event. `openId`: the conversation the agent has open (a customer message there counts as
 * read at once; the console marks it read on the server too).
 */
export function applyUnreadEvent(s: UnreadState, e: RealtimeEvent, userId: string, openId: string | null): UnreadUpdate {
  if (e.type === 'conversation.read') return markRead(s, e.payload.conversationId, e.payload.readAt, userId);
  const c = conversationOf(e);
  if (!c) return { state: s, refetch: false };
  const prev = s.known[c.id];
  if (prev && time(c.updatedAt) < time(prev.updatedAt)) return { state: s, refetch: false };
  const created = e.type === 'conversation.created' && !(c.id in s.reads);
  const marker = created ? null : s.reads[c.id];
  const readAt = c.id === openId && c.lastInboundAt ? later(marker, c.lastInboundAt) : marker;
  if (readAt === undefined) {
    // Marker unknown: only a conversation the customer never wrote in is certainly not unread.
    return { state: s, refetch: c.lastInboundAt !== null };
  }
  if (!prev && !created) {
    // Marker known but not what the counts held the conversation as: count it from now on after a refetch.
    return { state: { ...s, reads: { ...s.reads, [c.id]: readAt }, known: { ...s.known, [c.id]: c } }, refetch: true };
  }
  return { state: move(s, prev ?? c, c, readAt, userId), refetch: false };
}

/** The agent read a conversation (here, or in another tab: `conversation.read`). */
export function markRead(s: UnreadState, id: string, readAt: string, userId: string, snapshot?: ConversationDto): UnreadUpdate {
  const prev = s.known[id];
  const next = later(s.reads[id], readAt);
  if (prev && id in s.reads) {
    const c = snapshot && time(snapshot.updatedAt) >= time(prev.updatedAt) ? snapshot : prev;
    return { state: move(s, prev, c, next, userId), refetch: false };
  }
  const known = snapshot ? { ...s.known, [id]: snapshot } : s.known;
  return { state: { ...s, reads: { ...s.reads, [id]: next }, known }, refetch: true };
}

/**
 * Markers loaded for conversations of the list (`ids` asked for; the ones missing from `items` were never
 * read), with their snapshots. Counts are not touched: they came from the server.
 */
export function withReads(s: UnreadState, ids: readonly string[], items: ReadonlyArray<{ conversationId: string; readAt: string | null }>, snapshots: readonly ConversationDto[]): UnreadState {
  const reads = { ...s.reads };
  const fetched = new Map(items.map((r) => [r.conversationId, r.readAt]));
  for (const id of ids) reads[id] = later(reads[id], fetched.get(id) ?? null);
  const known = { ...s.known };
  for (const c of snapshots) {
    const held = known[c.id];
    if (ids.includes(c.id) && (!held || time(c.updatedAt) >= time(held.updatedAt))) known[c.id] = c;
  }
  return { ...s, reads, known };
}

/** Ids of the list whose markers are unknown (to load). */
export function unknownReads(s: UnreadState, items: readonly ConversationDto[]): string[] {
  return items.filter((c) => !(c.id in s.reads)).map((c) => c.id);
}
