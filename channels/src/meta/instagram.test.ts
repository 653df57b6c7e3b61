import { afterEach, describe, expect, it } from 'vitest';
import { runAdapterContractSuite } from '../contract-suite.ts';
import { sampleOutboundMessage } from '../testing/fixtures.ts';
import { startMetaFake, type MetaFake } from '../testing/meta-fake.ts';
import { instagramTestContext, messagingEvents as ev, messagingWebhook, metaVerificationRequest, signedMetaRequest, TEST_META } from './fixtures.ts';
import { instagramAdapter } from './instagram.ts';

const IG = TEST_META.instagramAccountId;
const IGSID = '1254459154682919';
const AT = new Date('2025-03-01T12:00:00.000Z');
const identity = { kind: 'instagram' as const, address: `${IG}:${IGSID}`, verified: true };
const outbound = (o: Partial<Parameters<typeof sampleOutboundMessage>[0]> = {}) =>
  sampleOutboundMessage({ contact: { id: 'contact_1', name: null, identities: [identity] }, html: null, ...o });
const ctx = instagramTestContext();
const parse = (body: unknown) => instagramAdapter.parse(signedMetaRequest(body), ctx);

runAdapterContractSuite('instagram', {
  adapter: instagramAdapter,
  context: (o) => instagramTestContext(o),
  validRequest: () => signedMetaRequest(messagingWebhook('instagram', IG, [ev.text(IG, IGSID, 'aWdfZAG1faXRlbTox', 'Habt ihr das in Größe M?', AT)])),
  tamper: (req) => ({ ...req, rawBody: req.rawBody.replace('Gr', 'gR') }),
  unsigned: (req) => ({ ...req, headers: {} }),
  malformedRequest: () => signedMetaRequest({ object: 'instagram', entry: 'nope' }),
  outboundMessage: () => outbound(),
  successResponse: { status: 200, body: { recipient_id: IGSID, message_id: 'aWdfZAG1faXRlbTo2' } },
});

describe('instagram adapter', () => {
  it('answers the subscription check', () => {
    expect(instagramAdapter.handshake?.(metaVerificationRequest(TEST_META.verifyToken, 'abc'), ctx)?.body).toBe('abc');
    expect(instagramAdapter.handshake?.(metaVerificationRequest('something-else'), ctx)?.status).toBe(403);
  });

  it('maps messages to account-scoped identities, story replies and shares included', async () => {
    const body = messagingWebhook('instagram', IG, [
      ev.text(IG, IGSID, 'ig_1', 'Schöne Story!', AT, { reply_to: { story: { id: '1790', url: 'https://lookaside.fbsbx.com/ig_messaging_cdn/?asset_id=1790' } } }),
      ev.attachment(IG, IGSID, 'ig_2', [{ type: 'share', payload: { url: 'https://www.instagram.com/p/C1/' } }], AT),
      ev.attachment(IG, IGSID, 'ig_3', [{ type: 'image', payload: { url: 'https://lookaside.fbsbx.com/ig_messaging_cdn/?asset_id=17&signature=x' } }], AT),
    ]);
    const { messages } = await parse(body);
    expect(messages.map((m) => m.contact.identities)).toEqual([[identity], [identity], [identity]]);
    expect(messages[0]?.metadata).toEqual({ replyTo: { story: { id: '1790', url: 'https://lookaside.fbsbx.com/ig_messaging_cdn/?asset_id=1790' } } });
    expect(messages[1]?.text).toBe('[share] https://www.instagram.com/p/C1/');
    expect(messages[2]?.attachments).toEqual([{ name: 'image-1', contentType: 'image/jpeg', url: 'https://lookaside.fbsbx.com/ig_messaging_cdn/?asset_id=17&signature=x' }]);
  });

  it('turns an unsent message into a deletion of the stored one, and marks unsupported ones', async () => {
    const body = messagingWebhook('instagram', IG, [
      { sender: { id: IGSID }, recipient: { id: IG }, timestamp: AT.getTime(), message: { mid: 'ig_del', is_deleted: true } },
      { sender: { id: IGSID }, recipient: { id: IG }, timestamp: AT.getTime(), message: { mid: 'ig_uns', is_unsupported: true } },
    ]);
    const { messages, edits } = await parse(body);
    expect(messages.map((m) => [m.providerMessageId, m.text, m.metadata])).toEqual([['ig_uns', '[Unsupported message]', { unsupported: true }]]);
    expect(edits).toEqual([{ providerMessageId: 'ig_del', deleted: true, occurredAt: AT }]);
  });

  it('reads "seen" receipts by mid and as a watermark up to the event', async () => {
    const parsed = await parse(messagingWebhook('instagram', IG, [ev.seen(IG, IGSID, 'ig_out_1', AT), ev.echo(IG, IGSID, 'ig_out_1', 'hi', AT)]));
    expect(parsed.statuses).toEqual([
      { providerMessageId: 'ig_out_1', status: 'read', occurredAt: AT },
      { providerMessageId: 'ig_out_1', status: 'sent', occurredAt: AT },
    ]);
    expect(parsed.watermarks).toEqual([{ identity, status: 'read', upTo: AT }]);
  });

  describe('through the Graph API', () => {
    let fake: MetaFake | undefined;
    afterEach(async () => {
      await fake?.close();
      fake = undefined;
    });

    it('sends without a messaging_type, in 1000-character pieces, uploading files for Instagram', async () => {
      fake = await startMetaFake(TEST_META);
      const c = instagramTestContext({ settings: { graphBaseUrl: fake.url } });
      const jpg = new Uint8Array([0xff, 0xd8, 0xff, 0xe0]);
      await instagramAdapter.send(outbound({ text: 'x'.repeat(1500), attachments: [{ name: 'look.jpg', contentType: 'image/jpeg', size: 4, content: jpg }] }), c);
      expect(fake.uploads[0]?.fields.platform).toBe('instagram');
      expect(fake.sends.map((s) => s.body)).toEqual([
        { recipient: { id: IGSID }, message: { text: 'x'.repeat(1000) } },
        { recipient: { id: IGSID }, message: { text: 'x'.repeat(500) } },
        { recipient: { id: IGSID }, message: { attachment: { type: 'image', payload: { attachment_id: fake.uploads[0]?.id } } } },
      ]);
    });

    it('tests the connection by reading the Instagram account', async () => {
      fake = await startMetaFake(TEST_META);
      const test = (o: Parameters<typeof instagramTestContext>[0] = {}) => instagramAdapter.testConnection!(instagramTestContext({ settings: { graphBaseUrl: fake!.url }, ...o }));
      expect(await test()).toEqual({ ok: true, details: { instagramAccountId: IG, username: 'acme.support' } });
      expect(await test({ credentials: { instagramAccountId: '123' } })).toMatchObject({ ok: false, problem: 'not_found', message: expect.stringMatching(/does not exist/) });
      expect(await test({ credentials: { accessToken: 'expired' } })).toMatchObject({ ok: false, problem: 'auth_failed' });
    });
  });
});
