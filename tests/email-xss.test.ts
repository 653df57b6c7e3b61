// The hostile HTML corpus (channels/src/email/fixtures/xss) through the email adapter and the ingest path:
// what the API returns to agents must carry no vector, whatever the mail tried.
import { emailAdapter } from '@switchboard/channels';
import { emailTestContext, htmlThreats, listEmailFixtures, readEmailFixture, startSmtpFake, type SmtpFake } from '@switchboard/channels/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { storageModes } from '@switchboard/db/testing';
import { startTestServer, type TestServer } from './support/server.ts';
import { forwardingInbox } from './support/email.ts';
import { ApiClient, setupAdmin } from './support/api.ts';

const files = listEmailFixtures('xss');
const OUR_ATTACHMENT = /^\/api\/attachments\/[0-9a-f-]{36}$/;

describe.each(storageModes())('hostile email HTML as the API returns it (%s)', (mode) => {
  let t: TestServer;
  let admin: ApiClient;
  let smtp: SmtpFake;
  let inbox: { id: string; workspaceId: string; settings: unknown };

  beforeAll(async () => {
    t = await startTestServer(mode);
    smtp = await startSmtpFake();
    admin = await setupAdmin(t.url);
    inbox = await forwardingInbox(admin, smtp.port, 'support@support.example');
  });
  afterAll(async () => {
    await smtp?.close();
    await t?.stop();
  });

  it(`neutralizes every vector of ${files.length} hostile mails in the messages API`, async () => {
    expect(files.length).toBeGreaterThanOrEqual(12);
    for (const file of files) {
      const parsed = await emailAdapter.parseRaw!(readEmailFixture(`xss/${file}`), emailTestContext({ now: () => new Date() }));
      const [result] = await t.server.services.ingest.ingest(inbox, parsed.messages);
      const conversationId = result?.conversation?.id;
      expect(conversationId, file).toBeTruthy();
      const messages = (await admin.get(`/api/conversations/${conversationId}/messages`)).body.items as Array<{ html: string | null; text: string }>;
      const html = messages[0]?.html ?? '';
      expect(html, file).toContain(`BENIGN-${file.slice(0, 2)}`);
      expect(htmlThreats(html, { imageSrc: OUR_ATTACHMENT }), file).toEqual([]);
    }
  });

  it('links inline cid images to the stored attachment, served only to signed-in agents', async () => {
    const parsed = await emailAdapter.parseRaw!(readEmailFixture('xss/10-tracking-pixels.eml'), emailTestContext({ now: () => new Date() }));
    const again = { ...parsed.messages[0]!, providerMessageId: '<pixels-again@x>' };
    const [result] = await t.server.services.ingest.ingest(inbox, [again]);
    const message = (await admin.get(`/api/conversations/${result!.conversation!.id}/messages`)).body.items[0];
    const inline = message.attachments.find((a: { name: string; url: string }) => message.html.includes(`src="${a.url}"`));
    expect(inline, message.html).toBeTruthy();
    expect((await fetch(t.url + inline.url)).status).toBe(401);
    expect((await fetch(t.url + inline.url, { headers: { cookie: admin.cookie! } })).status).toBe(200);
  });
});
