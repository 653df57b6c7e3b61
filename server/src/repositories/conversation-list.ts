// The conversation list (GET /api/conversations): filters, full-text search and the two keyset orders,
// in raw SQL so that search can use the full-text GIN expression indexes (migration list_sort_search)
// that Prisma's query builder cannot express.
import { Prisma } from '@switchboard/db';
import { conversationSelect, type ConversationFilter, type ConversationRow, conversationFromRow } from './conversations.ts';
import type { Db } from './store.ts';

export interface Keyset {
  at: Date;
  id: string;
}

const uuid = (id: string) => Prisma.sql`${id}::uuid`;

/**
 * The search as tsquery text: every word of `q`, as the 'simple' parser splits it, as a prefix, all
 * required (`'anna':* & 'berg':*`); null when `q` has no words. Computed in its own statement so the
 * list query gets it as a value: the planner then estimates the match counts from the lexeme statistics
 * (a rare name: index lookups; a word in every message: another plan) instead of guessing.
 */
async function tsQueryText(db: Db, q: string): Promise<string | null> {
  const rows = await db.$queryRaw<Array<{ q: string | null }>>`
    SELECT string_agg(quote_literal(w) || ':*', ' & ') AS q FROM unnest(tsvector_to_array(to_tsvector('simple', ${q}))) AS w`;
  return rows[0]?.q ?? null;
}

/**
 * Conversations whose contact's name, email or phone, subject, or a message or note matches. Each
 * expression is the one its index was created with (see the migration), or the planner cannot use it.
 * The matches become arrays first (contacts, then conversation ids), so conversations are found through
 * the contactId and primary key indexes: a join would let the planner read every conversation of the
 * view when it overestimates the matches (it cannot know how many words start with a prefix).
 * The cost grows with the number of matches: a word found in most messages is the slow case.
 */
function searchCondition(workspaceId: string, tsquery: string | null): Prisma.Sql {
  if (tsquery === null) return Prisma.sql`FALSE`;
  const ws = uuid(workspaceId);
  const query = Prisma.sql`to_tsquery('simple', ${tsquery})`;
  return Prisma.sql`c.id = ANY(ARRAY(
    SELECT s.id FROM "Conversation" s
      WHERE s."workspaceId" = ${ws} AND to_tsvector('simple'::regconfig, COALESCE(s.subject, '')) @@ ${query}
    UNION
    SELECT m."conversationId" FROM "Message" m
      WHERE m."workspaceId" = ${ws} AND m.kind <> 'activity'::"MessageKind" AND to_tsvector('simple'::regconfig, m.text) @@ ${query}
    UNION
    SELECT k.id FROM "Conversation" k WHERE k."contactId" = ANY(ARRAY(
      SELECT ct.id FROM "Contact" ct
        WHERE ct."workspaceId" = ${ws} AND to_tsvector('simple'::regconfig, COALESCE(ct.name, '')) @@ ${query}
      UNION
      SELECT ci."contactId" FROM "ContactIdentity" ci
        WHERE ci."workspaceId" = ${ws} AND ci.kind IN ('email'::"IdentityKind", 'phone'::"IdentityKind")
          AND to_tsvector('simple'::regconfig, ci.address || ' ' || replace(ci.address, '@', ' ')) @@ ${query}
    ))
  ))`;
}

async function conditions(db: Db, workspaceId: string, f: ConversationFilter): Promise<Prisma.Sql[]> {
  const where = [Prisma.sql`c."workspaceId" = ${uuid(workspaceId)}`];
  if (f.inboxIds) where.push(f.inboxIds.length ? Prisma.sql`c."inboxId" IN (${Prisma.join(f.inboxIds.map(uuid))})` : Prisma.sql`FALSE`);
  if (f.inboxId) where.push(Prisma.sql`c."inboxId" = ${uuid(f.inboxId)}`);
  if (f.status?.length) where.push(Prisma.sql`c.status IN (${Prisma.join(f.status.map((s) => Prisma.sql`${s}::"ConversationStatus"`))})`);
  if (f.assigneeId !== undefined) where.push(f.assigneeId === null ? Prisma.sql`c."assigneeId" IS NULL` : Prisma.sql`c."assigneeId" = ${uuid(f.assigneeId)}`);
  if (f.teamId !== undefined) where.push(f.teamId === null ? Prisma.sql`c."teamId" IS NULL` : Prisma.sql`c."teamId" = ${uuid(f.teamId)}`);
  if (f.contactId) where.push(Prisma.sql`c."contactId" = ${uuid(f.contactId)}`);
  if (f.labelId) where.push(Prisma.sql`EXISTS (SELECT 1 FROM "ConversationLabel" cl WHERE cl."conversationId" = c.id AND cl."labelId" = ${uuid(f.labelId)})`);
  if (f.search) where.push(searchCondition(workspaceId, await tsQueryText(db, f.search)));
  return where;
}

/**
 * One page: the conversations are picked, ordered and limited first, and only the page's rows are then
 * joined with their contact and label names (else a search that matches many would load all of theirs).
 */
async function select(db: Db, where: Prisma.Sql[], orderBy: Prisma.Sql, limit: number): Promise<ConversationRow[]> {
  const rows = await db.$queryRaw<Array<Record<string, unknown>>>`
    SELECT ${conversationSelect}
    FROM (SELECT c.* FROM "Conversation" c WHERE ${Prisma.join(where, ' AND ')} ORDER BY ${orderBy} LIMIT ${limit}) c
    JOIN "Contact" ct ON ct.id = c."contactId"
    ORDER BY ${orderBy}`;
  return rows.map(conversationFromRow);
}

export const conversationListRepo = {
  /** Newest activity first: keyset on (lastActivityAt desc, id desc). `notWaiting`: only conversations nobody waits on. */
  async byActivity(db: Db, workspaceId: string, f: ConversationFilter, limit: number, after?: Keyset, opts: { notWaiting?: boolean } = {}) {
    const where = await conditions(db, workspaceId, f);
    if (opts.notWaiting) where.push(Prisma.sql`c."waitingSince" IS NULL`);
    if (after) where.push(Prisma.sql`(c."lastActivityAt", c.id) < (${after.at}, ${uuid(after.id)})`);
    return select(db, where, Prisma.sql`c."lastActivityAt" DESC, c.id DESC`, limit);
  },
  /** Waiting customers only, the longest waiting first: keyset on (waitingSince asc, id asc). */
  async byWaiting(db: Db, workspaceId: string, f: ConversationFilter, limit: number, after?: Keyset) {
    const where = await conditions(db, workspaceId, f);
    where.push(Prisma.sql`c."waitingSince" IS NOT NULL`);
    if (after) where.push(Prisma.sql`(c."waitingSince", c.id) > (${after.at}, ${uuid(after.id)})`);
    return select(db, where, Prisma.sql`c."waitingSince" ASC, c.id ASC`, limit);
  },
  async count(db: Db, workspaceId: string, f: ConversationFilter): Promise<number> {
    const rows = await db.$queryRaw<Array<{ n: bigint | number }>>`
      SELECT count(*) AS n FROM "Conversation" c WHERE ${Prisma.join(await conditions(db, workspaceId, f), ' AND ')}`;
    return Number(rows[0]?.n ?? 0);
  },
};
