/**
 * WhatsApp Cloud API webhooks: `{ object: 'whatsapp_business_account', entry: [{ id: <WABA id>, changes: [{ field:
 * 'messages', value: { metadata: { phone_number_id }, contacts, messages, statuses } }] }] }`.
 */
import { z } from 'zod';
import type { InboundAttachment, InboundMessage, InboundRequest, NormalizedIdentity, ParsedInbound, StatusUpdate } from '../contract.ts';
import { formatZodError, malformed } from '../util/errors.ts';
import { normalizePhone } from '../util/normalize.ts';
import { graphIdString, parseMetaBody, unixSeconds } from './envelope.ts';
import { baseMimeType, extensionFor, mediaInfoUrl } from './media.ts';
import { reactionText, type ReactionMetadata } from './reactions.ts';
import type { MetaContext } from './graph.ts';
import type { WhatsAppCloudCredentials } from './schema.ts';

const media = z.looseObject({ id: graphIdString, mime_type: z.string().optional(), caption: z.string().optional(), filename: z.string().optional(), voice: z.boolean().optional() });
const whatsAppError = z.looseObject({ code: z.number().optional(), title: z.string().optional(), message: z.string().optional(), error_data: z.looseObject({ details: z.string().optional() }).optional() });

const messageSchema = z.looseObject({
  from: z.string().regex(/^\+?\d{5,20}$/, 'must be a WhatsApp id (digits)'),
  id: z.string().min(1).max(512),
  timestamp: unixSeconds,
  type: z.string().min(1),
  context: z.looseObject({ id: z.string().optional(), from: z.string().optional(), forwarded: z.boolean().optional(), frequently_forwarded: z.boolean().optional() }).optional(),
  text: z.looseObject({ body: z.string() }).optional(),
  image: media.optional(),
  audio: media.optional(),
  video: media.optional(),
  document: media.optional(),
  sticker: media.optional(),
  reaction: z.looseObject({ message_id: z.string().min(1), emoji: z.string().optional() }).optional(),
  location: z.looseObject({ latitude: z.number(), longitude: z.number(), name: z.string().optional(), address: z.string().optional() }).optional(),
  contacts: z.array(z.looseObject({ name: z.looseObject({ formatted_name: z.string().optional() }).optional(), phones: z.array(z.looseObject({ phone: z.string().optional() })).optional() })).optional(),
  interactive: z.looseObject({ type: z.string(), button_reply: z.looseObject({ id: z.string(), title: z.string() }).optional(), list_reply: z.looseObject({ id: z.string(), title: z.string(), description: z.string().optional() }).optional() }).optional(),
  button: z.looseObject({ text: z.string().optional(), payload: z.string().optional() }).optional(),
  system: z.looseObject({ body: z.string().optional() }).optional(),
  errors: z.array(whatsAppError).optional(),
});
type WhatsAppMessage = z.output<typeof messageSchema>;

const statusSchema = z.looseObject({
  id: z.string().min(1).max(512),
  status: z.string().min(1),
  timestamp: unixSeconds,
  recipient_id: z.string().optional(),
  errors: z.array(whatsAppError).optional(),
});

const valueSchema = z.looseObject({
  metadata: z.looseObject({ phone_number_id: graphIdString }),
  contacts: z.array(z.looseObject({ wa_id: z.string(), profile: z.looseObject({ name: z.string().optional() }).optional() })).optional(),
  messages: z.array(messageSchema).max(1000).optional(),
  statuses: z.array(statusSchema).max(1000).optional(),
});

const payloadSchema = z.object({
  entry: z.array(z.looseObject({ changes: z.array(z.looseObject({ field: z.string(), value: z.unknown() })).max(100).optional() })),
});

/** A WhatsApp id is the number's digits: E.164 via libphonenumber, so WhatsApp and SMS meet on one contact. */
export function whatsAppPhone(waId: string): string {
  const digits = waId.replace(/^\+/, '');
  // Numbers libphonenumber does not know yet (new ranges) keep WhatsApp's own digits: they are E.164 already.
  return normalizePhone(`+${digits}`) ?? `+${digits}`;
}

/** `(#131047) Re-engagement message: More than 24 hours have passed…` */
export function describeWhatsAppError(e: z.output<typeof whatsAppError> | undefined): string | undefined {
  if (!e) return undefined;
  const detail = e.error_data?.details ?? (e.message !== e.title ? e.message : undefined);
  const head = [e.code !== undefined ? `(#${e.code})` : '', e.title ?? e.message ?? 'failed'].filter(Boolean).join(' ');
  return detail ? `${head}: ${detail}` : head;
}

const MEDIA_TYPES = ['image', 'audio', 'video', 'document', 'sticker'] as const;

function attachmentOf(m: WhatsAppMessage, ctx: MetaContext): InboundAttachment | null {
  const type = MEDIA_TYPES.find((t) => t === m.type);
  const file = type ? m[type] : undefined;
  if (!type || !file) return null;
  const contentType = baseMimeType(file.mime_type);
  const label = type === 'audio' && file.voice ? 'voice' : type;
  return { name: file.filename?.trim() || `${label}.${extensionFor(contentType)}`, contentType, url: mediaInfoUrl(ctx, file.id) };
}

/** Text and metadata of the non-file message types. */
function contentOf(m: WhatsAppMessage): { text: string; metadata: Record<string, unknown> } {
  switch (m.type) {
    case 'text':
      return { text: m.text?.body ?? '', metadata: {} };
    case 'location': {
      const l = m.location;
      const place = [l?.name, l?.address].filter(Boolean).join(', ');
      return { text: `📍 ${place ? `${place} ` : ''}(${l?.latitude}, ${l?.longitude})`, metadata: { location: l ?? null } };
    }
    case 'contacts': {
      const lines = (m.contacts ?? []).map((c) => `👤 ${[c.name?.formatted_name, ...(c.phones ?? []).map((p) => p.phone)].filter(Boolean).join(' ')}`);
      return { text: lines.join('\n'), metadata: { contacts: m.contacts ?? [] } };
    }
    case 'interactive': {
      const reply = m.interactive?.button_reply ?? m.interactive?.list_reply;
      return { text: reply?.title ?? '', metadata: { interactive: { type: m.interactive?.type, id: reply?.id ?? null } } };
    }
    case 'button':
      return { text: m.button?.text ?? '', metadata: { button: { payload: m.button?.payload ?? null } } };
    case 'system':
      return { text: m.system?.body ?? '', metadata: { system: true } };
    default: {
      const why = describeWhatsAppError(m.errors?.[0]);
      return { text: `[Unsupported WhatsApp message: ${why ?? m.type}]`, metadata: { unsupported: { type: m.type, errors: m.errors ?? [] } } };
    }
  }
}

function toMessage(m: WhatsAppMessage, identity: NormalizedIdentity, name: string | undefined, ctx: MetaContext): InboundMessage | null {
  if (m.type === 'request_welcome') return null; // the customer opened the chat: nothing written yet
  const base = { providerMessageId: m.id, contact: { identities: [identity], ...(name ? { name } : {}) }, occurredAt: m.timestamp };
  const context: Record<string, unknown> = {};
  if (m.context?.id) context.replyTo = { providerMessageId: m.context.id };
  if (m.context?.forwarded || m.context?.frequently_forwarded) context.forwarded = true;
  if (m.type === 'reaction' && m.reaction) {
    const reaction: ReactionMetadata = { emoji: m.reaction.emoji || null, action: m.reaction.emoji ? 'react' : 'unreact', providerMessageId: m.reaction.message_id };
    return { ...base, text: reactionText(reaction), attachments: [], metadata: { ...context, reaction } };
  }
  const attachment = attachmentOf(m, ctx);
  if (attachment) {
    const file = m[m.type as (typeof MEDIA_TYPES)[number]];
    return { ...base, text: file?.caption ?? '', attachments: [attachment], metadata: context };
  }
  const { text, metadata } = contentOf(m);
  return { ...base, text, attachments: [], metadata: { ...context, ...metadata } };
}

const STATUSES = new Set(['sent', 'delivered', 'read', 'failed']);

function toStatus(s: z.output<typeof statusSchema>): StatusUpdate | null {
  if (!STATUSES.has(s.status)) return null; // e.g. `deleted`, `warning`: nothing to show
  const error = s.status === 'failed' ? (describeWhatsAppError(s.errors?.[0]) ?? 'failed') : undefined;
  return { providerMessageId: s.id, status: s.status as StatusUpdate['status'], occurredAt: s.timestamp, ...(error ? { error } : {}) };
}

/** Messages from customers and statuses of our sends, for this inbox's phone number only. */
export function parseWhatsAppWebhook(req: InboundRequest, ctx: MetaContext<WhatsAppCloudCredentials>): ParsedInbound {
  const body = parseMetaBody(req, 'whatsapp_business_account', payloadSchema);
  const out: ParsedInbound = { messages: [], statuses: [] };
  body.entry.forEach((entry, e) => {
    (entry.changes ?? []).forEach((change, c) => {
      if (change.field !== 'messages') return; // template reviews, quality updates…: not conversations
      const parsed = valueSchema.safeParse(change.value);
      if (!parsed.success) throw malformed(`Invalid whatsapp_business_account webhook, entry.${e}.changes.${c}.value: ${formatZodError(parsed.error)}`, parsed.error);
      const value = parsed.data;
      if (value.metadata.phone_number_id !== ctx.credentials.phoneNumberId) return; // another number of the same account
      for (const m of value.messages ?? []) {
        const identity: NormalizedIdentity = { kind: 'phone', address: whatsAppPhone(m.from), verified: true };
        const name = value.contacts?.find((x) => x.wa_id === m.from)?.profile?.name?.trim();
        const message = toMessage(m, identity, name, ctx);
        if (message) out.messages.push(message);
      }
      for (const s of value.statuses ?? []) {
        const status = toStatus(s);
        if (status) out.statuses.push(status);
      }
    });
  });
  return out;
}
