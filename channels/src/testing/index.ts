export { redirectingFetch, startFake, type FakeAnswer, type FakeOptions, type FakeRequest, type FakeResponseOptions, type HttpFake } from './http-fake.ts';
export { startSmtpFake, type SmtpFake, type SmtpFakeMessage, type SmtpFakeOptions } from './smtp-fake.ts';
export { httpProviderHarness, smtpProviderHarness, type ProviderHarness } from './provider-harness.ts';
export { freePort, startDovecot, type Dovecot } from './dovecot.ts';
export { sampleOutboundMessage } from './fixtures.ts';
export { apiTestContext, signedApiRequest, TEST_API_SECRET } from '../api/fixtures.ts';
export { emailTestContext, listFixtures as listEmailFixtures, readFixture as readEmailFixture, readThreadingCorpus, TEST_FROM_ADDRESS, type ThreadingCorpus, type ThreadingDelivery } from '../email/fixtures.ts';
export { attributesOf, htmlThreats, type HtmlAuditOptions } from './html-audit.ts';
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
