import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { KubeObject } from '../apimachinery/types.js';
import { DeletedFinalStateUnknown, Indexer, metaNamespaceKey, NAMESPACE_INDEX, splitKey } from './indexer.js';
import { everything, Lister } from './lister.js';
import { isNotFound } from '../apimachinery/status.js';

const pod = (ns: string, name: string, node?: string, labels?: Record<string, string>): KubeObject => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { namespace: ns, name, labels },
  spec: node ? { nodeName: node } : {},
});
const byNode = (o: KubeObject) => {
  const n = (o.spec as { nodeName?: string } | undefined)?.nodeName;
  return n ? [n] : [];
};

describe('keys', () => {
  const cases: Array<[string, KubeObject | DeletedFinalStateUnknown, string]> = [
    ['namespaced', pod('ns1', 'a'), 'ns1/a'],
    ['cluster-scoped', { metadata: { name: 'node1' } }, 'node1'],
    ['tombstone', new DeletedFinalStateUnknown('x/y', undefined), 'x/y'],
  ];
  for (const [what, obj, key] of cases) it(what, () => assert.equal(metaNamespaceKey(obj), key));
  it('splits', () => {
    assert.deepEqual(splitKey('ns/a'), { namespace: 'ns', name: 'a' });
    assert.deepEqual(splitKey('a'), { namespace: '', name: 'a' });
  });
  it('rejects objects without a name', () => assert.throws(() => metaNamespaceKey({ metadata: {} })));
});

describe('Indexer', () => {
  it('adds, updates, deletes and lists by key', () => {
    const ix = new Indexer();
    ix.add(pod('a', 'p1'));
    ix.add(pod('b', 'p2'));
    ix.update({ ...pod('a', 'p1'), status: { phase: 'Running' } });
    assert.deepEqual(ix.listKeys().sort(), ['a/p1', 'b/p2']);
    assert.equal((ix.getByKey('a/p1')?.status as { phase: string }).phase, 'Running');
    assert.equal(ix.get(pod('b', 'p2'))?.metadata?.name, 'p2');
    ix.delete(pod('a', 'p1'));
    ix.delete(new DeletedFinalStateUnknown('b/p2', undefined));
    assert.equal(ix.size, 0);
    ix.delete(pod('zz', 'missing'));
  });

  it('keeps the namespace index and custom indexes in step with updates', () => {
    const ix = new Indexer({ indexers: { byNode } });
    ix.add(pod('a', 'p1', 'n1'));
    ix.add(pod('a', 'p2', 'n1'));
    ix.add(pod('b', 'p3', 'n2'));
    assert.deepEqual(ix.indexKeys('byNode', 'n1').sort(), ['a/p1', 'a/p2']);
    assert.deepEqual(ix.byIndex(NAMESPACE_INDEX, 'a').map((o) => o.metadata?.name).sort(), ['p1', 'p2']);
    ix.update(pod('a', 'p2', 'n2'));
    assert.deepEqual(ix.indexKeys('byNode', 'n1'), ['a/p1']);
    assert.deepEqual(ix.indexKeys('byNode', 'n2').sort(), ['a/p2', 'b/p3']);
    ix.delete(pod('a', 'p1'));
    assert.deepEqual(ix.indexKeys('byNode', 'n1'), []);
    assert.deepEqual(ix.listIndexFuncValues('byNode'), ['n2'], 'empty values are dropped');
    assert.deepEqual(ix.indexOf('byNode', pod('x', 'probe', 'n2')).map((o) => o.metadata?.name).sort(), ['p2', 'p3']);
    assert.throws(() => ix.byIndex('nope', 'x'), /does not exist/);
  });

  it('addIndexers indexes existing objects and refuses duplicates', () => {
    const ix = new Indexer();
    ix.add(pod('a', 'p1', 'n1'));
    ix.addIndexers({ byNode });
    assert.deepEqual(ix.indexKeys('byNode', 'n1'), ['a/p1']);
    assert.throws(() => ix.addIndexers({ byNode }), /already exists/);
    assert.ok('byNode' in ix.getIndexers() && NAMESPACE_INDEX in ix.getIndexers());
  });

  it('replace swaps the whole content and rebuilds indexes', () => {
    const ix = new Indexer({ indexers: { byNode } });
    ix.add(pod('a', 'old', 'n1'));
    ix.replace([pod('a', 'new', 'n2'), pod('b', 'other')], '42');
    assert.deepEqual(ix.listKeys().sort(), ['a/new', 'b/other']);
    assert.deepEqual(ix.indexKeys('byNode', 'n1'), []);
    assert.deepEqual(ix.indexKeys('byNode', 'n2'), ['a/new']);
    assert.equal(ix.lastReplaceResourceVersion, '42');
  });

  it('leaves the cache unchanged when an index function throws', () => {
    const ix = new Indexer({
      indexers: {
        picky: (o) => {
          if (o.metadata?.name === 'bad') throw new Error('cannot index');
          return [o.metadata?.name ?? ''];
        },
      },
    });
    ix.add(pod('a', 'good'));
    assert.throws(() => ix.add(pod('a', 'bad')), /cannot index/);
    assert.throws(() => ix.replace([pod('a', 'x'), pod('a', 'bad')], '1'), /cannot index/);
    assert.deepEqual(ix.listKeys(), ['a/good']);
    assert.deepEqual(ix.listIndexFuncValues('picky'), ['good']);
  });

  it('is reentrancy-safe: index functions may read but not mutate; results are snapshots', () => {
    const ix = new Indexer();
    let reads = 0;
    ix.addIndexers({
      reader: (o) => {
        reads += ix.size;
        return [o.metadata?.name ?? ''];
      },
    });
    ix.add(pod('a', 'p1'));
    assert.ok(reads >= 0);
    const evil = new Indexer({
      indexers: {
        writer: (o) => {
          if (o.metadata?.name === 'p1') evil.add(pod('a', 'p2'));
          return [];
        },
      },
    });
    assert.throws(() => evil.add(pod('a', 'p1')), /reentrant/);
    assert.equal(evil.size, 0);
    // Mutating while iterating a result is fine: results are copies.
    ix.add(pod('a', 'p2'));
    for (const o of ix.list()) ix.delete(o);
    assert.equal(ix.size, 0);
  });
});

describe('Lister', () => {
  const ix = new Indexer();
  ix.add(pod('a', 'p1', undefined, { app: 'web' }));
  ix.add(pod('a', 'p2', undefined, { app: 'db' }));
  ix.add(pod('b', 'p3', undefined, { app: 'web' }));
  ix.add({ metadata: { name: 'node1', labels: { app: 'web' } } });
  const lister = new Lister(ix, { group: '', resource: 'pods' });
  const web = { matches: (l: Readonly<Record<string, string>>) => l.app === 'web' };

  it('gets by namespace and name, cluster-scoped by name', () => {
    assert.equal(lister.get('a', 'p1')?.metadata?.name, 'p1');
    assert.equal(lister.get('', 'node1')?.metadata?.name, 'node1');
    assert.equal(lister.get('a', 'nope'), undefined);
    assert.throws(() => lister.getOrThrow('a', 'nope'), (e: unknown) => isNotFound(e) && (e as Error).message === 'pods "nope" not found');
  });

  it('lists with a label matcher, across or within namespaces', () => {
    assert.equal(lister.list(everything).length, 4);
    assert.deepEqual(lister.list(web).map((o) => o.metadata?.name).sort(), ['node1', 'p1', 'p3']);
    assert.deepEqual(lister.namespace('a').list(web).map((o) => o.metadata?.name), ['p1']);
    assert.deepEqual(lister.namespace('a').list().map((o) => o.metadata?.name).sort(), ['p1', 'p2']);
    assert.equal(lister.namespace('b').get('p3')?.metadata?.name, 'p3');
  });
});
