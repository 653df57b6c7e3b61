import type { z } from 'zod';
import { ChannelError } from '../contract.ts';

/** `messages.0.contact: at least one of id, email, phone is required; statuses.1.status: …` */
export function formatZodError(error: z.ZodError, max = 20): string {
  const parts = error.issues.slice(0, max).map((issue) => {
    const path = issue.path.map(String).join('.');
    return `${path || '(root)'}: ${issue.message}`;
  });
  const more = error.issues.length > max ? `; …and ${error.issues.length - max} more` : '';
  return parts.join('; ') + more;
}

export function malformed(message: string, cause?: unknown): ChannelError {
  return new ChannelError('malformed_payload', message, { transient: false, cause });
}
