import type { IdentityKind } from '@switchboard/db';
import type { Db } from './store.ts';

export interface ParticipantRow {
  contactId: string;
  role: string;
  name: string | null;
  identities: Array<{ kind: IdentityKind; address: string; verified: boolean }>;
}

/** Other customers on a conversation (email Cc). */
export const participantsRepo = {
  /** Raw SQL: ingest's sql-only transaction records participants. */
  async add(db: Db, workspaceId: string, conversationId: string, contactIds: string[], role = 'cc'): Promise<void> {
    if (contactIds.length === 0) return;
    await db.$executeRaw`
      INSERT INTO "ConversationParticipant" ("workspaceId", "conversationId", "contactId", role)
      SELECT ${workspaceId}::uuid, ${conversationId}::uuid, c, ${role} FROM unnest(${contactIds}::uuid[]) AS c
      ON CONFLICT DO NOTHING`;
  },
  async list(db: Db, workspaceId: string, conversationId: string): Promise<ParticipantRow[]> {
    const rows = await db.conversationParticipant.findMany({
      where: { workspaceId, conversationId },
      orderBy: { createdAt: 'asc' },
      include: { contact: { select: { name: true, identities: { select: { kind: true, address: true, verified: true } } } } },
    });
    return rows.map((r) => ({ contactId: r.contactId, role: r.role, name: r.contact.name, identities: r.contact.identities }));
  },
};
