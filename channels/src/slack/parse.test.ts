import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ChannelError, type ParsedInbound } from '../contract.ts';
import { startSlackFake, type SlackFake } from '../testing/slack-fake.ts';
import { clearSlackDirectoryCache } from './directory.ts';
import { signedSlackRequest, slackEnvelope, slackMessageEvent, slackTestContext, TEST_SLACK_APP, TEST_SLACK_BOT_ID, TEST_SLACK_BOT_USER } from './fixtures.ts';
import { parseSlackEvent, parseThreadKey } from './parse.ts';

let slack: SlackFake;
beforeAll(async () => {
  slack = await startSlackFake();
  slack.addUser({ id: 'U0CUSTOMER', teamId: 'T0CUSTOMER', name: 'Carla Customer', email: ' Carla@Customer.Example ' });
  slack.addUser({ id: 'U0NOEMAIL', teamId: 'T0CUSTOMER', name: 'Noel Private' });
});
afterAll(async () => slack?.close());
beforeEach(() => {
  clearSlackDirectoryCache();
  slack.recover();
  slack.calls.length = 0;
});

const ctx = (apiUrl = slack.apiUrl) => slackTestContext({ apiUrl });
const parse = (event: Record<string, unknown>, opts: Parameters<typeof slackEnvelope>[1] = {}, apiUrl?: string): Promise<ParsedInbound> =>
  parseSlackEvent(signedSlackRequest(slackEnvelope(event, opts)), ctx(apiUrl));
const only = async (event: Record<string, unknown>) => {
  const parsed = await parse(event);
  expect(parsed.messages).toHaveLength(1);
  return parsed.messages[0]!;
};

describe('slack parse: threads', () => {
  it('a top-level message starts a thread keyed <channel>:<ts>; replies carry their root', async () => {
    const root = await only(slackMessageEvent({ channel: 'C0SHARED', ts: '1700000000.000100', text: 'Invoice 42 is wrong' }));
    expect(root.providerMessageId).toBe('C0SHARED:1700000000.000100');
    expect(root.threadKey).toBe('C0SHARED:1700000000.000100');
    expect(root.occurredAt.toISOString()).toBe('2023-11-14T22:13:20.000Z');
    expect(root.metadata).toMatchObject({ slack: { channel: 'C0SHARED', ts: '1700000000.000100', threadTs: '1700000000.000100', team: 'T0HOST', user: 'U0CUSTOMER' } });

    const reply = await only(slackMessageEvent({ channel: 'C0SHARED', ts: '1700000050.000200', threadTs: '1700000000.000100', text: 'Also 43' }));
    expect(reply.providerMessageId).toBe('C0SHARED:1700000050.000200');
    expect(reply.threadKey).toBe('C0SHARED:1700000000.000100');
    // A reply also sent to the channel stays in its thread.
    const broadcast = await only(slackMessageEvent({ subtype: 'thread_broadcast', user: 'U0CUSTOMER', ts: '1700000060.000300', threadTs: '1700000000.000100' }));
    expect(broadcast.threadKey).toBe('C0SHARED:1700000000.000100');
  });

  it('reads thread keys back for replies', () => {
    expect(parseThreadKey('C0SHARED:1700000000.000100')).toEqual({ channel: 'C0SHARED', ts: '1700000000.000100' });
    for (const bad of [null, '', 'thread-1', 'C0SHARED:', 'c0shared:1.2', 'C0SHARED:17000']) expect(parseThreadKey(bad)).toBeNull();
  });

  it('turns mrkdwn into readable text', async () => {
    const m = await only(slackMessageEvent({ text: 'Hi <@U0SUPPORT|anna>, see <https://shop.example/o/42|order 42> in <#C0SHARED|acme-support> &amp; <!here> &lt;3 <mailto:a@b.example|a@b.example>' }));
    expect(m.text).toBe('Hi @anna, see order 42 (https://shop.example/o/42) in #acme-support & @here <3 a@b.example');
  });
});

describe('slack parse: who wrote it', () => {
  it('resolves the Slack user to a team-scoped slack identity and their email (users.info)', async () => {
    const m = await only(slackMessageEvent({ user: 'U0CUSTOMER', team: 'T0CUSTOMER' }));
    expect(m.contact).toEqual({
      name: 'Carla Customer',
      identities: [
        { kind: 'slack', address: 'T0CUSTOMER:U0CUSTOMER', verified: true },
        { kind: 'email', address: 'carla@customer.example' },
      ],
    });
    expect(slack.callsTo('users.info')[0]?.params).toMatchObject({ user: 'U0CUSTOMER' });
  });

  it('asks Slack once per user for a while (cache)', async () => {
    await only(slackMessageEvent({ user: 'U0CUSTOMER' }));
    await only(slackMessageEvent({ user: 'U0CUSTOMER' }));
    expect(slack.callsTo('users.info')).toHaveLength(1);
  });

  it('keeps the message with the Slack id alone when users.info fails or hides the email', async () => {
    slack.fail('users.info', { error: 'missing_scope' });
    const refused = await only(slackMessageEvent({ user: 'U0CUSTOMER', realName: 'Carla C.' }));
    expect(refused.contact).toEqual({ name: 'Carla C.', identities: [{ kind: 'slack', address: 'T0CUSTOMER:U0CUSTOMER', verified: true }] });
    slack.fail('users.info', { status: 503 });
    expect((await only(slackMessageEvent({ user: 'U0CUSTOMER' }))).contact.identities).toHaveLength(1);
    const down = await startSlackFake();
    await down.close();
    const unreachable = await parse(slackMessageEvent({ user: 'U0CUSTOMER' }), {}, down.apiUrl);
    expect(unreachable.messages[0]?.contact.identities).toEqual([{ kind: 'slack', address: 'T0CUSTOMER:U0CUSTOMER', verified: true }]);
    slack.recover();
    // Failures are not cached: once Slack answers, the email is there.
    expect((await only(slackMessageEvent({ user: 'U0CUSTOMER' }))).contact.identities).toHaveLength(2);
    const hidden = await only(slackMessageEvent({ user: 'U0NOEMAIL' }));
    expect(hidden.contact).toEqual({ name: 'Noel Private', identities: [{ kind: 'slack', address: 'T0CUSTOMER:U0NOEMAIL', verified: true }] });
  });
});

describe('slack parse: our own bot and other apps', () => {
  const ours = [
    ['our app id', { app_id: TEST_SLACK_APP, bot_id: 'B0OTHERID' }],
    ['our bot profile', { bot_profile: { app_id: TEST_SLACK_APP, name: 'Switchboard' }, bot_id: 'B0OTHERID' }],
    ['our bot user', { user: TEST_SLACK_BOT_USER }],
    ['our bot id (auth.test)', { bot_id: TEST_SLACK_BOT_ID, subtype: 'bot_message', username: 'Anna' }],
  ] as const;

  it.each(ours)('never ingests a message carrying %s', async (_label, extra) => {
    const { subtype, ...rest } = extra as Record<string, unknown>;
    const event = slackMessageEvent({ ...(subtype ? { subtype: subtype as string } : {}), extra: rest });
    if (!('user' in rest)) delete event.user;
    expect(await parse(event)).toEqual({ messages: [], statuses: [] });
  });

  it('knows our bot user from the envelope authorizations or the botUserId credential', async () => {
    const event = slackMessageEvent({ user: 'U0OTHERBOT' });
    expect((await parse(event, { botUserId: 'U0OTHERBOT' })).messages).toHaveLength(0);
    const configured = slackTestContext({ apiUrl: slack.apiUrl, credentials: { botUserId: 'U0CONFIGRD' } });
    expect((await parseSlackEvent(signedSlackRequest(slackEnvelope(slackMessageEvent({ user: 'U0CONFIGRD' }))), configured)).messages).toHaveLength(0);
  });

  it('takes another app’s message as automated (joins a thread, never starts a conversation)', async () => {
    const event = slackMessageEvent({ subtype: 'bot_message', text: 'Build #12 passed', extra: { bot_id: 'B0CIBOT', username: 'CI', app_id: 'A0CIAPP' } });
    const m = await only(event);
    expect(m.automated).toBe(true);
    expect(m.contact).toEqual({ name: 'CI', identities: [{ kind: 'slack', address: 'T0CUSTOMER:B0CIBOT', verified: true }] });
  });
});

describe('slack parse: what is not a message', () => {
  it.each(['channel_join', 'channel_topic', 'pinned_item', 'message_replied'])('ignores %s', async (subtype) => {
    expect(await parse(slackMessageEvent({ subtype, user: 'U0CUSTOMER' }))).toEqual({ messages: [], statuses: [] });
  });

  it('ignores other event types, rate-limit notices and empty messages', async () => {
    expect(await parse({ type: 'reaction_added', user: 'U0CUSTOMER', reaction: 'thumbsup', item: {} })).toEqual({ messages: [], statuses: [] });
    expect(await parseSlackEvent(signedSlackRequest({ type: 'app_rate_limited', minute_rate_limited: 1518467820 }), ctx())).toEqual({ messages: [], statuses: [] });
    expect(await parse(slackMessageEvent({ text: '   ' }))).toEqual({ messages: [], statuses: [] });
  });

  it('refuses JSON that is not an Events API payload (malformed_payload)', async () => {
    const refuse = async (body: unknown) => {
      const err = await parseSlackEvent(signedSlackRequest(body), ctx()).then(() => null, (e: unknown) => e);
      expect(err).toBeInstanceOf(ChannelError);
      expect((err as ChannelError).code).toBe('malformed_payload');
      return (err as ChannelError).message;
    };
    expect(await refuse('{not json')).toMatch(/not valid JSON/);
    expect(await refuse({ type: 'block_actions' })).toMatch(/Invalid Events API payload/);
    expect(await refuse(slackEnvelope({ type: 'message', channel: 'C0SHARED', ts: 'yesterday', text: 'x' }))).toMatch(/event.ts|ts/);
    expect(await refuse(slackEnvelope({ type: 'message', ts: '1700000000.000100', text: 'no channel' }))).toMatch(/channel/);
  });
});

describe('slack parse: edits and deletions', () => {
  const changed = (message: Record<string, unknown>) => ({
    type: 'message',
    subtype: 'message_changed',
    hidden: true,
    channel: 'C0SHARED',
    ts: '1700000900.000001',
    event_ts: '1700000900.000001',
    message,
    previous_message: { type: 'message', user: 'U0CUSTOMER', text: 'Old text', ts: '1700000000.000100' },
  });

  it('an edit by its author becomes an edit of <channel>:<ts>', async () => {
    const parsed = await parse(changed({ type: 'message', user: 'U0CUSTOMER', text: 'New <https://x.example|text>', ts: '1700000000.000100', edited: { user: 'U0CUSTOMER', ts: '1700000900.000000' } }));
    expect(parsed.messages).toEqual([]);
    expect(parsed.edits).toEqual([{ providerMessageId: 'C0SHARED:1700000000.000100', text: 'New text (https://x.example)', occurredAt: new Date('2023-11-14T22:28:20.000Z') }]);
  });

  it('unfurls and reply counts (no edited stamp) and changes to our own messages are not edits', async () => {
    expect(await parse(changed({ type: 'message', user: 'U0CUSTOMER', text: 'Old text', ts: '1700000000.000100', reply_count: 3 }))).toEqual({ messages: [], statuses: [] });
    const ownEdit = changed({ type: 'message', user: TEST_SLACK_BOT_USER, app_id: TEST_SLACK_APP, text: 'x', ts: '1700000000.000200', edited: { user: TEST_SLACK_BOT_USER, ts: '1700000900.000000' } });
    expect(await parse(ownEdit)).toEqual({ messages: [], statuses: [] });
  });

  it('a deletion (or a thread root left as tombstone) deletes <channel>:<ts>', async () => {
    const deleted = await parse({ type: 'message', subtype: 'message_deleted', hidden: true, channel: 'C0SHARED', ts: '1700000950.000001', deleted_ts: '1700000000.000100', event_ts: '1700000950.000001' });
    expect(deleted.edits).toEqual([{ providerMessageId: 'C0SHARED:1700000000.000100', deleted: true, occurredAt: new Date('2023-11-14T22:29:10.000Z') }]);
    const tombstone = await parse(changed({ type: 'message', subtype: 'tombstone', user: 'USLACKBOT', text: 'This message was deleted.', ts: '1700000000.000100', hidden: true }));
    expect(tombstone.edits).toEqual([{ providerMessageId: 'C0SHARED:1700000000.000100', deleted: true, occurredAt: new Date('2023-11-14T22:28:20.000Z') }]);
  });
});

describe('slack parse: files', () => {
  it('offers shared files by URL (downloaded later with the bot token); Slack Connect files by id', async () => {
    const file = slack.addFile({ id: 'F0INVOICE', name: 'invoice.pdf', mimetype: 'application/pdf', bytes: Buffer.from('%PDF-1.4') });
    const external = { id: 'F0EXTERNAL', file_access: 'check_file_info', created: 1700000000, timestamp: 1700000000, user: 'U0CUSTOMER' };
    const gone = { id: 'F0GONE', mode: 'tombstone' };
    const m = await only(slackMessageEvent({ subtype: 'file_share', user: 'U0CUSTOMER', text: '', files: [file, external, gone] }));
    expect(m.text).toBe('');
    expect(m.attachments).toEqual([
      { name: 'invoice.pdf', contentType: 'application/pdf', size: 8, url: `${slack.url}/files/T0HOST-F0INVOICE/invoice.pdf?download=1` },
      { name: 'slack-file-F0EXTERNAL', contentType: 'application/octet-stream', url: 'slack-file:F0EXTERNAL' },
    ]);
  });
});
