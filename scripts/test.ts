// `npm test`: checks what the suites need, installs missing Debian packages when it can,
// runs every package's tests in one vitest run, and ends with one summary line.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync } from 'node:fs';
import { createConnection } from 'node:net';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const run = (cmd: string, args: string[], env: NodeJS.ProcessEnv = process.env) =>
  spawnSync(cmd, args, { cwd: root, stdio: 'inherit', env }).status ?? 1;

function fail(message: string): never {
  console.error(`\n✖ ${message}\n`);
  console.log('Tests: 0 passed, 1 failed');
  process.exit(1);
}

// Debian packages the suites use (e.g. a real IMAP server or browser). Installed when we are root with apt-get.
const DEBIAN_PACKAGES: Array<{ pkg: string; binary: string }> = [
  { pkg: 'chromium-headless-shell', binary: '/usr/lib/chromium/chromium-headless-shell' }, // console browser tests
  { pkg: 'dovecot-imapd', binary: '/usr/sbin/dovecot' }, // email: a real IMAP server (tests/support/dovecot.ts)
];

function ensureDebianPackages(): void {
  const missing = DEBIAN_PACKAGES.filter((p) => !existsSync(p.binary));
  if (missing.length === 0) return;
  const names = missing.map((p) => p.pkg).join(' ');
  const canInstall = process.getuid?.() === 0 && existsSync('/usr/bin/apt-get');
  if (!canInstall) fail(`Missing Debian packages for the tests. Install them with:\n  sudo apt-get update && sudo apt-get install -y --no-install-recommends ${names}`);
  console.log(`Installing ${names} …`);
  if (run('apt-get', ['update', '-qq']) !== 0 || run('apt-get', ['install', '-y', '-qq', '--no-install-recommends', ...missing.map((p) => p.pkg)], { ...process.env, DEBIAN_FRONTEND: 'noninteractive' }) !== 0) {
    fail(`apt-get could not install ${names}`);
  }
}

function reachable(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = createConnection({ host, port, timeout: 2000 });
    s.once('connect', () => (s.destroy(), resolve(true)));
    s.once('error', () => resolve(false));
    s.once('timeout', () => (s.destroy(), resolve(false)));
  });
}

const [major = 0, minor = 0] = process.versions.node.split('.').map(Number);
if (major < 22 || (major === 22 && minor < 17)) fail(`Node ${process.versions.node} is too old: Switchboard needs Node >= 22.17 (24 LTS recommended).`);

ensureDebianPackages();

if (!existsSync(`${root}/prisma/generated/client.ts`) && run('npm', ['run', 'db:generate']) !== 0) fail('Prisma client generation failed');
if (!existsSync(`${root}/web/build/index.html`) && !existsSync(`${root}/web/build/200.html`)) {
  if (run('npx', ['turbo', 'run', 'build', '--filter=@switchboard/web', '--output-logs=errors-only']) !== 0) fail('Building the console failed');
}

// Realtime scale-out tests use Redis; the Postgres suite runs when TEST_DATABASE_URL is set.
if (!(await reachable('127.0.0.1', 6379))) fail('Redis is not reachable on 127.0.0.1:6379 (start it: redis-server --daemonize yes)');
if (process.env.TEST_DATABASE_URL) {
  const u = new URL(process.env.TEST_DATABASE_URL);
  if (!(await reachable(u.hostname, Number(u.port || 5432)))) fail(`TEST_DATABASE_URL is set but ${u.host} is not reachable`);
  console.log(`Storage suites: PGlite and PostgreSQL (${u.host})`);
} else {
  console.log('Storage suites: PGlite (set TEST_DATABASE_URL=postgres://… to also run them on PostgreSQL)');
}

mkdirSync(`${root}/test-results`, { recursive: true });
const report = `${root}/test-results/vitest.json`;
const status = run('npx', ['vitest', 'run', '--reporter=default', '--reporter=json', `--outputFile.json=${report}`, ...process.argv.slice(2)]);

let passed = 0;
let failed = 0;
if (existsSync(report)) {
  const r = JSON.parse(readFileSync(report, 'utf8')) as { numPassedTests: number; numFailedTests: number };
  passed = r.numPassedTests;
  failed = r.numFailedTests;
}
// A run can fail outside any test (a file that does not load, an unhandled error): count it.
if (status !== 0 && failed === 0) failed = 1;
console.log(`\nTests: ${passed} passed, ${failed} failed`);
process.exit(status === 0 && passed > 0 ? 0 : 1);
