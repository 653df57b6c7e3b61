import { ChannelError, type OutboundMessage } from '../contract.ts';

/** A plausible outbound message; override fields per channel (e.g. contact identities). */
export function sampleOutboundMessage(overrides: Partial<OutboundMessage> = {}): OutboundMessage {
  return {
    id: 'msg_01HZXSAMPLE',
    conversation: { id: 'conv_1', number: 42, threadKey: 'thread-1', subject: 'Order #1234' },
    contact: {
      id: 'contact_1',
      name: 'Ada Lovelace',
      identities: [{ kind: 'email', address: 'ada@example.com' }],
    },
    text: 'Hello from support!',
    html: '<p>Hello from <b>support</b>!</p>',
    author: { name: 'Grace (Support)' },
    attachments: [],
    inReplyTo: null,
    ...overrides,
  };
}

/** The ChannelError a promise rejects with (anything else, or no rejection at all, fails the test). */
export async function channelErrorOf(promise: Promise<unknown>): Promise<ChannelError> {
  const err = await promise.then(
    () => new Error('expected a ChannelError, but the promise resolved'),
    (e: unknown) => e,
  );
  if (!(err instanceof ChannelError)) throw err;
  return err;
}
