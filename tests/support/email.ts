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
