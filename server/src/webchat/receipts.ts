import type { DeliveryStatus } from '../contracts/dto.ts';
import type { Actor } from '../domain/actor.ts';
import { assertInboxVisible } from '../domain/access.ts';
import { nextStatus } from '../domain/delivery-status.ts';
import { recordEvent } from '../domain/events.ts';
import { toMessageDto } from '../domain/mappers.ts';
import { notFound } from '../lib/errors.ts';
import { conversationsRepo } from '../repositories/conversations.ts';
import { messagesRepo } from '../repositories/messages.ts';
import type { Db, Store } from '../repositories/store.ts';
import { webchatRepo } from '../repositories/webchat.ts';

/**
 * Moves the locked messages' delivery status forward to `status` (never back) and records `message.updated`
 * for each one that changed. Returns how many changed.
 */
export async function markStatus(
  tx: Db,
  actor: Parameters<typeof recordEvent>[1],
  rows: Array<{ id: string; deliveryStatus: DeliveryStatus | null }>,
  status: DeliveryStatus,
): Promise<number> {
  let changed = 0;
  for (const r of rows) {
    if (!nextStatus(r.deliveryStatus, status)) continue;
    const updated = await messagesRepo.updateDelivery(tx, r.id, { deliveryStatus: status, deliveryError: null });
    await recordEvent(tx, actor, 'message.updated', { inboxId: updated.inboxId, conversationId: updated.conversationId }, { message: toMessageDto(updated) });
    changed++;
  }
  return changed;
}

/**
 * An agent opened the conversation: its customer messages count as `read` (the chat widget shows "Seen").
 * Returns how many messages changed.
 */
export async function markSeenByAgent(store: Store, actor: Actor, conversationId: string): Promise<number> {
  const c = await conversationsRepo.get(store.prisma, actor.workspaceId, conversationId);
  if (!c) throw notFound('Conversation');
  await assertInboxVisible(store.prisma, actor, c.inboxId, 'Conversation');
  return store.transaction(async (tx) => markStatus(tx, actor, await webchatRepo.lockUnseenInbound(tx, actor.workspaceId, conversationId), 'read'));
}
