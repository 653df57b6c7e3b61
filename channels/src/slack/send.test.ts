import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ChannelError } from '../contract.ts';
import { sampleOutboundMessage } from '../testing/fixtures.ts';
import { startSlackFake, type SlackFake } from '../testing/slack-fake.ts';
import { slackTestContext } from './fixtures.ts';
import type { SlackSettings } from './schema.ts';
import { sendSlackMessage } from './send.ts';

let slack: SlackFake;
beforeAll(async () => {
  slack = await startSlackFake();
});
afterAll(async () => slack?.close());
beforeEach(() => {
  slack.recover();
  slack.posts.length = 0;
  slack.calls.length = 0;
});

const THREAD = 'C0SHARED:1700000000.000100';
const reply = (overrides: Parameters<typeof sampleOutboundMessage>[0] = {}) =>
  sampleOutboundMessage({ conversation: { id: 'conv_1', number: 7, threadKey: THREAD, subject: null }, author: { name: 'Anna Agent' }, text: 'We fixed invoice 42.', html: null, ...overrides });
const ctx = (settings: Partial<SlackSettings> = {}) => slackTestContext({ apiUrl: slack.apiUrl, settings });
const failure = (p: Promise<unknown>) => p.then(() => { throw new Error('expected the send to fail'); }, (e: unknown) => e as ChannelError);

describe('slack send', () => {
  it('posts into the thread as the agent (chat.postMessage, thread_ts, username) with the bot token', async () => {
    const result = await sendSlackMessage(reply(), ctx());
    const [call] = slack.callsTo('chat.postMessage');
    expect(call?.token).toBe(slack.token);
    expect(call?.params).toMatchObject({ channel: 'C0SHARED', thread_ts: '1700000000.000100', text: 'We fixed invoice 42.', username: 'Anna Agent' });
    const [post] = slack.posts;
    expect(result).toEqual({ providerMessageId: `C0SHARED:${post?.ts}`, status: 'sent', metadata: { slack: { channel: 'C0SHARED', threadTs: '1700000000.000100', ts: post?.ts } } });
  });

  it('prefixes the name instead when the inbox says so, or posts as the app; escapes Slack control characters', async () => {
    await sendSlackMessage(reply({ text: 'Use <b> & <@U1>' }), ctx({ agentName: 'prefix' }));
    expect(slack.posts[0]).toMatchObject({ text: '*Anna Agent:* Use &lt;b&gt; &amp; &lt;@U1&gt;' });
    expect(slack.posts[0]?.username).toBeUndefined();
    await sendSlackMessage(reply({ text: '', html: '<p>From <b>html</b></p>' }), ctx({ agentName: 'none' }));
    expect(slack.posts[1]).toEqual({ channel: 'C0SHARED', ts: slack.posts[1]?.ts, thread_ts: '1700000000.000100', text: 'From html' });
  });

  it('uploads attached files into the same thread (files.uploadV2)', async () => {
    const pdf = new Uint8Array(Buffer.from('%PDF-1.4 invoice'));
    const result = await sendSlackMessage(reply({ attachments: [{ name: 'invoice.pdf', contentType: 'application/pdf', size: pdf.length, content: pdf }] }), ctx());
    expect(slack.posts).toHaveLength(1);
    expect(result.providerMessageId).toBe(`C0SHARED:${slack.posts[0]?.ts}`);
    const upload = slack.uploads.at(-1);
    expect(upload).toMatchObject({ filename: 'invoice.pdf', channelId: 'C0SHARED', threadTs: '1700000000.000100' });
    expect(upload?.bytes.includes(Buffer.from('%PDF-1.4 invoice'))).toBe(true);
    // Files alone: no text message, the upload is the reply.
    const filesOnly = await sendSlackMessage(reply({ text: '', attachments: [{ name: 'a.txt', contentType: 'text/plain', size: 1, content: new Uint8Array([65]) }] }), ctx());
    expect(slack.posts).toHaveLength(1);
    expect(filesOnly.providerMessageId).toBe(`${THREAD}:files:${slack.uploads.at(-1)?.fileId}`);
  });

  it.each(['channel_not_found', 'not_in_channel', 'is_archived', 'msg_too_long', 'invalid_auth'])('%s is permanent and keeps Slack’s code', async (code) => {
    slack.fail('chat.postMessage', { error: code });
    const err = await failure(sendSlackMessage(reply(), ctx()));
    expect(err).toBeInstanceOf(ChannelError);
    expect(err).toMatchObject({ code, transient: false, providerStatus: 200 });
    expect(err.message).toContain(code);
  });

  it('5xx, 429, Slack’s own "try later" errors and an unreachable API are transient (our queue retries)', async () => {
    slack.fail('chat.postMessage', { status: 503 });
    expect(await failure(sendSlackMessage(reply(), ctx()))).toMatchObject({ code: 'provider_error', transient: true, providerStatus: 503 });
    slack.fail('chat.postMessage', { status: 429, retryAfter: 30 });
    expect(await failure(sendSlackMessage(reply(), ctx()))).toMatchObject({ code: 'rate_limited', transient: true, providerStatus: 429, retryAfterMs: 30_000 });
    slack.fail('chat.postMessage', { error: 'ratelimited' });
    expect(await failure(sendSlackMessage(reply(), ctx()))).toMatchObject({ code: 'ratelimited', transient: true });
    slack.fail('chat.postMessage', { error: 'internal_error' });
    expect(await failure(sendSlackMessage(reply(), ctx()))).toMatchObject({ code: 'internal_error', transient: true });
    // WebClient never retried by itself: one call per send.
    expect(slack.callsTo('chat.postMessage')).toHaveLength(4);
    const down = await startSlackFake();
    await down.close();
    expect(await failure(sendSlackMessage(reply(), slackTestContext({ apiUrl: down.apiUrl })))).toMatchObject({ code: 'network_error', transient: true });
  });

  it('refuses a conversation that is not a Slack thread, and an empty reply', async () => {
    expect(await failure(sendSlackMessage(reply({ conversation: { id: 'c', number: 1, threadKey: null, subject: null } }), ctx()))).toMatchObject({ code: 'invalid_recipient', transient: false });
    expect(await failure(sendSlackMessage(reply({ text: ' ', html: null }), ctx()))).toMatchObject({ code: 'rejected', transient: false });
    expect(slack.calls).toHaveLength(0);
  });
});
