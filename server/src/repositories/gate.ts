/** Counting semaphore with FIFO hand-off and a bounded wait (the store's transaction slots). */
export class Gate {
  #free: number;
  readonly #waiters: Array<() => void> = [];
  constructor(slots: number) {
    this.#free = slots;
  }

  /** No slot free: an acquire now would wait. */
  get full(): boolean {
    return this.#free === 0;
  }

  async acquire(timeoutMs: number): Promise<void> {
    if (this.#free > 0) {
      this.#free--;
      return;
    }
    await new Promise<void>((resolve, reject) => {
      const grant = () => {
        clearTimeout(timer);
        resolve();
      };
      const timer = setTimeout(() => {
        const i = this.#waiters.indexOf(grant);
        if (i >= 0) this.#waiters.splice(i, 1);
        reject(new Error(`no database connection for a transaction within ${timeoutMs} ms`));
      }, timeoutMs);
      this.#waiters.push(grant);
    });
  }

  release(): void {
    const next = this.#waiters.shift();
    if (next) next(); // the slot passes straight to the next waiter
    else this.#free++;
  }
}
