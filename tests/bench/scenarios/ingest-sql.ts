// Diagnostic row: the same ingest code (IngestService, its resolvers and raw-SQL repositories, so the same
// statements, locks and transaction) driven in this process over a bare `pg` Pool: no HTTP, no signature
// check, no Prisma, no relay or job worker. Beside the baseline and the HTTP row it splits the cost of
// ingest into "the data model and its SQL" and "the layers around it".
import { tmpdir } from 'node:os';
import pg from 'pg';
import { DEFAULT_POOL_SIZE, POOL_OPTIONS, rawSql } from '@switchboard/db';
import { createTestDatabase } from '@switchboard/db/testing';
import type { InboundMessage } from '@switchboard/channels';
import { IngestService } from '../../../server/src/domain/ingest-service.ts';
import { createLogger } from '../../../server/src/lib/logger.ts';
import { AttachmentService } from '../../../server/src/domain/attachments.ts';
import { AttachmentStore } from '../../../server/src/lib/attachment-store.ts';
import { JobQueue } from '../../../server/src/jobs/queue.ts';
import { Store } from '../../../server/src/repositories/store.ts';
import { backendPids, cpuSampler } from '../lib/cpu.ts';
import { seedHistory } from '../lib/history.ts';
import { percentile, runLoad, seededRandom, shuffle } from '../lib/load.ts';
import type { BenchOptions, BenchRow, Scenario } from '../types.ts';
import { RAW_BASELINE_ID } from './raw-pg-baseline.ts';

function messages(prefix: string, count: number, seed: number): InboundMessage[] {
  const out: InboundMessage[] = [];
  for (let i = 0; i < count; i++) {
    const c = Math.floor(i / 3);
    out.push({
      providerMessageId: `${prefix}-c${c}-m${i % 3}`,
      contact: {
        name: `Customer ${prefix} ${c}`,
        identities: [
          { kind: 'api', address: `inbox:${prefix}-cust-${c}`, verified: true },
          { kind: 'email', address: `${prefix}.customer${c}@bench.example` },
        ],
      },
      ...(c % 5 === 0 ? { threadKey: `${prefix}-order-${c}`, subject: `Order ${c}` } : {}),
      text: 'Hi, my order has not arrived yet. Could you check the tracking number for me?',
      attachments: [],
      occurredAt: new Date(),
      metadata: { orderId: 10_000 + c, channel: 'shop' },
    });
  }
  return shuffle(out, seededRandom(seed));
}

export const ingestSql: Scenario = {
  name: 'ingest sql',
  async run(opts: BenchOptions): Promise<BenchRow[]> {
    const db = await createTestDatabase('postgres');
    const workspace = await db.prisma.workspace.create({ data: { name: 'Bench', slug: 'bench' } });
    const inbox = await db.prisma.inbox.create({ data: { workspaceId: workspace.id, kind: 'api', name: 'Bench', publicToken: 'bench', settings: {} } });
    await db.close();
    await seedHistory(db.url ?? '', opts.history);
    const pool = new pg.Pool({ connectionString: db.url, max: DEFAULT_POOL_SIZE, ...POOL_OPTIONS }); // as openDatabase's pool
    pool.on('error', (err) => opts.log(`  pg pool: idle connection failed: ${err.message}`));
    try {
      // The server's Store over the bare pool: its raw-SQL transactions (pipelined BEGIN/COMMIT, retries) and
      // autocommit statements; the Prisma slot holds raw SQL too (the ingest path never uses the ORM).
      const store = new Store({ prisma: rawSql(pool) as never, kind: 'postgres', poolSize: DEFAULT_POOL_SIZE, pool });
      const log = createLogger('silent');
      // Bench messages carry no files: the attachment service and queue are wired but never used.
      const attachments = new AttachmentService(store, new AttachmentStore(tmpdir()), fetch);
      const ingest = new IngestService(store, log, attachments, new JobQueue(store, log));
      const target = { id: inbox.id, workspaceId: workspace.id, settings: {} };
      const send = async (m: InboundMessage) => {
        const r = await ingest.ingestOne(target, m);
        if (!r.created) throw new Error(`${m.providerMessageId} was not stored`);
      };
      const warm = await runLoad(messages('w', opts.warmup, 1), opts.concurrency, send);
      if (warm.errors.length) throw new Error(`warm-up failed: ${String(warm.errors[0]?.error)}`);
      await pool.query('ANALYZE');
      const batch = messages('m', opts.messages, 2);
      opts.log(`ingest sql: ${batch.length} messages over a pg Pool (no HTTP, no Prisma), concurrency ${opts.concurrency}`);
      const cpu = cpuSampler(await backendPids(db.url ?? ''));
      const r = await runLoad(batch, opts.concurrency, send);
      for (const e of r.errors.slice(0, 3)) opts.log(`  error: ${String(e.error)}`);
      return [
        {
          id: 'ingest-sql/postgres',
          scenario: 'ingest code over raw pg',
          store: 'postgres',
          messages: batch.length,
          seconds: r.seconds,
          rate: batch.length / r.seconds,
          baseline: RAW_BASELINE_ID,
          p50Ms: percentile(r.latenciesMs, 50),
          p95Ms: percentile(r.latenciesMs, 95),
          errors: r.errors.length,
          cpuMsPerUnit: { app: cpu.self() / batch.length, db: cpu.pids() / batch.length },
          notes: `diagnostic: IngestService and its SQL in the bench process over a pg Pool of ${DEFAULT_POOL_SIZE} (no HTTP, no Prisma, no relay/job worker); app = this process`,
        },
      ];
    } finally {
      await pool.end();
      await db.drop();
    }
  },
};
