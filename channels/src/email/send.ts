import type { OutboundMessage, SendResult } from '../contract.ts';
import { appendToSentFolder } from './append.ts';
import { composeEmail } from './compose.ts';
import type { EmailContext } from './parse.ts';
import { smtpError } from './smtp-errors.ts';
import { createSmtpTransport } from './transport.ts';

export interface SendEmailOptions {
  /** SMTP/IMAP connection, greeting and socket timeouts (default 10 s). */
  timeoutMs?: number;
}

/**
 * Sends over SMTP. providerMessageId is our own Message-ID `<msg.id@domain-of-fromAddress>`, so retries and
 * replies thread on the same id. Throws ChannelError (transient for 4xx/network, permanent for 5xx/auth).
 */
export async function sendEmail(msg: OutboundMessage, ctx: EmailContext, opts: SendEmailOptions = {}): Promise<SendResult> {
  const { credentials, settings } = ctx;
  const now = ctx.now();
  const mail = await composeEmail(msg, credentials, { now, fetch: ctx.fetch });
  const transport = createSmtpTransport(credentials.smtp, opts.timeoutMs);
  let info: { response?: string; accepted?: unknown[]; rejected?: unknown[] };
  try {
    info = await transport.sendMail({ envelope: { from: credentials.fromAddress, to: mail.recipients }, raw: mail.raw });
  } catch (err) {
    throw smtpError(err);
  } finally {
    transport.close();
  }
  const metadata: Record<string, unknown> = {
    smtpResponse: info.response ?? null,
    accepted: (info.accepted ?? []).map(String),
    rejected: (info.rejected ?? []).map(String),
  };
  if (settings.appendToSent && credentials.imap) {
    const appended = await appendToSentFolder(credentials.imap, settings.sentFolder, mail.raw, now, opts.timeoutMs);
    metadata.appendedToSent = appended.ok;
    if (!appended.ok) metadata.appendError = appended.error;
  }
  return { providerMessageId: mail.messageId, status: 'sent', metadata };
}
