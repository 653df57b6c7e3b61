import { createHash } from 'node:crypto';
import { existsSync, readdirSync, type Dirent } from 'node:fs';
import { join, relative } from 'node:path';
import type { MessageDto } from '@switchboard/server/contracts';
import type { ApiClient } from './api.ts';
import type { Dovecot } from './dovecot.ts';
import type { TestServer } from './server.ts';

export const MAILBOX_PASSWORD = 'mailbox-secret';

/** Email inbox credentials for a Dovecot user (IMAP mode) and an SMTP receiver. */
export function imapCredentials(dovecot: Dovecot, user: string, smtpPort: number, password = MAILBOX_PASSWORD) {
  return {
    mode: 'imap',
    imap: { host: dovecot.host, port: dovecot.port, security: 'none', user, password },
    smtp: { host: '127.0.0.1', port: smtpPort, security: 'none' },
    fromAddress: user,
  };
}

export async function createEmailInbox(admin: ApiClient, credentials: Record<string, unknown>, settings: Record<string, unknown> = {}) {
  const r = await admin.post('/api/inboxes', { kind: 'email', name: `Mail ${String(credentials.fromAddress)}`, credentials, settings });
  if (r.status !== 201) throw new Error(`inbox create failed: ${r.status} ${JSON.stringify(r.body)}`);
  return r.body as { id: string; publicToken: string; forwardingAddress: string; syncState: Record<string, unknown> };
}

/** Provider message ids (Message-IDs) stored in the inbox, straight from the database. */
export async function storedMessageIds(t: TestServer, inboxId: string): Promise<string[]> {
  const rows = await t.db.prisma.message.findMany({ where: { inboxId }, select: { providerMessageId: true } });
  return rows.map((r) => r.providerMessageId ?? '');
}

export async function syncStateOf(t: TestServer, inboxId: string): Promise<Record<string, any>> {
  const row = await t.db.prisma.inbox.findUnique({ where: { id: inboxId }, select: { syncState: true } });
  return (row?.syncState ?? {}) as Record<string, any>;
}

/** A forwarding-mode email inbox that answers through an SMTP server on `smtpPort`, as IngestService takes it. */
export async function forwardingInbox(admin: ApiClient, smtpPort: number, fromAddress: string): Promise<{ id: string; workspaceId: string; settings: unknown }> {
  const created = await createEmailInbox(admin, { mode: 'forwarding', smtp: { host: '127.0.0.1', port: smtpPort, security: 'none' }, fromAddress, fromName: 'Acme Support' });
  return { id: created.id, workspaceId: (await admin.get('/api/me')).body.workspaceId, settings: {} };
}

export interface MailFile {
  name: string;
  contentType: string;
  bytes: Buffer;
  /** Content-ID of an inline image the html refers to as `cid:<cid>`. */
  cid?: string;
}

let fileMailSeq = 0;
/** A multipart/mixed mail with an html body (which may refer to inline files by cid) and base64 file parts. */
export function mailWithFiles(o: { files: MailFile[]; html?: string; from?: string; subject?: string }): { raw: string; messageId: string } {
  const messageId = `<f${Date.now()}.${process.pid}.${++fileMailSeq}@example.test>`;
  const part = (f: MailFile) => [
    `--mix`,
    `Content-Type: ${f.contentType}; name="${f.name}"`,
    'Content-Transfer-Encoding: base64',
    ...(f.cid ? [`Content-ID: <${f.cid}>`, `Content-Disposition: inline; filename="${f.name}"`] : [`Content-Disposition: attachment; filename="${f.name}"`]),
    '',
    f.bytes.toString('base64').replace(/.{76}/g, '$&\r\n'),
  ];
  const raw = [
    `From: ${o.from ?? 'Erika Muster <erika@example.test>'}`,
    'To: support@example.test',
    `Subject: ${o.subject ?? `Files ${fileMailSeq}`}`,
    `Date: ${new Date().toUTCString()}`,
    `Message-ID: ${messageId}`,
    'MIME-Version: 1.0',
    'Content-Type: multipart/mixed; boundary="mix"',
    '',
    '--mix',
    'Content-Type: text/html; charset=utf-8',
    '',
    o.html ?? '<p>Please see the files.</p>',
    ...o.files.flatMap(part),
    '--mix--',
    '',
  ].join('\r\n');
  return { raw, messageId };
}

/** The stored message of a mail (by Message-ID) as the messages API returns it to an agent. */
export async function apiMessageOf(t: TestServer, admin: ApiClient, inboxId: string, messageId: string): Promise<Pick<MessageDto, 'id' | 'text' | 'html' | 'attachments'>> {
  const row = await t.db.prisma.message.findFirst({ where: { inboxId, providerMessageId: messageId }, select: { id: true, conversationId: true } });
  if (!row) throw new Error(`no message ${messageId}`);
  const items = (await admin.get(`/api/conversations/${row.conversationId}/messages`)).body.items as MessageDto[];
  const found = items.find((m) => m.id === row.id);
  if (!found) throw new Error(`message ${row.id} missing from the API`);
  return found;
}

/** sha256 (hex) of a file downloaded through the API as `admin`, with its status. */
export async function downloadSha256(t: TestServer, admin: ApiClient, url: string): Promise<{ status: number; sha256: string | null }> {
  const res = await fetch(t.url + url, { headers: { cookie: admin.cookie! } });
  if (res.status !== 200) {
    await res.body?.cancel();
    return { status: res.status, sha256: null };
  }
  return { status: 200, sha256: createHash('sha256').update(Buffer.from(await res.arrayBuffer())).digest('hex') };
}

/** Files under the server's attachment storage (every one should belong to a stored row: no orphans). */
export function storedFiles(t: TestServer): string[] {
  const root = join(t.dataDir, 'attachments');
  if (!existsSync(root)) return [];
  return (readdirSync(root, { recursive: true, withFileTypes: true }) as Dirent[])
    .filter((e) => e.isFile())
    .map((e) => relative(root, join(e.parentPath, e.name)));
}
