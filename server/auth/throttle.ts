/**
 * Login throttling: attempts are counted per account and per client address in a sliding
 * window; past the limit, further attempts are refused until the window has passed. Unknown
 * accounts are counted like real ones so that the answer never tells whether an account exists.
 *
 * Check and count are one step: `reserve()` refuses, or counts the attempt as a failure at once,
 * before the (slow) password check runs. A burst of N parallel guesses therefore checks at most
 * the limit; counting only after the check would let every guess of the burst through, since
 * none of them has failed yet when the others are admitted. A success gives its reservation back.
 */
export interface ThrottleRule {
  maxFailures: number;
  windowMs: number;
}

export const defaultRules = {
  account: { maxFailures: 5, windowMs: 15 * 60_000 },
  address: { maxFailures: 30, windowMs: 15 * 60_000 },
} satisfies Record<string, ThrottleRule>;

/** An admitted attempt, counted as a failure until `succeeded()` or `cancel()` says otherwise. */
export interface Reservation {
  /** The credentials were right: the account's failures are forgiven and this attempt uncounted. */
  succeeded(): void;
  /** Nothing was checked after all (e.g. the server was too busy): uncount this attempt. */
  cancel(): void;
}

export type ReserveResult = { ok: true; reservation: Reservation } | { ok: false; retryAfterS: number };

export class LoginThrottle {
  private readonly attempts = new Map<string, number[]>();

  constructor(
    private readonly rules: { account: ThrottleRule; address: ThrottleRule } = defaultRules,
    private readonly now: () => number = Date.now,
  ) {}

  /** Seconds until the caller may try again, or 0 when allowed (counts nothing). */
  retryAfter(account: string, address: string): number {
    return Math.max(this.blockedFor(`a:${account}`, this.rules.account), this.blockedFor(`i:${address}`, this.rules.address));
  }

  /** Admits one attempt and counts it, or says how long to wait. Synchronous, so atomic. */
  reserve(account: string, address: string): ReserveResult {
    const wait = this.retryAfter(account, address);
    if (wait > 0) return { ok: false, retryAfterS: wait };
    const at = this.now();
    const keys = [`a:${account}`, `i:${address}`];
    for (const key of keys) this.push(key, at);
    let settled = false;
    const uncount = (key: string) => {
      const list = this.attempts.get(key);
      const i = list?.indexOf(at) ?? -1;
      if (list && i >= 0) list.splice(i, 1);
    };
    return {
      ok: true,
      reservation: {
        succeeded: () => {
          if (settled) return;
          settled = true;
          this.attempts.delete(keys[0]!);
          uncount(keys[1]!);
        },
        cancel: () => {
          if (settled) return;
          settled = true;
          keys.forEach(uncount);
        },
      },
    };
  }

  /** Drops expired entries; called periodically so the map cannot grow without bound. */
  sweep(): void {
    const horizon = this.now() - Math.max(this.rules.account.windowMs, this.rules.address.windowMs);
    for (const [key, list] of this.attempts) {
      const kept = list.filter((t) => t > horizon);
      if (kept.length === 0) this.attempts.delete(key);
      else this.attempts.set(key, kept);
    }
  }

  private push(key: string, at: number): void {
    const list = this.attempts.get(key) ?? [];
    list.push(at);
    this.attempts.set(key, list);
  }

  private blockedFor(key: string, rule: ThrottleRule): number {
    const list = this.attempts.get(key);
    if (!list) return 0;
    const since = this.now() - rule.windowMs;
    const recent = list.filter((t) => t > since);
    this.attempts.set(key, recent);
    if (recent.length < rule.maxFailures) return 0;
    const oldestCounted = recent[recent.length - rule.maxFailures]!;
    return Math.max(1, Math.ceil((oldestCounted + rule.windowMs - this.now()) / 1000));
  }
}
