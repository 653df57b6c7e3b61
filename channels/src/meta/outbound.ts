/** What the Meta send paths share: who to send to, long texts, several parts per reply. */
import { ChannelError, type AdapterContext, type IdentityKind, type OutboundMessage, type SendResult } from '../contract.ts';
import { sendInParts } from '../util/parts.ts';

/** The recipient id of an identity `kind` whose address starts with `prefix` (our scoped addresses). */
export function recipientOf(msg: OutboundMessage, kind: IdentityKind, prefix = ''): string {
  const identity = msg.contact.identities.find((i) => i.kind === kind && i.address.startsWith(prefix));
  if (!identity) {
    throw new ChannelError('invalid_recipient', `The contact has no ${kind} identity${prefix ? ` for account ${prefix.slice(0, -1)}` : ''} to send to`, { transient: false });
  }
  return identity.address.slice(prefix.length);
}

/** Splits text into pieces of at most `max` characters, at a line break or space where possible. */
export function chunkText(text: string, max: number): string[] {
  const chunks: string[] = [];
  let rest = text.trim();
  while (rest.length > max) {
    const window = rest.slice(0, max);
    const cut = Math.max(window.lastIndexOf('\n'), window.lastIndexOf(' '));
    const at = cut > max / 2 ? cut : max;
    chunks.push(rest.slice(0, at).trimEnd());
    rest = rest.slice(at).trimStart();
  }
  if (rest) chunks.push(rest);
  return chunks;
}

/**
 * Sends the parts of one reply in order (text first, then one message per file) and reports the first part's id
 * (statuses of the others are ignored). A failure after some parts went out fails the try; Meta has no idempotency
 * key, so the parts already sent are recorded (`ctx.sentParts`, util/parts.ts) and the retry sends only the rest.
 * Uploads happen before the first part is sent.
 */
export async function sendParts(ctx: Pick<AdapterContext, 'sentParts'>, parts: Array<() => Promise<string>>): Promise<SendResult> {
  if (parts.length === 0) throw new ChannelError('rejected', 'Nothing to send: the reply has no text and no files', { transient: false });
  const ids = await sendInParts(ctx, parts);
  return { providerMessageId: ids[0] as string, status: 'sent', ...(ids.length > 1 ? { metadata: { providerMessageIds: ids } } : {}) };
}

export function refuseTemplate(msg: OutboundMessage, channel: string): void {
  if (msg.template) throw new ChannelError('rejected', `${channel} has no message templates; send text instead`, { transient: false });
}
