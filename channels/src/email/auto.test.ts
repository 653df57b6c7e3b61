import { describe, expect, it } from 'vitest';
import { emailTestContext } from './fixtures.ts';
import { isAutomatedMail } from './auto.ts';
import { parseEmail } from './parse.ts';

const headers = (entries: Record<string, string>) => new Map(Object.entries(entries).map(([k, v]) => [k, [v]]));
const eml = (lines: string[]) => new TextEncoder().encode(lines.join('\r\n'));
const ctx = emailTestContext();

describe('isAutomatedMail', () => {
  it.each([
    [{ 'auto-submitted': 'auto-replied' }, true],
    [{ 'auto-submitted': 'auto-generated; owner-email="x@y.z"' }, true],
    [{ 'auto-submitted': 'No' }, false],
    [{ 'x-autoreply': 'yes' }, true],
    [{ 'x-autorespond': 'Vacation' }, true],
    [{ 'x-auto-response': 'yes' }, true],
    [{ precedence: 'bulk' }, true],
    [{ precedence: 'Junk' }, true],
    [{ precedence: 'list' }, true],
    [{ precedence: 'auto_reply' }, true],
    [{ precedence: 'first-class' }, false],
    [{ 'x-auto-response-suppress': 'All' }, false],
    [{ 'x-auto-response-suppress': 'OOF, AutoReply' }, false],
    [{}, false],
  ])('%j → %s', (h, expected) => {
    expect(isAutomatedMail(headers(h))).toBe(expected);
  });
});

const report = (action: string, withHeaders = true) =>
  eml([
    'From: Mail Delivery System <MAILER-DAEMON@mx.example>',
    'To: support@support.example',
    'Subject: Delivery Status Notification',
    'Date: Fri, 17 May 2024 10:00:00 +0000',
    'Message-ID: <dsn@mx.example>',
    'MIME-Version: 1.0',
    'Content-Type: multipart/report; report-type="delivery-status"; boundary="b"',
    '',
    '--b',
    'Content-Type: text/plain',
    '',
    'Report.',
    '--b',
    'Content-Type: message/delivery-status',
    '',
    'Reporting-MTA: dns; mx.example',
    '',
    'Final-Recipient: rfc822; x@customer.example',
    `Action: ${action}`,
    'Status: 4.4.7',
    '',
    ...(withHeaders
      ? ['--b', 'Content-Type: text/rfc822-headers', '', 'From: support@support.example', 'Message-ID: <msg_9@support.example>', '']
      : []),
    '--b--',
    '',
  ]);

describe('bounces', () => {
  it('turns a failure report without Diagnostic-Code into a failed status with the Status code', async () => {
    const parsed = await parseEmail(report('failed'), ctx);
    expect(parsed.messages).toEqual([]);
    expect(parsed.statuses).toEqual([
      {
        providerMessageId: '<msg_9@support.example>',
        status: 'failed',
        error: 'Delivery failed (status 4.4.7)',
        occurredAt: new Date('2024-05-17T10:00:00Z'),
      },
    ]);
  });

  it('records nothing for delay notices, and never turns a report into a message', async () => {
    expect(await parseEmail(report('delayed'), ctx)).toEqual({ messages: [], statuses: [] });
    expect(await parseEmail(report('failed', false), ctx)).toEqual({ messages: [], statuses: [] });
  });

  it('does not mistake a null-sender vacation reply that quotes the original for a bounce', async () => {
    const parsed = await parseEmail(
      eml([
        'Return-Path: <>',
        'From: Ada <ada@example.com>',
        'To: support@support.example',
        'Subject: Out of office',
        'Auto-Submitted: auto-replied',
        'Message-ID: <vac@example.com>',
        'In-Reply-To: <msg_9@support.example>',
        'Content-Type: multipart/mixed; boundary="m"',
        '',
        '--m',
        'Content-Type: text/plain',
        '',
        'Back on Monday.',
        '--m',
        'Content-Type: message/rfc822',
        '',
        'From: support@support.example',
        'Message-ID: <msg_9@support.example>',
        '',
        'hi',
        '--m--',
        '',
      ]),
      ctx,
    );
    expect(parsed.statuses).toEqual([]);
    expect(parsed.messages[0]).toMatchObject({ automated: true, threadCandidates: ['<msg_9@support.example>'] });
  });

  it('does not mistake a customer quoting a mail for a bounce', async () => {
    const parsed = await parseEmail(
      eml([
        'From: Ada <ada@example.com>',
        'To: support@support.example',
        'Subject: Undeliverable: my parcel',
        'Message-ID: <q@example.com>',
        'Content-Type: multipart/mixed; boundary="m"',
        '',
        '--m',
        'Content-Type: text/plain',
        '',
        'See the mail below.',
        '--m',
        'Content-Type: message/rfc822',
        '',
        'From: shop@example.org',
        'Message-ID: <orig@example.org>',
        '',
        'hi',
        '--m--',
        '',
      ]),
      ctx,
    );
    expect(parsed.statuses).toEqual([]);
    expect(parsed.messages).toHaveLength(1);
    expect(parsed.messages[0]?.text).toBe('See the mail below.');
  });
});
