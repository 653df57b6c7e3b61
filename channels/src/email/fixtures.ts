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
