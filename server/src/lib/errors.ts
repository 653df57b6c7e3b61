/** The one error type of the app. Services throw it; the HTTP layer maps `code` to a status. */
export const ERROR_STATUS = {
  bad_request: 400,
  validation_failed: 400,
  malformed_payload: 400,
  connection_failed: 400,
  unauthenticated: 401,
  invalid_signature: 401,
  invalid_credentials: 401,
  csrf_failed: 403,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  setup_complete: 409,
  recipient_opted_out: 409,
  /** A reply into an inbox an admin paused (PATCH /api/inboxes/{id} `disabled: true`). */
  inbox_disabled: 409,
  payload_too_large: 413,
  /** A free-form reply after the channel's customer-service window closed (Meta: 24 h); send a template. */
  outside_reply_window: 422,
  rate_limited: 429,
  channel_error: 502,
  internal: 500,
} as const;

export type ErrorCode = keyof typeof ERROR_STATUS;

export class AppError extends Error {
  override name = 'AppError';
  readonly code: ErrorCode;
  readonly details: unknown;
  constructor(code: ErrorCode, message: string, details?: unknown) {
    super(message);
    this.code = code;
    this.details = details;
  }
  get status(): number {
    return ERROR_STATUS[this.code];
  }
}

export const notFound = (what: string) => new AppError('not_found', `${what} not found`);
export const forbidden = (why = 'You may not do this') => new AppError('forbidden', why);
