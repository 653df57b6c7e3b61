import { ChannelError } from '../contract.ts';
import { truncate } from '../util/http.ts';

const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNECTION', 'ESOCKET', 'EDNS', 'ECONNRESET', 'EHOSTUNREACH', 'ENOTFOUND', 'EPIPE']);
const TIMEOUT_CODES = new Set(['ETIMEDOUT', 'ETIMEOUT']);

interface NodemailerError {
  code?: string;
  responseCode?: number;
  response?: string;
  message?: string;
}

/**
 * Maps a nodemailer failure: 5xx replies and authentication failures are permanent (`rejected`), 4xx replies and
 * network trouble are transient.
 */
export function smtpError(err: unknown): ChannelError {
  if (err instanceof ChannelError) return err;
  const e = (typeof err === 'object' && err !== null ? err : {}) as NodemailerError;
  const text = truncate((e.response ?? e.message ?? String(err)).trim(), 500);
  const status = typeof e.responseCode === 'number' ? e.responseCode : undefined;
  const withStatus = (transient: boolean) => ({ transient, cause: err, ...(status !== undefined && { providerStatus: status }) });
  if (e.code === 'EAUTH' || (status !== undefined && status >= 500)) return new ChannelError('rejected', text, withStatus(false));
  if (status !== undefined && status >= 400) return new ChannelError('provider_error', text, withStatus(true));
  if (e.code && TIMEOUT_CODES.has(e.code)) return new ChannelError('timeout', `SMTP timed out: ${text}`, withStatus(true));
  if (e.code && NETWORK_CODES.has(e.code)) return new ChannelError('network_error', `SMTP unreachable: ${text}`, withStatus(true));
  return new ChannelError('provider_error', `SMTP failed: ${text}`, withStatus(true));
}
