// Raw SQL for the ingest hot path (domain/ingest-service.ts). Each function is one round trip where the
// equivalent Prisma calls take several (Prisma loads every include with its own query). Works the same on
// PostgreSQL and PGlite.
import { Prisma, sqlState, type AuthorType, type Direction, type IdentityKind, type MessageKind } from '@switchboard/db';
import { newContactCtes, type NewContact } from './contacts.ts';
import { conversationColumnsSql, conversationFromRow, conversationInsert, conversationSelect, type ConversationRow } from './conversations.ts';
import type { NewEvent } from './events.ts';
import type { MessageRow } from './messages.ts';
import type { Db } from './store.ts';

const DIVISION_BY_ZERO = '22012';

export interface KnownIdentity {
  kind: IdentityKind;
  address: string;
  contactId: string;
  contactName: string | null;
}

export interface IngestProbe {
  /** With `checkInbox`: false when that inbox changed since (or was disabled or deleted). Else true. */
  inboxCurrent: boolean;
  /** Id of the message already stored under this provider id, if any. */
  seenMessageId: string | null;
  /** Which of the given identities the workspace knows, with their contact. */
  known: KnownIdentity[];
  /** With `lockContactIn`: the contact whose conversation lock this query took (null: none known). */
  lockedContactId: string | null;
  /** With `thread`: this query took the thread's conversation lock. */
  threadLocked: boolean;
  /**
   * With `lockContactIn` and `prefetch`: that contact's newest conversation without a thread key in the inbox, as
   * conversationsRepo.latestForContact returns it (with `thread`: the thread's, as latestForThread), but read
   * in the same statement, i.e. possibly before a concurrent holder of the lock committed. Only usable with
   * `version` passed to `append`, which then stores nothing unless the row is unchanged and still the newest
   * (else: retry without prefetch).
   */
  latest: { conversation: ConversationRow; version: string } | null;
}

/** Message columns a raw insert writes (the whole row: the caller builds the MessageRow it returns). */
export type InboundMessageRow = Omit<MessageRow, 'attachments' | 'authorUser' | 'authorContact'> & {
  direction: Direction;
  kind: MessageKind;
  authorType: AuthorType;
};

export interface ConversationTouch {
  id: string;
  workspaceId: string;
  lastActivityAt: Date;
  waitingSince: Date | null;
  lastMessagePreview: string | null;
  /** When the message was stored (server time): the conversation's lastInboundAt (unread counts). */
  lastInboundAt: Date;
  /** Reopen / wake up: status open, snoozedUntil and resolvedAt cleared. */
  reopen: boolean;
  updatedAt: Date;
  /**
   * The conversation was read by a prefetching probe: its `latest.version`. The append then only happens if
   * the row is still that version and still the contact's newest in the inbox (append returns false otherwise).
   */
  expectVersion?: string | null;
  /** With expectVersion: the contact (or thread) and inbox of the conversation (for the "still the newest" check). */
  contactId?: string;
  threadKey?: string;
  inboxId?: string;
  expectLastActivityAt?: Date;
}

export const ingestRepo = {
  /**
   * The idempotency check and the identity lookup, in one query. With `lockContactIn` (an inbox id; for
   * messages without a thread key) it also takes the conversation lock of the contact the identities
   * resolve to (the first known one, in the given order, as resolveContact decides; the key is
   * conversation-resolver.ts's `<inboxId>:contact:<contactId>`), saving the lock's
   * own round trip. Taking it before attaching new identities cannot deadlock: only transactions still
   * in this query, which hold nothing yet, wait for it.
   */
  async probe(
    db: Db,
    p: {
      workspaceId: string;
      inboxId: string;
      providerMessageId: string;
      identities: Array<{ kind: IdentityKind; address: string }>;
      lockContactIn?: string | null;
      /** With lockContactIn: also read that contact's newest conversation in the inbox (see IngestProbe.latest). */
      prefetch?: boolean;
      /**
       * Instead of lockContactIn, for a message with a thread key: take the thread's conversation lock (the key is
       * conversation-resolver.ts's `<inboxId>:<threadKey>`) and read its newest conversation (IngestProbe.latest,
       * whether or not `prefetch` is set).
       */
      thread?: { key: string } | null;
      /** An inbox as the caller read it (a cached copy, by its updatedAt): checked in the same query (inboxCurrent). */
      checkInbox?: { id: string; updatedAt: Date } | null;
    },
  ): Promise<IngestProbe> {
    const kinds = p.identities.map((i) => i.kind as string);
    const addresses = p.identities.map((i) => i.address);
    const lockIn = p.lockContactIn ?? null;
    // Shared by both variants below: the given identities the workspace knows (in the given order), and the
    // message already stored under this provider id. One unique-index lookup per identity, and one primary-key
    // lookup of its contact inside the same LATERAL … LIMIT 1: a plain join would let the planner (in a generic
    // plan, which cannot see the array's length) hash the workspace's whole identity or contact table instead,
    // once per message, a cost that grows with every contact (it was a third of the database's ingest CPU).
    const knownIdentities = Prisma.sql`
        SELECT k.kind, k.address, i."contactId", i."contactName", k.n
        FROM unnest(${kinds}::text[], ${addresses}::text[]) WITH ORDINALITY AS k(kind, address, n)
        CROSS JOIN LATERAL (
          SELECT i."contactId", c.name AS "contactName" FROM "ContactIdentity" i JOIN "Contact" c ON c.id = i."contactId"
          WHERE i."workspaceId" = ${p.workspaceId}::uuid AND i.kind = k.kind::"IdentityKind" AND i.address = k.address LIMIT 1
        ) i`;
    const check = p.checkInbox ?? null;
    const seenMessageAndKnown = Prisma.sql`
        ${check?.id ?? null}::uuid IS NULL OR EXISTS (
          SELECT 1 FROM "Inbox" x WHERE x.id = ${check?.id ?? null}::uuid AND x."updatedAt" = ${check?.updatedAt ?? null}::timestamp(3) AND x."disabledAt" IS NULL
        ) AS "inboxCurrent",
        (SELECT m.id FROM "Message" m WHERE m."inboxId" = ${p.inboxId}::uuid AND m."providerMessageId" = ${p.providerMessageId}) AS "seenMessageId",
        (SELECT json_agg(known ORDER BY n) FROM known) AS known`;
    type Row = { inboxCurrent: boolean; seenMessageId: string | null; known: Array<KnownIdentity & { n: number }> | null; lockedContactId: string | null; version: string | null } & Record<string, unknown>;
    const thread = p.thread ?? null;
    const rows = thread
      ? await db.$queryRaw<Row[]>`/* prepare: */
      WITH known AS MATERIALIZED (${knownIdentities}), locked AS MATERIALIZED (
        SELECT 1 AS held FROM (SELECT pg_advisory_xact_lock(hashtextextended(${p.inboxId}::text || ':' || ${thread.key}::text, 0))) l
      ), theirs AS MATERIALIZED (
        SELECT ${conversationColumnsSql}, c.xmin::text AS version FROM "Conversation" c
        WHERE c."inboxId" = ${p.inboxId}::uuid AND c."threadKey" = ${thread.key} AND EXISTS (SELECT 1 FROM locked)
      )
      SELECT
        ${seenMessageAndKnown},
        NULL::uuid AS "lockedContactId",
        latest.*
      FROM (SELECT 1) one LEFT JOIN LATERAL (
        SELECT ${conversationSelect}, c.version
        FROM theirs c JOIN "Contact" ct ON ct.id = c."contactId"
        ORDER BY c."lastActivityAt" DESC LIMIT 1
      ) latest ON true`
      : p.prefetch && lockIn
      ? await db.$queryRaw<Row[]>`/* prepare: */
      WITH known AS MATERIALIZED (${knownIdentities}), decided AS (
        SELECT "contactId" FROM known ORDER BY n LIMIT 1
      ), locked AS MATERIALIZED (
        SELECT d."contactId" FROM decided d, LATERAL (SELECT pg_advisory_xact_lock(hashtextextended(${lockIn}::text || ':contact:' || d."contactId"::text, 0))) l
      ), theirs AS MATERIALIZED (
        SELECT ${conversationColumnsSql}, c.xmin::text AS version FROM "Conversation" c WHERE c."contactId" = (SELECT "contactId" FROM locked)
      )
      SELECT
        ${seenMessageAndKnown},
        (SELECT "contactId" FROM locked) AS "lockedContactId",
        latest.*
      FROM (SELECT 1) one LEFT JOIN LATERAL (
        SELECT ${conversationSelect}, c.version
        FROM theirs c JOIN "Contact" ct ON ct.id = c."contactId"
        WHERE c."inboxId" = ${p.inboxId}::uuid AND c."threadKey" IS NULL
        ORDER BY c."lastActivityAt" DESC LIMIT 1
      ) latest ON true`
      : await db.$queryRaw<Row[]>`/* prepare: */
      WITH known AS MATERIALIZED (${knownIdentities}), decided AS (
        SELECT "contactId" FROM known WHERE ${lockIn}::text IS NOT NULL ORDER BY n LIMIT 1
      )
      SELECT
        ${seenMessageAndKnown},
        (SELECT d."contactId" FROM decided d, LATERAL (SELECT pg_advisory_xact_lock(hashtextextended(${lockIn}::text || ':contact:' || d."contactId"::text, 0))) l) AS "lockedContactId"`;
    const row = rows[0];
    const known = (row?.known ?? []).map(({ n: _n, ...k }) => k);
    const latest = row?.version != null ? { conversation: conversationFromRow(row), version: row.version } : null;
    return {
      inboxCurrent: row?.inboxCurrent !== false,
      seenMessageId: row?.seenMessageId ?? null,
      known,
      lockedContactId: row?.lockedContactId ?? null,
      threadLocked: thread !== null,
      latest,
    };
  },

  /**
   * Stores an inbound message, updates its conversation and appends the events, in one statement.
   * Throws when the conversation is gone (as Prisma's update would). With `conversation.expectVersion`:
   * returns false when the conversation changed or is no longer the contact's newest; true when stored.
   * Either way a conversation not updated makes the statement itself fail, so the transaction is rolled back
   * (the caller may send COMMIT right behind it: commitWithNext).
   *
   * A conversation given as `{ create }` is inserted instead, as that row (its final state: the message's
   * activity, preview and waiting time included), after the `contact` to create with it if any: a new
   * customer's first message is one statement.
   */
  async append(
    db: Db,
    message: InboundMessageRow,
    conversation: ConversationTouch | { create: ConversationRow; contact?: NewContact },
    events: NewEvent[],
  ): Promise<boolean> {
    const m = message;
    const writes = Prisma.sql`msg AS (${messageInsert(m)} RETURNING 1), ev AS (${eventsInsert(events, m.updatedAt)} RETURNING 1)`;
    // The last line divides by the number of conversations written: 0 fails the statement (division_by_zero).
    const outcome = Prisma.sql`SELECT 1 / (SELECT count(*) FROM conv)::int AS stored, (SELECT count(*) FROM msg)::int AS messages, (SELECT count(*) FROM ev)::int AS events`;
    if ('create' in conversation) {
      const { create, contact } = conversation;
      const now = new Date();
      await (contact
        ? db.$queryRaw`/* prepare: */
            WITH ${newContactCtes(contact, now)}, conv AS (${conversationInsert(create)} RETURNING 1), ${writes} ${outcome}`
        : db.$queryRaw`/* prepare: */ WITH conv AS (${conversationInsert(create)} RETURNING 1), ${writes} ${outcome}`);
      return true;
    }
    const c = conversation;
    // "Still the newest" of the contact's conversations without a thread in the inbox, or of the thread's.
    const sameKey =
      c.threadKey != null ? Prisma.sql`o."threadKey" = ${c.threadKey}` : Prisma.sql`o."contactId" = ${c.contactId ?? null}::uuid AND o."threadKey" IS NULL`;
    const stored = db.$queryRaw<Array<{ stored: number }>>`/* prepare: */
      WITH conv AS (
        UPDATE "Conversation" SET
          "lastActivityAt" = ${c.lastActivityAt},
          "waitingSince" = ${c.waitingSince},
          "lastMessagePreview" = ${c.lastMessagePreview},
          "lastInboundAt" = GREATEST("lastInboundAt", ${c.lastInboundAt}),
          status = CASE WHEN ${c.reopen} THEN 'open'::"ConversationStatus" ELSE status END,
          "snoozedUntil" = CASE WHEN ${c.reopen} THEN NULL ELSE "snoozedUntil" END,
          "resolvedAt" = CASE WHEN ${c.reopen} THEN NULL ELSE "resolvedAt" END,
          "updatedAt" = ${c.updatedAt}
        WHERE id = ${c.id}::uuid AND "workspaceId" = ${c.workspaceId}::uuid
          AND (${c.expectVersion ?? null}::text IS NULL OR (
            xmin = ${c.expectVersion ?? null}::text::xid
            AND NOT EXISTS (SELECT 1 FROM "Conversation" o WHERE ${sameKey} AND o."inboxId" = ${c.inboxId ?? null}::uuid
                            AND o.id <> ${c.id}::uuid AND o."lastActivityAt" >= ${c.expectLastActivityAt ?? null})))
        RETURNING 1
      ), ${writes}
      ${outcome}`;
    try {
      await stored;
      return true;
    } catch (err) {
      if (sqlState(err) !== DIVISION_BY_ZERO) throw err;
      if (c.expectVersion != null) return false;
      throw new Error(`conversation ${c.id} not found while storing message ${m.id}`, { cause: err });
    }
  },
};

/** The INSERT of an inbound message (for a WITH list). */
function messageInsert(m: InboundMessageRow): Prisma.Sql {
  return Prisma.sql`INSERT INTO "Message" (id, "workspaceId", "conversationId", "inboxId", direction, kind, "authorType", "authorContactId",
                               "authorUserId", text, html, "providerMessageId", "deliveryStatus", "deliveryError", metadata,
                               "createdAt", "updatedAt")
        VALUES (${m.id}::uuid, ${m.workspaceId}::uuid, ${m.conversationId}::uuid, ${m.inboxId}::uuid, ${m.direction}::"Direction",
                ${m.kind}::"MessageKind", ${m.authorType}::"AuthorType", ${m.authorContactId}::uuid, ${m.authorUserId}::uuid, ${m.text},
                ${m.html}, ${m.providerMessageId}, ${m.deliveryStatus}::"DeliveryStatus", ${m.deliveryError},
                ${JSON.stringify(m.metadata)}::jsonb, ${m.createdAt}, ${m.updatedAt})`;
}

/** The INSERT of events, in the given order (for a WITH list). */
function eventsInsert(events: NewEvent[], createdAt: Date): Prisma.Sql {
  const column = <T>(f: (e: NewEvent) => T) => events.map(f);
  return Prisma.sql`INSERT INTO "Event" ("workspaceId", type, "actorType", "actorId", "inboxId", "userId", "conversationId", payload, "createdAt")
        SELECT e."workspaceId", e.type, e."actorType"::"AuthorType", e."actorId", e."inboxId", e."userId", e."conversationId", e.payload::jsonb, ${createdAt}
        FROM unnest(${column((e) => e.workspaceId)}::uuid[], ${column((e) => e.type)}::text[], ${column((e) => e.actorType as string)}::text[],
                    ${column((e) => e.actorId ?? null)}::uuid[], ${column((e) => e.inboxId ?? null)}::uuid[], ${column((e) => e.userId ?? null)}::uuid[],
                    ${column((e) => e.conversationId ?? null)}::uuid[], ${column((e) => JSON.stringify(e.payload))}::text[])
             WITH ORDINALITY AS e("workspaceId", type, "actorType", "actorId", "inboxId", "userId", "conversationId", payload, n)
        ORDER BY e.n`;
}
