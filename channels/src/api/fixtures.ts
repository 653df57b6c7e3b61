import type { AdapterContext, InboundRequest } from '../contract.ts';
import type { ApiCredentials, ApiSettings } from './schema.ts';
import { SIGNATURE_HEADER, signApiPayload } from './signature.ts';

export const TEST_API_SECRET = 'test-secret-0123456789abcdef';

/** A signed request as the integrator would send it (for tests of the adapter and the server). */
export function signedApiRequest(
  body: unknown,
  opts: { secret?: string; publicToken?: string; publicUrl?: string } = {},
): InboundRequest {
  const rawBody = typeof body === 'string' ? body : JSON.stringify(body);
  const base = opts.publicUrl ?? 'https://switchboard.example';
  return {
    method: 'POST',
    url: `${base}/webhooks/api/${opts.publicToken ?? 'pub_test'}`,
    headers: {
      'content-type': 'application/json',
      [SIGNATURE_HEADER]: signApiPayload(opts.secret ?? TEST_API_SECRET, rawBody),
    },
    rawBody,
  };
}

export function apiTestContext(
  overrides: { fetch?: typeof fetch; credentials?: Partial<ApiCredentials>; now?: () => Date } = {},
): AdapterContext<ApiCredentials, ApiSettings> {
  return {
    inbox: { id: 'inbox_1', publicToken: 'pub_test', kind: 'api' },
    credentials: {
      secret: TEST_API_SECRET,
      webhookUrl: 'https://integrator.example/hooks/switchboard',
      ...overrides.credentials,
    },
    settings: {},
    fetch: overrides.fetch ?? fetch,
    now: overrides.now ?? (() => new Date('2025-01-01T00:00:00.000Z')),
  };
}
