import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { storageModes } from '@switchboard/db/testing';
import { setupAdmin, type ApiClient } from './support/api.ts';
import { startDovecot, testMail, type Dovecot } from './support/dovecot.ts';
import { createEmailInbox, imapCredentials, MAILBOX_PASSWORD, storedMessageIds, syncStateOf } from './support/email.ts';
import { startSmtpReceiver } from './support/smtp-receiver.ts';
import { startTestServer, type TestServer } from './support/server.ts';
import { eventually } from './support/webhook-receiver.ts';


const sorted = (ids: string[]) => [...ids].sort();

describe.each(storageModes())('IMAP sync against a real Dovecot (%s)', (mode) => {
  let dovecot: Dovecot;
  let smtp: Awaited<ReturnType<typeof startSmtpReceiver>>;
  let t: TestServer;
  let admin: ApiClient;
  let n = 0;

  /** A fresh mailbox user with `count` mails already delivered, and its inbox in the product. */
  async function mailbox(count = 0) {
    const user = `agent${++n}-${mode}@example.test`;
    dovecot.addUser(user, MAILBOX_PASSWORD);
    const mails = Array.from({ length: count }, () => testMail());
    if (mails.length) await dovecot.append(user, MAILBOX_PASSWORD, mails.map((m) => m.raw));
    return { user, mails };
  }

  const waitForIds = (inboxId: string, expected: unknown[], timeoutMs = 30_000) =>
    eventually(async () => (await storedMessageIds(t, inboxId)).length >= expected.length, timeoutMs);

  beforeAll(async () => {
    dovecot = await startDovecot();
    smtp = await startSmtpReceiver();
    t = await startTestServer(mode, {
      mailSync: { discoverMs: 300, batchSize: 10, saveEvery: 5, backoffMinMs: 100, backoffMaxMs: 1_000, leaseMs: 5_000, leaseRetryMs: 200 },
    });
    admin = await setupAdmin(t.url);
  });
  afterAll(async () => {
    await t?.stop();
    await smtp?.close();
    await dovecot?.stop();
  });

  it('backfills the mailbox and shows the sync state in GET /api/inboxes', async () => {
    const { user, mails } = await mailbox(3);
    const inbox = await createEmailInbox(admin, imapCredentials(dovecot, user, smtp.port));
    await waitForIds(inbox.id, mails);
    expect(sorted(await storedMessageIds(t, inbox.id))).toEqual(sorted(mails.map((m) => m.messageId)));
    const shown = await eventually(async () => {
      const list = (await admin.get('/api/inboxes')).body as Array<{ id: string; syncState: Record<string, any> }>;
      const s = list.find((i) => i.id === inbox.id)?.syncState;
      return s?.status === 'idle' ? s : null;
    });
    expect(shown).toMatchObject({
      uidValidity: String(await dovecot.uidValidity(user)),
      lastUid: 3,
      status: 'idle',
      lastError: null,
      backfill: { total: 3, done: 3 },
      messagesIngested: 3,
      failures: 0,
    });
    expect(Date.parse(shown.lastSyncAt)).not.toBeNaN();
    expect(shown).not.toHaveProperty('lease');
  });

  it('a paused inbox stops syncing; resumed, it fetches what arrived meanwhile from where it stopped', async () => {
    const { user, mails } = await mailbox(2);
    const inbox = await createEmailInbox(admin, imapCredentials(dovecot, user, smtp.port));
    await waitForIds(inbox.id, mails);
    const paused = await admin.patch(`/api/inboxes/${inbox.id}`, { disabled: true });
    expect(paused.status).toBe(200);
    expect(paused.body.disabled).toBe(true);
    // The pause re-read the inboxes; a refresh queued behind that one returns once the worker has stopped.
    await t.server.mail.sync.refresh();
    expect(t.server.mail.sync.inboxIds).not.toContain(inbox.id);
    const meanwhile = testMail({ subject: 'While paused' });
    await dovecot.deliver(user, meanwhile.raw);
    // Discovery runs every 300 ms here: a second of it does not restart the worker or fetch the mail.
    await new Promise((r) => setTimeout(r, 1_000));
    expect(t.server.mail.sync.inboxIds).not.toContain(inbox.id);
    expect(await storedMessageIds(t, inbox.id)).not.toContain(meanwhile.messageId);
    const resumed = await admin.patch(`/api/inboxes/${inbox.id}`, { disabled: false });
    expect(resumed.body.disabled).toBe(false);
    await eventually(async () => (await storedMessageIds(t, inbox.id)).includes(meanwhile.messageId));
    expect(sorted(await storedMessageIds(t, inbox.id))).toEqual(sorted([...mails, meanwhile].map((m) => m.messageId)));
    // The cursor is saved after the batch's rows: it may trail the stored mail for a moment.
    await eventually(async () => (await syncStateOf(t, inbox.id)).lastUid === 3);
  });

  it('IDLE: a mail delivered while connected arrives without waiting for the poll interval', async () => {
    const { user } = await mailbox(0);
    // pollIntervalSeconds 600: only IDLE can bring the mail in within the bound below.
    const inbox = await createEmailInbox(admin, imapCredentials(dovecot, user, smtp.port), { pollIntervalSeconds: 600 });
    await eventually(async () => (await syncStateOf(t, inbox.id)).status === 'idle');
    const mail = testMail({ subject: 'Live' });
    const sentAt = Date.now();
    await dovecot.deliver(user, mail.raw);
    await eventually(async () => (await storedMessageIds(t, inbox.id)).includes(mail.messageId), 10_000, 20);
    expect(Date.now() - sentAt).toBeLessThan(10_000);
  });

  it('resumes after a stop: 50 mails delivered meanwhile arrive exactly once', async () => {
    const { user, mails } = await mailbox(5);
    const inbox = await createEmailInbox(admin, imapCredentials(dovecot, user, smtp.port));
    await waitForIds(inbox.id, mails);
    await eventually(async () => (await syncStateOf(t, inbox.id)).status === 'idle');
    await t.server.mail.sync.stop();
    const later = Array.from({ length: 50 }, () => testMail());
    await dovecot.append(user, MAILBOX_PASSWORD, later.map((m) => m.raw));
    expect((await storedMessageIds(t, inbox.id)).length).toBe(5);
    t.server.mail.sync.start();
    const all = [...mails, ...later].map((m) => m.messageId);
    await waitForIds(inbox.id, all);
    await eventually(async () => (await syncStateOf(t, inbox.id)).status === 'idle');
    expect(sorted(await storedMessageIds(t, inbox.id))).toEqual(sorted(all));
    expect(await syncStateOf(t, inbox.id)).toMatchObject({ lastUid: 55, messagesIngested: 55 });
  });

  it('a connection killed mid-batch resumes from the last committed UID: every mail once', async () => {
    await t.server.mail.sync.stop();
    const { user, mails } = await mailbox(100);
    const inbox = await createEmailInbox(admin, imapCredentials(dovecot, user, smtp.port));
    t.server.mail.sync.start();
    // Kick once the first batches (10 UIDs each) are committed, while more are still to come.
    await eventually(async () => (await syncStateOf(t, inbox.id)).lastUid >= 20, 30_000, 5);
    await dovecot.kick(user);
    const kickedAt = (await syncStateOf(t, inbox.id)).lastUid as number;
    await waitForIds(inbox.id, mails, 60_000);
    await eventually(async () => (await syncStateOf(t, inbox.id)).status === 'idle');
    expect(kickedAt).toBeLessThan(100);
    expect(dovecot.logins(user)).toBeGreaterThanOrEqual(2);
    expect(sorted(await storedMessageIds(t, inbox.id))).toEqual(sorted(mails.map((m) => m.messageId)));
    expect(await syncStateOf(t, inbox.id)).toMatchObject({ lastUid: 100, messagesIngested: 100, backfill: { total: 100, done: 100 } });
  });

  it('a stop in the middle of a batch saves exactly what is committed; the restart goes on from there', async () => {
    await t.server.mail.sync.stop();
    const { user, mails } = await mailbox(60);
    const inbox = await createEmailInbox(admin, imapCredentials(dovecot, user, smtp.port));
    t.server.mail.sync.start();
    await eventually(async () => (await syncStateOf(t, inbox.id)).lastUid >= 12, 30_000, 5);
    await t.server.mail.sync.stop();
    const stopped = await syncStateOf(t, inbox.id);
    expect(stopped.lastUid).toBeLessThan(60);
    // Every UID up to lastUid is stored, nothing after it: the next start neither skips nor repeats.
    expect((await storedMessageIds(t, inbox.id)).length).toBe(stopped.lastUid);
    t.server.mail.sync.start();
    await waitForIds(inbox.id, mails);
    await eventually(async () => (await syncStateOf(t, inbox.id)).status === 'idle');
    expect(sorted(await storedMessageIds(t, inbox.id))).toEqual(sorted(mails.map((m) => m.messageId)));
    expect(await syncStateOf(t, inbox.id)).toMatchObject({ lastUid: 60, messagesIngested: 60 });
  });

  it('UIDVALIDITY change: resyncs the window without duplicates', async () => {
    const { user, mails } = await mailbox(4);
    const inbox = await createEmailInbox(admin, imapCredentials(dovecot, user, smtp.port));
    await waitForIds(inbox.id, mails);
    await eventually(async () => (await syncStateOf(t, inbox.id)).status === 'idle');
    const before = await dovecot.uidValidity(user);
    await dovecot.setUidValidity(user, before + 1000);
    const logins = dovecot.logins(user);
    await dovecot.kick(user);
    await eventually(async () => {
      const s = await syncStateOf(t, inbox.id);
      return s.uidValidity === String(before + 1000) && s.status === 'idle';
    });
    expect(dovecot.logins(user)).toBeGreaterThan(logins);
    const extra = testMail();
    await dovecot.deliver(user, extra.raw);
    await eventually(async () => (await storedMessageIds(t, inbox.id)).includes(extra.messageId));
    // The cursor moves only after the message is stored (at the end of the batch): it may trail the rows for a moment.
    await eventually(async () => (await syncStateOf(t, inbox.id)).lastUid === 5);
    expect(sorted(await storedMessageIds(t, inbox.id))).toEqual(sorted([...mails, extra].map((m) => m.messageId)));
    expect(await syncStateOf(t, inbox.id)).toMatchObject({ lastUid: 5, messagesIngested: 5 });
  });

  it('skips a mail that cannot be parsed and counts it in failures', async () => {
    const { user } = await mailbox(0);
    const good = testMail();
    await dovecot.append(user, MAILBOX_PASSWORD, ['Subject: no sender at all\r\n\r\nbody\r\n', good.raw]);
    const inbox = await createEmailInbox(admin, imapCredentials(dovecot, user, smtp.port));
    await waitForIds(inbox.id, [good]);
    await eventually(async () => (await syncStateOf(t, inbox.id)).status === 'idle');
    expect(await storedMessageIds(t, inbox.id)).toEqual([good.messageId]);
    expect(await syncStateOf(t, inbox.id)).toMatchObject({ lastUid: 2, failures: 1, messagesIngested: 1 });
  });

  it('a storage error stops the batch without advancing lastUid; the mails arrive once storage works again', async () => {
    const { user } = await mailbox(0);
    const inbox = await createEmailInbox(admin, imapCredentials(dovecot, user, smtp.port));
    await eventually(async () => (await syncStateOf(t, inbox.id)).status === 'idle');
    // An honest storage failure: the database refuses every new message row for a while.
    await t.db.prisma.$executeRawUnsafe(`CREATE FUNCTION sb_refuse() RETURNS trigger AS $$ BEGIN RAISE EXCEPTION 'disk full (test)'; END $$ LANGUAGE plpgsql`);
    await t.db.prisma.$executeRawUnsafe(`CREATE TRIGGER sb_refuse BEFORE INSERT ON "Message" FOR EACH ROW EXECUTE FUNCTION sb_refuse()`);
    const mails = [testMail(), testMail()];
    try {
      await dovecot.append(user, MAILBOX_PASSWORD, mails.map((m) => m.raw));
      const failed = await eventually(async () => {
        const s = await syncStateOf(t, inbox.id);
        return s.status === 'error' ? s : null;
      });
      expect(failed.lastError).toMatch(/disk full/);
      expect(failed.lastUid).toBe(0);
    } finally {
      await t.db.prisma.$executeRawUnsafe(`DROP TRIGGER sb_refuse ON "Message"`);
      await t.db.prisma.$executeRawUnsafe(`DROP FUNCTION sb_refuse()`);
    }
    await waitForIds(inbox.id, mails);
    await eventually(async () => (await syncStateOf(t, inbox.id)).lastUid === 2);
    expect(sorted(await storedMessageIds(t, inbox.id))).toEqual(sorted(mails.map((m) => m.messageId)));
  });
});
