import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { BoundedQueue } from './bounded-queue.js';

describe('BoundedQueue', () => {
  it('delivers queued items in order, then waits for more', async () => {
    const q = new BoundedQueue<number>(10, () => new Error('overflow'));
    q.push(1);
    q.push(2);
    assert.deepEqual(await q.next(), { value: 1, done: false });
    assert.deepEqual(await q.next(), { value: 2, done: false });
    const waiting = q.next();
    q.push(3);
    assert.deepEqual(await waiting, { value: 3, done: false });
  });

  it('closes with the overflow error when full, after the queued items', async () => {
    const q = new BoundedQueue<number>(2, () => new Error('too slow'));
    assert.equal(q.push(1), true);
    assert.equal(q.push(2), true);
    assert.equal(q.push(3), false);
    assert.equal(q.push(4), false);
    assert.deepEqual(await q.next(), { value: 1, done: false });
    assert.deepEqual(await q.next(), { value: 2, done: false });
    await assert.rejects(q.next(), /too slow/);
  });

  it('ends normally on close() and wakes a waiting consumer', async () => {
    const q = new BoundedQueue<number>(2, () => new Error('x'));
    const waiting = q.next();
    q.close();
    assert.deepEqual(await waiting, { value: undefined, done: true });
    assert.equal(q.push(1), false);
  });

  it('rejects a waiting consumer when closed with an error', async () => {
    const q = new BoundedQueue<number>(2, () => new Error('x'));
    const waiting = q.next();
    q.close(new Error('store closed'));
    await assert.rejects(waiting, /store closed/);
  });

  it('is async-iterable, and breaking out closes it', async () => {
    const q = new BoundedQueue<number>(100, () => new Error('x'));
    for (let i = 0; i < 5; i++) q.push(i);
    const seen: number[] = [];
    for await (const v of q) {
      seen.push(v);
      if (v === 2) break;
    }
    assert.deepEqual(seen, [0, 1, 2]);
    assert.equal(q.isClosed, true);
  });

  it('keeps memory compact over many items', async () => {
    const q = new BoundedQueue<number>(5000, () => new Error('x'));
    for (let round = 0; round < 20; round++) {
      for (let i = 0; i < 3000; i++) q.push(i);
      for (let i = 0; i < 3000; i++) assert.equal((await q.next()).value, i);
    }
    assert.equal(q.size, 0);
  });
});
