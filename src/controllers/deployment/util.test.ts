import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { IntOrString } from '../../apimachinery/index.js';
import { computeTemplateHash } from '../history/index.js';
import { toDeployment, toReplicaSet, type Deployment, type DeploymentStatus, type ReplicaSet } from './types.js';
import {
  deploymentComplete,
  deploymentProgressing,
  deploymentTimedOut,
  equalIgnoreHash,
  findActiveOrLatest,
  findNewReplicaSet,
  getProportion,
  isSaturated,
  lastRevision,
  maxRevision,
  maxSurge,
  maxUnavailable,
  minAvailable,
  newRSNewReplicas,
  proportionalScale,
  resolveFenceposts,
  roundToInt32,
  setDeploymentAnnotationsTo,
  setDeploymentCondition,
  setNewReplicaSetAnnotations,
} from './util.js';

const T0 = Date.UTC(2026, 0, 1, 0, 0, 0);
const ts = (s: number) => new Date(T0 + s * 1000).toISOString().replace(/\.\d{3}Z$/, 'Z');

function deployment(replicas: number, opts: { surge?: IntOrString; unavailable?: IntOrString; type?: string; status?: Record<string, unknown>; generation?: number; annotations?: Record<string, string>; image?: string } = {}): Deployment {
  return toDeployment({
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'd', namespace: 'ns', uid: 'd-uid', generation: opts.generation ?? 1, annotations: opts.annotations },
    spec: {
      replicas,
      selector: { matchLabels: { app: 'd' } },
      template: { metadata: { labels: { app: 'd' } }, spec: { containers: [{ name: 'c', image: opts.image ?? 'nginx' }] } },
      strategy: opts.type === 'Recreate' ? { type: 'Recreate' } : { type: 'RollingUpdate', rollingUpdate: { maxSurge: opts.surge ?? 0, maxUnavailable: opts.unavailable ?? 0 } },
    },
    status: opts.status ?? {},
  });
}

function rs(name: string, replicas: number, createdSecondsAfterT0: number, opts: { annotations?: Record<string, string>; available?: number; actual?: number; image?: string } = {}): ReplicaSet {
  return toReplicaSet({
    apiVersion: 'apps/v1',
    kind: 'ReplicaSet',
    metadata: { name, namespace: 'ns', uid: `${name}-uid`, creationTimestamp: ts(createdSecondsAfterT0), annotations: opts.annotations },
    spec: { replicas, template: { metadata: { labels: { app: 'd', 'pod-template-hash': name } }, spec: { containers: [{ name: 'c', image: opts.image ?? 'nginx' }] } } },
    status: { replicas: opts.actual ?? replicas, availableReplicas: opts.available ?? 0 },
  });
}

describe('resolveFenceposts (surge rounds up, unavailable down)', () => {
  const cases: [IntOrString | undefined, IntOrString | undefined, number, number, number][] = [
    ['0%', '0%', 0, 0, 1],
    ['39%', '39%', 10, 4, 3],
    ['25%', '25%', 4, 1, 1],
    ['25%', '25%', 10, 3, 2],
    ['25%', '25%', 1, 1, 0],
    ['25%', '25%', 3, 1, 0],
    ['1%', '0%', 2, 1, 0],
    ['0%', '1%', 2, 0, 1],
    [0, 0, 5, 0, 1],
    [2, 3, 5, 2, 3],
    [undefined, undefined, 5, 0, 1],
    ['100%', '100%', 7, 7, 7],
  ];
  for (const [s, u, desired, surge, unavailable] of cases) {
    it(`${String(s)} / ${String(u)} of ${desired} -> surge ${surge}, unavailable ${unavailable}`, () => {
      assert.deepEqual(resolveFenceposts(s, u, desired), { surge, unavailable });
    });
  }
  it('rejects a string that is not a percentage, with upstream text', () => {
    assert.throws(() => resolveFenceposts('oops', 0, 5), /invalid value for IntOrString: invalid type: string is not a percentage/);
  });
});

describe('maxSurge / maxUnavailable / minAvailable', () => {
  it('caps unavailability at replicas and is zero for zero replicas or Recreate', () => {
    assert.equal(maxUnavailable(deployment(3, { surge: 0, unavailable: 5 })), 3);
    assert.equal(maxUnavailable(deployment(0, { surge: 1, unavailable: 1 })), 0);
    assert.equal(maxUnavailable(deployment(3, { type: 'Recreate' })), 0);
    assert.equal(maxSurge(deployment(3, { type: 'Recreate' })), 0);
    assert.equal(minAvailable(deployment(3, { type: 'Recreate' })), 0);
    assert.equal(minAvailable(deployment(10, { surge: '25%', unavailable: '25%' })), 8);
  });
  it('defaults an absent strategy to RollingUpdate 25% / 25%', () => {
    const d = toDeployment({ metadata: { name: 'x', namespace: 'ns' }, spec: { replicas: 10 } });
    assert.deepEqual(d.spec.strategy, { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: '25%', maxSurge: '25%' } });
    assert.equal(maxSurge(d), 3);
    assert.equal(maxUnavailable(d), 2);
    assert.equal(d.spec.revisionHistoryLimit, 10);
    assert.equal(d.spec.progressDeadlineSeconds, 600);
    assert.equal(toDeployment({ metadata: { name: 'x', namespace: 'ns' }, spec: {} }).spec.replicas, 1);
  });
});

describe('newRSNewReplicas', () => {
  const cases: { name: string; d: Deployment; others: number[]; newRS: number; want: number }[] = [
    { name: 'scale up within the surge', d: deployment(10, { surge: 3, unavailable: 2 }), others: [10], newRS: 0, want: 3 },
    { name: 'no room above replicas + surge', d: deployment(10, { surge: 3, unavailable: 2 }), others: [10], newRS: 3, want: 3 },
    { name: 'never above replicas', d: deployment(3, { surge: 5, unavailable: 0 }), others: [1], newRS: 2, want: 3 },
    { name: 'first rollout takes everything', d: deployment(4, { surge: 1, unavailable: 1 }), others: [], newRS: 0, want: 4 },
    { name: 'percent surge rounds up', d: deployment(5, { surge: '10%', unavailable: 0 }), others: [5], newRS: 0, want: 1 },
    { name: 'Recreate wants replicas', d: deployment(4, { type: 'Recreate' }), others: [4], newRS: 0, want: 4 },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const newRS = rs('new', c.newRS, 10);
      const all = [...c.others.map((n, i) => rs(`old${i}`, n, i)), newRS];
      assert.equal(newRSNewReplicas(c.d, all, newRS), c.want);
    });
  }
});

describe('proportional scaling', () => {
  const ann = (desired: number, max: number) => ({ 'deployment.kubernetes.io/desired-replicas': String(desired), 'deployment.kubernetes.io/max-replicas': String(max) });
  const cases: { name: string; d: Deployment; rss: ReplicaSet[]; want: Record<string, number> }[] = [
    {
      name: 'upstream docs: 10 -> 15 with surge 3 / unavailable 2, stuck at old 8 / new 5',
      d: deployment(15, { surge: 3, unavailable: 2 }),
      rss: [rs('old', 8, 0, { annotations: ann(10, 13) }), rs('new', 5, 10, { annotations: ann(10, 13) })],
      want: { old: 11, new: 7 },
    },
    { name: '5 -> 10', d: deployment(10), rss: [rs('old', 3, 0, { annotations: ann(5, 5) }), rs('new', 2, 10, { annotations: ann(5, 5) })], want: { old: 6, new: 4 } },
    { name: '5 -> 3', d: deployment(3), rss: [rs('old', 3, 0, { annotations: ann(5, 5) }), rs('new', 2, 10, { annotations: ann(5, 5) })], want: { old: 2, new: 1 } },
    { name: '9 -> 4', d: deployment(4), rss: [rs('old', 1, 0, { annotations: ann(9, 9) }), rs('new', 8, 10, { annotations: ann(9, 9) })], want: { old: 0, new: 4 } },
    {
      name: 'leftover goes to the newest of equals when adding: 3 -> 4',
      d: deployment(4),
      rss: [rs('a', 1, 0, { annotations: ann(3, 3) }), rs('b', 1, 5, { annotations: ann(3, 3) }), rs('c', 1, 10, { annotations: ann(3, 3) })],
      want: { a: 1, b: 1, c: 2 },
    },
    {
      name: 'leftover is taken from the oldest of equals when removing: 3 -> 2',
      d: deployment(2),
      rss: [rs('a', 1, 0, { annotations: ann(3, 3) }), rs('b', 1, 5, { annotations: ann(3, 3) }), rs('c', 1, 10, { annotations: ann(3, 3) })],
      want: { a: 0, b: 1, c: 1 },
    },
    {
      name: 'scaling to zero takes everything',
      d: deployment(0),
      rss: [rs('old', 3, 0, { annotations: ann(5, 5) }), rs('new', 2, 10, { annotations: ann(5, 5) })],
      want: { old: 0, new: 0 },
    },
    {
      name: 'without max-replicas the current status.replicas is the base',
      d: deployment(10, { status: { replicas: 5 } }),
      rss: [rs('old', 3, 0), rs('new', 2, 10)],
      want: { old: 6, new: 4 },
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const got = Object.fromEntries(proportionalScale(c.d, c.rss).map((x) => [x.rs.metadata.name, x.size]));
      assert.deepEqual(got, c.want);
      const total = Object.values(got).reduce((a, b) => a + b, 0);
      const allowed = c.d.spec.replicas > 0 ? c.d.spec.replicas + maxSurge(c.d) : 0;
      assert.equal(total, allowed, 'the sizes add up to replicas + maxSurge');
    });
  }
  it('getProportion never exceeds what is left to add or remove', () => {
    const d = deployment(15, { surge: 3, unavailable: 2 });
    const r = rs('x', 8, 0, { annotations: ann(10, 13) });
    assert.equal(getProportion(r, d, 5, 0), 3);
    assert.equal(getProportion(r, d, 5, 4), 1);
    assert.equal(getProportion(r, d, 5, 5), 0);
    assert.equal(getProportion(rs('z', 0, 0), d, 5, 0), 0, 'an empty ReplicaSet is never scaled proportionally');
  });
  it('rounds half away from zero, as Go integer.RoundToInt32', () => {
    assert.deepEqual([2.5, 2.49, -2.5, -2.49, 0].map(roundToInt32), [3, 2, -3, -2, 0]);
  });
});

describe('revisions and annotations', () => {
  it('finds the highest and the previous revision, skipping unparsable ones', () => {
    const rss = [rs('a', 0, 0, { annotations: { 'deployment.kubernetes.io/revision': '3' } }), rs('b', 0, 1, { annotations: { 'deployment.kubernetes.io/revision': '7' } }), rs('c', 0, 2, { annotations: { 'deployment.kubernetes.io/revision': 'x' } }), rs('d', 0, 3)];
    assert.equal(maxRevision(rss), 7);
    assert.equal(lastRevision(rss), 3);
  });

  it('raises an existing ReplicaSet to the new revision and keeps the old one in revision-history', () => {
    const d = deployment(3, { annotations: { 'kubernetes.io/change-cause': 'v2', 'kubectl.kubernetes.io/last-applied-configuration': '{}', 'deployment.kubernetes.io/revision': '9' } });
    const r = rs('a', 3, 0, { annotations: { 'deployment.kubernetes.io/revision': '2', 'deployment.kubernetes.io/revision-history': '1' } });
    assert.equal(setNewReplicaSetAnnotations(d, r, '5', true, 2000), true);
    assert.deepEqual(r.metadata.annotations, {
      'deployment.kubernetes.io/revision': '5',
      'deployment.kubernetes.io/revision-history': '1,2',
      'kubernetes.io/change-cause': 'v2',
    });
    assert.equal(setNewReplicaSetAnnotations(d, r, '5', true, 2000), false, 'nothing left to change');
    assert.equal(setNewReplicaSetAnnotations(d, r, '4', true, 2000), false, 'a revision is never lowered');
  });

  it('drops the oldest revision-history entries beyond the character limit', () => {
    const d = deployment(1);
    const r = rs('a', 1, 0, { annotations: { 'deployment.kubernetes.io/revision': '40', 'deployment.kubernetes.io/revision-history': '10,20,30' } });
    setNewReplicaSetAnnotations(d, r, '50', true, 9);
    assert.equal(r.metadata.annotations!['deployment.kubernetes.io/revision-history'], '20,30,40');
  });

  it('gives a ReplicaSet about to be created its desired and max replicas', () => {
    const d = deployment(4, { surge: '25%', unavailable: '25%' });
    const r = rs('a', 0, 0);
    setNewReplicaSetAnnotations(d, r, '1', false, 2000);
    assert.deepEqual(r.metadata.annotations, { 'deployment.kubernetes.io/revision': '1', 'deployment.kubernetes.io/desired-replicas': '4', 'deployment.kubernetes.io/max-replicas': '5' });
  });

  it('refuses an unparsable revision on the ReplicaSet', () => {
    const r = rs('a', 0, 0, { annotations: { 'deployment.kubernetes.io/revision': 'abc' } });
    assert.equal(setNewReplicaSetAnnotations(deployment(1), r, '2', true, 2000), false);
    assert.equal(r.metadata.annotations!['deployment.kubernetes.io/revision'], 'abc');
  });

  it('a rollback takes the ReplicaSet annotations and keeps the Deployment-only ones', () => {
    const d = deployment(1, { annotations: { 'deployment.kubernetes.io/revision': '4', 'kubernetes.io/change-cause': 'now', mine: 'x' } });
    setDeploymentAnnotationsTo(d, rs('a', 0, 0, { annotations: { 'deployment.kubernetes.io/revision': '1', 'kubernetes.io/change-cause': 'then' } }));
    assert.deepEqual(d.metadata.annotations, { 'deployment.kubernetes.io/revision': '4', 'kubernetes.io/change-cause': 'then' });
  });
});

describe('templates and ReplicaSet selection', () => {
  it('compares templates ignoring the hash label and empty values', () => {
    const a = { metadata: { labels: { app: 'x', 'pod-template-hash': 'abc' } }, spec: { containers: [{ name: 'c', image: 'i', env: [] }], volumes: null } };
    const b = { metadata: { labels: { app: 'x' }, annotations: {} }, spec: { containers: [{ name: 'c', image: 'i' }] } };
    assert.equal(equalIgnoreHash(a, b as never), true);
    assert.equal(equalIgnoreHash(a, { ...b, spec: { containers: [{ name: 'c', image: 'j' }] } } as never), false);
    assert.equal(equalIgnoreHash({ metadata: { labels: { app: 'x', other: 'y' } } }, { metadata: { labels: { app: 'x' } } }), false);
  });

  it('the new ReplicaSet is the oldest one with the template', () => {
    const d = deployment(1, { image: 'v2' });
    const found = findNewReplicaSet(d, [rs('newer', 1, 20, { image: 'v2' }), rs('old', 1, 0, { image: 'v1' }), rs('older-same', 1, 10, { image: 'v2' })]);
    assert.equal(found?.metadata.name, 'older-same');
    assert.equal(findNewReplicaSet(d, [rs('old', 1, 0, { image: 'v1' })]), undefined);
  });

  it('findActiveOrLatest: the only active one, the newest when none, nothing when several', () => {
    assert.equal(findActiveOrLatest(rs('n', 0, 10), [rs('o', 2, 0)])?.metadata.name, 'o');
    assert.equal(findActiveOrLatest(undefined, [rs('o1', 0, 0), rs('o2', 0, 5)])?.metadata.name, 'o2');
    assert.equal(findActiveOrLatest(rs('n', 0, 10), [rs('o', 0, 0)])?.metadata.name, 'n');
    assert.equal(findActiveOrLatest(rs('n', 1, 10), [rs('o', 2, 0)]), undefined);
  });

  it('hashes templates into the safe alphabet, stably, and differently per collisionCount', () => {
    const t = deployment(1).spec.template;
    const h = computeTemplateHash(t);
    assert.match(h, /^[bcdfghjklmnpqrstvwxz2456789]{1,10}$/);
    assert.equal(computeTemplateHash(structuredClone(t)), h);
    assert.notEqual(computeTemplateHash(t, 1), h);
    assert.notEqual(computeTemplateHash(deployment(1, { image: 'other' }).spec.template), h);
  });
});

describe('status predicates and conditions', () => {
  const status = (s: Partial<Record<'replicas' | 'updatedReplicas' | 'readyReplicas' | 'availableReplicas' | 'observedGeneration', number>>): DeploymentStatus => ({
    observedGeneration: 1,
    replicas: 0,
    updatedReplicas: 0,
    readyReplicas: 0,
    availableReplicas: 0,
    unavailableReplicas: 0,
    conditions: [],
    ...s,
  });

  it('complete: all updated, no old pods, all available, generation observed', () => {
    const d = deployment(3, { generation: 2 });
    assert.equal(deploymentComplete(d, status({ replicas: 3, updatedReplicas: 3, availableReplicas: 3, observedGeneration: 2 })), true);
    assert.equal(deploymentComplete(d, status({ replicas: 4, updatedReplicas: 3, availableReplicas: 3, observedGeneration: 2 })), false);
    assert.equal(deploymentComplete(d, status({ replicas: 3, updatedReplicas: 3, availableReplicas: 3, observedGeneration: 1 })), false);
  });

  it('progressing: more updated, fewer old, more ready or more available', () => {
    const d = deployment(3, { status: { replicas: 4, updatedReplicas: 1, readyReplicas: 3, availableReplicas: 3 } });
    const base = { replicas: 4, updatedReplicas: 1, readyReplicas: 3, availableReplicas: 3 };
    assert.equal(deploymentProgressing(d, status(base)), false);
    assert.equal(deploymentProgressing(d, status({ ...base, updatedReplicas: 2 })), true);
    assert.equal(deploymentProgressing(d, status({ ...base, replicas: 3 })), true);
    assert.equal(deploymentProgressing(d, status({ ...base, readyReplicas: 4 })), true);
    assert.equal(deploymentProgressing(d, status({ ...base, availableReplicas: 4 })), true);
  });

  it('timed out: only past lastUpdateTime + progressDeadlineSeconds, never after NewReplicaSetAvailable', () => {
    const d = deployment(1);
    d.spec.progressDeadlineSeconds = 10;
    const s = (reason: string, updatedAt: number) => ({ ...status({}), conditions: [{ type: 'Progressing', status: 'True', reason, lastUpdateTime: ts(updatedAt), lastTransitionTime: ts(0) }] });
    assert.equal(deploymentTimedOut(d, s('ReplicaSetUpdated', 0), T0 + 10_000), false);
    assert.equal(deploymentTimedOut(d, s('ReplicaSetUpdated', 0), T0 + 10_001), true);
    assert.equal(deploymentTimedOut(d, s('NewReplicaSetAvailable', 0), T0 + 99_000), false);
    assert.equal(deploymentTimedOut(d, s('ProgressDeadlineExceeded', 0), T0), true);
    d.spec.progressDeadlineSeconds = 2147483647;
    assert.equal(deploymentTimedOut(d, s('ReplicaSetUpdated', 0), T0 + 99_000_000), false, 'MaxInt32 means no deadline');
  });

  it('saturated: the new ReplicaSet has, wants and makes available all replicas', () => {
    const d = deployment(3);
    const ann = { 'deployment.kubernetes.io/desired-replicas': '3' };
    assert.equal(isSaturated(d, rs('n', 3, 0, { annotations: ann, available: 3 })), true);
    assert.equal(isSaturated(d, rs('n', 3, 0, { annotations: ann, available: 2 })), false);
    assert.equal(isSaturated(d, rs('n', 3, 0, { available: 3 })), false);
    assert.equal(isSaturated(d, undefined), false);
  });

  it('setDeploymentCondition keeps a same-status condition, and its transition time on a reason change', () => {
    const st = status({});
    setDeploymentCondition(st, { type: 'Progressing', status: 'True', reason: 'A', message: 'a', lastUpdateTime: ts(0), lastTransitionTime: ts(0) });
    setDeploymentCondition(st, { type: 'Available', status: 'True', reason: 'X', message: 'x', lastUpdateTime: ts(1), lastTransitionTime: ts(1) });
    setDeploymentCondition(st, { type: 'Progressing', status: 'True', reason: 'A', message: 'other', lastUpdateTime: ts(5), lastTransitionTime: ts(5) });
    assert.equal(st.conditions[0]!.message, 'a', 'same status and reason: unchanged');
    setDeploymentCondition(st, { type: 'Progressing', status: 'True', reason: 'B', message: 'b', lastUpdateTime: ts(9), lastTransitionTime: ts(9) });
    assert.deepEqual(
      st.conditions.map((c) => [c.type, c.reason, c.lastUpdateTime, c.lastTransitionTime]),
      [
        ['Available', 'X', ts(1), ts(1)],
        ['Progressing', 'B', ts(9), ts(0)],
      ],
    );
    setDeploymentCondition(st, { type: 'Progressing', status: 'False', reason: 'C', message: 'c', lastUpdateTime: ts(12), lastTransitionTime: ts(12) });
    assert.equal(st.conditions[1]!.lastTransitionTime, ts(12));
  });
});
