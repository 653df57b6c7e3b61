// The product as it runs in production: `node server/src/main.ts` in its own process (its own event loop,
// not shared with the load generator), on a fresh migrated database of the requested store.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTestDatabase, type StorageMode } from '@switchboard/db/testing';
import { spawnServer, waitReady, freePort, type ServerProcess } from '../../support/start-process.ts';

export interface AppServer {
  url: string;
  store: StorageMode;
  /** PostgreSQL: the server's database (for backend statistics). */
  databaseUrl: string | undefined;
  process: ServerProcess;
  stop(): Promise<void>;
}

export async function startAppServer(store: StorageMode): Promise<AppServer> {
  const dataDir = mkdtempSync(join(tmpdir(), 'sb-bench-'));
  // PGlite: the on-disk database a single-node install uses (SWITCHBOARD_DATA_DIR/pglite), not an in-memory one.
  const db = await createTestDatabase(store, { dataDir });
  await db.close(); // the server process opens it (PGlite is single-process)
  const env: Record<string, string> = {
    SWITCHBOARD_DATA_DIR: dataDir,
    SWITCHBOARD_SECRET: 'bench-secret-0123456789abcdef0123456789',
    LOG_LEVEL: 'warn',
    NODE_ENV: 'production',
    ...(db.url ? { DATABASE_URL: db.url } : {}),
    // e.g. BENCH_SERVER_NODE_OPTIONS="--cpu-prof --cpu-prof-dir=/tmp/prof" to profile the server.
    ...(process.env.BENCH_SERVER_NODE_OPTIONS ? { NODE_OPTIONS: process.env.BENCH_SERVER_NODE_OPTIONS } : {}),
  };
  let server: ServerProcess;
  try {
    server = spawnServer({ HOST: '127.0.0.1', ...env, PORT: env.PORT ?? String(await freePort()) });
    await waitReady(server, 120_000);
  } catch (err) {
    await db.drop();
    rmSync(dataDir, { recursive: true, force: true });
    throw err;
  }
  return {
    url: server.url,
    store,
    databaseUrl: db.url,
    process: server,
    async stop() {
      const { code } = await server.stop('SIGTERM');
      if (code !== 0 && code !== null) process.stderr.write(`server exited with ${code}:\n${server.output()}\n`);
      await db.drop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
