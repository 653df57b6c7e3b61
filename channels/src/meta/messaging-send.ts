/** Messenger and Instagram replies: `POST /{version}/me/messages` with the page's token. */
import type { OutboundMessage, SendResult } from '../contract.ts';
import { ChannelError } from '../contract.ts';
import { graphCall, type MetaContext } from './graph.ts';
import { messagingAttachmentType, uploadMessagingAttachment } from './media.ts';
import { chunkText, recipientOf, refuseTemplate, sendParts } from './outbound.ts';
import type { MessagingParseOptions } from './messaging-parse.ts';

export interface MessagingSendOptions extends Pick<MessagingParseOptions, 'identityKind' | 'accountId'> {
  channel: 'Messenger' | 'Instagram';
  /** Characters per text message (Messenger 2000, Instagram 1000). */
  maxText: number;
}

interface SendApiResponse {
  message_id?: unknown;
}

export async function sendMessagingMessage(msg: OutboundMessage, ctx: MetaContext, opts: MessagingSendOptions): Promise<SendResult> {
  refuseTemplate(msg, opts.channel);
  const recipient = { id: recipientOf(msg, opts.identityKind, `${opts.accountId}:`) };
  const instagram = opts.identityKind === 'instagram';
  const post = async (message: Record<string, unknown>): Promise<string> => {
    const json = instagram ? { recipient, message } : { recipient, messaging_type: 'RESPONSE', message };
    const res = await graphCall<SendApiResponse>(ctx, { path: 'me/messages', json });
    if (typeof res.message_id !== 'string') throw new ChannelError('provider_error', 'Meta accepted the message without a message_id', { transient: false });
    return res.message_id;
  };
  // Files are uploaded before anything is sent (a failed upload sends nothing).
  const files = [];
  for (const a of msg.attachments) {
    const type = messagingAttachmentType(a.contentType);
    if (a.content) files.push({ type, payload: { attachment_id: await uploadMessagingAttachment(ctx, { ...a, content: a.content }, instagram ? 'instagram' : undefined) } });
    else if (a.url) files.push({ type, payload: { url: a.url, is_reusable: false } });
  }
  return sendParts(ctx, [
    ...chunkText(msg.text, opts.maxText).map((text) => () => post({ text })),
    ...files.map((attachment) => () => post({ attachment })),
  ]);
}
