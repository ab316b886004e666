/**
 * The deployment, replicaset and replicationcontroller controllers against a real in-process
 * server (HTTPS client). The test plays the kubelet: it marks pods Running and Ready through
 * pods/status when it wants them to count (no scheduler, pods stay unbound).
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { KubeObject } from '../../src/apimachinery/types.js';
import { gvr, HttpClient, type ApiClient } from '../../src/client/index.js';
import { startTestCluster, type TestCluster } from '../helpers/cluster.js';
import { ensureNamespace, eventsFor, listPods, mutate, names, PODS, runReady, until } from './workloads-helpers.js';

const RS = gvr('apps/v1', 'replicasets');
const RC = gvr('v1', 'replicationcontrollers');
const DEPLOY = gvr('apps/v1', 'deployments');
const LIMITRANGES = gvr('v1', 'limitranges');

const HASH_FORM = /^[bcdfghjklmnpqrstvwxz2456789]{1,10}$/;

type Obj = KubeObject & { spec: Record<string, any>; status?: Record<string, any> };
const S = (o: KubeObject): Record<string, any> => (o.status ?? {}) as Record<string, any>;

const template = (app: string, image = 'nginx:1', extra: Record<string, unknown> = {}) => ({
  metadata: { labels: { app }, annotations: { note: app } },
  spec: { containers: [{ name: 'c', image, ...extra }] },
});

const active = (pods: KubeObject[]) => pods.filter((p) => !p.metadata?.deletionTimestamp && !['Succeeded', 'Failed'].includes((p.status as { phase?: string } | undefined)?.phase ?? ''));
const isReady = (p: KubeObject) => ((p.status as { conditions?: { type: string; status: string }[] } | undefined)?.conditions ?? []).some((c) => c.type === 'Ready' && c.status === 'True');
const ownerUid = (p: KubeObject) => p.metadata?.ownerReferences?.find((r) => r.controller)?.uid;
const cond = (o: KubeObject, type: string) => ((o.status as { conditions?: Record<string, string>[] } | undefined)?.conditions ?? []).find((c) => c.type === type);

describe('replicaset and replicationcontroller controllers', () => {
  let c: TestCluster;
  let api: ApiClient;
  const ns = 'rs-it';
  before(async () => {
    c = await startTestCluster({ controllers: ['replicaset', 'replicationcontroller'] });
    api = new HttpClient(c.client);
    await ensureNamespace(api, ns);
  });
  after(() => c.stop());

  const rs = (name: string, replicas: number, extra: Record<string, unknown> = {}): KubeObject => ({
    apiVersion: 'apps/v1',
    kind: 'ReplicaSet',
    metadata: { name },
    spec: { replicas, selector: { matchLabels: { app: name } }, template: template(name), ...extra },
  });
  const podsOf = async (app: string) => active(await listPods(api, ns, `app=${app}`));

  it('creates pods from the template with generateName, labels, annotations and a controller reference; reports status', async () => {
    const created = await api.create(RS, ns, rs('web', 3));
    const pods = await until(async () => {
      const p = await podsOf('web');
      return p.length === 3 ? p : undefined;
    }, '3 pods');
    for (const p of pods) {
      assert.match(p.metadata!.name!, /^web-[bcdfghjklmnpqrstvwxz2456789]{5}$/);
      assert.equal(p.metadata!.generateName, 'web-');
      assert.deepEqual(p.metadata!.labels, { app: 'web' });
      assert.deepEqual(p.metadata!.annotations, { note: 'web' });
      assert.deepEqual(p.metadata!.ownerReferences, [
        { apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'web', uid: created.metadata!.uid, controller: true, blockOwnerDeletion: true },
      ]);
    }
    const st = await until(async () => {
      const o = await api.get(RS, ns, 'web');
      return S(o).replicas === 3 && S(o).observedGeneration === 1 ? (o.status as Record<string, unknown>) : undefined;
    }, 'status.replicas 3');
    // Nothing ready yet: the other counters are omitted, as upstream's omitempty.
    assert.deepEqual(st, { replicas: 3, fullyLabeledReplicas: 3, observedGeneration: 1 });
    for (const p of pods) await runReady(api, ns, p.metadata!.name!);
    await until(async () => {
      const o = await api.get(RS, ns, 'web');
      return S(o).readyReplicas === 3 && S(o).availableReplicas === 3;
    }, 'ready and available 3');
    const events = await eventsFor(api, ns, 'web');
    for (const p of pods) assert.ok(events.includes(`SuccessfulCreate: Created pod: ${p.metadata!.name}`), events.join('\n'));
    const ev = (await api.list(gvr('v1', 'events'), ns)).items.find((e) => e.reason === 'SuccessfulCreate');
    assert.equal((ev?.source as { component?: string }).component, 'replicaset-controller');
    assert.deepEqual((ev?.involvedObject as { kind?: string; apiVersion?: string }).kind, 'ReplicaSet');
  });

  it('deletes not-ready pods before ready ones when scaled down, with SuccessfulDelete events', async () => {
    await api.create(RS, ns, rs('down', 4));
    const pods = await until(async () => {
      const p = await podsOf('down');
      return p.length === 4 ? p : undefined;
    }, '4 pods');
    const readyOnes = names(pods.slice(0, 2));
    for (const n of readyOnes) await runReady(api, ns, n);
    await until(async () => S((await api.get(RS, ns, 'down'))).readyReplicas === 2, 'ready 2');
    await mutate(api, RS, ns, 'down', (o) => ((o.spec as Record<string, unknown>).replicas = 2));
    const left = await until(async () => {
      const p = await podsOf('down');
      return p.length === 2 ? p : undefined;
    }, '2 pods left');
    assert.deepEqual(names(left), readyOnes, 'the not-ready pods go first');
    const events = await eventsFor(api, ns, 'down');
    for (const p of pods) if (!readyOnes.includes(p.metadata!.name!)) assert.ok(events.includes(`SuccessfulDelete: Deleted pod: ${p.metadata!.name}`), events.join('\n'));
  });

  it('adopts a matching orphan and releases a pod whose labels stop matching', async () => {
    const orphan = await api.create(PODS, ns, { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'orphan', labels: { app: 'adopt' } }, spec: template('adopt').spec });
    const owner = await api.create(RS, ns, rs('adopt', 2));
    const adopted = await until(async () => {
      const p = await api.get(PODS, ns, 'orphan');
      return ownerUid(p) === owner.metadata!.uid ? p : undefined;
    }, 'adoption of the orphan');
    assert.equal(adopted.metadata!.uid, orphan.metadata!.uid);
    assert.deepEqual(adopted.metadata!.ownerReferences, [
      { apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'adopt', uid: owner.metadata!.uid, controller: true, blockOwnerDeletion: true },
    ]);
    // Two pods in all: the orphan counts, one more was created.
    await until(async () => (await podsOf('adopt')).length === 2, '2 pods');
    await new Promise((r) => setTimeout(r, 300));
    assert.equal((await podsOf('adopt')).length, 2, 'no over-creation');
    // Relabel the adopted pod: it is released and replaced.
    await mutate(api, PODS, ns, 'orphan', (p) => (p.metadata!.labels = { app: 'elsewhere' }));
    await until(async () => {
      const p = await api.get(PODS, ns, 'orphan');
      return (p.metadata!.ownerReferences ?? []).length === 0;
    }, 'release of the relabelled pod');
    await until(async () => (await podsOf('adopt')).length === 2, 'a replacement');
  });

  it('reports availability only after minReadySeconds', async () => {
    await api.create(RS, ns, rs('slow', 2, { minReadySeconds: 3 }));
    const pods = await until(async () => {
      const p = await podsOf('slow');
      return p.length === 2 ? p : undefined;
    }, '2 pods');
    for (const p of pods) await runReady(api, ns, p.metadata!.name!);
    const st = await until(async () => {
      const o = await api.get(RS, ns, 'slow');
      return S(o).readyReplicas === 2 ? (o.status as Record<string, unknown>) : undefined;
    }, 'ready 2');
    assert.equal(st.availableReplicas, undefined, 'not yet available (omitted zero)');
    await until(async () => S((await api.get(RS, ns, 'slow'))).availableReplicas === 2, 'available after minReadySeconds');
  });

  it('sets ReplicaFailure and records FailedCreate when pods are refused', async () => {
    await ensureNamespace(api, 'rs-fail');
    await api.create(LIMITRANGES, 'rs-fail', { apiVersion: 'v1', kind: 'LimitRange', metadata: { name: 'lr' }, spec: { limits: [{ type: 'Container', max: { cpu: '1' } }] } });
    await api.create(RS, 'rs-fail', {
      apiVersion: 'apps/v1',
      kind: 'ReplicaSet',
      metadata: { name: 'big' },
      spec: { replicas: 5, selector: { matchLabels: { app: 'big' } }, template: template('big', 'nginx:1', { resources: { limits: { cpu: '2' } } }) },
    });
    const failure = await until(async () => cond(await api.get(RS, 'rs-fail', 'big'), 'ReplicaFailure'), 'ReplicaFailure');
    assert.equal(failure.status, 'True');
    assert.equal(failure.reason, 'FailedCreate');
    assert.match(failure.message!, /^pods "big-[a-z0-9]+" is forbidden: maximum cpu usage per Container is 1, but limit is 2$/);
    const events = (await api.list(gvr('v1', 'events'), 'rs-fail')).items.filter((e) => e.reason === 'FailedCreate');
    assert.ok(events.length >= 1);
    assert.equal(events[0]!.type, 'Warning');
    assert.match(String(events[0]!.message), /^Error creating: pods "big-[a-z0-9]+" is forbidden: maximum cpu usage per Container is 1, but limit is 2$/);
  });

  it('runs ReplicationControllers the same way (v1 owner reference, selector defaulted from the template labels)', async () => {
    const rc = await api.create(RC, ns, {
      apiVersion: 'v1',
      kind: 'ReplicationController',
      metadata: { name: 'legacy' },
      spec: { replicas: 2, template: template('legacy') },
    });
    const pods = await until(async () => {
      const p = await podsOf('legacy');
      return p.length === 2 ? p : undefined;
    }, '2 pods');
    for (const p of pods) {
      assert.equal(p.metadata!.generateName, 'legacy-');
      assert.deepEqual(p.metadata!.ownerReferences, [
        { apiVersion: 'v1', kind: 'ReplicationController', name: 'legacy', uid: rc.metadata!.uid, controller: true, blockOwnerDeletion: true },
      ]);
    }
    for (const p of pods) await runReady(api, ns, p.metadata!.name!);
    await until(async () => {
      const o = await api.get(RC, ns, 'legacy');
      return S(o).replicas === 2 && S(o).readyReplicas === 2 && S(o).availableReplicas === 2 && S(o).fullyLabeledReplicas === 2;
    }, 'RC status');
    const ev = (await api.list(gvr('v1', 'events'), ns)).items.find((e) => (e.involvedObject as { name?: string }).name === 'legacy');
    assert.equal((ev?.source as { component?: string }).component, 'replication-controller');
    assert.equal((ev?.involvedObject as { kind?: string }).kind, 'ReplicationController');
  });
});

describe('deployment controller', () => {
  let c: TestCluster;
  let api: ApiClient;
  const ns = 'deploy-it';

  before(async () => {
    c = await startTestCluster({ controllers: ['deployment', 'replicaset', 'replicationcontroller'] });
    api = new HttpClient(c.client);
    await ensureNamespace(api, ns);
  });
  after(() => c.stop());

  const deployment = (name: string, spec: Record<string, unknown> = {}): KubeObject => ({
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name },
    spec: { replicas: 3, selector: { matchLabels: { app: name } }, template: template(name), ...spec },
  });
  const getD = async (name: string) => (await api.get(DEPLOY, ns, name)) as Obj;
  const rsOf = async (d: KubeObject) =>
    ((await api.list(RS, ns)).items.filter((r) => ownerUid(r) === d.metadata!.uid) as Obj[]).sort((a, b) => Number(a.metadata!.annotations!['deployment.kubernetes.io/revision']) - Number(b.metadata!.annotations!['deployment.kubernetes.io/revision']));
  const podsOf = async (app: string) => active(await listPods(api, ns, `app=${app}`));

  /** Plays the kubelet for `app`: marks every pod not yet ready Running and Ready. */
  async function readyAll(app: string): Promise<void> {
    for (const p of await podsOf(app)) if (!isReady(p)) await runReady(api, ns, p.metadata!.name!).catch(() => {});
  }

  async function rolledOut(name: string, app = name, ms = 30_000): Promise<Obj> {
    return until(
      async () => {
        await readyAll(app);
        const d = await getD(name);
        const s = d.status ?? {};
        const r = d.spec.replicas;
        const done =
          s.observedGeneration === d.metadata!.generation &&
          (s.updatedReplicas ?? 0) === r &&
          (s.replicas ?? 0) === r &&
          (s.availableReplicas ?? 0) === r &&
          cond(d, 'Progressing')?.reason === 'NewReplicaSetAvailable';
        return done ? d : undefined;
      },
      `rollout of ${name}`,
      ms,
    );
  }

  it('creates a ReplicaSet named by the pod-template-hash, with revision and replicas annotations, and reports status and conditions', async () => {
    const d = await api.create(DEPLOY, ns, deployment('web'));
    const done = await rolledOut('web');
    const [rs] = await rsOf(d);
    assert.ok(rs);
    const hash = rs.metadata!.labels!['pod-template-hash']!;
    assert.match(hash, HASH_FORM);
    assert.equal(rs.metadata!.name, `web-${hash}`);
    assert.deepEqual(rs.metadata!.labels, { app: 'web', 'pod-template-hash': hash });
    assert.deepEqual(rs.spec.selector, { matchLabels: { app: 'web', 'pod-template-hash': hash } });
    assert.equal(rs.spec.template.metadata.labels['pod-template-hash'], hash);
    assert.deepEqual(rs.metadata!.annotations, {
      'deployment.kubernetes.io/revision': '1',
      'deployment.kubernetes.io/desired-replicas': '3',
      'deployment.kubernetes.io/max-replicas': '4',
    });
    assert.deepEqual(rs.metadata!.ownerReferences, [
      { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web', uid: d.metadata!.uid, controller: true, blockOwnerDeletion: true },
    ]);
    for (const p of await podsOf('web')) assert.match(p.metadata!.name!, new RegExp(`^web-${hash}-[a-z0-9]{5}$`));
    assert.equal(done.metadata!.annotations!['deployment.kubernetes.io/revision'], '1');
    const { conditions, ...counters } = done.status!;
    assert.deepEqual(counters, { observedGeneration: done.metadata!.generation, replicas: 3, updatedReplicas: 3, readyReplicas: 3, availableReplicas: 3 });
    const byType = Object.fromEntries((conditions as Record<string, string>[]).map((x) => [x.type, x]));
    assert.deepEqual(Object.keys(byType), ['Available', 'Progressing']);
    assert.equal(byType.Available!.status, 'True');
    assert.equal(byType.Available!.reason, 'MinimumReplicasAvailable');
    assert.equal(byType.Available!.message, 'Deployment has minimum availability.');
    assert.equal(byType.Progressing!.status, 'True');
    assert.equal(byType.Progressing!.message, `ReplicaSet "web-${hash}" has successfully progressed.`);
    const events = await eventsFor(api, ns, 'web');
    assert.ok(events.includes(`ScalingReplicaSet: Scaled up replica set web-${hash} from 0 to 3`), events.join('\n'));
  });

  it('rolls out a new template step by step within maxSurge and maxUnavailable', async () => {
    const replicas = 4;
    const d = await api.create(DEPLOY, ns, deployment('roll', { replicas, strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 1, maxUnavailable: 1 } } }));
    await rolledOut('roll');
    const [oldRs] = await rsOf(d);
    await mutate(api, DEPLOY, ns, 'roll', (o) => ((o.spec as Obj['spec']).template.spec.containers[0].image = 'nginx:2'));
    // Play the kubelet slowly, one pod at a time, checking the bounds between steps.
    let maxPods = 0;
    let minAvailable = Infinity;
    const deadline = Date.now() + 40_000;
    for (;;) {
      assert.ok(Date.now() < deadline, 'rollout did not finish');
      const pods = await podsOf('roll');
      maxPods = Math.max(maxPods, pods.length);
      minAvailable = Math.min(minAvailable, pods.filter(isReady).length);
      assert.ok(pods.length <= replicas + 1, `${pods.length} pods exceed replicas + maxSurge`);
      assert.ok(pods.filter(isReady).length >= replicas - 1, `only ${pods.filter(isReady).length} ready pods`);
      const dep = await getD('roll');
      if (dep.status?.updatedReplicas === replicas && dep.status?.availableReplicas === replicas && dep.status?.replicas === replicas && cond(dep, 'Progressing')?.reason === 'NewReplicaSetAvailable') break;
      const pending = pods.find((p) => !isReady(p));
      if (pending) await runReady(api, ns, pending.metadata!.name!);
      await new Promise((r) => setTimeout(r, 60));
    }
    assert.equal(maxPods, replicas + 1, 'the surge pod was used');
    const rss = await rsOf(d);
    assert.equal(rss.length, 2);
    const newRs = rss[1]!;
    assert.equal(rss[0]!.metadata!.name, oldRs!.metadata!.name);
    assert.equal(rss[0]!.spec.replicas, 0);
    assert.equal(newRs.spec.replicas, replicas);
    assert.equal(newRs.metadata!.annotations!['deployment.kubernetes.io/revision'], '2');
    assert.equal((await getD('roll')).metadata!.annotations!['deployment.kubernetes.io/revision'], '2');
    const events = (await eventsFor(api, ns, 'roll')).filter((e) => e.startsWith('ScalingReplicaSet'));
    const o = oldRs!.metadata!.name;
    const n = newRs.metadata!.name;
    // Upstream's first steps for 4 replicas, surge 1, unavailable 1 (wording of 1.32).
    assert.deepEqual(events.slice(0, 4), [
      `ScalingReplicaSet: Scaled up replica set ${o} from 0 to 4`,
      `ScalingReplicaSet: Scaled up replica set ${n} from 0 to 1`,
      `ScalingReplicaSet: Scaled down replica set ${o} from 4 to 3`,
      `ScalingReplicaSet: Scaled up replica set ${n} from 1 to 2`,
    ]);
    assert.ok(events.includes(`ScalingReplicaSet: Scaled down replica set ${o} from 1 to 0`), events.join('\n'));
  });

  it('Recreate removes every old pod before the new ReplicaSet comes up', async () => {
    const d = await api.create(DEPLOY, ns, deployment('rec', { replicas: 2, strategy: { type: 'Recreate' } }));
    await rolledOut('rec');
    const [oldRs] = await rsOf(d);
    await mutate(api, DEPLOY, ns, 'rec', (o) => ((o.spec as Obj['spec']).template.spec.containers[0].image = 'nginx:2'));
    const deadline = Date.now() + 30_000;
    for (;;) {
      assert.ok(Date.now() < deadline, 'recreate did not finish');
      const pods = await podsOf('rec');
      const owners = new Set(pods.map(ownerUid));
      assert.ok(owners.size <= 1, 'old and new pods never coexist');
      await readyAll('rec');
      const dep = await getD('rec');
      if (dep.status?.updatedReplicas === 2 && dep.status?.availableReplicas === 2 && dep.status?.replicas === 2) break;
      await new Promise((r) => setTimeout(r, 40));
    }
    const rss = await rsOf(d);
    assert.equal(rss[0]!.metadata!.name, oldRs!.metadata!.name);
    assert.equal(rss[0]!.spec.replicas, 0);
    const events = (await eventsFor(api, ns, 'rec')).filter((e) => e.startsWith('ScalingReplicaSet'));
    const down = events.indexOf(`ScalingReplicaSet: Scaled down replica set ${oldRs!.metadata!.name} from 2 to 0`);
    const up = events.indexOf(`ScalingReplicaSet: Scaled up replica set ${rss[1]!.metadata!.name} from 0 to 2`);
    assert.ok(down >= 0 && up > down, events.join('\n'));
  });

  it('scales proportionally in the middle of a stuck rollout (upstream docs example: 10 -> 15, surge 3, unavailable 2)', async () => {
    const d = await api.create(DEPLOY, ns, deployment('prop', { replicas: 10, strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 3, maxUnavailable: 2 } } }));
    await rolledOut('prop');
    // Nothing marks the new pods ready: the rollout gets stuck at old 8 / new 5.
    await mutate(api, DEPLOY, ns, 'prop', (o) => ((o.spec as Obj['spec']).template.spec.containers[0].image = 'nginx:broken'));
    const stuck = await until(async () => {
      const rss = await rsOf(d);
      return rss.length === 2 && rss[0]!.spec.replicas === 8 && rss[1]!.spec.replicas === 5 ? rss : undefined;
    }, 'old 8 / new 5');
    await new Promise((r) => setTimeout(r, 300));
    assert.deepEqual((await rsOf(d)).map((r) => r.spec.replicas), [8, 5], 'stays stuck');
    await mutate(api, DEPLOY, ns, 'prop', (o) => ((o.spec as Obj['spec']).replicas = 15));
    const scaled = await until(async () => {
      const rss = await rsOf(d);
      return rss[0]!.spec.replicas === 11 && rss[1]!.spec.replicas === 7 ? rss : undefined;
    }, 'old 11 / new 7');
    for (const r of scaled) {
      assert.equal(r.metadata!.annotations!['deployment.kubernetes.io/desired-replicas'], '15');
      assert.equal(r.metadata!.annotations!['deployment.kubernetes.io/max-replicas'], '18');
    }
    const events = await eventsFor(api, ns, 'prop');
    assert.ok(events.includes(`ScalingReplicaSet: Scaled up replica set ${stuck[0]!.metadata!.name} from 8 to 11`), events.join('\n'));
    assert.ok(events.includes(`ScalingReplicaSet: Scaled up replica set ${stuck[1]!.metadata!.name} from 5 to 7`), events.join('\n'));
  });

  it('does not roll out while paused but still scales; resuming rolls out', async () => {
    const d = await api.create(DEPLOY, ns, deployment('pause', { replicas: 2 }));
    await rolledOut('pause');
    await mutate(api, DEPLOY, ns, 'pause', (o) => ((o.spec as Obj['spec']).paused = true));
    await until(async () => cond(await getD('pause'), 'Progressing')?.reason === 'DeploymentPaused', 'DeploymentPaused');
    const paused = cond(await getD('pause'), 'Progressing')!;
    assert.equal(paused.status, 'Unknown');
    assert.equal(paused.message, 'Deployment is paused');
    await mutate(api, DEPLOY, ns, 'pause', (o) => {
      const spec = o.spec as Obj['spec'];
      spec.template.spec.containers[0].image = 'nginx:2';
      spec.replicas = 3;
    });
    await until(async () => {
      const rss = await rsOf(d);
      return rss.length === 1 && rss[0]!.spec.replicas === 3;
    }, 'scaled to 3 with no new ReplicaSet');
    await new Promise((r) => setTimeout(r, 300));
    assert.equal((await rsOf(d)).length, 1, 'no rollout while paused');
    await mutate(api, DEPLOY, ns, 'pause', (o) => ((o.spec as Obj['spec']).paused = false));
    const done = await rolledOut('pause');
    assert.equal(done.spec.template.spec.containers[0].image, 'nginx:2');
    assert.equal((await rsOf(d)).length, 2);
  });

  it('keeps revisionHistoryLimit old ReplicaSets, records revision history on a roll back, and honours the rollback annotation', async () => {
    const d = await api.create(DEPLOY, ns, deployment('hist', { replicas: 1, revisionHistoryLimit: 1 }));
    await rolledOut('hist');
    for (const image of ['nginx:2', 'nginx:3']) {
      await mutate(api, DEPLOY, ns, 'hist', (o) => ((o.spec as Obj['spec']).template.spec.containers[0].image = image));
      await rolledOut('hist');
    }
    const rss = await until(async () => {
      const r = await rsOf(d);
      return r.length === 2 ? r : undefined;
    }, 'cleanup to one old ReplicaSet');
    assert.deepEqual(rss.map((r) => r.metadata!.annotations!['deployment.kubernetes.io/revision']), ['2', '3']);
    // Roll back to revision 2 the way the old API did: the template comes back, revision 2 becomes 4.
    await mutate(api, DEPLOY, ns, 'hist', (o) => (o.metadata!.annotations = { ...(o.metadata!.annotations ?? {}), 'deprecated.deployment.rollback.to': '2' }));
    const back = await rolledOut('hist');
    assert.equal(back.spec.template.spec.containers[0].image, 'nginx:2');
    assert.equal(back.metadata!.annotations!['deprecated.deployment.rollback.to'], undefined);
    assert.equal(back.metadata!.annotations!['deployment.kubernetes.io/revision'], '4');
    const after = await rsOf(d);
    const rolledBack = after.find((r) => r.metadata!.name === rss[0]!.metadata!.name)!;
    assert.equal(rolledBack.metadata!.annotations!['deployment.kubernetes.io/revision'], '4');
    assert.equal(rolledBack.metadata!.annotations!['deployment.kubernetes.io/revision-history'], '2');
    const events = await eventsFor(api, ns, 'hist');
    assert.ok(events.includes('DeploymentRollback: Rolled back deployment "hist" to revision 2'), events.join('\n'));
  });

  it('reports ProgressDeadlineExceeded when the new pods never become available', async () => {
    await api.create(DEPLOY, ns, deployment('dead', { replicas: 1, progressDeadlineSeconds: 2 }));
    // Nothing marks its pod ready.
    await until(async () => (await podsOf('dead'))[0], 'a pod');
    const timedOut = await until(async () => {
      const x = cond(await getD('dead'), 'Progressing');
      return x?.reason === 'ProgressDeadlineExceeded' ? x : undefined;
    }, 'ProgressDeadlineExceeded', 20_000);
    const rs = (await api.list(RS, ns)).items.find((r) => r.metadata!.name!.startsWith('dead-'))!;
    assert.equal(timedOut.status, 'False');
    assert.equal(timedOut.message, `ReplicaSet "${rs.metadata!.name}" has timed out progressing.`);
    const avail = cond(await getD('dead'), 'Available')!;
    assert.equal(avail.status, 'False');
    assert.equal(avail.reason, 'MinimumReplicasUnavailable');
    assert.equal(avail.message, 'Deployment does not have minimum availability.');
  });

  it('adopts an orphan ReplicaSet that matches its selector and template', async () => {
    const orphan = await api.create(RS, ns, {
      apiVersion: 'apps/v1',
      kind: 'ReplicaSet',
      metadata: { name: 'adopted-rs', labels: { app: 'adoptee' } },
      spec: { replicas: 2, selector: { matchLabels: { app: 'adoptee' } }, template: template('adoptee') },
    });
    const d = await api.create(DEPLOY, ns, deployment('adoptee', { replicas: 2 }));
    await until(async () => ownerUid(await api.get(RS, ns, 'adopted-rs')) === d.metadata!.uid, 'adoption');
    await rolledOut('adoptee');
    const rss = await rsOf(d);
    assert.deepEqual(names(rss), ['adopted-rs'], 'the adopted ReplicaSet is the new one (same template)');
    assert.equal(rss[0]!.metadata!.uid, orphan.metadata!.uid);
    assert.equal(rss[0]!.metadata!.annotations!['deployment.kubernetes.io/revision'], '1');
  });

  it('mirrors a ReplicaSet failure as the ReplicaFailure condition', async () => {
    await ensureNamespace(api, 'deploy-fail');
    await api.create(LIMITRANGES, 'deploy-fail', { apiVersion: 'v1', kind: 'LimitRange', metadata: { name: 'lr' }, spec: { limits: [{ type: 'Container', max: { cpu: '1' } }] } });
    await api.create(DEPLOY, 'deploy-fail', {
      ...deployment('fail', { replicas: 1, template: template('fail', 'nginx:1', { resources: { limits: { cpu: '2' } } }) }),
    });
    const f = await until(async () => cond(await api.get(DEPLOY, 'deploy-fail', 'fail'), 'ReplicaFailure'), 'ReplicaFailure', 20_000);
    assert.equal(f.status, 'True');
    assert.equal(f.reason, 'FailedCreate');
    assert.match(f.message!, /is forbidden: maximum cpu usage per Container is 1, but limit is 2$/);
  });
});

