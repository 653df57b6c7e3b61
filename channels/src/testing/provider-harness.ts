/**
 * A fake provider the contract suite sends through, whatever the transport: the same four situations for every
 * adapter (success, a retryable failure, a permanent refusal, nobody listening).
 */
import type { AdapterContext } from '../contract.ts';
import { redirectingFetch, startFake } from './http-fake.ts';
import { startSmtpFake } from './smtp-fake.ts';

export interface ProviderHarness<C = unknown, S = unknown> {
  /** A context whose outbound calls reach this fake provider (a closed port after `unreachable()`). */
  context(): AdapterContext<C, S>;
  /** Following sends are accepted. */
  succeed(): void;
  /** Following sends get a retryable refusal (HTTP 503, SMTP 451). */
  failTransient(): void;
  /** Following sends get a permanent refusal (HTTP 400, SMTP 550). */
  failPermanent(): void;
  /** Stops the provider: following sends find a closed port. */
  unreachable(): Promise<void>;
  /** Requests (HTTP) or DATA attempts (SMTP) the provider has seen. */
  attempts(): number;
  /** `ChannelError.providerStatus` expected after failTransient() / failPermanent(). */
  transientStatus: number;
  permanentStatus: number;
  close(): Promise<void>;
}

/** Wraps `close` so that calling it again waits for the first call. */
export function closeOnce(close: () => Promise<void>): () => Promise<void> {
  let closing: Promise<void> | undefined;
  return () => (closing ??= close());
}

/** HTTP providers: every fetch of the context goes to an in-process HTTP fake. */
export async function httpProviderHarness<C, S>(
  context: (fetchFn: typeof fetch) => AdapterContext<C, S>,
  success: { status: number; body: string | object } = { status: 200, body: '{}' },
): Promise<ProviderHarness<C, S>> {
  const fake = await startFake();
  const close = closeOnce(() => fake.close());
  fake.respondWith(success.status, success.body);
  return {
    context: () => context(redirectingFetch(fake.url)),
    succeed: () => fake.respondWith(success.status, success.body),
    failTransient: () => fake.respondWith(503, 'service unavailable'),
    failPermanent: () => fake.respondWith(400, '{"error":"bad request"}'),
    unreachable: close,
    attempts: () => fake.requests.length,
    transientStatus: 503,
    permanentStatus: 400,
    close,
  };
}

/** SMTP providers: the context's SMTP server is an in-process smtp-server fake. */
export async function smtpProviderHarness<C, S>(
  context: (smtp: { host: string; port: number }) => AdapterContext<C, S>,
): Promise<ProviderHarness<C, S>> {
  const fake = await startSmtpFake();
  const close = closeOnce(() => fake.close());
  return {
    context: () => context({ host: fake.host, port: fake.port }),
    succeed: () => fake.respondWith(250),
    failTransient: () => fake.respondWith(451, '4.3.0 Temporary failure, try again later'),
    failPermanent: () => fake.respondWith(550, '5.1.1 Mailbox unavailable'),
    unreachable: close,
    attempts: () => fake.attempts,
    transientStatus: 451,
    permanentStatus: 550,
    close,
  };
}
