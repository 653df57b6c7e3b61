// A Slack Connect thread in the agent console (real Chromium against `node server/src/main.ts` on PGlite, the
// Slack Web API replaced by the local fake): the thread's messages arrive live, the agent's reply from the composer
// is posted into the thread under the agent's name, and edits and deletions in Slack show up live.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { nextSlackTs, slackEnvelope, slackMessageEvent, slackRequestHeaders, startSlackFake, TEST_SLACK_SIGNING_SECRET, type SlackFake } from '@switchboard/channels/testing';
import { setupAdmin, type ApiClient } from './support/api.ts';
import type { Page } from './support/browser.ts';
import { launchConsolePage, signIn } from './support/console-session.ts';
import { ensureConsoleBuilt, startServerProcess, type ServerProcess } from './support/start-process.ts';
import { eventually } from './support/webhook-receiver.ts';

const OWNER = { workspaceName: 'Acme', name: 'Anna Agent', email: 'anna@example.test', password: 'correct horse battery' };

describe('a Slack thread in the console', () => {
  const root = mkdtempSync(join(tmpdir(), 'sb-slack-console-'));
  let server: ServerProcess;
  let slack: SlackFake;
  let page: Page;
  let admin: ApiClient;
  let inbox: { id: string; publicToken: string };
  const channel = 'C0CONSOLE';
  const rootTs = nextSlackTs();
  const replyTs = nextSlackTs();

  const deliver = async (event: Record<string, unknown>) => {
    const raw = JSON.stringify(slackEnvelope(event));
    const res = await fetch(`${server.url}/webhooks/slack/${inbox.publicToken}`, { method: 'POST', headers: slackRequestHeaders(raw), body: raw });
    expect(res.status).toBe(200);
  };
  const timelineHas = (text: string) => `[...document.querySelectorAll('.timeline li')].some((li) => li.innerText.includes(${JSON.stringify(text)}))`;

  beforeAll(async () => {
    await ensureConsoleBuilt();
    slack = await startSlackFake();
    slack.addUser({ id: 'U0CARLA', teamId: 'T0CUSTOMER', name: 'Carla Customer', email: 'carla@customer.example' });
    server = await startServerProcess({ SWITCHBOARD_DATA_DIR: join(root, 'data'), JOB_RETRY_BASE_MS: '200' });
    admin = await setupAdmin(server.url, OWNER, OWNER.workspaceName);
    inbox = (
      await admin.post('/api/inboxes', { kind: 'slack', name: 'Customer Slack', credentials: { botToken: slack.token, signingSecret: TEST_SLACK_SIGNING_SECRET }, settings: { apiUrl: slack.apiUrl } })
    ).body;
    page = await launchConsolePage();
    await signIn(page, server.url, OWNER.email, OWNER.password);
  }, 300_000);

  afterAll(async () => {
    await page?.close();
    await server?.stop();
    await slack?.close();
    rmSync(root, { recursive: true, force: true });
  });

  it('shows the thread live and posts the agent’s reply into it', async () => {
    await deliver(slackMessageEvent({ channel, user: 'U0CARLA', ts: rootTs, text: 'Pleas check invoice 42' }));
    await page.waitFor(`document.body.innerText.includes('Carla Customer')`, 'the new conversation');
    await page.click('.rows li button');
    await page.waitFor(timelineHas('Pleas check invoice 42'), 'the open thread');
    await deliver(slackMessageEvent({ channel, user: 'U0CARLA', ts: replyTs, threadTs: rootTs, text: 'my card is 4111 1111' }));
    await page.waitFor(timelineHas('my card is 4111 1111'), 'the live reply in the thread');

    await page.fill('#composer-text', 'Checking invoice 42 now.');
    await page.evaluate(`document.querySelector('.composer').requestSubmit()`);
    const post = await eventually(async () => slack.posts.find((p) => p.channel === channel));
    expect(post).toMatchObject({ thread_ts: rootTs, text: 'Checking invoice 42 now.', username: OWNER.name });
    await page.waitFor(`document.querySelector('.timeline [data-delivery=sent]')`, 'the reply marked sent');
  });

  it('shows edits and deletions made in Slack live', async () => {
    const editTs = nextSlackTs();
    await deliver({
      type: 'message',
      subtype: 'message_changed',
      hidden: true,
      channel,
      ts: editTs,
      message: { type: 'message', user: 'U0CARLA', text: 'Please check invoice 42', ts: rootTs, edited: { user: 'U0CARLA', ts: editTs } },
    });
    await page.waitFor(`${timelineHas('Please check invoice 42')} && ${timelineHas('(edited)')}`, 'the edited message');
    await deliver({ type: 'message', subtype: 'message_deleted', hidden: true, channel, ts: nextSlackTs(), deleted_ts: replyTs });
    await page.waitFor(`${timelineHas('Deleted by the sender')} && !${timelineHas('4111')}`, 'the deleted message');
    expect(page.errors).toEqual([]);
  });
});
