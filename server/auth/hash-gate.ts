/**
 * Bounds how many password hashes run at once. scrypt takes tens of milliseconds of a core and
 * runs on libuv's small thread pool (4 threads), which DNS and file I/O share: an unbounded
 * burst of logins queued there would starve everything else (a good login took 32 s during 200
 * bad ones). Past `maxActive` running and `maxWaiting` queued, a login is refused at once with
 * "busy, retry in a moment" instead of joining an ever longer queue.
 */
export class GateBusyError extends Error {
  constructor(readonly retryAfterS: number) {
    super('Too many logins at once; try again in a moment');
  }
}

export class HashGate {
  private active = 0;
  private readonly waiting: Array<() => void> = [];

  constructor(private readonly maxActive = 2, private readonly maxWaiting = 8) {}

  /** Runs `work` when a slot is free; throws GateBusyError at once when even the queue is full. */
  async run<T>(work: () => Promise<T>): Promise<T> {
    if (this.active >= this.maxActive) {
      if (this.waiting.length >= this.maxWaiting) throw new GateBusyError(1);
      await new Promise<void>((resolve) => this.waiting.push(resolve));
    } else {
      this.active++;
    }
    try {
      return await work();
    } finally {
      // Hand the slot straight to the next in line, so `active` never drops below the queue's need.
      const next = this.waiting.shift();
      if (next) next();
      else this.active--;
    }
  }

  /** Hashes running and waiting now (for tests and status). */
  get load(): { active: number; waiting: number } {
    return { active: this.active, waiting: this.waiting.length };
  }
}
