import { spawn, execFile, type ChildProcess } from 'node:child_process';
import { chmodSync, chownSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { ImapFlow } from 'imapflow';
import { connect } from 'node:net';
import { freePort } from './free-port.ts';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
export const DOVECOT_BINARY = '/usr/sbin/dovecot';
const LDA = '/usr/lib/dovecot/dovecot-lda';

async function waitForPort(port: number, timeoutMs = 10_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const ok = await new Promise<boolean>((resolve) => {
      const sock = connect(port, '127.0.0.1', () => {
        sock.destroy();
        resolve(true);
      });
      sock.once('error', () => resolve(false));
    });
    if (ok) return;
    if (Date.now() > end) throw new Error(`dovecot did not listen on ${port}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

export interface Dovecot {
  port: number;
  host: string;
  /** Adds a user (password in plain text: tests only). */
  addUser(user: string, password: string): void;
  /** Delivers one raw message into the user's INBOX the way an MTA would (dovecot-lda). */
  deliver(user: string, raw: string): Promise<void>;
  /** Appends many raw messages over one IMAP connection (fast bulk delivery). */
  append(user: string, password: string, raws: Array<string | Buffer>, folder?: string): Promise<void>;
  /** Successful IMAP logins of the user so far (from the server log). */
  logins(user: string): number;
  /** Number of messages in a folder. */
  count(user: string, folder?: string): Promise<number>;
  uidValidity(user: string, folder?: string): Promise<number>;
  /** Gives the folder a new UIDVALIDITY (every UID the client knew is invalid). */
  setUidValidity(user: string, value: number, folder?: string): Promise<void>;
  /** Disconnects every IMAP session of the user. */
  kick(user: string): Promise<void>;
  /** Creates a folder (e.g. `Sent`) in the user's mailbox. */
  createFolder(user: string, folder: string): Promise<void>;
  stop(): Promise<void>;
}

/**
 * A private Dovecot for tests (IMAP only, plaintext auth, maildir, users added at will) from its own config in
 * a temp dir, started as a child process. Needs Debian's dovecot-imapd (`npm test` installs it as root).
 */
export async function startDovecot(): Promise<Dovecot> {
  const dir = mkdtempSync(join(tmpdir(), 'sb-dovecot-'));
  chmodSync(dir, 0o755);
  const port = await freePort();
  // One passwd file per user: Dovecot re-reads a changed file by mtime, too coarse for users added in quick succession.
  const users = join(dir, 'users');
  const mail = join(dir, 'mail');
  mkdirSync(mail);
  mkdirSync(users);
  const runAsRoot = userInfo().uid === 0;
  if (runAsRoot) chownSync(mail, 65534, 65534);
  const identity = runAsRoot ? 'uid=nobody gid=nogroup' : `uid=${userInfo().uid} gid=${userInfo().gid}`;
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
first_valid_uid = 1
mail_location = maildir:~/Maildir
passdb {
  driver = passwd-file
  args = scheme=PLAIN username_format=%u ${users}/%u
}
userdb {
  driver = static
  args = ${identity} home=${mail}/%u
}
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
service anvil {
  chroot =
}
`,
  );
  const child: ChildProcess = spawn(DOVECOT_BINARY, ['-F', '-c', conf], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  await waitForPort(port).catch((err: unknown) => {
    child.kill('SIGKILL');
    throw new Error(`${String(err)}\n${stderr}`);
  });
  const doveadm = (args: string[]) => run('doveadm', ['-c', conf, ...args], { encoding: 'utf8' });
  const status = async (user: string, what: string, folder: string) => {
    const { stdout } = await doveadm(['-f', 'flow', 'mailbox', 'status', '-u', user, what, folder]);
    const m = stdout.match(new RegExp(`${what}=(\\d+)`));
    if (!m) throw new Error(`doveadm status: ${stdout}`);
    return Number(m[1]);
  };
  return {
    port,
    host: '127.0.0.1',
    addUser(user, password) {
      writeFileSync(join(users, user), `${user}:{PLAIN}${password}\n`);
    },
    deliver(user, raw) {
      return new Promise<void>((resolve, reject) => {
        const lda = spawn(LDA, ['-c', conf, '-d', user, '-f', 'sender@example.test'], { stdio: ['pipe', 'ignore', 'pipe'] });
        let err = '';
        lda.stderr?.on('data', (d: Buffer) => (err += d.toString()));
        lda.once('error', reject);
        lda.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`dovecot-lda exited ${code}: ${err}`))));
        lda.stdin?.end(raw);
      });
    },
    async append(user, password, raws, folder = 'INBOX') {
      const client = new ImapFlow({ host: '127.0.0.1', port, secure: false, doSTARTTLS: false, auth: { user, pass: password }, logger: false });
      await client.connect();
      try {
        for (const raw of raws) await client.append(folder, raw);
      } finally {
        await client.logout();
      }
    },
    logins(user) {
      const text = readFileSync(join(dir, 'dovecot.log'), 'utf8');
      return text.split('\n').filter((l) => l.includes('Login: user=<' + user + '>')).length;
    },
    count: (user, folder = 'INBOX') => status(user, 'messages', folder),
    uidValidity: (user, folder = 'INBOX') => status(user, 'uidvalidity', folder),
    async setUidValidity(user, value, folder = 'INBOX') {
      await doveadm(['mailbox', 'update', '-u', user, '--uid-validity', String(value), folder]);
    },
    async kick(user) {
      await doveadm(['kick', user]);
    },
    async createFolder(user, folder) {
      await doveadm(['mailbox', 'create', '-u', user, folder]);
    },
    async stop() {
      child.kill('SIGTERM');
      await exited;
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
