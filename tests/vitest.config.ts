import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['**/*.test.ts'],
    exclude: ['node_modules/**', 'bench/**'],
    testTimeout: 60_000,
    hookTimeout: 120_000,
    // Integration files start servers and databases: keep parallelism modest on 2 cores.
    maxWorkers: 2,
  },
});
