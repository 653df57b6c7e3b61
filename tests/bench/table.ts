import type { BenchRow } from './types.ts';

export const COLUMNS = ['scenario', 'store', 'messages', 'seconds', 'msg/s', 'vs baseline', 'p50 ms', 'p95 ms', 'errors'] as const;

const fixed = (n: number | null, digits: number) => (n === null ? '-' : n.toFixed(digits));

/** The cells of each row; the ratio divides by the rate of the row named in `baseline`. */
export function cells(all: readonly BenchRow[]): string[][] {
  const byId = new Map(all.map((r) => [r.id, r]));
  return all.filter((r) => r.sizeKb === undefined).map((r) => {
    const base = r.baseline ? byId.get(r.baseline) : undefined;
    const ratio = r.baseline === undefined ? 'baseline' : base ? `${((r.rate / base.rate) * 100).toFixed(1)} %` : '-';
    return [r.scenario, r.store, String(r.messages), fixed(r.seconds, 2), fixed(r.rate, r.rate < 10 ? 2 : 0), ratio, fixed(r.p50Ms, 1), fixed(r.p95Ms, 1), String(r.errors)];
  });
}

const numeric = (col: number) => col >= 2;

export function textTable(rows: readonly BenchRow[]): string {
  const body = cells(rows);
  const widths = COLUMNS.map((h, i) => Math.max(h.length, ...body.map((row) => (row[i] ?? '').length)));
  const line = (row: readonly string[]) =>
    row.map((c, i) => (numeric(i) ? c.padStart(widths[i] ?? 0) : c.padEnd(widths[i] ?? 0))).join('  ').trimEnd();
  return [line(COLUMNS), widths.map((w) => '-'.repeat(w)).join('  '), ...body.map(line)].join('\n');
}

export function markdownTable(rows: readonly BenchRow[]): string {
  const body = cells(rows);
  return [
    `| ${COLUMNS.join(' | ')} |`,
    `|${COLUMNS.map((_, i) => (numeric(i) ? '---:' : '---')).join('|')}|`,
    ...body.map((row) => `| ${row.join(' | ')} |`),
  ].join('\n');
}

const CPU_COLUMNS = ['scenario', 'store', 'app ms/msg', 'db ms/msg', 'client ms/msg'] as const;

/** Secondary table: CPU cost per unit, for rows that measured it. */
export function cpuTable(rows: readonly BenchRow[], markdown = false): string {
  const body = rows
    .filter((r) => r.cpuMsPerUnit)
    .map((r) => [r.scenario, r.store, fixed(r.cpuMsPerUnit?.app ?? null, 2), fixed(r.cpuMsPerUnit?.db ?? null, 2), fixed(r.cpuMsPerUnit?.client ?? null, 2)]);
  if (markdown) {
    return [`| ${CPU_COLUMNS.join(' | ')} |`, `|${CPU_COLUMNS.map((_, i) => (numeric(i) ? '---:' : '---')).join('|')}|`, ...body.map((row) => `| ${row.join(' | ')} |`)].join('\n');
  }
  const widths = CPU_COLUMNS.map((h, i) => Math.max(h.length, ...body.map((row) => (row[i] ?? '').length)));
  const line = (row: readonly string[]) => row.map((c, i) => (numeric(i) ? c.padStart(widths[i] ?? 0) : c.padEnd(widths[i] ?? 0))).join('  ').trimEnd();
  return [line(CPU_COLUMNS), widths.map((w) => '-'.repeat(w)).join('  '), ...body.map(line)].join('\n');
}

/** Size rows (bundle sizes), one line each: `widget.js (chat widget)  38.5 kB gzip  (minified 112.2 kB)`. */
export function sizeTable(rows: readonly BenchRow[], markdown = false): string {
  const sized = rows.filter((r) => r.sizeKb !== undefined);
  if (markdown) return ['| what | gzip kB | notes |', '|---|---:|---|', ...sized.map((r) => `| ${r.scenario} | ${fixed(r.sizeKb ?? null, 1)} | ${r.notes ?? ''} |`)].join('\n');
  const width = Math.max(0, ...sized.map((r) => r.scenario.length));
  return sized.map((r) => `${r.scenario.padEnd(width)}  ${fixed(r.sizeKb ?? null, 1).padStart(6)} kB gzip${r.notes ? `  (${r.notes})` : ''}`).join('\n');
}
