export { redirectingFetch, startFake, type FakeRequest, type FakeResponseOptions, type HttpFake } from './http-fake.ts';
export { startSmtpFake, type SmtpFake, type SmtpFakeMessage, type SmtpFakeOptions } from './smtp-fake.ts';
export { httpProviderHarness, smtpProviderHarness, type ProviderHarness } from './provider-harness.ts';
export { freePort, startDovecot, type Dovecot } from './dovecot.ts';
export { sampleOutboundMessage } from './fixtures.ts';
export { apiTestContext, signedApiRequest, TEST_API_SECRET } from '../api/fixtures.ts';
export { emailTestContext, listFixtures as listEmailFixtures, readFixture as readEmailFixture, readThreadingCorpus, TEST_FROM_ADDRESS, type ThreadingCorpus, type ThreadingDelivery } from '../email/fixtures.ts';
export { attributesOf, htmlThreats, type HtmlAuditOptions } from './html-audit.ts';
export { memorySink, type MemorySink } from './memory-sink.ts';
