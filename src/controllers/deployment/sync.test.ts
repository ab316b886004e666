import assert from 'node:assert/strict';
import { beforeEach, describe, it } from 'node:test';
import { isAlreadyExists, type KubeObject } from '../../apimachinery/index.js';
import { FakeApiClient, Indexer, Lister, rfc3339 } from '../../client/index.js';
import { FakeClock } from '../../util/clock.js';
import { computeTemplateHash } from '../history/index.js';
import type { SyncContext } from './context.js';
import { requeueStuckDeployment, syncRolloutStatus } from './progress.js';
import { rolloutRecreate } from './recreate.js';
import { reconcileNewReplicaSet, reconcileOldReplicaSets } from './rolling.js';
import { calculateStatus, cleanupDeployment, getNewReplicaSet, scale } from './sync.js';
import { DEPLOYMENTS, REPLICASETS, toDeployment, toReplicaSet, type Deployment, type ReplicaSet } from './types.js';
import { activeReplicaSets } from './util.js';

const NS = 'ns';

/** A SyncContext over a FakeApiClient that records events and requeues. */
class Harness implements SyncContext {
  readonly client = new FakeApiClient({ kinds: { deployments: 'Deployment', replicasets: 'ReplicaSet' } });
  readonly clock = new FakeClock(Date.UTC(2026, 0, 1));
  readonly cache = new Indexer();
  readonly rsLister = new Lister(this.cache);
  readonly events: string[] = [];
  readonly requeues: (number | 'rate-limited')[] = [];

  eventf(_d: Deployment, type: string, reason: string, fmt: string, ...args: unknown[]): void {
    let i = 0;
    this.events.push(`${type} ${reason} ${fmt.replace(/%[sdqv]/g, (m) => (m === '%q' ? JSON.stringify(args[i++]) : String(args[i++])))}`);
  }
  enqueueAfter(_d: Deployment, ms: number): void {
    this.requeues.push(ms);
  }
  enqueueRateLimited(): void {
    this.requeues.push('rate-limited');
  }

  now(offsetSeconds = 0): string {
    return rfc3339(this.clock.now() + offsetSeconds * 1000);
  }

  /** Stores a Deployment and returns the controller's copy of it. */
  async deployment(name: string, spec: Record<string, unknown> = {}, status: Record<string, unknown> = {}): Promise<Deployment> {
    const created = await this.client.create(DEPLOYMENTS, NS, {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name, namespace: NS, generation: 1 },
      spec: {
        replicas: 3,
        selector: { matchLabels: { app: name } },
        template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'c', image: 'nginx:1' }] } },
        ...spec,
      },
    });
    const withStatus = await this.client.update(DEPLOYMENTS, NS, { ...created, status }, { subresource: 'status' });
    return toDeployment(withStatus);
  }

  /** Stores a ReplicaSet owned by `d` (and caches it) and returns the controller's copy. */
  async replicaSet(d: Deployment, name: string, replicas: number, opts: { image?: string; available?: number; actual?: number; revision?: string; annotations?: Record<string, string>; createdSecondsAgo?: number; generation?: number; observed?: number } = {}): Promise<ReplicaSet> {
    const obj: KubeObject = {
      apiVersion: 'apps/v1',
      kind: 'ReplicaSet',
      metadata: {
        name,
        namespace: NS,
        generation: opts.generation ?? 1,
        labels: { app: d.metadata.name, 'pod-template-hash': name },
        annotations: { ...(opts.revision ? { 'deployment.kubernetes.io/revision': opts.revision } : {}), ...(opts.annotations ?? {}) },
        ownerReferences: [{ apiVersion: 'apps/v1', kind: 'Deployment', name: d.metadata.name, uid: d.metadata.uid!, controller: true, blockOwnerDeletion: true }],
      },
      spec: {
        replicas,
        selector: { matchLabels: { app: d.metadata.name, 'pod-template-hash': name } },
        template: { metadata: { labels: { app: d.metadata.name, 'pod-template-hash': name } }, spec: { containers: [{ name: 'c', image: opts.image ?? 'nginx:0' }] } },
      },
    };
    let stored = await this.client.create(REPLICASETS, NS, obj);
    stored.metadata!.creationTimestamp = this.now(-(opts.createdSecondsAgo ?? 0));
    stored = await this.client.update(REPLICASETS, NS, stored);
    stored = await this.client.update(
      REPLICASETS,
      NS,
      { ...stored, status: { replicas: opts.actual ?? replicas, availableReplicas: opts.available ?? replicas, readyReplicas: opts.available ?? replicas, observedGeneration: opts.observed ?? 1 } },
      { subresource: 'status' },
    );
    this.cache.add(stored);
    return toReplicaSet(stored);
  }

  async sizes(): Promise<Record<string, number>> {
    return Object.fromEntries(this.client.objects(REPLICASETS, NS).map((r) => [r.metadata!.name, (r.spec as { replicas: number }).replicas]));
  }
}

describe('getNewReplicaSet', () => {
  let h: Harness;
  beforeEach(() => (h = new Harness()));

  it('creates <name>-<hash> with the hash in labels, selector and template, the annotations, and records the event and condition', async () => {
    const d = await h.deployment('web', { replicas: 4, strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 1, maxUnavailable: 1 } } });
    const old = await h.replicaSet(d, 'web-old', 4, { revision: '3' });
    const created = await getNewReplicaSet(h, d, [old], [old], true);
    const hash = computeTemplateHash(d.spec.template);
    assert.equal(created!.metadata.name, `web-${hash}`);
    const stored = await h.client.get(REPLICASETS, NS, `web-${hash}`);
    assert.deepEqual(stored.metadata!.labels, { app: 'web', 'pod-template-hash': hash });
    assert.deepEqual(stored.metadata!.annotations, {
      'deployment.kubernetes.io/revision': '4',
      'deployment.kubernetes.io/desired-replicas': '4',
      'deployment.kubernetes.io/max-replicas': '5',
    });
    assert.deepEqual(stored.metadata!.ownerReferences, [{ apiVersion: 'apps/v1', kind: 'Deployment', name: 'web', uid: d.metadata.uid, controller: true, blockOwnerDeletion: true }]);
    const spec = stored.spec as ReplicaSet['spec'];
    assert.equal(spec.replicas, 1, 'replicas + maxSurge - existing = 1');
    assert.deepEqual(spec.selector, { matchLabels: { app: 'web', 'pod-template-hash': hash } });
    assert.deepEqual(spec.template.metadata?.labels, { app: 'web', 'pod-template-hash': hash });
    assert.deepEqual(h.events, [`Normal ScalingReplicaSet Scaled up replica set web-${hash} from 0 to 1`]);
    const dep = await h.client.get(DEPLOYMENTS, NS, 'web');
    assert.equal(dep.metadata!.annotations!['deployment.kubernetes.io/revision'], '4');
    const progressing = (dep.status as { conditions: Record<string, string>[] }).conditions[0]!;
    assert.deepEqual(progressing, {
      type: 'Progressing',
      status: 'True',
      lastUpdateTime: h.now(),
      lastTransitionTime: h.now(),
      reason: 'NewReplicaSetCreated',
      message: `Created new replica set "web-${hash}"`,
    });
  });

  it('brings an existing new ReplicaSet to the next revision, copying the Deployment annotations', async () => {
    const d = await h.deployment('web', { minReadySeconds: 5 });
    d.metadata.annotations = { 'kubernetes.io/change-cause': 'undo' };
    const old = await h.replicaSet(d, 'web-b', 0, { revision: '2' });
    const same = await h.replicaSet(d, 'web-a', 3, { image: 'nginx:1', revision: '1' });
    const got = await getNewReplicaSet(h, d, [old, same], [old], false);
    assert.equal(got!.metadata.name, 'web-a');
    assert.deepEqual(got!.metadata.annotations, {
      'deployment.kubernetes.io/revision': '3',
      'deployment.kubernetes.io/revision-history': '1',
      'kubernetes.io/change-cause': 'undo',
    });
    assert.equal(got!.spec.minReadySeconds, 5);
    assert.equal(h.events.length, 0);
  });

  it('notes FoundNewReplicaSet (and the revision) when a current new ReplicaSet has no Progressing condition yet', async () => {
    const d = await h.deployment('web');
    const same = await h.replicaSet(d, 'web-a', 3, { image: 'nginx:1', revision: '1' });
    const got = await getNewReplicaSet(h, d, [same], [], false);
    assert.equal(got!.metadata.name, 'web-a');
    const dep = await h.client.get(DEPLOYMENTS, NS, 'web');
    assert.equal(dep.metadata!.annotations!['deployment.kubernetes.io/revision'], '1');
    assert.deepEqual((dep.status as { conditions: Record<string, string>[] }).conditions, [
      { type: 'Progressing', status: 'True', lastUpdateTime: h.now(), lastTransitionTime: h.now(), reason: 'FoundNewReplicaSet', message: 'Found new replica set "web-a"' },
    ]);
    assert.equal(await getNewReplicaSet(h, toDeployment(dep), [same], [], false).then((r) => r!.metadata.name), 'web-a');
    assert.equal(h.client.calls.filter((c) => c.verb === 'update' && c.gvr.resource === 'deployments').length, 2, 'the second call writes nothing (one write was the harness status)');
  });

  it('bumps collisionCount when its name is taken by a ReplicaSet with another template', async () => {
    const d = await h.deployment('web');
    const hash = computeTemplateHash(d.spec.template);
    const squatter = await h.replicaSet(d, `web-${hash}`, 0, { image: 'other' });
    await assert.rejects(getNewReplicaSet(h, d, [squatter], [squatter], true), (e: unknown) => isAlreadyExists(e));
    const dep = await h.client.get(DEPLOYMENTS, NS, 'web');
    assert.equal((dep.status as { collisionCount?: number }).collisionCount, 1);
    assert.notEqual(computeTemplateHash(d.spec.template, 1), hash, 'the next sync tries another name');
  });
});

describe('scale (scaling events and paused Deployments)', () => {
  it('shares a resize proportionally and records each step with upstream wording', async () => {
    const h = new Harness();
    const ann = { 'deployment.kubernetes.io/desired-replicas': '10', 'deployment.kubernetes.io/max-replicas': '13' };
    const d = await h.deployment('web', { replicas: 15, strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 3, maxUnavailable: 2 } } });
    const old = await h.replicaSet(d, 'web-old', 8, { annotations: ann, createdSecondsAgo: 100 });
    const neu = await h.replicaSet(d, 'web-new', 5, { annotations: ann, available: 0 });
    await scale(h, d, neu, [old]);
    assert.deepEqual(await h.sizes(), { 'web-new': 7, 'web-old': 11 });
    assert.deepEqual(h.events, ['Normal ScalingReplicaSet Scaled up replica set web-old from 8 to 11', 'Normal ScalingReplicaSet Scaled up replica set web-new from 5 to 7']);
    for (const r of h.client.objects(REPLICASETS, NS)) {
      assert.equal(r.metadata!.annotations!['deployment.kubernetes.io/desired-replicas'], '15');
      assert.equal(r.metadata!.annotations!['deployment.kubernetes.io/max-replicas'], '18');
    }
  });

  it('gives a single active ReplicaSet the whole size, and scales old ones to zero once the new one is saturated', async () => {
    const h = new Harness();
    const d = await h.deployment('web', { replicas: 5 });
    const only = await h.replicaSet(d, 'web-a', 3);
    await scale(h, d, only, []);
    assert.deepEqual(await h.sizes(), { 'web-a': 5 });
    assert.deepEqual(h.events, ['Normal ScalingReplicaSet Scaled up replica set web-a from 3 to 5']);

    const h2 = new Harness();
    const d2 = await h2.deployment('web', { replicas: 2 });
    const sat = await h2.replicaSet(d2, 'web-new', 2, { annotations: { 'deployment.kubernetes.io/desired-replicas': '2' } });
    const old = await h2.replicaSet(d2, 'web-old', 1);
    await scale(h2, d2, sat, [old]);
    assert.deepEqual(await h2.sizes(), { 'web-new': 2, 'web-old': 0 });
    assert.deepEqual(h2.events, ['Normal ScalingReplicaSet Scaled down replica set web-old from 1 to 0']);
  });
});

describe('rolling update steps', () => {
  const cases: {
    name: string;
    replicas: number;
    maxUnavailable: number;
    old: { replicas: number; available: number };
    neu: { replicas: number; available: number };
    scaled: boolean;
    oldAfter: number;
  }[] = [
    { name: 'no unavailability allowed and no new pods available: nothing', replicas: 10, maxUnavailable: 0, old: { replicas: 10, available: 10 }, neu: { replicas: 0, available: 0 }, scaled: false, oldAfter: 10 },
    { name: 'scale old down by maxUnavailable', replicas: 10, maxUnavailable: 2, old: { replicas: 10, available: 10 }, neu: { replicas: 0, available: 0 }, scaled: true, oldAfter: 8 },
    { name: 'unavailable new pods block further scale down', replicas: 10, maxUnavailable: 2, old: { replicas: 8, available: 8 }, neu: { replicas: 2, available: 0 }, scaled: false, oldAfter: 8 },
    { name: 'available new pods let old ones go', replicas: 10, maxUnavailable: 2, old: { replicas: 8, available: 8 }, neu: { replicas: 2, available: 2 }, scaled: true, oldAfter: 6 },
    { name: 'unhealthy old replicas are cleaned up first', replicas: 10, maxUnavailable: 2, old: { replicas: 10, available: 8 }, neu: { replicas: 0, available: 0 }, scaled: true, oldAfter: 8 },
  ];
  for (const c of cases) {
    it(`reconcileOldReplicaSets: ${c.name}`, async () => {
      const h = new Harness();
      // Both fenceposts at zero would make maxUnavailable 1: a zero-unavailability case surges by 1.
      const surge = c.maxUnavailable === 0 ? 1 : 0;
      const d = await h.deployment('web', { replicas: c.replicas, strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: surge, maxUnavailable: c.maxUnavailable } } });
      const old = await h.replicaSet(d, 'web-old', c.old.replicas, { available: c.old.available, createdSecondsAgo: 10 });
      const neu = await h.replicaSet(d, 'web-new', c.neu.replicas, { available: c.neu.available, image: 'nginx:1' });
      const scaled = await reconcileOldReplicaSets(h, [old, neu], activeReplicaSets([old]), neu, d);
      assert.equal(scaled, c.scaled);
      assert.equal((await h.sizes())['web-old'], c.oldAfter);
    });
  }

  it('reconcileNewReplicaSet: up within maxSurge, down to replicas when above', async () => {
    const h = new Harness();
    const d = await h.deployment('web', { replicas: 4, strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 1, maxUnavailable: 1 } } });
    const old = await h.replicaSet(d, 'web-old', 3, { createdSecondsAgo: 10 });
    const neu = await h.replicaSet(d, 'web-new', 1, { image: 'nginx:1' });
    assert.equal(await reconcileNewReplicaSet(h, [old, neu], neu, d), true);
    assert.equal((await h.sizes())['web-new'], 2);
    assert.deepEqual(h.events, ['Normal ScalingReplicaSet Scaled up replica set web-new from 1 to 2']);
    const big = toReplicaSet(await h.client.get(REPLICASETS, NS, 'web-new'));
    big.spec.replicas = 6;
    assert.equal(await reconcileNewReplicaSet(h, [big], big, d), true);
    assert.equal((await h.sizes())['web-new'], 4);
  });
});

describe('Recreate', () => {
  it('scales old ReplicaSets to zero and creates the new one only when no old pod runs', async () => {
    const h = new Harness();
    const d = await h.deployment('web', { replicas: 2, strategy: { type: 'Recreate' } });
    const old = await h.replicaSet(d, 'web-old', 2);
    const oldPod = { metadata: { name: 'p', ownerReferences: [{ uid: old.metadata.uid, controller: true }] }, status: { phase: 'Running' } } as unknown as KubeObject;
    await rolloutRecreate(h, d, [old], new Map([[old.metadata.uid!, [oldPod]]]));
    assert.deepEqual(await h.sizes(), { 'web-old': 0 });
    // Scaled to zero but a pod still runs: wait.
    const zero = toReplicaSet(await h.client.get(REPLICASETS, NS, 'web-old'));
    zero.status.replicas = 0;
    await rolloutRecreate(h, d, [zero], new Map([[old.metadata.uid!, [oldPod]]]));
    assert.equal(h.client.objects(REPLICASETS, NS).length, 1);
    // The pod finished: the new ReplicaSet comes up at full size.
    const done = { ...oldPod, status: { phase: 'Succeeded' } } as KubeObject;
    await rolloutRecreate(h, d, [zero], new Map([[old.metadata.uid!, [done]]]));
    const sizes = await h.sizes();
    assert.equal(Object.keys(sizes).length, 2);
    assert.ok(Object.entries(sizes).some(([n, r]) => n !== 'web-old' && r === 2), JSON.stringify(sizes));
    assert.match(h.events.at(-1)!, /^Normal ScalingReplicaSet Scaled up replica set web-\S+ from 0 to 2$/);
  });
});

describe('cleanupDeployment', () => {
  it('deletes the oldest revisions beyond the limit, only when empty and observed', async () => {
    const h = new Harness();
    const d = await h.deployment('web', { revisionHistoryLimit: 1 });
    const r1 = await h.replicaSet(d, 'web-1', 0, { revision: '1' });
    const r2 = await h.replicaSet(d, 'web-2', 0, { revision: '2', generation: 2, observed: 1 });
    const r3 = await h.replicaSet(d, 'web-3', 0, { revision: '3' });
    const r4 = await h.replicaSet(d, 'web-4', 0, { revision: '4' });
    await cleanupDeployment(h, [r4, r2, r3, r1], d);
    assert.deepEqual(Object.keys(await h.sizes()).sort(), ['web-2', 'web-4'], 'web-2 is skipped: its latest spec is not observed yet');
  });
});

describe('status and progress', () => {
  it('calculateStatus sums the ReplicaSets and sets Available by minimum availability', async () => {
    const h = new Harness();
    const d = await h.deployment('web', { replicas: 4, strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 1, maxUnavailable: 1 } } });
    const old = await h.replicaSet(d, 'web-old', 2, { available: 2 });
    const neu = await h.replicaSet(d, 'web-new', 3, { available: 1, actual: 3 });
    const s = calculateStatus([old, neu], neu, d, h.clock.now());
    assert.deepEqual({ ...s, conditions: undefined }, { observedGeneration: 1, replicas: 5, updatedReplicas: 3, readyReplicas: 3, availableReplicas: 3, unavailableReplicas: 2, conditions: undefined });
    assert.deepEqual(s.conditions, [{ type: 'Available', status: 'True', lastUpdateTime: h.now(), lastTransitionTime: h.now(), reason: 'MinimumReplicasAvailable', message: 'Deployment has minimum availability.' }]);
    const low = calculateStatus([toReplicaSet({ ...neu, status: { replicas: 3, availableReplicas: 2 } })], neu, d, h.clock.now());
    assert.equal(low.conditions[0]!.reason, 'MinimumReplicasUnavailable');
    assert.equal(low.conditions[0]!.message, 'Deployment does not have minimum availability.');
  });

  it('marks progress, requeues for the deadline while stuck, then times out; completes with NewReplicaSetAvailable', async () => {
    const h = new Harness();
    let d = await h.deployment('web', { replicas: 2, progressDeadlineSeconds: 60 }, { conditions: [{ type: 'Progressing', status: 'True', reason: 'NewReplicaSetCreated', message: 'Created new replica set "web-new"', lastUpdateTime: h.now(), lastTransitionTime: h.now() }] });
    let neu = await h.replicaSet(d, 'web-new', 2, { available: 0, actual: 1 });
    await h.clock.advance(5000);
    await syncRolloutStatus(h, [neu], neu, d);
    const cond = () => (d.status.conditions.find((c) => c.type === 'Progressing') ?? {}) as Record<string, string>;
    assert.equal(cond().reason, 'ReplicaSetUpdated');
    assert.equal(cond().message, 'ReplicaSet "web-new" is progressing.');
    assert.equal(cond().lastUpdateTime, h.now());
    assert.equal(cond().lastTransitionTime, h.now(-5), 'the transition time stays');
    // Nothing moves: requeued for lastUpdateTime + 60 s (+1 s).
    d = toDeployment(await h.client.get(DEPLOYMENTS, NS, 'web'));
    await h.clock.advance(20_000);
    await syncRolloutStatus(h, [neu], neu, d);
    assert.deepEqual(h.requeues, [41_000]);
    await h.clock.advance(41_000);
    await syncRolloutStatus(h, [neu], neu, d);
    assert.equal(cond().reason, 'ProgressDeadlineExceeded');
    assert.equal(cond().status, 'False');
    assert.equal(cond().message, 'ReplicaSet "web-new" has timed out progressing.');
    // Everything available at last.
    d = toDeployment(await h.client.get(DEPLOYMENTS, NS, 'web'));
    neu = toReplicaSet({ ...neu, status: { replicas: 2, readyReplicas: 2, availableReplicas: 2 } });
    await syncRolloutStatus(h, [neu], neu, d);
    assert.equal(cond().reason, 'NewReplicaSetAvailable');
    assert.equal(cond().status, 'True');
    assert.equal(cond().message, 'ReplicaSet "web-new" has successfully progressed.');
  });

  it('requeueStuckDeployment: rate-limited within a second of the deadline, nothing without a deadline', async () => {
    const h = new Harness();
    const d = await h.deployment('web', { progressDeadlineSeconds: 10 }, { conditions: [{ type: 'Progressing', status: 'True', reason: 'ReplicaSetUpdated', lastUpdateTime: h.now(-9.5), lastTransitionTime: h.now(-9.5) }] });
    assert.equal(requeueStuckDeployment(h, d, d.status), 0);
    assert.deepEqual(h.requeues, ['rate-limited']);
    d.spec.progressDeadlineSeconds = 2147483647;
    assert.equal(requeueStuckDeployment(h, d, d.status), -1);
  });

  it('mirrors a ReplicaSet failure and drops Progressing without a deadline', async () => {
    const h = new Harness();
    const d = await h.deployment('web', { replicas: 1, progressDeadlineSeconds: 2147483647 }, { conditions: [{ type: 'Progressing', status: 'True', reason: 'ReplicaSetUpdated' }] });
    const failing = toReplicaSet({
      ...(await h.replicaSet(d, 'web-new', 1, { available: 0, actual: 0 })),
      status: { replicas: 0, conditions: [{ type: 'ReplicaFailure', status: 'True', lastTransitionTime: h.now(), reason: 'FailedCreate', message: 'quota' }] },
    });
    await syncRolloutStatus(h, [failing], failing, d);
    assert.deepEqual(
      d.status.conditions.map((c) => [c.type, c.reason, c.message]),
      [
        ['Available', 'MinimumReplicasUnavailable', 'Deployment does not have minimum availability.'],
        ['ReplicaFailure', 'FailedCreate', 'quota'],
      ],
    );
  });
});
