import { ImapFlow } from 'imapflow';
import type { EmailCredentials } from './types.ts';

export interface ImapTimeouts {
  connectTimeoutMs: number;
  socketTimeoutMs: number;
}

/** An imapflow client for the inbox's IMAP account (no auto-IDLE: the sync decides when to idle). */
export function imapClient(imap: NonNullable<EmailCredentials['imap']>, t: ImapTimeouts): ImapFlow {
  return new ImapFlow({
    host: imap.host,
    port: imap.port,
    secure: imap.security === 'tls',
    doSTARTTLS: imap.security === 'starttls',
    auth: { user: imap.user, pass: imap.password },
    logger: false,
    disableAutoIdle: true,
    connectionTimeout: t.connectTimeoutMs,
    greetingTimeout: t.connectTimeoutMs,
    socketTimeout: t.socketTimeoutMs,
  });
}
