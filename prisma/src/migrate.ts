// Migration tooling on the schema engine compiled to WebAssembly: works offline, on PostgreSQL and on PGlite.
// Writes the same migrations folder and _prisma_migrations table as the Prisma CLI.
import { createEmptyPGlite, createMigrationFactory, type MigrateTarget } from './migrate/adapters.ts';
import { withEngine, type Logger, type SchemaEngine } from './migrate/engine.ts';
import { FILTERS, MIGRATIONS_DIR, readMigrationsList, readSchemaFiles, sortLast, writeMigration } from './migrate/migrations-dir.ts';
import { isUpToDate } from './migrate/status.ts';

export type { MigrateTarget } from './migrate/adapters.ts';
export { MIGRATIONS_DIR, SCHEMA_PATH } from './migrate/migrations-dir.ts';
export { createEmptyPGlite } from './migrate/adapters.ts';

export type MigrateOptions = {
  logger?: Logger;
  /** Defaults to prisma/migrations. */
  migrationsDir?: string;
  /** Defaults to prisma/schema.prisma. */
  schemaPath?: string;
};

async function runEngine<T>(target: MigrateTarget, opts: MigrateOptions, fn: (engine: SchemaEngine) => Promise<T>): Promise<T> {
  const factory = createMigrationFactory(target);
  try {
    return await withEngine(factory, await readSchemaFiles(opts.schemaPath), fn, opts.logger);
  } finally {
    await factory.close();
  }
}

/** Applies pending migrations (like `prisma migrate deploy`); returns the names applied. */
export async function migrateDeploy(
  target: MigrateTarget,
  opts: MigrateOptions & { /** Skip the fast path (reading _prisma_migrations directly). */ alwaysUseEngine?: boolean } = {},
): Promise<string[]> {
  const migrationsList = await readMigrationsList(opts.migrationsDir ?? MIGRATIONS_DIR);
  if (!opts.alwaysUseEngine && (await isUpToDate(target, migrationsList))) return [];
  const { appliedMigrationNames } = await runEngine(target, opts, (engine) =>
    engine.applyMigrations({ migrationsList, filters: FILTERS }),
  );
  return appliedMigrationNames;
}

export type MigrateDevResult = { applied: string[]; created: string | null };
type DevPass = { pending: string[] } | { done: MigrateDevResult };

/**
 * `prisma migrate dev --name <name>`: applies pending migrations, then writes a new migration for the difference
 * between them and schema.prisma (if any) and applies it. Refuses to reset a drifted database, and to lose data
 * unless `acceptDataLoss`.
 */
export async function migrateDev(
  target: MigrateTarget,
  name: string,
  opts: MigrateOptions & { acceptDataLoss?: boolean } = {},
): Promise<MigrateDevResult> {
  const baseDir = opts.migrationsDir ?? MIGRATIONS_DIR;
  const schema = { files: await readSchemaFiles(opts.schemaPath) };
  // Once applyMigrations has applied something, the same engine instance loses its shadow-database factory
  // ("PostgreSQL shadow DB must be provided through an external factory"): start over on a fresh engine.
  const applied: string[] = [];
  for (;;) {
    const result = await runEngine(target, opts, async (engine): Promise<DevPass> => {
      const migrationsList = await readMigrationsList(baseDir);
      const { action } = await engine.devDiagnostic({ migrationsList, filters: FILTERS });
      if (action.tag === 'reset') {
        throw new Error(`The database must be reset before creating a migration: ${action.reason}`);
      }
      const pending = (await engine.applyMigrations({ migrationsList, filters: FILTERS })).appliedMigrationNames;
      if (pending.length > 0) return { pending };
      return { done: await createAndApply(engine, baseDir, name, schema, opts) };
    });
    if ('pending' in result) applied.push(...result.pending);
    else return { applied: [...applied, ...result.done.applied], created: result.done.created };
  }
}

async function createAndApply(
  engine: SchemaEngine,
  baseDir: string,
  name: string,
  schema: { files: Awaited<ReturnType<typeof readSchemaFiles>> },
  opts: { acceptDataLoss?: boolean },
): Promise<MigrateDevResult> {
  const migrationsList = await readMigrationsList(baseDir);
  const loss = await engine.evaluateDataLoss({ migrationsList, schema, filters: FILTERS });
  const list = (items: Array<{ message: string }>) => items.map((i) => `- ${i.message}`).join('\n');
  if (loss.unexecutableSteps.length > 0) {
    throw new Error(`The migration cannot be executed:\n${list(loss.unexecutableSteps)}`);
  }
  if (loss.warnings.length > 0 && !opts.acceptDataLoss) {
    throw new Error(`The migration would lose data (pass acceptDataLoss / --accept-data-loss):\n${list(loss.warnings)}`);
  }
  if (loss.migrationSteps === 0) return { applied: [], created: null };
  const out = await engine.createMigration({ draft: false, migrationName: name, migrationsList, schema, filters: FILTERS });
  if (out.migrationScript === null) return { applied: [], created: null };
  const created = sortLast(out.generatedMigrationName, migrationsList.migrationDirectories.map((d) => d.path));
  await writeMigration({
    baseDir,
    name: created,
    script: out.migrationScript,
    extension: out.extension,
    connectorType: out.connectorType,
  });
  const after = await engine.applyMigrations({ migrationsList: await readMigrationsList(baseDir), filters: FILTERS });
  return { applied: after.appliedMigrationNames, created };
}

/**
 * The SQL that would bring a database built from the migrations folder to schema.prisma.
 * Empty string: they agree. Uses a temporary in-memory PGlite as shadow database unless a target is given.
 */
export async function diffMigrationsToSchema(opts: MigrateOptions & { target?: MigrateTarget } = {}): Promise<string> {
  const scratch = opts.target === undefined ? await createEmptyPGlite() : undefined;
  try {
    const migrationsList = await readMigrationsList(opts.migrationsDir ?? MIGRATIONS_DIR);
    const files = await readSchemaFiles(opts.schemaPath);
    const result = await runEngine(opts.target ?? scratch!, opts, (engine) =>
      engine.diff({
        // Without migrations (and so without migration_lock.toml) the engine cannot tell the connector.
        from: migrationsList.migrationDirectories.length ? { tag: 'migrations', ...migrationsList } : { tag: 'empty' },
        to: { tag: 'schemaDatamodel', files },
        script: true,
        exitCode: null,
        filters: FILTERS,
      }),
    );
    const sql = (result.stdout ?? '').trim();
    return sql === '' || /^-- This is an empty migration\.?$/.test(sql) ? '' : sql;
  } finally {
    await scratch?.close();
  }
}
