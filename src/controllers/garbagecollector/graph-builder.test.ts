import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { KubeObject, OwnerReference } from '../../apimachinery/types.js';
import { EventRecorder } from '../../client/event-recorder.js';
import { FakeApiClient } from '../../client/fake-api-client.js';
import { Workqueue } from '../../client/workqueue.js';
import { FakeClock } from '../../util/clock.js';
import { alternateOwnerIdentity, Graph, GraphNode, partitionDependents, ReferenceCache, referencesDiffs, type Identity } from './graph.js';
import { GraphBuilder, type GraphEvent } from './graph-builder.js';

const ref = (name: string, uid: string, extra: Partial<OwnerReference> = {}): OwnerReference => ({ apiVersion: 'v1', kind: 'ConfigMap', name, uid, ...extra });
const cm = (name: string, uid: string, meta: Partial<NonNullable<KubeObject['metadata']>> = {}, ns = 'ns'): KubeObject => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name, namespace: ns || undefined, uid, ...meta },
});
const ev = (type: GraphEvent['type'], obj: KubeObject, oldObj?: KubeObject): GraphEvent => ({ type, obj, oldObj, apiVersion: 'v1', kind: 'ConfigMap' });

async function drain(q: Workqueue<string>): Promise<string[]> {
  const out: string[] = [];
  while (q.len() > 0) {
    const item = (await q.get())!;
    out.push(item);
    q.done(item);
  }
  return out.sort();
}

function setup() {
  const clock = new FakeClock();
  const attemptToDelete = new Workqueue<string>({ clock });
  const attemptToOrphan = new Workqueue<string>({ clock });
  const absent = new ReferenceCache(500);
  const recorder = new EventRecorder({ client: new FakeApiClient({ clock }), component: 'garbage-collector-controller', clock });
  const events: unknown[][] = [];
  recorder.eventf = (...args: unknown[]) => void events.push(args);
  const b = new GraphBuilder({ graph: new Graph(), attemptToDelete, attemptToOrphan, absentOwners: absent, recorder });
  return { b, attemptToDelete, attemptToOrphan, absent, events };
}

describe('GraphBuilder', () => {
  it('creates a virtual owner for an unseen owner and queues it for verification; the informer makes it real', async () => {
    const { b, attemptToDelete } = setup();
    b.process(ev('add', cm('child', 'c1', { ownerReferences: [ref('parent', 'p1')] })));
    const owner = b.graph.get('p1')!;
    assert.equal(owner.observed, false);
    assert.deepEqual(owner.identity, { apiVersion: 'v1', kind: 'ConfigMap', name: 'parent', uid: 'p1', namespace: 'ns' });
    assert.deepEqual([...owner.dependents], ['c1']);
    assert.deepEqual(await drain(attemptToDelete), ['p1']);
    b.process(ev('add', cm('parent', 'p1')));
    assert.equal(b.graph.get('p1')!.observed, true);
    assert.deepEqual(await drain(attemptToDelete), []);
  });

  it('on an owner deletion queues its dependents and remembers the owner as absent', async () => {
    const { b, attemptToDelete, absent } = setup();
    b.process(ev('add', cm('parent', 'p1')));
    b.process(ev('add', cm('a', 'c1', { ownerReferences: [ref('parent', 'p1')] })));
    b.process(ev('add', cm('b', 'c2', { ownerReferences: [ref('parent', 'p1')] })));
    await drain(attemptToDelete);
    b.process(ev('delete', cm('parent', 'p1')));
    assert.equal(b.graph.get('p1'), undefined);
    assert.deepEqual(await drain(attemptToDelete), ['c1', 'c2']);
    assert.equal(absent.has({ apiVersion: 'v1', kind: 'ConfigMap', name: 'parent', uid: 'p1', namespace: 'ns' }), true);
  });

  const transitions: { name: string; finalizers: string[]; orphan: string[]; del: string[]; deleting: boolean }[] = [
    { name: 'orphan finalizer -> attemptToOrphan', finalizers: ['orphan'], orphan: ['p1'], del: [], deleting: false },
    { name: 'foregroundDeletion -> owner and dependents to attemptToDelete', finalizers: ['foregroundDeletion'], orphan: [], del: ['c1', 'p1'], deleting: true },
    { name: 'other finalizers -> nothing', finalizers: ['example.com/x'], orphan: [], del: [], deleting: false },
  ];
  for (const t of transitions) {
    it(`deletion transitions: ${t.name}`, async () => {
      const { b, attemptToDelete, attemptToOrphan } = setup();
      const parent = cm('parent', 'p1');
      b.process(ev('add', parent));
      b.process(ev('add', cm('a', 'c1', { ownerReferences: [ref('parent', 'p1')] })));
      await drain(attemptToDelete);
      const deleting = cm('parent', 'p1', { deletionTimestamp: '2026-01-01T00:00:00Z', finalizers: t.finalizers });
      b.process(ev('update', deleting, parent));
      assert.deepEqual(await drain(attemptToOrphan), t.orphan);
      assert.deepEqual(await drain(attemptToDelete), t.del);
      assert.equal(b.graph.get('p1')!.deletingDependents, t.deleting);
      assert.equal(b.graph.get('p1')!.beingDeleted, true);
      // The same state again is no new transition.
      b.process(ev('update', deleting, deleting));
      assert.deepEqual(await drain(attemptToOrphan), []);
      assert.deepEqual(await drain(attemptToDelete), []);
    });
  }

  it('queues a foreground owner when a dependent drops or unblocks its blocking reference', async () => {
    const { b, attemptToDelete } = setup();
    b.process(ev('add', cm('parent', 'p1')));
    const child = cm('a', 'c1', { ownerReferences: [ref('parent', 'p1', { blockOwnerDeletion: true })] });
    b.process(ev('add', child));
    await drain(attemptToDelete);
    const unblocked = cm('a', 'c1', { ownerReferences: [ref('parent', 'p1', { blockOwnerDeletion: false })] });
    b.process(ev('update', unblocked, child));
    assert.deepEqual(await drain(attemptToDelete), ['p1']);
    assert.equal(b.graph.blockingDependents(b.graph.get('p1')!).length, 0);
    const dropped = cm('a', 'c1', { ownerReferences: [] });
    b.process(ev('update', dropped, unblocked));
    assert.deepEqual(await drain(attemptToDelete), []);
    assert.equal(b.graph.get('p1')!.dependents.size, 0);
  });

  it('reports OwnerRefInvalidNamespace for a dependent naming an observed owner of another namespace', async () => {
    const { b, attemptToDelete, events } = setup();
    b.process(ev('add', cm('parent', 'p1', {}, 'a')));
    b.process(ev('add', cm('child', 'c1', { ownerReferences: [ref('parent', 'p1')] }, 'b')));
    assert.deepEqual(await drain(attemptToDelete), ['c1']);
    assert.equal(events.length, 1);
    assert.equal(events[0]![2], 'OwnerRefInvalidNamespace');
    assert.equal(events[0]![3], 'ownerRef %s does not exist in namespace %q');
    assert.equal(events[0]![4], '[v1/ConfigMap, namespace: b, name: parent, uid: p1]');
  });

  it('a virtual delete of a virtual node removes it and queues its dependents', async () => {
    const { b, attemptToDelete } = setup();
    b.process(ev('add', cm('child', 'c1', { ownerReferences: [ref('ghost', 'g1')] })));
    await drain(attemptToDelete);
    b.virtualDelete(b.graph.get('g1')!.identity);
    assert.equal(b.graph.get('g1'), undefined);
    assert.deepEqual(await drain(attemptToDelete), ['c1']);
  });

  it('a virtual delete never removes an observed node with other coordinates', async () => {
    const { b, attemptToDelete, absent } = setup();
    b.process(ev('add', cm('parent', 'p1')));
    b.process(ev('add', cm('child', 'c1', { ownerReferences: [ref('wrong-name', 'p1')] })));
    await drain(attemptToDelete);
    const wrong: Identity = { apiVersion: 'v1', kind: 'ConfigMap', name: 'wrong-name', uid: 'p1', namespace: 'ns' };
    b.virtualDelete(wrong);
    assert.ok(b.graph.get('p1'));
    assert.deepEqual(await drain(attemptToDelete), ['c1']);
    assert.equal(absent.has(wrong), true);
  });
});

describe('graph helpers', () => {
  const node = (uid: string, ns: string, owners: OwnerReference[]) =>
    new GraphNode({ apiVersion: 'v1', kind: 'ConfigMap', name: uid, uid, namespace: ns }, { owners, observed: true });
  const owner: Identity = { apiVersion: 'v1', kind: 'ConfigMap', name: 'parent', uid: 'p1', namespace: 'ns' };

  it('partitionDependents splits by coordinates and namespace', () => {
    const same = node('same', 'ns', [ref('parent', 'p1')]);
    const otherName = node('other', 'ns', [ref('renamed', 'p1')]);
    const otherNs = node('elsewhere', 'x', [ref('parent', 'p1')]);
    const { matching, nonmatching } = partitionDependents([same, otherName, otherNs], owner);
    assert.deepEqual(matching.map((n) => n.identity.uid), ['same']);
    assert.deepEqual(nonmatching.map((n) => n.identity.uid), ['other', 'elsewhere']);
  });

  it('alternateOwnerIdentity picks the next identity in order, else the first', () => {
    const deps = [node('d1', 'ns', [ref('b', 'p1')]), node('d2', 'ns', [ref('z', 'p1')])];
    assert.equal(alternateOwnerIdentity(deps, { ...owner, name: 'c' })!.name, 'z');
    assert.equal(alternateOwnerIdentity(deps, { ...owner, name: 'zz' })!.name, 'b');
    assert.equal(alternateOwnerIdentity([node('d1', 'ns', [ref('parent', 'p1')])], owner), undefined);
  });

  it('referencesDiffs finds added, removed and changed references by uid', () => {
    const d = referencesDiffs([ref('a', '1'), ref('b', '2', { blockOwnerDeletion: true })], [ref('b', '2'), ref('c', '3')]);
    assert.deepEqual(d.added.map((r) => r.uid), ['3']);
    assert.deepEqual(d.removed.map((r) => r.uid), ['1']);
    assert.deepEqual(d.changed.map((c) => c.newRef.uid), ['2']);
  });

  it('ReferenceCache evicts the least recently used identity', () => {
    const c = new ReferenceCache(2);
    const id = (uid: string): Identity => ({ ...owner, uid });
    c.add(id('1'));
    c.add(id('2'));
    assert.equal(c.has(id('1')), true);
    c.add(id('3'));
    assert.equal(c.has(id('2')), false);
    assert.equal(c.has(id('1')), true);
    assert.equal(c.has(id('3')), true);
  });
});
