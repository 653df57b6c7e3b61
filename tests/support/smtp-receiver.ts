import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';

export interface RelayedMail {
  from: string;
  to: string[];
  raw: string;
}

/**
 * An outgoing-mail server: accepts any sender, with an optional login. `relay` receives every accepted mail
 * (e.g. to deliver it into the recipients' Dovecot mailboxes, like a real MTA); a relay error answers 451.
 */
export async function startSmtpReceiver(auth?: { user: string; password: string }, relay?: (mail: RelayedMail) => Promise<void>) {
  const server = new SMTPServer({
    authOptional: !auth,
    disabledCommands: ['STARTTLS'],
    allowInsecureAuth: true,
    logger: false,
    onAuth(a, _session, callback) {
      if (auth && a.username === auth.user && a.password === auth.password) callback(null, { user: a.username });
      else callback(Object.assign(new Error('Invalid credentials'), { responseCode: 535 }));
    },
    onData(stream, session, callback) {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        if (!relay) return callback();
        const mail = {
          from: session.envelope.mailFrom ? session.envelope.mailFrom.address : '',
          to: session.envelope.rcptTo.map((r) => r.address),
          raw: Buffer.concat(chunks).toString('utf8'),
        };
        relay(mail).then(
          () => callback(),
          (err: unknown) => callback(Object.assign(new Error(`relay failed: ${String(err)}`), { responseCode: 451 })),
        );
      });
    },
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return {
    port: (server.server.address() as AddressInfo).port,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}
