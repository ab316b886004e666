import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FakeClock } from '../util/clock.js';
import { Compactor } from './compactor.js';
import { MemoryStore } from './memory/memory-store.js';
import { TtlSweeper } from './ttl-sweeper.js';

const enc = (s: string) => new TextEncoder().encode(s);

describe('Compactor', () => {
  it('compacts to the revision noted one interval earlier', async () => {
    const clock = new FakeClock();
    const store = new MemoryStore({ clock });
    const compacted: number[] = [];
    const c = new Compactor(store, { intervalMs: 1000, clock, onCompact: (r) => 'revision' in r && compacted.push(r.revision) });
    const ac = new AbortController();
    const running = c.run(ac.signal);
    await clock.advance(0);
    // First tick noted revision 0: nothing to compact yet.
    const a = await store.create('/a', enc('1'));
    await store.update('/a', enc('2'), a.modRevision);
    await clock.advance(1000); // notes 2
    assert.deepEqual(compacted, []);
    await store.create('/b', enc('1'));
    await clock.advance(1000); // compacts to 2, notes 3
    assert.deepEqual(compacted, [2]);
    assert.equal(await store.compactedRevision(), 2);
    // History of the last interval survives.
    assert.ok((await store.get('/b', { revision: 3 })).kv);
    ac.abort();
    await running;
    await store.close();
  });
});

describe('TtlSweeper', () => {
  it('deletes expired keys at their tracked revision only', async () => {
    const clock = new FakeClock();
    const deleted: string[] = [];
    const sweeper = new TtlSweeper(clock, async (key, rev) => {
      deleted.push(`${key}@${rev}`);
    });
    sweeper.track('/a', 1, 2);
    sweeper.track('/b', 2, 5);
    sweeper.track('/c', 3, 2);
    sweeper.track('/c', 4, undefined); // rewritten without a TTL: never expires
    await clock.advance(1000);
    assert.deepEqual(deleted, []);
    await clock.advance(1000);
    assert.deepEqual(deleted, ['/a@1']);
    await clock.advance(3000);
    assert.deepEqual(deleted, ['/a@1', '/b@2']);
    assert.equal(sweeper.size, 0);
    sweeper.stop();
  });
});
