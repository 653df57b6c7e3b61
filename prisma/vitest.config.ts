import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts'],
    // Building the first migrated template (PGlite initdb + schema engine) takes a few seconds.
    testTimeout: 60_000,
    hookTimeout: 60_000,
  },
});
