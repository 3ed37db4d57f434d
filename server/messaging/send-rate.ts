/**
 * How fast one user may send messages (chat, SMS, SIP MESSAGE alike): a token bucket per user,
 * `burst` messages at once and `perSecond` after that. A person typing never meets it; a script
 * flooding a colleague's screen or a carrier account does. In memory, checked and taken in one
 * synchronous step, so concurrent sends cannot both take the last token.
 */
export interface SendRateRule {
  burst: number;
  perSecond: number;
}

/** Enough for an offline outbox emptying at once, far below a flood. */
export const SEND_RATE: SendRateRule = { burst: 30, perSecond: 2 };

/** Users whose buckets are kept at most; a full bucket is the same as none, so those go first. */
const KEPT = 10_000;

export class SendRate {
  private readonly buckets = new Map<string, { tokens: number; at: number }>();

  constructor(private readonly rule: SendRateRule, private readonly now: () => number = Date.now) {}

  /** Takes a token for `who`: 0 when allowed, else the seconds until the next one. */
  take(who: string): number {
    const now = this.now();
    const b = this.buckets.get(who) ?? { tokens: this.rule.burst, at: now };
    b.tokens = Math.min(this.rule.burst, b.tokens + ((now - b.at) / 1000) * this.rule.perSecond);
    b.at = now;
    this.buckets.delete(who);
    this.buckets.set(who, b); // most recently used last
    if (this.buckets.size > KEPT) this.buckets.delete(this.buckets.keys().next().value!);
    if (b.tokens < 1) return Math.ceil((1 - b.tokens) / this.rule.perSecond);
    b.tokens -= 1;
    return 0;
  }
}
