/**
 * An in-process SMTP receiver standing in for a mail provider's submission server (smtp-server, no TLS).
 * Records every accepted message's envelope and exact bytes; answers DATA with a configurable reply.
 */
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';

export interface SmtpFakeMessage {
  from: string;
  to: string[];
  /** The message exactly as transmitted (CRLF line endings, dot-unstuffed). */
  raw: Buffer;
  /** The user that authenticated, if any. */
  user?: string;
}

export interface SmtpFake {
  host: string;
  port: number;
  /** Reply to the following DATA commands: 250 accepts (the default), 4xx/5xx reject with `message`. */
  respondWith(code: number, message?: string): void;
  /** Accepted messages, oldest first (rejected ones are not recorded). */
  messages: SmtpFakeMessage[];
  /** Every DATA attempt, accepted or not. */
  attempts: number;
  close(): Promise<void>;
}

export interface SmtpFakeOptions {
  /** Require AUTH PLAIN/LOGIN with these credentials (535 otherwise). Without it, AUTH is optional. */
  auth?: { user: string; pass: string };
}

export async function startSmtpFake(opts: SmtpFakeOptions = {}): Promise<SmtpFake> {
  let reply = { code: 250, message: 'OK: queued' };
  const messages: SmtpFakeMessage[] = [];
  const state = { attempts: 0 };
  const server = new SMTPServer({
    logger: false,
    disabledCommands: ['STARTTLS'],
    allowInsecureAuth: true,
    authOptional: !opts.auth,
    onAuth(auth, _session, callback) {
      if (opts.auth && auth.username === opts.auth.user && auth.password === opts.auth.pass) {
        callback(null, { user: auth.username });
      } else {
        callback(Object.assign(new Error('Invalid username or password'), { responseCode: 535 }));
      }
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        state.attempts++;
        if (reply.code >= 400) {
          callback(Object.assign(new Error(reply.message), { responseCode: reply.code }));
          return;
        }
        const from = session.envelope.mailFrom;
        messages.push({
          from: from ? from.address : '',
          to: session.envelope.rcptTo.map((r) => r.address),
          raw: Buffer.concat(chunks),
          ...(typeof session.user === 'string' && { user: session.user }),
        });
        callback(null, reply.message);
      });
    },
  });
  await new Promise<void>((resolve, reject) => {
    server.server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.server.address() as AddressInfo;
  return {
    host: '127.0.0.1',
    port,
    messages,
    get attempts() {
      return state.attempts;
    },
    respondWith(code, message) {
      reply = { code, message: message ?? (code < 400 ? 'OK: queued' : `${code} rejected by fake`) };
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
