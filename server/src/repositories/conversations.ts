import type { Db } from './store.ts';
import { Prisma, type ConversationStatus, type Priority } from '@switchboard/db';
import { uuidv7 } from './ids.ts';

export const conversationInclude = {
  contact: { select: { id: true, name: true } },
  labels: { select: { label: { select: { name: true } } } },
} as const;

export type ConversationRow = Prisma.ConversationGetPayload<{ include: typeof conversationInclude }>;

/**
 * Ingest hot path: a ConversationRow in one round trip (Prisma loads each include with its own query):
 * every column of the conversation (listed by name, so the statement can stay prepared across migrations
 * that add columns; field names are column names, no @map), its contact's name and its label names.
 */
type RawConversation = Omit<ConversationRow, 'contact' | 'labels'> & { contactName: string | null; labelNames: string[] };

const columns = Object.values(Prisma.ConversationScalarFieldEnum).map((f) => `"${f}"`);
const conversationColumns = Prisma.raw(columns.map((c) => `c.${c}`).join(', '));
const returningColumns = Prisma.raw(columns.join(', '));
// Each label by its primary key: a join let generic plans hash the workspace's whole Label table per row.
const labelNames = Prisma.raw(
  `ARRAY(SELECT (SELECT l.name FROM "Label" l WHERE l.id = cl."labelId") FROM "ConversationLabel" cl WHERE cl."conversationId" = c.id) AS "labelNames"`,
);

export type NewConversationData = {
  workspaceId: string;
  number: number;
  inboxId: string;
  contactId: string;
  subject: string | null;
  threadKey: string | null;
  lastActivityAt: Date;
  waitingSince: Date | null;
  lastMessagePreview: string | null;
};

/** A new conversation's row as `conversationInsert` stores it: status open, priority none, no labels, a new id. */
export function newConversationRow(data: NewConversationData, contactName: string | null): ConversationRow {
  const now = new Date();
  return {
    ...data,
    id: uuidv7(),
    status: 'open',
    snoozedUntil: null,
    assigneeId: null,
    teamId: null,
    priority: 'none',
    firstResponseAt: null,
    lastInboundAt: null,
    resolvedAt: null,
    replyToken: null,
    createdAt: now,
    updatedAt: now,
    contact: { id: data.contactId, name: contactName },
    labels: [],
  };
}

/** The INSERT of a conversation row (the columns that differ from the table's defaults), for a WITH list or RETURNING. */
export function conversationInsert(c: ConversationRow): Prisma.Sql {
  return Prisma.sql`INSERT INTO "Conversation" (id, "workspaceId", number, "inboxId", "contactId", subject, "threadKey",
                                    "lastActivityAt", "waitingSince", "lastMessagePreview", "lastInboundAt", "createdAt", "updatedAt")
        VALUES (${c.id}::uuid, ${c.workspaceId}::uuid, ${c.number}, ${c.inboxId}::uuid, ${c.contactId}::uuid,
                ${c.subject}, ${c.threadKey}, ${c.lastActivityAt}, ${c.waitingSince}, ${c.lastMessagePreview}, ${c.lastInboundAt},
                ${c.createdAt}, ${c.updatedAt})`;
}

function fromRaw(r: RawConversation): ConversationRow {
  const { contactName, labelNames: names, ...c } = r;
  return { ...c, contact: { id: c.contactId, name: contactName }, labels: names.map((name) => ({ label: { name } })) };
}

/**
 * For statements that read a conversation beside other columns (ingestRepo.probe): the select list (the
 * conversation aliased `c`, its contact `ct`) and the ConversationRow picked back out of such a row.
 */
export const conversationColumnsSql = conversationColumns;
export const conversationSelect = Prisma.sql`${conversationColumns}, ct.name AS "contactName", ${labelNames}`;
export function conversationFromRow(row: Record<string, unknown>): ConversationRow {
  const picked: Record<string, unknown> = { contactName: row.contactName, labelNames: row.labelNames };
  for (const f of Object.values(Prisma.ConversationScalarFieldEnum)) picked[f] = row[f];
  return fromRaw(picked as RawConversation);
}

export interface ConversationFilter {
  /** null = every inbox of the workspace; otherwise only these (access already applied). */
  inboxIds: string[] | null;
  status?: ConversationStatus[];
  assigneeId?: string | null;
  teamId?: string | null;
  inboxId?: string;
  labelId?: string;
  contactId?: string;
  /** Full-text search over contact name, email, phone, subject and messages (see conversation-list.ts). */
  search?: string;
}

export const conversationsRepo = {
  /** Id and inbox of each of these conversations that exists in the workspace (bulk changes check access with them). */
  inboxesOf: (db: Db, workspaceId: string, ids: string[]) =>
    db.conversation.findMany({ where: { workspaceId, id: { in: ids } }, select: { id: true, inboxId: true } }),
  /** One raw query (Prisma loads each include with its own), so it also runs in sql-only transactions. */
  async get(db: Db, workspaceId: string, id: string): Promise<ConversationRow | null> {
    const rows = await db.$queryRaw<RawConversation[]>`/* prepare: */
      SELECT ${conversationColumns}, ct.name AS "contactName", ${labelNames}
      FROM "Conversation" c JOIN "Contact" ct ON ct.id = c."contactId"
      WHERE c.id = ${id}::uuid AND c."workspaceId" = ${workspaceId}::uuid`;
    return rows[0] ? fromRaw(rows[0]) : null;
  },
  getForUpdate: async (db: Db, workspaceId: string, id: string) => {
    await db.$executeRaw`SELECT 1 FROM "Conversation" WHERE id = ${id}::uuid AND "workspaceId" = ${workspaceId}::uuid FOR UPDATE`;
    return db.conversation.findFirst({ where: { workspaceId, id }, include: conversationInclude });
  },
  /** The newest conversation of a thread in an inbox (any status). Ingest hot path: one query. */
  async latestForThread(db: Db, inboxId: string, threadKey: string): Promise<ConversationRow | null> {
    const rows = await db.$queryRaw<RawConversation[]>`/* prepare: */
      SELECT ${conversationColumns}, ct.name AS "contactName", ${labelNames}
      FROM "Conversation" c JOIN "Contact" ct ON ct.id = c."contactId"
      WHERE c."inboxId" = ${inboxId}::uuid AND c."threadKey" = ${threadKey}
      ORDER BY c."lastActivityAt" DESC LIMIT 1`;
    return rows[0] ? fromRaw(rows[0]) : null;
  },
  /**
   * The contact's newest conversation in an inbox that has no thread key (any status; a thread's conversation
   * belongs to its thread). Ingest hot path: one query.
   * The contact's conversations are read through the (contactId, lastActivityAt) index and only then
   * filtered by inbox: left to itself, a planner without statistics (PGlite never analyzes; PostgreSQL
   * until autovacuum first does) ANDs in the (inboxId, threadKey) index and reads every conversation of
   * the inbox for each message.
   */
  async latestForContact(db: Db, inboxId: string, contactId: string): Promise<ConversationRow | null> {
    const rows = await db.$queryRaw<RawConversation[]>`/* prepare: */
      WITH theirs AS MATERIALIZED (
        SELECT ${conversationColumns} FROM "Conversation" c WHERE c."contactId" = ${contactId}::uuid
      )
      SELECT ${conversationColumns}, ct.name AS "contactName", ${labelNames}
      FROM theirs c JOIN "Contact" ct ON ct.id = c."contactId"
      WHERE c."inboxId" = ${inboxId}::uuid AND c."threadKey" IS NULL
      ORDER BY c."lastActivityAt" DESC LIMIT 1`;
    return rows[0] ? fromRaw(rows[0]) : null;
  },
  /** Inserts a conversation (status open, priority none, no labels) and returns it with its contact, in one query. */
  async create(db: Db, data: NewConversationData): Promise<ConversationRow> {
    const rows = await db.$queryRaw<RawConversation[]>`/* prepare: */
      WITH c AS (
        ${conversationInsert(newConversationRow(data, null))}
        RETURNING ${returningColumns}
      )
      SELECT ${conversationColumns}, ct.name AS "contactName", ARRAY[]::text[] AS "labelNames"
      FROM c JOIN "Contact" ct ON ct.id = c."contactId"`;
    const row = rows[0];
    if (!row) throw new Error(`conversation insert returned nothing (contact ${data.contactId})`);
    return fromRaw(row);
  },
  update: (
    db: Db,
    workspaceId: string,
    id: string,
    data: Partial<{
      status: ConversationStatus;
      snoozedUntil: Date | null;
      assigneeId: string | null;
      teamId: string | null;
      priority: Priority;
      subject: string | null;
      lastActivityAt: Date;
      waitingSince: Date | null;
      firstResponseAt: Date;
      resolvedAt: Date | null;
      lastMessagePreview: string | null;
    }>,
  ) => db.conversation.update({ where: { id, workspaceId }, data, include: conversationInclude }),
  async setLabels(db: Db, workspaceId: string, conversationId: string, labelIds: string[]) {
    await db.conversationLabel.deleteMany({ where: { workspaceId, conversationId, labelId: { notIn: labelIds } } });
    await db.conversationLabel.createMany({
      data: labelIds.map((labelId) => ({ workspaceId, conversationId, labelId })),
      skipDuplicates: true,
    });
  },
  /** Snoozed conversations whose time has come (any workspace). */
  dueSnoozed: (db: Db, now: Date, limit: number) =>
    db.conversation.findMany({
      where: { status: 'snoozed', snoozedUntil: { lte: now } },
      select: { id: true, workspaceId: true },
      take: limit,
    }),
};
