import { ImapFlow } from 'imapflow';
import type { EmailCredentials } from './schema.ts';
import { createSmtpTransport, DEFAULT_MAIL_TIMEOUT_MS, imapClientOptions } from './transport.ts';

export type ConnectionProblem = 'auth_failed' | 'unreachable' | 'tls_failed' | 'timeout' | 'folder_missing' | 'unknown';

export type ConnectionTestResult =
  | { ok: true }
  | { ok: false; problem: ConnectionProblem; protocol: 'imap' | 'smtp'; message: string };

export interface ConnectionTestOptions {
  /** Per protocol: connect, greeting and socket timeouts (default 10 s). */
  timeoutMs?: number;
}

interface MailError {
  code?: string;
  message?: string;
  authenticationFailed?: boolean;
  serverResponseCode?: string;
  mailboxMissing?: boolean;
  responseText?: string;
  responseCode?: number;
  response?: string;
}

const UNREACHABLE = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EHOSTUNREACH', 'ENETUNREACH', 'EAI_AGAIN', 'ECONNRESET', 'EDNS']);

function describe(err: unknown): MailError {
  return typeof err === 'object' && err !== null ? (err as MailError) : { message: String(err) };
}

/** Classifies an imapflow or nodemailer failure. */
export function classifyMailError(err: unknown): ConnectionProblem {
  const e = describe(err);
  const text = `${e.code ?? ''} ${e.message ?? ''} ${e.response ?? ''} ${e.responseText ?? ''}`;
  if (e.authenticationFailed || e.code === 'EAUTH' || e.responseCode === 535) return 'auth_failed';
  if (e.code === 'ETIMEDOUT' || e.code === 'ETIMEOUT' || e.code === 'CONNECT_TIMEOUT' || e.code === 'GREETING_TIMEOUT' || /timed? ?out/i.test(text)) return 'timeout';
  if (e.code === 'ETLS' || /\b(ssl|tls|starttls|certificate|wrong version number|EPROTO)\b/i.test(text) || e.code?.startsWith('ERR_SSL')) return 'tls_failed';
  if ((e.code && UNREACHABLE.has(e.code)) || /ECONNREFUSED|ENOTFOUND|EHOSTUNREACH/.test(text)) return 'unreachable';
  return 'unknown';
}

const messageOf = (err: unknown) => {
  const e = describe(err);
  return (e.responseText || e.response || e.message || String(err)).slice(0, 500);
};

async function testImap(credentials: EmailCredentials, timeoutMs: number): Promise<ConnectionTestResult> {
  const imap = credentials.imap;
  if (!imap) return { ok: true };
  const client = new ImapFlow(imapClientOptions(imap, timeoutMs));
  client.on('error', () => {
    // Surfaced through connect()/mailboxOpen() below.
  });
  try {
    await client.connect();
  } catch (err) {
    client.close();
    return { ok: false, protocol: 'imap', problem: classifyMailError(err), message: messageOf(err) };
  }
  try {
    await client.mailboxOpen(imap.folder, { readOnly: true });
    return { ok: true };
  } catch (err) {
    const e = describe(err);
    const missing = e.mailboxMissing === true || e.serverResponseCode === 'NONEXISTENT' || /doesn't exist|does not exist|unknown mailbox|not found/i.test(messageOf(err));
    return {
      ok: false,
      protocol: 'imap',
      problem: missing ? 'folder_missing' : classifyMailError(err),
      message: missing ? `Folder "${imap.folder}" does not exist` : messageOf(err),
    };
  } finally {
    await client.logout().catch(() => client.close());
  }
}

async function testSmtp(credentials: EmailCredentials, timeoutMs: number): Promise<ConnectionTestResult> {
  const transport = createSmtpTransport(credentials.smtp, timeoutMs);
  try {
    await transport.verify();
    return { ok: true };
  } catch (err) {
    return { ok: false, protocol: 'smtp', problem: classifyMailError(err), message: messageOf(err) };
  } finally {
    transport.close();
  }
}

/** Logs in to IMAP and opens the folder (imap mode), then checks SMTP (connect, TLS, auth). Never throws. */
export async function testEmailConnection(
  credentials: EmailCredentials,
  opts: ConnectionTestOptions = {},
): Promise<ConnectionTestResult> {
  const timeoutMs = opts.timeoutMs ?? DEFAULT_MAIL_TIMEOUT_MS;
  const imap = credentials.mode === 'imap' ? await testImap(credentials, timeoutMs) : ({ ok: true } as const);
  if (!imap.ok) return imap;
  return testSmtp(credentials, timeoutMs);
}
