import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { storageModes } from '@switchboard/db/testing';
import {
  nextSlackTs,
  slackEnvelope,
  slackMessageEvent,
  slackRequestHeaders,
  startSlackFake,
  TEST_SLACK_SIGNING_SECRET,
  type SlackFake,
  type SlackSigningOptions,
} from '@switchboard/channels/testing';
import { startTestServer, type TestServer } from './support/server.ts';
import { ADMIN, ApiClient, postApiWebhook, setupAdmin } from './support/api.ts';
import { RecordingClient } from './support/realtime.ts';
import { eventually } from './support/webhook-receiver.ts';

const API_SECRET = 'slack-test-api-secret-0123456789';
const PDF = Buffer.from('%PDF-1.4 shared from Slack');

describe.each(storageModes())('Slack Connect channels (%s)', (mode) => {
  let t: TestServer;
  let admin: ApiClient;
  let slack: SlackFake;
  let inbox: any;
  let channelSeq = 0;
  /** A fresh shared channel per test keeps the tests' threads apart. */
  const newChannel = () => `C0T${mode === 'pglite' ? 'L' : 'P'}${++channelSeq}`;

  beforeAll(async () => {
    slack = await startSlackFake();
    slack.addUser({ id: 'U0CARLA', teamId: 'T0CUSTOMER', name: 'Carla Customer', email: 'Carla@Customer.example' });
    slack.addUser({ id: 'U0BORIS', teamId: 'T0CUSTOMER', name: 'Boris Buyer', email: 'boris@customer.example' });
    t = await startTestServer(mode);
    admin = await setupAdmin(t.url);
    const created = await admin.post('/api/inboxes', {
      kind: 'slack',
      name: 'Acme in Slack',
      credentials: { botToken: slack.token, signingSecret: TEST_SLACK_SIGNING_SECRET },
      settings: { apiUrl: slack.apiUrl },
    });
    expect(created.status).toBe(201);
    inbox = created.body;
  });
  afterAll(async () => {
    await t?.stop();
    await slack?.close();
  });

  const hookUrl = () => `${t.url}/webhooks/slack/${inbox.publicToken}`;
  /** POSTs a body to the inbox's Events API URL, signed as Slack signs (or with `headers` as given). */
  const deliver = async (body: unknown, opts: SlackSigningOptions & { headers?: Record<string, string> } = {}) => {
    const raw = typeof body === 'string' ? body : JSON.stringify(body);
    const res = await fetch(hookUrl(), { method: 'POST', headers: opts.headers ?? slackRequestHeaders(raw, opts), body: raw });
    const text = await res.text();
    let json: any = null;
    try {
      json = JSON.parse(text);
    } catch {
      /* text/plain */
    }
    return { status: res.status, text, body: json, contentType: res.headers.get('content-type') };
  };
  const conversationsIn = async (channel: string) =>
    ((await admin.get(`/api/conversations?inboxId=${inbox.id}&limit=100`)).body.items as any[]).filter((c) => c.threadKey?.startsWith(`${channel}:`));
  const messagesOf = async (conversationId: string) => ((await admin.get(`/api/conversations/${conversationId}/messages?limit=100`)).body.items as any[]).slice().reverse();
  const storedInAll = async () => {
    const conversations = (await admin.get(`/api/conversations?inboxId=${inbox.id}&limit=100`)).body.items as any[];
    let messages = 0;
    for (const c of conversations) messages += (await messagesOf(c.id)).length;
    return { conversations: conversations.length, messages };
  };

  it('shows the Events API URL and tests the bot token (auth.test), saved or not', async () => {
    expect(inbox.webhookUrl).toMatch(new RegExp(`^https?://[^/]+/webhooks/slack/${inbox.publicToken}$`));
    const saved = await admin.post(`/api/inboxes/${inbox.id}/test-connection`);
    expect(saved.body).toEqual({ ok: true, details: expect.objectContaining({ team: 'Acme Host', teamId: 'T0HOST', botUserId: slack.botUserId }) });
    const wrong = await admin.post('/api/inboxes/test-connection', { kind: 'slack', credentials: { botToken: 'xoxb-wrong-token', signingSecret: TEST_SLACK_SIGNING_SECRET }, settings: { apiUrl: slack.apiUrl } });
    expect(wrong.body).toMatchObject({ ok: false, problem: 'auth_failed' });
    const refused = await admin.post('/api/inboxes', { kind: 'slack', name: 'Bad', credentials: { botToken: 'xoxb-wrong-token', signingSecret: TEST_SLACK_SIGNING_SECRET }, settings: { apiUrl: slack.apiUrl } });
    expect(refused.status).toBe(400);
    expect(refused.body.error).toMatchObject({ code: 'connection_failed', details: { problem: 'auth_failed' } });
  });

  it('answers url_verification with the challenge, only when signed', async () => {
    const challenge = { token: 'deprecated', challenge: 'chal-3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P', type: 'url_verification' };
    const ok = await deliver(challenge);
    expect(ok).toMatchObject({ status: 200, text: challenge.challenge });
    expect(ok.contentType).toMatch(/^text\/plain/);
    const forged = await deliver(challenge, { secret: 'not-the-signing-secret-000' });
    expect(forged.status).toBe(401);
    expect(forged.text).not.toContain(challenge.challenge);
  });

  it('a Slack thread (root and replies) becomes one conversation; the agent’s reply lands in the thread', async () => {
    const channel = newChannel();
    const rootTs = nextSlackTs();
    const root = await deliver(slackEnvelope(slackMessageEvent({ channel, user: 'U0CARLA', ts: rootTs, text: 'Our invoice <https://acme.example/i/42|#42> is wrong' })));
    expect(root).toMatchObject({ status: 200, body: { received: 1, duplicates: 0 } });
    for (const text of ['It says 420 instead of 42', 'Any news?']) {
      const reply = await deliver(slackEnvelope(slackMessageEvent({ channel, user: 'U0CARLA', ts: nextSlackTs(), threadTs: rootTs, text })));
      expect(reply.body).toMatchObject({ received: 1 });
    }
    // Boris answers in the same thread: same conversation, he is on it as a participant.
    await deliver(slackEnvelope(slackMessageEvent({ channel, user: 'U0BORIS', ts: nextSlackTs(), threadTs: rootTs, text: 'Same for order 43' })));
    // A new top-level message is a new conversation.
    await deliver(slackEnvelope(slackMessageEvent({ channel, user: 'U0CARLA', ts: nextSlackTs(), text: 'Different topic: login fails' })));

    const conversations = await conversationsIn(channel);
    expect(conversations).toHaveLength(2);
    const thread = conversations.find((c) => c.threadKey === `${channel}:${rootTs}`);
    const messages = await messagesOf(thread.id);
    expect(messages.map((m) => m.text)).toEqual(['Our invoice #42 (https://acme.example/i/42) is wrong', 'It says 420 instead of 42', 'Any news?', 'Same for order 43']);
    expect(messages[0].author.name).toBe('Carla Customer');
    const participants = (await admin.get(`/api/conversations/${thread.id}/participants`)).body;
    expect(JSON.stringify(participants)).toContain('Boris Buyer');

    const sent = (await admin.post(`/api/conversations/${thread.id}/messages`, { text: 'Fixed: invoice 42 is corrected.' })).body;
    const delivered = await eventually(async () => (await messagesOf(thread.id)).find((m) => m.id === sent.id && m.deliveryStatus === 'sent'));
    const post = slack.posts.find((p) => p.channel === channel);
    expect(post).toMatchObject({ channel, thread_ts: rootTs, text: 'Fixed: invoice 42 is corrected.', username: ADMIN.name });
    expect(delivered.providerMessageId).toBe(`${channel}:${post!.ts}`);

    // Slack echoes our own post as an event: it is not ingested again, nor is another message of our app.
    const before = (await messagesOf(thread.id)).length;
    const ownBot = { bot_id: slack.botId, app_id: slack.appId, bot_profile: { app_id: slack.appId, name: 'Switchboard' } };
    const echo = await deliver(slackEnvelope(slackMessageEvent({ channel, user: slack.botUserId, ts: post!.ts, threadTs: rootTs, text: post!.text, extra: ownBot })));
    const other = await deliver(slackEnvelope(slackMessageEvent({ channel, user: slack.botUserId, ts: nextSlackTs(), threadTs: rootTs, text: 'posted by our app elsewhere', extra: ownBot })));
    expect(echo.body).toMatchObject({ received: 0, duplicates: 0 });
    expect(other.body).toMatchObject({ received: 0, duplicates: 0 });
    expect(await messagesOf(thread.id)).toHaveLength(before);
  });

  it('a person known by email and then by Slack (same email) is one contact', async () => {
    const api = (await admin.post('/api/inboxes', { kind: 'api', name: 'Shop backend', credentials: { secret: API_SECRET } })).body;
    slack.addUser({ id: 'U0DORA', teamId: 'T0CUSTOMER', name: 'Dora Slack-Name', email: 'dora@customer.example' });
    await postApiWebhook(t.url, api.publicToken, API_SECRET, { messages: [{ id: 'order-mail-1', contact: { email: 'DORA@customer.example', name: 'Dora Díaz' }, text: 'Where is my order?' }] });
    const channel = newChannel();
    await deliver(slackEnvelope(slackMessageEvent({ channel, user: 'U0DORA', ts: nextSlackTs(), text: 'Asking here too' })));

    const [conversation] = await conversationsIn(channel);
    const contact = (await admin.get(`/api/contacts/${conversation.contact.id}`)).body;
    expect(contact.name).toBe('Dora Díaz');
    expect(contact.identities.map((i: any) => `${i.kind}:${i.address}`).sort()).toEqual(['email:dora@customer.example', 'slack:T0CUSTOMER:U0DORA']);
    const apiConversation = ((await admin.get(`/api/conversations?inboxId=${api.id}`)).body.items as any[])[0];
    expect(apiConversation.contact.id).toBe(contact.id);
  });

  it('a retried event (X-Slack-Retry-Num) stores one message', async () => {
    const channel = newChannel();
    const body = slackEnvelope(slackMessageEvent({ channel, user: 'U0CARLA', ts: nextSlackTs(), text: 'Slow server?' }), { eventId: 'Ev0RETRIED' });
    expect((await deliver(body)).body).toMatchObject({ received: 1, duplicates: 0 });
    for (const retryNum of [1, 2, 3]) {
      const retry = await deliver(body, { retryNum });
      expect(retry).toMatchObject({ status: 200, body: { received: 0, duplicates: 1 } });
    }
    const [conversation] = await conversationsIn(channel);
    expect(await messagesOf(conversation.id)).toHaveLength(1);
  });

  it('refuses bad signatures, stale and future timestamps and missing headers with 401, storing nothing', async () => {
    const before = await storedInAll();
    const channel = newChannel();
    const body = slackEnvelope(slackMessageEvent({ channel, user: 'U0CARLA', ts: nextSlackTs(), text: 'forged?' }));
    const raw = JSON.stringify(body);
    const now = Math.floor(Date.now() / 1000);
    const signed = slackRequestHeaders(raw);
    const cases: Array<[string, Record<string, string>]> = [
      ['wrong secret', slackRequestHeaders(raw, { secret: 'wrong-signing-secret-0000' })],
      ['stale timestamp', slackRequestHeaders(raw, { timestamp: now - 6 * 60 })],
      ['future timestamp', slackRequestHeaders(raw, { timestamp: now + 6 * 60 })],
      ['no headers', { 'content-type': 'application/json' }],
      ['no signature', { ...signed, 'x-slack-signature': '' }],
      ['no timestamp', { ...signed, 'x-slack-request-timestamp': '' }],
      ['tampered body', slackRequestHeaders(raw.replace('forged', 'FORGED'))],
    ];
    for (const [what, headers] of cases) {
      const res = await deliver(raw, { headers });
      expect(res.status, what).toBe(401);
      expect(res.body.error.code, what).toBe('invalid_signature');
    }
    expect(await storedInAll()).toEqual(before);
    expect(await conversationsIn(channel)).toHaveLength(0);
    // Signed, but not an Events API payload: 400, nothing stored.
    expect((await deliver({ type: 'message', text: 'not an envelope' })).status).toBe(400);
    expect(await storedInAll()).toEqual(before);
  });

  it('refuses a replayed request (the same signed bytes again) with 401; the first one is stored once', async () => {
    const channel = newChannel();
    const raw = JSON.stringify(slackEnvelope(slackMessageEvent({ channel, user: 'U0CARLA', ts: nextSlackTs(), text: 'only once' })));
    const headers = slackRequestHeaders(raw);
    expect((await deliver(raw, { headers })).status).toBe(200);
    const replayed = await deliver(raw, { headers });
    expect(replayed.status).toBe(401);
    expect(replayed.body.error).toMatchObject({ code: 'invalid_signature', details: { reason: 'replayed' } });
    const [conversation] = await conversationsIn(channel);
    expect((await messagesOf(conversation.id)).map((m) => m.text)).toEqual(['only once']);
  });

  it('edits and deletions in Slack are reflected live', async () => {
    const live = new RecordingClient(t.url, { cookie: admin.cookie! });
    await live.connect();
    try {
      const channel = newChannel();
      const rootTs = nextSlackTs();
      await deliver(slackEnvelope(slackMessageEvent({ channel, user: 'U0CARLA', ts: rootTs, text: 'Pleas help' })));
      const replyTs = nextSlackTs();
      await deliver(slackEnvelope(slackMessageEvent({ channel, user: 'U0CARLA', ts: replyTs, threadTs: rootTs, text: 'my password is hunter2' })));
      const [conversation] = await conversationsIn(channel);
      const [root, reply] = await messagesOf(conversation.id);

      const editTs = nextSlackTs();
      const edit = {
        type: 'message',
        subtype: 'message_changed',
        hidden: true,
        channel,
        ts: editTs,
        event_ts: editTs,
        message: { type: 'message', user: 'U0CARLA', team: 'T0CUSTOMER', text: 'Please help', ts: rootTs, edited: { user: 'U0CARLA', ts: editTs } },
        previous_message: { type: 'message', user: 'U0CARLA', text: 'Pleas help', ts: rootTs },
      };
      expect((await deliver(slackEnvelope(edit))).body).toMatchObject({ received: 0, edits: 1 });
      expect((await deliver(slackEnvelope(edit), { retryNum: 1 })).body).toMatchObject({ edits: 0 }); // a retry changes nothing
      const updated = await live.waitFor((e) => e.type === 'message.updated' && (e.payload as any).message.id === root.id, 'edit event');
      expect((updated.payload as any).message).toMatchObject({ text: 'Please help', metadata: expect.objectContaining({ editedAt: expect.any(String) }) });

      const deleteTs = nextSlackTs();
      const deletion = { type: 'message', subtype: 'message_deleted', hidden: true, channel, ts: deleteTs, deleted_ts: replyTs, event_ts: deleteTs, previous_message: { type: 'message', user: 'U0CARLA', text: 'my password is hunter2', ts: replyTs } };
      expect((await deliver(slackEnvelope(deletion))).body).toMatchObject({ edits: 1 });
      await live.waitFor((e) => e.type === 'message.updated' && (e.payload as any).message.id === reply.id, 'delete event');

      const [rootNow, replyNow] = await messagesOf(conversation.id);
      expect(rootNow).toMatchObject({ id: root.id, text: 'Please help' });
      expect(replyNow).toMatchObject({ id: reply.id, text: '', html: null, metadata: expect.objectContaining({ deletedAt: expect.any(String) }) });
      expect(JSON.stringify(await messagesOf(conversation.id))).not.toContain('hunter2');
    } finally {
      await live.disconnect();
    }
  });

  it('files shared in Slack are downloaded with the bot token', async () => {
    const channel = newChannel();
    const file = slack.addFile({ id: `F0${channel}`, name: 'invoice.pdf', mimetype: 'application/pdf', bytes: PDF });
    await deliver(slackEnvelope(slackMessageEvent({ channel, subtype: 'file_share', user: 'U0CARLA', ts: nextSlackTs(), text: 'See attached', files: [file] })));
    const [conversation] = await conversationsIn(channel);
    const [message] = await messagesOf(conversation.id);
    expect(message.attachments).toEqual([expect.objectContaining({ name: 'invoice.pdf', contentType: 'application/pdf' })]);
    const res = await eventually(async () => {
      const r = await fetch(t.url + message.attachments[0].url, { headers: { cookie: admin.cookie! } });
      return r.status === 200 ? r : null;
    });
    expect(Buffer.from(await res.arrayBuffer())).toEqual(PDF);
    expect(slack.downloads.at(-1)?.headers.authorization).toBe(`Bearer ${slack.token}`);
  });

  it('a Slack platform error fails the reply with Slack’s code; a 5xx is retried until sent', async () => {
    const channel = newChannel();
    const rootTs = nextSlackTs();
    await deliver(slackEnvelope(slackMessageEvent({ channel, user: 'U0CARLA', ts: rootTs, text: 'Hello?' })));
    const [conversation] = await conversationsIn(channel);

    slack.fail('chat.postMessage', { error: 'not_in_channel' }, 1);
    const refused = (await admin.post(`/api/conversations/${conversation.id}/messages`, { text: 'Can you see this?' })).body;
    const failed = await eventually(async () => (await messagesOf(conversation.id)).find((m) => m.id === refused.id && m.deliveryStatus === 'failed'));
    expect(failed.deliveryError).toContain('not_in_channel');

    const callsBefore = slack.callsTo('chat.postMessage').length;
    slack.fail('chat.postMessage', { status: 503 }, 2);
    const retried = (await admin.post(`/api/conversations/${conversation.id}/messages`, { text: 'Third time lucky' })).body;
    const sent = await eventually(async () => (await messagesOf(conversation.id)).find((m) => m.id === retried.id && m.deliveryStatus === 'sent'));
    expect(slack.callsTo('chat.postMessage').length - callsBefore).toBe(3);
    const posts = slack.posts.filter((p) => p.channel === channel);
    expect(posts).toHaveLength(1);
    expect(posts[0]).toMatchObject({ text: 'Third time lucky', thread_ts: rootTs });
    expect(sent.providerMessageId).toBe(`${channel}:${posts[0]!.ts}`);
  });
});
