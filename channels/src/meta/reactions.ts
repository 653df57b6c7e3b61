/**
 * Reactions are stored as small inbound messages (an agent sees them in the timeline, in order, like the
 * Messenger and WhatsApp apps show them), with `metadata.reaction = { emoji, action, providerMessageId }`
 * naming the message reacted to. Removing a reaction is a message too ("Removed a reaction").
 */
export interface ReactionMetadata {
  /** null when a reaction was removed without naming it. */
  emoji: string | null;
  action: 'react' | 'unreact';
  /** The provider id of the message reacted to (ours or the customer's). */
  providerMessageId: string;
}

export function reactionText(r: ReactionMetadata): string {
  if (r.action === 'unreact') return r.emoji ? `Removed the reaction ${r.emoji}` : 'Removed a reaction';
  return `Reacted ${r.emoji ?? '👍'} to a message`;
}
