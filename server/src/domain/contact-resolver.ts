import type { NormalizedContact } from '@switchboard/channels';
import type { Prisma } from '@switchboard/db';
import { contactsRepo, type NewContact } from '../repositories/contacts.ts';
import { uuidv7 } from '../repositories/ids.ts';
import type { KnownIdentity } from '../repositories/ingest.ts';
import type { Db } from '../repositories/store.ts';

export interface ResolvedContact {
  id: string;
  /** The contact's name as stored (a new contact: the input's name). */
  name: string | null;
  /** Created by this call (in the caller's transaction, so nobody else can see it yet). */
  created: boolean;
  /** With `deferCreate`: the new contact, not stored yet; the caller stores it (ingestRepo.append). */
  create?: NewContact;
}

/** The identities resolveContact looks up: every one not marked `verified: false`. */
export const trustedIdentities = (input: NormalizedContact) => input.identities.filter((i) => i.verified !== false);

/**
 * identity → contact. The same normalized address on any channel resolves to the same contact.
 * Rules:
 * - Identities are tried in the order the adapter lists them; the first one we know decides the contact.
 * - New identities are attached to that contact (never stolen from another contact).
 * - Identities marked `verified: false` (unproven claims, e.g. an email typed into a chat form)
 *   never match an existing contact; they are attached only if nobody holds them yet.
 * - No match: a new contact is created with all identities. A concurrent creator of the same identity
 *   makes this transaction fail with a unique violation; the caller's transaction is retried and then matches.
 *
 * `known`: the workspace's rows for trustedIdentities(input), when the caller already looked them up
 * (ingest does, in the same query as its idempotency check); otherwise they are queried here.
 */
export async function resolveContact(
  tx: Db,
  workspaceId: string,
  input: NormalizedContact,
  known?: KnownIdentity[],
  opts: { deferCreate?: boolean } = {},
): Promise<ResolvedContact> {
  const trusted = trustedIdentities(input);
  const claimed = input.identities.filter((i) => i.verified === false);
  const rows: Array<{ kind: string; address: string; contactId: string; contactName?: string | null }> =
    known ?? (await contactsRepo.findIdentities(tx, workspaceId, trusted));
  const match = trusted
    .map((i) => rows.find((k) => k.kind === i.kind && k.address === i.address))
    .find((k) => k !== undefined);

  if (match) {
    const missing = trusted.filter((i) => !rows.some((k) => k.kind === i.kind && k.address === i.address));
    await contactsRepo.addIdentities(tx, workspaceId, match.contactId, [
      ...missing.map((i) => ({ kind: i.kind, address: i.address, verified: i.verified === true })),
      ...claimed.map((i) => ({ kind: i.kind, address: i.address, verified: false })),
    ]);
    const name = match.contactName !== undefined ? match.contactName : ((await contactsRepo.get(tx, workspaceId, match.contactId))?.name ?? null);
    return { id: match.contactId, name, created: false };
  }

  // One statement: the contact, its trusted identities without skipping (a race surfaces as a unique
  // violation → retry) and its claimed ones skipping any address somebody already holds.
  const name = input.name ?? null;
  const data = { workspaceId, name, company: input.company ?? null, attributes: (input.attributes ?? {}) as Prisma.InputJsonValue };
  const strict = trusted.map((i) => ({ kind: i.kind, address: i.address, verified: i.verified === true }));
  const lenient = claimed.map((i) => ({ kind: i.kind, address: i.address, verified: false }));
  if (opts.deferCreate) {
    const id = uuidv7();
    return { id, name, created: true, create: { id, ...data, strict, lenient } };
  }
  const id = await contactsRepo.createWithIdentities(tx, data, strict, lenient);
  return { id, name, created: true };
}
