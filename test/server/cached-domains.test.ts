/** The SIP side's domain lookups: a found domain is remembered for a while; a missing one never is. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { cachedDomains } from '../../server/store/cached-domains.js';
import type { Domain, DomainRepo } from '../../server/store/types.js';

function countingRepo(domains: Domain[]): DomainRepo & { gets: number } {
  const repo = {
    gets: 0,
    async get(name: string) { repo.gets++; return domains.find((d) => d.name === name); },
    async list() { return domains; },
    async create(d: Domain) { domains.push(d); },
    async setTimeZone(name: string, timeZone: string) {
      const d = domains.find((x) => x.name === name);
      if (d) d.timeZone = timeZone;
      return Boolean(d);
    },
  };
  return repo;
}

describe('cached domains', () => {
  it('asks the store once per minute for a domain that exists', async () => {
    let now = 1_000;
    const repo = countingRepo([{ name: 'demo', description: '', createdAt: 0 }]);
    const domains = cachedDomains(repo, 60_000, () => now);
    for (let i = 0; i < 5; i++) assert.equal((await domains.get('demo'))?.name, 'demo');
    assert.equal(repo.gets, 1);
    now += 60_001;
    await domains.get('demo');
    assert.equal(repo.gets, 2, 'asked again once the minute is over');
  });

  it('never remembers a missing domain: one created now is found at once', async () => {
    const repo = countingRepo([]);
    const domains = cachedDomains(repo);
    assert.equal(await domains.get('acme.example'), undefined);
    await domains.create({ name: 'acme.example', description: 'Acme', createdAt: 0 });
    assert.equal((await domains.get('acme.example'))?.description, 'Acme');
    assert.equal(repo.gets, 2);
  });

  it('forgets a domain whose time zone is set, so the new zone is read at once', async () => {
    const repo = countingRepo([{ name: 'demo', description: '', createdAt: 0, timeZone: 'UTC' }]);
    const domains = cachedDomains(repo);
    assert.equal((await domains.get('demo'))?.timeZone, 'UTC');
    assert.equal(await domains.setTimeZone('demo', 'Europe/Paris'), true);
    assert.equal((await domains.get('demo'))?.timeZone, 'Europe/Paris');
  });
});
