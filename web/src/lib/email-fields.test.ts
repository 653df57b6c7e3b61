import { describe, expect, it } from 'vitest';
import type { ParticipantDto } from '@switchboard/server/contracts';
import { isEmailAddress, parseAddresses, participantAddresses, replySubject } from './email-fields.ts';

describe('email fields', () => {
  it('prefixes the subject with Re: once', () => {
    expect(replySubject('Broken kettle')).toBe('Re: Broken kettle');
    expect(replySubject('RE: Broken kettle')).toBe('RE: Broken kettle');
    expect(replySubject('re:Broken')).toBe('re:Broken');
    expect(replySubject('  ')).toBe('');
    expect(replySubject(null)).toBe('');
  });

  it('checks addresses', () => {
    for (const ok of ['a@b.de', 'first.last+tag@mail.example.co.uk', "o'brien@example.ie"]) expect(isEmailAddress(ok), ok).toBe(true);
    for (const bad of ['', 'a', 'a@b', '@b.de', 'a@@b.de', 'a b@c.de', 'a@b..de', 'a@.de', 'a@b.de.', `${'x'.repeat(320)}@b.de`]) expect(isEmailAddress(bad), bad).toBe(false);
  });

  it('splits typed or pasted Cc input on commas, semicolons, spaces and lines; lower-cases; drops repeats', () => {
    expect(parseAddresses('Carl@Example.org, bea@example.test;dora@example.test\n  carl@example.org')).toEqual({
      valid: ['carl@example.org', 'bea@example.test', 'dora@example.test'],
      invalid: [],
    });
  });

  it('takes the address of "Name <address>", quoted names with commas included', () => {
    expect(parseAddresses('Bea Beispiel <bea@example.test>, "Muster, Erika" <Erika@Example.test> x@y.de')).toEqual({
      valid: ['bea@example.test', 'erika@example.test', 'x@y.de'],
      invalid: [],
    });
  });

  it('reports what is not an address, and skips addresses already chosen', () => {
    expect(parseAddresses('bea@example.test, nope, also@bad, <>', ['BEA@example.test'])).toEqual({ valid: [], invalid: ['nope', 'also@bad', '<>'] });
  });

  it("prefills Cc with each participant's first email, not the contact's own", () => {
    const p = (addresses: Array<[string, string]>): ParticipantDto => ({
      role: 'cc',
      contact: { id: 'x', name: null, company: null, attributes: {}, createdAt: '', updatedAt: '', identities: addresses.map(([kind, address], i) => ({ id: String(i), kind: kind as 'email', address, verified: true, optedOutAt: null })) },
    });
    const list = [p([['phone', '+491701234567'], ['email', 'Bea@example.test'], ['email', 'bea2@example.test']]), p([['phone', '+4930123']]), p([['email', 'erika@example.test']]), p([['email', 'bea@example.test']])];
    expect(participantAddresses(list, ['erika@example.test'])).toEqual(['bea@example.test']);
  });
});
