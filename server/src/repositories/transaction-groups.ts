import { Gate } from './gate.ts';

/** A transaction's callback, as Store.transaction takes it (the handle type is the store's business). */
export type TxFn<Tx> = (tx: Tx) => Promise<unknown>;

/**
 * What running a group's fns in one transaction came to: committed, with each fn's result in order; or rolled
 * back (nothing of any fn is stored), with which fns failed by themselves (`culprit`), as opposed to those that
 * only failed because the transaction had already been aborted under them or that had finished.
 */
export type TogetherOutcome = { committed: true; values: unknown[] } | { committed: false; culprit: boolean[] };

/**
 * Runs every fn in one transaction, concurrently, and commits once if all succeed. Throws when the outcome is
 * unknown (e.g. the connection was lost while committing).
 */
export type RunTogether<Tx> = (fns: Array<TxFn<Tx>>) => Promise<TogetherOutcome>;

interface Member<Tx> {
  /** The locks fn takes first; the first one orders the group. */
  keys: readonly string[];
  fn: TxFn<Tx>;
  /** Runs fn in a transaction of its own, with its retries; `slotHeld`: on the gate slot the group holds. */
  alone: (slotHeld: boolean) => Promise<unknown>;
  resolve: (value: unknown) => void;
  reject: (err: unknown) => void;
}

/** A rolled-back group runs again without its culprits at most this often before everyone runs alone. */
const MAX_ROUNDS = 3;

/**
 * Group commit for the ingest's transactions. At most `lanes` of them run at once; one that arrives while every
 * lane is taken joins the group forming for the next free lane, and that group's members run in one database
 * transaction (their statements pipelined on one connection, one COMMIT, one WAL flush). Under load this divides
 * the per-transaction cost (BEGIN/COMMIT, the commit's flush, round trips, the relay's run after each commit) by
 * the group's size; with a lane free a transaction runs at once, alone.
 *
 * The keys of a transaction name the locks and rows it contends for, the lock it takes first first (e.g. the
 * thread's conversation lock, then its contact): two transactions that share a key never share a group, nor does
 * one join while a group holding one of its keys is forming or running (it runs alone and waits for that lock as
 * usual). Members start in the order of their first keys, so two groups take their first locks in the same order.
 *
 * If a member fails, the whole transaction is rolled back: the members that failed by themselves then run alone,
 * with their own retries, and the others run again as a group (on the same slot). A member's outcome is always
 * one it could have had alone; its fn may run more than once, each time in a transaction that was rolled back
 * but the last.
 */
export class TransactionGroups<Tx> {
  #forming: Array<Member<Tx>> | null = null;
  readonly #keys = new Set<string>();
  readonly #gate: Gate;
  readonly #lanes: Gate;
  readonly #together: RunTogether<Tx>;
  readonly #maxSize: number;
  readonly #maxWaitMs: number;
  readonly #stats = { groups: 0, members: 0, rollbacks: 0 };

  constructor(gate: Gate, together: RunTogether<Tx>, opts: { lanes: number; maxSize: number; maxWaitMs: number }) {
    this.#gate = gate;
    this.#lanes = new Gate(opts.lanes);
    this.#together = together;
    this.#maxSize = opts.maxSize;
    this.#maxWaitMs = opts.maxWaitMs;
  }

  /** Groups run with more than one member, their members, and how many of those groups rolled back. */
  get stats(): { groups: number; members: number; rollbacks: number } {
    return { ...this.#stats };
  }

  /** Whether a transaction with these keys may go through the lanes: none of its keys is in a forming or running group. */
  wants(keys: readonly string[]): boolean {
    return keys.length > 0 && !keys.some((k) => this.#keys.has(k));
  }

  /**
   * Runs fn in the forming group (starting one if there is none, or it is full), which runs once it has a lane and
   * a gate slot; a group of one runs fn alone. Resolves with fn's result.
   * `alone` runs fn in a transaction of its own, with its retries (`slotHeld`: on the slot the group holds).
   */
  join<T>(keys: readonly string[], fn: (tx: Tx) => Promise<T>, alone: (slotHeld: boolean) => Promise<T>): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      for (const k of keys) this.#keys.add(k);
      let group = this.#forming;
      if (!group || group.length >= this.#maxSize) {
        group = [];
        this.#forming = group;
        void this.#run(group);
      }
      group.push({ keys, fn, alone, resolve: resolve as (value: unknown) => void, reject });
    });
  }

  async #run(members: Array<Member<Tx>>): Promise<void> {
    const started = performance.now();
    try {
      await this.#lanes.acquire(this.#maxWaitMs);
      try {
        await this.#gate.acquire(Math.max(1, this.#maxWaitMs - Math.round(performance.now() - started)));
      } catch (err) {
        this.#lanes.release();
        throw err;
      }
    } catch (err) {
      // No lane or no connection in time: as for a transaction of one's own that waited for a connection.
      this.#close(members);
      for (const m of members) void this.#settle(m, Promise.reject(err));
      return;
    }
    // The slot is ours: the group is complete.
    this.#close(members);
    const first = (m: Member<Tx>) => m.keys[0] ?? '';
    let group = [...members].sort((a, b) => (first(a) < first(b) ? -1 : first(a) > first(b) ? 1 : 0));
    try {
      for (let round = 0; group.length > 1 && round < MAX_ROUNDS; round++) {
        this.#stats.groups++;
        this.#stats.members += group.length;
        const outcome = await this.#together(group.map((m) => m.fn));
        if (outcome.committed) {
          group.forEach((m, i) => void this.#settle(m, Promise.resolve(outcome.values[i])));
          return;
        }
        this.#stats.rollbacks++;
        const culprits = group.filter((_, i) => outcome.culprit[i]);
        // Nobody to blame (e.g. COMMIT answered ROLLBACK): everyone alone.
        if (culprits.length === 0) break;
        for (const m of culprits) void this.#settle(m, m.alone(false));
        group = group.filter((_, i) => !outcome.culprit[i]);
      }
      const [only] = group;
      if (group.length === 1 && only) await this.#settle(only, only.alone(true));
      else for (const m of group) void this.#settle(m, m.alone(false));
    } catch (err) {
      // The outcome is unknown (the connection was lost while committing): as for a transaction of one's own.
      for (const m of group) void this.#settle(m, Promise.reject(err));
    } finally {
      this.#gate.release();
      this.#lanes.release();
    }
  }

  #close(members: Array<Member<Tx>>): void {
    if (this.#forming === members) this.#forming = null;
  }

  /** Hands a member its outcome and frees its keys. */
  async #settle(m: Member<Tx>, outcome: Promise<unknown>): Promise<void> {
    try {
      m.resolve(await outcome);
    } catch (err) {
      m.reject(err);
    } finally {
      for (const k of m.keys) this.#keys.delete(k);
    }
  }
}
