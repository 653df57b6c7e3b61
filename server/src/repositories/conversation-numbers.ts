import type { RawSql } from '@switchboard/db';
import { workspacesRepo } from './workspaces.ts';

type Waiter = { resolve: (n: number) => void; reject: (err: unknown) => void };

/**
 * Display numbers for new conversations, taken outside the caller's transaction (the workspace row is locked
 * for one statement, not a whole ingest). Requests for the same workspace that arrive while a reservation is
 * running wait for the next one, which reserves for all of them at once: under load one autocommit statement
 * (a transaction and its commit) serves many new conversations instead of one. Numbers go out in request order;
 * as before, a transaction that took a number and rolls back leaves a gap.
 */
export class ConversationNumbers {
  readonly #sql: RawSql;
  readonly #queues = new Map<string, Waiter[]>();

  constructor(sql: RawSql) {
    this.#sql = sql;
  }

  next(workspaceId: string): Promise<number> {
    return new Promise<number>((resolve, reject) => {
      const queue = this.#queues.get(workspaceId);
      if (queue) queue.push({ resolve, reject });
      else {
        this.#queues.set(workspaceId, [{ resolve, reject }]);
        void this.#reserve(workspaceId);
      }
    });
  }

  /** Serves the workspace's queue batch by batch until it is empty. */
  async #reserve(workspaceId: string): Promise<void> {
    for (;;) {
      const batch = this.#queues.get(workspaceId)?.splice(0) ?? [];
      if (batch.length === 0) {
        this.#queues.delete(workspaceId);
        return;
      }
      try {
        const last = await workspacesRepo.reserveConversationNumbers(this.#sql, workspaceId, batch.length);
        batch.forEach((w, i) => w.resolve(last - batch.length + 1 + i));
      } catch (err) {
        for (const w of batch) w.reject(err);
      }
    }
  }
}

const perConnection = new WeakMap<RawSql, ConversationNumbers>();

/** The allocator of a database (one per `store.sql`, so concurrent requests of this process share it). */
export function conversationNumbers(sql: RawSql): ConversationNumbers {
  let numbers = perConnection.get(sql);
  if (!numbers) perConnection.set(sql, (numbers = new ConversationNumbers(sql)));
  return numbers;
}
