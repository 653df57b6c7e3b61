import { ChannelError, type OutboundMessage, type SendResult } from '../contract.ts';
import { htmlToText } from '../util/text.ts';
import { sendInParts } from '../util/parts.ts';
import { callTelegram, type TelegramContext } from './api.ts';
import { parseTelegramMessageId, telegramMessageId } from './parse.ts';

/** Bot API limits: message text and media captions, in characters. */
export const TELEGRAM_TEXT_LIMIT = 4096;
export const TELEGRAM_CAPTION_LIMIT = 1024;
/** sendPhoto takes these up to 10 MB; any other file goes as a document. */
const PHOTO_TYPES = new Set(['image/jpeg', 'image/png', 'image/webp']);
const PHOTO_MAX_BYTES = 10 * 1024 * 1024;

type Attachment = OutboundMessage['attachments'][number];

interface Target {
  chatId: number | string;
  /** The customer message this reply answers (quoted in group chats). */
  replyTo?: number;
}

interface TgSent {
  message_id: number;
  chat: { id: number };
}

/** The chat of the message we answer (a group, or the person's private chat), else the contact's Telegram user id. */
function targetOf(msg: OutboundMessage): Target {
  const answered = msg.inReplyTo ? parseTelegramMessageId(msg.inReplyTo.providerMessageId) : null;
  if (answered) return { chatId: answered.chatId, replyTo: answered.messageId };
  const user = msg.contact.identities.find((i) => i.kind === 'telegram');
  if (user) return { chatId: user.address };
  throw new ChannelError('invalid_recipient', 'The contact has no Telegram identity to send to');
}

/**
 * `reply_parameters` where a quote helps: in a group (negative chat id) it shows whom the reply is for.
 * In a private chat the conversation is already one-to-one. A deleted original does not fail the send.
 */
function replyParameters(target: Target): { message_id: number; allow_sending_without_reply: true } | undefined {
  const inGroup = typeof target.chatId === 'number' && target.chatId < 0;
  return inGroup && target.replyTo !== undefined ? { message_id: target.replyTo, allow_sending_without_reply: true } : undefined;
}

/** Splits text into pieces of at most `limit` characters, preferring line breaks, then spaces. */
export function splitTelegramText(text: string, limit = TELEGRAM_TEXT_LIMIT): string[] {
  const chars = [...text];
  const parts: string[] = [];
  while (chars.length > limit) {
    const window = chars.slice(0, limit);
    const cut = Math.max(window.lastIndexOf('\n'), window.lastIndexOf(' '));
    const at = cut > limit * 0.8 ? cut + 1 : limit;
    parts.push(chars.splice(0, at).join('').trimEnd());
  }
  if (chars.length > 0) parts.push(chars.join(''));
  return parts;
}

function fileForm(a: Attachment, target: Target, caption: string | undefined, reply: object | undefined): { method: string; form: FormData } {
  const size = a.content?.byteLength ?? a.size;
  const asPhoto = PHOTO_TYPES.has(a.contentType.toLowerCase().split(';')[0]!.trim()) && size <= PHOTO_MAX_BYTES;
  const field = asPhoto ? 'photo' : 'document';
  const form = new FormData();
  form.set('chat_id', String(target.chatId));
  if (a.content) form.set(field, new Blob([new Uint8Array(a.content)], { type: a.contentType }), a.name);
  else if (a.url) form.set(field, a.url); // Telegram downloads it
  else throw new ChannelError('rejected', `Attachment ${a.name} has neither content nor a URL`);
  if (caption) form.set('caption', caption);
  if (reply) form.set('reply_parameters', JSON.stringify(reply));
  return { method: asPhoto ? 'sendPhoto' : 'sendDocument', form };
}

/**
 * Sends an agent reply: text with `sendMessage` (split at 4096 characters), files with `sendPhoto` /
 * `sendDocument` as multipart uploads. One file with a short text goes as one captioned message.
 * The provider id is the first message's `<chat id>:<message id>`. The Bot API has no idempotency key: the parts
 * already sent are recorded (`ctx.sentParts`) and a retry after a partly failed reply sends only the rest.
 */
export async function sendTelegram(msg: OutboundMessage, ctx: TelegramContext): Promise<SendResult> {
  const target = targetOf(msg);
  const text = msg.text.trim() ? msg.text : msg.html ? htmlToText(msg.html) : '';
  if (!text.trim() && msg.attachments.length === 0) throw new ChannelError('rejected', 'Nothing to send: no text and no attachments');
  const captioned = msg.attachments.length === 1 && text.length > 0 && [...text].length <= TELEGRAM_CAPTION_LIMIT;
  const texts = captioned || !text.trim() ? [] : splitTelegramText(text);

  const idOf = (m: TgSent) => telegramMessageId(m.chat.id, m.message_id);
  // Only the first part quotes the customer's message.
  const replyTo = replyParameters(target);
  const quote = (index: number) => (index === 0 ? replyTo : undefined);
  const parts = [
    ...texts.map((part, i) => async () => {
      const reply = quote(i);
      return idOf(await callTelegram<TgSent>(ctx, 'sendMessage', { chat_id: target.chatId, text: part, ...(reply && { reply_parameters: reply }) }));
    }),
    ...msg.attachments.map((a, i) => async () => {
      const { method, form } = fileForm(a, target, captioned ? text : undefined, quote(texts.length + i));
      return idOf(await callTelegram<TgSent>(ctx, method, form, { timeoutMs: 60_000 }));
    }),
  ];
  const sent = await sendInParts(ctx, parts);
  return { providerMessageId: sent[0]!, status: 'sent', metadata: { telegramMessageIds: sent } };
}
