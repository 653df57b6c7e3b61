// The history a running install has before the measured window: resolved conversations, each with its contact (one
// email identity) and two messages, written in bulk SQL (seconds for tens of thousands). Ingest is measured on tables
// of a realistic size, planned with statistics of that size, instead of on tables that grow several times over
// during the window from a few hundred warm-up rows (where a plan made for a tiny table, e.g. a scan of a whole
// index, stays cached). The raw baseline gets the same number of rows in its own tables (raw-pg-baseline.ts).
import pg from 'pg';

/** Conversations of history per ingest scenario on PostgreSQL unless `--history=N` says otherwise. */
export const DEFAULT_HISTORY = 20_000;

const HISTORY_TEXTS = ['Where is my parcel? It should have arrived by now.', 'We sent it again this morning, here is the new tracking number.'];

/**
 * Seeds `count` resolved conversations into the newest inbox of the database at `url` (the one the scenario just
 * created), numbered after the workspace's counter, then runs ANALYZE. Ids and addresses are derived from
 * `history-<n>`, so they never meet the bench's own contacts.
 */
export async function seedHistory(url: string, count: number): Promise<void> {
  if (count <= 0) return;
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const inbox = (await client.query<{ id: string; workspaceId: string }>('SELECT id, "workspaceId" FROM "Inbox" ORDER BY "createdAt" DESC LIMIT 1')).rows[0];
    if (!inbox) throw new Error('seedHistory: no inbox to seed');
    await client.query('BEGIN');
    const base = (
      await client.query<{ base: number }>(
        'UPDATE "Workspace" SET "conversationCounter" = "conversationCounter" + $1::int WHERE id = $2::uuid RETURNING "conversationCounter" - $1::int AS base',
        [count, inbox.workspaceId],
      )
    ).rows[0]?.base;
    // g = 1..count; conversation g was active g minutes before now (the newest history is the most recent).
    const series = (countParam: string) => `FROM generate_series(1, ${countParam}::int) g, LATERAL (SELECT now()::timestamp(3) - make_interval(mins => g) AS at) t`;
    await client.query(
      `INSERT INTO "Contact" (id, "workspaceId", name, attributes, "createdAt", "updatedAt")
       SELECT md5('history-contact-' || g)::uuid, $1::uuid, 'History customer ' || g, '{}', t.at, t.at ${series('$2')}`,
      [inbox.workspaceId, count],
    );
    await client.query(
      `INSERT INTO "ContactIdentity" (id, "workspaceId", "contactId", kind, address, "createdAt")
       SELECT md5('history-identity-' || g)::uuid, $1::uuid, md5('history-contact-' || g)::uuid, 'email', 'history' || g || '@bench.example', t.at ${series('$2')}`,
      [inbox.workspaceId, count],
    );
    await client.query(
      `INSERT INTO "Conversation" (id, "workspaceId", number, "inboxId", "contactId", status, subject, "lastActivityAt", "resolvedAt",
                                   "firstResponseAt", "lastMessagePreview", "lastInboundAt", "createdAt", "updatedAt")
       SELECT md5('history-conversation-' || g)::uuid, $1::uuid, $4::int + g, $2::uuid, md5('history-contact-' || g)::uuid, 'resolved',
              'Parcel ' || g, t.at, t.at, t.at, $5, t.at - interval '5 minutes', t.at - interval '10 minutes', t.at ${series('$3')}`,
      [inbox.workspaceId, inbox.id, count, base ?? 0, HISTORY_TEXTS[1]],
    );
    await client.query(
      `INSERT INTO "Message" (id, "workspaceId", "conversationId", "inboxId", direction, kind, "authorType", "authorContactId",
                              text, "providerMessageId", "deliveryStatus", metadata, "createdAt", "updatedAt")
       SELECT md5('history-message-' || g || '-' || k)::uuid, $1::uuid, md5('history-conversation-' || g)::uuid, $2::uuid,
              (CASE k WHEN 0 THEN 'in' ELSE 'out' END)::"Direction", 'message', (CASE k WHEN 0 THEN 'contact' ELSE 'system' END)::"AuthorType",
              CASE k WHEN 0 THEN md5('history-contact-' || g)::uuid END, CASE k WHEN 0 THEN $4 ELSE $5 END, 'history-' || g || '-' || k,
              (CASE k WHEN 0 THEN NULL ELSE 'delivered' END)::"DeliveryStatus", '{}', t.at - make_interval(mins => 10 - 5 * k), t.at ${series('$3')}, generate_series(0, 1) k`,
      [inbox.workspaceId, inbox.id, count, ...HISTORY_TEXTS],
    );
    await client.query('COMMIT');
    await client.query('ANALYZE');
  } catch (err) {
    await client.query('ROLLBACK').catch(() => {});
    throw err;
  } finally {
    await client.end();
  }
}
