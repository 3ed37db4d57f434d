/**
 * A user's answering rules and the time frames they may use (their own and their
 * organisation's), kept in memory once read: the call router asks `activeRuleOf` on every INVITE,
 * which must not reach the database each time. Every write through the REST layer invalidates
 * what it changed (`invalidate(domain, extension)`; an organisation frame or the organisation's
 * time zone: `invalidate(domain)`, every user of the domain).
 */
import type { TimeFrameInput } from '../../src/data/wire.js';
import type { Store } from '../store/types.js';
import { activeRule } from './active-rule.js';
import type { AnswerRuleRecord, TimeFrameRecord } from './types.js';

/** What is known of one user: their rules in order, the frames they may use, their zone. */
export interface LoadedRules {
  rules: AnswerRuleRecord[];
  /** Their own frames and the organisation's, by id. */
  frames: ReadonlyMap<string, TimeFrameRecord>;
  /** The user's own zone (null: the organisation's). */
  userTimeZone: string | null;
  /** The zone in effect: theirs, else the organisation's. */
  timeZone: string;
}

interface DomainPart {
  frames: TimeFrameRecord[];
  timeZone: string;
}

const key = (domain: string, extension: string) => `${extension}@${domain}`;

export class UserRules {
  private readonly users = new Map<string, Promise<{ rules: AnswerRuleRecord[]; own: TimeFrameRecord[]; timeZone: string | null }>>();
  private readonly domains = new Map<string, Promise<DomainPart>>();

  constructor(
    private readonly store: Pick<Store, 'users' | 'domains' | 'timeFrames' | 'answerRules'>,
    private readonly now: () => number = Date.now,
  ) {}

  /** The rule in force for the user at `at` (now by the platform's clock), and the zone it was judged in. */
  async activeRuleOf(domain: string, extension: string, at: number = this.now()): Promise<{ rule: AnswerRuleRecord; timeZone: string }> {
    const loaded = await this.load(domain, extension);
    return { rule: activeRule(loaded.rules, loaded.frames as ReadonlyMap<string, TimeFrameInput>, at, loaded.timeZone), timeZone: loaded.timeZone };
  }

  /** The user's rules, frames and zone, from memory when they were read before. */
  async load(domain: string, extension: string): Promise<LoadedRules> {
    const [user, org] = await Promise.all([this.userPart(domain, extension), this.domainPart(domain)]);
    const frames = new Map<string, TimeFrameRecord>();
    for (const f of org.frames) frames.set(f.id, f);
    for (const f of user.own) frames.set(f.id, f);
    return { rules: user.rules, frames, userTimeZone: user.timeZone, timeZone: user.timeZone ?? org.timeZone };
  }

  /** Forgets what is known of one user, or (no extension) of the whole domain. */
  invalidate(domain: string, extension?: string): void {
    if (extension !== undefined) {
      this.users.delete(key(domain, extension));
      return;
    }
    this.domains.delete(domain);
    const suffix = `@${domain}`;
    for (const k of [...this.users.keys()]) if (k.endsWith(suffix)) this.users.delete(k);
  }

  private userPart(domain: string, extension: string) {
    const k = key(domain, extension);
    let part = this.users.get(k);
    if (!part) {
      part = (async () => {
        const [rules, own, user] = await Promise.all([
          this.store.answerRules.list(domain, extension),
          this.store.timeFrames.list(domain, extension),
          this.store.users.get(domain, extension),
        ]);
        return { rules, own, timeZone: user?.timeZone ?? null };
      })();
      this.remember(this.users, k, part);
    }
    return part;
  }

  private domainPart(domain: string): Promise<DomainPart> {
    let part = this.domains.get(domain);
    if (!part) {
      part = (async () => {
        const [frames, d] = await Promise.all([this.store.timeFrames.list(domain, null), this.store.domains.get(domain)]);
        return { frames, timeZone: d?.timeZone ?? 'UTC' };
      })();
      this.remember(this.domains, domain, part);
    }
    return part;
  }

  /** Kept while it is the entry; a failed read is forgotten so that the next one tries again. */
  private remember<T>(map: Map<string, Promise<T>>, k: string, part: Promise<T>): void {
    map.set(k, part);
    part.catch(() => { if (map.get(k) === part) map.delete(k); });
  }
}
