import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createTestDatabase, type StorageMode, type TestDatabase } from '@switchboard/db/testing';
import { createLogger, loadConfig, startServer, type RunningServer, type StartOptions } from '@switchboard/server';

export interface TestServer {
  url: string;
  server: RunningServer;
  db: TestDatabase;
  /** SWITCHBOARD_DATA_DIR of this server (attachments live under `attachments/`). */
  dataDir: string;
  stop(): Promise<void>;
}

/**
 * The real server in-process on its own fresh database (PGlite or Postgres), port 0, quiet logs,
 * fast job retries. Everything else is the production wiring.
 */
export async function startTestServer(
  mode: StorageMode,
  opts: StartOptions & { env?: Record<string, string>; webDir?: string; poolSize?: number } = {},
): Promise<TestServer> {
  const db = await createTestDatabase(mode, opts.poolSize ? { poolSize: opts.poolSize } : {});
  const dataDir = mkdtempSync(join(tmpdir(), 'sb-test-'));
  const config = loadConfig(
    { SWITCHBOARD_DATA_DIR: dataDir, SWITCHBOARD_SECRET: 'test-secret-0123456789abcdef0123456789', LOG_LEVEL: 'silent', ...opts.env },
    { port: 0, host: '127.0.0.1', webDir: opts.webDir },
  );
  const server = await startServer(config, {
    database: db,
    logger: createLogger(process.env.TEST_LOG_LEVEL ?? 'silent'),
    relayPollMs: 100,
    ...opts,
    queue: { baseDelayMs: 50, maxDelayMs: 500, pollMs: 100, ...opts.queue },
  });
  return {
    url: server.url,
    server,
    db,
    dataDir,
    async stop() {
      await server.stop();
      await db.drop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/**
 * Another instance of the server in this process on the same database as `t` (like a second
 * replica; without Redis it learns of the other's events from the table). Stopping it leaves
 * the database open.
 */
export async function startSecondInstance(t: TestServer, opts: StartOptions & { env?: Record<string, string> } = {}): Promise<{ url: string; server: RunningServer; stop(): Promise<void> }> {
  const dataDir = mkdtempSync(join(tmpdir(), 'sb-test-'));
  const config = loadConfig(
    { SWITCHBOARD_DATA_DIR: dataDir, SWITCHBOARD_SECRET: 'test-secret-0123456789abcdef0123456789', LOG_LEVEL: 'silent', ...opts.env },
    { port: 0, host: '127.0.0.1', webDir: undefined },
  );
  const server = await startServer(config, {
    logger: createLogger(process.env.TEST_LOG_LEVEL ?? 'silent'),
    relayPollMs: 100,
    ...opts,
    database: t.db,
    queue: { baseDelayMs: 50, maxDelayMs: 500, pollMs: 100, ...opts.queue },
  });
  return {
    url: server.url,
    server,
    async stop() {
      await server.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
