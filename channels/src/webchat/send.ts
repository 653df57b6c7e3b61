import { ChannelError, type OutboundMessage, type SendResult } from '../contract.ts';
import { reachableByWidget } from './identity.ts';
import type { WebchatContext } from './parse.ts';

/**
 * Webchat has no provider to call: the server pushes every agent reply to the visitor's open widgets over
 * Socket.IO as soon as it is stored (and the widget loads it again on the next visit). Sending only checks
 * that the conversation's contact is a visitor of this inbox and confirms with our own id (stable across
 * retries). Delivery and read receipts come from the widget afterwards.
 */
export function sendWebchat(msg: OutboundMessage, ctx: WebchatContext): Promise<SendResult> {
  if (!reachableByWidget(ctx.inbox.id, msg.contact.identities)) {
    return Promise.reject(
      new ChannelError('invalid_recipient', 'The contact has never chatted through this inbox’s widget', { transient: false }),
    );
  }
  return Promise.resolve({ providerMessageId: msg.id, status: 'sent' });
}
