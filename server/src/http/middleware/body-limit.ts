import { bodyLimit } from 'hono/body-limit';
import { createMiddleware } from 'hono/factory';
import { AppError } from '../../lib/errors.ts';
import type { AppEnv } from '../env.ts';

/**
 * Request bodies above `maxSize` bytes are refused (413 payload_too_large, `message`). A body with a
 * Content-Length (Node's parser reads exactly that many bytes) is judged by the header alone, so the
 * handler still reads it on @hono/node-server's fast path; hono's bodyLimit, which turns the body into
 * a web stream and counts it, only handles chunked bodies.
 */
export function limitBody(maxSize: number, message: string) {
  const streamed = bodyLimit({
    maxSize,
    onError: () => {
      throw new AppError('payload_too_large', message);
    },
  });
  return createMiddleware<AppEnv>(async (c, next) => {
    const length = c.req.header('content-length');
    if (length === undefined || c.req.header('transfer-encoding') !== undefined) return streamed(c, next);
    if (Number(length) > maxSize) throw new AppError('payload_too_large', message);
    await next();
  });
}
