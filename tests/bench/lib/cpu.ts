// CPU time of the processes involved in a measurement (Linux /proc), so rows can be compared by cost
// per message even when other work on the machine disturbs the wall-clock numbers.
import { readFileSync } from 'node:fs';
import pg from 'pg';

const TICK_MS = 10; // USER_HZ is 100 on Linux

/** user and system CPU milliseconds of a process, or null when it cannot be read. */
export function processCpu(pid: number): { user: number; system: number } | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return { user: Number(fields[11]) * TICK_MS, system: Number(fields[12]) * TICK_MS }; // utime, stime (fields 14, 15)
  } catch {
    return null;
  }
}

export function processCpuMs(pid: number): number | null {
  const c = processCpu(pid);
  return c ? c.user + c.system : null;
}

/** The server processes (backends) serving one database, by pid. */
export async function backendPids(url: string): Promise<number[]> {
  const database = new URL(url).pathname.slice(1);
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const r = await client.query<{ pid: number }>('SELECT pid FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()', [database]);
    return r.rows.map((row) => row.pid);
  } finally {
    await client.end();
  }
}

/** Samples CPU of the given pids (and of this process) now; `since()` gives the deltas in ms. */
export function cpuSampler(pids: number[]) {
  const start = new Map(pids.map((pid) => [pid, processCpu(pid)]));
  const self = process.cpuUsage();
  return {
    /** Total CPU ms of `pids` since the sample (pids that vanished count what was read). */
    pids(): number {
      const s = this.split();
      return s.user + s.system;
    },
    /** The same, split into user and kernel time. */
    split(): { user: number; system: number } {
      const sum = { user: 0, system: 0 };
      for (const [pid, before] of start) {
        const now = processCpu(pid);
        if (before === null || now === null) continue;
        sum.user += now.user - before.user;
        sum.system += now.system - before.system;
      }
      return sum;
    },
    /** CPU ms of this process (the load generator) since the sample. */
    self(): number {
      const d = process.cpuUsage(self);
      return (d.user + d.system) / 1000;
    },
  };
}
