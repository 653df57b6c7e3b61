import { loadEnabledInboxes, type InboxSource } from '../sync/inbox-source.ts';
import type { EmailCredentials, EmailInbox, RawMailParser } from './types.ts';

/** Where the email sync and the SMTP endpoint find their inboxes. */
export type EmailInboxSource = InboxSource;

/** The email adapter's `parseRaw`, or null while no email adapter is registered. */
export function rawMailParser(adapterFor: EmailInboxSource['adapterFor']): RawMailParser | null {
  const adapter = adapterFor('email');
  return adapter?.parseRaw ? (raw, ctx) => adapter.parseRaw!(raw, ctx) : null;
}

/** Every enabled email inbox with its opened, validated credentials. Empty while no email adapter is registered. */
export async function loadEmailInboxes(src: EmailInboxSource): Promise<EmailInbox[]> {
  return (await loadEnabledInboxes(src, 'email')).map((i) => ({ ...i, credentials: i.ctx.credentials as EmailCredentials }));
}
