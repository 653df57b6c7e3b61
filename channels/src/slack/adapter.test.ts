import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runAdapterContractSuite } from '../contract-suite.ts';
import { sampleOutboundMessage } from '../testing/fixtures.ts';
import type { ProviderHarness } from '../testing/provider-harness.ts';
import { startSlackFake, type SlackFake } from '../testing/slack-fake.ts';
import { slackAdapter } from './adapter.ts';
import { signedSlackRequest, slackEnvelope, slackMessageEvent, slackTestContext, TEST_SLACK_SIGNING_SECRET } from './fixtures.ts';
import type { SlackCredentials, SlackSettings } from './schema.ts';
import { SLACK_SIGNATURE_HEADER, SLACK_TIMESTAMP_HEADER, signSlackRequest } from './signature.ts';

let slack: SlackFake;
beforeAll(async () => {
  slack = await startSlackFake();
  slack.addUser({ id: 'U0CUSTOMER', teamId: 'T0CUSTOMER', name: 'Carla Customer', email: 'carla@customer.example' });
});
afterAll(async () => slack?.close());

/** Sends go to a Slack fake of their own: success, a 503, a platform error (`{ok:false}` with HTTP 200), a closed port. */
async function slackProvider(): Promise<ProviderHarness<SlackCredentials, SlackSettings>> {
  const fake = await startSlackFake();
  let closed: Promise<void> | undefined;
  const close = () => (closed ??= fake.close());
  return {
    context: () => slackTestContext({ apiUrl: fake.apiUrl }),
    succeed: () => fake.recover(),
    failTransient: () => fake.fail('chat.postMessage', { status: 503 }),
    failPermanent: () => fake.fail('chat.postMessage', { error: 'channel_not_found' }),
    unreachable: close,
    attempts: () => fake.callsTo('chat.postMessage').length,
    transientStatus: 503,
    permanentStatus: 200,
    close,
  };
}

const validBody = () => slackEnvelope(slackMessageEvent({ text: 'Our invoices are wrong', ts: '1700000000.000100' }));

runAdapterContractSuite('slack', {
  adapter: slackAdapter,
  context: (o) => slackTestContext({ apiUrl: slack.apiUrl, ...(o?.fetch ? { fetch: o.fetch } : {}) }),
  outboundMessage: () => sampleOutboundMessage({ conversation: { id: 'conv_1', number: 42, threadKey: 'C0SHARED:1700000000.000100', subject: null } }),
  provider: slackProvider,
  validRequest: () => signedSlackRequest(validBody()),
  tamper: (req) => ({ ...req, rawBody: req.rawBody.replace('invoices', 'INVOICES') }),
  unsigned: (req) => {
    const headers = { ...req.headers };
    delete headers[SLACK_SIGNATURE_HEADER];
    return { ...req, headers };
  },
  malformedRequest: () => signedSlackRequest(slackEnvelope({ type: 'message', channel: 'C0SHARED', text: 'no ts' })),
});

describe('slack adapter: request signing', () => {
  // One clock for signing and verifying: a slow machine must not move the edges of the window.
  const now = Math.floor(Date.now() / 1000);
  const ctx = () => slackTestContext({ apiUrl: slack.apiUrl, now: () => new Date(now * 1000) });

  it('signs v0:{timestamp}:{body} with HMAC-SHA256, as Slack documents', () => {
    // Slack's published example (docs: "Verifying requests from Slack").
    const body =
      'token=xyzz0WbapA4vBCDEFasx0q6G&team_id=T1DC2JH3J&team_domain=testteamnow&channel_id=G8PSS9T3V&channel_name=foobar&user_id=U2CERLKJA&user_name=roadrunner&command=%2Fwebhook-collect&text=&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1DC2JH3J%2F397700885554%2F96rGlfmibIGlgcZRskXaIFfN&trigger_id=398738663015.47445629121.803a0bc887a14d10d2c447fce8b6703c';
    expect(signSlackRequest('8f742231b10e8888abcd99yyyzzz85a5', 1531420618, body)).toBe('v0=a2114d57b48eac39b9ad189dd8316235a7b4a8d21a10bd27519666489c69b503');
  });

  it('accepts a fresh signed request and refuses other secrets, tampering and truncation', async () => {
    const req = signedSlackRequest(validBody());
    expect(slackAdapter.verify(req, ctx())).toEqual({ ok: true });
    expect((await slackAdapter.verify(signedSlackRequest(validBody(), { secret: 'another-secret-0123456789' }), ctx())).ok).toBe(false);
    const sig = req.headers[SLACK_SIGNATURE_HEADER] ?? '';
    for (const bad of [sig.slice(3), `v1=${sig.slice(3)}`, sig.slice(0, -2), `${sig}00`, 'v0=zz']) {
      expect((await slackAdapter.verify({ ...req, headers: { ...req.headers, [SLACK_SIGNATURE_HEADER]: bad } }, ctx())).ok).toBe(false);
    }
    // The timestamp is signed too: moving it breaks the signature.
    const moved = { ...req, headers: { ...req.headers, [SLACK_TIMESTAMP_HEADER]: String(Number(req.headers[SLACK_TIMESTAMP_HEADER]) + 1) } };
    expect(slackAdapter.verify(moved, ctx())).toEqual({ ok: false, reason: 'invalid signature' });
  });

  it('refuses stale and future timestamps, even correctly signed', () => {
    const stale = signedSlackRequest(validBody(), { timestamp: now - 301 });
    const future = signedSlackRequest(validBody(), { timestamp: now + 301 });
    expect(slackAdapter.verify(stale, ctx())).toMatchObject({ ok: false, reason: expect.stringMatching(/stale/) });
    expect(slackAdapter.verify(future, ctx())).toMatchObject({ ok: false, reason: expect.stringMatching(/future/) });
    expect(slackAdapter.verify(signedSlackRequest(validBody(), { timestamp: now - 290 }), ctx())).toEqual({ ok: true });
    expect(slackAdapter.verify(signedSlackRequest(validBody(), { timestamp: now + 290 }), ctx())).toEqual({ ok: true });
  });

  it('names the missing or malformed header', () => {
    const req = signedSlackRequest(validBody());
    const without = (h: string) => {
      const headers = { ...req.headers };
      delete headers[h];
      return { ...req, headers };
    };
    expect(slackAdapter.verify(without(SLACK_TIMESTAMP_HEADER), ctx())).toEqual({ ok: false, reason: 'missing x-slack-request-timestamp' });
    expect(slackAdapter.verify(without(SLACK_SIGNATURE_HEADER), ctx())).toEqual({ ok: false, reason: 'missing x-slack-signature' });
    expect(slackAdapter.verify({ ...req, headers: { ...req.headers, [SLACK_TIMESTAMP_HEADER]: '17e8' } }, ctx())).toEqual({ ok: false, reason: 'malformed timestamp' });
  });
});

describe('slack adapter: url_verification handshake', () => {
  const ctx = () => slackTestContext({ apiUrl: slack.apiUrl });
  const challenge = { token: 'deprecated', challenge: '3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P', type: 'url_verification' };

  it('echoes the challenge of a signed request as text/plain', async () => {
    expect(slackAdapter.handshake?.(signedSlackRequest(challenge), ctx())).toEqual({ status: 200, body: challenge.challenge, contentType: 'text/plain' });
    expect(await slackAdapter.parse(signedSlackRequest(challenge), ctx())).toEqual({ messages: [], statuses: [] });
  });

  it('never answers an unsigned, wrongly signed or stale challenge, nor an ordinary event', () => {
    const signed = signedSlackRequest(challenge);
    expect(slackAdapter.handshake?.({ ...signed, headers: { 'content-type': 'application/json' } }, ctx())).toBeNull();
    expect(slackAdapter.handshake?.(signedSlackRequest(challenge, { secret: 'not-the-signing-secret' }), ctx())).toBeNull();
    expect(slackAdapter.handshake?.(signedSlackRequest(challenge, { timestamp: Math.floor(Date.now() / 1000) - 3600 }), ctx())).toBeNull();
    expect(slackAdapter.handshake?.(signedSlackRequest(validBody()), ctx())).toBeNull();
    expect(slackAdapter.handshake?.({ ...signed, method: 'GET' }, ctx())).toBeNull();
  });

});

describe('slack adapter: configuration', () => {
  it('wants a bot token and a signing secret; the API URL defaults to Slack and ends with a slash', () => {
    expect(slackAdapter.credentialsSchema.safeParse({ botToken: 'xoxb-1-2-abc', signingSecret: TEST_SLACK_SIGNING_SECRET }).success).toBe(true);
    expect(slackAdapter.credentialsSchema.safeParse({ botToken: 'xoxp-user-token', signingSecret: TEST_SLACK_SIGNING_SECRET }).success).toBe(false);
    expect(slackAdapter.credentialsSchema.safeParse({ botToken: 'xoxb-1-2-abc', signingSecret: 'short' }).success).toBe(false);
    const settings = slackAdapter.settingsSchema.parse({});
    expect(settings).toMatchObject({ apiUrl: 'https://slack.com/api/', agentName: 'username' });
    expect(slackAdapter.settingsSchema.parse({ apiUrl: 'http://127.0.0.1:9/api' }).apiUrl).toBe('http://127.0.0.1:9/api/');
  });
});
