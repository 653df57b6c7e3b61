import { randomBytes } from 'node:crypto';
import { z } from 'zod';

export const DEFAULT_TELEGRAM_API = 'https://api.telegram.org';

/** `setWebhook`'s `secret_token`: 1–256 characters of `A-Za-z0-9_-`. */
export const WEBHOOK_SECRET_PATTERN = /^[A-Za-z0-9_-]{1,256}$/;

/** 32 random bytes as base64url: 43 characters of the allowed alphabet. */
export const generateTelegramSecret = (): string => randomBytes(32).toString('base64url');

export const telegramCredentialsSchema = z.object({
  /** From @BotFather: `<bot id>:<secret>`. It goes into every Bot API path, so its shape is checked strictly. */
  botToken: z
    .string()
    .trim()
    .max(256)
    .regex(/^\d{1,20}:[A-Za-z0-9_-]{10,200}$/, 'must be a bot token from @BotFather, like 123456789:AAH…'),
  /** Sent back by Telegram on every webhook call; generated when not given. */
  webhookSecret: z
    .string()
    .regex(WEBHOOK_SECRET_PATTERN, 'must be 1–256 characters of A-Z, a-z, 0-9, _ and -')
    .default(generateTelegramSecret),
});
export type TelegramCredentials = z.output<typeof telegramCredentialsSchema>;

export const telegramSettingsSchema = z.looseObject({
  /** Bot API server (a self-hosted `telegram-bot-api`, or a local fake in tests). */
  apiBaseUrl: z
    .url({ protocol: /^https?$/, message: 'must be an http(s) URL' })
    .default(DEFAULT_TELEGRAM_API)
    .transform((v) => v.replace(/\/+$/, '')),
  /** `webhook`: Telegram calls our webhook URL (needs a public HTTPS URL). `polling`: we call `getUpdates`. */
  mode: z.enum(['webhook', 'polling']).default('webhook'),
  reopenWindowHours: z.number().min(0).optional(),
});
export type TelegramSettings = z.output<typeof telegramSettingsSchema>;

// --- The Bot API's wire format (only the fields we read; everything else passes through). ---

const id = z.number().int();

export const tgUserSchema = z.looseObject({
  id,
  is_bot: z.boolean().optional(),
  first_name: z.string().optional(),
  last_name: z.string().optional(),
  username: z.string().optional(),
  language_code: z.string().optional(),
});

export const tgChatSchema = z.looseObject({ id, type: z.string(), title: z.string().optional() });

const fileFields = { file_id: z.string().min(1), file_unique_id: z.string().min(1), file_size: z.number().optional() };
const tgFileSchema = z.looseObject({ ...fileFields, file_name: z.string().optional(), mime_type: z.string().optional() });
const tgPhotoSizeSchema = z.looseObject({ ...fileFields, width: z.number(), height: z.number() });
const tgStickerSchema = z.looseObject({ ...fileFields, is_animated: z.boolean().optional(), is_video: z.boolean().optional() });

export const tgMessageSchema = z.looseObject({
  message_id: id,
  from: tgUserSchema.optional(),
  chat: tgChatSchema,
  date: z.number().int(),
  edit_date: z.number().int().optional(),
  text: z.string().optional(),
  caption: z.string().optional(),
  photo: z.array(tgPhotoSizeSchema).optional(),
  document: tgFileSchema.optional(),
  video: tgFileSchema.optional(),
  audio: tgFileSchema.optional(),
  voice: tgFileSchema.optional(),
  animation: tgFileSchema.optional(),
  video_note: tgFileSchema.optional(),
  sticker: tgStickerSchema.optional(),
  media_group_id: z.string().optional(),
  reply_to_message: z.looseObject({ message_id: id }).optional(),
});
export type TgMessage = z.output<typeof tgMessageSchema>;
export type TgFile = z.output<typeof tgFileSchema>;

/** One Update (a webhook body, or one element of `getUpdates`). Kinds we do not handle pass through unread. */
export const tgUpdateSchema = z.looseObject({
  update_id: z.number().int().nonnegative(),
  message: tgMessageSchema.optional(),
  edited_message: tgMessageSchema.optional(),
});
export type TgUpdate = z.output<typeof tgUpdateSchema>;

/** The update kinds we ask Telegram for (`allowed_updates` of setWebhook and getUpdates). */
export const TELEGRAM_ALLOWED_UPDATES = ['message', 'edited_message'] as const;
