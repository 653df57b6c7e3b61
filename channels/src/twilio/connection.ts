import { ChannelError, type ConnectionCheck } from '../contract.ts';
import type { TwilioChannel } from './address.ts';
import { twilioClient, type TwilioContext } from './client.ts';
import { twilioError } from './errors.ts';

type Failure = Extract<ConnectionCheck, { ok: false }>;

/** 401/403 → auth_failed, 404 → not_found, network → unreachable (timeout → timeout), anything else → unknown. */
export function connectionFailure(err: unknown): Failure {
  const e = twilioError(err);
  const problem =
    e.code === 'timeout' ? 'timeout'
    : e.code === 'network_error' ? 'unreachable'
    : e.providerStatus === 401 || e.providerStatus === 403 ? 'auth_failed'
    : e.providerStatus === 404 ? 'not_found'
    : 'unknown';
  return { ok: false, problem, message: e.message };
}

/**
 * Fetches the account (credentials and account status), then the sender: the Messaging Service when configured,
 * else (SMS) the number among the account's incoming numbers. WhatsApp senders (the sandbox included) are not
 * incoming numbers: Twilio checks them when sending. Never throws.
 */
export async function testTwilioConnection(ctx: TwilioContext, channel: TwilioChannel, opts: { timeoutMs?: number } = {}): Promise<ConnectionCheck> {
  const { accountSid, messagingServiceSid, phoneNumber } = ctx.credentials;
  try {
    const client = await twilioClient(ctx, opts.timeoutMs);
    const account = await client.api.v2010.accounts(accountSid).fetch();
    if (account.status !== 'active') {
      return { ok: false, problem: 'account_inactive', message: `The Twilio account ${accountSid} is ${account.status}` };
    }
    const details: Record<string, unknown> = { accountName: account.friendlyName };
    if (messagingServiceSid) {
      const service = await client.messaging.v1.services(messagingServiceSid).fetch();
      details.messagingService = service.friendlyName;
    } else if (phoneNumber && channel === 'sms') {
      const numbers = await client.incomingPhoneNumbers.list({ phoneNumber, limit: 1 });
      if (numbers.length === 0) return { ok: false, problem: 'not_found', message: `${phoneNumber} is not a phone number of the Twilio account ${accountSid}` };
      details.phoneNumber = numbers[0]?.phoneNumber;
    }
    return { ok: true, details };
  } catch (err) {
    const failure = connectionFailure(err);
    if (failure.problem === 'not_found' && messagingServiceSid && !(err instanceof ChannelError)) {
      return { ...failure, message: `Twilio found no account ${accountSid} or no Messaging Service ${messagingServiceSid} in it: ${failure.message}` };
    }
    return failure;
  }
}
