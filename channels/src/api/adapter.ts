import type { ChannelAdapter } from '../contract.ts';
import { parseApiInbound } from './parse.ts';
import { apiCredentialsSchema, apiSettingsSchema, type ApiCredentials, type ApiSettings } from './schema.ts';
import { sendApiWebhook } from './send.ts';
import { verifyApiRequest } from './signature.ts';

export interface ApiAdapterOptions {
  /** Outbound webhook timeout (default 10 s). */
  timeoutMs?: number;
}

/** The API channel: an integrator's own system posts signed JSON and receives signed webhooks. */
export function createApiAdapter(opts: ApiAdapterOptions = {}): ChannelAdapter<ApiCredentials, ApiSettings> {
  return {
    kind: 'api',
    credentialsSchema: apiCredentialsSchema,
    settingsSchema: apiSettingsSchema,
    verify: (req, ctx) => verifyApiRequest(req, ctx.credentials.secret),
    parse: (req, ctx) => parseApiInbound(req, ctx),
    send: (msg, ctx) => sendApiWebhook(msg, ctx, opts),
  };
}

export const apiAdapter = createApiAdapter();
