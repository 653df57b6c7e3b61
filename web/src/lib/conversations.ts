// Pure list logic for the inbox: merge conversation snapshots from REST and realtime events.
import type { ConversationDto, RealtimeEvent } from '@switchboard/server/contracts';

const time = (iso: string) => Date.parse(iso) || 0;

function byActivity(a: ConversationDto, b: ConversationDto): number {
  return time(b.lastActivityAt) - time(a.lastActivityAt) || (a.id < b.id ? 1 : a.id > b.id ? -1 : 0);
}

/** Inserts or replaces a conversation, keeping whichever snapshot is newer (by updatedAt). */
export function upsertConversation(list: readonly ConversationDto[], c: ConversationDto): ConversationDto[] {
  const i = list.findIndex((x) => x.id === c.id);
  if (i === -1) return [...list, c].sort(byActivity);
  const current = list[i]!;
  if (time(c.updatedAt) < time(current.updatedAt)) return [...list];
  const next = [...list];
  next[i] = c;
  return next.sort(byActivity);
}

/** Merges two lists of snapshots (e.g. a fresh REST page and what arrived live meanwhile). */
export function mergeConversations(base: readonly ConversationDto[], extra: readonly ConversationDto[]): ConversationDto[] {
  return extra.reduce<ConversationDto[]>((acc, c) => upsertConversation(acc, c), [...base].sort(byActivity));
}

/** The conversation snapshot an event carries, if any. */
export function conversationOf(e: RealtimeEvent): ConversationDto | null {
  switch (e.type) {
    case 'conversation.created':
    case 'conversation.updated':
    case 'message.created':
    case 'assignment.changed':
      return e.payload.conversation;
    case 'message.updated':
    case 'conversation.read':
      return null;
  }
}

export function applyEvent(list: readonly ConversationDto[], e: RealtimeEvent): ConversationDto[] {
  const c = conversationOf(e);
  return c ? upsertConversation(list, c) : [...list];
}
