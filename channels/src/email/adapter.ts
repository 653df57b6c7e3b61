import { malformed } from '../util/errors.ts';
import type { ChannelAdapter } from '../contract.ts';
import { parseEmail } from './parse.ts';
import { parseEmailStream } from './parse-stream.ts';
import { emailCredentialsSchema, emailSettingsSchema, type EmailCredentials, type EmailSettings } from './schema.ts';
import { sendEmail } from './send.ts';
import { testEmailConnection } from './connection.ts';

export interface EmailAdapterOptions {
  /** SMTP/IMAP timeouts when sending (default 10 s). */
  timeoutMs?: number;
}

export const EMAIL_HAS_NO_WEBHOOKS = 'email inboxes receive mail over IMAP or SMTP forwarding';

/** The email channel: mail arrives as raw RFC 5322 bytes (IMAP sync or SMTP forwarding) through parseRaw, large mail through parseStream. */
export function createEmailAdapter(opts: EmailAdapterOptions = {}): ChannelAdapter<EmailCredentials, EmailSettings> {
  return {
    kind: 'email',
    credentialsSchema: emailCredentialsSchema,
    settingsSchema: emailSettingsSchema,
    verify: () => ({ ok: false, reason: EMAIL_HAS_NO_WEBHOOKS }),
    parse: () => {
      throw malformed(`No webhook payloads: ${EMAIL_HAS_NO_WEBHOOKS}`);
    },
    parseRaw: (raw, ctx) => parseEmail(raw, ctx),
    parseStream: (source, ctx, sink) => parseEmailStream(source, ctx, sink),
    send: (msg, ctx) => sendEmail(msg, ctx, opts),
    testConnection: (ctx) => testEmailConnection(ctx.credentials, opts),
  };
}

export const emailAdapter = createEmailAdapter();
