import { parsePhoneNumberFromString, type CountryCode } from 'libphonenumber-js';

const LOCAL_PART = /^[a-z0-9!#$%&'*+/=?^_`{|}~.-]+$/;
const DOMAIN_LABEL = /^(?!-)[a-z0-9-]{1,63}(?<!-)$/;

/**
 * Trims and lower-cases an email address and checks it is plausibly deliverable
 * (dot-atom local part, dotted domain with valid labels, length limits).
 * Returns null when invalid. Quoted local parts and IP-literal domains are rejected.
 */
export function normalizeEmail(input: string): string | null {
  const email = input.trim().toLowerCase();
  if (email.length > 254) return null;
  const at = email.lastIndexOf('@');
  if (at <= 0) return null;
  const local = email.slice(0, at);
  const domain = email.slice(at + 1);
  if (local.length > 64 || !LOCAL_PART.test(local)) return null;
  if (local.startsWith('.') || local.endsWith('.') || local.includes('..')) return null;
  const labels = domain.split('.');
  if (labels.length < 2 || !labels.every((l) => DOMAIN_LABEL.test(l))) return null;
  if (/^[0-9]+$/.test(labels[labels.length - 1] ?? '')) return null;
  return email;
}

/**
 * Parses a phone number into E.164 (`+14155552671`). Numbers without a leading
 * `+` need `defaultCountry`. Returns null unless the number is valid for its region.
 */
export function normalizePhone(input: string, defaultCountry?: CountryCode): string | null {
  const trimmed = input.trim();
  if (trimmed.length === 0 || trimmed.length > 64) return null;
  const parsed = parsePhoneNumberFromString(trimmed, defaultCountry);
  if (!parsed || !parsed.isValid()) return null;
  return parsed.number;
}

export type { CountryCode };
