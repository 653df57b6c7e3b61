/** Events API requests exactly as Slack sends them (envelope, headers, v0 signature), for adapter and server tests. */
import type { AdapterContext, InboundRequest } from '../contract.ts';
import type { SlackCredentials, SlackSettings } from './schema.ts';
import { SLACK_SIGNATURE_HEADER, signSlackRequest, SLACK_TIMESTAMP_HEADER, SLACK_RETRY_NUM_HEADER, SLACK_RETRY_REASON_HEADER } from './signature.ts';

export const TEST_SLACK_SIGNING_SECRET = '8f742231b10e8888abcd99edabcd00d6';
export const TEST_SLACK_BOT_TOKEN = 'xoxb-test-0000-0000-fake';
/** The workspace the app is installed in, the app, and its bot user (the Slack fake's defaults). */
export const TEST_SLACK_TEAM = 'T0HOST';
export const TEST_SLACK_APP = 'A0SWITCHBD';
export const TEST_SLACK_BOT_USER = 'U0SWITCHBD';
export const TEST_SLACK_BOT_ID = 'B0SWITCHBD';

let tsSeq = 0;
/** A fresh, increasing Slack timestamp (`seconds.micros`). */
export function nextSlackTs(at = new Date()): string {
  return `${Math.floor(at.getTime() / 1000)}.${String(++tsSeq % 1_000_000).padStart(6, '0')}`;
}

export interface SlackMessageInput {
  channel?: string;
  user?: string;
  /** The user's workspace (Slack Connect: another organization's). */
  team?: string;
  text?: string;
  ts?: string;
  threadTs?: string;
  subtype?: string;
  files?: Array<Record<string, unknown>>;
  realName?: string;
  extra?: Record<string, unknown>;
}

/** A `message` event as Slack shows it in a shared (Slack Connect) channel. */
export function slackMessageEvent(m: SlackMessageInput = {}): Record<string, unknown> {
  const ts = m.ts ?? nextSlackTs();
  const team = m.team ?? 'T0CUSTOMER';
  return {
    type: 'message',
    ...(m.subtype ? { subtype: m.subtype } : {}),
    ...(m.user !== undefined || !m.subtype ? { user: m.user ?? 'U0CUSTOMER' } : {}),
    text: m.text ?? 'Hello from the customer',
    ts,
    ...(m.threadTs ? { thread_ts: m.threadTs, parent_user_id: 'U0CUSTOMER' } : {}),
    team,
    user_team: team,
    source_team: team,
    ...(m.realName ? { user_profile: { real_name: m.realName, display_name: m.realName.split(' ')[0], name: m.realName.toLowerCase(), team } } : {}),
    ...(m.files ? { files: m.files, upload: false } : {}),
    channel: m.channel ?? 'C0SHARED',
    event_ts: ts,
    channel_type: 'channel',
    ...m.extra,
  };
}

/** The `event_callback` envelope Slack wraps every event in. */
export function slackEnvelope(event: Record<string, unknown>, opts: { teamId?: string; appId?: string; botUserId?: string; eventId?: string } = {}) {
  return {
    token: 'deprecated-verification-token',
    team_id: opts.teamId ?? TEST_SLACK_TEAM,
    api_app_id: opts.appId ?? TEST_SLACK_APP,
    event,
    type: 'event_callback',
    event_id: opts.eventId ?? `Ev${Math.random().toString(36).slice(2, 12).toUpperCase()}`,
    event_time: Math.floor(Date.now() / 1000),
    authorizations: [{ enterprise_id: null, team_id: opts.teamId ?? TEST_SLACK_TEAM, user_id: opts.botUserId ?? TEST_SLACK_BOT_USER, is_bot: true, is_enterprise_install: false }],
    is_ext_shared_channel: true,
    event_context: '4-eyJldCI6Im1lc3NhZ2UifQ',
  };
}

export interface SlackSigningOptions {
  secret?: string;
  /** Unix seconds (default: now). */
  timestamp?: number;
  /** Sets `X-Slack-Retry-Num` (and `X-Slack-Retry-Reason: http_timeout`). */
  retryNum?: number;
}

/** The headers Slack sends with an Events API request (lower-cased). */
export function slackRequestHeaders(rawBody: string, opts: SlackSigningOptions = {}): Record<string, string> {
  const timestamp = opts.timestamp ?? Math.floor(Date.now() / 1000);
  return {
    'content-type': 'application/json',
    'user-agent': 'Slackbot 1.0 (+https://api.slack.com/robots)',
    [SLACK_TIMESTAMP_HEADER]: String(timestamp),
    [SLACK_SIGNATURE_HEADER]: signSlackRequest(opts.secret ?? TEST_SLACK_SIGNING_SECRET, timestamp, rawBody),
    ...(opts.retryNum !== undefined ? { [SLACK_RETRY_NUM_HEADER]: String(opts.retryNum), [SLACK_RETRY_REASON_HEADER]: 'http_timeout' } : {}),
  };
}

/** A signed Events API request as the adapter receives it. */
export function signedSlackRequest(body: unknown, opts: SlackSigningOptions & { publicToken?: string } = {}): InboundRequest {
  const rawBody = typeof body === 'string' ? body : JSON.stringify(body);
  return {
    method: 'POST',
    url: `https://switchboard.example/webhooks/slack/${opts.publicToken ?? 'pub_slack'}`,
    headers: slackRequestHeaders(rawBody, opts),
    rawBody,
  };
}

export function slackTestContext(
  overrides: { fetch?: typeof fetch; apiUrl?: string; credentials?: Partial<SlackCredentials>; settings?: Partial<SlackSettings>; now?: () => Date } = {},
): AdapterContext<SlackCredentials, SlackSettings> {
  return {
    inbox: { id: 'inbox_slack', publicToken: 'pub_slack', kind: 'slack' },
    credentials: { botToken: TEST_SLACK_BOT_TOKEN, signingSecret: TEST_SLACK_SIGNING_SECRET, ...overrides.credentials },
    settings: { apiUrl: overrides.apiUrl ?? 'http://127.0.0.1:9/api/', agentName: 'username', ...overrides.settings },
    fetch: overrides.fetch ?? fetch,
    now: overrides.now ?? (() => new Date()),
  };
}
