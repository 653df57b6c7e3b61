import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { storageModes } from '@switchboard/db/testing';
import { setupAdmin, type ApiClient } from './support/api.ts';
import { freePort, startDovecot, type Dovecot } from './support/dovecot.ts';
import { imapCredentials, MAILBOX_PASSWORD } from './support/email.ts';
import { startSmtpReceiver } from './support/smtp-receiver.ts';
import { startTestServer, type TestServer } from './support/server.ts';


describe.each(storageModes())('email connection test before an inbox is saved (%s)', (mode) => {
  let dovecot: Dovecot;
  let smtp: Awaited<ReturnType<typeof startSmtpReceiver>>;
  let t: TestServer;
  let admin: ApiClient;
  const user = `conn-${mode}@example.test`;
  const smtpAuth = { user: 'relay', password: 'relay-secret' };
  const good = () => ({ ...imapCredentials(dovecot, user, smtp.port), smtp: { host: '127.0.0.1', port: smtp.port, security: 'none', user: smtpAuth.user, password: smtpAuth.password } });

  beforeAll(async () => {
    dovecot = await startDovecot();
    dovecot.addUser(user, MAILBOX_PASSWORD);
    smtp = await startSmtpReceiver(smtpAuth);
    t = await startTestServer(mode);
    admin = await setupAdmin(t.url);
  });
  afterAll(async () => {
    await t?.stop();
    await smtp?.close().catch(() => undefined); // the last test closed it already
    await dovecot?.stop();
  });

  const test = (credentials: unknown) => admin.post('/api/inboxes/test-connection', { kind: 'email', credentials });

  it('answers ok for working IMAP and SMTP credentials', async () => {
    const r = await test(good());
    expect(r.status).toBe(200);
    expect(r.body).toEqual({ ok: true });
  });

  it('reports a wrong IMAP password as auth_failed', async () => {
    const c = good();
    const r = await test({ ...c, imap: { ...c.imap, password: 'wrong' } });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ ok: false, problem: 'auth_failed', protocol: 'imap' });
    expect(typeof r.body.message).toBe('string');
  });

  it('reports a closed IMAP port as unreachable', async () => {
    const c = good();
    const r = await test({ ...c, imap: { ...c.imap, port: await freePort() } });
    expect(r.body).toMatchObject({ ok: false, problem: 'unreachable', protocol: 'imap' });
  });

  it('reports a wrong SMTP password as auth_failed on smtp', async () => {
    const c = good();
    const r = await test({ ...c, smtp: { ...c.smtp, password: 'wrong' } });
    expect(r.body).toMatchObject({ ok: false, problem: 'auth_failed', protocol: 'smtp' });
  });

  it('refuses to create an inbox with bad credentials: 400 connection_failed, nothing saved', async () => {
    const c = good();
    const r = await admin.post('/api/inboxes', { kind: 'email', name: 'Broken', credentials: { ...c, imap: { ...c.imap, password: 'wrong' } } });
    expect(r.status).toBe(400);
    expect(r.body.error).toMatchObject({ code: 'connection_failed', details: { problem: 'auth_failed', protocol: 'imap' } });
    const list = (await admin.get('/api/inboxes')).body as Array<{ name: string }>;
    expect(list.map((i) => i.name)).not.toContain('Broken');
  });

  it('refuses to switch a saved inbox to broken credentials, and keeps the working ones', async () => {
    const created = await admin.post('/api/inboxes', { kind: 'email', name: 'Works', credentials: good() });
    expect(created.status).toBe(201);
    const r = await admin.patch(`/api/inboxes/${created.body.id}`, { credentials: { imap: { ...good().imap, port: await freePort() } } });
    expect(r.status).toBe(400);
    expect(r.body.error).toMatchObject({ code: 'connection_failed', details: { problem: 'unreachable', protocol: 'imap' } });
    const stored = await t.db.prisma.inbox.findUnique({ where: { id: created.body.id }, select: { credentials: true } });
    const open = t.server.services.secrets.open<{ imap: { port: number } }>(stored?.credentials ?? '');
    expect(open.imap.port).toBe(dovecot.port);
  });

  it('validates the credentials shape before trying them (400 validation_failed)', async () => {
    const r = await test({ mode: 'imap' });
    expect(r.status).toBe(400);
    expect(r.body.error.code).toBe('validation_failed');
  });

  it("tests a saved inbox's stored credentials on demand, and reports when its provider stops answering", async () => {
    const created = await admin.post('/api/inboxes', { kind: 'email', name: 'Saved', credentials: good() });
    expect(created.status).toBe(201);
    const ok = await admin.post(`/api/inboxes/${created.body.id}/test-connection`, {});
    expect(ok.status).toBe(200);
    expect(ok.body).toEqual({ ok: true });
    await smtp.close();
    const down = await admin.post(`/api/inboxes/${created.body.id}/test-connection`, {});
    expect(down.body).toMatchObject({ ok: false, problem: 'unreachable', protocol: 'smtp' });
  });
});
