import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FakeClock } from '../util/clock.js';
import { BucketRateLimiter, defaultControllerRateLimiter, ItemExponentialFailureRateLimiter, MaxOfRateLimiter } from './rate-limiter.js';

describe('ItemExponentialFailureRateLimiter', () => {
  it('doubles per failure from the base, caps at the max, and forgets', () => {
    const rl = new ItemExponentialFailureRateLimiter<string>(5, 1000);
    const delays = Array.from({ length: 10 }, () => rl.when('a'));
    assert.deepEqual(delays, [5, 10, 20, 40, 80, 160, 320, 640, 1000, 1000]);
    assert.equal(rl.numRequeues('a'), 10);
    assert.equal(rl.when('b'), 5, 'items are independent');
    rl.forget('a');
    assert.equal(rl.numRequeues('a'), 0);
    assert.equal(rl.when('a'), 5);
  });

  it('stays at the cap for huge failure counts', () => {
    const rl = new ItemExponentialFailureRateLimiter<string>(5, 1_000_000);
    for (let i = 0; i < 2000; i++) rl.when('x');
    assert.equal(rl.when('x'), 1_000_000);
  });
});

describe('BucketRateLimiter', () => {
  it('lets a burst through, then spaces items 1/qps apart, refilling with time', async () => {
    const clock = new FakeClock();
    const rl = new BucketRateLimiter<string>(10, 3, clock);
    assert.deepEqual([rl.when('a'), rl.when('b'), rl.when('c')], [0, 0, 0]);
    assert.equal(Math.round(rl.when('d')), 100);
    assert.equal(Math.round(rl.when('e')), 200);
    await clock.advance(1000);
    // 10 tokens refilled, capped at the burst of 3, minus the 2 borrowed.
    assert.deepEqual([rl.when('f')], [0]);
    assert.equal(rl.numRequeues('a'), 0);
  });
});

describe('defaultControllerRateLimiter', () => {
  it('is the max of per-item backoff (5 ms doubling) and the 10 qps / burst 100 bucket', () => {
    const clock = new FakeClock();
    const rl = defaultControllerRateLimiter<string>(clock);
    assert.equal(rl.when('a'), 5);
    assert.equal(rl.when('a'), 10);
    assert.equal(rl.numRequeues('a'), 2);
    // Drain the bucket: 100 tokens minus the 2 used.
    for (let i = 0; i < 98; i++) assert.equal(rl.when(`k${i}`), 5);
    assert.equal(Math.round(rl.when('z')), 100, 'the bucket now dominates a first failure');
    rl.forget('a');
    assert.equal(rl.numRequeues('a'), 0);
  });

  it('MaxOf records the failure in every limiter', () => {
    const a = new ItemExponentialFailureRateLimiter<string>(1, 100);
    const b = new ItemExponentialFailureRateLimiter<string>(2, 100);
    const rl = new MaxOfRateLimiter(a, b);
    assert.equal(rl.when('x'), 2);
    assert.equal(a.numRequeues('x'), 1);
    assert.equal(b.numRequeues('x'), 1);
  });
});
