import { ChannelError } from '../contract.ts';
import { isTransientStatus, truncate } from '../util/http.ts';

/** Human descriptions of the Twilio messaging errors agents meet most (https://www.twilio.com/docs/api/errors). */
const DESCRIPTIONS: Record<number, string> = {
  20003: 'Authentication failed: check the account SID and the auth token or API key',
  20404: 'The requested resource was not found',
  21211: "Invalid 'To' phone number",
  21408: "Permission to send an SMS has not been enabled for the region of the 'To' number",
  21606: "The 'From' number is not a valid message-capable Twilio number for this account or destination",
  21610: 'Attempt to send to unsubscribed recipient: the customer replied STOP (they can reply START)',
  21612: "The 'To' number is not currently reachable via SMS",
  21614: "'To' number is not a valid mobile number",
  21617: 'The message body exceeds the 1600 character limit',
  21620: 'Invalid media URL: Twilio could not fetch the attachment (is PUBLIC_URL reachable from the internet?)',
  21621: "The 'From' number has not been enabled for MMS",
  30001: 'Queue overflow: too many messages queued for this sender',
  30002: 'Account suspended',
  30003: 'Unreachable destination handset (phone off or out of coverage)',
  30004: 'Message blocked by the recipient or their carrier',
  30005: 'Unknown destination handset (the number does not exist)',
  30006: 'Landline or unreachable carrier',
  30007: 'Message filtered by the carrier (spam or content rules)',
  30008: 'Unknown error from the carrier',
  30010: 'Message price exceeds the max price',
  30019: 'Content size exceeds the carrier limit',
  30032: 'Toll-free number has not been verified',
  30034: 'Message from an unregistered number (US A2P 10DLC registration missing)',
  63003: 'WhatsApp could not find the recipient (not a WhatsApp user?)',
  63016: 'Outside the WhatsApp 24-hour window: only approved templates can be sent until the customer writes again',
  63018: 'WhatsApp rate limit exceeded for this sender',
  63024: 'Invalid WhatsApp message recipient',
};

/** Errors about the recipient rather than our request. */
const RECIPIENT_CODES = new Set([21211, 21612, 21614, 63003, 63024]);

export const TWILIO_OPTED_OUT_CODE = 21610;

export const twilioErrorLink = (code: number | string) => `https://www.twilio.com/docs/errors/${code}`;

/** `Twilio error 30003: Unreachable destination handset (…) (https://www.twilio.com/docs/errors/30003)` */
export function describeTwilioError(code: number | string, providerMessage?: string): string {
  const known = DESCRIPTIONS[Number(code)];
  const said = providerMessage?.trim();
  const text = said && known && !said.includes(known) ? `${said}. ${known}` : (said || known || 'see the error reference');
  return `Twilio error ${code}: ${truncate(text, 400)} (${twilioErrorLink(code)})`;
}

interface TwilioApiError {
  status: number;
  code?: number;
  message?: string;
}

const isApiError = (err: unknown): err is TwilioApiError =>
  err instanceof Error && typeof (err as { status?: unknown }).status === 'number';

/**
 * A failed SDK call as a ChannelError: 429, 408 and 5xx transient (the durable queue retries), other statuses
 * permanent with Twilio's code and message; network errors and timeouts arrive as transient ChannelErrors already.
 */
export function twilioError(err: unknown, what = 'Twilio'): ChannelError {
  if (err instanceof ChannelError) return err;
  if (isApiError(err)) {
    const { status } = err;
    const code =
      status === 429 ? 'rate_limited'
      : status === 408 ? 'timeout'
      : status >= 500 ? 'provider_error'
      : status === 401 || status === 403 ? 'unauthorized'
      : err.code === TWILIO_OPTED_OUT_CODE ? 'recipient_opted_out'
      : err.code !== undefined && RECIPIENT_CODES.has(err.code) ? 'invalid_recipient'
      : 'rejected';
    const message = err.code !== undefined ? describeTwilioError(err.code, err.message) : `${what} responded ${status}: ${truncate(err.message ?? '', 300)}`;
    return new ChannelError(code, message, { transient: isTransientStatus(status), providerStatus: status, cause: err });
  }
  const reason = err instanceof Error ? err.message : String(err);
  return new ChannelError('provider_error', `Unexpected answer from ${what}: ${truncate(reason, 300)}`, { transient: false, cause: err });
}
