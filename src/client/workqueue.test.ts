import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FakeClock } from '../util/clock.js';
import { ItemExponentialFailureRateLimiter } from './rate-limiter.js';
import { runWorkers, Workqueue } from './workqueue.js';

const tick = () => new Promise((r) => setImmediate(r));

describe('Workqueue', () => {
  it('de-duplicates items that are waiting', async () => {
    const q = new Workqueue<string>({ clock: new FakeClock() });
    q.add('a');
    q.add('b');
    q.add('a');
    assert.equal(q.len(), 2);
    assert.equal(await q.get(), 'a');
    assert.equal(await q.get(), 'b');
    assert.equal(q.len(), 0);
  });

  it('never hands an item to two workers: an add while processing waits for done', async () => {
    const q = new Workqueue<string>({ clock: new FakeClock() });
    q.add('a');
    const first = await q.get();
    assert.equal(first, 'a');
    q.add('a');
    q.add('a');
    assert.equal(q.len(), 0, 'dirty, but not queued while held');
    let second: string | undefined;
    void q.get().then((v) => (second = v));
    await tick();
    assert.equal(second, undefined, 'a second worker does not get it');
    q.done('a');
    await tick();
    assert.equal(second, 'a', 'requeued once on done');
    q.done('a');
    assert.equal(q.len(), 0);
  });

  it('runs with several workers without ever processing one key concurrently', async () => {
    const q = new Workqueue<string>({ clock: new FakeClock() });
    const active = new Set<string>();
    let overlaps = 0;
    let processed = 0;
    const ac = new AbortController();
    const running = runWorkers(
      q,
      async (key) => {
        if (active.has(key)) overlaps++;
        active.add(key);
        await tick();
        if (processed++ < 50) q.add(key); // re-added while being processed
        active.delete(key);
      },
      ac.signal,
      { workers: 4 },
    );
    for (const k of ['a', 'b', 'c', 'a', 'b', 'c']) q.add(k);
    for (let i = 0; i < 100 && processed < 53; i++) await tick();
    ac.abort();
    await running;
    assert.equal(overlaps, 0);
    assert.ok(processed >= 50, `processed ${processed}`);
  });

  it('addAfter waits on the injected clock; the earliest request wins', async () => {
    const clock = new FakeClock();
    const q = new Workqueue<string>({ clock });
    q.addAfter('a', 1000);
    q.addAfter('a', 500);
    q.addAfter('a', 2000);
    q.addAfter('b', 0);
    assert.equal(q.len(), 1, 'zero delay is immediate');
    assert.equal(await q.get(), 'b');
    await clock.advance(499);
    assert.equal(q.len(), 0);
    await clock.advance(1);
    assert.equal(q.len(), 1);
    assert.equal(await q.get(), 'a');
    q.done('a');
    await clock.advance(5000);
    assert.equal(q.len(), 0, 'the superseded later requests do not fire again');
  });

  it('addRateLimited backs off exponentially per item; forget resets; numRequeues counts', async () => {
    const clock = new FakeClock();
    const q = new Workqueue<string>({ clock, rateLimiter: new ItemExponentialFailureRateLimiter(5, 1000) });
    const waits: number[] = [];
    for (let i = 0; i < 4; i++) {
      const start = clock.now();
      q.addRateLimited('k');
      let step = 0;
      while (q.len() === 0) {
        await clock.advance(1);
        step++;
      }
      waits.push(clock.now() - start);
      const got = await q.get();
      q.done(got!);
      assert.ok(step > 0);
    }
    assert.deepEqual(waits, [5, 10, 20, 40]);
    assert.equal(q.numRequeues('k'), 4);
    q.forget('k');
    assert.equal(q.numRequeues('k'), 0);
  });

  it('shutDown: adds are ignored, queued items still drain, then get resolves undefined', async () => {
    const clock = new FakeClock();
    const q = new Workqueue<string>({ clock });
    q.add('a');
    q.addAfter('later', 100);
    const waiting = new Workqueue<string>({ clock });
    const pending = waiting.get();
    waiting.shutDown();
    assert.equal(await pending, undefined, 'a waiting get is released');
    q.shutDown();
    q.add('b');
    assert.equal(q.shuttingDown(), true);
    assert.equal(await q.get(), 'a');
    assert.equal(await q.get(), undefined);
    await clock.advance(200);
    assert.equal(q.len(), 0, 'delayed items are dropped');
    assert.equal(clock.pendingTimers(), 0);
  });

  it('shutDownWithDrain waits for in-flight items to be done', async () => {
    const q = new Workqueue<string>({ clock: new FakeClock() });
    q.add('a');
    const item = await q.get();
    let drained = false;
    const p = q.shutDownWithDrain().then(() => (drained = true));
    await tick();
    assert.equal(drained, false);
    q.done(item!);
    await p;
    assert.equal(drained, true);
  });
});

describe('runWorkers', () => {
  it('requeues with rate-limited backoff when reconcile throws, and honours requeueAfter', async () => {
    const clock = new FakeClock();
    const q = new Workqueue<string>({ clock, rateLimiter: new ItemExponentialFailureRateLimiter(5, 1000) });
    const seen: Array<[string, number]> = [];
    let failures = 0;
    const ac = new AbortController();
    const running = runWorkers(
      q,
      (key) => {
        seen.push([key, clock.now()]);
        if (key === 'bad' && failures++ < 3) throw new Error('boom');
        if (key === 'poll' && seen.filter(([k]) => k === 'poll').length < 3) return { requeueAfter: 1000 };
        return undefined;
      },
      ac.signal,
      { workers: 2, log: { debug() {}, info() {}, warn() {}, error() {} } },
    );
    const t0 = clock.now();
    q.add('bad');
    q.add('poll');
    await tick();
    for (let i = 0; i < 3000; i++) await clock.advance(1);
    ac.abort();
    await running;
    const bad = seen.filter(([k]) => k === 'bad').map(([, t]) => t - t0);
    assert.deepEqual(bad, [0, 5, 15, 35], 'backoff 5, 10, 20 ms between attempts');
    assert.equal(q.numRequeues('bad'), 0, 'success forgets the failures');
    const poll = seen.filter(([k]) => k === 'poll').map(([, t]) => t - t0);
    assert.deepEqual(poll, [0, 1000, 2000]);
  });

  it('stops when the signal aborts, letting the in-flight reconcile finish', async () => {
    const q = new Workqueue<string>({ clock: new FakeClock() });
    const ac = new AbortController();
    let release!: () => void;
    const started: string[] = [];
    const finished: string[] = [];
    const running = runWorkers(
      q,
      async (key) => {
        started.push(key);
        await new Promise<void>((r) => (release = r));
        finished.push(key);
      },
      ac.signal,
    );
    q.add('a');
    q.add('b');
    await tick();
    ac.abort();
    release();
    await running;
    assert.deepEqual(started, ['a']);
    assert.deepEqual(finished, ['a']);
  });
});
