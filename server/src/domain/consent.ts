import type { ChannelAdapter, IdentityKind, InboundMessage, InboxKind } from '@switchboard/channels';
import { AppError } from '../lib/errors.ts';
import { contactsRepo } from '../repositories/contacts.ts';
import type { Db } from '../repositories/store.ts';

/**
 * Consent on identities (SMS STOP / START / HELP). A channel's adapter reports the keyword (`InboundMessage.consent`);
 * ingest records it on the sender's first identity, for the channel it came in on (the inbox kind): a phone number
 * that texted STOP to an SMS inbox still gets WhatsApp replies. Replies to an identity that opted out of their
 * channel are refused, at the API (409 `recipient_opted_out`, nothing queued) and again by the outbound job (an
 * opt-out that arrived after queueing).
 */
export async function recordConsent(tx: Db, inbox: { id: string; workspaceId: string; kind?: InboxKind }, m: InboundMessage): Promise<void> {
  const identity = m.contact.identities[0];
  if (!m.consent || !identity || identity.verified === false) return;
  await contactsRepo.recordConsent(tx, inbox.workspaceId, identity, { ...m.consent, inboxId: inbox.id, at: new Date(), channel: inbox.kind ?? null });
}

export interface ConsentIdentity {
  kind: IdentityKind;
  address: string;
  optedOutAt: Date | null;
  metadata?: unknown;
}

/** The channels an identity opted out of (`*`: all), from contactsRepo.recordConsent's `metadata.optOuts`. */
function optOutsOf(identity: ConsentIdentity): string[] {
  if (!identity.optedOutAt) return [];
  const optOuts = (identity.metadata as { optOuts?: unknown } | null | undefined)?.optOuts;
  // Recorded before opt-outs had a channel: every channel.
  return optOuts && typeof optOuts === 'object' ? Object.keys(optOuts) : ['*'];
}

/**
 * The identity a channel's replies go to (the contact's first of the adapter's recipient kind), if it opted out of
 * that channel (`channel`: the replying inbox's kind).
 */
export function optedOutRecipient<I extends ConsentIdentity>(
  adapter: Pick<ChannelAdapter, 'recipientIdentityKind'> | undefined,
  identities: I[],
  channel: InboxKind,
): I | null {
  const kind = adapter?.recipientIdentityKind;
  const recipient = kind ? identities.find((i) => i.kind === kind) : undefined;
  if (!recipient) return null;
  const channels = optOutsOf(recipient);
  return channels.includes(channel) || channels.includes('*') ? recipient : null;
}

function keywordOf(metadata: unknown): string | null {
  const consent = (metadata as { consent?: { keyword?: unknown } } | null)?.consent;
  return typeof consent?.keyword === 'string' ? consent.keyword : null;
}

/** Why a reply to this identity is not sent, for the agent. */
export function optedOutReason(recipient: ConsentIdentity): string {
  const keyword = keywordOf(recipient.metadata);
  return `${recipient.address} opted out of messages${keyword ? ` (replied ${keyword})` : ''} on ${recipient.optedOutAt?.toISOString() ?? '?'}: nothing is sent to them until they reply START`;
}

/** Refuses a reply (409 `recipient_opted_out`) when the recipient opted out. */
export function assertNotOptedOut(adapterFor: (kind: InboxKind) => ChannelAdapter | undefined, kind: InboxKind, identities: ConsentIdentity[]): void {
  const recipient = optedOutRecipient(adapterFor(kind), identities, kind);
  if (recipient) {
    throw new AppError('recipient_opted_out', optedOutReason(recipient), { address: recipient.address, optedOutAt: recipient.optedOutAt?.toISOString() ?? null });
  }
}
