// Read markers and unread counts (wire types). A conversation is unread for an agent while its
// `lastInboundAt` (the newest customer message) is newer than the agent's read marker.

/** An agent's read marker on one conversation. */
export interface ConversationReadDto {
  conversationId: string;
  /** When the agent last marked it read; null: never. */
  readAt: string | null;
}

/**
 * How many conversations you may see are unread for you, per sidebar view. Counts conversations that
 * are not resolved. Maps hold only views with unread conversations (missing = 0).
 */
export interface UnreadCountsDto {
  /** Assigned to you. */
  mine: number;
  unassigned: number;
  all: number;
  /** By team id. */
  teams: Record<string, number>;
  /** By inbox id. */
  inboxes: Record<string, number>;
  /** By label name. */
  labels: Record<string, number>;
}
