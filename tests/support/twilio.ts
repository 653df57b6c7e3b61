import { TEST_TWILIO_ACCOUNT_SID, TEST_TWILIO_AUTH_TOKEN, TEST_TWILIO_NUMBER, twilioWebhook, type TwilioFake } from '@switchboard/channels/testing';
import type { ApiClient } from './api.ts';

export interface TwilioInbox {
  id: string;
  kind: 'sms' | 'whatsapp';
  publicToken: string;
  /** `{PUBLIC_URL}/webhooks/{kind}/{token}`: what Twilio calls, and signs. */
  webhookUrl: string;
}

/** The credentials an admin pastes from Twilio's console; the REST API is the fake. */
export const twilioCredentials = (kind: 'sms' | 'whatsapp', extra: Record<string, unknown> = {}) => ({
  ...(kind === 'whatsapp' ? { provider: 'twilio' } : {}),
  accountSid: TEST_TWILIO_ACCOUNT_SID,
  authToken: TEST_TWILIO_AUTH_TOKEN,
  phoneNumber: TEST_TWILIO_NUMBER,
  ...extra,
});

export async function createTwilioInbox(admin: ApiClient, fake: TwilioFake, kind: 'sms' | 'whatsapp', name = kind === 'sms' ? 'Text us' : 'WhatsApp'): Promise<TwilioInbox> {
  const r = await admin.post('/api/inboxes', { kind, name, credentials: twilioCredentials(kind), settings: { apiBaseUrl: fake.url } });
  if (r.status !== 201) throw new Error(`inbox creation failed: ${r.status} ${JSON.stringify(r.body)}`);
  return r.body as TwilioInbox;
}

/**
 * Twilio calling the inbox's webhook: signed for `signUrl` (default: the inbox's webhookUrl, built from PUBLIC_URL),
 * sent to the test server (as through a proxy in front of it). `signature: null` leaves the header out.
 */
export async function postTwilioWebhook(
  base: string,
  inbox: TwilioInbox,
  params: Record<string, string>,
  opts: { signUrl?: string; authToken?: string; signature?: string | null; rawBody?: string } = {},
) {
  const { headers, body } = twilioWebhook(opts.signUrl ?? inbox.webhookUrl, params, opts.authToken ?? TEST_TWILIO_AUTH_TOKEN);
  const sent: Record<string, string> = { ...headers };
  if (opts.signature === null) delete sent['x-twilio-signature'];
  else if (opts.signature !== undefined) sent['x-twilio-signature'] = opts.signature;
  const res = await fetch(`${base}${new URL(inbox.webhookUrl).pathname}`, { method: 'POST', headers: sent, body: opts.rawBody ?? body });
  return webhookAnswer(res);
}

/**
 * A webhook answer: errors are JSON; Twilio's 200 is empty TwiML, with the counts in `X-Switchboard-*` headers
 * (as `body`, to read like the other channels' JSON answers).
 */
export async function webhookAnswer(res: { status: number; headers: Headers; text(): Promise<string> }) {
  const text = await res.text();
  const header = (name: string) => Number(res.headers.get(`x-switchboard-${name}`));
  if (res.status === 200) {
    return { status: res.status, text, contentType: res.headers.get('content-type'), body: { received: header('received'), duplicates: header('duplicates'), statuses: header('statuses') } as any };
  }
  let parsed: any = text;
  try {
    parsed = JSON.parse(text);
  } catch {
    /* not JSON */
  }
  return { status: res.status, text, contentType: res.headers.get('content-type'), body: parsed };
}
