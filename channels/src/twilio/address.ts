import { parsePhoneNumberFromString } from 'libphonenumber-js';

export type TwilioChannel = 'sms' | 'whatsapp';

const WHATSAPP_PREFIX = /^whatsapp:/i;
const SHORT_CODE = /^\d{3,8}$/;

/**
 * A Twilio address (`+14155552671`, `whatsapp:+14155552671`, a short code `12345`) as a `phone` identity address:
 * E.164 for numbers (the same person on SMS and WhatsApp is one identity), digits for short codes; null otherwise.
 * Numbers libphonenumber cannot validate (new ranges) are kept when their length is possible.
 */
export function phoneFromTwilioAddress(address: string): string | null {
  const raw = address.trim().replace(WHATSAPP_PREFIX, '').trim();
  if (SHORT_CODE.test(raw)) return raw;
  if (!raw.startsWith('+') || raw.length > 20) return null;
  const parsed = parsePhoneNumberFromString(raw);
  if (!parsed) return null;
  return parsed.isValid() || parsed.isPossible() ? parsed.number : null;
}

/** How Twilio addresses a phone on the channel: `+14155552671` (SMS) or `whatsapp:+14155552671`. */
export const twilioAddress = (channel: TwilioChannel, phone: string) => (channel === 'whatsapp' ? `whatsapp:${phone}` : phone);

export const isWhatsAppAddress = (address: string) => WHATSAPP_PREFIX.test(address.trim());
