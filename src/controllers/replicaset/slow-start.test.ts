import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { slowStartBatch } from './slow-start.js';

/** Runs slowStartBatch with calls failing at the given (0-based) call numbers; records batch sizes. */
async function run(count: number, failAt: number[]): Promise<{ successes: number; error?: unknown; batches: number[]; calls: number }> {
  let call = 0;
  let inFlight = 0;
  const batches: number[] = [];
  const res = await slowStartBatch(count, 1, async () => {
    const n = call++;
    if (inFlight === 0) batches.push(0);
    inFlight++;
    batches[batches.length - 1]!++;
    await new Promise((r) => setImmediate(r));
    inFlight--;
    if (failAt.includes(n)) throw new Error(`call ${n} failed`);
  });
  return { ...res, batches, calls: call };
}

describe('slowStartBatch', () => {
  const cases: { name: string; count: number; failAt: number[]; batches: number[]; successes: number; failed: boolean }[] = [
    { name: 'nothing to do', count: 0, failAt: [], batches: [], successes: 0, failed: false },
    { name: 'doubling batches: 1, 2, 4, then the rest', count: 10, failAt: [], batches: [1, 2, 4, 3], successes: 10, failed: false },
    { name: 'a first failure stops everything', count: 10, failAt: [0], batches: [1], successes: 0, failed: true },
    { name: 'a failure in the third batch lets that batch finish, then stops', count: 10, failAt: [4], batches: [1, 2, 4], successes: 6, failed: true },
    { name: 'exactly a power-of-two sum', count: 7, failAt: [], batches: [1, 2, 4], successes: 7, failed: false },
  ];
  for (const c of cases) {
    it(c.name, async () => {
      const r = await run(c.count, c.failAt);
      assert.deepEqual(r.batches, c.batches);
      assert.equal(r.successes, c.successes);
      assert.equal(r.error !== undefined, c.failed);
      assert.equal(r.calls, c.batches.reduce((a, b) => a + b, 0));
    });
  }

  it('returns the first failure of the failing batch', async () => {
    const r = await run(7, [1, 2]);
    assert.match((r.error as Error).message, /^call 1 failed$/);
    assert.equal(r.successes, 1);
  });
});
