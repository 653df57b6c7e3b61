import nodemailer from 'nodemailer';
import type SMTPTransport from 'nodemailer/lib/smtp-transport';
import type { ImapFlowOptions } from 'imapflow';
import type { ImapCredentials, SmtpCredentials } from './schema.ts';

export const DEFAULT_MAIL_TIMEOUT_MS = 10_000;

/** nodemailer SMTP options: `tls` = implicit TLS (465), `starttls` = upgrade required, `none` = plaintext. */
export function smtpTransportOptions(smtp: SmtpCredentials, timeoutMs = DEFAULT_MAIL_TIMEOUT_MS): SMTPTransport.Options {
  return {
    host: smtp.host,
    port: smtp.port,
    secure: smtp.security === 'tls',
    requireTLS: smtp.security === 'starttls',
    ignoreTLS: smtp.security === 'none',
    ...(smtp.user !== undefined && { auth: { user: smtp.user, pass: smtp.password ?? '' } }),
    connectionTimeout: timeoutMs,
    greetingTimeout: timeoutMs,
    socketTimeout: timeoutMs,
    logger: false,
  };
}

export function createSmtpTransport(smtp: SmtpCredentials, timeoutMs?: number) {
  return nodemailer.createTransport(smtpTransportOptions(smtp, timeoutMs));
}

export function imapClientOptions(imap: ImapCredentials, timeoutMs = DEFAULT_MAIL_TIMEOUT_MS): ImapFlowOptions {
  return {
    host: imap.host,
    port: imap.port,
    secure: imap.security === 'tls',
    doSTARTTLS: imap.security === 'starttls' ? true : imap.security === 'none' ? false : undefined,
    auth: { user: imap.user, pass: imap.password },
    logger: false,
    connectionTimeout: timeoutMs,
    greetingTimeout: timeoutMs,
    socketTimeout: Math.max(timeoutMs, 30_000),
  };
}
