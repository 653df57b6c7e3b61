export { freePort, startDovecot, type Dovecot } from '@switchboard/channels/testing';

let seq = 0;
/** A plain RFC 5322 message with a unique Message-ID. */
export function testMail(o: { from?: string; to?: string; subject?: string; text?: string; messageId?: string; date?: Date } = {}): { raw: string; messageId: string } {
  const messageId = o.messageId ?? `<t${Date.now()}.${process.pid}.${++seq}@example.test>`;
  const raw = [
    `From: ${o.from ?? 'Erika Muster <erika@example.test>'}`,
    `To: ${o.to ?? 'support@example.test'}`,
    `Subject: ${o.subject ?? `Test ${seq}`}`,
    `Date: ${(o.date ?? new Date()).toUTCString()}`,
    `Message-ID: ${messageId}`,
    'MIME-Version: 1.0',
    'Content-Type: text/plain; charset=utf-8',
    '',
    o.text ?? `Hallo, Nachricht ${seq}`,
    '',
  ].join('\r\n');
  return { raw, messageId };
}
