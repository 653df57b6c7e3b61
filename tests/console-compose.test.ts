// The console's composer and contact panel in real Chromium against `node server/src/main.ts` on PGlite:
// an email reply with the agent's own Subject and Cc arrives at the SMTP server with exactly those; files
// picked, dropped or pasted reach the integrator's webhook (API channel) base64-encoded; a file over the
// server's limit is refused in the browser before anything is sent; attachments the server did not store
// show as such; a paused inbox's composer turns replies off and keeps notes; the contact's name, company,
// attributes and identities are edited and survive a reload.
// Screenshots go to tests/artifacts/ (gitignored).
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { simpleParser } from 'mailparser';
import nodemailer from 'nodemailer';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTwilioFake, twilioInboundParams, type TwilioFake } from '@switchboard/channels/testing';
import { postApiWebhook, setupAdmin, type ApiClient } from './support/api.ts';
import type { Page } from './support/browser.ts';
import { launchConsolePage, signIn } from './support/console-session.ts';
import { mailWithFiles } from './support/email.ts';
import { startSmtpReceiver, type RelayedMail } from './support/smtp-receiver.ts';
import { createTwilioInbox, postTwilioWebhook } from './support/twilio.ts';
import { ensureConsoleBuilt, freePort, startServerProcess, type ServerProcess } from './support/start-process.ts';
import { eventually, startReceiver } from './support/webhook-receiver.ts';

const OWNER = { workspaceName: 'Acme', name: 'Olga Owner', email: 'olga@example.test', password: 'correct horse battery' };
const SECRET = 'console-compose-secret-0123456789';
const FILE_LIMIT = 200 * 1000;
const ARTIFACTS = fileURLToPath(new URL('./artifacts/', import.meta.url));
/** A 1×1 PNG. */
const PNG_BASE64 = 'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==';
const png = Buffer.from(PNG_BASE64, 'base64');

describe('the console composer and contact panel', () => {
  const root = mkdtempSync(join(tmpdir(), 'sb-console-compose-'));
  const outbox: RelayedMail[] = [];
  let server: ServerProcess;
  let page: Page;
  let admin: ApiClient;
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  let smtp: Awaited<ReturnType<typeof startSmtpReceiver>>;
  let twilio: TwilioFake;
  let smtpInboundPort: number;
  let shop: { id: string; publicToken: string };
  let mail: { id: string; publicToken: string };

  const timelineHas = (text: string) => `[...document.querySelectorAll('.timeline li')].some((li) => li.innerText.includes(${JSON.stringify(text)}))`;
  const conversationOf = async (inboxId: string) => (await admin.get(`/api/conversations?inboxId=${inboxId}`)).body.items[0] as { id: string; contact: { id: string } };

  async function screenshot(name: string) {
    const { data } = (await page.send('Page.captureScreenshot', { format: 'png' })) as { data: string };
    writeFileSync(join(ARTIFACTS, `${name}.png`), Buffer.from(data, 'base64'));
  }

  /** Opens a conversation by its link and waits for its composer and contact. */
  async function open(conversationId: string) {
    await page.goto(`${server.url}/?c=${conversationId}`);
    await page.waitFor(`document.querySelector('.live.online') && document.querySelector('#composer-text') && document.querySelector('#contact-name')`, 'the open conversation');
  }

  /** Chooses files on the composer's file input the way a user does in the file dialog. */
  async function pickFiles(paths: string[]) {
    const { root: doc } = (await page.send('DOM.getDocument', { depth: 0 })) as { root: { nodeId: number } };
    const { nodeId } = (await page.send('DOM.querySelector', { nodeId: doc.nodeId, selector: '#composer-files' })) as { nodeId: number };
    await page.send('DOM.setFileInputFiles', { nodeId, files: paths });
  }

  const chips = () => page.evaluate<string[]>(`[...document.querySelectorAll('.composer .files li .name')].map((n) => n.textContent)`);

  async function deliverMail(raw: string) {
    const transport = nodemailer.createTransport({ host: '127.0.0.1', port: smtpInboundPort, secure: false, ignoreTLS: true });
    try {
      await transport.sendMail({ envelope: { from: 'erika@example.test', to: [`${mail.publicToken}@shop.example`] }, raw });
    } finally {
      transport.close();
    }
  }

  beforeAll(async () => {
    mkdirSync(ARTIFACTS, { recursive: true });
    await ensureConsoleBuilt();
    receiver = await startReceiver();
    smtp = await startSmtpReceiver(undefined, async (m) => void outbox.push(m));
    twilio = await startTwilioFake();
    smtpInboundPort = await freePort();
    server = await startServerProcess({
      SWITCHBOARD_DATA_DIR: join(root, 'data'),
      JOB_RETRY_BASE_MS: '200',
      ATTACHMENT_MAX_BYTES: String(FILE_LIMIT),
      SMTP_INBOUND_PORT: String(smtpInboundPort),
      SMTP_INBOUND_HOST: '127.0.0.1',
    });
    admin = await setupAdmin(server.url, OWNER, OWNER.workspaceName);
    shop = (await admin.post('/api/inboxes', { kind: 'api', name: 'Shop', credentials: { secret: SECRET, webhookUrl: receiver.url } })).body;
    mail = (await admin.post('/api/inboxes', { kind: 'email', name: 'Support mail', credentials: { mode: 'forwarding', smtp: { host: '127.0.0.1', port: smtp.port, security: 'none' }, fromAddress: 'support@shop.example' } })).body;
    page = await launchConsolePage({ width: 1280, height: 800 });
    await signIn(page, server.url, OWNER.email, OWNER.password);
  }, 300_000);

  afterAll(async () => {
    await page?.close();
    await server?.stop();
    await receiver?.close();
    await smtp?.close();
    await twilio?.close();
    rmSync(root, { recursive: true, force: true });
  });

  it('an email reply goes out with the Subject and Cc the agent changed', async () => {
    await deliverMail(
      [
        'From: Erika Muster <erika@example.test>',
        'To: support@shop.example',
        'Cc: Bea Beispiel <bea@example.test>',
        'Subject: Broken kettle',
        `Date: ${new Date().toUTCString()}`,
        'Message-ID: <kettle-1@example.test>',
        'Content-Type: text/plain; charset=utf-8',
        '',
        'My kettle leaks.',
        '',
      ].join('\r\n'),
    );
    await open((await conversationOf(mail.id)).id);
    // Prefilled: Re: <subject>, and the customer in Cc on the conversation.
    await page.waitFor(`document.querySelector('#composer-subject')?.value === 'Re: Broken kettle' && document.querySelector('.cc .chip')?.textContent.startsWith('bea@example.test')`, 'the prefilled Subject and Cc');

    await page.fill('#composer-subject', 'Your replacement kettle');
    await page.click('.cc .chip button');
    await page.fill('#composer-cc', 'nope, Carl <Carl@Example.test>');
    await page.evaluate(`document.querySelector('#composer-cc').dispatchEvent(new KeyboardEvent('keydown', { key: 'Enter', bubbles: true, cancelable: true }))`);
    await page.waitFor(`document.querySelector('#composer-cc-error')?.textContent === 'Not an email address: nope'`, 'the invalid address refused');
    expect(await page.evaluate(`[...document.querySelectorAll('.cc .chip')].map((c) => c.firstChild.textContent)`)).toEqual(['carl@example.test']);
    await page.fill('#composer-cc', '');
    await page.fill('#composer-text', 'A new kettle is on its way.');
    await page.evaluate(`document.querySelector('.composer').requestSubmit()`);
    await page.waitFor(`${timelineHas('A new kettle is on its way.')} && ${timelineHas('Subject: Your replacement kettle')}`, 'the reply with its subject in the timeline');

    const sent = await eventually(async () => outbox.find((m) => m.raw.includes('A new kettle is on its way.')));
    const parsed = await simpleParser(sent.raw);
    expect(parsed.subject).toBe('Your replacement kettle');
    expect(parsed.cc).toMatchObject({ value: [{ address: 'carl@example.test' }] });
    expect(parsed.to).toMatchObject({ value: [{ address: 'erika@example.test' }] });
    expect(sent.to.sort()).toEqual(['carl@example.test', 'erika@example.test']);
    await page.waitFor(`[...document.querySelectorAll('.timeline li')].some((li) => li.innerText.includes('A new kettle') && li.querySelector('[data-delivery=sent]'))`, 'the reply marked sent');
    await screenshot('compose-email');
  });

  it('attachments the server did not store show as too large; images preview, other files download', async () => {
    const { raw } = mailWithFiles({
      subject: 'Photos of the kettle',
      files: [
        { name: 'kettle.png', contentType: 'image/png', bytes: png },
        { name: 'video.mp4', contentType: 'video/mp4', bytes: Buffer.alloc(FILE_LIMIT + 1000, 3) },
        { name: 'receipt.txt', contentType: 'text/plain', bytes: Buffer.from('Paid 20 EUR') },
      ],
    });
    await deliverMail(raw);
    const conversation = await eventually(async () => {
      const items = (await admin.get(`/api/conversations?inboxId=${mail.id}`)).body.items as Array<{ id: string; subject: string }>;
      return items.find((c) => c.subject === 'Photos of the kettle');
    });
    await open(conversation.id);
    const item = (name: string) => `[...document.querySelectorAll('.timeline .files li')].find((li) => li.innerText.includes(${JSON.stringify(name)}))`;
    await page.waitFor(`${item('video.mp4')} && ${item('kettle.png')}?.querySelector('img')?.complete`, 'the attachments');
    expect(await page.evaluate(`${item('video.mp4')}.dataset.attachment`)).toBe('too-large');
    expect(await page.evaluate(`${item('video.mp4')}.innerText`)).toContain('too large, not stored');
    expect(await page.evaluate(`${item('video.mp4')}.querySelector('a')`)).toBeNull();
    expect(await page.evaluate(`${item('kettle.png')}.querySelector('img').naturalWidth`)).toBe(1);
    expect(await page.evaluate(`${item('receipt.txt')}.dataset.attachment`)).toBe('file');
    const href = await page.evaluate<string>(`${item('receipt.txt')}.querySelector('a[download]').getAttribute('href')`);
    expect(await page.evaluate(`fetch(${JSON.stringify(href)}).then((r) => r.text())`)).toBe('Paid 20 EUR');
    await screenshot('timeline-attachments');
  });

  it('files picked, dropped and pasted reach the integrator webhook as base64, shown at once', async () => {
    expect((await postApiWebhook(server.url, shop.publicToken, SECRET, { messages: [{ id: 'm1', contact: { id: 'c-max', name: 'Max Mustermann', email: 'max@example.com' }, text: 'Where is my order?' }] })).status).toBe(200);
    await open((await conversationOf(shop.id)).id);
    // No Subject or Cc outside email.
    expect(await page.evaluate(`document.querySelector('#composer-subject')`)).toBeNull();

    const picked = Buffer.from(Array.from({ length: 3000 }, (_, i) => (i * 13) % 256));
    const path = join(root, 'invoice.pdf');
    writeFileSync(path, picked);
    await pickFiles([path]);
    await page.waitFor(`document.querySelectorAll('.composer .files li').length === 1`, 'the picked file as a chip');
    await page.evaluate(`(() => {
      const dt = new DataTransfer();
      dt.items.add(new File(['dropped bytes'], 'notes.txt', { type: 'text/plain' }));
      document.querySelector('.composer').dispatchEvent(new DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true }));
      const clip = new DataTransfer();
      clip.items.add(new File([Uint8Array.from(atob('${PNG_BASE64}'), (c) => c.charCodeAt(0))], 'pasted.png', { type: 'image/png' }));
      document.querySelector('#composer-text').dispatchEvent(new ClipboardEvent('paste', { clipboardData: clip, bubbles: true, cancelable: true }));
    })()`);
    await page.waitFor(`document.querySelectorAll('.composer .files li').length === 3`, 'the dropped and the pasted file');
    expect(await chips()).toEqual(['invoice.pdf', 'notes.txt', 'pasted.png']);
    // One removed again.
    await page.evaluate(`document.querySelector('.composer .files li:nth-child(2) button').click()`);
    await page.waitFor(`document.querySelectorAll('.composer .files li').length === 2`, 'the removed chip');

    const before = receiver.requests.length;
    await page.fill('#composer-text', 'Your invoice, as promised');
    await page.evaluate(`document.querySelector('.composer').requestSubmit()`);
    // At once, before the server answered: the text and the file names.
    await page.waitFor(`[...document.querySelectorAll('.timeline li')].some((li) => li.innerText.includes('Your invoice') && li.innerText.includes('invoice.pdf'))`, 'the optimistic reply with its files');
    expect(await chips()).toEqual([]);
    await receiver.waitFor(before + 1);
    const body = JSON.parse(receiver.requests.at(-1)!.body) as { message: { text: string; attachments: Array<{ name: string; contentType: string; size: number; contentBase64: string }> } };
    expect(body.message.text).toBe('Your invoice, as promised');
    expect(body.message.attachments.map((a) => [a.name, a.contentType, a.size])).toEqual([
      ['invoice.pdf', 'application/pdf', 3000],
      ['pasted.png', 'image/png', png.length],
    ]);
    expect(Buffer.from(body.message.attachments[0]!.contentBase64, 'base64').equals(picked)).toBe(true);
    expect(body.message.attachments[1]!.contentBase64).toBe(PNG_BASE64);
    await page.waitFor(`[...document.querySelectorAll('.timeline li')].some((li) => li.innerText.includes('Your invoice') && li.querySelector('[data-delivery=sent]') && li.querySelector('a[download="invoice.pdf"]') && li.querySelector('img[alt="pasted.png"]')?.naturalWidth === 1)`, 'the stored files, sent, the image previewed');
    await screenshot('compose-attachments');
  });

  it('a file over the server limit is refused in the browser, with nothing sent', async () => {
    const big = join(root, 'huge.zip');
    writeFileSync(big, Buffer.alloc(FILE_LIMIT + 1, 1));
    const small = join(root, 'small.txt');
    writeFileSync(small, 'small');
    await pickFiles([big, small]);
    await page.waitFor(`document.querySelector('.composer .refused')`, 'the refusal');
    const said = await page.evaluate<string>(`document.querySelector('.composer .refused').innerText`);
    expect(said).toContain('“huge.zip” is too large (200 kB): files may be up to 200 kB. It was not attached.');
    expect(await chips()).toEqual(['small.txt']);
    await screenshot('compose-too-large');
    const before = receiver.requests.length;
    await page.evaluate(`document.querySelector('.composer .files li button').click()`);
    await page.waitFor(`!document.querySelector('.composer .files')`, 'no files left');
    expect(await page.evaluate(`document.querySelector('.composer button[type=submit]').disabled`)).toBe(true);
    expect(receiver.requests.length).toBe(before);
  });

  it('an SMS reply counts characters and segments: GSM-7 160/153 with doubled extension characters, else UCS-2 70/67', async () => {
    const sms = await createTwilioInbox(admin, twilio, 'sms');
    expect((await postTwilioWebhook(server.url, sms, twilioInboundParams({ from: '+4917012345678', body: 'Hallo, ist mein Paket unterwegs?' }))).status).toBe(200);
    await open((await conversationOf(sms.id)).id);
    expect(await page.evaluate(`document.querySelector('#composer-subject')`)).toBeNull();
    const counter = async (text: string) => {
      await page.fill('#composer-text', text);
      return page.evaluate<string>(`document.querySelector('#composer-sms')?.textContent.trim()`);
    };
    expect(await counter('Hello')).toBe('5 characters · 1 SMS (GSM-7) · 155 left');
    expect(await counter('a'.repeat(155) + '€€€')).toBe('161 characters · 2 SMS (GSM-7) · 145 left');
    expect(await counter('Grüße 🙂')).toBe('8 characters · 1 SMS (UCS-2) · 62 left');
    expect(await counter('ł'.repeat(71))).toBe('71 characters · 2 SMS (UCS-2) · 63 left');
    await screenshot('compose-sms');
    // A private note is not an SMS: no counter.
    await page.evaluate(`document.querySelector('.modes input[value=note]').click()`);
    await page.waitFor(`!document.querySelector('#composer-sms')`, 'no counter on a note');
    await page.evaluate(`document.querySelector('.modes input[value=message]').click()`);
    await page.fill('#composer-text', '');
  });

  it('in a paused inbox the composer turns replies off with the reason; notes still work', async () => {
    const paused = (await admin.post('/api/inboxes', { kind: 'api', name: 'Old shop', credentials: { secret: SECRET, webhookUrl: receiver.url } })).body;
    const posted = await postApiWebhook(server.url, paused.publicToken, SECRET, { messages: [{ id: 'old-1', contact: { id: 'cust-old', name: 'Olaf' }, text: 'Still there?' }] });
    expect(posted.status).toBe(200);
    expect((await admin.patch(`/api/inboxes/${paused.id}`, { disabled: true })).status).toBe(200);
    const conversation = await conversationOf(paused.id);
    await open(conversation.id);
    await page.waitFor(`document.querySelector('.sidebar')?.innerText.includes('Old shop (paused)')`, 'the paused inbox marked in the sidebar');
    await page.fill('#composer-text', 'Yes, we are.');
    await page.waitFor(`document.querySelector('#composer-paused')?.textContent.startsWith('This inbox is paused') && document.querySelector('.composer button[type=submit]').disabled`, 'replies off, with the reason');
    await page.click('.composer input[value=note]');
    await page.waitFor(`!document.querySelector('#composer-paused') && !document.querySelector('.composer button[type=submit]').disabled`, 'the note mode');
    await page.evaluate(`document.querySelector('.composer').requestSubmit()`);
    await page.waitFor(timelineHas('Yes, we are.'), 'the note in the timeline');
    const stored = (await admin.get(`/api/conversations/${conversation.id}/messages`)).body.items as Array<{ text: string; kind: string }>;
    expect(stored.find((m) => m.text === 'Yes, we are.')?.kind).toBe('note');
    await page.click('.composer input[value=message]');
  });

  it("edits the contact's name, company, attributes and identities, and they survive a reload", async () => {
    const conversation = await conversationOf(shop.id);
    await open(conversation.id);
    await page.fill('#contact-name', 'Max M. Mustermann');
    await page.fill('#contact-company', 'Muster GmbH');
    await page.evaluate(`document.querySelector('#contact-name').form.requestSubmit()`);
    await page.waitFor(`document.querySelector('.details [role=status]')?.textContent === 'Saved'`, 'the saved name');

    await page.fill('#attr-new-key', 'plan');
    await page.fill('#attr-new-value', 'gold');
    await page.evaluate(`document.querySelector('#attr-new-key').form.requestSubmit()`);
    await page.waitFor(`document.querySelector('.attributes dt')?.textContent === 'plan' && document.querySelector('#attr-0').value === 'gold'`, 'the new attribute');
    await page.fill('#attr-new-key', 'seats');
    await page.fill('#attr-new-value', '5');
    await page.evaluate(`document.querySelector('#attr-new-key').form.requestSubmit()`);
    await page.waitFor(`document.querySelectorAll('.attributes dt').length === 2`, 'the second attribute');
    await page.evaluate(`(() => { const i = document.querySelector('#attr-0'); i.value = 'platinum'; i.dispatchEvent(new Event('change', { bubbles: true })); })()`);
    await eventually(async () => (await admin.get(`/api/contacts/${conversation.contact.id}`)).body.attributes.plan === 'platinum');
    await page.evaluate(`document.querySelector('.attributes dd:nth-of-type(2) button').click()`);
    await page.waitFor(`document.querySelectorAll('.attributes dt').length === 1`, 'the removed attribute');

    const addIdentity = async (kind: string, address: string) => {
      await page.evaluate(`(() => { const s = document.querySelector('#identity-kind'); s.value = ${JSON.stringify(kind)}; s.dispatchEvent(new Event('change', { bubbles: true })); })()`);
      await page.fill('#identity-address', address);
      await page.evaluate(`document.querySelector('#identity-address').form.requestSubmit()`);
    };
    await addIdentity('phone', '+49 30 1234567');
    await page.waitFor(`document.querySelector('[data-identity="+49301234567"]')`, 'the phone number, normalized');
    await addIdentity('email', 'Max.Private@Example.com');
    await page.waitFor(`document.querySelector('[data-identity="max.private@example.com"]')`, 'the second email');
    await addIdentity('email', 'not-an-address');
    await page.waitFor(`document.querySelector('#identity-problem')?.textContent === 'Not a valid email address.'`, 'the invalid address refused');
    // Erika's address (the email conversation's contact) stays hers.
    await addIdentity('email', 'erika@example.test');
    await page.waitFor(`document.querySelector('#identity-problem')?.textContent === 'This address belongs to another contact.'`, "the other contact's address refused");
    await page.evaluate(`document.querySelector('[data-identity="+49301234567"] button').click()`);
    await page.waitFor(`!document.querySelector('[data-identity="+49301234567"]')`, 'the removed phone number');
    await screenshot('contact-panel');

    await page.reload();
    await page.waitFor(`document.querySelector('#contact-name')?.value === 'Max M. Mustermann'`, 'the reloaded contact');
    expect(await page.evaluate(`document.querySelector('#contact-company').value`)).toBe('Muster GmbH');
    expect(await page.evaluate(`[...document.querySelectorAll('.attributes dt')].map((d) => d.textContent)`)).toEqual(['plan']);
    expect(await page.evaluate(`document.querySelector('#attr-0').value`)).toBe('platinum');
    const identities = await page.evaluate<string[]>(`[...document.querySelectorAll('.ids [data-identity]')].map((li) => li.dataset.identity)`);
    expect(identities).toContain('max.private@example.com');
    expect(identities).toContain('max@example.com');
    expect(identities).not.toContain('+49301234567');
    const erika = (await admin.get(`/api/contacts?q=erika@example.test`)).body.items as Array<{ identities: Array<{ address: string }> }>;
    expect(erika.flatMap((c) => c.identities.map((i) => i.address))).toContain('erika@example.test');
    expect(page.errors).toEqual([]);
  });
});
