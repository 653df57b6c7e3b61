import { describe, expect, it } from 'vitest';
import { runsOf } from './sync-pass.ts';

describe('runsOf: how a batch of UIDs is fetched', () => {
  const opts = { streamAboveBytes: 1000, fetchBytes: 2500 };

  it('keeps UID order, fetches small mails together and streams each large one on its own', () => {
    const sizes = new Map([[1, 100], [2, 5000], [3, 200], [4, 300], [5, 1001], [6, 1000]]);
    expect(runsOf([1, 2, 3, 4, 5, 6], sizes, opts)).toEqual([
      { large: false, uids: [1] },
      { large: true, uid: 2 },
      { large: false, uids: [3, 4] },
      { large: true, uid: 5 },
      { large: false, uids: [6] },
    ]);
  });

  it('starts a new FETCH before the small mails of one exceed fetchBytes', () => {
    const sizes = new Map([[1, 900], [2, 900], [3, 900], [4, 900], [5, 10]]);
    expect(runsOf([1, 2, 3, 4, 5], sizes, opts)).toEqual([
      { large: false, uids: [1, 2] },
      { large: false, uids: [3, 4, 5] },
    ]);
  });

  it('leaves out UIDs the server no longer has (expunged between SEARCH and FETCH)', () => {
    expect(runsOf([1, 2, 3], new Map([[1, 10], [3, 10]]), opts)).toEqual([{ large: false, uids: [1, 3] }]);
  });
});
