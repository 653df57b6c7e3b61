import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { AdapterContext } from '../contract.ts';
import { emailSettingsSchema, type EmailCredentials, type EmailSettings } from './schema.ts';

export const TEST_FROM_ADDRESS = 'support@support.example';
export const FIXTURES_DIR = join(import.meta.dirname, 'fixtures');

/** A context for the email adapter: forwarding mode, SMTP at 127.0.0.1:`smtpPort` without TLS or auth. */
export function emailTestContext(
  overrides: {
    credentials?: Partial<EmailCredentials>;
    settings?: Partial<EmailSettings>;
    smtpPort?: number;
    now?: () => Date;
  } = {},
): AdapterContext<EmailCredentials, EmailSettings> {
  return {
    inbox: { id: 'inbox_mail', publicToken: 'pub_mail', kind: 'email' },
    credentials: {
      mode: 'forwarding',
      smtp: { host: '127.0.0.1', port: overrides.smtpPort ?? 2525, security: 'none' },
      fromAddress: TEST_FROM_ADDRESS,
      fromName: 'Acme Support',
      ...overrides.credentials,
    },
    settings: { ...emailSettingsSchema.parse({}), ...overrides.settings },
    fetch,
    now: overrides.now ?? (() => new Date('2025-01-01T00:00:00.000Z')),
  };
}

/** Bytes of a fixture mail, e.g. `readFixture('threading/01-start.eml')`. */
export function readFixture(relativePath: string): Uint8Array {
  return new Uint8Array(readFileSync(join(FIXTURES_DIR, relativePath)));
}

/** `.eml` file names in a fixture folder, sorted. */
export function listFixtures(folder: string): string[] {
  return readdirSync(join(FIXTURES_DIR, folder))
    .filter((f) => f.endsWith('.eml'))
    .sort();
}

/** One step of the threading corpus (fixtures/threading/expected.json; the format is in its README). */
export interface ThreadingDelivery {
  file?: string;
  sent?: string;
  conversation: string | null;
  starts?: boolean;
  automated?: boolean;
  participants?: string[];
  status?: { providerMessageId: string; status: string };
}

export interface ThreadingCorpus {
  inbox: { fromAddress: string };
  tokens: Record<string, string>;
  deliveries: ThreadingDelivery[];
}

/** fixtures/threading/expected.json: where each corpus mail must land, in delivery order. */
export function readThreadingCorpus(): ThreadingCorpus {
  return JSON.parse(readFileSync(join(FIXTURES_DIR, 'threading', 'expected.json'), 'utf8')) as ThreadingCorpus;
}

/** A 1×1 PNG, the inline image of `mailWithInlineImageAndFile`. */
export const TEST_PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==', 'base64');

/**
 * A mail whose html shows an inline image (`cid:shot1@example.com`, `TEST_PNG`) and which carries one file.
 * `messageId: null` leaves the Message-ID header out.
 */
export function mailWithInlineImageAndFile(o: {
  subject: string;
  text: string;
  file: { name: string; contentType: string; bytes: Uint8Array };
  messageId?: string | null;
}): Uint8Array {
  const lines = [
    'From: Ada <ada@example.com>',
    'To: support@support.example',
    `Subject: ${o.subject}`,
    'Date: Fri, 17 May 2024 10:00:00 +0000',
    ...(o.messageId === null ? [] : [`Message-ID: ${o.messageId ?? '<att-1@example.com>'}`]),
    'MIME-Version: 1.0',
    'Content-Type: multipart/mixed; boundary="mix"',
    '',
    '--mix',
    'Content-Type: multipart/related; boundary="rel"',
    '',
    '--rel',
    'Content-Type: text/html; charset=utf-8',
    '',
    `<p>${o.text} <img src="cid:shot1@example.com" alt="shot"></p>`,
    '--rel',
    'Content-Type: image/png; name="shot.png"',
    'Content-Transfer-Encoding: base64',
    'Content-ID: <shot1@example.com>',
    'Content-Disposition: inline; filename="shot.png"',
    '',
    TEST_PNG.toString('base64'),
    '--rel--',
    '--mix',
    `Content-Type: ${o.file.contentType}; name="${o.file.name}"`,
    'Content-Transfer-Encoding: base64',
    `Content-Disposition: attachment; filename="${o.file.name}"`,
    '',
    Buffer.from(o.file.bytes).toString('base64').replace(/.{76}/g, '$&\r\n'),
    '--mix--',
    '',
  ];
  return new Uint8Array(Buffer.from(lines.join('\r\n')));
}
