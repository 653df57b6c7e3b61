/**
 * A throwaway Dovecot IMAP server for tests (plaintext, users from a file, maildir under a temp dir).
 * Needs /usr/sbin/dovecot; `dovecotAvailable()` tells whether this machine has it.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const DOVECOT_BIN = '/usr/sbin/dovecot';
const NOBODY_UID = 65534;
const NOGROUP_GID = 65534;

export interface DovecotServer {
  host: string;
  port: number;
  /** `user` / `password` of the one account. */
  user: string;
  password: string;
  stop(): Promise<void>;
}

export function dovecotAvailable(): boolean {
  return existsSync(DOVECOT_BIN) && process.getuid?.() === 0;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const address = srv.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

async function waitForPort(port: number, child: ChildProcess, timeoutMs: number): Promise<void> {
  const { connect } = await import('node:net');
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`dovecot exited with ${child.exitCode}`);
    const open = await new Promise<boolean>((resolve) => {
      const socket = connect(port, '127.0.0.1');
      socket.once('connect', () => {
        socket.destroy();
        resolve(true);
      });
      socket.once('error', () => resolve(false));
    });
    if (open) return;
    if (Date.now() > deadline) throw new Error('dovecot did not start listening');
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Starts Dovecot with one user and the given extra folders (e.g. `['Sent']`). */
export async function startDovecot(opts: { user?: string; password?: string; folders?: string[] } = {}): Promise<DovecotServer> {
  const user = opts.user ?? 'agent@example.test';
  const password = opts.password ?? 'secret';
  const dir = mkdtempSync(join(tmpdir(), 'sb-dovecot-'));
  chmodSync(dir, 0o755); // Dovecot's auth process (user dovecot) reads the users file.
  const port = await freePort();
  const mail = join(dir, 'mail');
  const maildir = join(mail, user, 'Maildir');
  const dirs = [mail, join(mail, user), maildir];
  for (const folder of ['', ...(opts.folders ?? []).map((f) => `.${f}`)]) {
    if (folder) dirs.push(join(maildir, folder));
    for (const sub of ['cur', 'new', 'tmp']) dirs.push(join(maildir, folder, sub));
  }
  for (const p of dirs) {
    mkdirSync(p, { recursive: true });
    chownSync(p, NOBODY_UID, NOGROUP_GID);
  }
  writeFileSync(join(dir, 'users'), `${user}:{PLAIN}${password}\n`);
  const conf = join(dir, 'dovecot.conf');
  writeFileSync(
    conf,
    `protocols = imap
listen = 127.0.0.1
base_dir = ${dir}/run
state_dir = ${dir}/state
log_path = ${dir}/dovecot.log
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
auth_failure_delay = 0
first_valid_uid = 500
passdb {
  driver = passwd-file
  args = scheme=PLAIN username_format=%u ${dir}/users
}
userdb {
  driver = static
  args = uid=nobody gid=nogroup home=${mail}/%u
}
mail_location = maildir:~/Maildir
service imap-login {
  inet_listener imap {
    address = 127.0.0.1
    port = ${port}
  }
  inet_listener imaps {
    port = 0
  }
}
service pop3-login {
  inet_listener pop3 {
    port = 0
  }
}
`,
  );
  const child = spawn(DOVECOT_BIN, ['-F', '-c', conf], { stdio: 'ignore' });
  await waitForPort(port, child, 5_000);
  return {
    host: '127.0.0.1',
    port,
    user,
    password,
    stop: async () => {
      if (child.exitCode === null) {
        const exited = new Promise((r) => child.once('exit', r));
        child.kill('SIGTERM');
        await exited;
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
