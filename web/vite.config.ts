import adapter from '@sveltejs/adapter-static';
import { sveltekit } from '@sveltejs/kit/vite';
import { defineConfig } from 'vitest/config';

// The console is a static SPA: `vite build` writes web/build, which the server serves at / with
// 200.html as the fallback for every client-side route. In `vite dev`, API and Socket.IO calls
// are proxied to a running server (default http://localhost:3000).
const api = process.env.SWITCHBOARD_DEV_API ?? 'http://localhost:3000';

export default defineConfig({
  // Unit tests (src/**/*.test.ts) need no SvelteKit: without the plugin, running them from the repo
  // root (vitest projects) does not write .svelte-kit/ into the current directory.
  plugins: process.env.VITEST ? [] : [sveltekit({ adapter: adapter({ fallback: '200.html' }) })],
  server: {
    proxy: {
      '/api': api,
      '/healthz': api,
      '/socket.io': { target: api, ws: true },
    },
  },
  test: {
    include: ['src/**/*.test.ts'],
    environment: 'node',
  },
});
