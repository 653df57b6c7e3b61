import type { LoadedInbox } from '../sync/inbox-source.ts';

/** The email adapter's credentials as the server uses them (validated by the adapter's own schema first). */
export interface EmailCredentials {
  mode: 'imap' | 'forwarding';
  imap?: { host: string; port: number; security: 'tls' | 'starttls' | 'none'; user: string; password: string; folder?: string };
  smtp?: { host: string; port: number; security: 'tls' | 'starttls' | 'none'; user?: string; password?: string };
  fromAddress: string;
  fromName?: string;
}

export interface EmailSettings {
  backfillDays?: number;
  pollIntervalSeconds?: number;
}

/** `Inbox.syncState` of an IMAP inbox, as shown in `GET /api/inboxes`. */
export interface MailSyncState {
  uidValidity: string | null;
  lastUid: number;
  status: 'connecting' | 'syncing' | 'idle' | 'error';
  lastError: string | null;
  lastSyncAt: string | null;
  /** The initial window (SEARCH SINCE `since`): mails found and done. */
  backfill: { total: number; done: number };
  since: string | null;
  messagesIngested: number;
  /** Mails that could not be parsed (skipped, logged). */
  failures: number;
}

export const emptySyncState = (): MailSyncState => ({
  uidValidity: null,
  lastUid: 0,
  status: 'connecting',
  lastError: null,
  lastSyncAt: null,
  backfill: { total: 0, done: 0 },
  since: null,
  messagesIngested: 0,
  failures: 0,
});

/** An email inbox with its opened credentials, as the sync and the SMTP endpoint need it. */
export interface EmailInbox extends LoadedInbox {
  credentials: EmailCredentials;
}
