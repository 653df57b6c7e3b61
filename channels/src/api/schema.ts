import { z } from 'zod';
import { emailAddressSchema } from '../util/email-schema.ts';
import { normalizePhone } from '../util/normalize.ts';

const httpUrl = z.url({ protocol: /^https?$/, message: 'must be an http(s) URL' });

export const apiCredentialsSchema = z.object({
  /** Shared HMAC secret for both directions. */
  secret: z.string().min(16, 'secret must be at least 16 characters').max(512),
  /** Where outbound messages are POSTed; empty string means "not configured". */
  webhookUrl: z
    .union([z.literal(''), httpUrl])
    .optional()
    .transform((v) => (v ? v : undefined)),
});
export type ApiCredentials = z.output<typeof apiCredentialsSchema>;

export const apiSettingsSchema = z.looseObject({});
export type ApiSettings = z.output<typeof apiSettingsSchema>;

const id = z.string().min(1).max(255);
const timestamp = z.iso.datetime({ offset: true, message: 'must be an ISO 8601 timestamp with Z or an offset' });
const jsonObject = z.record(z.string(), z.unknown());
const optionalText = (max: number) =>
  z
    .string()
    .trim()
    .max(max)
    .optional()
    .transform((v) => (v ? v : undefined));

const email = emailAddressSchema();

const phone = z
  .string()
  .max(64)
  .transform((v, ctx) => {
    const normalized = normalizePhone(v);
    if (!normalized) {
      ctx.addIssue({ code: 'custom', message: 'invalid phone number (use E.164, e.g. +14155552671)' });
      return z.NEVER;
    }
    return normalized;
  });

const contact = z
  .object({
    id: id.optional(),
    name: optionalText(255),
    email: email.optional(),
    phone: phone.optional(),
    company: optionalText(255),
    attributes: jsonObject.optional(),
  })
  .refine((c) => c.id !== undefined || c.email !== undefined || c.phone !== undefined, {
    message: 'at least one of id, email, phone is required',
  });

const attachment = z.object({
  name: z.string().min(1).max(255),
  contentType: z
    .string()
    .max(255)
    .regex(/^[\w.+!#$&^-]+\/[\w.+!#$&^-]+(\s*;.*)?$/, 'must be a MIME type like image/png'),
  url: httpUrl,
  size: z.number().int().nonnegative().optional(),
});

const message = z
  .object({
    id,
    contact,
    threadId: id.optional(),
    subject: optionalText(998),
    text: z.string().max(262_144).optional(),
    html: z.string().max(1_048_576).optional(),
    timestamp: timestamp.optional(),
    attachments: z.array(attachment).max(50).optional(),
    metadata: jsonObject.optional(),
  })
  .refine((m) => Boolean(m.text?.trim() || m.html?.trim() || m.attachments?.length), {
    message: 'at least one of text, html, attachments is required',
  });

const status = z.object({
  id,
  status: z.enum(['sent', 'delivered', 'read', 'failed']),
  error: z.string().max(1000).optional(),
  timestamp: timestamp.optional(),
});

export const apiInboundSchema = z
  .object({
    messages: z.array(message).max(100).optional(),
    statuses: z.array(status).max(500).optional(),
  })
  .refine((b) => Boolean(b.messages?.length || b.statuses?.length), {
    message: 'at least one of messages, statuses must be a non-empty array',
  });
export type ApiInboundPayload = z.output<typeof apiInboundSchema>;
