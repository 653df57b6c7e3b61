import type { ConversationReadDto, UnreadCountsDto } from '../contracts/unread.ts';
import { notFound } from '../lib/errors.ts';
import { conversationsRepo } from '../repositories/conversations.ts';
import { readsRepo, type UnreadCountRow } from '../repositories/reads.ts';
import type { Store } from '../repositories/store.ts';
import { assertInboxVisible, assertUser, visibleInboxIds } from './access.ts';
import type { Actor } from './actor.ts';
import { recordEvent } from './events.ts';

/**
 * Per-agent read markers and unread counts. A conversation is unread for an agent while a customer message
 * arrived after the agent last marked it read (Conversation.lastInboundAt > ConversationRead.readAt).
 */
export class ReadService {
  readonly #store: Store;
  constructor(store: Store) {
    this.#store = store;
  }

  /**
   * Marks the conversation read for the acting user now. When it was unread, a `conversation.read` event
   * tells the user's other connections (their other tabs update their counts).
   */
  async markRead(actor: Actor, conversationId: string): Promise<ConversationReadDto> {
    const user = assertUser(actor);
    const db = this.#store.prisma;
    const c = await conversationsRepo.get(db, user.workspaceId, conversationId);
    if (!c) throw notFound('Conversation');
    await assertInboxVisible(db, user, c.inboxId);
    return this.#store.transaction(async (tx) => {
      const { previous, readAt } = await readsRepo.mark(tx, { workspaceId: user.workspaceId, userId: user.userId, conversationId, at: new Date() });
      const wasUnread = c.lastInboundAt !== null && (previous === null || previous < c.lastInboundAt);
      const dto = { conversationId, readAt: readAt.toISOString() };
      if (wasUnread) await recordEvent(tx, user, 'conversation.read', { userId: user.userId, inboxId: c.inboxId, conversationId }, dto);
      return dto;
    });
  }

  /** The acting user's markers on these conversations; ones they may not see are left out. */
  async reads(actor: Actor, conversationIds: string[]): Promise<{ items: ConversationReadDto[] }> {
    const user = assertUser(actor);
    const db = this.#store.prisma;
    const rows = await readsRepo.forConversations(db, {
      workspaceId: user.workspaceId,
      userId: user.userId,
      conversationIds: [...new Set(conversationIds)],
      inboxIds: await visibleInboxIds(db, user),
    });
    return { items: rows.map((r) => ({ conversationId: r.conversationId, readAt: r.readAt.toISOString() })) };
  }

  /** Unread conversations (not resolved) per sidebar view, among the inboxes the user may see. */
  async unreadCounts(actor: Actor): Promise<UnreadCountsDto> {
    const user = assertUser(actor);
    const db = this.#store.prisma;
    const rows = await readsRepo.unreadCounts(db, { workspaceId: user.workspaceId, userId: user.userId, inboxIds: await visibleInboxIds(db, user) });
    return toCounts(rows);
  }
}

function toCounts(rows: UnreadCountRow[]): UnreadCountsDto {
  const counts: UnreadCountsDto = { mine: 0, unassigned: 0, all: 0, teams: {}, inboxes: {}, labels: {} };
  for (const r of rows) {
    if (r.kind === 'mine' || r.kind === 'unassigned' || r.kind === 'all') counts[r.kind] = r.n;
    else if (r.key !== null && r.n > 0) counts[r.kind === 'team' ? 'teams' : r.kind === 'inbox' ? 'inboxes' : 'labels'][r.key] = r.n;
  }
  return counts;
}
