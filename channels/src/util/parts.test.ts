import { describe, expect, it } from 'vitest';
import { sendInParts } from './parts.ts';

describe('sendInParts', () => {
  const recorder = (ids: Array<string | null> = []) => {
    const recorded: Array<[number, string]> = [];
    return { recorded, sentParts: { ids, record: async (i: number, id: string) => void recorded.push([i, id]) } };
  };

  it('sends every part in order and records each once it is out', async () => {
    const r = recorder();
    const sent: string[] = [];
    const part = (id: string) => async () => (sent.push(id), id);
    expect(await sendInParts({ sentParts: r.sentParts }, [part('a'), part('b')])).toEqual(['a', 'b']);
    expect(sent).toEqual(['a', 'b']);
    expect(r.recorded).toEqual([
      [0, 'a'],
      [1, 'b'],
    ]);
  });

  it('skips the parts an earlier try sent; a failing part keeps the ones before it recorded', async () => {
    const r = recorder(['a']);
    const sent: string[] = [];
    const fail = async (): Promise<string> => {
      throw new Error('provider down');
    };
    await expect(sendInParts({ sentParts: r.sentParts }, [async () => (sent.push('a'), 'a'), async () => (sent.push('b'), 'b'), fail])).rejects.toThrow('provider down');
    expect(sent).toEqual(['b']);
    expect(r.recorded).toEqual([[1, 'b']]);
  });

  it('works without progress tracking (every part sent)', async () => {
    expect(await sendInParts({}, [async () => 'x', async () => 'y'])).toEqual(['x', 'y']);
  });
});
