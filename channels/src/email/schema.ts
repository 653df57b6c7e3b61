import { z } from 'zod';

export const EMAIL_SECURITY = ['tls', 'starttls', 'none'] as const;
export type EmailSecurity = (typeof EMAIL_SECURITY)[number];

const host = z.string().trim().min(1).max(255);
const port = z.number().int().min(1).max(65_535);
const security = z.enum(EMAIL_SECURITY);

export const imapCredentialsSchema = z.object({
  host,
  port,
  security,
  user: z.string().min(1).max(320),
  password: z.string().min(1).max(1024),
  folder: z.string().trim().min(1).max(255).default('INBOX'),
});
export type ImapCredentials = z.output<typeof imapCredentialsSchema>;

export const smtpCredentialsSchema = z.object({
  host,
  port,
  security,
  user: z.string().min(1).max(320).optional(),
  password: z.string().min(1).max(1024).optional(),
});
export type SmtpCredentials = z.output<typeof smtpCredentialsSchema>;

/**
 * `imap`: we poll/IDLE the mailbox ourselves (imap block required).
 * `forwarding`: the customer forwards mail to our SMTP receiver (no imap block needed).
 * Both send through `smtp`.
 */
export const emailCredentialsSchema = z
  .object({
    mode: z.enum(['imap', 'forwarding']),
    imap: imapCredentialsSchema.optional(),
    smtp: smtpCredentialsSchema,
    fromAddress: z.email().max(254).transform((v) => v.trim().toLowerCase()),
    fromName: z.string().trim().min(1).max(255).optional(),
  })
  .refine((c) => c.mode !== 'imap' || c.imap !== undefined, {
    message: 'imap settings are required in imap mode',
    path: ['imap'],
  });
export type EmailCredentials = z.output<typeof emailCredentialsSchema>;

export const DEFAULT_MAX_ATTACHMENT_BYTES = 25 * 1024 * 1024;

export const emailSettingsSchema = z.looseObject({
  backfillDays: z.number().int().min(0).max(3650).default(30),
  pollIntervalSeconds: z.number().int().min(5).max(86_400).default(60),
  appendToSent: z.boolean().default(false),
  sentFolder: z.string().trim().min(1).max(255).default('Sent'),
  maxAttachmentBytes: z.number().int().min(0).default(DEFAULT_MAX_ATTACHMENT_BYTES),
  reopenWindowHours: z.number().min(0).optional(),
});
export type EmailSettings = z.output<typeof emailSettingsSchema>;
