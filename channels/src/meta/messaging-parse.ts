/**
 * Messenger and Instagram share one webhook format: `{ object, entry: [{ id, time, messaging: [event] }] }`
 * where an event is a message, an echo of a message the page sent, a reaction, a postback, or a
 * delivery/read receipt.
 */
import { z } from 'zod';
import type { IdentityKind, InboundAttachment, InboundMessage, NormalizedIdentity, ParsedInbound, StatusUpdate, WatermarkUpdate } from '../contract.ts';
import { graphIdString, parseMetaBody, unixMillis, type MetaObject } from './envelope.ts';
import { fileNameOfUrl, mimeTypeForName } from './media.ts';
import { reactionText, type ReactionMetadata } from './reactions.ts';
import type { InboundRequest } from '../contract.ts';

const attachmentSchema = z.looseObject({
  type: z.string().min(1),
  title: z.string().optional(),
  payload: z.looseObject({ url: z.string().optional(), title: z.string().optional(), sticker_id: graphIdString.optional() }).nullish(),
});

const messageSchema = z.looseObject({
  mid: z.string().min(1).max(512),
  text: z.string().optional(),
  is_echo: z.boolean().optional(),
  is_deleted: z.boolean().optional(),
  is_unsupported: z.boolean().optional(),
  attachments: z.array(attachmentSchema).max(50).optional(),
  quick_reply: z.looseObject({ payload: z.string() }).optional(),
  reply_to: z.looseObject({ mid: z.string().optional(), story: z.looseObject({ id: z.string().optional(), url: z.string().optional() }).optional() }).optional(),
});

const eventSchema = z.looseObject({
  sender: z.looseObject({ id: graphIdString }),
  recipient: z.looseObject({ id: graphIdString }),
  timestamp: unixMillis,
  message: messageSchema.optional(),
  reaction: z.looseObject({ mid: z.string().min(1), action: z.enum(['react', 'unreact']), emoji: z.string().optional(), reaction: z.string().optional() }).optional(),
  postback: z.looseObject({ mid: z.string().optional(), title: z.string().optional(), payload: z.string().optional() }).optional(),
  delivery: z.looseObject({ mids: z.array(z.string()).optional(), watermark: unixMillis }).optional(),
  read: z.looseObject({ watermark: unixMillis.optional(), mid: z.string().optional() }).optional(),
});
type MessagingEvent = z.output<typeof eventSchema>;

const payloadSchema = z.object({
  entry: z.array(z.looseObject({ id: graphIdString, messaging: z.array(eventSchema).max(1000).optional() })),
});

export interface MessagingParseOptions {
  object: MetaObject;
  identityKind: Extract<IdentityKind, 'messenger' | 'instagram'>;
  /** The page id (Messenger) or Instagram account id this inbox serves; events for others are skipped. */
  accountId: string;
}

/** `<page or IG account id>:<scoped user id>`: PSIDs and IGSIDs only mean something per account. */
export function scopedAddress(accountId: string, userId: string): string {
  return `${accountId}:${userId}`;
}

const DOWNLOADABLE: Record<string, string> = { image: 'image/jpeg', video: 'video/mp4', audio: 'audio/mpeg', file: 'application/octet-stream' };

/** Files become attachments; shared links, stories and templates become a line of text. */
function attachmentsOf(list: z.output<typeof attachmentSchema>[]): { files: InboundAttachment[]; lines: string[] } {
  const files: InboundAttachment[] = [];
  const lines: string[] = [];
  list.forEach((a, i) => {
    const url = a.payload?.url;
    const sticker = a.payload?.sticker_id !== undefined;
    const fallbackType = DOWNLOADABLE[a.type];
    if (url && /^https?:\/\//.test(url) && (fallbackType || sticker)) {
      const name = fileNameOfUrl(url) ?? `${sticker ? 'sticker' : a.type}-${i + 1}`;
      files.push({ name, contentType: mimeTypeForName(name, fallbackType ?? 'image/png'), url });
    } else {
      const title = a.title ?? a.payload?.title;
      lines.push([`[${a.type}]`, title, url].filter(Boolean).join(' '));
    }
  });
  return { files, lines };
}

function inboundMessage(e: MessagingEvent, identity: NormalizedIdentity): InboundMessage | null {
  const m = e.message;
  if (!m) return null;
  const { files, lines } = attachmentsOf(m.attachments ?? []);
  const text = [m.text ?? '', ...lines].filter(Boolean).join('\n') || (m.is_unsupported ? '[Unsupported message]' : '');
  const metadata: Record<string, unknown> = {};
  if (m.reply_to?.mid) metadata.replyTo = { providerMessageId: m.reply_to.mid };
  else if (m.reply_to?.story) metadata.replyTo = { story: m.reply_to.story };
  if (m.quick_reply) metadata.quickReply = { payload: m.quick_reply.payload };
  if (m.is_unsupported) metadata.unsupported = true;
  return { providerMessageId: m.mid, contact: { identities: [identity] }, text, attachments: files, occurredAt: e.timestamp, metadata };
}

function reactionMessage(e: MessagingEvent, identity: NormalizedIdentity): InboundMessage | null {
  const r = e.reaction;
  if (!r) return null;
  const reaction: ReactionMetadata = { emoji: r.emoji ?? null, action: r.action, providerMessageId: r.mid };
  return {
    // Reactions have no id of their own: the reacted message, who, and when make one.
    providerMessageId: `${r.mid}:reaction:${identity.address}:${e.timestamp.getTime()}`,
    contact: { identities: [identity] },
    text: reactionText(reaction),
    attachments: [],
    occurredAt: e.timestamp,
    metadata: { reaction },
  };
}

function postbackMessage(e: MessagingEvent, identity: NormalizedIdentity): InboundMessage | null {
  const p = e.postback;
  if (!p) return null;
  return {
    providerMessageId: p.mid ?? `postback:${identity.address}:${e.timestamp.getTime()}`,
    contact: { identities: [identity] },
    text: p.title ?? p.payload ?? '',
    attachments: [],
    occurredAt: e.timestamp,
    metadata: { postback: { payload: p.payload ?? null } },
  };
}

/**
 * Messages, reactions and postbacks from customers; echoes of the page's own sends become a `sent` status (never a
 * new inbound message); receipts become statuses (by mid) and watermarks (everything up to a time); an unsent
 * message (`is_deleted`, Instagram) becomes a deletion edit of the stored one.
 */
export function parseMessagingWebhook(req: InboundRequest, opts: MessagingParseOptions): ParsedInbound {
  const body = parseMetaBody(req, opts.object, payloadSchema);
  const out: Required<ParsedInbound> = { messages: [], statuses: [], watermarks: [], edits: [] };
  for (const entry of body.entry) {
    if (entry.id !== opts.accountId) continue; // another page/account of the same app
    for (const e of entry.messaging ?? []) {
      if (e.message?.is_echo) {
        out.statuses.push({ providerMessageId: e.message.mid, status: 'sent', occurredAt: e.timestamp });
        continue;
      }
      if (e.message?.is_deleted) {
        // The customer unsent the message (Instagram): the stored message loses its content and shows as deleted.
        out.edits.push({ providerMessageId: e.message.mid, deleted: true, occurredAt: e.timestamp });
        continue;
      }
      const identity: NormalizedIdentity = { kind: opts.identityKind, address: scopedAddress(opts.accountId, e.sender.id), verified: true };
      const message = inboundMessage(e, identity) ?? reactionMessage(e, identity) ?? postbackMessage(e, identity);
      if (message) out.messages.push(message);
      out.statuses.push(...receiptStatuses(e));
      out.watermarks.push(...receiptWatermarks(e, identity));
    }
  }
  return out;
}

function receiptStatuses(e: MessagingEvent): StatusUpdate[] {
  const delivered = (e.delivery?.mids ?? []).map((mid): StatusUpdate => ({ providerMessageId: mid, status: 'delivered', occurredAt: e.timestamp }));
  const read = e.read?.mid ? [{ providerMessageId: e.read.mid, status: 'read' as const, occurredAt: e.timestamp }] : [];
  return [...delivered, ...read];
}

function receiptWatermarks(e: MessagingEvent, identity: NormalizedIdentity): WatermarkUpdate[] {
  const out: WatermarkUpdate[] = [];
  if (e.delivery) out.push({ identity, status: 'delivered', upTo: e.delivery.watermark });
  // Instagram names the last message seen instead of a watermark: everything before the read event was seen.
  if (e.read) out.push({ identity, status: 'read', upTo: e.read.watermark ?? e.timestamp });
  return out;
}
