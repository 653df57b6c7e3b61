import { randomBytes } from 'node:crypto';
import { z } from 'zod';

/** Credentials: the HMAC secret the site's backend signs verified identities with (generated when not given). */
export const webchatCredentialsSchema = z.object({
  secret: z
    .string()
    .min(32, 'secret must be at least 32 characters')
    .max(512)
    .default(() => randomBytes(32).toString('hex')),
});
export type WebchatCredentials = z.output<typeof webchatCredentialsSchema>;

/** `https://shop.example`, `http://localhost:8080`, or a wildcard for subdomains: `https://*.shop.example`. */
const ORIGIN = /^https?:\/\/(\*\.)?[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*(:\d{1,5})?$/;
const origin = z
  .string()
  .trim()
  .transform((v) => v.toLowerCase().replace(/\/+$/, ''))
  .refine((v) => ORIGIN.test(v), { message: 'must be an origin like https://shop.example or https://*.shop.example' });

/** A MIME type or a family wildcard: `image/*`, `application/pdf`. */
const mimePattern = z
  .string()
  .trim()
  .toLowerCase()
  .regex(/^[a-z0-9][a-z0-9!#$&^_.+-]*\/(\*|[a-z0-9][a-z0-9!#$&^_.+-]*)$/, 'must be a MIME type like image/* or application/pdf');

const fieldMode = z.enum(['off', 'optional', 'required']);

export const REPLY_TIMES = ['minutes', 'hour', 'hours', 'day'] as const;

export const DEFAULT_ATTACHMENT_TYPES = ['image/*', 'application/pdf', 'text/plain'];

export const webchatSettingsSchema = z.looseObject({
  /** Pages allowed to embed the widget (the browser's Origin). Empty: any site. */
  allowedOrigins: z.array(origin).max(50).default([]),
  /** Window title and launcher label. */
  title: z.string().trim().min(1).max(80).default('Chat with us'),
  /** First message shown in an empty conversation (your own words, any language). */
  greeting: z.string().trim().max(500).default(''),
  /** Shown under the title while nobody is online: "typically replies in …". */
  expectedReplyTime: z.enum(REPLY_TIMES).default('hours'),
  color: z
    .string()
    .trim()
    .regex(/^#[0-9a-fA-F]{6}$/, 'must be a hex color like #1f6feb')
    .default('#1f6feb'),
  position: z.enum(['right', 'left']).default('right'),
  /** Widget language: the visitor's browser language (`auto`), or fixed. */
  locale: z.enum(['auto', 'en', 'de']).default('auto'),
  preChatForm: z
    .object({
      enabled: z.boolean().default(false),
      name: fieldMode.default('optional'),
      email: fieldMode.default('required'),
    })
    .prefault({}),
  attachments: z
    .object({
      enabled: z.boolean().default(true),
      maxBytes: z.number().int().min(1).max(25 * 1024 * 1024).default(10 * 1024 * 1024),
      types: z.array(mimePattern).max(50).default(DEFAULT_ATTACHMENT_TYPES),
    })
    .prefault({}),
  limits: z
    .object({
      /** Messages per visitor per minute, and per IP address per minute. */
      messagesPerMinute: z.number().int().min(1).max(10_000).default(20),
      messagesPerMinutePerIp: z.number().int().min(1).max(100_000).default(60),
      /** Uploads per visitor per hour, and per IP address per hour. */
      uploadsPerHour: z.number().int().min(1).max(10_000).default(20),
      uploadsPerHourPerIp: z.number().int().min(1).max(100_000).default(60),
      /** New visitor sessions per IP address per hour. */
      sessionsPerHourPerIp: z.number().int().min(1).max(100_000).default(30),
      maxTextLength: z.number().int().min(1).max(20_000).default(5_000),
    })
    .prefault({}),
  /**
   * Email continuity: agent replies the visitor has not read after `afterSeconds` go to the visitor's email
   * address through the email inbox `emailInboxId` (of the same workspace); their email reply comes back here.
   */
  continuity: z
    .object({
      emailInboxId: z.uuid().nullable().default(null),
      afterSeconds: z.number().int().min(0).max(7 * 86_400).default(120),
    })
    .prefault({}),
  /** A resolved conversation is reopened by a visitor message within this many hours (0: a new one starts). */
  reopenWindowHours: z.number().min(0).max(8760).default(24),
});
export type WebchatSettings = z.output<typeof webchatSettingsSchema>;
