/** One item of the source and what `fn` made of it (a rejection is a result too: it never jumps the queue). */
export interface Ahead<T, R> {
  item: T;
  result: PromiseSettledResult<R>;
}

function settled<T, R>(fn: (item: T) => Promise<R>, item: T): Promise<PromiseSettledResult<R>> {
  return Promise.resolve()
    .then(() => fn(item))
    .then(
      (value): PromiseSettledResult<R> => ({ status: 'fulfilled', value }),
      (reason: unknown): PromiseSettledResult<R> => ({ status: 'rejected', reason }),
    );
}

/**
 * `fn` over an async source, running ahead of the consumer: while the consumer handles one item, `fn` already
 * works on up to `depth` next ones. Results come out in source order, each exactly once, whatever order `fn`
 * finishes in; a failing source throws at its place in the order (after every earlier item). Stopping early
 * (break, throw) ends the source (`return()`) after the items already asked of it. `depth` 0: no look-ahead.
 */
export async function* mapAhead<T, R>(source: AsyncIterable<T>, fn: (item: T) => Promise<R>, depth: number): AsyncGenerator<Ahead<T, R>> {
  if (!Number.isInteger(depth) || depth < 0) throw new RangeError('depth must be an integer ≥ 0');
  if (depth === 0) {
    // No look-ahead: each item is read and handed to fn only once the consumer asks for it.
    for await (const item of source) yield { item, result: await settled(fn, item) };
    return;
  }
  const it = source[Symbol.asyncIterator]();
  let exhausted = false;
  // Pulls are strictly one after another (an iterator's next() must not overlap); fn calls overlap freely.
  let pulling: Promise<unknown> = Promise.resolve();
  const slot = (): Promise<Ahead<T, R> | null> => {
    const next = pulling.then((): Promise<IteratorResult<T>> | IteratorResult<T> => (exhausted ? { done: true, value: undefined } : it.next()));
    pulling = next.then(
      (r) => void (r.done && (exhausted = true)),
      () => void (exhausted = true),
    );
    return next.then(async (r) => {
      if (r.done) return null;
      return { item: r.value, result: await settled(fn, r.value) };
    });
  };
  const window: Array<Promise<Ahead<T, R> | null>> = [];
  const open = () => {
    const p = slot();
    // A failing source may reject a slot long before the consumer gets to it: that is not an unhandled
    // rejection, it is thrown when its turn comes (awaiting `p` below still rejects).
    p.catch(() => {});
    window.push(p);
  };
  let finished = false;
  try {
    for (let i = 0; i < depth; i++) open();
    for (;;) {
      const head = await window.shift();
      if (!head) {
        finished = true;
        return;
      }
      open();
      yield head;
    }
  } finally {
    if (!finished) {
      exhausted = true;
      await pulling;
      await it.return?.();
    }
  }
}
