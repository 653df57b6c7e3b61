import type { WidgetConnectError, WidgetError, WidgetErrorCode } from '../contracts/widget.ts';
import { AppError, type ErrorCode } from '../lib/errors.ts';

const HTTP_CODE: Record<WidgetErrorCode, ErrorCode> = {
  rate_limited: 'rate_limited',
  payload_too_large: 'payload_too_large',
  validation_failed: 'validation_failed',
  prechat_required: 'validation_failed',
  invalid_upload: 'validation_failed',
  unavailable: 'internal',
};

/** A refusal the widget shows: an AppError (REST answers with its HTTP status) that knows its widget code. */
export function widgetError(code: WidgetErrorCode, message: string, retryAfterSeconds?: number): AppError {
  return new AppError(HTTP_CODE[code], message, { widgetCode: code, ...(retryAfterSeconds !== undefined && { retryAfterSeconds }) });
}

/** Any error → what a widget acknowledgement carries (internal errors say only "unavailable"). */
export function toWidgetError(err: unknown): WidgetError {
  if (err instanceof AppError) {
    const d = (err.details ?? {}) as { widgetCode?: WidgetErrorCode; retryAfterSeconds?: number };
    const code: WidgetErrorCode =
      d.widgetCode ?? (err.code === 'rate_limited' ? 'rate_limited' : err.code === 'payload_too_large' ? 'payload_too_large' : err.status < 500 ? 'validation_failed' : 'unavailable');
    if (code !== 'unavailable') return { code, message: err.message, ...(d.retryAfterSeconds !== undefined && { retryAfterSeconds: d.retryAfterSeconds }) };
  }
  return { code: 'unavailable', message: 'The chat is unavailable right now; try again in a moment' };
}

/** A refused widget handshake (`connect_error`: message = code, data = { code, message }). */
export class HandshakeRefused extends Error {
  readonly data: WidgetConnectError;
  constructor(code: WidgetConnectError['code'], message: string) {
    super(code);
    this.data = { code, message };
  }
}
