// Helpers for tests that run Switchboard the way `npm start` does: a real `node server/src/main.ts`
// process (its own env, data dir and port), plus the console build step of the start script.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort } from '@switchboard/channels/testing';

export { freePort };

export const repoRoot = fileURLToPath(new URL('../../', import.meta.url));

/** Variables of the outer environment that would change how the server starts: never inherited. */
const SERVER_VARS = /^(PORT|HOST|PUBLIC_URL|DATABASE_URL|REDIS_URL|LOG_LEVEL|SESSION_TTL_HOURS|SWITCHBOARD_.*)$/;

/**
 * Runs the build part of the root `start` script (everything before `node server/src/main.ts`,
 * i.e. `turbo run build --filter=@switchboard/web …`): builds web/build and generates the
 * Prisma client when needed; a turbo cache hit when nothing changed.
 */
export function runStartBuild(): { command: string; ms: number } {
  const pkg = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
  const start = pkg.scripts.start ?? '';
  const command = start.split('&&')[0]!.trim();
  if (!command.startsWith('turbo ')) throw new Error(`unexpected start script: ${start}`);
  const began = Date.now();
  const r = spawnSync(`npx --no-install ${command}`, {
    cwd: repoRoot,
    shell: true,
    encoding: 'utf8',
    env: { ...process.env, TURBO_TELEMETRY_DISABLED: '1', DO_NOT_TRACK: '1' },
    timeout: 300_000,
  });
  if (r.status !== 0) throw new Error(`\`${command}\` failed (${r.status ?? r.signal}):\n${r.stdout}\n${r.stderr}`);
  return { command, ms: Date.now() - began };
}

const LOCK = join(repoRoot, 'node_modules/.cache/switchboard/start-build.lock');

/**
 * Makes sure web/build is current by running the start script's build step, under a cross-process
 * lock so that test files in parallel workers never build into web/build at the same time. The
 * second caller gets a turbo cache hit, which leaves unchanged outputs untouched (a server
 * started by the first caller keeps serving the same files).
 */
export async function ensureConsoleBuilt(): Promise<void> {
  mkdirSync(join(LOCK, '..'), { recursive: true });
  for (;;) {
    try {
      mkdirSync(LOCK);
      break;
    } catch {
      try {
        if (Date.now() - statSync(LOCK).mtimeMs > 10 * 60_000) rmSync(LOCK, { recursive: true, force: true }); // stale
      } catch {
        /* released meanwhile */
      }
      await new Promise((r) => setTimeout(r, 200));
    }
  }
  try {
    runStartBuild();
  } finally {
    rmSync(LOCK, { recursive: true, force: true });
  }
}

export interface ServerProcess {
  url: string;
  /** The process logs at info level: it says when it listens (and on which port). */
  announcesListening: boolean;
  child: ChildProcess;
  /** Everything the process wrote so far (stdout + stderr). */
  output(): string;
  /** Resolves with the exit code (null when killed by a signal) and the signal. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Sends the signal (SIGTERM by default; SIGKILL simulates a crash), then waits for the exit. */
  stop(signal?: NodeJS.Signals): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** Spawns `node server/src/main.ts` in the repo root with only `env` as server configuration. */
export function spawnServer(env: Record<string, string>): ServerProcess {
  const base: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) if (v !== undefined && !SERVER_VARS.test(k)) base[k] = v;
  const logLevel = env.LOG_LEVEL ?? 'info';
  const child = spawn(process.execPath, ['server/src/main.ts'], {
    cwd: repoRoot,
    env: { ...base, LOG_LEVEL: logLevel, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let out = '';
  child.stdout!.setEncoding('utf8').on('data', (d: string) => (out += d));
  child.stderr!.setEncoding('utf8').on('data', (d: string) => (out += d));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  return {
    url: `http://127.0.0.1:${env.PORT ?? '3000'}`,
    announcesListening: ['info', 'debug', 'trace'].includes(logLevel),
    child,
    output: () => out,
    exited,
    async stop(signal: NodeJS.Signals = 'SIGTERM') {
      if (child.exitCode === null && child.signalCode === null) child.kill(signal);
      return exited;
    },
  };
}

/**
 * Waits until GET /healthz answers 200 and, when the process logs at info level, it has said it listens on its
 * port (so the answer is not another process's on the same port); fails early with the output when it exits.
 */
export async function waitReady(p: ServerProcess, timeoutMs = 120_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let exited = false;
  void p.exited.then(() => (exited = true));
  while (Date.now() < deadline) {
    if (exited) throw new Error(`server exited before it was ready (${p.child.exitCode}):\n${p.output()}`);
    try {
      const res = await fetch(`${p.url}/healthz`, { signal: AbortSignal.timeout(2000) });
      if (res.status === 200 && (!p.announcesListening || listeningOn(p))) return;
    } catch {
      /* not listening yet */
    }
    await new Promise((r) => setTimeout(r, 150));
  }
  p.child.kill('SIGKILL');
  throw new Error(`server not ready after ${timeoutMs} ms:\n${p.output()}`);
}

/** The process's log says it listens on the port of its URL. */
function listeningOn(p: ServerProcess): boolean {
  const port = new URL(p.url).port;
  return p.output().split('\n').some((line) => line.includes('Switchboard listening') && line.includes(`"port":${port},`));
}

/** Starts a server on a free port and waits until it is ready. */
export async function startServerProcess(env: Record<string, string>): Promise<ServerProcess> {
  const p = spawnServer({ HOST: '127.0.0.1', ...env, PORT: env.PORT ?? String(await freePort()) });
  await waitReady(p);
  return p;
}
