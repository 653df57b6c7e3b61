/** WhatsApp Cloud API replies: `POST /{version}/{phone-number-id}/messages`. */
import type { OutboundMessage, SendResult } from '../contract.ts';
import { ChannelError } from '../contract.ts';
import { graphCall, type MetaContext } from './graph.ts';
import { baseMimeType, uploadWhatsAppMedia } from './media.ts';
import { chunkText, recipientOf, sendParts } from './outbound.ts';
import type { WhatsAppCloudCredentials } from './schema.ts';

const MAX_TEXT = 4096;

/** WhatsApp's message type for a file: images and videos it can show, audio it can play, anything else a document. */
export function whatsAppMediaType(mime: string): 'image' | 'audio' | 'video' | 'document' {
  const base = baseMimeType(mime);
  if (base === 'image/jpeg' || base === 'image/png') return 'image';
  if (base === 'video/mp4' || base === 'video/3gpp') return 'video';
  if (['audio/aac', 'audio/amr', 'audio/mpeg', 'audio/mp4', 'audio/ogg'].includes(base)) return 'audio';
  return 'document';
}

interface MessagesResponse {
  messages?: Array<{ id?: unknown }>;
}

export async function sendWhatsAppMessage(msg: OutboundMessage, ctx: MetaContext<WhatsAppCloudCredentials>): Promise<SendResult> {
  const to = recipientOf(msg, 'phone').replace(/^\+/, '');
  const post = async (content: Record<string, unknown>): Promise<string> => {
    const json = { messaging_product: 'whatsapp', recipient_type: 'individual', to, ...content };
    const res = await graphCall<MessagesResponse>(ctx, { path: `${ctx.credentials.phoneNumberId}/messages`, json });
    const id = res.messages?.[0]?.id;
    if (typeof id !== 'string') throw new ChannelError('provider_error', 'Meta accepted the message without a message id', { transient: false });
    return id;
  };
  if (msg.template) {
    const { name, language, components } = msg.template;
    return sendParts(ctx, [() => post({ type: 'template', template: { name, language: { code: language }, ...(components?.length ? { components } : {}) } })]);
  }
  const files = [];
  for (const a of msg.attachments) {
    const type = whatsAppMediaType(a.contentType);
    const source = a.content ? { id: await uploadWhatsAppMedia(ctx, { ...a, content: a.content }) } : a.url ? { link: a.url } : null;
    if (source) files.push({ type, [type]: { ...source, ...(type === 'document' ? { filename: a.name } : {}) } });
  }
  return sendParts(ctx, [
    ...chunkText(msg.text, MAX_TEXT).map((body) => () => post({ type: 'text', text: { body, preview_url: /https?:\/\//.test(body) } })),
    ...files.map((file) => () => post(file)),
  ]);
}
