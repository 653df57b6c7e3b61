import { describe, expect, it } from 'vitest';
import { allState, batches, prune, toggle, toggleAll } from './selection.ts';

describe('selection', () => {
  it('toggles one row', () => {
    expect(toggle([], 'a')).toEqual(['a']);
    expect(toggle(['a', 'b'], 'a')).toEqual(['b']);
  });

  it('"select all in view" selects the visible rows, or clears them when all are selected', () => {
    expect(toggleAll(['x'], ['a', 'b'])).toEqual(['x', 'a', 'b']);
    expect(toggleAll(['a'], ['a', 'b'])).toEqual(['a', 'b']);
    expect(toggleAll(['x', 'a', 'b'], ['a', 'b'])).toEqual(['x']);
    expect(toggleAll([], [])).toEqual([]);
  });

  it('drops rows that left the list, and keeps the same array when nothing changed', () => {
    expect(prune(['a', 'b', 'c'], ['c', 'a'])).toEqual(['a', 'c']);
    const same = ['a'];
    expect(prune(same, ['a', 'b'])).toBe(same);
  });

  it('tells the state of the select-all box', () => {
    expect(allState([], ['a'])).toBe('none');
    expect(allState(['a'], ['a', 'b'])).toBe('some');
    expect(allState(['a', 'b', 'z'], ['a', 'b'])).toBe('all');
    expect(allState([], [])).toBe('none');
  });

  it('cuts a large selection into batches for the bulk endpoint', () => {
    expect(batches(['a', 'b', 'c', 'd', 'e'], 2)).toEqual([['a', 'b'], ['c', 'd'], ['e']]);
    expect(batches([], 100)).toEqual([]);
  });
});
