import { loadEnabledInboxes, type InboxSource } from '../sync/inbox-source.ts';
import type { EmailCredentials, EmailInbox } from './types.ts';

/** Where the email sync and the SMTP endpoint find their inboxes. */
export type EmailInboxSource = InboxSource;

/** Every enabled email inbox with its opened, validated credentials. Empty while no email adapter is registered. */
export async function loadEmailInboxes(src: EmailInboxSource): Promise<EmailInbox[]> {
  return (await loadEnabledInboxes(src, 'email')).map((i) => ({ ...i, credentials: i.ctx.credentials as EmailCredentials }));
}
