/** The per-user send limit: a burst, then a steady rate; each user has their own bucket. */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { SendRate } from '../../server/messaging/send-rate.js';

describe('SendRate', () => {
  it('allows the burst at once, then one per 1/perSecond, and says how long to wait', () => {
    let now = 0;
    const rate = new SendRate({ burst: 3, perSecond: 2 }, () => now);
    assert.deepEqual([rate.take('a'), rate.take('a'), rate.take('a')], [0, 0, 0]);
    assert.equal(rate.take('a'), 1, 'the fourth at once waits');
    assert.equal(rate.take('b'), 0, 'another user has a bucket of their own');
    now += 500;
    assert.equal(rate.take('a'), 0, 'half a second later one more');
    assert.equal(rate.take('a'), 1);
    now += 10_000;
    assert.deepEqual([rate.take('a'), rate.take('a'), rate.take('a'), rate.take('a')], [0, 0, 0, 1], 'refilled to the burst, no more');
  });
});
