import type { DeliveryStatus } from '../contracts/dto.ts';
import { messagesRepo } from '../repositories/messages.ts';
import type { Db } from '../repositories/store.ts';
import { recordEvent } from './events.ts';
import { toMessageDto } from './mappers.ts';
import { systemActor } from './actor.ts';

const RANK: Record<DeliveryStatus, number> = { queued: 0, sent: 1, delivered: 2, read: 3, failed: 1 };

/**
 * Moves a message's delivery status forward only (queued → sent → delivered → read); callbacks that
 * arrive out of order never move it back. `failed` applies unless the message was already delivered or read.
 */
export function nextStatus(current: DeliveryStatus | null, incoming: DeliveryStatus): boolean {
  if (current === incoming) return false;
  if (incoming === 'failed') return current === null || current === 'queued' || current === 'sent';
  if (current === 'failed') return incoming === 'delivered' || incoming === 'read';
  return current === null || RANK[incoming] > RANK[current];
}

export async function applyDeliveryStatus(
  tx: Db,
  inbox: { id: string; workspaceId: string },
  providerMessageId: string,
  status: DeliveryStatus,
  error: string | null,
): Promise<boolean> {
  const message = await messagesRepo.byProviderId(tx, inbox.id, providerMessageId);
  if (!message || message.direction !== 'out' || !nextStatus(message.deliveryStatus, status)) return false;
  const updated = await messagesRepo.updateDelivery(tx, message.id, {
    deliveryStatus: status,
    deliveryError: status === 'failed' ? (error ?? 'failed') : null,
  });
  await recordEvent(tx, systemActor(inbox.workspaceId), 'message.updated', { inboxId: inbox.id, conversationId: message.conversationId }, { message: toMessageDto(updated) });
  return true;
}
