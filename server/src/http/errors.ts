import type { Context } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { HTTPException } from 'hono/http-exception';
import type { ZodError } from 'zod';
import { ChannelError } from '@switchboard/channels';
import { AppError } from '../lib/errors.ts';
import type { Logger } from '../lib/logger.ts';
import type { ErrorBody } from '../contracts/dto.ts';

export function errorBody(code: string, message: string, details?: unknown): ErrorBody {
  return { error: details === undefined ? { code, message } : { code, message, details } };
}

export function zodDetails(err: ZodError) {
  const fieldErrors: Record<string, string[]> = {};
  for (const issue of err.issues) {
    const key = issue.path.join('.') || '_';
    (fieldErrors[key] ??= []).push(issue.message);
  }
  return { fieldErrors };
}

/** The one place that turns thrown errors into the API's error shape. */
export function handleError(log: Logger) {
  return (err: Error, c: Context) => {
    if (err instanceof AppError) {
      if (err.code === 'rate_limited') {
        const d = err.details as { retryAfterSeconds?: number } | undefined;
        if (d?.retryAfterSeconds) c.header('Retry-After', String(d.retryAfterSeconds));
      }
      return c.json(errorBody(err.code, err.message, err.details), err.status as ContentfulStatusCode);
    }
    if (err instanceof ChannelError && err.code === 'malformed_payload') {
      return c.json(errorBody('malformed_payload', err.message), 400);
    }
    if (err instanceof HTTPException) {
      const status = err.status;
      const code = status === 413 ? 'payload_too_large' : status === 400 ? 'bad_request' : status === 401 ? 'unauthenticated' : 'bad_request';
      return c.json(errorBody(code, err.message || 'Bad request'), status as ContentfulStatusCode);
    }
    log.error({ err, path: c.req.path }, 'unhandled error');
    return c.json(errorBody('internal', 'Internal server error'), 500);
  };
}
