import { describe, expect, it } from 'vitest';
import { twilioSettingsSchema, twilioSmsCredentialsSchema, twilioWhatsAppCredentialsSchema } from './schema.ts';

const ACCOUNT = `AC${'a'.repeat(32)}`;
const valid = { accountSid: ACCOUNT, authToken: 'b'.repeat(32), phoneNumber: '+1 (415) 555-0100' };
const issues = (r: { success: boolean; error?: { issues: Array<{ path: PropertyKey[]; message: string }> } }) =>
  (r.error?.issues ?? []).map((i) => `${i.path.join('.')}: ${i.message}`);

describe('twilio credentials', () => {
  it('normalizes the number to E.164 and treats empty fields as absent', () => {
    expect(twilioSmsCredentialsSchema.parse({ ...valid, apiKeySid: '', messagingServiceSid: ' ' })).toEqual({ accountSid: ACCOUNT, authToken: 'b'.repeat(32), phoneNumber: '+14155550100' });
  });

  it('needs REST credentials, a way to verify webhooks and a sender', () => {
    expect(issues(twilioSmsCredentialsSchema.safeParse({ accountSid: ACCOUNT }))).toEqual([
      'authToken: give the auth token, or an API key SID and secret',
      'authToken: webhooks are verified with the auth token (or a webhook signing key): give one of them',
      'phoneNumber: give the sending phone number or a Messaging Service SID',
    ]);
    const apiKeyOnly = { accountSid: ACCOUNT, apiKeySid: `SK${'c'.repeat(32)}`, apiKeySecret: 'd'.repeat(32), messagingServiceSid: `MG${'e'.repeat(32)}` };
    expect(issues(twilioSmsCredentialsSchema.safeParse(apiKeyOnly))).toEqual(['authToken: webhooks are verified with the auth token (or a webhook signing key): give one of them']);
    expect(twilioSmsCredentialsSchema.safeParse({ ...apiKeyOnly, webhookSigningKey: 'f'.repeat(32) }).success).toBe(true);
    expect(issues(twilioSmsCredentialsSchema.safeParse({ ...valid, apiKeySid: `SK${'c'.repeat(32)}` }))).toEqual(['apiKeySecret: an API key needs both its SID and its secret']);
  });

  it('checks SID formats and numbers', () => {
    expect(issues(twilioSmsCredentialsSchema.safeParse({ ...valid, accountSid: 'AC123' }))).toEqual(['accountSid: must be an Account SID (AC followed by 32 hex digits)']);
    expect(issues(twilioSmsCredentialsSchema.safeParse({ ...valid, phoneNumber: '555-0100' }))).toEqual(['phoneNumber: must be a phone number in E.164 format, e.g. +14155552671']);
  });

  it('requires provider: twilio for WhatsApp (the kind is shared with WhatsApp Cloud) and accepts whatsapp: numbers', () => {
    expect(twilioWhatsAppCredentialsSchema.safeParse(valid).success).toBe(false);
    expect(twilioWhatsAppCredentialsSchema.safeParse({ ...valid, provider: 'meta' }).success).toBe(false);
    expect(twilioWhatsAppCredentialsSchema.parse({ ...valid, provider: 'twilio', phoneNumber: 'whatsapp:+14155238886' }).phoneNumber).toBe('+14155238886');
  });
});

describe('twilio settings', () => {
  it('takes an optional http(s) API base URL without trailing slash and keeps other settings', () => {
    expect(twilioSettingsSchema.parse({ apiBaseUrl: 'http://127.0.0.1:9999/', reopenWindowHours: 4 })).toEqual({ apiBaseUrl: 'http://127.0.0.1:9999', reopenWindowHours: 4 });
    expect(twilioSettingsSchema.parse({ apiBaseUrl: '' })).toEqual({});
    expect(twilioSettingsSchema.safeParse({ apiBaseUrl: 'ftp://x.example' }).success).toBe(false);
  });
});
