export { createSlackAdapter, slackAdapter } from './adapter.ts';
export { platformErrorCode, slackClient, slackError, type SlackContext } from './client.ts';
export { testSlackConnection } from './connection.ts';
export { clearSlackDirectoryCache, lookupOwnBot, lookupUser, type SlackBotIdentity, type SlackUserProfile } from './directory.ts';
export { slackEnvelopeSchema, slackMessageEventSchema, type SlackEnvelope, type SlackMessageEvent } from './events.ts';
export { attachmentsOf, fetchSlackFile, FILE_ID_SCHEME } from './files.ts';
export { isOwnMessage } from './own.ts';
export { parseSlackEvent, parseThreadKey, slackIdentityAddress, slackMessageId, urlVerificationChallenge } from './parse.ts';
export { DEFAULT_SLACK_API_URL, slackCredentialsSchema, slackSettingsSchema, type SlackCredentials, type SlackSettings } from './schema.ts';
export { replyText, sendSlackMessage } from './send.ts';
export {
  MAX_SKEW_SECONDS,
  SLACK_RETRY_NUM_HEADER,
  SLACK_RETRY_REASON_HEADER,
  SLACK_SIGNATURE_HEADER,
  signSlackRequest,
  SLACK_TIMESTAMP_HEADER,
  verifySlackRequest,
} from './signature.ts';
export { escapeSlackText, slackToText, slackTsToDate } from './text.ts';
