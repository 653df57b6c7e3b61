import { createHmac } from 'node:crypto';
import twilio from 'twilio';
import { describe, expect, it } from 'vitest';
import type { InboundRequest } from '../contract.ts';
import { twilioSmsAdapter } from './adapter.ts';
import { encodeForm, signedTwilioRequest, TEST_TWILIO_AUTH_TOKEN, twilioInboundParams, twilioTestContext } from './fixtures.ts';
import { formParams, TWILIO_SIGNATURE_HEADER, TWILIO_SIGNATURE_SETTINGS_HEADER, verifyTwilioRequest } from './signature.ts';

const URL_CALLED = 'https://switchboard.example/webhooks/sms/pub_test';
const ctx = twilioTestContext('sms');
const verify = (req: InboundRequest, credentials = ctx.credentials) => verifyTwilioRequest(req, credentials);

describe('twilio replay key', () => {
  it('is the same for a retry (same URL, signature and fields; a new idempotency header) and differs for any other request', () => {
    const params = twilioInboundParams();
    const req = signedTwilioRequest(params, { url: URL_CALLED });
    const retry = signedTwilioRequest(params, { url: URL_CALLED });
    expect(retry.headers['i-twilio-idempotency-token']).not.toBe(req.headers['i-twilio-idempotency-token']);
    const key = twilioSmsAdapter.replayKey?.(req, ctx);
    expect(key).toEqual(twilioSmsAdapter.replayKey?.(retry, ctx));
    expect(key).not.toEqual(twilioSmsAdapter.replayKey?.(signedTwilioRequest({ ...params, Body: 'other' }, { url: URL_CALLED }), ctx));
    expect(key).not.toEqual(twilioSmsAdapter.replayKey?.(signedTwilioRequest(params, { url: `${URL_CALLED}?x=1` }), ctx));
  });
});

describe('twilio signature', () => {
  it('accepts a request signed as Twilio signs it (HMAC-SHA1 of URL + sorted fields, base64)', async () => {
    const params = twilioInboundParams({ body: 'Grüße ✓ & more' });
    const req = signedTwilioRequest(params, { url: URL_CALLED });
    const data = Object.keys(params).sort().reduce((acc, k) => acc + k + params[k], URL_CALLED);
    expect(req.headers[TWILIO_SIGNATURE_HEADER]).toBe(createHmac('sha1', TEST_TWILIO_AUTH_TOKEN).update(data, 'utf8').digest('base64'));
    expect(await verify(req)).toEqual({ ok: true });
  });

  it('rejects a missing, empty or wrong signature', async () => {
    const req = signedTwilioRequest(twilioInboundParams(), { url: URL_CALLED });
    expect(await verify({ ...req, headers: {} })).toEqual({ ok: false, reason: 'missing X-Twilio-Signature header' });
    expect((await verify({ ...req, headers: { [TWILIO_SIGNATURE_HEADER]: '  ' } })).ok).toBe(false);
    const other = signedTwilioRequest(twilioInboundParams(), { url: URL_CALLED, authToken: 'another-token-0123456789abcdef' });
    expect(await verify(other)).toEqual({ ok: false, reason: 'invalid signature' });
  });

  it('rejects a tampered body: changed, added or removed fields', async () => {
    const req = signedTwilioRequest(twilioInboundParams({ body: 'pay 10' }), { url: URL_CALLED });
    expect((await verify({ ...req, rawBody: req.rawBody.replace('pay+10', 'pay+99') })).ok).toBe(false);
    expect((await verify({ ...req, rawBody: `${req.rawBody}&Extra=1` })).ok).toBe(false);
    expect((await verify({ ...req, rawBody: req.rawBody.replace(/&?NumSegments=1/, '') })).ok).toBe(false);
  });

  it('checks the URL Twilio called: another host, path or query fails; the default port is the same URL', async () => {
    const req = signedTwilioRequest(twilioInboundParams(), { url: URL_CALLED });
    expect((await verify({ ...req, url: 'http://127.0.0.1:3000/webhooks/sms/pub_test' })).ok).toBe(false);
    expect((await verify({ ...req, url: `${URL_CALLED}x` })).ok).toBe(false);
    expect((await verify({ ...req, url: `${URL_CALLED}?a=1` })).ok).toBe(false);
    expect(await verify({ ...req, url: 'https://switchboard.example:443/webhooks/sms/pub_test' })).toEqual({ ok: true });
    const withQuery = signedTwilioRequest(twilioInboundParams(), { url: `${URL_CALLED}?status=1` });
    expect(await verify(withQuery)).toEqual({ ok: true });
  });

  it('refuses other methods and requests for another account', async () => {
    const req = signedTwilioRequest(twilioInboundParams(), { url: URL_CALLED });
    expect((await verify({ ...req, method: 'GET' })).ok).toBe(false);
    const foreign = signedTwilioRequest(twilioInboundParams({ accountSid: `AC${'f'.repeat(32)}` }), { url: URL_CALLED });
    expect(await verify(foreign)).toEqual({ ok: false, reason: 'the webhook is for another Twilio account' });
  });

  it('verifies webhooks signed with a SharedKey (HMAC-SHA256) only with the configured webhookSigningKey', async () => {
    const params = twilioInboundParams();
    const key = 'shared-key-secret-0123456789';
    const headers = {
      [TWILIO_SIGNATURE_HEADER]: twilio.getExpectedTwilioSignature(key, URL_CALLED, params, twilio.HMAC_SHA256),
      [TWILIO_SIGNATURE_SETTINGS_HEADER]: 'key=webhooks_sharedkey_1,algorithm=HMAC_SHA256',
    };
    const req: InboundRequest = { method: 'POST', url: URL_CALLED, headers, rawBody: encodeForm(params) };
    expect((await verify(req)).ok).toBe(false);
    expect(await verify(req, { ...ctx.credentials, webhookSigningKey: key })).toEqual({ ok: true });
    expect((await verify(req, { ...ctx.credentials, webhookSigningKey: 'another-shared-key-0123' })).ok).toBe(false);
    const md5 = { ...req, headers: { ...headers, [TWILIO_SIGNATURE_SETTINGS_HEADER]: 'key=k,algorithm=HMAC_MD5' } };
    expect(await verify(md5, { ...ctx.credentials, webhookSigningKey: key })).toEqual({ ok: false, reason: 'unsupported signature algorithm HMAC_MD5' });
  });

  it('parses repeated form keys into arrays, as the validator expects', () => {
    expect(formParams('a=1&b=x+y&a=2&c=%C3%BC')).toEqual({ a: ['1', '2'], b: 'x y', c: 'ü' });
  });

  it('is what the adapter verifies with', async () => {
    const req = signedTwilioRequest(twilioInboundParams(), { url: URL_CALLED });
    expect(await twilioSmsAdapter.verify(req, ctx)).toEqual({ ok: true });
    expect((await twilioSmsAdapter.verify(req, { ...ctx, credentials: { ...ctx.credentials, authToken: 'x'.repeat(32) } })).ok).toBe(false);
  });
});
