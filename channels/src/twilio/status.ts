import type { AdapterContext, StatusUpdate } from '../contract.ts';
import { describeTwilioError } from './errors.ts';
import { firstParam, type FormParams } from './signature.ts';

/** Twilio MessageStatus values that are about an inbound message (a webhook for a received message). */
export const INBOUND_STATES = new Set(['receiving', 'received']);

const STATES: Record<string, StatusUpdate['status'] | null> = {
  // Before the carrier has it: our message is already `sent` (Twilio accepted it), nothing to record.
  accepted: null,
  scheduled: null,
  queued: null,
  sending: null,
  sent: 'sent',
  delivered: 'delivered',
  // Some segments of a long message arrived: not a final answer either way.
  partially_delivered: null,
  read: 'read',
  undelivered: 'failed',
  failed: 'failed',
  canceled: 'failed',
};

/**
 * A status callback (`MessageStatus`, `ErrorCode`) as a StatusUpdate; failures carry Twilio's code and a human
 * reason for the agent. States without a counterpart (queued, sending…) and unknown future states give none.
 */
export function statusOf(params: FormParams, sid: string, status: string, ctx: AdapterContext): StatusUpdate[] {
  const state = STATES[status.toLowerCase()];
  if (!state) return [];
  const update: StatusUpdate = { providerMessageId: sid, status: state, occurredAt: ctx.now() };
  if (state === 'failed') {
    const code = firstParam(params, 'ErrorCode')?.trim();
    const said = firstParam(params, 'ErrorMessage');
    update.error = code
      ? describeTwilioError(code, said)
      : status.toLowerCase() === 'canceled' ? 'Twilio canceled the message before sending it' : `Twilio reports the message ${status.toLowerCase()}${said ? `: ${said}` : ''}`;
  }
  return [update];
}
