import { z } from 'zod';
import { normalizeEmail } from './normalize.ts';

/** A string that must be an email address; parses to its normalized form (lower-cased, trimmed). */
export function emailAddressSchema(message: (input: string) => string = () => 'invalid email address') {
  return z
    .string()
    .max(320)
    .transform((v, ctx) => {
      const normalized = normalizeEmail(v);
      if (!normalized) {
        ctx.addIssue({ code: 'custom', message: message(v) });
        return z.NEVER;
      }
      return normalized;
    });
}
