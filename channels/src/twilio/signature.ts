import type { InboundRequest, VerifyResult } from '../contract.ts';
import { loadTwilio } from './client.ts';
import type { TwilioCredentials } from './schema.ts';

/** Header names as InboundRequest carries them (lower-cased). */
export const TWILIO_SIGNATURE_HEADER = 'x-twilio-signature';
export const TWILIO_SIGNATURE_SETTINGS_HEADER = 'x-twilio-webhooks-signature-settings';

const SUPPORTED_ALGORITHMS = new Set(['HMAC_SHA1', 'HMAC_SHA256']);

export type FormParams = Record<string, string | string[]>;

/** A form-encoded body as Twilio's validator wants it: repeated keys become arrays. */
export function formParams(rawBody: string): FormParams {
  const out: FormParams = {};
  for (const [key, value] of new URLSearchParams(rawBody)) {
    const seen = out[key];
    out[key] = seen === undefined ? value : Array.isArray(seen) ? [...seen, value] : [seen, value];
  }
  return out;
}

export const firstParam = (params: FormParams, key: string): string | undefined => {
  const v = params[key];
  return Array.isArray(v) ? v[0] : v;
};

/**
 * `X-Twilio-Signature` over the URL Twilio called (the server passes PUBLIC_URL + path + query) and the sorted form
 * parameters, with the auth token (HMAC-SHA1), or, when Twilio signs with a webhook SharedKey (it says so in
 * `X-Twilio-Webhooks-Signature-Settings`), with `webhookSigningKey` and the algorithm named there. The body's
 * `AccountSid`, when present, must be this inbox's account. Twilio signatures carry no timestamp: the server refuses a
 * replay of a request it accepted before by the adapter's `replayKey` (and messages are idempotent on MessageSid).
 */
export async function verifyTwilioRequest(req: InboundRequest, credentials: TwilioCredentials): Promise<VerifyResult> {
  const signature = req.headers[TWILIO_SIGNATURE_HEADER]?.trim();
  if (!signature) return { ok: false, reason: 'missing X-Twilio-Signature header' };
  if (req.method.toUpperCase() !== 'POST') return { ok: false, reason: 'Twilio webhooks are POST requests' };
  const settings = req.headers[TWILIO_SIGNATURE_SETTINGS_HEADER];
  const key = settings ? credentials.webhookSigningKey : credentials.authToken;
  if (!key) {
    return {
      ok: false,
      reason: settings ? 'signed with a webhook SharedKey, but the inbox has no webhookSigningKey' : 'the inbox has no auth token to verify Twilio signatures with',
    };
  }
  const twilio = await loadTwilio();
  const algorithm = twilio.getSignatureAlgorithm(settings).toUpperCase();
  if (!SUPPORTED_ALGORITHMS.has(algorithm)) return { ok: false, reason: `unsupported signature algorithm ${algorithm.slice(0, 40)}` };
  const params = formParams(req.rawBody);
  if (!twilio.validateRequest(key, signature, req.url, params, algorithm)) return { ok: false, reason: 'invalid signature' };
  const account = firstParam(params, 'AccountSid');
  if (account !== undefined && account !== credentials.accountSid) return { ok: false, reason: 'the webhook is for another Twilio account' };
  return { ok: true };
}
