import { createServer, type Server, type Socket } from 'node:net';
import { ImapFlow } from 'imapflow';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { sampleOutboundMessage } from '../testing/fixtures.ts';
import { startDovecot, type Dovecot } from '../testing/dovecot.ts';
import { startSmtpFake, type SmtpFake } from '../testing/smtp-fake.ts';
import { testEmailConnection } from './connection.ts';
import { emailTestContext } from './fixtures.ts';
import type { EmailCredentials } from './schema.ts';
import { sendEmail } from './send.ts';

let smtp: SmtpFake;
let silent: Server;
const sockets: Socket[] = [];
let silentPort = 0;
let closedPort = 0;

beforeAll(async () => {
  smtp = await startSmtpFake({ auth: { user: 'agent', pass: 'smtp-secret' } });
  // Accepts TCP connections but never says hello: exercises the greeting timeout.
  silent = createServer((socket) => sockets.push(socket));
  await new Promise<void>((r) => silent.listen(0, '127.0.0.1', () => r()));
  silentPort = (silent.address() as { port: number }).port;
  const closed = await startSmtpFake();
  closedPort = closed.port;
  await closed.close();
});
afterAll(async () => {
  await smtp.close();
  for (const s of sockets) s.destroy();
  await new Promise((r) => silent.close(r));
});

const smtpCreds = (o: Partial<EmailCredentials['smtp']> = {}): EmailCredentials => ({
  mode: 'forwarding',
  smtp: { host: '127.0.0.1', port: smtp.port, security: 'none', user: 'agent', password: 'smtp-secret', ...o },
  fromAddress: 'support@support.example',
});
const opts = { timeoutMs: 1_000 };

describe('testEmailConnection: SMTP', () => {
  it('passes with working credentials', async () => {
    expect(await testEmailConnection(smtpCreds(), opts)).toEqual({ ok: true });
  });

  it.each<[string, Partial<EmailCredentials['smtp']>]>([
    ['auth_failed', { password: 'wrong' }],
    ['unreachable', { port: 0 }],
    ['timeout', { port: -1 }],
    ['tls_failed', { security: 'tls' }],
    ['tls_failed', { security: 'starttls' }],
  ])('reports %s', async (problem, override) => {
    const port = override.port === 0 ? closedPort : override.port === -1 ? silentPort : smtp.port;
    const result = await testEmailConnection(smtpCreds({ ...override, port }), opts);
    expect(result).toMatchObject({ ok: false, protocol: 'smtp', problem });
    if (!result.ok) expect(result.message.length).toBeGreaterThan(0);
  });
});

describe('testEmailConnection: IMAP (Dovecot)', () => {
  let dovecot: Dovecot;
  const user = 'agent@example.test';
  const password = 'secret';
  beforeAll(async () => {
    dovecot = await startDovecot();
    dovecot.addUser(user, password);
    await dovecot.createFolder(user, 'Sent');
  }, 15_000);
  afterAll(async () => {
    await dovecot.stop();
  });
  let imapClient: ImapFlow | undefined;
  afterEach(async () => {
    await imapClient?.logout();
    imapClient = undefined;
  });

  const imapCreds = (o: Partial<NonNullable<EmailCredentials['imap']>> = {}): EmailCredentials => ({
    ...smtpCreds(),
    mode: 'imap',
    imap: { host: dovecot.host, port: dovecot.port, security: 'none', user, password, folder: 'INBOX', ...o },
  });

  it('logs in, opens the folder and checks SMTP', async () => {
    expect(await testEmailConnection(imapCreds(), opts)).toEqual({ ok: true });
    expect(await testEmailConnection(imapCreds({ folder: 'Sent' }), opts)).toEqual({ ok: true });
  });

  it('reports TLS problems: implicit TLS on a plaintext port, STARTTLS the server does not offer', async () => {
    for (const security of ['tls', 'starttls'] as const) {
      expect(await testEmailConnection(imapCreds({ security }), opts)).toMatchObject({ ok: false, protocol: 'imap', problem: 'tls_failed' });
    }
  });

  it('reports a wrong password, a missing folder and a closed port', async () => {
    expect(await testEmailConnection(imapCreds({ password: 'nope' }), opts)).toMatchObject({ ok: false, protocol: 'imap', problem: 'auth_failed' });
    expect(await testEmailConnection(imapCreds({ folder: 'Archive' }), opts)).toMatchObject({
      ok: false,
      protocol: 'imap',
      problem: 'folder_missing',
    });
    expect(await testEmailConnection(imapCreds({ port: closedPort }), opts)).toMatchObject({ ok: false, protocol: 'imap', problem: 'unreachable' });
    expect(await testEmailConnection(imapCreds({ port: silentPort }), opts)).toMatchObject({ ok: false, protocol: 'imap', problem: 'timeout' });
  }, 20_000);

  it('sendEmail APPENDs the exact sent bytes to the Sent folder', async () => {
    const creds = imapCreds();
    const ctx = emailTestContext({ credentials: creds, settings: { appendToSent: true, sentFolder: 'Sent' } });
    const result = await sendEmail(sampleOutboundMessage(), ctx, opts);
    expect(result.metadata?.appendedToSent).toBe(true);
    imapClient = new ImapFlow({ host: dovecot.host, port: dovecot.port, secure: false, doSTARTTLS: false, auth: { user, pass: password }, logger: false });
    await imapClient.connect();
    await imapClient.mailboxOpen('Sent');
    const stored = await imapClient.fetchOne('*', { source: true, flags: true });
    const sent = smtp.messages.at(-1)?.raw;
    expect(stored && stored.source?.equals(sent ?? Buffer.alloc(0))).toBe(true);
    expect(stored && [...(stored.flags ?? [])]).toContain('\\Seen');
  });
});
