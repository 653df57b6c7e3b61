import { svelte } from '@sveltejs/vite-plugin-svelte';
import { defineConfig } from 'vite';

// The embeddable chat widget (src/widget): one self-contained IIFE, styles injected into its shadow root,
// written next to the console as build/widget.js (the server serves it at /widget.js). Runs after the
// console's build, which empties build/.
export default defineConfig({
  plugins: [svelte({ configFile: false, emitCss: false, compilerOptions: { css: 'injected' } })],
  define: { 'process.env.NODE_ENV': '"production"' },
  build: {
    outDir: 'build',
    emptyOutDir: false,
    target: 'es2020',
    sourcemap: false,
    lib: { entry: 'src/widget/main.ts', name: 'SwitchboardChatWidget', formats: ['iife'], fileName: () => 'widget.js' },
  },
});
