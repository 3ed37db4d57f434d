/**
 * The domains, remembered for a minute once found: every SIP request names its domain, and
 * asking the store each time was 7% of the platform's CPU per REGISTER (bench/profile-sip.ts).
 * Only domains that exist are remembered, so a domain created a moment ago is found at once.
 */
import type { Domain, DomainRepo } from './types.js';

export const DOMAIN_CACHE_MS = 60_000;

export function cachedDomains(repo: DomainRepo, ttlMs = DOMAIN_CACHE_MS, now: () => number = Date.now): DomainRepo {
  const known = new Map<string, { domain: Domain; until: number }>();
  return {
    async get(name) {
      const hit = known.get(name);
      if (hit && hit.until > now()) return hit.domain;
      const domain = await repo.get(name);
      if (domain) known.set(name, { domain, until: now() + ttlMs });
      else known.delete(name);
      return domain;
    },
    list: () => repo.list(),
    async create(domain) {
      await repo.create(domain);
      known.delete(domain.name);
    },
    async setTimeZone(name, timeZone) {
      known.delete(name);
      return repo.setTimeZone(name, timeZone);
    },
  };
}
