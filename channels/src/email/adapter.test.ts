import { describe, expect, it } from 'vitest';
import { runAdapterContractSuite } from '../contract-suite.ts';
import { ChannelError, type InboundRequest } from '../contract.ts';
import { sampleOutboundMessage } from '../testing/fixtures.ts';
import { smtpProviderHarness } from '../testing/provider-harness.ts';
import { emailAdapter, EMAIL_HAS_NO_WEBHOOKS } from './adapter.ts';
import { emailTestContext, readFixture } from './fixtures.ts';

runAdapterContractSuite('email', {
  adapter: emailAdapter,
  context: () => emailTestContext(),
  inbound: 'raw',
  validRaw: () => readFixture('threading/03-thunderbird-reply-all-cc.eml'),
  malformedRaw: () => new TextEncoder().encode('this is not an email\r\n'),
  outboundMessage: () => sampleOutboundMessage({ replyToken: 'tok123', references: ['<a@example.com>'] }),
  provider: () => smtpProviderHarness(({ port }) => emailTestContext({ smtpPort: port })),
});

const webhook: InboundRequest = { method: 'POST', url: 'https://sb.example/webhooks/email/pub', headers: {}, rawBody: '{}' };

describe('email adapter: webhooks', () => {
  it('refuses webhook requests and cannot parse them', async () => {
    const ctx = emailTestContext();
    expect(await emailAdapter.verify(webhook, ctx)).toEqual({ ok: false, reason: EMAIL_HAS_NO_WEBHOOKS });
    let caught: unknown;
    try {
      await emailAdapter.parse(webhook, ctx);
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(ChannelError);
    expect((caught as ChannelError).code).toBe('malformed_payload');
  });
});

describe('email adapter: schemas', () => {
  const creds = emailAdapter.credentialsSchema;
  const smtp = { host: 'smtp.example.com', port: 587, security: 'starttls' };
  it('requires imap settings in imap mode only, defaults the folder and lower-cases fromAddress', () => {
    expect(creds.safeParse({ mode: 'imap', smtp, fromAddress: 'a@b.co' }).success).toBe(false);
    expect(creds.safeParse({ mode: 'forwarding', smtp, fromAddress: 'Help@Acme.Example' })).toMatchObject({
      success: true,
      data: { fromAddress: 'help@acme.example' },
    });
    const imap = { host: 'imap.example.com', port: 993, security: 'tls', user: 'u', password: 'p' };
    expect(creds.parse({ mode: 'imap', imap, smtp, fromAddress: 'a@b.co' }).imap?.folder).toBe('INBOX');
    expect(creds.safeParse({ mode: 'forwarding', smtp: { ...smtp, security: 'ssl' }, fromAddress: 'a@b.co' }).success).toBe(false);
    expect(creds.safeParse({ mode: 'forwarding', smtp, fromAddress: 'not-an-email' }).success).toBe(false);
  });

  it('fills setting defaults and keeps unknown keys', () => {
    expect(emailAdapter.settingsSchema.parse({ reopenWindowHours: 48 })).toEqual({
      backfillDays: 30,
      pollIntervalSeconds: 60,
      appendToSent: false,
      sentFolder: 'Sent',
      maxAttachmentBytes: 25 * 1024 * 1024,
      reopenWindowHours: 48,
    });
  });
});
