import { afterEach, describe, expect, it } from 'vitest';
import { startTwilioFake, type TwilioFake, type TwilioFakeOptions } from '../testing/twilio-fake.ts';
import type { TwilioChannel } from './address.ts';
import { twilioSmsAdapter, twilioWhatsAppAdapter } from './adapter.ts';
import { TEST_TWILIO_ACCOUNT_SID, twilioSid, twilioTestContext } from './fixtures.ts';
import type { TwilioCredentials } from './schema.ts';

let fake: TwilioFake | undefined;
afterEach(async () => {
  await fake?.close();
  fake = undefined;
});

async function check(credentials: Partial<TwilioCredentials> = {}, fakeOptions: TwilioFakeOptions = {}, channel: TwilioChannel = 'sms') {
  fake = await startTwilioFake(fakeOptions);
  const adapter = channel === 'sms' ? twilioSmsAdapter : twilioWhatsAppAdapter;
  return adapter.testConnection!(twilioTestContext(channel, { settings: { apiBaseUrl: fake.url }, credentials }));
}

describe('twilio connection test', () => {
  it('fetches the account and finds the number among its incoming numbers', async () => {
    expect(await check()).toEqual({ ok: true, details: { accountName: 'Switchboard test account', phoneNumber: '+14155550100' } });
    const paths = fake?.requests.map((r) => `${r.method} ${r.path}`);
    expect(paths).toEqual([
      `GET /2010-04-01/Accounts/${TEST_TWILIO_ACCOUNT_SID}.json`,
      `GET /2010-04-01/Accounts/${TEST_TWILIO_ACCOUNT_SID}/IncomingPhoneNumbers.json?PhoneNumber=%2B14155550100&PageSize=1`,
    ]);
  });

  it('says auth_failed for a wrong token, not_found for an unknown account or number', async () => {
    const auth = await check({ authToken: 'wrong-token-0123456789abcdef' });
    expect(auth).toMatchObject({ ok: false, problem: 'auth_failed' });
    await fake?.close();
    // An API key of this account asking for another account.
    const apiKey = { sid: `SK${'1'.repeat(32)}`, secret: 'x'.repeat(16) };
    const other = await check({ accountSid: `AC${'9'.repeat(32)}`, apiKeySid: apiKey.sid, apiKeySecret: apiKey.secret }, { apiKey });
    expect(other).toMatchObject({ ok: false, problem: 'not_found' });
    await fake?.close();
    const number = await check({ phoneNumber: '+14155550199' });
    expect(number).toEqual({ ok: false, problem: 'not_found', message: `+14155550199 is not a phone number of the Twilio account ${TEST_TWILIO_ACCOUNT_SID}` });
  });

  it('checks the Messaging Service when one is configured', async () => {
    const service = twilioSid('MG');
    expect(await check({ messagingServiceSid: service }, { messagingServices: [service] })).toEqual({ ok: true, details: { accountName: 'Switchboard test account', messagingService: 'Support' } });
    await fake?.close();
    const missing = await check({ messagingServiceSid: service });
    expect(missing).toMatchObject({ ok: false, problem: 'not_found' });
    if (!missing.ok) expect(missing.message).toContain(service);
  });

  it('does not look for WhatsApp senders among incoming numbers', async () => {
    expect(await check({ phoneNumber: '+14155238886' }, {}, 'whatsapp')).toEqual({ ok: true, details: { accountName: 'Switchboard test account' } });
  });

  it('reports a suspended account and an unreachable API', async () => {
    expect(await check({}, { accountStatus: 'suspended' })).toEqual({ ok: false, problem: 'account_inactive', message: `The Twilio account ${TEST_TWILIO_ACCOUNT_SID} is suspended` });
    const url = fake!.url;
    await fake?.close();
    fake = undefined;
    const down = await twilioSmsAdapter.testConnection!(twilioTestContext('sms', { settings: { apiBaseUrl: url } }));
    expect(down).toMatchObject({ ok: false, problem: 'unreachable' });
  });
});
