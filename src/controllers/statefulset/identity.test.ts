import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { KubeObject } from '../../apimachinery/types.js';
import { runForAll } from './control.js';
import {
  claimsFor,
  identityMatches,
  isClaimOwnerUpToDate,
  newStatefulSetPod,
  newVersionedPod,
  parentAndOrdinal,
  storageMatches,
  updateClaimOwnerRefs,
} from './identity.js';
import { statusJson, withDefaults, type StatefulSet } from './types.js';

const set = (spec: Record<string, unknown> = {}, status: Record<string, unknown> = {}): StatefulSet =>
  withDefaults({
    metadata: { name: 'web', namespace: 'ns', uid: 'set-uid' },
    spec: {
      replicas: 3,
      serviceName: 'nginx',
      selector: { matchLabels: { app: 'web' } },
      template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'c', image: 'i' }], volumes: [{ name: 'cfg', configMap: { name: 'x' } }] } },
      volumeClaimTemplates: [{ metadata: { name: 'www', labels: { tier: 'db' } }, spec: { accessModes: ['ReadWriteOnce'] } }],
      ...spec,
    },
    status,
  });

describe('StatefulSet pod identity', () => {
  const names: [string, { parent: string; ordinal: number }][] = [
    ['web-0', { parent: 'web', ordinal: 0 }],
    ['my-web-12', { parent: 'my-web', ordinal: 12 }],
    ['web', { parent: '', ordinal: -1 }],
    ['web-x', { parent: '', ordinal: -1 }],
    ['web-99999999999', { parent: 'web', ordinal: -1 }],
  ];
  for (const [name, want] of names) it(`parses ${name}`, () => assert.deepEqual(parentAndOrdinal(name), want));

  it('builds a pod with name, labels, hostname, subdomain and claim volumes first', () => {
    const pod = newStatefulSetPod(set(), 2);
    assert.equal(pod.metadata!.name, 'web-2');
    assert.equal(pod.metadata!.generateName, 'web-');
    assert.deepEqual(pod.metadata!.labels, { app: 'web', 'statefulset.kubernetes.io/pod-name': 'web-2', 'apps.kubernetes.io/pod-index': '2' });
    const spec = pod.spec as Record<string, unknown>;
    assert.equal(spec.hostname, 'web-2');
    assert.equal(spec.subdomain, 'nginx');
    assert.deepEqual(spec.volumes, [
      { name: 'www', persistentVolumeClaim: { claimName: 'www-web-2' } },
      { name: 'cfg', configMap: { name: 'x' } },
    ]);
    assert.ok(identityMatches(set(), pod));
    assert.ok(storageMatches(set(), pod));
    assert.equal(identityMatches(set(), { ...pod, metadata: { ...pod.metadata, namespace: 'other' } }), false);
  });

  it('gives claims the selector labels and the pod-specific name', () => {
    const claim = claimsFor(set(), { metadata: { name: 'web-1' } }).get('www')!;
    assert.equal(claim.metadata!.name, 'www-web-1');
    assert.equal(claim.metadata!.namespace, 'ns');
    assert.deepEqual(claim.metadata!.labels, { tier: 'db', app: 'web' });
  });

  it('creates pods below the partition at the current revision', () => {
    const s = set({ updateStrategy: { type: 'RollingUpdate', rollingUpdate: { partition: 2 } } });
    const rev = (o: number) => newVersionedPod(s, s, 'cur', 'upd', o).metadata!.labels!['controller-revision-hash'];
    assert.deepEqual([0, 1, 2].map(rev), ['cur', 'cur', 'upd']);
    const onDelete = set({ updateStrategy: { type: 'OnDelete' } });
    assert.equal(newVersionedPod(onDelete, onDelete, 'cur', 'upd', 0).metadata!.labels!['controller-revision-hash'], 'upd');
  });

  it('serializes status like upstream (omitempty counters, availableReplicas always)', () => {
    assert.deepEqual(statusJson({ replicas: 0, readyReplicas: 0, currentReplicas: 0, updatedReplicas: 0, availableReplicas: 0, collisionCount: 0 }), {
      replicas: 0,
      collisionCount: 0,
      availableReplicas: 0,
    });
  });
});

describe('PVC retention owner references', () => {
  const pod = (name: string): KubeObject => ({ metadata: { name, namespace: 'ns', uid: `${name}-uid` } });
  const claim = (refs: object[] = []): KubeObject => ({ metadata: { name: 'www-web-x', ownerReferences: refs as never } });
  const setRef = { apiVersion: 'apps/v1', kind: 'StatefulSet', name: 'web', uid: 'set-uid', controller: true, blockOwnerDeletion: true };
  const podRef = (n: string) => ({ apiVersion: 'v1', kind: 'Pod', name: n, uid: `${n}-uid`, controller: true, blockOwnerDeletion: true });
  const policy = (whenDeleted: string, whenScaled: string) => set({ replicas: 2, persistentVolumeClaimRetentionPolicy: { whenDeleted, whenScaled } });
  const table: [string, StatefulSet, string, object[]][] = [
    ['Retain/Retain: no references', policy('Retain', 'Retain'), 'web-0', []],
    ['whenDeleted=Delete: the set', policy('Delete', 'Retain'), 'web-0', [setRef]],
    ['whenScaled=Delete, in range: none', policy('Retain', 'Delete'), 'web-1', []],
    ['whenScaled=Delete, scaled away: the pod', policy('Retain', 'Delete'), 'web-2', [podRef('web-2')]],
    ['Delete/Delete, in range: the set', policy('Delete', 'Delete'), 'web-0', [setRef]],
    ['Delete/Delete, scaled away: the pod', policy('Delete', 'Delete'), 'web-3', [podRef('web-3')]],
  ];
  for (const [name, s, podName, want] of table) {
    it(name, () => {
      const c = claim();
      const p = pod(podName);
      updateClaimOwnerRefs(c, s, p);
      assert.deepEqual(c.metadata!.ownerReferences ?? [], want);
      assert.ok(isClaimOwnerUpToDate(c, s, p));
    });
  }

  it('replaces references to us when the policy changes, keeping others', () => {
    const other = { apiVersion: 'v1', kind: 'ConfigMap', name: 'keep', uid: 'cm' };
    const c = claim([setRef, other]);
    const s = policy('Retain', 'Retain');
    assert.equal(isClaimOwnerUpToDate(c, s, pod('web-0')), false);
    updateClaimOwnerRefs(c, s, pod('web-0'));
    assert.deepEqual(c.metadata!.ownerReferences, [other]);
  });

  it('leaves claims of an earlier pod with the same name alone (stale reference)', () => {
    const stale = { ...podRef('web-0'), uid: 'old-uid' };
    assert.ok(isClaimOwnerUpToDate(claim([stale]), policy('Delete', 'Delete'), pod('web-0')));
  });
});

describe('runForAll', () => {
  it('monotonic: in order, stopping at the first that asks', async () => {
    const seen: number[] = [];
    assert.equal(await runForAll(5, async (i) => (seen.push(i), i === 2), true), true);
    assert.deepEqual(seen, [0, 1, 2]);
  });

  it('burst: slow-start batches, stopping after a failing batch', async () => {
    const seen: number[] = [];
    await assert.rejects(
      runForAll(10, async (i) => {
        seen.push(i);
        if (i === 1) throw new Error('boom');
        return false;
      }, false),
      /boom/,
    );
    assert.deepEqual(seen.sort((a, b) => a - b), [0, 1, 2], 'batches 1 then 2, then stop');
    const all: number[] = [];
    assert.equal(await runForAll(7, async (i) => (all.push(i), true), false), false);
    assert.equal(all.length, 7);
  });
});
