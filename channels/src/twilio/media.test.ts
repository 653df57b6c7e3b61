import { afterEach, describe, expect, it } from 'vitest';
import { startFake, type HttpFake } from '../testing/http-fake.ts';
import { startTwilioFake, type TwilioFake } from '../testing/twilio-fake.ts';
import { twilioSmsAdapter } from './adapter.ts';
import { TEST_TWILIO_ACCOUNT_SID, twilioTestContext } from './fixtures.ts';

let fake: TwilioFake | undefined;
let other: HttpFake | undefined;
afterEach(async () => {
  await fake?.close();
  await other?.close();
  fake = undefined;
  other = undefined;
});

const BYTES = new Uint8Array([0xff, 0xd8, 0xff, 0xe0, 1, 2, 3]);

describe('twilio media download', () => {
  it('fetches Twilio media with the account’s Basic auth (through apiBaseUrl)', async () => {
    fake = await startTwilioFake();
    const url = fake.addMedia(BYTES, 'image/jpeg');
    expect(url).toMatch(new RegExp(`^https://api\\.twilio\\.com/2010-04-01/Accounts/${TEST_TWILIO_ACCOUNT_SID}/Messages/MM[0-9a-f]{32}/Media/ME[0-9a-f]{32}$`));
    const res = await twilioSmsAdapter.fetchAttachment!(url, twilioTestContext('sms', { settings: { apiBaseUrl: fake.url } }));
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('image/jpeg');
    expect(new Uint8Array(await res.arrayBuffer())).toEqual(BYTES);
    const wrong = await twilioSmsAdapter.fetchAttachment!(url, twilioTestContext('sms', { settings: { apiBaseUrl: fake.url }, credentials: { authToken: 'wrong-token-0123456789abcdef' } }));
    expect(wrong.status).toBe(401);
  });

  it('never sends the credentials to another host', async () => {
    other = await startFake();
    other.respondWith(200, 'file');
    const res = await twilioSmsAdapter.fetchAttachment!(`${other.url}/file.jpg`, twilioTestContext('sms', { settings: { apiBaseUrl: 'https://twilio-proxy.example' } }));
    expect(await res.text()).toBe('file');
    expect(other.requests[0]?.headers.authorization).toBeUndefined();
  });
});
