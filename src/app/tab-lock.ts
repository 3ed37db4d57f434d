/**
 * One phone per user per browser: only the tab holding the Web Lock registers a SIP user agent,
 * so a second tab does not make the user ring twice. Another tab can take the phone over
 * (`steal`), and the tab that loses it is told so it can stop its phone.
 */
export type TabLockState = 'owner' | 'elsewhere';

export class TabLock {
  private release: (() => void) | null = null;

  constructor(private readonly name: string, private readonly onLost: () => void) {}

  /** Tries to own the phone; resolves 'elsewhere' when another tab has it. */
  acquire(steal = false): Promise<TabLockState> {
    if (!('locks' in navigator)) return Promise.resolve('owner'); // no Web Locks: nothing to coordinate with
    return new Promise((resolve) => {
      const options: LockOptions = steal ? { steal: true } : { ifAvailable: true };
      navigator.locks
        .request(this.name, options, (lock) => {
          if (!lock) {
            resolve('elsewhere');
            return undefined;
          }
          resolve('owner');
          // Holding the returned promise open keeps the lock until release() or a steal.
          return new Promise<void>((done) => (this.release = done));
        })
        .catch((err: unknown) => {
          // Another tab stole the lock (AbortError on the promise of the holder).
          if ((err as DOMException).name === 'AbortError' && this.release) {
            this.release = null;
            this.onLost();
          }
        });
    });
  }

  releaseLock(): void {
    this.release?.();
    this.release = null;
  }
}
