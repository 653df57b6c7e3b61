import type { Logger } from '../lib/logger.ts';
import { instanceOwner } from './leased-worker.ts';

export interface InboxWorker {
  start(): void;
  stop(): Promise<void>;
}

export interface InboxWorkersDeps<I extends { id: string; version: string }> {
  log: Logger;
  /** How often the inbox table is read for new, changed, disabled or deleted inboxes. */
  discoverMs: number;
  /** The inboxes that should have a worker now; `version` changes whenever their configuration does. */
  load(): Promise<I[]>;
  /** `owner`: this instance's lease owner id. */
  create(inbox: I, owner: string): InboxWorker;
}

/**
 * One worker per inbox on this instance, following inbox changes: started for new inboxes, restarted when an
 * inbox's version changes, stopped when it is gone or disabled. Started and stopped with the server.
 */
export class InboxWorkers<I extends { id: string; version: string }> {
  /** This instance's lease owner id. */
  readonly owner = instanceOwner();
  readonly #d: InboxWorkersDeps<I>;
  readonly #workers = new Map<string, { version: string; worker: InboxWorker }>();
  #timer: NodeJS.Timeout | undefined;
  #refreshing: Promise<void> = Promise.resolve();
  #stopped = true;

  constructor(deps: InboxWorkersDeps<I>) {
    this.#d = deps;
  }

  /** Inbox ids this instance runs a worker for (it may be waiting for the lease). */
  get inboxIds(): string[] {
    return [...this.#workers.keys()];
  }

  start(): void {
    if (!this.#stopped) return;
    this.#stopped = false;
    void this.refresh();
    this.#timer = setInterval(() => void this.refresh(), this.#d.discoverMs);
    this.#timer.unref();
  }

  /** Re-reads the inboxes now (also called after an inbox is created, changed or deleted). */
  refresh(): Promise<void> {
    this.#refreshing = this.#refreshing.then(() => this.#discover()).catch((err: unknown) => this.#d.log.error({ err }, 'inbox discovery failed'));
    return this.#refreshing;
  }

  async stop(): Promise<void> {
    this.#stopped = true;
    clearInterval(this.#timer);
    await this.#refreshing;
    await Promise.all([...this.#workers.values()].map((w) => w.worker.stop()));
    this.#workers.clear();
  }

  async #discover(): Promise<void> {
    if (this.#stopped) return;
    const inboxes = await this.#d.load();
    if (this.#stopped) return;
    const wanted = new Map(inboxes.map((i) => [i.id, i]));
    for (const [id, w] of this.#workers) {
      if (wanted.get(id)?.version === w.version) continue;
      this.#workers.delete(id);
      this.#d.log.info({ inboxId: id }, wanted.has(id) ? 'inbox changed: restarting its worker' : 'inbox gone or disabled: worker stopped');
      await w.worker.stop();
    }
    for (const inbox of inboxes) {
      if (this.#workers.has(inbox.id)) continue;
      const worker = this.#d.create(inbox, this.owner);
      this.#workers.set(inbox.id, { version: inbox.version, worker });
      worker.start();
    }
  }
}
