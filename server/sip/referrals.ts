/**
 * Accepted REFERs (RFC 3515): for two minutes, the transferee's next call to the target counts
 * as the transfer, so both of its call records say who transferred it.
 */
import type { Account } from './identity.js';
import { parseNameAddr } from './uri.js';
import type { SipRequest } from './message.js';

/** How long an accepted REFER lets the transferee's next call to the target count as the transfer. */
const REFERRAL_MS = 120_000;

interface Referral {
  transferee: Account;
  by: Account;
  target: string;
  at: number;
}

export class Referrals {
  private referrals: Referral[] = [];

  constructor(private readonly now: () => number = Date.now) {}

  accepted(transferee: Account, by: Account, target: string): void {
    this.referrals.push({ transferee: { domain: transferee.domain, extension: transferee.extension }, by: { domain: by.domain, extension: by.extension }, target, at: this.now() });
  }

  /**
   * The transfer behind a new call, if any: the caller was referred (REFER accepted within the
   * last two minutes) by someone to exactly this number. Referred-By (RFC 3892), when present,
   * must name the referrer; it is not required, since JsSIP does not copy it into the new INVITE.
   * Returns the transferor's extension, and forgets the referral.
   */
  take(caller: Account, domain: string, dialled: string, req: SipRequest): string | null {
    const now = this.now();
    this.referrals = this.referrals.filter((r) => now - r.at < REFERRAL_MS);
    const referredBy = parseNameAddr(req.headers.get('Referred-By') ?? '')?.uri.user;
    const i = this.referrals.findIndex((r) =>
      r.transferee.domain === caller.domain && r.transferee.extension === caller.extension
      && r.target === dialled && r.by.domain === domain && (!referredBy || r.by.extension === referredBy));
    if (i < 0) return null;
    const [referral] = this.referrals.splice(i, 1);
    return referral!.by.extension;
  }
}
