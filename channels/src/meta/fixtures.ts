/**
 * Test helpers for the Meta channels: contexts, payloads shaped like Meta's, and requests serialized and signed
 * exactly as Meta sends them (non-ASCII as \uXXXX, slashes as \/, HMAC over those bytes).
 */
import type { AdapterContext, InboundRequest } from '../contract.ts';
import { metaSettingsSchema, type InstagramCredentials, type MessengerCredentials, type MetaSettings, type WhatsAppCloudCredentials } from './schema.ts';
import { META_SIGNATURE_HEADER, signMetaPayload } from './signature.ts';

export const TEST_META = {
  appSecret: 'meta-app-secret-0123456789abcdef',
  verifyToken: 'verify-me-0123456789',
  accessToken: 'EAAGtestaccesstoken0123456789',
  pageId: '104857600000001',
  instagramAccountId: '17841400000000001',
  phoneNumberId: '106540352242922',
  businessAccountId: '102290129340398',
} as const;

/** JSON as Meta writes it: every non-ASCII UTF-16 unit escaped as \uXXXX and `/` as `\/`. */
export function metaJson(value: unknown): string {
  return JSON.stringify(value)
    .replace(/[\u007f-\uffff]/g, (ch) => `\\u${ch.charCodeAt(0).toString(16).padStart(4, '0')}`)
    .replace(/\//g, '\\/');
}

/** A webhook POST as Meta delivers it (body serialized by metaJson unless given as a string). */
export function signedMetaRequest(
  body: unknown,
  opts: { appSecret?: string; url?: string; signature?: string | null } = {},
): InboundRequest {
  const rawBody = typeof body === 'string' ? body : metaJson(body);
  const signature = opts.signature === undefined ? signMetaPayload(opts.appSecret ?? TEST_META.appSecret, rawBody) : opts.signature;
  return {
    method: 'POST',
    url: opts.url ?? 'https://switchboard.example/webhooks/messenger/pub_meta',
    headers: { 'content-type': 'application/json', ...(signature === null ? {} : { [META_SIGNATURE_HEADER]: signature }) },
    rawBody,
  };
}

/** The subscription check Meta sends when the webhook is configured. */
export function metaVerificationRequest(verifyToken: string, challenge = '1158201444', base = 'https://switchboard.example/webhooks/messenger/pub_meta'): InboundRequest {
  const q = new URLSearchParams({ 'hub.mode': 'subscribe', 'hub.verify_token': verifyToken, 'hub.challenge': challenge });
  return { method: 'GET', url: `${base}?${q}`, headers: {}, rawBody: '' };
}

interface ContextOverrides<C> {
  fetch?: typeof fetch;
  credentials?: Partial<C>;
  settings?: Partial<MetaSettings>;
  now?: () => Date;
}

function metaContext<C>(kind: 'messenger' | 'instagram' | 'whatsapp', credentials: C, o: ContextOverrides<C>): AdapterContext<C, MetaSettings> {
  return {
    inbox: { id: `inbox_${kind}`, publicToken: `pub_${kind}`, kind },
    credentials: { ...credentials, ...o.credentials },
    settings: { ...metaSettingsSchema.parse({}), ...o.settings },
    fetch: o.fetch ?? fetch,
    now: o.now ?? (() => new Date('2025-01-01T00:00:00.000Z')),
  };
}

const common = { appSecret: TEST_META.appSecret, verifyToken: TEST_META.verifyToken, accessToken: TEST_META.accessToken };

export const messengerTestContext = (o: ContextOverrides<MessengerCredentials> = {}) =>
  metaContext<MessengerCredentials>('messenger', { ...common, pageId: TEST_META.pageId }, o);
export const instagramTestContext = (o: ContextOverrides<InstagramCredentials> = {}) =>
  metaContext<InstagramCredentials>('instagram', { ...common, instagramAccountId: TEST_META.instagramAccountId }, o);
export const whatsAppTestContext = (o: ContextOverrides<WhatsAppCloudCredentials> = {}) =>
  metaContext<WhatsAppCloudCredentials>('whatsapp', { provider: 'cloud', ...common, phoneNumberId: TEST_META.phoneNumberId, businessAccountId: TEST_META.businessAccountId }, o);

const ms = (at: Date) => at.getTime();
const seconds = (at: Date) => String(Math.floor(at.getTime() / 1000));

/** Messenger (`page`) and Instagram (`instagram`) events, each in its own entry (dated like its event) as Meta batches them. */
export function messagingWebhook(object: 'page' | 'instagram', accountId: string, events: object[]) {
  const timeOf = (e: object) => ('timestamp' in e && typeof e.timestamp === 'number' ? e.timestamp : Date.now());
  return { object, entry: events.map((e) => ({ id: accountId, time: timeOf(e), messaging: [e] })) };
}

export const messagingEvents = {
  text: (accountId: string, userId: string, mid: string, text: string, at = new Date(), extra: object = {}) => ({
    sender: { id: userId }, recipient: { id: accountId }, timestamp: ms(at), message: { mid, text, ...extra },
  }),
  attachment: (accountId: string, userId: string, mid: string, attachments: object[], at = new Date()) => ({
    sender: { id: userId }, recipient: { id: accountId }, timestamp: ms(at), message: { mid, attachments },
  }),
  /** What Meta sends back for a message the page sent (through us or the Page inbox). */
  echo: (accountId: string, userId: string, mid: string, text: string, at = new Date()) => ({
    sender: { id: accountId }, recipient: { id: userId }, timestamp: ms(at), message: { mid, text, is_echo: true, app_id: 1517776481860111 },
  }),
  reaction: (accountId: string, userId: string, mid: string, emoji: string, action: 'react' | 'unreact' = 'react', at = new Date()) => ({
    sender: { id: userId }, recipient: { id: accountId }, timestamp: ms(at), reaction: { mid, action, emoji, reaction: 'like' },
  }),
  delivery: (accountId: string, userId: string, mids: string[], watermark: Date, at = new Date()) => ({
    sender: { id: userId }, recipient: { id: accountId }, timestamp: ms(at), delivery: { mids, watermark: ms(watermark) },
  }),
  read: (accountId: string, userId: string, watermark: Date, at = new Date()) => ({
    sender: { id: userId }, recipient: { id: accountId }, timestamp: ms(at), read: { watermark: ms(watermark) },
  }),
  /** Instagram's read receipt names the last message seen. */
  seen: (accountId: string, userId: string, mid: string, at = new Date()) => ({
    sender: { id: userId }, recipient: { id: accountId }, timestamp: ms(at), read: { mid },
  }),
};

/** A WhatsApp `messages` change for one phone number. */
export function whatsAppWebhook(
  value: { contacts?: object[]; messages?: object[]; statuses?: object[] },
  phoneNumberId: string = TEST_META.phoneNumberId,
  businessAccountId: string = TEST_META.businessAccountId,
) {
  return {
    object: 'whatsapp_business_account',
    entry: [
      {
        id: businessAccountId,
        changes: [{ field: 'messages', value: { messaging_product: 'whatsapp', metadata: { display_phone_number: '15550783881', phone_number_id: phoneNumberId }, ...value } }],
      },
    ],
  };
}

export const whatsAppEvents = {
  contact: (waId: string, name: string) => ({ profile: { name }, wa_id: waId }),
  text: (from: string, id: string, body: string, at = new Date(), extra: object = {}) => ({ from, id, timestamp: seconds(at), type: 'text', text: { body }, ...extra }),
  media: (from: string, id: string, type: 'image' | 'audio' | 'video' | 'document' | 'sticker', media: { id: string; mime_type: string; caption?: string; filename?: string }, at = new Date()) => ({
    from, id, timestamp: seconds(at), type, [type]: { sha256: 'x', ...media },
  }),
  reaction: (from: string, id: string, messageId: string, emoji: string, at = new Date()) => ({ from, id, timestamp: seconds(at), type: 'reaction', reaction: { message_id: messageId, emoji } }),
  status: (id: string, status: 'sent' | 'delivered' | 'read' | 'failed', recipientId: string, at = new Date(), errors?: object[]) => ({
    id, status, timestamp: seconds(at), recipient_id: recipientId, ...(errors ? { errors } : {}),
  }),
};
