import { defineConfig } from 'vitest/config';

// One run over every package; each project keeps its own vitest config.
export default defineConfig({
  test: {
    projects: ['prisma', 'channels', 'server', 'web', 'tests'],
  },
});
