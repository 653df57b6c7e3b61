// node prisma/src/cli.ts deploy | dev <name> [--accept-data-loss] | diff
//   deploy: DATABASE_URL, else the embedded PGlite in SWITCHBOARD_DATA_DIR (default ./data).
//   dev:    writes prisma/migrations/<timestamp>_<name> against DATABASE_URL, else a temporary in-memory PGlite.
//   diff:   prints the SQL between the migrations folder and schema.prisma; exits 1 when they differ.
// Exits explicitly: the schema engine leaves timers pending for about a minute.
import { openDatabase } from './index.ts';
import { createEmptyPGlite, diffMigrationsToSchema, migrateDev } from './migrate.ts';

const USAGE = 'usage: node prisma/src/cli.ts deploy | dev <name> [--accept-data-loss] | diff';

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  const url = process.env.DATABASE_URL || undefined;
  switch (command) {
    case 'deploy': {
      const dataDir = process.env.SWITCHBOARD_DATA_DIR || './data';
      const db = await openDatabase({ url, dataDir, migrate: true, logger: (m) => console.log(m) });
      await db.close();
      return 0;
    }
    case 'dev': {
      const name = rest.find((a) => !a.startsWith('--'));
      if (!name || !/^[A-Za-z0-9_-]+$/.test(name)) {
        console.error(`a migration name is required (letters, digits, _ and -)\n${USAGE}`);
        return 2;
      }
      const target = url ?? (await createEmptyPGlite());
      try {
        const { applied, created } = await migrateDev(target, name, { acceptDataLoss: rest.includes('--accept-data-loss') });
        if (applied.length) console.log(`applied: ${applied.join(', ')}`);
        console.log(
          created
            ? `created prisma/migrations/${created}/migration.sql`
            : 'schema.prisma and the migrations agree: nothing to create',
        );
      } finally {
        if (typeof target !== 'string') await target.close();
      }
      return 0;
    }
    case 'diff': {
      const sql = await diffMigrationsToSchema();
      if (!sql) {
        console.log('schema.prisma and prisma/migrations agree');
        return 0;
      }
      console.log(sql);
      console.error('\nschema.prisma differs from prisma/migrations: run `npm run db:migrate:dev -- <name>`');
      return 1;
    }
    default:
      console.error(USAGE);
      return 2;
  }
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err: unknown) => {
    console.error(err instanceof Error ? err.message : err);
    process.exit(1);
  },
);
