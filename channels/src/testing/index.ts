export { redirectingFetch, startFake, type FakeRequest, type FakeResponseOptions, type HttpFake } from './http-fake.ts';
export { sampleOutboundMessage } from './fixtures.ts';
export { apiTestContext, signedApiRequest, TEST_API_SECRET } from '../api/fixtures.ts';
