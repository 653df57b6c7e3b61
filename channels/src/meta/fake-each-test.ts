// For the Meta adapters' tests: a Meta fake per test of a describe block.
import { afterEach } from 'vitest';
import { startMetaFake, type MetaFake } from '../testing/meta-fake.ts';
import { TEST_META } from './fixtures.ts';

/** `start()` starts a Meta fake for the current test (closed after it); `current` is the running one. */
export function metaFakeEachTest(): { start(): Promise<MetaFake>; readonly current: MetaFake } {
  let fake: MetaFake | undefined;
  afterEach(async () => {
    await fake?.close();
    fake = undefined;
  });
  return {
    start: async () => (fake = await startMetaFake(TEST_META)),
    get current() {
      if (!fake) throw new Error('no Meta fake is running: call start() first');
      return fake;
    },
  };
}
