import { describe, expect, it } from 'vitest';
import { GraphApiError, graphError } from './graph.ts';
import { metaJson } from './fixtures.ts';
import { chunkText } from './outbound.ts';

describe('graphError', () => {
  it('classifies Meta error bodies by status and code', () => {
    const cases: Array<[number, object, string, boolean]> = [
      [500, { message: 'An unknown error occurred', code: 1 }, 'provider_error', true],
      [400, { message: 'Service temporarily unavailable', code: 2 }, 'rejected', true],
      [400, { message: '(#613) Calls to this api have exceeded the rate limit.', code: 613 }, 'rate_limited', true],
      [429, { message: 'Too many requests', code: 80007 }, 'rate_limited', true],
      [400, { message: 'Error validating access token', code: 190, error_subcode: 463 }, 'unauthorized', false],
      [400, { message: '(#131047) Re-engagement message', code: 131047 }, 'outside_reply_window', false],
      [400, { message: '(#131026) Message undeliverable', code: 131026 }, 'invalid_recipient', false],
      [400, { message: '(#100) Invalid parameter', code: 100 }, 'rejected', false],
    ];
    for (const [status, body, code, transient] of cases) {
      const err = graphError(status, JSON.stringify({ error: { type: 'OAuthException', fbtrace_id: 'AbC', ...body } }));
      expect(err).toBeInstanceOf(GraphApiError);
      expect([err.code, err.transient, err.providerStatus]).toEqual([code, transient, status]);
    }
  });

  it('describes the error with Meta\'s message, user message, details, code and trace id', () => {
    const err = graphError(400, JSON.stringify({ error: { message: '(#100) Invalid parameter', code: 100, error_subcode: 2494010, error_user_msg: 'The phone number is invalid', error_data: { details: 'to: bad' }, fbtrace_id: 'Xyz' } }));
    expect(err.message).toBe('Meta responded 400: (#100) Invalid parameter — The phone number is invalid — to: bad [code 100/2494010; fbtrace_id Xyz]');
  });

  it('falls back to the HTTP status for bodies that are not Meta\'s', () => {
    const err = graphError(502, '<html>Bad gateway</html>', 'Bad Gateway');
    expect(err).not.toBeInstanceOf(GraphApiError);
    expect([err.code, err.transient, err.message]).toEqual(['provider_error', true, 'Meta responded 502 Bad Gateway: <html>Bad gateway</html>']);
  });
});

describe('metaJson', () => {
  it('escapes non-ASCII per UTF-16 unit and slashes, and parses back to the same value', () => {
    const value = { text: 'Grüße 👍', url: 'https://a.example/x' };
    const raw = metaJson(value);
    expect(raw).toBe('{"text":"Gr\\u00fc\\u00dfe \\ud83d\\udc4d","url":"https:\\/\\/a.example\\/x"}');
    expect(JSON.parse(raw)).toEqual(value);
  });
});

describe('chunkText', () => {
  it('splits at spaces or line breaks under the limit and keeps every word', () => {
    const text = 'alpha beta gamma\ndelta epsilon';
    const chunks = chunkText(text, 12);
    expect(chunks.every((c) => c.length <= 12)).toBe(true);
    expect(chunks.join(' ').split(/\s+/)).toEqual(text.split(/\s+/));
    expect(chunkText('x'.repeat(25), 10)).toEqual(['x'.repeat(10), 'x'.repeat(10), 'x'.repeat(5)]);
    expect(chunkText('   ', 10)).toEqual([]);
  });
});
