import { describe, expect, it } from 'vitest';
import { isOwnAddress, messageIdsIn, normalizeMessageId, replyAddress, replyTokenOf } from './ids.ts';

describe('message ids', () => {
  it('normalizes to one bracketed form', () => {
    expect(normalizeMessageId(' <a@b> ')).toBe('<a@b>');
    expect(normalizeMessageId('a@b')).toBe('<a@b>');
    expect(normalizeMessageId('<<a@b>>')).toBe('<a@b>');
    expect(normalizeMessageId('')).toBeUndefined();
    expect(normalizeMessageId('a b@c')).toBeUndefined();
    expect(messageIdsIn(['<a@b>', '<c@d> <e@f>'])).toEqual(['<a@b>', '<c@d>', '<e@f>']);
    expect(messageIdsIn('a@b, c@d')).toEqual(['<a@b>', '<c@d>']);
    expect(messageIdsIn(undefined)).toEqual([]);
  });
});

describe('reply addresses', () => {
  const ours = 'Support@Acme.Example';
  it('finds the token only on our own local part and domain', () => {
    expect(replyAddress('support@acme.example', 'Tok1')).toBe('support+Tok1@acme.example');
    expect(replyTokenOf('SUPPORT+Tok1@ACME.example', ours)).toBe('Tok1');
    expect(replyTokenOf('sales+Tok1@acme.example', ours)).toBeUndefined();
    expect(replyTokenOf('support+Tok1@acme.example.evil', ours)).toBeUndefined();
    expect(replyTokenOf('support+@acme.example', ours)).toBeUndefined();
    expect(replyTokenOf('support+a/b@acme.example', ours)).toBeUndefined();
    expect(replyTokenOf('support@acme.example', ours)).toBeUndefined();
  });

  it('recognizes our own address and its plus-addresses', () => {
    expect(isOwnAddress('support@acme.example', ours)).toBe(true);
    expect(isOwnAddress('support+x@acme.example', ours)).toBe(true);
    expect(isOwnAddress('other@acme.example', ours)).toBe(false);
  });
});
