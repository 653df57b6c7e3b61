import type { InboundAttachment, InboundMessage, InboundRequest, NormalizedContact, ParsedInbound } from '../contract.ts';
import { formatZodError, malformed } from '../util/errors.ts';
import { telegramFileRef } from './files.ts';
import { tgUpdateSchema, type TgFile, type TgMessage } from './schema.ts';

/** Our id for a Telegram message: message ids are unique per chat. */
export const telegramMessageId = (chatId: number, messageId: number): string => `${chatId}:${messageId}`;

/** `<chat id>:<message id>` back into its parts (outbound replies), or null for anything else. */
export function parseTelegramMessageId(id: string): { chatId: number; messageId: number } | null {
  const m = /^(-?\d{1,20}):(\d{1,20})(?::|$)/.exec(id);
  return m ? { chatId: Number(m[1]), messageId: Number(m[2]) } : null;
}

type Media = { field: 'document' | 'video' | 'audio' | 'voice' | 'animation' | 'video_note'; ext: string; type: string };

/** File-carrying message fields besides photo and sticker, with the extension and type used when Telegram gives none. */
const MEDIA: Media[] = [
  { field: 'animation', ext: 'mp4', type: 'video/mp4' },
  { field: 'document', ext: 'bin', type: 'application/octet-stream' },
  { field: 'video', ext: 'mp4', type: 'video/mp4' },
  { field: 'audio', ext: 'mp3', type: 'audio/mpeg' },
  { field: 'voice', ext: 'ogg', type: 'audio/ogg' },
  { field: 'video_note', ext: 'mp4', type: 'video/mp4' },
];

const attachment = (f: TgFile, name: string, contentType: string): InboundAttachment => ({
  name,
  contentType,
  url: telegramFileRef(f.file_id),
  ...(f.file_size !== undefined && { size: f.file_size }),
});

function attachmentsOf(m: TgMessage): InboundAttachment[] {
  const out: InboundAttachment[] = [];
  if (m.photo?.length) {
    // Telegram offers every photo in several sizes: keep the largest.
    const largest = m.photo.reduce((a, b) => (b.width * b.height > a.width * a.height ? b : a));
    out.push(attachment(largest, `photo-${largest.file_unique_id}.jpg`, 'image/jpeg'));
  }
  if (m.sticker) {
    const s = m.sticker;
    const [ext, type] = s.is_video ? ['webm', 'video/webm'] : s.is_animated ? ['tgs', 'application/x-tgsticker'] : ['webp', 'image/webp'];
    out.push(attachment(s, `sticker-${s.file_unique_id}.${ext}`, type));
  }
  const seen = new Set<string>();
  for (const { field, ext, type } of MEDIA) {
    const f = m[field];
    // An animation also comes as `document` (same file): one attachment.
    if (!f || seen.has(f.file_unique_id)) continue;
    seen.add(f.file_unique_id);
    out.push(attachment(f, f.file_name || `${field.replace('_', '-')}-${f.file_unique_id}.${ext}`, f.mime_type || type));
  }
  return out;
}

const UNSUPPORTED = ['location', 'venue', 'contact', 'poll', 'dice', 'game', 'story', 'invoice'] as const;

/** Content we do not turn into text or files is still shown, so the agent knows something arrived. */
function placeholder(m: TgMessage): string {
  const kind = UNSUPPORTED.find((k) => m[k] !== undefined);
  return `[Telegram ${kind ?? 'message'} without text]`;
}

function contactOf(from: NonNullable<TgMessage['from']>): NormalizedContact {
  const name = [from.first_name, from.last_name].filter(Boolean).join(' ').trim() || (from.username ? `@${from.username}` : undefined);
  const telegram = { ...(from.username && { username: from.username }), ...(from.language_code && { languageCode: from.language_code }) };
  return {
    identities: [{ kind: 'telegram', address: String(from.id) }],
    ...(name && { name }),
    ...(Object.keys(telegram).length > 0 && { attributes: { telegram } }),
  };
}

/**
 * One Telegram message → one inbound message. Edits become a new message (its own id, so a redelivered edit
 * stores nothing new) marked `metadata.telegram.edited` and pointing at the original.
 * Messages without a human sender (channel posts, other bots) are not customer messages: null.
 */
function toMessage(m: TgMessage, updateId: number, edited: boolean): InboundMessage | null {
  if (!m.from || m.from.is_bot) return null;
  const original = telegramMessageId(m.chat.id, m.message_id);
  const attachments = attachmentsOf(m);
  const text = m.text ?? m.caption ?? (attachments.length > 0 ? '' : placeholder(m));
  const editDate = m.edit_date ?? m.date;
  const message: InboundMessage = {
    providerMessageId: edited ? `${original}:edit:${editDate}` : original,
    contact: contactOf(m.from),
    text,
    attachments,
    occurredAt: new Date((edited ? editDate : m.date) * 1000),
    metadata: {
      telegram: {
        updateId,
        chatId: m.chat.id,
        chatType: m.chat.type,
        messageId: m.message_id,
        ...(edited && { edited: true, editOf: original }),
        ...(m.reply_to_message && { replyToMessageId: m.reply_to_message.message_id }),
        ...(m.media_group_id && { mediaGroupId: m.media_group_id }),
      },
    },
  };
  // A private chat is the person; a group is its own conversation (several people may write there).
  if (m.chat.type !== 'private') message.threadKey = `chat:${m.chat.id}`;
  return message;
}

/** Validates one Update and normalizes its message. Throws ChannelError('malformed_payload'). */
export function parseTelegramUpdate(update: unknown): ParsedInbound {
  const result = tgUpdateSchema.safeParse(update);
  if (!result.success) throw malformed(`Invalid Telegram update: ${formatZodError(result.error)}`, result.error);
  const u = result.data;
  const message = u.message ? toMessage(u.message, u.update_id, false) : u.edited_message ? toMessage(u.edited_message, u.update_id, true) : null;
  return { messages: message ? [message] : [], statuses: [] };
}

/** A webhook call carries exactly one Update as JSON. */
export function parseTelegramWebhook(req: InboundRequest): ParsedInbound {
  let json: unknown;
  try {
    json = JSON.parse(req.rawBody);
  } catch (err) {
    throw malformed(`Body is not valid JSON: ${err instanceof Error ? err.message : String(err)}`, err);
  }
  return parseTelegramUpdate(json);
}
