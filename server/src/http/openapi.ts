import { OpenAPIHono, z } from '@hono/zod-openapi';
import { AppError } from '../lib/errors.ts';
import type { AppEnv } from './env.ts';
import { zodDetails } from './errors.ts';

/** A router whose request validation failures become our 400 validation_failed error. */
export function router() {
  return new OpenAPIHono<AppEnv>({
    defaultHook: (result) => {
      if (!result.success) throw new AppError('validation_failed', 'Invalid request', zodDetails(result.error));
    },
  });
}

export const ErrorSchema = z
  .object({ error: z.object({ code: z.string(), message: z.string(), details: z.unknown().optional() }) })
  .openapi('Error');

export const err = (description: string) => ({ content: { 'application/json': { schema: ErrorSchema } }, description });

/** Standard error responses for authenticated endpoints. */
export const errorResponses = {
  400: err('Invalid input (validation_failed, with fieldErrors)'),
  401: err('Not signed in / invalid token'),
  403: err('Forbidden or CSRF token missing'),
  404: err('Not found (also returned for things you may not see)'),
} as const;

export const json = <T extends z.ZodType>(schema: T, description = 'OK') => ({
  content: { 'application/json': { schema } },
  description,
});

export const body = <T extends z.ZodType>(schema: T) => ({
  body: { content: { 'application/json': { schema } }, required: true },
});

export const security: Array<Record<string, string[]>> = [{ cookieAuth: [] }, { bearerAuth: [] }];
