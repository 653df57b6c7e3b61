// `npm start` for real: the console build step of the start script, then `node server/src/main.ts`
// as a child process with no DATABASE_URL (embedded PGlite in SWITCHBOARD_DATA_DIR).
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { io, type Socket } from 'socket.io-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ClientToServerEvents, ServerToClientEvents } from '@switchboard/server/contracts';
import { ApiClient } from './support/api.ts';
import { ensureConsoleBuilt, repoRoot, spawnServer, startServerProcess, type ServerProcess } from './support/start-process.ts';

const OWNER = { workspaceName: 'Acme', name: 'Olga Owner', email: 'olga@example.test', password: 'correct horse battery staple' };

const dirs: string[] = [];
const running: ServerProcess[] = [];
function tempDataDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'sb-start-'));
  dirs.push(d);
  return join(d, 'data'); // not created yet: the server must create it
}
async function start(env: Record<string, string>): Promise<ServerProcess> {
  const p = await startServerProcess(env);
  running.push(p);
  return p;
}

beforeAll(async () => {
  await ensureConsoleBuilt();
  expect(existsSync(join(repoRoot, 'web/build/200.html'))).toBe(true);
}, 300_000);

afterAll(async () => {
  await Promise.all(running.map((p) => p.stop()));
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

describe('npm start without a database', () => {
  const dataDir = tempDataDir();
  let secret = '';

  it('first start: PGlite, the API, the console, first-run setup; SIGTERM exits 0', async () => {
    const p = await start({ SWITCHBOARD_DATA_DIR: dataDir });

    const health = await fetch(`${p.url}/healthz`);
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ status: 'ok', storage: 'pglite' });
    expect(existsSync(join(dataDir, 'pglite'))).toBe(true);

    // The secret was generated into the data dir.
    secret = readFileSync(join(dataDir, 'secret'), 'utf8').trim();
    expect(secret.length).toBeGreaterThanOrEqual(32);
    expect(statSync(join(dataDir, 'secret')).mode & 0o777).toBe(0o600);

    const spec = (await (await fetch(`${p.url}/api/openapi.json`)).json()) as { openapi: string; paths: Record<string, unknown> };
    expect(spec.openapi).toBe('3.1.0');
    expect(Object.keys(spec.paths)).toEqual(expect.arrayContaining(['/conversations', '/setup', '/session']));

    // The built console at / and for client-side routes, with its assets.
    for (const path of ['/', '/login', '/setup']) {
      const res = await fetch(p.url + path);
      expect(res.status, path).toBe(200);
      expect(res.headers.get('content-type')).toMatch(/text\/html/);
      const html = await res.text();
      expect(html).toContain('<title>Switchboard</title>');
      expect(html).toContain('/_app/immutable/');
    }
    const html = await (await fetch(p.url)).text();
    const entry = /\/_app\/immutable\/entry\/start\.[\w-]+\.js/.exec(html)?.[0];
    expect(entry).toBeTruthy();
    const asset = await fetch(p.url + entry);
    expect(asset.status).toBe(200);
    expect(asset.headers.get('content-type')).toMatch(/javascript/);
    expect(asset.headers.get('cache-control')).toContain('immutable');
    expect((await fetch(`${p.url}/_app/immutable/entry/missing.js`)).status).toBe(404);
    const unknownApi = await fetch(`${p.url}/api/no-such-endpoint`);
    expect(unknownApi.status).toBe(404);
    expect(await unknownApi.json()).toMatchObject({ error: { code: 'not_found' } });

    // First-run setup, as the console does it.
    const owner = new ApiClient(p.url);
    expect((await owner.get('/api/setup')).body).toEqual({ needsSetup: true });
    const setup = await owner.post('/api/setup', OWNER);
    expect(setup.status).toBe(201);
    expect(setup.body.user).toMatchObject({ email: OWNER.email, name: OWNER.name, role: 'admin' });
    expect(typeof setup.body.csrfToken).toBe('string');
    expect(owner.cookie).toMatch(/^sb_session=/);
    expect((await owner.get('/api/setup')).body).toEqual({ needsSetup: false });
    expect((await owner.post('/api/setup', { ...OWNER, email: 'mallory@example.test' })).status).toBe(409);
    const list = await owner.get('/api/conversations');
    expect(list.status).toBe(200);
    expect(list.body).toMatchObject({ items: [], total: 0 });

    // The console's live connection: session cookie, same origin, replay handshake.
    const socket: Socket<ServerToClientEvents, ClientToServerEvents> = io(p.url, {
      transports: ['websocket'],
      extraHeaders: { cookie: owner.cookie!, origin: p.url },
      reconnection: false,
    });
    try {
      const done = await new Promise<{ lastSeq: number; count: number; truncated: boolean }>((resolve, reject) => {
        socket.on('replay:done', resolve);
        socket.on('connect_error', reject);
        setTimeout(() => reject(new Error('no replay:done')), 10_000);
      });
      expect(done).toMatchObject({ count: 0, truncated: false });
    } finally {
      socket.disconnect();
    }

    expect(await p.stop()).toEqual({ code: 0, signal: null });
  }, 180_000);

  it('second start on the same data dir keeps the data and the secret', async () => {
    expect(secret).not.toBe('');
    const p = await start({ SWITCHBOARD_DATA_DIR: dataDir });

    expect(readFileSync(join(dataDir, 'secret'), 'utf8').trim()).toBe(secret);
    const client = new ApiClient(p.url);
    expect((await client.get('/api/setup')).body).toEqual({ needsSetup: false });
    expect((await client.post('/api/session', { email: OWNER.email, password: 'wrong password!' })).status).toBe(401);
    const login = await client.post('/api/session', { email: OWNER.email, password: OWNER.password });
    expect(login.status).toBe(200);
    expect(login.body.user).toMatchObject({ email: OWNER.email, role: 'admin' });

    // A reload restores the session (and its CSRF token) from the cookie.
    const restored = await client.get('/api/session');
    expect(restored.status).toBe(200);
    expect(restored.body).toMatchObject({ user: { email: OWNER.email }, csrfToken: login.body.csrfToken });

    // Writes need the CSRF token; logout ends the session.
    const noCsrf = new ApiClient(p.url);
    noCsrf.cookie = client.cookie;
    expect((await noCsrf.delete('/api/session')).status).toBe(403);
    expect((await client.delete('/api/session')).status).toBe(204);
    expect((await client.get('/api/conversations')).status).toBe(401);

    expect(await p.stop()).toEqual({ code: 0, signal: null });
  }, 180_000);
});

describe('first admin from the environment', () => {
  it('SWITCHBOARD_ADMIN_EMAIL/PASSWORD seed the first admin, once', async () => {
    const dataDir = tempDataDir();
    const admin = { SWITCHBOARD_ADMIN_EMAIL: 'Root@Example.test', SWITCHBOARD_ADMIN_PASSWORD: 'seeded-password-123' };
    let p = await start({ SWITCHBOARD_DATA_DIR: dataDir, ...admin });
    const client = new ApiClient(p.url);
    expect((await client.get('/api/setup')).body).toEqual({ needsSetup: false });
    const login = await client.post('/api/session', { email: 'root@example.test', password: admin.SWITCHBOARD_ADMIN_PASSWORD });
    expect(login.status).toBe(200);
    expect(login.body.user).toMatchObject({ email: 'root@example.test', role: 'admin' });
    expect(await p.stop()).toEqual({ code: 0, signal: null });

    // Restarting with the variables still set neither fails nor duplicates the admin.
    p = await start({ SWITCHBOARD_DATA_DIR: dataDir, ...admin });
    const again = new ApiClient(p.url);
    expect((await again.post('/api/session', { email: 'root@example.test', password: admin.SWITCHBOARD_ADMIN_PASSWORD })).status).toBe(200);
    expect(await p.stop()).toEqual({ code: 0, signal: null });
  }, 180_000);
});

describe('bad configuration stops the start with exit code 2', () => {
  it.each([
    [{ PORT: 'abc' }, ['PORT']],
    [{ PORT: '70000' }, ['PORT']],
    [{ DATABASE_URL: 'mysql://x' }, ['DATABASE_URL']],
    [{ PUBLIC_URL: 'ftp://example.test' }, ['PUBLIC_URL']],
    [{ SWITCHBOARD_SECRET: 'short' }, ['SWITCHBOARD_SECRET']],
    [{ LOG_LEVEL: 'loud' }, ['LOG_LEVEL']],
    [{ SWITCHBOARD_ADMIN_EMAIL: 'root@example.test' }, ['SWITCHBOARD_ADMIN_EMAIL', 'SWITCHBOARD_ADMIN_PASSWORD']],
  ])('%o', async (bad, names) => {
    const dataDir = tempDataDir();
    const p = spawnServer({ SWITCHBOARD_DATA_DIR: dataDir, PORT: '0', HOST: '127.0.0.1', ...bad });
    const guard = setTimeout(() => p.child.kill('SIGKILL'), 30_000); // it must not start at all
    const exit = await p.exited;
    clearTimeout(guard);
    expect(exit, p.output()).toEqual({ code: 2, signal: null });
    for (const name of names) expect(p.output()).toContain(name);
    expect(p.output()).not.toMatch(/\n\s+at /); // a message, not a stack trace
    expect(existsSync(join(dataDir, 'secret'))).toBe(false); // nothing written
  });
});
