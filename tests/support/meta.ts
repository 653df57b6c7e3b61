import { signMetaPayload } from '@switchboard/channels/meta';
import { messagingEvents as ev, messagingWebhook, metaJson, TEST_META, whatsAppEvents as wa, whatsAppWebhook, type GraphSend } from '@switchboard/channels/testing';

export type MetaKind = 'messenger' | 'instagram' | 'whatsapp';

/** POSTs a webhook to the server as Meta does: Meta's JSON bytes, signed with the app secret (or not). */
export async function postMetaWebhook(
  base: string,
  kind: MetaKind,
  token: string,
  body: unknown,
  opts: { appSecret?: string; signature?: string | null; raw?: string } = {},
) {
  const raw = opts.raw ?? metaJson(body);
  const signature = opts.signature === undefined ? signMetaPayload(opts.appSecret ?? TEST_META.appSecret, raw) : opts.signature;
  const headers: Record<string, string> = { 'content-type': 'application/json', 'user-agent': 'facebookexternalua' };
  if (signature !== null) headers['x-hub-signature-256'] = signature;
  const res = await fetch(`${base}/webhooks/${kind}/${token}`, { method: 'POST', headers, body: raw });
  return { status: res.status, body: (await res.json().catch(() => null)) as any };
}

/** The subscription check Meta runs when the callback URL is saved. */
export async function metaSubscriptionCheck(webhookUrl: string, verifyToken: string, challenge: string) {
  const q = new URLSearchParams({ 'hub.mode': 'subscribe', 'hub.challenge': challenge, 'hub.verify_token': verifyToken });
  const res = await fetch(`${webhookUrl}?${q}`);
  return { status: res.status, text: await res.text() };
}

/** How each Meta channel spells the same events: what the integration tests send and expect. */
export interface MetaDriver {
  kind: MetaKind;
  credentials: Record<string, string>;
  /** A customer's id on the channel (PSID, IGSID, WhatsApp number). */
  customer(n: number): string;
  /** The identity the customer becomes. */
  identity(customer: string): { kind: string; address: string };
  inbound(customer: string, id: string, text: string, at?: Date): object;
  /** Several messages in one POST (Meta batches). */
  batch(customer: string, messages: Array<{ id: string; text: string }>): object;
  delivered(customer: string, providerIds: string[]): object;
  read(customer: string, providerIds: string[]): object;
  /** What comes back for a message we sent: Messenger/Instagram echo it; WhatsApp never does, so its stand-in reuses our id. */
  echo(customer: string, providerId: string, text: string): object;
  reaction(customer: string, providerId: string, emoji: string): object;
  /** The text of a message the Graph fake accepted. */
  sentText(send: GraphSend): string | undefined;
}

const { pageId, instagramAccountId: igId, phoneNumberId } = TEST_META;
const common = { appSecret: TEST_META.appSecret, verifyToken: TEST_META.verifyToken, accessToken: TEST_META.accessToken };

function messagingDriver(kind: 'messenger' | 'instagram', object: 'page' | 'instagram', account: string, credentials: Record<string, string>, prefix: string): MetaDriver {
  return {
    kind,
    credentials: { ...common, ...credentials },
    customer: (n) => `${prefix}${String(n).padStart(6, '0')}`,
    identity: (c) => ({ kind, address: `${account}:${c}` }),
    inbound: (c, id, text, at) => messagingWebhook(object, account, [ev.text(account, c, id, text, at)]),
    batch: (c, messages) => messagingWebhook(object, account, messages.map((m) => ev.text(account, c, m.id, m.text))),
    delivered: (c, ids) => messagingWebhook(object, account, [ev.delivery(account, c, ids, new Date())]),
    // Messenger reads by watermark only; Instagram names the last message seen.
    read: (c, ids) => messagingWebhook(object, account, [kind === 'messenger' ? ev.read(account, c, new Date()) : ev.seen(account, c, ids.at(-1) ?? '')]),
    echo: (c, id, text) => messagingWebhook(object, account, [ev.echo(account, c, id, text)]),
    reaction: (c, id, emoji) => messagingWebhook(object, account, [ev.reaction(account, c, id, emoji)]),
    sentText: (s) => s.body?.message?.text,
  };
}

export const META_DRIVERS: MetaDriver[] = [
  messagingDriver('messenger', 'page', pageId, { pageId }, '24000000000'),
  messagingDriver('instagram', 'instagram', igId, { instagramAccountId: igId }, '17000000000'),
  {
    kind: 'whatsapp',
    credentials: { provider: 'cloud', ...common, phoneNumberId, businessAccountId: TEST_META.businessAccountId },
    customer: (n) => `1415555${String(2600 + n).padStart(4, '0')}`,
    identity: (c) => ({ kind: 'phone', address: `+${c}` }),
    inbound: (c, id, text, at) => whatsAppWebhook({ contacts: [wa.contact(c, `Kunde ${c.slice(-4)}`)], messages: [wa.text(c, id, text, at)] }),
    batch: (c, messages) => whatsAppWebhook({ contacts: [wa.contact(c, 'Batch Kunde')], messages: messages.map((m) => wa.text(c, m.id, m.text)) }),
    delivered: (c, ids) => whatsAppWebhook({ statuses: ids.map((id) => wa.status(id, 'delivered', c)) }),
    read: (c, ids) => whatsAppWebhook({ statuses: ids.map((id) => wa.status(id, 'read', c)) }),
    echo: (c, id, text) => whatsAppWebhook({ messages: [wa.text(c, id, text)] }),
    reaction: (c, id, emoji) => whatsAppWebhook({ messages: [wa.reaction(c, `wamid.react-${id}`, id, emoji)] }),
    sentText: (s) => s.body?.text?.body,
  },
];
