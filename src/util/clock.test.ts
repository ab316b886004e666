import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FakeClock } from './clock.js';

describe('FakeClock', () => {
  it('fires timers in due order as time advances, and not before', async () => {
    const c = new FakeClock(1000);
    const fired: string[] = [];
    c.setTimer(() => fired.push('b'), 200);
    c.setTimer(() => fired.push('a'), 100);
    const cancel = c.setTimer(() => fired.push('cancelled'), 150);
    cancel();
    await c.advance(99);
    assert.deepEqual(fired, []);
    await c.advance(1);
    assert.deepEqual(fired, ['a']);
    await c.advance(500);
    assert.deepEqual(fired, ['a', 'b']);
    assert.equal(c.now(), 1600);
  });

  it('resolves sleeps and rejects them on abort', async () => {
    const c = new FakeClock();
    let woke = false;
    const p = c.sleep(50).then(() => (woke = true));
    await c.advance(50);
    await p;
    assert.equal(woke, true);
    const ac = new AbortController();
    const q = c.sleep(1000, ac.signal);
    ac.abort(new Error('stop'));
    await assert.rejects(q, /stop/);
    assert.equal(c.pendingTimers(), 0);
  });
});
