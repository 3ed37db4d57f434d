import { expect } from '@open-wc/testing';
import { deleteDB, type IDBPDatabase } from 'idb';
import type { ContactFields } from '../../../src/data/wire.js';
import { openSwitchboardDB, type ContactChange, type SwitchboardDB } from '../../../src/data/db.js';
import { hasUnsentChanges, Outbox, queuedEntries, type OutboxEntry, type OutboxFailure, type OutboxHandler, type OutboxOptions } from '../../../src/data/outbox.js';

const FIELDS: ContactFields = { first_name: '', last_name: '', company: '', email: '', notes: '', numbers: [] };
const create = (id: string, first_name = id): ContactChange => ({ kind: 'create', id, clientId: `cid-${id}`, fields: { ...FIELDS, first_name } });
const update = (id: string, baseVersion: number, first_name: string): ContactChange => ({
  kind: 'update', id, baseVersion, base: FIELDS, fields: { ...FIELDS, first_name }, recreateId: `re-${id}`,
});

class Unreachable extends Error {}
class Conflict extends Error {
  constructor(readonly version: number) {
    super('conflict');
  }
}
class Invalid extends Error {}

/**
 * A platform for the outbox, in memory: it records what it was sent, keeps one version per id
 * (an update on an older one is a Conflict), answers a client id it has seen with the same
 * result, and fails every call while `down`.
 */
class FakePlatform {
  down = false;
  sent: string[] = [];
  versions = new Map<string, number>();
  byClientId = new Map<string, string>();
  created = 0;
  invalid = new Set<string>();

  async send(entry: OutboxEntry<'contacts'>): Promise<string> {
    if (this.down) throw new Unreachable('unreachable');
    const c = entry.change;
    this.sent.push(`${c.kind} ${c.id}${c.kind === 'update' ? ` v${c.baseVersion}` : ''}`);
    if (this.invalid.has(c.id)) throw new Invalid(`${c.id} is invalid`);
    if (c.kind === 'create') {
      const seen = this.byClientId.get(entry.clientId);
      if (seen) return seen;
      this.created += 1;
      this.byClientId.set(entry.clientId, c.id);
      this.versions.set(c.id, 1);
      return c.id;
    }
    if (c.kind === 'update') {
      const v = this.versions.get(c.id) ?? 0;
      if (v !== c.baseVersion) throw new Conflict(v);
      this.versions.set(c.id, v + 1);
      return `${c.id}@${v + 1}`;
    }
    return `deleted ${c.id}`;
  }
}

describe('Outbox (real IndexedDB)', () => {
  let name = '';
  let db: Promise<IDBPDatabase<SwitchboardDB>>;
  const outboxes: Outbox<'contacts', string>[] = [];
  beforeEach(() => {
    name = `switchboard-outbox-${crypto.randomUUID()}`;
    db = openSwitchboardDB(name);
  });
  afterEach(async () => {
    for (const o of outboxes.splice(0)) o.stop();
    (await db).close();
    await deleteDB(name);
  });

  /** An outbox over `platform`; settled and refused entries are listed in `log`. */
  function outbox(platform: FakePlatform, options: OutboxOptions & { resolve?: OutboxHandler<'contacts', string>['resolve'] } = {}) {
    const log: string[] = [];
    const handler: OutboxHandler<'contacts', string> = {
      stores: ['contacts'],
      send: (entry) => platform.send(entry),
      classify: (err): OutboxFailure => (err instanceof Unreachable ? 'retry' : err instanceof Conflict ? 'conflict' : 'refused'),
      settle: async (tx, entry, result) => {
        // In the same transaction as the entry's removal: a store the handler declared.
        await tx.objectStore('contacts').put({ ...FIELDS, id: result, client_id: entry.clientId, created_at: '', updated_at: '', version: 1 });
        log.push(`settled ${result}`);
      },
      refuse: async (_tx, entry, err) => {
        log.push(`refused ${entry.change.id}: ${(err as Error).message}`);
      },
      ...(options.resolve ? { resolve: options.resolve } : {}),
    };
    const o = new Outbox(db, 'contacts', handler, { retryMs: null, ...options });
    outboxes.push(o);
    return { o, log };
  }

  async function queue(o: Outbox<'contacts', string>, ...changes: ContactChange[]): Promise<number[]> {
    const seqs: number[] = [];
    for (const change of changes) {
      const tx = await o.transaction();
      seqs.push(await o.enqueue(tx, change, change.kind === 'create' ? change.clientId : undefined));
      await tx.done;
    }
    return seqs;
  }

  it('sends in the order queued, one at a time, and empties the queue', async () => {
    const platform = new FakePlatform();
    const { o, log } = outbox(platform);
    await queue(o, create('a'), create('b'), update('a', 1, 'A'), create('c'));
    expect(await o.count()).to.equal(4);
    expect((await o.entries()).map((e) => e.change.id)).to.deep.equal(['a', 'b', 'a', 'c']);
    await o.flush();
    expect(platform.sent).to.deep.equal(['create a', 'create b', 'update a v1', 'create c']);
    expect(log).to.deep.equal(['settled a', 'settled b', 'settled a@2', 'settled c']);
    expect(await o.count()).to.equal(0);
    // settle wrote in the same transaction that removed the entry.
    expect((await (await db).getAll('contacts')).map((c) => c.id).sort()).to.deep.equal(['a', 'a@2', 'b', 'c']);
  });

  it('a failure to reach the platform stops the queue where it is, keeping the rest in order', async () => {
    const platform = new FakePlatform();
    const { o } = outbox(platform);
    await queue(o, create('a'), create('b'));
    platform.down = true;
    let error: unknown;
    await o.flush().catch((e) => (error = e));
    expect(error).to.be.instanceOf(Unreachable);
    expect((await o.entries()).map((e) => e.change.id)).to.deep.equal(['a', 'b']);
    platform.down = false;
    await queue(o, create('c'));
    await o.flush();
    expect(platform.sent).to.deep.equal(['create a', 'create b', 'create c']);
  });

  it('retries by itself with a growing wait, and a success resets it', async () => {
    const platform = new FakePlatform();
    let flushes = 0;
    const { o } = outbox(platform, { retryMs: 40, maxRetryMs: 160, flushed: () => void (flushes += 1) });
    await queue(o, create('a'));
    platform.down = true;
    const started = performance.now();
    await o.flush().catch(() => undefined);
    expect(o.retrying).to.equal(true);
    // Attempts at about 0, 40, 120 (40 + 80) ms.
    await until(() => flushes >= 3);
    const elapsed = performance.now() - started;
    expect(elapsed).to.be.greaterThan(110);
    platform.down = false;
    // The next wait is 160 ms (capped), then the send goes through.
    await until(() => platform.sent.length === 1, 2000);
    await until(() => !o.retrying);
    expect(await o.count()).to.equal(0);
    expect(platform.sent).to.deep.equal(['create a']);
  });

  it('stop() ends the timed retries, also one a flush under way would schedule; the next flush resumes them', async () => {
    const platform = new FakePlatform();
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const { o } = outbox(platform, { retryMs: 20 });
    await queue(o, create('a'));
    platform.down = true;
    const slow = platform.send.bind(platform);
    platform.send = async (entry) => {
      await gate;
      return slow(entry);
    };
    const flushing = o.flush().catch(() => undefined);
    o.stop(); // a logout while the send is under way
    release();
    await flushing;
    expect(o.retrying).to.equal(false);
    await o.flush().catch(() => undefined);
    expect(o.retrying).to.equal(true);
  });

  it('is idempotent by client id: queued once, and a resend after a lost answer creates nothing new', async () => {
    const platform = new FakePlatform();
    const { o, log } = outbox(platform);
    const [first, again] = await queue(o, create('a'), create('a'));
    expect(again).to.equal(first);
    expect(await o.count()).to.equal(1);
    // The platform took it but the answer was lost: the entry is still queued, and goes again.
    await platform.send((await o.entries())[0]!);
    await o.flush();
    expect(platform.created).to.equal(1);
    expect(log).to.deep.equal(['settled a']);
    // An entry queued without a client id gets its own.
    const [x, y] = await queue(o, update('a', 1, 'X'), update('a', 1, 'Y'));
    expect(x).to.not.equal(y);
    const ids = (await o.entries()).map((e) => e.clientId);
    expect(new Set(ids).size).to.equal(2);
  });

  it('hands a conflict to the resolve hook: a rewritten change is resent, or settled as it stands', async () => {
    const platform = new FakePlatform();
    const seen: string[] = [];
    const { o, log } = outbox(platform, {
      resolve: async (entry, err) => {
        seen.push(`${entry.change.id} at v${(err as Conflict).version}`);
        const change = entry.change;
        if (change.kind !== 'update') throw err;
        if (change.id === 'b') return { done: `kept theirs of ${change.id}` };
        return { resend: { ...change, baseVersion: (err as Conflict).version } };
      },
    });
    platform.versions.set('a', 3);
    platform.versions.set('b', 7);
    await queue(o, update('a', 1, 'A'), update('b', 1, 'B'));
    await o.flush();
    expect(seen).to.deep.equal(['a at v3', 'b at v7']);
    expect(platform.sent).to.deep.equal(['update a v1', 'update a v3', 'update b v1']);
    expect(log).to.deep.equal(['settled a@4', 'settled kept theirs of b']);
    expect(await o.count()).to.equal(0);
  });

  it('a conflict without a hook, an endless conflict and a refusal are refused, and the queue goes on', async () => {
    const platform = new FakePlatform();
    platform.versions.set('a', 2);
    platform.invalid.add('b');
    const { o, log } = outbox(platform);
    await queue(o, update('a', 1, 'A'), create('b'), create('c'));
    await o.flush();
    expect(log).to.deep.equal(['refused a: conflict', 'refused b: b is invalid', 'settled c']);

    // A hook that keeps resending the same stale change: given up after a few rounds.
    let rounds = 0;
    const stubborn = outbox(platform, { resolve: async (entry) => (rounds++, { resend: entry.change }) });
    await queue(stubborn.o, update('a', 1, 'again'));
    await stubborn.o.flush();
    expect(rounds).to.equal(5);
    expect(stubborn.log).to.deep.equal(['refused a: conflict']);
  });

  it('changes can be rewritten in place and dropped in a transaction with a local change', async () => {
    const platform = new FakePlatform();
    const { o } = outbox(platform);
    await queue(o, create('a', 'first'), create('b'));
    const tx = await o.transaction(['contacts']);
    const [a, b] = await o.entries(tx);
    await o.replace(tx, a!, create('a', 'second'));
    await o.remove(tx, b!.seq);
    await tx.done;
    const entries = await o.entries();
    expect(entries.map((e) => [e.seq, e.clientId, e.change.kind === 'create' && e.change.fields.first_name])).to.deep.equal([[a!.seq, 'cid-a', 'second']]);
  });

  it('lists only its own resource\'s entries; hasUnsentChanges sees any resource\'s', async () => {
    const raw = await db;
    expect(await hasUnsentChanges(raw)).to.equal(false);
    const { o } = outbox(new FakePlatform());
    // A change of another resource (chat messages, voicemail moves will share the store).
    await raw.add('outbox', { resource: 'voicemail', clientId: 'vm-1', change: { kind: 'move', id: 'm1' } } as never);
    expect(await hasUnsentChanges(raw)).to.equal(true);
    expect(await o.entries()).to.deep.equal([]);
    await queue(o, create('a'));
    expect((await o.entries()).map((e) => e.change.id)).to.deep.equal(['a']);
    const tx = await o.transaction();
    expect((await o.entries(tx)).map((e) => e.resource)).to.deep.equal(['contacts']);
    expect((await queuedEntries(tx, 'contacts')).map((e) => e.clientId)).to.deep.equal(['cid-a']);
    await tx.done;
    expect(await o.count()).to.equal(1);
  });

  it('reads contact changes stored before the outbox was generic, in their order', async () => {
    const raw = await db;
    // As version 2 of the app wrote them: the bare change, keyed by seq.
    await raw.add('outbox', create('old1'));
    await raw.add('outbox', { kind: 'delete', id: 'old2', baseVersion: 1, base: FIELDS });
    const platform = new FakePlatform();
    const { o, log } = outbox(platform);
    await queue(o, create('new'));
    const entries = await o.entries();
    expect(entries.map((e) => [e.resource, e.change.id])).to.deep.equal([['contacts', 'old1'], ['contacts', 'old2'], ['contacts', 'new']]);
    expect(entries[0]!.clientId).to.equal('cid-old1');
    expect(entries[0]!.change).to.not.have.property('seq');
    await o.flush();
    expect(platform.sent).to.deep.equal(['create old1', 'delete old2', 'create new']);
    expect(log).to.have.length(3);
  });
});

async function until(done: () => boolean, timeoutMs = 1000): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!done()) {
    if (performance.now() > deadline) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 5));
  }
}
