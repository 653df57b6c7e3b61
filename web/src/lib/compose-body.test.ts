import { describe, expect, it } from 'vitest';
import { composeBody } from './compose-body.ts';

describe('compose body', () => {
  it('sends text with files base64-encoded, typed or not', async () => {
    const files = [new File(['hello'], 'hi.txt', { type: 'text/plain' }), new File([new Uint8Array([0, 255])], 'raw')];
    expect(await composeBody({ text: '  See attached \n', files })).toEqual({
      text: 'See attached',
      attachments: [
        { name: 'hi.txt', contentType: 'text/plain', contentBase64: 'aGVsbG8=' },
        { name: 'raw', contentType: 'application/octet-stream', contentBase64: 'AP8=' },
      ],
    });
  });

  it('sends Subject and Cc only when the draft has them (an empty Cc list too)', async () => {
    expect(await composeBody({ text: 'Hi', files: [] })).toEqual({ text: 'Hi' });
    expect(await composeBody({ text: 'Hi', subject: 'Re: Kettle', cc: [], files: [] })).toEqual({ text: 'Hi', subject: 'Re: Kettle', cc: [] });
    expect(await composeBody({ text: ' ', files: [new File(['x'], 'x.txt')] })).toEqual({ attachments: [{ name: 'x.txt', contentType: 'application/octet-stream', contentBase64: 'eA==' }] });
  });
});
