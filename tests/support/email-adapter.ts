// A stand-in for the email channel adapter (channels/src/email, on another branch): the same credentials
// shape, `parseRaw` built on mailparser, and a connection test with real IMAP/SMTP logins. Registered
// only while the registry has no email adapter, so once the real one is merged the tests use it.
import { createHash } from 'node:crypto';
import { simpleParser } from 'mailparser';
import { ImapFlow } from 'imapflow';
import nodemailer from 'nodemailer';
import { z } from 'zod';
import { ChannelError, getAdapter, registerAdapter, type ChannelAdapter, type ParsedInbound } from '@switchboard/channels';
import type { ConnectionProblem, ConnectionTester } from '@switchboard/server';

const security = z.enum(['tls', 'starttls', 'none']);
const credentialsSchema = z.object({
  mode: z.enum(['imap', 'forwarding']),
  imap: z.object({ host: z.string(), port: z.number().int(), security, user: z.string(), password: z.string(), folder: z.string().default('INBOX') }).optional(),
  smtp: z.object({ host: z.string(), port: z.number().int(), security, user: z.string().optional(), password: z.string().optional() }),
  fromAddress: z.email(),
  fromName: z.string().optional(),
});
const settingsSchema = z.object({ backfillDays: z.number().default(30), pollIntervalSeconds: z.number().default(60) }).passthrough();

export async function parseMail(raw: Uint8Array): Promise<ParsedInbound> {
  const mail = await simpleParser(Buffer.from(raw));
  const from = mail.from?.value[0];
  if (!from?.address) throw new ChannelError('malformed_payload', 'mail without a From address');
  return {
    messages: [
      {
        providerMessageId: mail.messageId ?? `<${createHash('sha256').update(raw).digest('hex')}@switchboard.invalid>`,
        contact: { name: from.name || undefined, identities: [{ kind: 'email', address: from.address.toLowerCase() }] },
        text: mail.text ?? '',
        subject: mail.subject,
        attachments: [],
        occurredAt: mail.date ?? new Date(),
        metadata: {},
      },
    ],
    statuses: [],
  };
}

const testEmailAdapter: ChannelAdapter = {
  kind: 'email',
  credentialsSchema,
  settingsSchema,
  verify: () => ({ ok: false, reason: 'email has no webhooks' }),
  parse: () => {
    throw new ChannelError('malformed_payload', 'email has no webhooks');
  },
  parseRaw: (raw) => parseMail(raw),
  send: () => Promise.reject(new ChannelError('not_configured', 'sending is not part of this stand-in')),
};

export function ensureEmailAdapter(): void {
  if (!getAdapter('email')) registerAdapter(testEmailAdapter);
}

function problemOf(err: any): ConnectionProblem {
  if (err?.authenticationFailed || err?.responseCode === 535 || err?.code === 'EAUTH') return 'auth_failed';
  const code = err?.code ?? err?.cause?.code;
  if (code === 'ECONNREFUSED' || code === 'ENOTFOUND' || code === 'EHOSTUNREACH') return 'unreachable';
  if (code === 'ETIMEDOUT' || code === 'CONNECT_TIMEOUT') return 'timeout';
  return 'unknown';
}

/** IMAP login (+ the folder) then SMTP verify, like the adapter's testEmailConnection. */
export const testEmailConnection: ConnectionTester = async (input) => {
  const c = credentialsSchema.parse(input);
  if (c.mode === 'imap' && c.imap) {
    const client = new ImapFlow({ host: c.imap.host, port: c.imap.port, secure: c.imap.security === 'tls', doSTARTTLS: c.imap.security === 'starttls', auth: { user: c.imap.user, pass: c.imap.password }, logger: false, connectionTimeout: 5_000 });
    client.on('error', () => {});
    try {
      await client.connect();
      await client.mailboxOpen(c.imap.folder, { readOnly: true }).catch(() => {
        throw Object.assign(new Error(`folder ${c.imap?.folder} missing`), { folderMissing: true });
      });
      await client.logout();
    } catch (err: any) {
      client.close();
      return { ok: false, protocol: 'imap', problem: err?.folderMissing ? 'folder_missing' : problemOf(err), message: String(err?.message ?? err) };
    }
  }
  const transport = nodemailer.createTransport({ host: c.smtp.host, port: c.smtp.port, secure: c.smtp.security === 'tls', ignoreTLS: c.smtp.security === 'none', connectionTimeout: 5_000, ...(c.smtp.user ? { auth: { user: c.smtp.user, pass: c.smtp.password ?? '' } } : {}) });
  try {
    await transport.verify();
    return { ok: true };
  } catch (err: any) {
    return { ok: false, protocol: 'smtp', problem: problemOf(err), message: String(err?.message ?? err) };
  } finally {
    transport.close();
  }
};
