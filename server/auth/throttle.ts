/**
 * Login throttling: failures are counted per account and per client address in a sliding
 * window; past the limit, further attempts are refused until the window has passed. Unknown
 * accounts are counted like real ones so that the answer never tells whether an account exists.
 */
export interface ThrottleRule {
  maxFailures: number;
  windowMs: number;
}

export const defaultRules = {
  account: { maxFailures: 5, windowMs: 15 * 60_000 },
  address: { maxFailures: 30, windowMs: 15 * 60_000 },
} satisfies Record<string, ThrottleRule>;

export class LoginThrottle {
  private readonly failures = new Map<string, number[]>();

  constructor(
    private readonly rules: { account: ThrottleRule; address: ThrottleRule } = defaultRules,
    private readonly now: () => number = Date.now,
  ) {}

  /** Seconds until the caller may try again, or 0 when allowed. */
  retryAfter(account: string, address: string): number {
    return Math.max(this.blockedFor(`a:${account}`, this.rules.account), this.blockedFor(`i:${address}`, this.rules.address));
  }

  recordFailure(account: string, address: string): void {
    for (const key of [`a:${account}`, `i:${address}`]) {
      const list = this.failures.get(key) ?? [];
      list.push(this.now());
      this.failures.set(key, list);
    }
  }

  recordSuccess(account: string): void {
    this.failures.delete(`a:${account}`);
  }

  /** Drops expired entries; called periodically so the map cannot grow without bound. */
  sweep(): void {
    const horizon = this.now() - Math.max(this.rules.account.windowMs, this.rules.address.windowMs);
    for (const [key, list] of this.failures) {
      const kept = list.filter((t) => t > horizon);
      if (kept.length === 0) this.failures.delete(key);
      else this.failures.set(key, kept);
    }
  }

  private blockedFor(key: string, rule: ThrottleRule): number {
    const list = this.failures.get(key);
    if (!list) return 0;
    const since = this.now() - rule.windowMs;
    const recent = list.filter((t) => t > since);
    this.failures.set(key, recent);
    if (recent.length < rule.maxFailures) return 0;
    const oldestCounted = recent[recent.length - rule.maxFailures]!;
    return Math.ceil((oldestCounted + rule.windowMs - this.now()) / 1000);
  }
}
