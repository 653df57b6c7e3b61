export { constantTimeEqual, hmacSha256Hex, verifyHmacSha256Hex } from './hmac.ts';
export {
  DEFAULT_TIMEOUT_MS,
  fetchText,
  fetchWithTimeout,
  httpError,
  isTransientStatus,
  networkError,
  truncate,
  type FetchedText,
  type FetchOptions,
} from './http.ts';
export { normalizeEmail, normalizePhone, type CountryCode } from './normalize.ts';
export { emailAddressSchema } from './email-schema.ts';
export { htmlToText } from './text.ts';
export { formatZodError, malformed } from './errors.ts';
export { signedRequestKey } from './replay.ts';
export { sendInParts } from './parts.ts';
