import { defineConfig } from 'prisma/config';

// Only `prisma generate` uses this file. Migrations run through our own
// WebAssembly schema-engine driver (src/migrate.ts), which works offline and on PGlite.
export default defineConfig({
  schema: 'schema.prisma',
  migrations: { path: 'migrations' },
  datasource: { url: process.env.DATABASE_URL ?? 'postgresql://localhost:5432/switchboard' },
});
