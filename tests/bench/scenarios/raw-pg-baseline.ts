// The ceiling to compare ingest with: what this PostgreSQL does for "one message" when nothing but the
// database is involved. Per message one transaction with three INSERTs (contact, conversation, message,
// each RETURNING its id for the next), through a pg Pool the size the app uses, `concurrency` in flight.
// No HTTP, no ORM, no lookups: the app's path can only be slower; the ratio says by how much.
import pg from 'pg';
import { DEFAULT_POOL_SIZE } from '@switchboard/db';
import { createTestDatabase } from '@switchboard/db/testing';
import { backendPids, cpuSampler } from '../lib/cpu.ts';
import { percentile, runLoad } from '../lib/load.ts';
import type { BenchOptions, BenchRow, Scenario } from '../types.ts';

export const RAW_BASELINE_ID = 'raw-pg-baseline';

const SCHEMA = `
  CREATE SCHEMA bench_raw;
  CREATE TABLE bench_raw.contact (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    workspace_id uuid NOT NULL,
    name text,
    attributes jsonb NOT NULL DEFAULT '{}',
    created_at timestamptz NOT NULL DEFAULT now()
  );
  CREATE TABLE bench_raw.conversation (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    workspace_id uuid NOT NULL,
    contact_id uuid NOT NULL REFERENCES bench_raw.contact(id),
    status text NOT NULL DEFAULT 'open',
    last_activity_at timestamptz NOT NULL DEFAULT now(),
    last_message_preview text
  );
  CREATE INDEX ON bench_raw.conversation (contact_id, last_activity_at DESC);
  CREATE TABLE bench_raw.message (
    id uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    workspace_id uuid NOT NULL,
    conversation_id uuid NOT NULL REFERENCES bench_raw.conversation(id),
    provider_message_id text NOT NULL UNIQUE,
    text text NOT NULL,
    metadata jsonb NOT NULL DEFAULT '{}',
    created_at timestamptz NOT NULL DEFAULT now()
  );
  CREATE INDEX ON bench_raw.message (conversation_id, created_at, id);
`;

async function insertOne(pool: pg.Pool, workspaceId: string, key: string): Promise<void> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN');
    const contact = await client.query<{ id: string }>(
      'INSERT INTO bench_raw.contact (workspace_id, name, attributes) VALUES ($1, $2, $3) RETURNING id',
      [workspaceId, `Contact ${key}`, { plan: 'pro' }],
    );
    const conversation = await client.query<{ id: string }>(
      'INSERT INTO bench_raw.conversation (workspace_id, contact_id, last_message_preview) VALUES ($1, $2, $3) RETURNING id',
      [workspaceId, contact.rows[0]?.id, 'Hello, where is my order?'],
    );
    await client.query(
      'INSERT INTO bench_raw.message (workspace_id, conversation_id, provider_message_id, text, metadata) VALUES ($1, $2, $3, $4, $5)',
      [workspaceId, conversation.rows[0]?.id, key, `Hello, where is my order ${key}? It was due last week.`, { orderId: key }],
    );
    await client.query('COMMIT');
  } catch (err) {
    await client.query('ROLLBACK').catch(() => {});
    throw err;
  } finally {
    client.release();
  }
}

export const rawPgBaseline: Scenario = {
  name: 'raw pg baseline',
  async run(opts: BenchOptions): Promise<BenchRow[]> {
    const db = await createTestDatabase('postgres');
    await db.close(); // only its (empty) database is used, through pg directly
    const pool = new pg.Pool({ connectionString: db.url, max: DEFAULT_POOL_SIZE });
    pool.on('error', (err) => opts.log(`  pg pool: idle connection failed: ${err.message}`));
    try {
      await pool.query(SCHEMA);
      const workspaceId = crypto.randomUUID();
      // As much history as the app's tables get (lib/history.ts): a contact, a conversation and two messages each.
      await pool.query(
        `WITH c AS (INSERT INTO bench_raw.contact (workspace_id, name) SELECT $1, 'History ' || g FROM generate_series(1, $2::int) g RETURNING id),
              v AS (INSERT INTO bench_raw.conversation (workspace_id, contact_id, status) SELECT $1, id, 'resolved' FROM c RETURNING id)
         INSERT INTO bench_raw.message (workspace_id, conversation_id, provider_message_id, text)
         SELECT $1, v.id, 'history-' || v.id || '-' || k, 'Where is my parcel?' FROM v, generate_series(0, 1) k`,
        [workspaceId, opts.history],
      );
      await pool.query('ANALYZE bench_raw.contact, bench_raw.conversation, bench_raw.message');
      const warm = Array.from({ length: opts.warmup }, (_, i) => `warm-${i}`);
      await runLoad(warm, opts.concurrency, (key) => insertOne(pool, workspaceId, key));
      // Three times the messages of the other rows: at its speed a 3,000-message window lasts about a second, too short to be steady.
      const keys = Array.from({ length: opts.messages * 3 }, (_, i) => `m-${i}`);
      opts.log(`raw pg baseline: ${keys.length} messages, concurrency ${opts.concurrency}, pool ${DEFAULT_POOL_SIZE}`);
      const cpu = cpuSampler(await backendPids(db.url ?? ''));
      const r = await runLoad(keys, opts.concurrency, (key) => insertOne(pool, workspaceId, key));
      const cpuMsPerUnit = { db: cpu.pids() / keys.length, client: cpu.self() / keys.length };
      const stored = Number((await pool.query<{ n: string }>("SELECT count(*) AS n FROM bench_raw.message WHERE provider_message_id LIKE 'm-%'")).rows[0]?.n);
      return [
        {
          id: RAW_BASELINE_ID,
          scenario: 'raw pg: 3 INSERTs/tx',
          store: 'postgres',
          messages: keys.length,
          seconds: r.seconds,
          rate: keys.length / r.seconds,
          p50Ms: percentile(r.latenciesMs, 50),
          p95Ms: percentile(r.latenciesMs, 95),
          errors: r.errors.length + Math.abs(keys.length - r.errors.length - stored),
          cpuMsPerUnit,
          notes: `pg Pool max ${DEFAULT_POOL_SIZE} (the app's default), concurrency ${opts.concurrency}, after ${opts.history} conversations of history, latency per transaction incl. pool wait`,
        },
      ];
    } finally {
      await pool.end();
      await db.drop();
    }
  },
};
