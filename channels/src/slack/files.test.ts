import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ChannelError } from '../contract.ts';
import { startFake, type HttpFake } from '../testing/http-fake.ts';
import { startSlackFake, type SlackFake } from '../testing/slack-fake.ts';
import { slackAdapter } from './adapter.ts';
import { slackTestContext } from './fixtures.ts';

let slack: SlackFake;
let elsewhere: HttpFake;
const PNG = Buffer.from('89504e470d0a1a0a0000000d49484452', 'hex');
beforeAll(async () => {
  slack = await startSlackFake();
  elsewhere = await startFake();
});
afterAll(async () => {
  await slack?.close();
  await elsewhere?.close();
});

const ctx = () => slackTestContext({ apiUrl: slack.apiUrl });
const fetchAttachment = (url: string) => slackAdapter.fetchAttachment!(url, ctx());

describe('slack files (fetchAttachment)', () => {
  it('downloads url_private with the bot token', async () => {
    const file = slack.addFile({ id: 'F0PHOTO', name: 'photo.png', mimetype: 'image/png', bytes: PNG });
    const res = await fetchAttachment(String(file.url_private_download));
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('image/png');
    expect(Buffer.from(await res.arrayBuffer())).toEqual(PNG);
    expect(slack.downloads.at(-1)?.headers.authorization).toBe(`Bearer ${slack.token}`);
  });

  it('resolves a Slack Connect file known only by id with files.info', async () => {
    slack.addFile({ id: 'F0EXTERNAL', name: 'contract.pdf', mimetype: 'application/pdf', bytes: Buffer.from('%PDF') });
    const res = await fetchAttachment('slack-file:F0EXTERNAL');
    expect(await res.text()).toBe('%PDF');
    expect(slack.callsTo('files.info').at(-1)?.params).toMatchObject({ file: 'F0EXTERNAL' });
    const missing = await fetchAttachment('slack-file:F0NOPE').then(() => null, (e: unknown) => e);
    expect(missing).toBeInstanceOf(ChannelError);
    expect(missing).toMatchObject({ code: 'file_not_found', transient: false });
  });

  it('refuses Slack’s sign-in page (a token without files:read) instead of storing it as the file', async () => {
    const file = slack.addFile({ id: 'F0LOCKED', name: 'locked.png', mimetype: 'image/png', bytes: PNG });
    const wrongToken = slackTestContext({ apiUrl: slack.apiUrl, credentials: { botToken: 'xoxb-other-token' } });
    const err = await slackAdapter.fetchAttachment!(String(file.url_private), wrongToken).then(() => null, (e: unknown) => e);
    expect(err).toMatchObject({ code: 'unauthorized', transient: false });
    expect((err as Error).message).toMatch(/files:read/);
  });

  it('never sends the bot token to another host', async () => {
    elsewhere.respondWith(200, 'plain file');
    const res = await fetchAttachment(`${elsewhere.url}/some/file.txt`);
    expect(await res.text()).toBe('plain file');
    expect(elsewhere.requests.at(-1)?.headers.authorization).toBeUndefined();
  });
});
