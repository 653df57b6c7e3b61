// Stopping the server (relay, feed, gateway, Redis clients, database) leaves nothing running:
// a process that started and stopped it ends by itself, without process.exit.
import { spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createTestDatabase, storageModes } from '@switchboard/db/testing';
import { repoRoot } from './support/start-process.ts';

const REDIS_URL = process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379';
/** Outer variables that would change how the probe's server starts: never inherited. */
const SERVER_VARS = /^(PORT|HOST|PUBLIC_URL|DATABASE_URL|REDIS_URL|LOG_LEVEL|SESSION_TTL_HOURS|SWITCHBOARD_.*)$/;

function runProbe(env: Record<string, string>): Promise<{ code: number | null; signal: NodeJS.Signals | null; output: string }> {
  const base: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) if (v !== undefined && !SERVER_VARS.test(k)) base[k] = v;
  const child = spawn(process.execPath, ['tests/support/shutdown-probe.ts'], { cwd: repoRoot, env: { ...base, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => (output += d));
  child.stderr.setEncoding('utf8').on('data', (d: string) => (output += d));
  const killer = setTimeout(() => child.kill('SIGKILL'), 60_000);
  return new Promise((resolve) =>
    child.once('exit', (code, signal) => {
      clearTimeout(killer);
      resolve({ code, signal, output });
    }),
  );
}

describe.each(storageModes())('shutdown leaves no handles (%s)', (mode) => {
  it.each([
    ['with Redis', true],
    ['without Redis', false],
  ])('%s', async (_label, redis) => {
    const dataDir = mkdtempSync(join(tmpdir(), 'sb-probe-'));
    // A migrated database from the template; closed here, opened by the probe's server.
    const db = await createTestDatabase(mode, { dataDir });
    await db.close();
    try {
      const r = await runProbe({
        SWITCHBOARD_DATA_DIR: dataDir,
        SWITCHBOARD_SECRET: 'probe-secret-0123456789abcdef0123456789',
        SWITCHBOARD_ADMIN_EMAIL: 'probe@example.test',
        SWITCHBOARD_ADMIN_PASSWORD: 'probe password 123',
        LOG_LEVEL: 'warn',
        ...(db.url ? { DATABASE_URL: db.url } : {}),
        ...(redis ? { REDIS_URL, SWITCHBOARD_REDIS_PREFIX: `sb-probe-${process.pid}-${randomBytes(4).toString('hex')}` } : {}),
      });
      expect(r.output).toContain('stopped');
      expect(r, r.output).toMatchObject({ code: 0, signal: null });
    } finally {
      await db.drop();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
