// The console shares wire types with the server but never its runtime code (it would drag Node,
// Prisma and the server's dependencies into the browser bundle).
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';

const src = fileURLToPath(new URL('..', import.meta.url));

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((d) =>
    d.isDirectory() ? sources(join(dir, d.name)) : /\.(ts|svelte)$/.test(d.name) ? [join(dir, d.name)] : [],
  );
}

it('imports only types from @switchboard/* packages', () => {
  const offenders: string[] = [];
  for (const file of sources(src)) {
    const text = readFileSync(file, 'utf8');
    for (const m of text.matchAll(/^\s*(import|export)\s+(type\s+)?[^;]*?from\s+['"](@switchboard\/[^'"]*)['"]/gm)) {
      if (!m[2]) offenders.push(`${file.slice(src.length)}: ${m[0].trim()}`);
    }
    for (const m of text.matchAll(/import\(\s*['"](@switchboard\/[^'"]*)['"]\s*\)/g)) offenders.push(`${file.slice(src.length)}: ${m[0]}`);
  }
  expect(offenders).toEqual([]);
});
