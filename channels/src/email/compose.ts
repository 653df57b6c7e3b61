/** Builds the outbound mail (headers, bodies, attachments) and its exact bytes. */
import MailComposer from 'nodemailer/lib/mail-composer';
import type Mail from 'nodemailer/lib/mailer';
import { ChannelError, type NormalizedIdentity, type OutboundMessage } from '../contract.ts';
import { normalizeEmail } from '../util/normalize.ts';
import { normalizeMessageId, replyAddress, splitAddress } from './ids.ts';
import type { EmailCredentials } from './schema.ts';

/** References keeps the first id (the thread root) and the last 20 (RFC 5322 allows trimming the middle). */
export const MAX_REFERENCES_TAIL = 20;

export interface ComposedEmail {
  messageId: string;
  /** SMTP envelope recipients (To + Cc). */
  recipients: string[];
  raw: Buffer;
  headers: { subject: string; inReplyTo?: string; references: string[]; replyTo?: string };
}

/** Our Message-ID for an outbound message: stable across retries. */
export function outboundMessageId(msgId: string, fromAddress: string): string {
  const left = msgId.replace(/[^A-Za-z0-9!#$%&'*+/=?^_`{|}~.-]/g, '-');
  return `<${left}@${splitAddress(fromAddress).domain}>`;
}

export function capReferences(ids: string[]): string[] {
  if (ids.length <= MAX_REFERENCES_TAIL + 1) return ids;
  return [ids[0] as string, ...ids.slice(-MAX_REFERENCES_TAIL)];
}

export function replySubject(subject: string | null, isReply: boolean, fallback: string): string {
  const s = subject?.trim();
  if (!s) return fallback;
  return isReply && !/^re\s*:/i.test(s) ? `Re: ${s}` : s;
}

export function textToHtml(text: string): string {
  const escaped = text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
  return `<div>${escaped.replace(/\r?\n/g, '<br>')}</div>`;
}

const emailOf = (identities: NormalizedIdentity[]) =>
  identities.filter((i) => i.kind === 'email').map((i) => normalizeEmail(i.address)).find((a) => a !== null) ?? undefined;

async function attachmentsOf(msg: OutboundMessage, fetchFn: typeof fetch): Promise<Mail.Attachment[]> {
  const out: Mail.Attachment[] = [];
  for (const a of msg.attachments) {
    if (a.content) {
      out.push({ filename: a.name, contentType: a.contentType, content: Buffer.from(a.content) });
    } else if (a.url) {
      let res: Response;
      try {
        res = await fetchFn(a.url);
      } catch (err) {
        throw new ChannelError('network_error', `Could not download attachment ${a.name}`, { transient: true, cause: err });
      }
      if (!res.ok) {
        throw new ChannelError('provider_error', `Downloading attachment ${a.name} answered ${res.status}`, {
          transient: res.status >= 500 || res.status === 429 || res.status === 408,
        });
      }
      out.push({ filename: a.name, contentType: a.contentType, content: Buffer.from(await res.arrayBuffer()) });
    }
  }
  return out;
}

export async function composeEmail(
  msg: OutboundMessage,
  credentials: EmailCredentials,
  opts: { now: Date; fetch: typeof fetch },
): Promise<ComposedEmail> {
  const to = emailOf(msg.contact.identities);
  if (!to) throw new ChannelError('invalid_recipient', 'Contact has no email address', { transient: false });
  const ours = credentials.fromAddress;
  // The agent's own Cc list replaces the participants' (an address removed in the composer is not copied).
  const ccCandidates = msg.cc ? msg.cc.map((a) => normalizeEmail(a) ?? undefined) : (msg.participants ?? []).map((p) => emailOf(p.identities));
  const cc = [...new Set(ccCandidates.filter((a): a is string => a !== undefined && a !== to && a !== ours))];
  const messageId = outboundMessageId(msg.id, ours);
  const inReplyTo = normalizeMessageId(msg.inReplyTo?.providerMessageId);
  const refs = (msg.references ?? []).map((r) => normalizeMessageId(r)).filter((r): r is string => r !== undefined && r !== messageId);
  if (inReplyTo && !refs.includes(inReplyTo)) refs.push(inReplyTo);
  const references = capReferences([...new Set(refs)]);
  const fromName = credentials.fromName;
  const displayName = msg.author?.name ? (fromName ? `${msg.author.name} (${fromName})` : msg.author.name) : fromName;
  const chosen = msg.subject?.replace(/[\r\n]+/g, ' ').trim();
  const subject = chosen || replySubject(msg.conversation.subject, Boolean(inReplyTo || references.length), fromName ?? 'Your request');
  // Tokens outside dot-atom-safe characters would make an invalid address: no Reply-To then (threading still works).
  const replyTo = msg.replyToken && /^[A-Za-z0-9_-]{1,128}$/.test(msg.replyToken) ? replyAddress(ours, msg.replyToken) : undefined;

  const mail: Mail.Options = {
    messageId,
    date: opts.now,
    from: displayName ? { name: displayName, address: ours } : ours,
    to: msg.contact.name ? { name: msg.contact.name, address: to } : to,
    ...(cc.length > 0 && { cc }),
    ...(replyTo && { replyTo: fromName ? { name: fromName, address: replyTo } : replyTo }),
    subject,
    ...(inReplyTo && { inReplyTo }),
    ...(references.length > 0 && { references }),
    text: msg.text,
    html: msg.html?.trim() ? msg.html : textToHtml(msg.text),
    attachments: await attachmentsOf(msg, opts.fetch),
    headers: { 'X-Switchboard-Conversation': String(msg.conversation.number) },
  };
  const raw = await new MailComposer(mail).compile().build();
  return {
    messageId,
    recipients: [to, ...cc],
    raw,
    headers: { subject, references, ...(inReplyTo && { inReplyTo }), ...(replyTo && { replyTo }) },
  };
}
