import { createReadStream } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { SMTPServer, type SMTPServerDataStream, type SMTPServerSession } from 'smtp-server';
import { mailSyncRepo } from '../repositories/mail-sync.ts';
import { loadEmailInboxes, type EmailInboxSource } from './email-inboxes.ts';
import { isUnparseableMail, type MailIntake, type ParsedMail } from './mail-intake.ts';
import { MailTooLarge, readMailBody, type MailBody } from './smtp-body.ts';
import type { EmailInbox } from './types.ts';

export const SMTP_INBOUND_MAX_BYTES = 30 * 1024 * 1024;

export interface SmtpInboundOptions {
  host: string;
  port: number;
  maxBytes?: number;
  /** Messages larger than this are spooled to a temp file and parsed as a stream (default 1 MiB). */
  streamAboveBytes?: number;
}

export interface SmtpInbound {
  port: number;
  close(): Promise<void>;
}

const smtpError = (responseCode: number, message: string) => Object.assign(new Error(message), { responseCode });

/**
 * The forwarding-mode endpoint: an SMTP server (no AUTH: run it behind your MTA or firewall) that takes
 * mail for `<inbox publicToken>@…`, `reply+<token>@…` and a forwarding inbox's own address, and answers
 * 250 only after the message is committed (451 on a storage error, so the sender retries).
 */
export async function startSmtpInbound(src: EmailInboxSource, intake: MailIntake, opts: SmtpInboundOptions): Promise<SmtpInbound> {
  const log = src.log.child({ mod: 'email-smtp' });
  const maxBytes = opts.maxBytes ?? SMTP_INBOUND_MAX_BYTES;
  const streamAboveBytes = opts.streamAboveBytes ?? 1024 * 1024;
  let cache: { at: number; inboxes: EmailInbox[] } = { at: 0, inboxes: [] };
  const inboxes = async (fresh: boolean) => {
    if (fresh || Date.now() - cache.at > 5_000) cache = { at: Date.now(), inboxes: await loadEmailInboxes(src) };
    return cache.inboxes;
  };
  const find = async (address: string, fresh: boolean): Promise<EmailInbox | undefined> => {
    const local = address.slice(0, address.lastIndexOf('@'));
    const all = await inboxes(fresh);
    if (/^reply\+/i.test(local)) {
      const inboxId = await mailSyncRepo.inboxIdByReplyToken(src.store.prisma, local.slice('reply+'.length));
      return all.find((i) => i.id === inboxId);
    }
    return (
      all.find((i) => i.publicToken === local) ??
      all.find((i) => i.credentials.mode === 'forwarding' && i.credentials.fromAddress.toLowerCase() === address.toLowerCase())
    );
  };
  const resolve = async (address: string) => (await find(address, false)) ?? (Date.now() - cache.at > 250 ? await find(address, true) : undefined);

  /** Parses the body for one inbox: from memory, or streamed from the spool file (attachments straight to storage). */
  const parse = async (body: MailBody, inbox: EmailInbox): Promise<ParsedMail> => {
    try {
      return body.path === undefined ? await intake.parseBytes(body.raw, inbox) : await intake.parseStream(createReadStream(body.path), inbox);
    } catch (err) {
      if (isUnparseableMail(err)) {
        log.warn({ err, inboxId: inbox.id }, 'rejecting a forwarded mail that could not be parsed');
        throw smtpError(554, 'Message could not be parsed');
      }
      log.error({ err, inboxId: inbox.id }, 'could not read a forwarded mail: answering 451');
      throw smtpError(451, 'Temporary failure, try again later');
    }
  };

  const receive = async (stream: SMTPServerDataStream, session: SMTPServerSession): Promise<void> => {
    let body: MailBody;
    try {
      body = await readMailBody(stream, streamAboveBytes);
    } catch (err) {
      if (err instanceof MailTooLarge) throw smtpError(552, `Message exceeds the maximum size of ${maxBytes} bytes`);
      throw err;
    }
    try {
      if (!intake.available) throw smtpError(451, 'Email channel not available');
      const targets = new Map<string, EmailInbox>();
      for (const rcpt of session.envelope.rcptTo) {
        const inbox = await resolve(rcpt.address);
        if (inbox) targets.set(inbox.id, inbox);
      }
      for (const inbox of targets.values()) {
        const parsed = await parse(body, inbox);
        try {
          const results = await intake.store(inbox, parsed);
          log.info({ inboxId: inbox.id, created: results.filter((r) => r.created).length }, 'forwarded mail received');
        } catch (err) {
          log.error({ err, inboxId: inbox.id }, 'could not store a forwarded mail: answering 451');
          throw smtpError(451, 'Temporary storage failure, try again later');
        }
      }
    } finally {
      await body.dispose();
    }
  };

  const server = new SMTPServer({
    banner: 'Switchboard inbound mail',
    authOptional: true,
    disabledCommands: ['AUTH', 'STARTTLS'],
    disableReverseLookup: true,
    size: maxBytes,
    logger: false,
    onRcptTo(address, _session, callback) {
      resolve(address.address).then(
        (inbox) => callback(inbox ? null : smtpError(550, `No inbox for ${address.address}`)),
        (err: unknown) => {
          log.error({ err }, 'recipient lookup failed');
          callback(smtpError(451, 'Temporary failure, try again later'));
        },
      );
    },
    onData(stream, session, callback) {
      receive(stream, session).then(
        () => callback(),
        (err: unknown) => {
          stream.resume(); // drain whatever is left so the session can answer
          callback(err instanceof Error && 'responseCode' in err ? err : smtpError(451, 'Temporary failure, try again later'));
        },
      );
    },
  });
  server.on('error', (err) => log.error({ err }, 'SMTP server error'));
  await new Promise<void>((ok, fail) => {
    server.once('error', fail);
    server.listen(opts.port, opts.host, () => ok());
  });
  const port = (server.server.address() as AddressInfo).port;
  log.info({ host: opts.host, port }, 'inbound SMTP listening');
  return { port, close: () => new Promise<void>((r) => server.close(() => r())) };
}
