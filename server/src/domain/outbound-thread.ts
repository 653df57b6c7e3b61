import type { InboxKind, OutboundMessage } from '@switchboard/channels';
import { participantsRepo } from '../repositories/participants.ts';
import type { Store } from '../repositories/store.ts';
import { threadingRepo } from '../repositories/threading.ts';

/**
 * Where an agent reply sits in its thread, for channels that thread by reference (email): the customer
 * message it answers (In-Reply-To), the earlier messages (References, oldest first), the conversation's
 * reply token (Reply-To `reply+<token>@…`) and the other customers on it (Cc).
 */
export async function threadOf(
  store: Store,
  kind: InboxKind,
  conversation: { id: string; workspaceId: string },
): Promise<Pick<OutboundMessage, 'inReplyTo' | 'references' | 'replyToken' | 'participants'>> {
  const earlier = await threadingRepo.providerIdsOf(store.prisma, conversation.workspaceId, conversation.id);
  const lastInbound = earlier.findLast((m) => m.direction === 'in');
  if (kind !== 'email') return { inReplyTo: lastInbound ? { providerMessageId: lastInbound.providerMessageId } : null };
  const [replyToken, participants] = await Promise.all([
    threadingRepo.ensureReplyToken(store.prisma, conversation.workspaceId, conversation.id),
    participantsRepo.list(store.prisma, conversation.workspaceId, conversation.id),
  ]);
  return {
    inReplyTo: lastInbound ? { providerMessageId: lastInbound.providerMessageId } : null,
    references: earlier.map((m) => m.providerMessageId),
    replyToken,
    participants: participants.map((p) => ({
      name: p.name,
      identities: p.identities.map((i) => ({ kind: i.kind, address: i.address, verified: i.verified })),
    })),
  };
}
