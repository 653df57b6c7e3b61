import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSlackFake, type SlackFake } from '../testing/slack-fake.ts';
import { slackAdapter } from './adapter.ts';
import { slackTestContext, TEST_SLACK_BOT_TOKEN } from './fixtures.ts';

let slack: SlackFake;
beforeAll(async () => {
  slack = await startSlackFake();
});
afterAll(async () => slack?.close());

const test = (overrides: Parameters<typeof slackTestContext>[0] = {}) => slackAdapter.testConnection!(slackTestContext({ apiUrl: slack.apiUrl, ...overrides }));

describe('slack connection test (auth.test)', () => {
  it('names the workspace and the bot', async () => {
    expect(await test()).toEqual({
      ok: true,
      details: { team: 'Acme Host', teamId: 'T0HOST', botUserId: 'U0SWITCHBD', botId: 'B0SWITCHBD', url: 'https://acme-host.slack.com/' },
    });
    expect(slack.callsTo('auth.test').at(-1)?.token).toBe(TEST_SLACK_BOT_TOKEN);
  });

  it('a token Slack refuses is auth_failed', async () => {
    expect(await test({ credentials: { botToken: 'xoxb-revoked-0000' } })).toEqual({ ok: false, problem: 'auth_failed', message: 'Slack refused the bot token: invalid_auth' });
    slack.fail('auth.test', { error: 'token_revoked' }, 1);
    expect(await test()).toMatchObject({ ok: false, problem: 'auth_failed' });
  });

  it('an API nobody answers is unreachable; a 5xx is unknown with the status', async () => {
    const down = await startSlackFake();
    await down.close();
    expect(await test({ apiUrl: down.apiUrl })).toMatchObject({ ok: false, problem: 'unreachable' });
    slack.fail('auth.test', { status: 502 }, 1);
    expect(await test()).toMatchObject({ ok: false, problem: 'unknown', message: expect.stringContaining('502') });
  });
});
