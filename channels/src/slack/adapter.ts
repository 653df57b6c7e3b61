import type { ChannelAdapter } from '../contract.ts';
import { testSlackConnection } from './connection.ts';
import { fetchSlackFile } from './files.ts';
import { parseSlackEvent, urlVerificationChallenge } from './parse.ts';
import { slackCredentialsSchema, slackSettingsSchema, type SlackCredentials, type SlackSettings } from './schema.ts';
import { sendSlackMessage } from './send.ts';
import { SLACK_RETRY_NUM_HEADER, SLACK_SIGNATURE_HEADER, SLACK_TIMESTAMP_HEADER, verifySlackRequest } from './signature.ts';
import { signedRequestKey } from '../util/replay.ts';

/**
 * Slack Connect channels: the Events API posts signed events to the inbox's webhook URL; replies go out with the
 * official Web API client (`@slack/web-api`) into the message's thread.
 */
export function createSlackAdapter(): ChannelAdapter<SlackCredentials, SlackSettings> {
  return {
    kind: 'slack',
    credentialsSchema: slackCredentialsSchema,
    settingsSchema: slackSettingsSchema,
    // The server offers a POST handshake only after verify said ok; it checks the signature again itself, so the
    // challenge is never echoed to an unsigned request whoever calls it.
    handshake: (req, ctx) => {
      if (req.method !== 'POST' || !verifySlackRequest(req, ctx.credentials.signingSecret, ctx.now()).ok) return null;
      const challenge = urlVerificationChallenge(req.rawBody);
      return challenge === null ? null : { status: 200, body: challenge, contentType: 'text/plain' };
    },
    verify: (req, ctx) => verifySlackRequest(req, ctx.credentials.signingSecret, ctx.now()),
    // Within the 5-minute timestamp window, the same signed request again is a replay. Slack's retries carry their
    // number (a retry in the same second has the same signature): each is its own delivery, deduplicated by event.
    replayKey: (req) => signedRequestKey(req, [SLACK_SIGNATURE_HEADER, SLACK_TIMESTAMP_HEADER, SLACK_RETRY_NUM_HEADER]),
    parse: (req, ctx) => parseSlackEvent(req, ctx),
    send: (msg, ctx) => sendSlackMessage(msg, ctx),
    testConnection: (ctx) => testSlackConnection(ctx),
    fetchAttachment: (url, ctx) => fetchSlackFile(url, ctx),
  };
}

export const slackAdapter = createSlackAdapter();
