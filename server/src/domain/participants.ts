import type { NormalizedContact } from '@switchboard/channels';
import type { ConversationRow } from '../repositories/conversations.ts';
import { participantsRepo } from '../repositories/participants.ts';
import type { Db } from '../repositories/store.ts';
import { resolveContact } from './contact-resolver.ts';

/**
 * Records the other customers a message addressed (email Cc) on its conversation: each resolves to a contact
 * by the same identity rules as the sender (created when unknown). The conversation's own contact is skipped.
 */
export async function addParticipants(tx: Db, workspaceId: string, conversation: ConversationRow, people: NormalizedContact[]): Promise<void> {
  const ids = new Set<string>();
  for (const person of people) {
    if (person.identities.length === 0) continue;
    const contact = await resolveContact(tx, workspaceId, person);
    if (contact.id !== conversation.contactId) ids.add(contact.id);
  }
  await participantsRepo.add(tx, workspaceId, conversation.id, [...ids]);
}
