import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { KubeObject } from '../../apimachinery/index.js';
import { deleteBefore, deletionCost, logarithmicRankDiff, maxContainerRestarts, podsToDelete, rankByRelatedPodsOnSameNode, sortForDeletion } from './ranking.js';

const NOW = Date.UTC(2026, 0, 1, 12, 0, 0);
const ago = (s: number) => new Date(NOW - s * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');

interface P {
  name: string;
  uid?: string;
  node?: string;
  phase?: string;
  ready?: boolean;
  readySecondsAgo?: number;
  createdSecondsAgo?: number;
  restarts?: number;
  sidecarRestarts?: number;
  cost?: string;
}

function pod(p: P): KubeObject {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name: p.name,
      namespace: 'ns',
      uid: p.uid ?? p.name,
      creationTimestamp: p.createdSecondsAgo === undefined ? undefined : ago(p.createdSecondsAgo),
      annotations: p.cost === undefined ? undefined : { 'controller.kubernetes.io/pod-deletion-cost': p.cost },
    },
    spec: {
      nodeName: p.node,
      containers: [{ name: 'c', image: 'i' }],
      initContainers: p.sidecarRestarts === undefined ? undefined : [{ name: 'side', image: 'i', restartPolicy: 'Always' }, { name: 'init', image: 'i' }],
    },
    status: {
      phase: p.phase ?? 'Running',
      conditions: p.ready === undefined ? [] : [{ type: 'Ready', status: p.ready ? 'True' : 'False', lastTransitionTime: p.readySecondsAgo === undefined ? undefined : ago(p.readySecondsAgo) }],
      containerStatuses: [{ name: 'c', restartCount: p.restarts ?? 0 }],
      initContainerStatuses: p.sidecarRestarts === undefined ? undefined : [
        { name: 'side', restartCount: p.sidecarRestarts },
        { name: 'init', restartCount: 99 },
      ],
    },
  } as KubeObject;
}

describe('deleteBefore (upstream ActivePodsWithRanks.Less)', () => {
  const cases: { name: string; a: P; b: P; rankA?: number; rankB?: number; want: boolean }[] = [
    { name: 'unassigned before assigned', a: { name: 'a' }, b: { name: 'b', node: 'n1' }, want: true },
    { name: 'assigned after unassigned', a: { name: 'a', node: 'n1' }, b: { name: 'b' }, want: false },
    { name: 'two assigned pods on different nodes fall through', a: { name: 'a', node: 'n1', createdSecondsAgo: 10 }, b: { name: 'b', node: 'n2', createdSecondsAgo: 100000 }, want: true },
    { name: 'Pending before Running', a: { name: 'a', phase: 'Pending' }, b: { name: 'b', phase: 'Running' }, want: true },
    { name: 'Pending before Unknown', a: { name: 'a', phase: 'Pending' }, b: { name: 'b', phase: 'Unknown' }, want: true },
    { name: 'Unknown before Running', a: { name: 'a', phase: 'Unknown' }, b: { name: 'b', phase: 'Running' }, want: true },
    { name: 'no phase ranks as Pending', a: { name: 'a', phase: '' }, b: { name: 'b', phase: 'Unknown' }, want: true },
    { name: 'not ready before ready', a: { name: 'a', ready: false }, b: { name: 'b', ready: true, readySecondsAgo: 5 }, want: true },
    { name: 'ready after not ready', a: { name: 'a', ready: true, readySecondsAgo: 5 }, b: { name: 'b', ready: false }, want: false },
    { name: 'lower deletion cost first', a: { name: 'a', cost: '-5' }, b: { name: 'b' }, want: true },
    { name: 'higher deletion cost last', a: { name: 'a', cost: '100' }, b: { name: 'b', cost: '10' }, want: false },
    { name: 'cost outranks colocation', a: { name: 'a', cost: '1' }, b: { name: 'b' }, rankA: 5, rankB: 0, want: false },
    { name: 'more colocated pods first', a: { name: 'a' }, b: { name: 'b' }, rankA: 3, rankB: 1, want: true },
    { name: 'colocation outranks ready time', a: { name: 'a', ready: true, readySecondsAgo: 10 }, b: { name: 'b', ready: true, readySecondsAgo: 100000 }, rankA: 1, rankB: 2, want: false },
    {
      name: 'ready for a shorter time first (different log2 buckets)',
      a: { name: 'a', ready: true, readySecondsAgo: 10 },
      b: { name: 'b', ready: true, readySecondsAgo: 1000 },
      want: true,
    },
    {
      name: 'same log2 bucket of ready time: by uid',
      a: { name: 'a', uid: 'uid-b', ready: true, readySecondsAgo: 600 },
      b: { name: 'b', uid: 'uid-a', ready: true, readySecondsAgo: 700, restarts: 5 },
      want: false,
    },
    { name: 'more restarts first', a: { name: 'a', restarts: 3 }, b: { name: 'b', restarts: 1 }, want: true },
    { name: 'sidecar restarts break a tie of regular restarts', a: { name: 'a', restarts: 1, sidecarRestarts: 4 }, b: { name: 'b', restarts: 1, sidecarRestarts: 2 }, want: true },
    { name: 'non-restartable init containers do not count', a: { name: 'a', sidecarRestarts: 0 }, b: { name: 'b', sidecarRestarts: 1 }, want: false },
    { name: 'newer first (log scale)', a: { name: 'a', createdSecondsAgo: 5 }, b: { name: 'b', createdSecondsAgo: 5000 }, want: true },
    { name: 'older last', a: { name: 'a', createdSecondsAgo: 5000 }, b: { name: 'b', createdSecondsAgo: 5 }, want: false },
    { name: 'missing creation time counts as newest', a: { name: 'a' }, b: { name: 'b', createdSecondsAgo: 5 }, want: true },
    { name: 'same creation bucket: by uid', a: { name: 'a', uid: 'u1', createdSecondsAgo: 600 }, b: { name: 'b', uid: 'u2', createdSecondsAgo: 650 }, want: true },
    { name: 'identical pods: neither first', a: { name: 'a', uid: 'same', createdSecondsAgo: 60 }, b: { name: 'b', uid: 'same', createdSecondsAgo: 60 }, want: false },
  ];
  for (const c of cases) {
    it(c.name, () => {
      assert.equal(deleteBefore({ pod: pod(c.a), rank: c.rankA ?? 0 }, { pod: pod(c.b), rank: c.rankB ?? 0 }, NOW), c.want);
    });
  }

  it('without a reference time compares times directly (no log buckets)', () => {
    const a = pod({ name: 'a', uid: 'z', createdSecondsAgo: 600 });
    const b = pod({ name: 'b', uid: 'a', createdSecondsAgo: 650 });
    assert.equal(deleteBefore({ pod: a, rank: 0 }, { pod: b, rank: 0 }, 0), true);
    assert.equal(deleteBefore({ pod: a, rank: 0 }, { pod: b, rank: 0 }, NOW), false, 'same bucket at NOW: uid decides');
  });
});

describe('deletion cost, restarts and log ranks', () => {
  const costs: [string | undefined, number][] = [
    [undefined, 0],
    ['0', 0],
    ['42', 42],
    ['-7', -7],
    ['-007', -7],
    ['+5', 0],
    ['007', 0],
    ['', 0],
    ['abc', 0],
    ['2147483647', 2147483647],
    ['2147483648', 0],
    ['-2147483648', -2147483648],
  ];
  for (const [v, want] of costs) {
    it(`deletion cost ${JSON.stringify(v)} is ${want}`, () => assert.equal(deletionCost(pod({ name: 'p', cost: v })), want));
  }

  it('counts only restartable init containers as sidecars', () => {
    assert.deepEqual(maxContainerRestarts(pod({ name: 'p', restarts: 2, sidecarRestarts: 7 })), { regular: 2, sidecar: 7 });
  });

  it('ranks ages by floor(log2(nanoseconds))', () => {
    // 1 s = 1e9 ns: log2 is 29.9, so 29; 1.05 s: 29.97 -> 29; 1.1 s: 30.03 -> 30; 1.9 s and 2 s: 30.
    assert.equal(logarithmicRankDiff(NOW - 1000, NOW - 2000, NOW), -1);
    assert.equal(logarithmicRankDiff(NOW - 1100, NOW - 1900, NOW), 0);
    assert.equal(logarithmicRankDiff(NOW - 1050, NOW - 1100, NOW), -1);
    assert.equal(logarithmicRankDiff(NOW, NOW - 1000, NOW), -1 - 29, 'age 0 ranks -1');
  });
});

describe('podsToDelete', () => {
  it('takes the first pods as given when all go', () => {
    const pods = ['a', 'b', 'c'].map((name) => pod({ name }));
    assert.deepEqual(
      podsToDelete(pods, [], 3, NOW).map((p) => p.metadata!.name),
      ['a', 'b', 'c'],
    );
  });

  it('prefers unscheduled, pending, not ready, doubled-up, young pods', () => {
    const pods = [
      pod({ name: 'old-ready', node: 'n1', ready: true, readySecondsAgo: 10000, createdSecondsAgo: 20000 }),
      pod({ name: 'young-ready', node: 'n2', ready: true, readySecondsAgo: 20, createdSecondsAgo: 30 }),
      pod({ name: 'not-ready', node: 'n3', ready: false, createdSecondsAgo: 40000 }),
      pod({ name: 'pending', node: 'n4', phase: 'Pending', createdSecondsAgo: 40000 }),
      pod({ name: 'unscheduled', phase: 'Pending', createdSecondsAgo: 40000 }),
    ];
    assert.deepEqual(
      podsToDelete(pods, pods, 4, NOW).map((p) => p.metadata!.name),
      ['unscheduled', 'pending', 'not-ready', 'young-ready'],
    );
  });

  it('ranks pods by the related active pods on their node', () => {
    const mine = [pod({ name: 'alone', node: 'n1', createdSecondsAgo: 5 }), pod({ name: 'crowded', node: 'n2', createdSecondsAgo: 50000 })];
    const others = [pod({ name: 'o1', node: 'n2' }), pod({ name: 'o2', node: 'n2' }), { ...pod({ name: 'gone', node: 'n1' }), metadata: { name: 'gone', deletionTimestamp: ago(1) } } as KubeObject];
    const ranked = rankByRelatedPodsOnSameNode(mine, [...mine, ...others]);
    assert.deepEqual(
      ranked.map((r) => [r.pod.metadata!.name, r.rank]),
      [
        ['alone', 1],
        ['crowded', 3],
      ],
    );
    assert.deepEqual(
      sortForDeletion(ranked, NOW).map((r) => r.pod.metadata!.name),
      ['crowded', 'alone'],
    );
  });
});
