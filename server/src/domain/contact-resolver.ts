import type { NormalizedContact } from '@switchboard/channels';
import type { Prisma } from '@switchboard/db';
import { contactsRepo } from '../repositories/contacts.ts';
import type { Db } from '../repositories/store.ts';

/**
 * identity → contact. The same normalized address on any channel resolves to the same contact.
 * Rules:
 * - Identities are tried in the order the adapter lists them; the first one we know decides the contact.
 * - New identities are attached to that contact (never stolen from another contact).
 * - Identities marked `verified: false` (unproven claims, e.g. an email typed into a chat form)
 *   never match an existing contact; they are attached only if nobody holds them yet.
 * - No match: a new contact is created with all identities. A concurrent creator of the same identity
 *   makes this transaction fail with a unique violation; the caller's transaction is retried and then matches.
 */
export async function resolveContact(tx: Db, workspaceId: string, input: NormalizedContact): Promise<string> {
  const trusted = input.identities.filter((i) => i.verified !== false);
  const claimed = input.identities.filter((i) => i.verified === false);
  const known = await contactsRepo.findIdentities(tx, workspaceId, trusted);
  const match = trusted
    .map((i) => known.find((k) => k.kind === i.kind && k.address === i.address))
    .find((k) => k !== undefined);

  if (match) {
    const missing = trusted.filter((i) => !known.some((k) => k.kind === i.kind && k.address === i.address));
    await contactsRepo.addIdentities(tx, workspaceId, match.contactId, [
      ...missing.map((i) => ({ kind: i.kind, address: i.address, verified: i.verified === true })),
      ...claimed.map((i) => ({ kind: i.kind, address: i.address, verified: false })),
    ]);
    return match.contactId;
  }

  const contact = await contactsRepo.create(tx, {
    workspaceId,
    name: input.name ?? null,
    company: input.company ?? null,
    attributes: (input.attributes ?? {}) as Prisma.InputJsonValue,
  });
  // Trusted identities without skipDuplicates: a race surfaces as a unique violation → retry.
  await contactsRepo.addIdentities(
    tx,
    workspaceId,
    contact.id,
    trusted.map((i) => ({ kind: i.kind, address: i.address, verified: i.verified === true })),
    { strict: true },
  );
  await contactsRepo.addIdentities(
    tx,
    workspaceId,
    contact.id,
    claimed.map((i) => ({ kind: i.kind, address: i.address, verified: false })),
  );
  return contact.id;
}
