import { describe, expect, it } from 'vitest';
import { messagingEvents as ev, messengerTestContext, signedMetaRequest, TEST_META, whatsAppEvents as wa, whatsAppTestContext, whatsAppWebhook } from './fixtures.ts';
import { newestMetaEventTime } from './freshness.ts';
import { messengerAdapter } from './messenger.ts';
import { whatsAppCloudAdapter } from './whatsapp.ts';

const PAGE = TEST_META.pageId;
const NOW = new Date('2025-06-01T12:00:00.000Z');
const hoursAgo = (h: number) => new Date(NOW.getTime() - h * 3_600_000);
const messenger = (entryTime: Date, eventTime: Date) =>
  signedMetaRequest({ object: 'page', entry: [{ id: PAGE, time: entryTime.getTime(), messaging: [ev.text(PAGE, '6789012345678901', 'm_1', 'Hallo', eventTime)] }] });
const whatsapp = (at: Date) => signedMetaRequest(whatsAppWebhook({ messages: [wa.text('4915112345678', 'wamid.1', 'Hallo', at)] }));

describe('Meta webhooks: staleness bound', () => {
  it('reads the newest event time: entry.time and messaging timestamps in ms, WhatsApp timestamps in seconds', () => {
    expect(newestMetaEventTime(messenger(hoursAgo(3), hoursAgo(5)).rawBody)).toBe(hoursAgo(3).getTime());
    expect(newestMetaEventTime(messenger(hoursAgo(5), hoursAgo(3)).rawBody)).toBe(hoursAgo(3).getTime());
    expect(newestMetaEventTime(whatsapp(hoursAgo(2)).rawBody)).toBe(hoursAgo(2).getTime());
    const statusOnly = whatsAppWebhook({ statuses: [wa.status('wamid.out', 'delivered', '4915112345678', hoursAgo(1))] });
    expect(newestMetaEventTime(JSON.stringify(statusOnly))).toBe(hoursAgo(1).getTime());
    expect(newestMetaEventTime('{"object":"page","entry":[{"id":"1"}]}')).toBeNull();
    expect(newestMetaEventTime('not json')).toBeNull();
  });

  it('accepts a retry Meta sends up to 36 hours later, and refuses a payload older than 48 hours as stale', async () => {
    const ctx = messengerTestContext({ now: () => NOW });
    expect(await messengerAdapter.verify(messenger(hoursAgo(36), hoursAgo(36)), ctx)).toEqual({ ok: true });
    const stale = await messengerAdapter.verify(messenger(hoursAgo(49), hoursAgo(49)), ctx);
    expect(stale).toEqual({ ok: false, reason: 'stale: the newest event is 49 hours old (Meta retries for at most 36 hours)' });
    const waCtx = whatsAppTestContext({ now: () => NOW });
    expect(await whatsAppCloudAdapter.verify(whatsapp(hoursAgo(47)), waCtx)).toEqual({ ok: true });
    expect((await whatsAppCloudAdapter.verify(whatsapp(hoursAgo(72)), waCtx)).ok).toBe(false);
  });

  it('checks the signature first: a stale payload with a bad signature is refused for its signature', async () => {
    const req = signedMetaRequest({ object: 'page', entry: [{ id: PAGE, time: hoursAgo(100).getTime(), messaging: [] }] }, { appSecret: 'another-app-secret' });
    expect(await messengerAdapter.verify(req, messengerTestContext({ now: () => NOW }))).toEqual({ ok: false, reason: 'invalid signature' });
  });

  it('keys a delivery by its signed bytes: a re-send is the same key, any other payload another', () => {
    const ctx = messengerTestContext({ now: () => NOW });
    const req = messenger(hoursAgo(1), hoursAgo(1));
    const key = messengerAdapter.replayKey?.(req, ctx);
    expect(key).toEqual(messengerAdapter.replayKey?.({ ...req, headers: { ...req.headers, 'user-agent': 'facebookexternalua' } }, ctx));
    expect(key).not.toEqual(messengerAdapter.replayKey?.(messenger(hoursAgo(2), hoursAgo(1)), ctx));
  });
});
