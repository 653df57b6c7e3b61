// Large mail and attachments against a real Dovecot and the real inbound SMTP endpoint: mails above the
// streaming threshold are downloaded and parsed as a stream, each attachment written to storage as it is
// decoded (never the whole mail in memory); size limits record a file as too large while the mail arrives.
import { createHash, randomBytes } from 'node:crypto';
import nodemailer from 'nodemailer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readEmailFixture } from '@switchboard/channels/testing';
import { storageModes } from '@switchboard/db/testing';
import type { AttachmentDto } from '@switchboard/server/contracts';
import { setupAdmin, type ApiClient } from './support/api.ts';
import { startDovecot, testMail, type Dovecot } from './support/dovecot.ts';
import {
  apiMessageOf,
  createEmailInbox,
  downloadSha256,
  imapCredentials,
  MAILBOX_PASSWORD,
  mailWithFiles,
  storedFiles,
  storedMessageIds,
  syncStateOf,
} from './support/email.ts';
import { startSmtpReceiver } from './support/smtp-receiver.ts';
import { startTestServer, type TestServer } from './support/server.ts';
import { eventually } from './support/webhook-receiver.ts';

const sha256 = (b: Buffer) => createHash('sha256').update(b).digest('hex');
const named = (m: { attachments: AttachmentDto[] }, name: string) => {
  const found = m.attachments.find((a) => a.name === name);
  if (!found) throw new Error(`no attachment ${name} in ${JSON.stringify(m.attachments)}`);
  return found;
};
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==', 'base64');
const FAST_SYNC = { discoverMs: 300, batchSize: 10, saveEvery: 5, backoffMinMs: 100, backoffMaxMs: 1_000, leaseMs: 5_000, leaseRetryMs: 200 };

let dovecot: Dovecot;
let smtp: Awaited<ReturnType<typeof startSmtpReceiver>>;
beforeAll(async () => {
  dovecot = await startDovecot();
  smtp = await startSmtpReceiver();
});
afterAll(async () => {
  await smtp?.close();
  await dovecot?.stop();
});

let users = 0;
/** A fresh Dovecot user holding `raws`, and an IMAP inbox in the product syncing it. */
async function syncedMailbox(t: TestServer, admin: ApiClient, raws: Array<string | Buffer>, settings: Record<string, unknown> = {}) {
  const user = `files${++users}-${process.pid}@example.test`;
  dovecot.addUser(user, MAILBOX_PASSWORD);
  await dovecot.append(user, MAILBOX_PASSWORD, raws);
  const inbox = await createEmailInbox(admin, imapCredentials(dovecot, user, smtp.port), settings);
  await eventually(async () => {
    const s = await syncStateOf(t, inbox.id);
    return s.status === 'idle' && s.lastUid === raws.length;
  }, 120_000);
  return { user, inbox };
}

/** Every file in storage belongs to a stored attachment row, and every such row has its file. */
async function expectNoOrphans(t: TestServer) {
  const rows = await t.db.prisma.attachment.findMany({ where: { storageKey: { not: null } }, select: { storageKey: true } });
  expect(storedFiles(t).sort()).toEqual(rows.map((r) => r.storageKey).sort());
}

describe.each(storageModes())('large mail: streamed to storage (%s)', (mode) => {
  let t: TestServer;
  let admin: ApiClient;

  beforeAll(async () => {
    t = await startTestServer(mode, {
      env: { SMTP_INBOUND_PORT: '0', SMTP_INBOUND_HOST: '127.0.0.1' },
      mailSync: { ...FAST_SYNC, streamAboveBytes: 256 * 1024 },
    });
    admin = await setupAdmin(t.url);
  });
  afterAll(async () => {
    await t?.stop();
  });

  let big: { inboxId: string; user: string; file: Buffer; messageId: string };

  it('syncs a mail with a 12 MB attachment between two small ones: bytes intact, inline image linked, order kept', async () => {
    const file = randomBytes(12 * 1024 * 1024);
    const mail = mailWithFiles({
      html: '<p>The dump, and our logo <img src="cid:logo@acme.example" alt="logo"></p>',
      files: [
        { name: 'logo.png', contentType: 'image/png', bytes: PNG, cid: 'logo@acme.example' },
        { name: 'dump.bin', contentType: 'application/octet-stream', bytes: file },
      ],
    });
    const before = testMail();
    const after = testMail();
    const { user, inbox } = await syncedMailbox(t, admin, [before.raw, mail.raw, after.raw]);
    expect((await storedMessageIds(t, inbox.id)).sort()).toEqual([before.messageId, mail.messageId, after.messageId].sort());
    expect(await syncStateOf(t, inbox.id)).toMatchObject({ lastUid: 3, messagesIngested: 3, failures: 0 });

    const message = await apiMessageOf(t, admin, inbox.id, mail.messageId);
    expect(message.text).toContain('The dump, and our logo');
    expect(message.attachments).toHaveLength(2);
    const dump = named(message, 'dump.bin');
    expect(dump).toMatchObject({ contentType: 'application/octet-stream', size: file.length, error: null });
    expect(await downloadSha256(t, admin, dump.url)).toEqual({ status: 200, sha256: sha256(file) });
    const logo = named(message, 'logo.png');
    expect(logo).toMatchObject({ size: PNG.length, error: null });
    expect(message.html).toContain(`src="${logo.url}"`);
    expect(await downloadSha256(t, admin, logo.url)).toEqual({ status: 200, sha256: sha256(PNG) });
    await expectNoOrphans(t);
    big = { inboxId: inbox.id, user, file, messageId: mail.messageId };
  });

  it('a re-fetched large mail (UIDVALIDITY change) leaves no duplicate attachment and no orphan file', async () => {
    const rowsBefore = await t.db.prisma.attachment.findMany({ where: { message: { inboxId: big.inboxId } }, orderBy: { id: 'asc' } });
    const validity = await dovecot.uidValidity(big.user);
    await dovecot.setUidValidity(big.user, validity + 1000);
    await dovecot.kick(big.user);
    await eventually(async () => {
      const s = await syncStateOf(t, big.inboxId);
      return s.uidValidity === String(validity + 1000) && s.status === 'idle' && s.lastUid === 3;
    }, 120_000);
    expect((await storedMessageIds(t, big.inboxId)).length).toBe(3);
    expect(await t.db.prisma.attachment.findMany({ where: { message: { inboxId: big.inboxId } }, orderBy: { id: 'asc' } })).toEqual(rowsBefore);
    await expectNoOrphans(t);
  });

  it("records files over the inbox's maxAttachmentBytes as too large, on both paths; the text and the other files arrive", async () => {
    const tooBig = randomBytes(400 * 1024);
    const streamed = mailWithFiles({
      html: '<p>Streamed: photo and video</p>',
      files: [
        { name: 'photo.png', contentType: 'image/png', bytes: PNG },
        { name: 'video.mp4', contentType: 'video/mp4', bytes: tooBig },
      ],
    });
    const inMemory = mailWithFiles({ html: '<p>Small mail, big file</p>', files: [{ name: 'scan.pdf', contentType: 'application/pdf', bytes: randomBytes(150 * 1024) }] });
    const { inbox } = await syncedMailbox(t, admin, [streamed.raw, inMemory.raw], { maxAttachmentBytes: 100 * 1024 });
    expect(await syncStateOf(t, inbox.id)).toMatchObject({ lastUid: 2, messagesIngested: 2, failures: 0 });

    const m1 = await apiMessageOf(t, admin, inbox.id, streamed.messageId);
    expect(m1.text).toBe('Streamed: photo and video');
    expect(await downloadSha256(t, admin, named(m1, 'photo.png').url)).toEqual({ status: 200, sha256: sha256(PNG) });
    const video = named(m1, 'video.mp4');
    expect(video).toMatchObject({ contentType: 'video/mp4', size: tooBig.length, error: `too_large: ${tooBig.length} bytes, over the limit of 102400 bytes` });
    const refused = await admin.get(video.url);
    expect(refused.status).toBe(409);
    expect(refused.body.error.message).toMatch(/not stored: too_large/);

    const m2 = await apiMessageOf(t, admin, inbox.id, inMemory.messageId);
    expect(m2.text).toBe('Small mail, big file');
    expect(m2.attachments).toMatchObject([{ name: 'scan.pdf', size: 150 * 1024, error: `too_large: ${150 * 1024} bytes, over the limit of 102400 bytes` }]);
    await expectNoOrphans(t);
  });

  it('forwarding: a large mail to the SMTP endpoint is streamed to storage; sent twice (large or small), a mail is stored once', async () => {
    const inbox = await createEmailInbox(admin, { mode: 'forwarding', smtp: { host: '127.0.0.1', port: smtp.port, security: 'none' }, fromAddress: 'help@shop.example' });
    const file = randomBytes(3 * 1024 * 1024);
    const large = mailWithFiles({ html: '<p>Forwarded with a file</p>', files: [{ name: 'report.xlsx', contentType: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', bytes: file }] });
    const note = randomBytes(10_000);
    const small = mailWithFiles({ html: '<p>A small one</p>', files: [{ name: 'note.txt', contentType: 'text/plain', bytes: note }] });
    const transport = nodemailer.createTransport({ host: '127.0.0.1', port: t.server.mail.smtp!.port, secure: false, ignoreTLS: true });
    try {
      for (const mail of [large, large, small, small]) {
        const info = await transport.sendMail({ envelope: { from: 'erika@example.test', to: [`${inbox.publicToken}@in.shop.example`] }, raw: mail.raw });
        expect(info.response).toMatch(/^250/);
      }
    } finally {
      transport.close();
    }
    expect((await storedMessageIds(t, inbox.id)).sort()).toEqual([large.messageId, small.messageId].sort());
    const m1 = await apiMessageOf(t, admin, inbox.id, large.messageId);
    expect(m1.attachments).toMatchObject([{ name: 'report.xlsx', size: file.length, error: null }]);
    expect(await downloadSha256(t, admin, m1.attachments[0]!.url)).toEqual({ status: 200, sha256: sha256(file) });
    const m2 = await apiMessageOf(t, admin, inbox.id, small.messageId);
    expect(await downloadSha256(t, admin, named(m2, 'note.txt').url)).toEqual({ status: 200, sha256: sha256(note) });
    // The second copies' files (streamed, or written before the transaction) were deleted again.
    await expectNoOrphans(t);
  });
});

describe.each(storageModes())('every mail on the streaming path (%s)', (mode) => {
  let t: TestServer;
  let admin: ApiClient;
  const STORAGE_LIMIT = 200_000;

  beforeAll(async () => {
    t = await startTestServer(mode, { env: { ATTACHMENT_MAX_BYTES: String(STORAGE_LIMIT) }, mailSync: { ...FAST_SYNC, streamAboveBytes: 0 } });
    admin = await setupAdmin(t.url);
  });
  afterAll(async () => {
    await t?.stop();
  });

  it('odd charsets and cid inline images of the corpus come through as on the in-memory path', async () => {
    const charsets = [
      ['iso-8859-1.eml', '<latin1-1@muller.example>', 'René Müller', 'Bonjour, la théière est arrivée cassée. Ça arrive ?'],
      ['windows-1252.eml', '<cp1252-1@oneil.example>', "Zoe O'Neil", 'It costs 20€ – “too much”…'],
      ['iso-2022-jp.eml', '<jis-1@yamada.example>', '山田太郎', '注文した商品がまだ届きません。'],
      ['koi8-r.eml', '<koi8-1@petrov.example>', 'Иван Петров', 'Здравствуйте! Где мой заказ?'],
    ] as const;
    const raws = [...charsets.map(([file]) => Buffer.from(readEmailFixture(`charsets/${file}`))), Buffer.from(readEmailFixture('xss/10-tracking-pixels.eml'))];
    const { inbox } = await syncedMailbox(t, admin, raws);
    expect(await syncStateOf(t, inbox.id)).toMatchObject({ messagesIngested: 5, failures: 0 });
    for (const [file, messageId, name, text] of charsets) {
      const row = await t.db.prisma.message.findFirst({ where: { inboxId: inbox.id, providerMessageId: messageId }, include: { authorContact: true } });
      expect(row?.authorContact?.name, file).toBe(name);
      expect(row?.text, file).toBe(text);
    }
    const pixels = await apiMessageOf(t, admin, inbox.id, '<xss-10@evil.example>');
    const logo = pixels.attachments.find((a) => pixels.html?.includes(`src="${a.url}"`));
    expect(logo).toMatchObject({ contentType: 'image/png', error: null });
    expect((await downloadSha256(t, admin, logo!.url)).status).toBe(200);
  });

  it('a file over ATTACHMENT_MAX_BYTES (the storage limit) is recorded as too large; the smaller one arrives', async () => {
    const small = randomBytes(50_000);
    const mail = mailWithFiles({
      files: [
        { name: 'small.bin', contentType: 'application/octet-stream', bytes: small },
        { name: 'large.bin', contentType: 'application/octet-stream', bytes: randomBytes(300_000) },
      ],
    });
    const { inbox } = await syncedMailbox(t, admin, [mail.raw]);
    const message = await apiMessageOf(t, admin, inbox.id, mail.messageId);
    expect(message.text).toBe('Please see the files.');
    expect(message.attachments).toHaveLength(2);
    expect(named(message, 'large.bin')).toMatchObject({ size: 300_000, error: `too_large: 300000 bytes, over the limit of ${STORAGE_LIMIT} bytes` });
    expect(named(message, 'small.bin')).toMatchObject({ size: small.length, error: null });
    expect(await downloadSha256(t, admin, named(message, 'small.bin').url)).toEqual({ status: 200, sha256: sha256(small) });
    await expectNoOrphans(t);
  });
});
