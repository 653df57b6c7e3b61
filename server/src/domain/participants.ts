import type { NormalizedContact } from '@switchboard/channels';
import type { ConversationRow } from '../repositories/conversations.ts';
import { participantsRepo } from '../repositories/participants.ts';
import type { Db } from '../repositories/store.ts';
import { resolveContact } from './contact-resolver.ts';

/**
 * Records who else takes part in a conversation besides its contact: the customers a message addressed
 * (email To/Cc), each resolved to a contact by the same identity rules as the sender (created when unknown),
 * and the message's author when it is not the conversation's contact (a colleague replying all).
 */
export async function addParticipants(
  tx: Db,
  workspaceId: string,
  conversation: ConversationRow,
  authorContactId: string,
  people: NormalizedContact[],
): Promise<void> {
  const ids = new Set<string>();
  if (authorContactId !== conversation.contactId) ids.add(authorContactId);
  for (const person of people) {
    if (person.identities.length === 0) continue;
    const contact = await resolveContact(tx, workspaceId, person);
    if (contact.id !== conversation.contactId) ids.add(contact.id);
  }
  await participantsRepo.add(tx, workspaceId, conversation.id, [...ids]);
}
