import type { Db } from './store.ts';
import { Prisma, type IdentityKind } from '@switchboard/db';
import { uuidv7 } from './ids.ts';

type IdentityInput = { kind: IdentityKind; address: string; verified: boolean };

/** A contact to create with its identities, in one statement (contactsRepo.createWithIdentities, ingestRepo.append). */
export interface NewContact {
  id: string;
  workspaceId: string;
  name: string | null;
  company: string | null;
  attributes: Prisma.InputJsonValue;
  /** Stored as they are: an address somebody holds already fails the statement (unique violation). */
  strict: IdentityInput[];
  /** Skipped where somebody holds the address already. */
  lenient: IdentityInput[];
}

/** unnest()-ready columns of identity rows (ids generated here, like Prisma's uuid(7) default). */
const identityColumns = (identities: IdentityInput[]) => ({
  ids: identities.map(() => uuidv7()),
  kinds: identities.map((i) => i.kind as string),
  addresses: identities.map((i) => i.address),
  verified: identities.map((i) => i.verified),
});

const withIdentities = { identities: { orderBy: { createdAt: 'asc' } } } as const;

export type ContactRow = NonNullable<Awaited<ReturnType<typeof contactsRepo.get>>>;

export const contactsRepo = {
  get: (db: Db, workspaceId: string, id: string) =>
    db.contact.findFirst({ where: { workspaceId, id }, include: withIdentities }),
  /**
   * Keyset page ordered by (updatedAt desc, id desc). `q` searches name and company
   * (case-insensitive) and identity addresses (`addresses`: the normalized forms of q).
   * `inboxIds` (access already applied) keeps only contacts with a conversation in one of them.
   */
  list: (
    db: Db,
    workspaceId: string,
    opts: { limit: number; after?: { updatedAt: Date; id: string }; q?: string; addresses?: string[]; ids?: string[]; inboxIds?: string[] | null },
  ) => {
    const and: Prisma.ContactWhereInput[] = [];
    if (opts.ids) and.push({ id: { in: opts.ids } });
    if (opts.inboxIds) and.push({ conversations: { some: { inboxId: { in: opts.inboxIds } } } });
    if (opts.q) {
      const addresses = [...new Set([opts.q.toLowerCase(), ...(opts.addresses ?? [])])];
      and.push({
        OR: [
          { name: { contains: opts.q, mode: 'insensitive' } },
          { company: { contains: opts.q, mode: 'insensitive' } },
          ...addresses.map((a) => ({ identities: { some: { address: { contains: a } } } })),
        ],
      });
    }
    if (opts.after) {
      and.push({
        OR: [{ updatedAt: { lt: opts.after.updatedAt } }, { updatedAt: opts.after.updatedAt, id: { lt: opts.after.id } }],
      });
    }
    return db.contact.findMany({
      where: { workspaceId, AND: and },
      include: withIdentities,
      orderBy: [{ updatedAt: 'desc' }, { id: 'desc' }],
      take: opts.limit,
    });
  },
  /** Whether the contact has a conversation in one of these inboxes. */
  hasConversationIn: async (db: Db, workspaceId: string, contactId: string, inboxIds: string[]) =>
    inboxIds.length > 0 &&
    (await db.conversation.count({ where: { workspaceId, contactId, inboxId: { in: inboxIds } }, take: 1 })) > 0,
  create: (
    db: Db,
    data: { workspaceId: string; name?: string | null; company?: string | null; attributes?: Prisma.InputJsonValue },
  ) => db.contact.create({ data }),
  update: (
    db: Db,
    workspaceId: string,
    id: string,
    data: { name?: string | null; company?: string | null; attributes?: Prisma.InputJsonValue },
  ) => db.contact.update({ where: { id, workspaceId }, data, include: withIdentities }),
  /** The workspace's identities among `keys`, with their contact's name. One raw query (runs in sql-only transactions). */
  async findIdentities(db: Db, workspaceId: string, keys: Array<{ kind: IdentityKind; address: string }>) {
    if (keys.length === 0) return [];
    return db.$queryRaw<Array<{ kind: IdentityKind; address: string; contactId: string; contactName: string | null }>>`
      SELECT i.kind::text AS kind, i.address, i."contactId", c.name AS "contactName"
      FROM unnest(${keys.map((k) => k.kind as string)}::text[], ${keys.map((k) => k.address)}::text[]) AS k(kind, address)
      JOIN "ContactIdentity" i ON i."workspaceId" = ${workspaceId}::uuid AND i.kind = k.kind::"IdentityKind" AND i.address = k.address
      JOIN "Contact" c ON c.id = i."contactId"`;
  },
  /**
   * One raw statement (so it also runs in sql-only transactions). `strict`: a taken address raises a unique
   * violation; otherwise taken addresses are skipped. `count`: identities added.
   */
  async addIdentities(
    db: Db,
    workspaceId: string,
    contactId: string,
    identities: Array<{ kind: IdentityKind; address: string; verified: boolean }>,
    opts: { strict?: boolean } = {},
  ): Promise<{ count: number }> {
    if (identities.length === 0) return { count: 0 };
    const c = identityColumns(identities);
    const now = new Date();
    const count = opts.strict
      ? await db.$executeRaw`/* prepare: */
          INSERT INTO "ContactIdentity" (id, "workspaceId", "contactId", kind, address, verified, "createdAt")
          SELECT i.id, ${workspaceId}::uuid, ${contactId}::uuid, i.kind::"IdentityKind", i.address, i.verified, ${now}
          FROM unnest(${c.ids}::uuid[], ${c.kinds}::text[], ${c.addresses}::text[], ${c.verified}::boolean[]) WITH ORDINALITY AS i(id, kind, address, verified, n)
          ORDER BY i.n`
      : await db.$executeRaw`/* prepare: */
          INSERT INTO "ContactIdentity" (id, "workspaceId", "contactId", kind, address, verified, "createdAt")
          SELECT i.id, ${workspaceId}::uuid, ${contactId}::uuid, i.kind::"IdentityKind", i.address, i.verified, ${now}
          FROM unnest(${c.ids}::uuid[], ${c.kinds}::text[], ${c.addresses}::text[], ${c.verified}::boolean[]) WITH ORDINALITY AS i(id, kind, address, verified, n)
          ORDER BY i.n
          ON CONFLICT DO NOTHING`;
    return { count };
  },
  /**
   * Ingest, one query: a new contact with its `strict` identities (a taken address raises a unique violation)
   * and its `lenient` ones (taken addresses are skipped). Returns the contact's id.
   */
  async createWithIdentities(
    db: Db,
    data: { workspaceId: string; name: string | null; company: string | null; attributes: Prisma.InputJsonValue },
    strict: IdentityInput[],
    lenient: IdentityInput[],
  ): Promise<string> {
    const id = uuidv7();
    await contactsRepo.insert(db, { id, ...data, strict, lenient });
    return id;
  },
  /** Inserts a planned contact with its identities (as createWithIdentities). */
  async insert(db: Db, contact: NewContact): Promise<void> {
    await db.$queryRaw`/* prepare: */ WITH ${newContactCtes(contact, new Date())} SELECT 1 AS done`;
  },
  /**
   * A consent keyword (SMS STOP / START / HELP) on an identity, one raw statement (runs in the sql-only ingest
   * transaction): `opted_out` sets `optedOutAt` (an earlier opt-out keeps its date), `opted_in` clears it, `help`
   * changes nothing but the record. `metadata.consent` keeps the last keyword, where and when. Returns rows changed.
   */
  /**
   * Records a consent keyword on an identity, per channel: `metadata.optOuts` maps the channel (the inbox kind the
   * keyword came in on; `*` when unknown, and for opt-outs recorded before channels were) to when it opted out.
   * STOP adds the channel (keeping an earlier date), START removes it and `*`; `optedOutAt` is the earliest
   * opt-out left (null: none). `metadata.consent` keeps the last keyword.
   */
  recordConsent: (
    db: Db,
    workspaceId: string,
    identity: { kind: IdentityKind; address: string },
    consent: { change: 'opted_out' | 'opted_in' | 'help'; keyword: string; inboxId: string; at: Date; channel: string | null },
  ) => db.$executeRaw`/* prepare: */
      WITH cur AS (
        SELECT id, COALESCE(metadata->'optOuts', CASE WHEN "optedOutAt" IS NULL THEN '{}'::jsonb
                   ELSE jsonb_build_object('*', to_char("optedOutAt", 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')) END) AS m
        FROM "ContactIdentity"
        WHERE "workspaceId" = ${workspaceId}::uuid AND kind = ${identity.kind}::"IdentityKind" AND address = ${identity.address}
      ), nxt AS (
        SELECT id, CASE ${consent.change}::text
                     WHEN 'opted_out' THEN (CASE WHEN m ? ${consent.channel ?? '*'}::text THEN m ELSE m || jsonb_build_object(${consent.channel ?? '*'}::text, ${consent.at.toISOString()}::text) END)
                     WHEN 'opted_in' THEN m - ${consent.channel ?? '*'}::text - '*'
                     ELSE m END AS m
        FROM cur
      )
      UPDATE "ContactIdentity" i SET
        "optedOutAt" = (SELECT min(v::timestamptz) AT TIME ZONE 'UTC' FROM jsonb_each_text(nxt.m) AS e(k, v)),
        metadata = i.metadata || jsonb_build_object('optOuts', nxt.m, 'consent', jsonb_build_object(
          'change', ${consent.change}::text, 'keyword', ${consent.keyword}::text, 'inboxId', ${consent.inboxId}::text, 'at', ${consent.at.toISOString()}::text))
      FROM nxt WHERE i.id = nxt.id`,
  /**
   * A name (and attributes, merged per top-level key) a provider told about the contact, only while its name is
   * still empty: an agent's edit or a later message's name wins. Returns whether it changed.
   */
  fillProfile: async (db: Db, workspaceId: string, id: string, profile: { name: string; attributes: Record<string, unknown> }): Promise<boolean> =>
    (await db.$executeRaw`
      UPDATE "Contact" SET name = ${profile.name}, attributes = attributes || ${JSON.stringify(profile.attributes)}::jsonb, "updatedAt" = ${new Date()}
      WHERE "workspaceId" = ${workspaceId}::uuid AND id = ${id}::uuid AND (name IS NULL OR btrim(name) = '')`) > 0,
  identity: (db: Db, workspaceId: string, kind: IdentityKind, address: string) =>
    db.contactIdentity.findUnique({ where: { workspaceId_kind_address: { workspaceId, kind, address } } }),
  deleteIdentity: (db: Db, workspaceId: string, contactId: string, id: string) =>
    db.contactIdentity.deleteMany({ where: { workspaceId, contactId, id } }),
};

/**
 * WITH-list entries that insert `c` with its identities: `new_contact`, `strict_identities`, `lenient_identities`
 * (the strict ones first, so a lenient duplicate of one is the one skipped). For statements that go on to use
 * the contact: its row exists for their foreign keys, which are checked at the end of the statement.
 */
export function newContactCtes(c: NewContact, now: Date): Prisma.Sql {
  const s = identityColumns(c.strict);
  const l = identityColumns(c.lenient);
  return Prisma.sql`new_contact AS (
        INSERT INTO "Contact" (id, "workspaceId", name, company, attributes, "createdAt", "updatedAt")
        VALUES (${c.id}::uuid, ${c.workspaceId}::uuid, ${c.name}, ${c.company}, ${JSON.stringify(c.attributes)}::jsonb, ${now}, ${now})
        RETURNING id
      ), strict_identities AS (
        INSERT INTO "ContactIdentity" (id, "workspaceId", "contactId", kind, address, verified, "createdAt")
        SELECT i.id, ${c.workspaceId}::uuid, (SELECT id FROM new_contact), i.kind::"IdentityKind", i.address, i.verified, ${now}
        FROM unnest(${s.ids}::uuid[], ${s.kinds}::text[], ${s.addresses}::text[], ${s.verified}::boolean[]) AS i(id, kind, address, verified)
        RETURNING 1
      ), lenient_identities AS (
        INSERT INTO "ContactIdentity" (id, "workspaceId", "contactId", kind, address, verified, "createdAt")
        SELECT i.id, ${c.workspaceId}::uuid, (SELECT id FROM new_contact), i.kind::"IdentityKind", i.address, i.verified, ${now}
        FROM unnest(${l.ids}::uuid[], ${l.kinds}::text[], ${l.addresses}::text[], ${l.verified}::boolean[]) AS i(id, kind, address, verified)
        WHERE (SELECT count(*) FROM strict_identities) >= 0
        ON CONFLICT DO NOTHING
        RETURNING 1
      )`;
}
