import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { KubeObject } from '../apimachinery/types.js';
import { DeltaFifo, DeltaType, type PopResult } from './delta-fifo.js';
import { DeletedFinalStateUnknown, Indexer, isTombstone } from './indexer.js';

const cm = (name: string, rv = '1', ns = 'default'): KubeObject => ({ metadata: { namespace: ns, name, resourceVersion: rv } });

async function popAll(f: DeltaFifo): Promise<PopResult[]> {
  const out: PopResult[] = [];
  while (f.len() > 0) await f.pop((r) => out.push(r));
  return out;
}
const summary = (rs: PopResult[]) =>
  rs.map((r) => `${r.key}:${r.deltas.map((d) => (isTombstone(d.object) ? `${d.type}(tombstone)` : d.type)).join(',')}`);

describe('DeltaFifo', () => {
  it('accumulates deltas per key and pops keys in FIFO order', async () => {
    const f = new DeltaFifo();
    f.add(cm('a'));
    f.add(cm('b'));
    f.update(cm('a', '2'));
    f.delete(cm('b', '3'));
    f.add(cm('c'));
    assert.equal(f.len(), 3);
    assert.deepEqual(summary(await popAll(f)), ['default/a:Added,Updated', 'default/b:Added,Deleted', 'default/c:Added']);
  });

  it('collapses consecutive deletions, preferring the real object to a tombstone', async () => {
    const f = new DeltaFifo();
    f.add(cm('a'));
    f.delete(cm('a', '2'));
    f.delete(new DeletedFinalStateUnknown('default/a', cm('a')));
    const [r] = await popAll(f);
    assert.deepEqual(r!.deltas.map((d) => d.type), [DeltaType.Added, DeltaType.Deleted]);
    assert.equal(isTombstone(r!.deltas[1]!.object), false);
  });

  it('ignores deletion of a key nobody knows', () => {
    const known = new Indexer();
    const f = new DeltaFifo({ knownObjects: known });
    f.delete(cm('ghost'));
    assert.equal(f.len(), 0);
    known.add(cm('real'));
    f.delete(cm('real'));
    assert.equal(f.len(), 1);
  });

  it('replace emits Replaced and tombstones for known and queued objects missing from the list', async () => {
    const known = new Indexer();
    known.add(cm('kept'));
    known.add(cm('gone', '5'));
    const f = new DeltaFifo({ knownObjects: known });
    f.add(cm('queued-only'));
    f.replace([cm('kept', '7'), cm('new')], '10');
    const rs = await popAll(f);
    assert.deepEqual(summary(rs).sort(), [
      'default/gone:Deleted(tombstone)',
      'default/kept:Replaced',
      'default/new:Replaced',
      'default/queued-only:Added,Deleted(tombstone)',
    ]);
    const gone = rs.find((r) => r.key === 'default/gone')!.deltas[0]!.object as DeletedFinalStateUnknown;
    assert.equal(gone.obj?.metadata?.resourceVersion, '5', 'the tombstone carries the last known state');
    const queued = rs.find((r) => r.key === 'default/queued-only')!.deltas[1]!.object as DeletedFinalStateUnknown;
    assert.equal(queued.obj?.metadata?.name, 'queued-only');
  });

  it('emits Sync instead of Replaced when so configured', async () => {
    const f = new DeltaFifo({ emitDeltaTypeReplaced: false });
    f.replace([cm('a')], '1');
    assert.deepEqual(summary(await popAll(f)), ['default/a:Sync']);
  });

  it('hasSynced once the first replace has been popped entirely', async () => {
    const f = new DeltaFifo();
    assert.equal(f.hasSynced(), false);
    f.replace([cm('a'), cm('b')], '1');
    assert.equal(f.hasSynced(), false);
    const flags: boolean[] = [];
    await f.pop((r) => flags.push(r.isInInitialList));
    assert.equal(f.hasSynced(), false);
    f.add(cm('c'));
    await f.pop((r) => flags.push(r.isInInitialList));
    await f.pop((r) => flags.push(r.isInInitialList));
    assert.equal(f.hasSynced(), true);
    assert.deepEqual(flags, [true, true, false]);
    const empty = new DeltaFifo();
    empty.replace([], '1');
    assert.equal(empty.hasSynced(), true, 'an empty first list syncs at once');
  });

  it('resync queues Sync for known objects without pending deltas', async () => {
    const known = new Indexer();
    known.add(cm('a'));
    known.add(cm('b'));
    const f = new DeltaFifo({ knownObjects: known });
    f.update(cm('b', '2'));
    f.resync();
    assert.deepEqual(summary(await popAll(f)).sort(), ['default/a:Sync', 'default/b:Updated']);
  });

  it('a waiting pop is woken after the producer call completes, never inside it', async () => {
    const known = new Indexer();
    known.add(cm('old'));
    const f = new DeltaFifo({ knownObjects: known });
    const processed: string[] = [];
    // Consumer: applies to `known` as the informer does.
    const consumer = (async () => {
      while (
        await f.pop((r) => {
          processed.push(r.key);
          for (const d of r.deltas) {
            if (d.type === DeltaType.Deleted) known.delete(d.object);
            else known.update(d.object as KubeObject);
          }
        })
      );
    })();
    f.replace([cm('x')], '2');
    assert.deepEqual(processed, [], 'nothing processed during replace');
    await new Promise((r) => setImmediate(r));
    assert.deepEqual(processed.sort(), ['default/old', 'default/x']);
    assert.deepEqual(known.listKeys(), ['default/x']);
    f.close();
    await consumer;
  });

  it('caps deltas per key by dropping the oldest', async () => {
    const f = new DeltaFifo({ maxDeltasPerKey: 3 });
    for (let i = 1; i <= 10; i++) f.update(cm('a', String(i)));
    const [r] = await popAll(f);
    assert.deepEqual(r!.deltas.map((d) => (d.object as KubeObject).metadata?.resourceVersion), ['8', '9', '10']);
  });

  it('close releases a waiting pop and later pops', async () => {
    const f = new DeltaFifo();
    const p = f.pop(() => assert.fail('nothing to process'));
    f.close();
    assert.equal(await p, false);
    assert.equal(await f.pop(() => {}), false);
  });

  it('waitForRoom blocks producers above the high-water mark until pops make room', async () => {
    const f = new DeltaFifo({ highWaterKeys: 2 });
    f.add(cm('a'));
    f.add(cm('b'));
    let roomy = false;
    const w = f.waitForRoom().then(() => (roomy = true));
    await new Promise((r) => setImmediate(r));
    assert.equal(roomy, false);
    await f.pop(() => {});
    await w;
    assert.equal(roomy, true);
  });
});
