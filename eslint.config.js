import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  {
    ignores: ['**/node_modules/**', '**/generated/**', '**/build/**', '**/.svelte-kit/**', '**/dist/**', 'data/**', 'test-results/**', '**/*.svelte'],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { process: 'readonly', console: 'readonly', Buffer: 'readonly', setTimeout: 'readonly', clearTimeout: 'readonly', setInterval: 'readonly', clearInterval: 'readonly', URL: 'readonly', fetch: 'readonly', AbortSignal: 'readonly', TextEncoder: 'readonly', TextDecoder: 'readonly', structuredClone: 'readonly', globalThis: 'readonly', window: 'readonly', document: 'readonly', navigator: 'readonly', localStorage: 'readonly', WebAssembly: 'readonly' } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
      '@typescript-eslint/no-explicit-any': 'off',
      'no-empty': ['error', { allowEmptyCatch: true }],
    },
  },
  {
    // Only repositories (and the db package itself) may talk to Prisma.
    files: ['server/src/**/*.ts'],
    ignores: ['server/src/repositories/**', 'server/src/server.ts'], // server.ts is the composition root
    rules: {
      'no-restricted-imports': 'off',
      '@typescript-eslint/no-restricted-imports': ['error', { patterns: [{ group: ['@switchboard/db', '@switchboard/db/*'], allowTypeImports: true, message: 'Only server/src/repositories may import the database client.' }] }],
    },
  },
);
