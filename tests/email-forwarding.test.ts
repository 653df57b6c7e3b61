import nodemailer from 'nodemailer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { storageModes } from '@switchboard/db/testing';
import { ConfigError, loadConfig } from '@switchboard/server';
import { setupAdmin, type ApiClient } from './support/api.ts';
import { testMail } from './support/dovecot.ts';
import { createEmailInbox, storedMessageIds } from './support/email.ts';
import { startSmtpReceiver } from './support/smtp-receiver.ts';
import { startTestServer, type TestServer } from './support/server.ts';


const MAX_BYTES = 64 * 1024;

describe.each(storageModes())('forwarding mode: inbound SMTP endpoint (%s)', (mode) => {
  let t: TestServer;
  let admin: ApiClient;
  let smtp: Awaited<ReturnType<typeof startSmtpReceiver>>;
  let inbox: Awaited<ReturnType<typeof createEmailInbox>>;
  let transport: ReturnType<typeof nodemailer.createTransport>;

  /** Hands `raw` to our SMTP endpoint for `to`; resolves on 250, rejects with the SMTP error otherwise. */
  const send = (to: string, raw: string) => transport.sendMail({ envelope: { from: 'erika@example.test', to: [to] }, raw });

  beforeAll(async () => {
    smtp = await startSmtpReceiver();
    t = await startTestServer(mode, {
      env: { SMTP_INBOUND_PORT: '0', SMTP_INBOUND_HOST: '127.0.0.1', PUBLIC_URL: 'https://help.shop.example' },
      smtpMaxBytes: MAX_BYTES,
    });
    admin = await setupAdmin(t.url);
    inbox = await createEmailInbox(admin, { mode: 'forwarding', smtp: { host: '127.0.0.1', port: smtp.port, security: 'none' }, fromAddress: 'support@shop.example' });
    const port = t.server.mail.smtp?.port;
    if (!port) throw new Error('the inbound SMTP endpoint did not start');
    transport = nodemailer.createTransport({ host: '127.0.0.1', port, secure: false, ignoreTLS: true });
  });
  afterAll(async () => {
    transport?.close();
    await t?.stop();
    await smtp?.close();
  });

  it('shows the forwarding address in the inbox', () => {
    expect(inbox.forwardingAddress).toBe(`${inbox.publicToken}@help.shop.example`);
  });

  it('accepts mail for <publicToken>@any-host and has stored it when it answers 250', async () => {
    const mail = testMail({ subject: 'Forwarded' });
    const info = await send(`${inbox.publicToken}@mx.anything.example`, mail.raw);
    expect(info.response).toMatch(/^250/);
    // No waiting: the answer came after the commit.
    expect(await storedMessageIds(t, inbox.id)).toContain(mail.messageId);
  });

  it("accepts mail for the forwarding inbox's own address", async () => {
    const mail = testMail();
    await send('Support@Shop.example', mail.raw);
    expect(await storedMessageIds(t, inbox.id)).toContain(mail.messageId);
  });

  it('refuses an unknown recipient with 550 and stores nothing', async () => {
    const before = (await storedMessageIds(t, inbox.id)).length;
    const err = await send('nobody-here@help.shop.example', testMail().raw).then(
      () => null,
      (e: { responseCode?: number }) => e,
    );
    expect(err?.responseCode).toBe(550);
    expect((await storedMessageIds(t, inbox.id)).length).toBe(before);
  });

  it('refuses a message over the size limit with 552', async () => {
    const big = testMail({ text: 'x'.repeat(MAX_BYTES + 1024) });
    const err = await send(`${inbox.publicToken}@x.example`, big.raw).then(
      () => null,
      (e: { responseCode?: number }) => e,
    );
    expect(err?.responseCode).toBe(552);
    expect(await storedMessageIds(t, inbox.id)).not.toContain(big.messageId);
  });

  it('answers 451 (never 250) when storage fails, so the sender retries and nothing is lost', async () => {
    const mail = testMail();
    // An honest storage failure: the database refuses new message rows.
    await t.db.prisma.$executeRawUnsafe(`CREATE FUNCTION sb_refuse_fwd() RETURNS trigger AS $$ BEGIN RAISE EXCEPTION 'disk full (test)'; END $$ LANGUAGE plpgsql`);
    await t.db.prisma.$executeRawUnsafe(`CREATE TRIGGER sb_refuse_fwd BEFORE INSERT ON "Message" FOR EACH ROW EXECUTE FUNCTION sb_refuse_fwd()`);
    let err: { responseCode?: number } | null;
    try {
      err = await send(`${inbox.publicToken}@x.example`, mail.raw).then(
        () => null,
        (e: { responseCode?: number }) => e,
      );
    } finally {
      await t.db.prisma.$executeRawUnsafe(`DROP TRIGGER sb_refuse_fwd ON "Message"`);
      await t.db.prisma.$executeRawUnsafe(`DROP FUNCTION sb_refuse_fwd()`);
    }
    expect(err?.responseCode).toBe(451);
    expect(await storedMessageIds(t, inbox.id)).not.toContain(mail.messageId);
    // The sender's retry succeeds.
    await send(`${inbox.publicToken}@x.example`, mail.raw);
    expect(await storedMessageIds(t, inbox.id)).toContain(mail.messageId);
  });
});

describe('SMTP_INBOUND_* configuration', () => {
  const base = { SWITCHBOARD_SECRET: 'test-secret-0123456789abcdef0123456789' };
  it('is off unless SMTP_INBOUND_PORT is set; the host defaults to 0.0.0.0', () => {
    expect(loadConfig(base).smtpInbound).toBeUndefined();
    expect(loadConfig({ ...base, SMTP_INBOUND_PORT: '2525' }).smtpInbound).toEqual({ host: '0.0.0.0', port: 2525, maxBytes: 30 * 1024 * 1024 });
    expect(loadConfig({ ...base, SMTP_INBOUND_PORT: '25', SMTP_INBOUND_HOST: '127.0.0.1', SMTP_INBOUND_MAX_BYTES: '52428800' }).smtpInbound).toEqual({ host: '127.0.0.1', port: 25, maxBytes: 52428800 });
  });
  it('refuses a bad port, naming the variable', () => {
    expect(() => loadConfig({ ...base, SMTP_INBOUND_PORT: 'smtp' })).toThrow(ConfigError);
    expect(() => loadConfig({ ...base, SMTP_INBOUND_PORT: '70000' })).toThrow(/SMTP_INBOUND_PORT/);
  });
});
