import type { AdapterContext, InboundAttachment, InboundMessage, InboundRequest, ParsedInbound } from '../contract.ts';
import { malformed } from '../util/errors.ts';
import { isWhatsAppAddress, phoneFromTwilioAddress, type TwilioChannel } from './address.ts';
import { consentOf } from './consent.ts';
import { firstParam, formParams, type FormParams } from './signature.ts';
import { INBOUND_STATES, statusOf } from './status.ts';

const MESSAGE_SID = /^[A-Z]{2}[0-9a-f]{32}$/i;
/** Twilio allows 10 media per MMS; be lenient, but bounded. */
const MAX_MEDIA = 20;

const EXTENSIONS: Record<string, string> = {
  'image/jpeg': 'jpg',
  'image/png': 'png',
  'image/gif': 'gif',
  'image/webp': 'webp',
  'video/mp4': 'mp4',
  'video/3gpp': '3gp',
  'audio/ogg': 'ogg',
  'audio/mpeg': 'mp3',
  'audio/amr': 'amr',
  'application/pdf': 'pdf',
  'text/vcard': 'vcf',
  'text/x-vcard': 'vcf',
  'text/plain': 'txt',
};

function extensionOf(contentType: string): string {
  const type = contentType.split(';')[0]?.trim().toLowerCase() ?? '';
  return EXTENSIONS[type] ?? (type.split('/')[1]?.replace(/[^a-z0-9]/g, '').slice(0, 8) || 'bin');
}

function mediaOf(params: FormParams, sid: string): InboundAttachment[] {
  const raw = firstParam(params, 'NumMedia')?.trim() || '0';
  const count = Number(raw);
  if (!Number.isInteger(count) || count < 0 || count > MAX_MEDIA) throw malformed(`NumMedia must be a whole number from 0 to ${MAX_MEDIA}, got "${raw.slice(0, 20)}"`);
  const out: InboundAttachment[] = [];
  for (let i = 0; i < count; i++) {
    const url = firstParam(params, `MediaUrl${i}`)?.trim();
    if (!url || !/^https?:\/\//i.test(url) || !URL.canParse(url)) throw malformed(`MediaUrl${i} is missing or not an http(s) URL (NumMedia is ${count})`);
    const contentType = firstParam(params, `MediaContentType${i}`)?.trim() || 'application/octet-stream';
    // Twilio gives no file names: the media SID (last path segment) and the type's extension.
    const mediaSid = new URL(url).pathname.split('/').filter(Boolean).pop() ?? '';
    const stem = MESSAGE_SID.test(mediaSid) ? mediaSid : `${sid}-${i + 1}`;
    out.push({ name: `${stem}.${extensionOf(contentType)}`, contentType, url });
  }
  return out;
}

/** Channel specifics worth keeping on the message (absent ones left out). */
function metadataOf(params: FormParams, channel: TwilioChannel): Record<string, unknown> {
  const pick: Array<[string, string]> = [
    ['to', 'To'],
    ['accountSid', 'AccountSid'],
    ['messagingServiceSid', 'MessagingServiceSid'],
    ['numSegments', 'NumSegments'],
    ['numMedia', 'NumMedia'],
    ['fromCountry', 'FromCountry'],
    ['fromCity', 'FromCity'],
    ['profileName', 'ProfileName'],
    ['waId', 'WaId'],
    ['optOutType', 'OptOutType'],
    ['buttonText', 'ButtonText'],
    ['buttonPayload', 'ButtonPayload'],
    ['repliedToSid', 'OriginalRepliedMessageSid'],
    ['latitude', 'Latitude'],
    ['longitude', 'Longitude'],
    ['address', 'Address'],
    ['label', 'Label'],
  ];
  const twilio: Record<string, string> = { channel };
  for (const [name, param] of pick) {
    const v = firstParam(params, param);
    if (v !== undefined && v !== '') twilio[name] = v.slice(0, 500);
  }
  return { twilio };
}

/** A shared WhatsApp location has no body: say where, so the agent sees something. */
function textOf(params: FormParams): string {
  const body = firstParam(params, 'Body') ?? '';
  const lat = firstParam(params, 'Latitude');
  const lon = firstParam(params, 'Longitude');
  if (body.trim() || !lat || !lon) return body;
  const label = [firstParam(params, 'Label'), firstParam(params, 'Address')].filter(Boolean).join(', ');
  return `📍 ${label ? `${label} ` : ''}(${lat}, ${lon})`;
}

function messageOf(params: FormParams, sid: string, ctx: AdapterContext): InboundMessage {
  const from = firstParam(params, 'From') ?? '';
  const phone = phoneFromTwilioAddress(from);
  if (!phone) throw malformed(`From is missing or not a phone number: "${from.slice(0, 40)}"`);
  const sentOn: TwilioChannel = isWhatsAppAddress(from) ? 'whatsapp' : 'sms';
  const text = textOf(params);
  const name = firstParam(params, 'ProfileName')?.trim();
  const consent = consentOf(firstParam(params, 'Body') ?? '', firstParam(params, 'OptOutType'));
  return {
    providerMessageId: sid,
    contact: { identities: [{ kind: 'phone', address: phone }], ...(name ? { name: name.slice(0, 255) } : {}) },
    text,
    attachments: mediaOf(params, sid),
    // Twilio's inbound webhooks carry no timestamp: they are sent as the message arrives.
    occurredAt: ctx.now(),
    metadata: metadataOf(params, sentOn),
    ...(consent ? { consent } : {}),
  };
}

/**
 * One Twilio webhook: an inbound message (SMS, MMS, WhatsApp) or a status callback of one of ours (it has
 * `MessageStatus`). Both come to the inbox's webhook URL; `metadata.twilio.channel` says where a message was written. Throws malformed_payload without a MessageSid or a
 * usable From.
 */
export function parseTwilioWebhook(req: InboundRequest, ctx: AdapterContext): ParsedInbound {
  const params = formParams(req.rawBody);
  const sid = (firstParam(params, 'MessageSid') ?? firstParam(params, 'SmsMessageSid') ?? firstParam(params, 'SmsSid'))?.trim();
  if (!sid || !MESSAGE_SID.test(sid)) throw malformed('MessageSid is missing or not a Twilio message SID (expected a form-encoded Twilio webhook)');
  const status = firstParam(params, 'MessageStatus')?.trim();
  if (status && !INBOUND_STATES.has(status.toLowerCase())) return { messages: [], statuses: statusOf(params, sid, status, ctx) };
  return { messages: [messageOf(params, sid, ctx)], statuses: [] };
}
