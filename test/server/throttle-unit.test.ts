/**
 * The login throttle and the hash gate on their own, with an injected clock: the window, the
 * wait they announce, what a success and a cancel give back, and the bounds of the gate.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { GateBusyError, HashGate } from '../../server/auth/hash-gate.js';
import { defaultRules, LoginThrottle } from '../../server/auth/throttle.js';

const rules = { account: { maxFailures: 3, windowMs: 60_000 }, address: { maxFailures: 5, windowMs: 120_000 } };

function clock(start = 1_000_000) {
  const c = { now: start, fn: () => c.now };
  return c;
}

describe('LoginThrottle', { timeout: 10_000 }, () => {
  it('has the documented default rules: 5 per account and 30 per address in 15 minutes', () => {
    assert.deepEqual(defaultRules, { account: { maxFailures: 5, windowMs: 900_000 }, address: { maxFailures: 30, windowMs: 900_000 } });
  });

  it('admits up to the account limit, then says how long to wait until the oldest attempt leaves the window', () => {
    const c = clock();
    const t = new LoginThrottle(rules, c.fn);
    for (let i = 0; i < 3; i++) {
      assert.equal(t.reserve('a', 'ip1').ok, true, `attempt ${i + 1}`);
      c.now += 10_000;
    }
    const refused = t.reserve('a', 'ip2');
    assert.deepEqual(refused, { ok: false, retryAfterS: 30 }, 'first attempt at t0, window 60 s, now t0+30 s');
    assert.equal(t.retryAfter('a', 'ip2'), 30);
    assert.equal(t.retryAfter('b', 'ip2'), 0, 'another account is not affected');
    c.now += 30_000;
    assert.equal(t.retryAfter('a', 'ip2'), 0, 'the oldest attempt has left the window');
    assert.equal(t.reserve('a', 'ip2').ok, true);
  });

  it('counts an address across accounts', () => {
    const c = clock();
    const t = new LoginThrottle(rules, c.fn);
    for (let i = 0; i < 5; i++) assert.equal(t.reserve(`u${i}`, 'ip').ok, true);
    const refused = t.reserve('u9', 'ip');
    assert.equal(refused.ok, false);
    assert.equal(!refused.ok && refused.retryAfterS, 120);
    assert.equal(t.reserve('u9', 'other-ip').ok, true);
  });

  it('never announces a wait under 1 s while refusing', () => {
    const c = clock();
    const t = new LoginThrottle(rules, c.fn);
    for (let i = 0; i < 3; i++) t.reserve('a', 'ip');
    c.now += 59_999;
    assert.equal(t.retryAfter('a', 'ip'), 1);
  });

  it('forgives the account on success and uncounts that attempt from the address', () => {
    const c = clock();
    const t = new LoginThrottle(rules, c.fn);
    t.reserve('a', 'ip');
    t.reserve('a', 'ip');
    const r = t.reserve('a', 'ip');
    assert.ok(r.ok);
    r.reservation.succeeded();
    r.reservation.succeeded(); // settling twice changes nothing
    for (let i = 0; i < 3; i++) assert.equal(t.reserve('a', 'ip2').ok, true, 'the account starts afresh');
    // ip kept its two failures only: three more accounts fit, the fourth is refused.
    for (let i = 0; i < 3; i++) assert.equal(t.reserve(`x${i}`, 'ip').ok, true);
    assert.equal(t.reserve('y', 'ip').ok, false);
  });

  it('gives a cancelled attempt back to both the account and the address, once', () => {
    const c = clock();
    const t = new LoginThrottle(rules, c.fn);
    const held = [t.reserve('a', 'ip'), t.reserve('a', 'ip'), t.reserve('a', 'ip')];
    assert.equal(t.reserve('a', 'ip').ok, false);
    const last = held[2]!;
    assert.ok(last.ok);
    last.reservation.cancel();
    last.reservation.cancel();
    last.reservation.succeeded(); // already settled: no forgiveness
    assert.equal(t.reserve('a', 'ip').ok, true, 'one slot came back');
    assert.equal(t.reserve('a', 'ip').ok, false, 'and only one');
  });

  it('sweeps expired entries but keeps live ones', () => {
    const c = clock();
    const t = new LoginThrottle(rules, c.fn);
    for (let i = 0; i < 3; i++) t.reserve('old', 'ip-old');
    c.now += 100_000;
    for (let i = 0; i < 3; i++) t.reserve('new', 'ip-new');
    c.now += 30_000; // old attempts are 130 s old: past both windows
    t.sweep();
    assert.equal(t.retryAfter('old', 'ip-old'), 0);
    assert.ok(t.retryAfter('new', 'ip-new') > 0);
  });
});

describe('HashGate', { timeout: 10_000 }, () => {
  const deferred = () => {
    let resolve!: () => void;
    const promise = new Promise<void>((r) => (resolve = r));
    return { promise, resolve };
  };

  it('runs at most maxActive at once, queues maxWaiting, refuses the rest at once, and drains in order', async () => {
    const gate = new HashGate(2, 1);
    const jobs = [deferred(), deferred(), deferred()];
    const order: number[] = [];
    const runs = jobs.map((j, i) => gate.run(async () => { order.push(i); await j.promise; return i; }));
    await new Promise((r) => setImmediate(r));
    assert.deepEqual(gate.load, { active: 2, waiting: 1 });
    assert.deepEqual(order, [0, 1]);
    await assert.rejects(gate.run(async () => 9), (err: unknown) => err instanceof GateBusyError && err.retryAfterS === 1);
    jobs[0]!.resolve();
    assert.equal(await runs[0], 0);
    await new Promise((r) => setImmediate(r));
    assert.deepEqual(order, [0, 1, 2], 'the queued job took the freed slot');
    assert.deepEqual(gate.load, { active: 2, waiting: 0 });
    jobs[1]!.resolve();
    jobs[2]!.resolve();
    assert.deepEqual(await Promise.all(runs), [0, 1, 2]);
    assert.deepEqual(gate.load, { active: 0, waiting: 0 });
  });

  it('frees its slot when the work throws', async () => {
    const gate = new HashGate(1, 0);
    await assert.rejects(gate.run(async () => { throw new Error('boom'); }), /boom/);
    assert.deepEqual(gate.load, { active: 0, waiting: 0 });
    assert.equal(await gate.run(async () => 'ok'), 'ok');
  });

  it('defaults to 2 running and 8 waiting', async () => {
    const gate = new HashGate();
    const hold = deferred();
    const runs = Array.from({ length: 10 }, () => gate.run(() => hold.promise));
    await new Promise((r) => setImmediate(r));
    assert.deepEqual(gate.load, { active: 2, waiting: 8 });
    await assert.rejects(gate.run(async () => 0), GateBusyError);
    hold.resolve();
    await Promise.all(runs);
  });
});
