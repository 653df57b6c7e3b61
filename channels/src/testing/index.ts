export { redirectingFetch, startFake, type FakeReply, type FakeRequest, type FakeResponseOptions, type FakeRoute, type HttpFake } from './http-fake.ts';
export { graphErrorBody, startMetaFake, type GraphError, type GraphSend, type GraphUpload, type MetaFake, type MetaFakeOptions } from './meta-fake.ts';
export { startSlackFake, type SlackFake, type SlackFakeCall, type SlackFakeFailure, type SlackFakePost, type SlackFakeUpload, type SlackFakeUser } from './slack-fake.ts';
export { startTelegramFake, telegramUserMessage, type TelegramFake, type TelegramFakeCall, type TelegramFakeError, type TelegramFakeFile, type TelegramFakeOptions, type TelegramSentMessage } from './telegram-fake.ts';
export { startSmtpFake, type SmtpFake, type SmtpFakeMessage, type SmtpFakeOptions } from './smtp-fake.ts';
export { httpProviderHarness, smtpProviderHarness, type ProviderHarness } from './provider-harness.ts';
export { startDovecot, type Dovecot } from './dovecot.ts';
export { freePort } from './free-port.ts';
export { sampleOutboundMessage } from './fixtures.ts';
export { apiTestContext, signedApiRequest, TEST_API_SECRET } from '../api/fixtures.ts';
export { emailTestContext, listFixtures as listEmailFixtures, readFixture as readEmailFixture, readThreadingCorpus, TEST_FROM_ADDRESS, type ThreadingCorpus, type ThreadingDelivery } from '../email/fixtures.ts';
export { attributesOf, htmlThreats, type HtmlAuditOptions } from './html-audit.ts';
export {
  instagramTestContext,
  messagingEvents,
  messagingWebhook,
  messengerTestContext,
  metaJson,
  metaVerificationRequest,
  signedMetaRequest,
  TEST_META,
  whatsAppEvents,
  whatsAppTestContext,
  whatsAppWebhook,
} from '../meta/fixtures.ts';
export {
  nextSlackTs,
  signedSlackRequest,
  slackEnvelope,
  slackMessageEvent,
  slackRequestHeaders,
  slackTestContext,
  TEST_SLACK_APP,
  TEST_SLACK_BOT_ID,
  TEST_SLACK_BOT_TOKEN,
  TEST_SLACK_BOT_USER,
  TEST_SLACK_SIGNING_SECRET,
  TEST_SLACK_TEAM,
  type SlackMessageInput,
  type SlackSigningOptions,
} from '../slack/fixtures.ts';
export { telegramTestContext, telegramWebhookRequest, TEST_TELEGRAM_SECRET, TEST_TELEGRAM_TOKEN } from '../telegram/fixtures.ts';
export { startTwilioFake, twilioProviderHarness, type TwilioError, type TwilioFake, type TwilioFakeMessage, type TwilioFakeOptions } from './twilio-fake.ts';
export {
  encodeForm,
  signedTwilioRequest,
  TEST_CUSTOMER_NUMBER,
  TEST_TWILIO_ACCOUNT_SID,
  TEST_TWILIO_AUTH_TOKEN,
  TEST_TWILIO_NUMBER,
  twilioInboundParams,
  twilioSid,
  twilioStatusParams,
  twilioTestContext,
  twilioWebhook,
  type InboundParamsInput,
} from '../twilio/fixtures.ts';
export { memorySink, type MemorySink } from './memory-sink.ts';
