import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { KubeObject } from '../../src/apimachinery/types.js';
import { HttpClient, type ApiClient } from '../../src/client/index.js';
import { ControllerManager } from '../../src/controllers/index.js';
import { CronJobController } from '../../src/controllers/cronjob/index.js';
import { FakeClock } from '../../src/util/clock.js';
import { startTestCluster, type TestCluster } from '../helpers/cluster.js';
import {
  CRONJOBS,
  CRS,
  JOBS,
  DS,
  NODES,
  PODS,
  PVCS,
  STS,
  ensureNamespace,
  eventsFor,
  listPods,
  mutate,
  names,
  runReady,
  setPodStatus,
  until,
} from './workloads-helpers.js';

function statefulSet(name: string, spec: Record<string, unknown> = {}): KubeObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'StatefulSet',
    metadata: { name },
    spec: {
      replicas: 3,
      serviceName: name,
      selector: { matchLabels: { app: name } },
      template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'c', image: 'nginx:1' }] } },
      ...spec,
    },
  };
}

describe('statefulset controller', () => {
  let c: TestCluster;
  let api: ApiClient;
  const ns = 'sts';
  before(async () => {
    c = await startTestCluster({ controllers: ['statefulset'] });
    api = new HttpClient(c.client);
    await ensureNamespace(api, ns);
  });
  after(() => c.stop());

  const pod = (name: string) => api.get(PODS, ns, name);
  const sts = (name: string) => api.get(STS, ns, name);

  it('creates ordinal pods one at a time (OrderedReady), with identity, storage and revision labels', async () => {
    await api.create(
      STS,
      ns,
      statefulSet('web', {
        volumeClaimTemplates: [
          { metadata: { name: 'www' }, spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } } },
        ],
      }),
    );
    const p0 = await until(() => pod('web-0'), 'web-0');
    const labels = p0.metadata!.labels!;
    assert.equal(labels['statefulset.kubernetes.io/pod-name'], 'web-0');
    assert.equal(labels['apps.kubernetes.io/pod-index'], '0');
    assert.match(labels['controller-revision-hash']!, /^web-[bcdfghjklmnpqrstvwxz2456789]+$/);
    assert.equal(p0.metadata!.generateName, 'web-');
    const ref = p0.metadata!.ownerReferences![0]!;
    assert.deepEqual({ ...ref, uid: '' }, { apiVersion: 'apps/v1', kind: 'StatefulSet', name: 'web', uid: '', controller: true, blockOwnerDeletion: true });
    const spec = p0.spec as { hostname: string; subdomain: string; volumes: unknown[] };
    assert.equal(spec.hostname, 'web-0');
    assert.equal(spec.subdomain, 'web');
    assert.deepEqual(spec.volumes[0], { name: 'www', persistentVolumeClaim: { claimName: 'www-web-0' } });
    const pvc = await api.get(PVCS, ns, 'www-web-0');
    assert.deepEqual(pvc.metadata!.labels, { app: 'web' });
    assert.equal(pvc.metadata!.ownerReferences, undefined, 'Retain/Retain leaves claims unowned');

    // Not Running and Ready yet: web-1 must not appear.
    await new Promise((r) => setTimeout(r, 300));
    assert.deepEqual(names(await listPods(api, ns, 'app=web')), ['web-0']);
    await runReady(api, ns, 'web-0');
    await until(() => pod('web-1'), 'web-1 after web-0 became ready');
    await new Promise((r) => setTimeout(r, 200));
    assert.deepEqual(names(await listPods(api, ns, 'app=web')), ['web-0', 'web-1']);
    await runReady(api, ns, 'web-1');
    await until(() => pod('web-2'), 'web-2');
    await runReady(api, ns, 'web-2');
    const st = await until(async () => {
      const s = await sts('web');
      const status = s.status as Record<string, unknown>;
      return status.readyReplicas === 3 && status.availableReplicas === 3 ? status : undefined;
    }, 'status ready 3');
    assert.equal(st.replicas, 3);
    assert.equal(st.currentReplicas, 3);
    assert.equal(st.updatedReplicas, 3);
    assert.equal(st.currentRevision, st.updateRevision);
    assert.equal(st.collisionCount, 0);
    assert.equal(st.observedGeneration, 1);
    const crs = (await api.list(CRS, ns)).items.filter((r) => r.metadata!.ownerReferences?.[0]?.name === 'web');
    assert.equal(crs.length, 1);
    assert.equal(crs[0]!.metadata!.name, st.currentRevision);
    assert.equal(crs[0]!.revision, 1);
    assert.equal(crs[0]!.metadata!.labels!.app, 'web');
    const data = crs[0]!.data as { spec: { template: Record<string, unknown> } };
    assert.equal(data.spec.template.$patch, 'replace');
    const evs = await until(async () => {
      const e = await eventsFor(api, ns, 'web');
      return e.includes('SuccessfulCreate: create Pod web-2 in StatefulSet web successful') ? e : undefined;
    }, 'events');
    assert.ok(evs.includes('SuccessfulCreate: create Pod web-0 in StatefulSet web successful'), evs.join('\n'));
    assert.ok(evs.includes('SuccessfulCreate: create Claim www-web-0 Pod web-0 in StatefulSet web success'), evs.join('\n'));
  });

  it('scales down from the highest ordinal, one at a time', async () => {
    await mutate(api, STS, ns, 'web', (s) => ((s.spec as { replicas: number }).replicas = 1));
    await until(async () => names(await listPods(api, ns, 'app=web')).join() === 'web-0', 'scaled to 1');
    const evs = await eventsFor(api, ns, 'web');
    const deletes = evs.filter((e) => e.startsWith('SuccessfulDelete'));
    assert.deepEqual(deletes, ['SuccessfulDelete: delete Pod web-2 in StatefulSet web successful', 'SuccessfulDelete: delete Pod web-1 in StatefulSet web successful']);
    const st = await until(async () => {
      const s = (await sts('web')).status as Record<string, unknown>;
      return s.replicas === 1 ? s : undefined;
    }, 'status replicas 1');
    assert.equal(st.readyReplicas, 1);
    // Claims of scaled-away pods are retained.
    await api.get(PVCS, ns, 'www-web-2');
  });

  it('rolls pods to a new revision from the highest ordinal, down to the partition', async () => {
    await mutate(api, STS, ns, 'web', (s) => ((s.spec as { replicas: number }).replicas = 3));
    await until(() => pod('web-1'), 'web-1 back');
    await runReady(api, ns, 'web-1');
    await until(() => pod('web-2'), 'web-2 back');
    await runReady(api, ns, 'web-2');
    const before = ((await until(async () => {
      const s = await sts('web');
      return (s.status as { readyReplicas?: number }).readyReplicas === 3 ? s : undefined;
    }, 'ready 3')).status as { currentRevision: string }).currentRevision;
    await mutate(api, STS, ns, 'web', (s) => {
      const spec = s.spec as { template: { spec: { containers: { image: string }[] } }; updateStrategy: unknown };
      spec.template.spec.containers[0]!.image = 'nginx:2';
      spec.updateStrategy = { type: 'RollingUpdate', rollingUpdate: { partition: 1 } };
    });
    const upd = await until(async () => {
      const s = (await sts('web')).status as { updateRevision?: string };
      return s.updateRevision && s.updateRevision !== before ? s.updateRevision : undefined;
    }, 'new update revision');
    // web-2 is replaced first with the new revision.
    const p2 = await until(async () => {
      const p = await pod('web-2');
      return p.metadata!.labels!['controller-revision-hash'] === upd ? p : undefined;
    }, 'web-2 at the update revision');
    assert.equal((p2.spec as { containers: { image: string }[] }).containers[0]!.image, 'nginx:2');
    assert.equal((await pod('web-1')).metadata!.labels!['controller-revision-hash'], before, 'web-1 waits for web-2 to be ready');
    await runReady(api, ns, 'web-2');
    await until(async () => (await pod('web-1')).metadata!.labels!['controller-revision-hash'] === upd, 'web-1 updated');
    await runReady(api, ns, 'web-1');
    const st = await until(async () => {
      const s = (await sts('web')).status as Record<string, unknown>;
      return s.updatedReplicas === 2 && s.readyReplicas === 3 ? s : undefined;
    }, 'two updated');
    assert.equal(st.currentRevision, before, 'partition 1 keeps the rollout incomplete');
    await new Promise((r) => setTimeout(r, 300));
    assert.equal((await pod('web-0')).metadata!.labels!['controller-revision-hash'], before, 'below the partition stays');
    // Lifting the partition finishes the rollout; the current revision follows.
    await mutate(api, STS, ns, 'web', (s) => ((s.spec as Record<string, unknown>).updateStrategy = { type: 'RollingUpdate', rollingUpdate: { partition: 0 } }));
    await until(async () => (await pod('web-0')).metadata!.labels!['controller-revision-hash'] === upd, 'web-0 updated');
    await runReady(api, ns, 'web-0');
    const done = await until(async () => {
      const s = (await sts('web')).status as Record<string, unknown>;
      return s.currentRevision === upd && s.updatedReplicas === 3 ? s : undefined;
    }, 'rollout complete');
    assert.equal(done.currentReplicas, 3);
    const crs = (await api.list(CRS, ns)).items.filter((r) => r.metadata!.ownerReferences?.[0]?.name === 'web');
    assert.deepEqual(crs.map((r) => r.revision).sort(), [1, 2]);
  });

  it('rolls back to an earlier template by renumbering its revision', async () => {
    await mutate(api, STS, ns, 'web', (s) => {
      const spec = s.spec as { template: { spec: { containers: { image: string }[] } } };
      spec.template.spec.containers[0]!.image = 'nginx:1';
    });
    const st = await until(async () => {
      const s = (await sts('web')).status as Record<string, unknown>;
      return s.updateRevision !== s.currentRevision ? s : undefined;
    }, 'rollback started');
    const crs = (await api.list(CRS, ns)).items.filter((r) => r.metadata!.ownerReferences?.[0]?.name === 'web');
    assert.equal(crs.length, 2, 'no new revision for a template seen before');
    const back = crs.find((r) => r.metadata!.name === st.updateRevision)!;
    assert.equal(back.revision, 3);
  });

  it('Parallel creates and deletes all pods at once; OnDelete never replaces pods itself', async () => {
    await api.create(STS, ns, statefulSet('par', { podManagementPolicy: 'Parallel', updateStrategy: { type: 'OnDelete' } }));
    await until(async () => names(await listPods(api, ns, 'app=par')).join() === 'par-0,par-1,par-2', 'all three without readiness');
    for (const n of ['par-0', 'par-1', 'par-2']) await runReady(api, ns, n);
    await mutate(api, STS, ns, 'par', (s) => {
      ((s.spec as { template: { spec: { containers: { image: string }[] } } }).template.spec.containers[0]!).image = 'nginx:9';
    });
    const upd = await until(async () => {
      const s = (await sts('par')).status as { updateRevision?: string; currentRevision?: string };
      return s.updateRevision !== s.currentRevision ? s.updateRevision : undefined;
    }, 'update revision');
    await new Promise((r) => setTimeout(r, 400));
    for (const p of await listPods(api, ns, 'app=par')) assert.notEqual(p.metadata!.labels!['controller-revision-hash'], upd);
    await api.delete(PODS, ns, 'par-1');
    const p1 = await until(async () => {
      const p = await pod('par-1');
      return p.metadata!.labels!['controller-revision-hash'] === upd ? p : undefined;
    }, 'deleted pod recreated at the update revision');
    assert.equal((p1.spec as { containers: { image: string }[] }).containers[0]!.image, 'nginx:9');
    await mutate(api, STS, ns, 'par', (s) => ((s.spec as { replicas: number }).replicas = 0));
    await until(async () => (await listPods(api, ns, 'app=par')).length === 0, 'all deleted at once');
  });

  it('recreates a failed pod and honours spec.ordinals.start', async () => {
    await api.create(STS, ns, statefulSet('ord', { replicas: 2, ordinals: { start: 5 }, podManagementPolicy: 'Parallel' }));
    await until(async () => names(await listPods(api, ns, 'app=ord')).join() === 'ord-5,ord-6', 'ordinals 5 and 6');
    const uid = (await pod('ord-5')).metadata!.uid;
    await setPodStatus(api, ns, 'ord-5', 'Failed');
    await until(async () => {
      const p = await pod('ord-5');
      return p.metadata!.uid !== uid;
    }, 'failed pod replaced');
  });

  it('PVC retention: whenScaled=Delete owns scaled-away claims by the pod, whenDeleted=Delete by the set', async () => {
    await api.create(
      STS,
      ns,
      statefulSet('ret', {
        replicas: 2,
        podManagementPolicy: 'Parallel',
        persistentVolumeClaimRetentionPolicy: { whenDeleted: 'Delete', whenScaled: 'Delete' },
        volumeClaimTemplates: [{ metadata: { name: 'data' }, spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } } }],
      }),
    );
    const set = await sts('ret');
    const claim1 = await until(async () => {
      const cl = await api.get(PVCS, ns, 'data-ret-1');
      return cl.metadata!.ownerReferences?.length ? cl : undefined;
    }, 'claim owned by the set');
    assert.deepEqual(claim1.metadata!.ownerReferences, [
      { apiVersion: 'apps/v1', kind: 'StatefulSet', name: 'ret', uid: set.metadata!.uid, controller: true, blockOwnerDeletion: true },
    ]);
    for (const n of ['ret-0', 'ret-1']) await runReady(api, ns, n);
    const p1 = await pod('ret-1');
    await mutate(api, STS, ns, 'ret', (s) => ((s.spec as { replicas: number }).replicas = 1));
    const owned = await until(async () => {
      const cl = await api.get(PVCS, ns, 'data-ret-1');
      return cl.metadata!.ownerReferences?.[0]?.kind === 'Pod' ? cl : undefined;
    }, 'scaled-away claim owned by its pod');
    assert.deepEqual(owned.metadata!.ownerReferences, [
      { apiVersion: 'v1', kind: 'Pod', name: 'ret-1', uid: p1.metadata!.uid, controller: true, blockOwnerDeletion: true },
    ]);
  });
});

function daemonSet(name: string, spec: Record<string, unknown> = {}, podSpec: Record<string, unknown> = {}): KubeObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'DaemonSet',
    metadata: { name },
    spec: {
      selector: { matchLabels: { app: name } },
      template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'c', image: 'agent:1' }], ...podSpec } },
      ...spec,
    },
  };
}

describe('daemonset controller', () => {
  let c: TestCluster;
  let api: ApiClient;
  const ns = 'ds';
  before(async () => {
    c = await startTestCluster({ controllers: ['daemonset'] });
    api = new HttpClient(c.client);
    await ensureNamespace(api, ns);
    for (const n of ['n1', 'n2', 'n3']) await addNode(api, n, n === 'n2' ? { disk: 'ssd' } : {}, n === 'n3' ? [{ key: 'dedicated', value: 'db', effect: 'NoSchedule' }] : []);
  });
  after(() => c.stop());

  const ds = (name: string) => api.get(DS, ns, name);
  const podsOf = async (app: string) => {
    const pods = (await listPods(api, ns, `app=${app}`)).filter((p) => !p.metadata!.deletionTimestamp);
    return new Map(pods.map((p) => [targetOf(p), p]));
  };

  it('runs one pod per eligible node, pinned by node affinity, with the daemon tolerations', async () => {
    await api.create(DS, ns, daemonSet('agent'));
    const byNode = await until(async () => {
      const m = await podsOf('agent');
      return m.size === 2 ? m : undefined;
    }, 'pods on n1 and n2');
    assert.deepEqual([...byNode.keys()].sort(), ['n1', 'n2'], 'n3 has an untolerated NoSchedule taint');
    const p = byNode.get('n1')!;
    assert.equal(p.metadata!.generateName, 'agent-');
    assert.ok(p.metadata!.labels!['controller-revision-hash']);
    const spec = p.spec as { affinity: unknown; tolerations: { key: string; effect: string; operator: string }[]; nodeName?: string };
    assert.equal(spec.nodeName, undefined, 'the scheduler binds daemon pods');
    assert.deepEqual(spec.affinity, {
      nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchFields: [{ key: 'metadata.name', operator: 'In', values: ['n1'] }] }] } },
    });
    assert.deepEqual(
      spec.tolerations.map((t) => `${t.key}:${t.operator}:${t.effect}`),
      [
        'node.kubernetes.io/not-ready:Exists:NoExecute',
        'node.kubernetes.io/unreachable:Exists:NoExecute',
        'node.kubernetes.io/disk-pressure:Exists:NoSchedule',
        'node.kubernetes.io/memory-pressure:Exists:NoSchedule',
        'node.kubernetes.io/pid-pressure:Exists:NoSchedule',
        'node.kubernetes.io/unschedulable:Exists:NoSchedule',
      ],
    );
    const st = await until(async () => {
      const s = (await ds('agent')).status as Record<string, unknown>;
      return s.desiredNumberScheduled === 2 && s.currentNumberScheduled === 2 && s.updatedNumberScheduled === 2 ? s : undefined;
    }, 'status');
    assert.deepEqual(st, { currentNumberScheduled: 2, numberMisscheduled: 0, desiredNumberScheduled: 2, numberReady: 0, observedGeneration: 1, updatedNumberScheduled: 2, numberUnavailable: 2 });
    for (const pod of byNode.values()) await runReady(api, ns, pod.metadata!.name!);
    await until(async () => {
      const s = (await ds('agent')).status as Record<string, unknown>;
      return s.numberReady === 2 && s.numberAvailable === 2 && s.numberUnavailable === undefined;
    }, 'ready and available');
    const evs = await eventsFor(api, ns, 'agent');
    assert.ok(evs.some((e) => /^SuccessfulCreate: Created pod: agent-[a-z0-9]{5}$/.test(e)), evs.join('\n'));
  });

  it('follows nodes: new nodes get a pod, removed or ineligible nodes lose it', async () => {
    await addNode(api, 'n4', {}, []);
    await until(async () => (await podsOf('agent')).has('n4'), 'pod on the new node');
    await api.create(DS, ns, daemonSet('ssd', {}, { nodeSelector: { disk: 'ssd' } }));
    await until(async () => [...(await podsOf('ssd')).keys()].join() === 'n2', 'selector picks n2 only');
    await mutate(api, NODES, '', 'n2', (n) => delete n.metadata!.labels!.disk);
    await until(async () => (await podsOf('ssd')).size === 0, 'pod removed from the node that no longer matches');
    await api.delete(NODES, '', 'n4');
    await until(async () => !(await podsOf('agent')).has('n4'), 'unbound pod of a deleted node removed');
    // A NoExecute taint the pod does not tolerate evicts; removing the NoSchedule taint admits.
    await mutate(api, NODES, '', 'n3', (n) => ((n.spec as Record<string, unknown>).taints = []));
    await until(async () => (await podsOf('agent')).has('n3'), 'pod on n3 once untainted');
    await mutate(api, NODES, '', 'n3', (n) => ((n.spec as Record<string, unknown>).taints = [{ key: 'evict', effect: 'NoExecute' }]));
    await until(async () => !(await podsOf('agent')).has('n3'), 'pod removed by NoExecute taint');
    await mutate(api, NODES, '', 'n3', (n) => ((n.spec as Record<string, unknown>).taints = [{ key: 'dedicated', value: 'db', effect: 'NoSchedule' }]));
  });

  it('replaces a failed pod, with a FailedDaemonPod event', async () => {
    const before = (await podsOf('agent')).get('n1')!;
    await setPodStatus(api, ns, before.metadata!.name!, 'Failed');
    await until(async () => {
      const p = (await podsOf('agent')).get('n1');
      return p && p.metadata!.uid !== before.metadata!.uid;
    }, 'replacement pod');
    const evs = await eventsFor(api, ns, 'agent');
    assert.ok(evs.includes(`FailedDaemonPod: Found failed daemon pod ${ns}/${before.metadata!.name} on node n1, will try to kill it`), evs.join('\n'));
  });

  it('rolls out a new template one node at a time (maxUnavailable 1) and keeps ControllerRevisions', async () => {
    for (const p of (await podsOf('agent')).values()) await runReady(api, ns, p.metadata!.name!);
    await until(async () => ((await ds('agent')).status as Record<string, unknown>).numberAvailable === 2, 'available before update');
    await mutate(api, DS, ns, 'agent', (d) => {
      ((d.spec as { template: { spec: { containers: { image: string }[] } } }).template.spec.containers[0]!).image = 'agent:2';
    });
    const crs = await until(async () => {
      const l = (await api.list(CRS, ns)).items.filter((r) => r.metadata!.ownerReferences?.[0]?.name === 'agent');
      return l.length === 2 ? l : undefined;
    }, 'two revisions');
    const newest = crs.find((r) => r.revision === 2)!;
    const hash = newest.metadata!.labels!['controller-revision-hash']!;
    assert.equal(newest.metadata!.name, `agent-${hash}`);
    // One old pod goes at a time: at most one node without an available pod.
    const seen = new Set<string>();
    await until(async () => {
      const m = await podsOf('agent');
      const notUpdated = [...m.values()].filter((p) => p.metadata!.labels!['controller-revision-hash'] !== hash);
      assert.ok(m.size >= 1, 'never both nodes without a pod');
      for (const p of m.values()) {
        if (p.metadata!.labels!['controller-revision-hash'] === hash && !seen.has(p.metadata!.name!)) {
          seen.add(p.metadata!.name!);
          await runReady(api, ns, p.metadata!.name!);
        }
      }
      return notUpdated.length === 0 && m.size === 2;
    }, 'all pods updated');
    const st = await until(async () => {
      const s = (await ds('agent')).status as Record<string, unknown>;
      return s.updatedNumberScheduled === 2 && s.numberAvailable === 2 ? s : undefined;
    }, 'rolled out');
    assert.equal(st.observedGeneration, 2);
  });

  it('OnDelete leaves old pods alone; maxSurge starts the new pod before removing the old one', async () => {
    await api.create(DS, ns, daemonSet('od', { updateStrategy: { type: 'OnDelete' } }));
    await until(async () => (await podsOf('od')).size === 2, 'od pods');
    await mutate(api, DS, ns, 'od', (d) => (((d.spec as { template: { metadata: { labels: Record<string, string> } } }).template.metadata.labels.v = '2')));
    await until(async () => ((await ds('od')).status as Record<string, unknown>).observedGeneration === 2, 'observed');
    await new Promise((r) => setTimeout(r, 300));
    assert.equal(((await ds('od')).status as Record<string, unknown>).updatedNumberScheduled, undefined, 'no pod updated under OnDelete');

    await api.create(DS, ns, daemonSet('surge', { updateStrategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: 1, maxUnavailable: 0 } } }, { nodeName: 'n1' }));
    const old = await until(async () => (await podsOf('surge')).get('n1'), 'surge pod');
    await runReady(api, ns, old.metadata!.name!);
    await mutate(api, DS, ns, 'surge', (d) => {
      ((d.spec as { template: { spec: { containers: { image: string }[] } } }).template.spec.containers[0]!).image = 'agent:3';
    });
    const both = await until(async () => {
      const pods = (await listPods(api, ns, 'app=surge')).filter((p) => !p.metadata!.deletionTimestamp);
      return pods.length === 2 ? pods : undefined;
    }, 'new pod next to the old one');
    const fresh = both.find((p) => p.metadata!.uid !== old.metadata!.uid)!;
    await runReady(api, ns, fresh.metadata!.name!);
    await until(async () => {
      const pods = (await listPods(api, ns, 'app=surge')).filter((p) => !p.metadata!.deletionTimestamp);
      return pods.length === 1 && pods[0]!.metadata!.uid === fresh.metadata!.uid;
    }, 'old pod removed once the new one is available');
  });
});

function targetOf(pod: KubeObject): string {
  const spec = pod.spec as { nodeName?: string; affinity?: { nodeAffinity?: { requiredDuringSchedulingIgnoredDuringExecution?: { nodeSelectorTerms: { matchFields?: { values: string[] }[] }[] } } } };
  return spec.nodeName ?? spec.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms[0]?.matchFields?.[0]?.values[0] ?? '';
}

/** Creates a node and, playing the node lifecycle controller, replaces the not-ready taint the admission added. */
async function addNode(api: ApiClient, name: string, labels: Record<string, string>, taints: Record<string, unknown>[]): Promise<void> {
  await api.create(NODES, '', { apiVersion: 'v1', kind: 'Node', metadata: { name, labels: { 'kubernetes.io/hostname': name, ...labels } }, spec: {} });
  await mutate(api, NODES, '', name, (n) => ((n.spec as Record<string, unknown>).taints = taints));
}

function job(name: string, spec: Record<string, unknown> = {}, podSpec: Record<string, unknown> = {}): KubeObject {
  return {
    apiVersion: 'batch/v1',
    kind: 'Job',
    metadata: { name },
    spec: {
      manualSelector: true,
      selector: { matchLabels: { job: name } },
      template: { metadata: { labels: { job: name } }, spec: { restartPolicy: 'Never', containers: [{ name: 'c', image: 'busybox' }], ...podSpec } },
      ...spec,
    },
  };
}

type Cond = { type: string; status: string; reason?: string; message?: string };

describe('job controller', () => {
  let c: TestCluster;
  let api: ApiClient;
  const ns = 'jobs';
  before(async () => {
    c = await startTestCluster({ controllers: ['job'] });
    api = new HttpClient(c.client);
    await ensureNamespace(api, ns);
  });
  after(() => c.stop());

  const jobStatus = async (name: string) => ((await api.get(JOBS, ns, name)).status ?? {}) as Record<string, unknown> & { conditions?: Cond[] };
  const activePods = async (name: string) => (await listPods(api, ns, `job=${name}`)).filter((p) => !p.metadata!.deletionTimestamp && !['Succeeded', 'Failed'].includes((p.status as { phase?: string })?.phase ?? ''));
  const condTypes = (s: { conditions?: Cond[] }) => (s.conditions ?? []).map((x) => `${x.type}=${x.status}${x.reason ? `/${x.reason}` : ''}`);

  it('runs pods until completions succeed, then SuccessCriteriaMet and Complete', async () => {
    await api.create(JOBS, ns, job('pi', { completions: 2, parallelism: 1 }));
    const [p1] = await until(async () => {
      const a = await activePods('pi');
      return a.length === 1 ? a : undefined;
    }, 'first pod');
    assert.deepEqual(p1!.metadata!.finalizers, ['batch.kubernetes.io/job-tracking']);
    assert.equal(p1!.metadata!.generateName, 'pi-');
    const st0 = await until(async () => {
      const s = await jobStatus('pi');
      return s.active === 1 ? s : undefined;
    }, 'active 1');
    assert.ok(st0.startTime);
    assert.equal(st0.ready, 0);
    assert.equal(st0.terminating, 0);
    assert.deepEqual(st0.uncountedTerminatedPods, {});
    await setPodStatus(api, ns, p1!.metadata!.name!, 'Succeeded');
    const [p2] = await until(async () => {
      const a = await activePods('pi');
      return a.length === 1 && a[0]!.metadata!.name !== p1!.metadata!.name ? a : undefined;
    }, 'second pod');
    await until(async () => !(await api.get(PODS, ns, p1!.metadata!.name!)).metadata!.finalizers?.length, 'finalizer removed from the counted pod');
    await setPodStatus(api, ns, p2!.metadata!.name!, 'Succeeded');
    const st = await until(async () => {
      const s = await jobStatus('pi');
      return s.completionTime ? s : undefined;
    }, 'complete');
    assert.deepEqual(condTypes(st), ['SuccessCriteriaMet=True/CompletionsReached', 'Complete=True/CompletionsReached']);
    assert.equal(st.conditions![1]!.message, 'Reached expected number of succeeded pods');
    assert.equal(st.succeeded, 2);
    assert.equal(st.active, undefined);
    const evs = await eventsFor(api, ns, 'pi');
    assert.ok(evs.includes('Completed: Job completed'), evs.join('\n'));
    assert.ok(evs.includes(`SuccessfulCreate: Created pod: ${p1!.metadata!.name}`), evs.join('\n'));
  });

  it('Indexed: one pod per index with annotation, label, hostname and env; completedIndexes in interval form', async () => {
    await api.create(JOBS, ns, job('idx', { completions: 3, parallelism: 3, completionMode: 'Indexed' }));
    const pods = await until(async () => {
      const a = await activePods('idx');
      return a.length === 3 ? a : undefined;
    }, 'three indexed pods');
    const byIndex = new Map(pods.map((p) => [p.metadata!.annotations!['batch.kubernetes.io/job-completion-index']!, p]));
    assert.deepEqual([...byIndex.keys()].sort(), ['0', '1', '2']);
    const p0 = byIndex.get('0')!;
    assert.equal(p0.metadata!.labels!['batch.kubernetes.io/job-completion-index'], '0');
    assert.equal(p0.metadata!.generateName, 'idx-0-');
    assert.equal((p0.spec as { hostname: string }).hostname, 'idx-0');
    const env = (p0.spec as { containers: { env: { name: string; valueFrom: { fieldRef: { fieldPath: string } } }[] }[] }).containers[0]!.env;
    assert.deepEqual(env.map((e) => [e.name, e.valueFrom.fieldRef.fieldPath]), [['JOB_COMPLETION_INDEX', "metadata.labels['batch.kubernetes.io/job-completion-index']"]]);
    await setPodStatus(api, ns, byIndex.get('0')!.metadata!.name!, 'Succeeded');
    await setPodStatus(api, ns, byIndex.get('2')!.metadata!.name!, 'Succeeded');
    await until(async () => (await jobStatus('idx')).completedIndexes === '0,2', 'completedIndexes 0,2');
    await setPodStatus(api, ns, byIndex.get('1')!.metadata!.name!, 'Succeeded');
    const st = await until(async () => {
      const s = await jobStatus('idx');
      return s.completionTime ? s : undefined;
    }, 'complete');
    assert.equal(st.completedIndexes, '0-2');
    assert.equal(st.succeeded, 3);
  });

  it('fails with BackoffLimitExceeded, through the FailureTarget interim condition', async () => {
    await api.create(JOBS, ns, job('bl', { backoffLimit: 0, parallelism: 2, completions: 4 }));
    const pods = await until(async () => {
      const a = await activePods('bl');
      return a.length === 2 ? a : undefined;
    }, 'two pods');
    await setPodStatus(api, ns, pods[0]!.metadata!.name!, 'Failed');
    const st = await until(async () => {
      const s = await jobStatus('bl');
      return (s.conditions ?? []).some((x) => x.type === 'Failed') ? s : undefined;
    }, 'failed');
    assert.deepEqual(condTypes(st), ['FailureTarget=True/BackoffLimitExceeded', 'Failed=True/BackoffLimitExceeded']);
    assert.equal(st.conditions![1]!.message, 'Job has reached the specified backoff limit');
    assert.equal(st.failed, 2, 'the running pod is counted as failed too');
    assert.equal(st.completionTime, undefined);
    assert.equal(st.terminating, 0);
    assert.equal((await listPods(api, ns, 'job=bl')).filter((p) => p.metadata!.finalizers?.length).length, 0, 'no finalizer left');
    const evs = await eventsFor(api, ns, 'bl');
    assert.ok(evs.includes('BackoffLimitExceeded: Job has reached the specified backoff limit'), evs.join('\n'));
  });

  it('podFailurePolicy FailJob on an exit code fails the Job with upstream message', async () => {
    await api.create(
      JOBS,
      ns,
      job('pfp', { podFailurePolicy: { rules: [{ action: 'Ignore', onPodConditions: [{ type: 'DisruptionTarget' }] }, { action: 'FailJob', onExitCodes: { operator: 'In', values: [42] } }] } }),
    );
    const [p] = await until(async () => {
      const a = await activePods('pfp');
      return a.length === 1 ? a : undefined;
    }, 'pod');
    await setPodStatus(api, ns, p!.metadata!.name!, 'Failed', { exitCode: 42 });
    const st = await until(async () => {
      const s = await jobStatus('pfp');
      return (s.conditions ?? []).some((x) => x.type === 'Failed') ? s : undefined;
    }, 'failed by policy');
    assert.deepEqual(condTypes(st), ['FailureTarget=True/PodFailurePolicy', 'Failed=True/PodFailurePolicy']);
    assert.equal(st.conditions![1]!.message, `Container c for pod ${ns}/${p!.metadata!.name} failed with exit code 42 matching FailJob rule at index 1`);
  });

  it('suspend deletes active pods with a Suspended condition; resume starts again', async () => {
    await api.create(JOBS, ns, job('sus', { suspend: true, parallelism: 2, completions: 2 }));
    const st = await until(async () => {
      const s = await jobStatus('sus');
      return s.conditions?.length ? s : undefined;
    }, 'suspended condition');
    assert.deepEqual(condTypes(st), ['Suspended=True/JobSuspended']);
    assert.equal(st.conditions![0]!.message, 'Job suspended');
    assert.equal(st.startTime, undefined);
    assert.equal((await listPods(api, ns, 'job=sus')).length, 0);
    await mutate(api, JOBS, ns, 'sus', (j) => ((j.spec as Record<string, unknown>).suspend = false));
    await until(async () => (await activePods('sus')).length === 2, 'pods after resume');
    const st2 = await until(async () => {
      const s = await jobStatus('sus');
      return s.conditions?.[0]?.status === 'False' ? s : undefined;
    }, 'resumed');
    assert.deepEqual(condTypes(st2), ['Suspended=False/JobResumed']);
    assert.ok(st2.startTime);
    await mutate(api, JOBS, ns, 'sus', (j) => ((j.spec as Record<string, unknown>).suspend = true));
    await until(async () => (await activePods('sus')).length === 0, 'pods deleted on suspend');
    const evs = await eventsFor(api, ns, 'sus');
    assert.ok(evs.includes('Suspended: Job suspended') && evs.includes('Resumed: Job resumed'), evs.join('\n'));
  });

  it('activeDeadlineSeconds fails the Job with DeadlineExceeded and removes its pods', async () => {
    await api.create(JOBS, ns, job('dl', { activeDeadlineSeconds: 1 }));
    await until(async () => (await activePods('dl')).length === 1, 'pod');
    const st = await until(async () => {
      const s = await jobStatus('dl');
      return (s.conditions ?? []).some((x) => x.type === 'Failed') ? s : undefined;
    }, 'deadline exceeded');
    assert.deepEqual(condTypes(st), ['FailureTarget=True/DeadlineExceeded', 'Failed=True/DeadlineExceeded']);
    assert.equal(st.conditions![1]!.message, 'Job was active longer than specified deadline');
    assert.equal((await listPods(api, ns, 'job=dl')).length, 0);
  });

  it('backoffLimitPerIndex marks failed indexes and fails the Job with FailedIndexes', async () => {
    await api.create(JOBS, ns, job('bpi', { completions: 2, parallelism: 2, completionMode: 'Indexed', backoffLimitPerIndex: 0 }));
    const pods = await until(async () => {
      const a = await activePods('bpi');
      return a.length === 2 ? a : undefined;
    }, 'pods');
    const by = new Map(pods.map((p) => [p.metadata!.annotations!['batch.kubernetes.io/job-completion-index']!, p]));
    assert.equal(by.get('0')!.metadata!.annotations!['batch.kubernetes.io/job-index-failure-count'], '0');
    await setPodStatus(api, ns, by.get('0')!.metadata!.name!, 'Failed');
    await until(async () => (await jobStatus('bpi')).failedIndexes === '0', 'failedIndexes 0');
    await setPodStatus(api, ns, by.get('1')!.metadata!.name!, 'Succeeded');
    const st = await until(async () => {
      const s = await jobStatus('bpi');
      return (s.conditions ?? []).some((x) => x.type === 'Failed') ? s : undefined;
    }, 'failed indexes');
    assert.deepEqual(condTypes(st), ['FailureTarget=True/FailedIndexes', 'Failed=True/FailedIndexes']);
    assert.equal(st.completedIndexes, '1');
  });

  it('successPolicy ends an Indexed Job early with SuccessPolicy', async () => {
    await api.create(JOBS, ns, job('sp', { completions: 3, parallelism: 3, completionMode: 'Indexed', successPolicy: { rules: [{ succeededIndexes: '0' }] } }));
    const pods = await until(async () => {
      const a = await activePods('sp');
      return a.length === 3 ? a : undefined;
    }, 'pods');
    const p0 = pods.find((p) => p.metadata!.annotations!['batch.kubernetes.io/job-completion-index'] === '0')!;
    await setPodStatus(api, ns, p0.metadata!.name!, 'Succeeded');
    const st = await until(async () => {
      const s = await jobStatus('sp');
      return s.completionTime ? s : undefined;
    }, 'complete by policy');
    assert.deepEqual(condTypes(st), ['SuccessCriteriaMet=True/SuccessPolicy', 'Complete=True/SuccessPolicy']);
    assert.equal(st.conditions![0]!.message, 'Matched rules at index 0');
    assert.equal((await activePods('sp')).length, 0);
  });
});

describe('cronjob controller (fake clock)', () => {
  let c: TestCluster;
  let api: ApiClient;
  let clock: FakeClock;
  let stopManager: () => Promise<void>;
  const ns = 'cron';
  before(async () => {
    c = await startTestCluster({ controllers: [] });
    api = new HttpClient(c.client);
    await ensureNamespace(api, ns);
    // One second into the current minute: CronJobs created (in real time) later in this
    // minute get their first activation at the next minute, which nextMinute() reaches.
    clock = new FakeClock(Math.floor(Date.now() / 60_000) * 60_000 + 1000);
    const manager = new ControllerManager({
      client: api,
      controllers: { cronjob: (ctx) => new CronJobController(ctx, { localTimeZone: 'UTC' }) },
      clock,
    });
    const abort = new AbortController();
    const running = manager.run(abort.signal);
    stopManager = async () => {
      abort.abort();
      await running;
    };
  });
  after(async () => {
    await stopManager();
    await c.stop();
  });

  const cronJob = (name: string, spec: Record<string, unknown> = {}): KubeObject => ({
    apiVersion: 'batch/v1',
    kind: 'CronJob',
    metadata: { name },
    spec: {
      schedule: '*/1 * * * *',
      jobTemplate: {
        metadata: { labels: { cron: name }, annotations: { note: 'x' } },
        spec: { template: { spec: { restartPolicy: 'Never', containers: [{ name: 'c', image: 'busybox' }] } } },
      },
      ...spec,
    },
  });
  const jobsOf = async (name: string) => (await api.list(JOBS, ns, { labelSelector: `cron=${name}` })).items.filter((j) => !j.metadata!.deletionTimestamp);
  const cjStatus = async (name: string) => ((await api.get(CRONJOBS, ns, name)).status ?? {}) as { active?: { name: string; kind: string; apiVersion: string; uid: string }[]; lastScheduleTime?: string; lastSuccessfulTime?: string };
  /** Moves the fake clock to the next whole minute (plus a second) and lets the controller act. */
  const nextMinute = async () => {
    const now = clock.now();
    await clock.advance(Math.floor(now / 60_000) * 60_000 + 61_000 - now);
  };
  const complete = (name: string, type = 'Complete') =>
    mutate(
      api,
      JOBS,
      ns,
      name,
      (j) => {
        const t = new Date(clock.now()).toISOString().replace(/\.\d{3}Z$/, 'Z');
        j.status = { conditions: [{ type, status: 'True', lastProbeTime: t, lastTransitionTime: t }], startTime: t, ...(type === 'Complete' ? { completionTime: t, succeeded: 1 } : { failed: 1 }) };
      },
      'status',
    );

  it('creates a Job per activation, named by the scheduled minute, and tracks it in status', async () => {
    await api.create(CRONJOBS, ns, cronJob('tick'));
    await new Promise((r) => setTimeout(r, 300));
    assert.equal((await jobsOf('tick')).length, 0, 'nothing before the first activation');
    await nextMinute();
    const scheduled = Math.floor(clock.now() / 60_000) * 60_000;
    const [j] = await until(async () => {
      const l = await jobsOf('tick');
      return l.length === 1 ? l : undefined;
    }, 'first job');
    assert.equal(j!.metadata!.name, `tick-${scheduled / 60_000}`);
    assert.equal(j!.metadata!.annotations!['batch.kubernetes.io/cronjob-scheduled-timestamp'], new Date(scheduled).toISOString().replace(/\.\d{3}Z$/, 'Z'));
    assert.equal(j!.metadata!.annotations!.note, 'x');
    const ref = j!.metadata!.ownerReferences![0]!;
    assert.equal(ref.kind, 'CronJob');
    assert.equal(ref.controller, true);
    const st = await until(async () => {
      const s = await cjStatus('tick');
      return s.active?.length ? s : undefined;
    }, 'active');
    assert.deepEqual({ ...st.active![0]!, resourceVersion: undefined }, { kind: 'Job', namespace: ns, name: j!.metadata!.name, uid: j!.metadata!.uid, apiVersion: 'batch/v1', resourceVersion: undefined });
    assert.equal(st.lastScheduleTime, new Date(scheduled).toISOString().replace(/\.\d{3}Z$/, 'Z'));
    await complete(j!.metadata!.name!);
    const st2 = await until(async () => {
      const s = await cjStatus('tick');
      return !s.active?.length && s.lastSuccessfulTime ? s : undefined;
    }, 'completed job leaves active; lastSuccessfulTime set');
    assert.ok(st2.lastSuccessfulTime);
    const evs = await eventsFor(api, ns, 'tick');
    assert.ok(evs.includes(`SuccessfulCreate: Created job ${j!.metadata!.name}`), evs.join('\n'));
    assert.ok(evs.includes(`SawCompletedJob: Saw completed job: ${j!.metadata!.name}, status: Complete`), evs.join('\n'));
    await mutate(api, CRONJOBS, ns, 'tick', (cj) => ((cj.spec as Record<string, unknown>).suspend = true));
  });

  it('Forbid skips an activation while a Job runs; Replace deletes the running Job', async () => {
    await api.create(CRONJOBS, ns, cronJob('forbid', { concurrencyPolicy: 'Forbid' }));
    await nextMinute();
    const [first] = await until(async () => {
      const l = await jobsOf('forbid');
      return l.length === 1 ? l : undefined;
    }, 'first forbid job');
    await until(async () => (await cjStatus('forbid')).active?.length === 1, 'active');
    await nextMinute();
    await until(async () => (await eventsFor(api, ns, 'forbid')).includes('JobAlreadyActive: Not starting job because prior execution is running and concurrency policy is Forbid'), 'JobAlreadyActive');
    assert.deepEqual(names(await jobsOf('forbid')), [first!.metadata!.name!]);
    await mutate(api, CRONJOBS, ns, 'forbid', (cj) => ((cj.spec as Record<string, unknown>).suspend = true));

    await api.create(CRONJOBS, ns, cronJob('replace', { concurrencyPolicy: 'Replace' }));
    await nextMinute();
    const [r1] = await until(async () => {
      const l = await jobsOf('replace');
      return l.length === 1 ? l : undefined;
    }, 'first replace job');
    await until(async () => (await cjStatus('replace')).active?.length === 1, 'active');
    await nextMinute();
    const [r2] = await until(async () => {
      const l = await jobsOf('replace');
      return l.length === 1 && l[0]!.metadata!.name !== r1!.metadata!.name ? l : undefined;
    }, 'replaced');
    const st = await until(async () => {
      const s = await cjStatus('replace');
      return s.active?.length === 1 && s.active[0]!.name === r2!.metadata!.name ? s : undefined;
    }, 'active is the new job');
    assert.ok(st);
    assert.ok((await eventsFor(api, ns, 'replace')).includes(`SuccessfulDelete: Deleted job ${r1!.metadata!.name}`));
    await mutate(api, CRONJOBS, ns, 'replace', (cj) => ((cj.spec as Record<string, unknown>).suspend = true));
  });

  it('keeps successfulJobsHistoryLimit finished Jobs, deleting the oldest', async () => {
    await api.create(CRONJOBS, ns, cronJob('hist', { successfulJobsHistoryLimit: 1 }));
    for (let i = 0; i < 2; i++) {
      await nextMinute();
      const job = await until(async () => (await jobsOf('hist')).find((j) => !(j.status as { conditions?: unknown[] })?.conditions), `job ${i}`);
      await complete(job.metadata!.name!);
      await until(async () => !(await cjStatus('hist')).active?.length, 'not active');
    }
    await until(async () => (await jobsOf('hist')).length === 1, 'oldest finished job deleted');
    await mutate(api, CRONJOBS, ns, 'hist', (cj) => ((cj.spec as Record<string, unknown>).suspend = true));
  });

  it('warns about too many missed start times and starts the most recent one; suspend starts nothing', async () => {
    await api.create(CRONJOBS, ns, cronJob('late', { suspend: true }));
    await clock.advance(150 * 60_000);
    await new Promise((r) => setTimeout(r, 300));
    assert.equal((await jobsOf('late')).length, 0, 'suspended');
    await mutate(api, CRONJOBS, ns, 'late', (cj) => ((cj.spec as Record<string, unknown>).suspend = false));
    const [j] = await until(async () => {
      const l = await jobsOf('late');
      return l.length === 1 ? l : undefined;
    }, 'one job for the most recent activation');
    assert.equal(j!.metadata!.name, `late-${Math.floor(clock.now() / 60_000)}`);
    const evs = await eventsFor(api, ns, 'late');
    assert.ok(evs.includes('TooManyMissedTimes: too many missed start times. Set or decrease .spec.startingDeadlineSeconds or check clock skew'), evs.join('\n'));
  });

  it('startingDeadlineSeconds: an activation missed by more than the deadline is skipped', async () => {
    await api.create(CRONJOBS, ns, cronJob('deadline', { startingDeadlineSeconds: 10, suspend: true }));
    await api.create(CRONJOBS, ns, cronJob('nodeadline', { suspend: true }));
    // 30 s after an activation, with both suspended through it.
    await nextMinute();
    await clock.advance(29_000);
    for (const n of ['deadline', 'nodeadline']) await mutate(api, CRONJOBS, ns, n, (cj) => ((cj.spec as Record<string, unknown>).suspend = false));
    const minute = Math.floor(clock.now() / 60_000);
    const [late] = await until(async () => {
      const l = await jobsOf('nodeadline');
      return l.length === 1 ? l : undefined;
    }, 'the missed activation starts late without a deadline');
    assert.equal(late!.metadata!.name, `nodeadline-${minute}`);
    await new Promise((r) => setTimeout(r, 400));
    assert.equal((await jobsOf('deadline')).length, 0, 'too late for a 10 s deadline');
    await nextMinute();
    await until(async () => (await jobsOf('deadline')).length === 1, 'the next activation is on time');
    for (const n of ['deadline', 'nodeadline']) await mutate(api, CRONJOBS, ns, n, (cj) => ((cj.spec as Record<string, unknown>).suspend = true));
  });
});

describe('ttl-after-finished controller', () => {
  let c: TestCluster;
  let api: ApiClient;
  const ns = 'ttl';
  before(async () => {
    c = await startTestCluster({ controllers: ['ttl-after-finished'] });
    api = new HttpClient(c.client);
    await ensureNamespace(api, ns);
  });
  after(() => c.stop());

  it('deletes a finished Job once its TTL has passed, and leaves unfinished ones', async () => {
    for (const name of ['done', 'running']) {
      await api.create(JOBS, ns, job(name, { ttlSecondsAfterFinished: 1 }));
    }
    await mutate(
      api,
      JOBS,
      ns,
      'done',
      (j) => {
        const t = new Date().toISOString().replace(/\.\d{3}Z$/, 'Z');
        j.status = { conditions: [{ type: 'Complete', status: 'True', lastProbeTime: t, lastTransitionTime: t }], completionTime: t, startTime: t, succeeded: 1 };
      },
      'status',
    );
    const gone = await until(async () => {
      try {
        const j = await api.get(JOBS, ns, 'done');
        return j.metadata!.deletionTimestamp ? j : undefined;
      } catch {
        return { metadata: { finalizers: [] } } as KubeObject;
      }
    }, 'finished job deleted');
    // Foreground propagation: the garbage collector (not running here) finishes the deletion.
    if (gone.metadata!.deletionTimestamp) assert.deepEqual(gone.metadata!.finalizers, ['foregroundDeletion']);
    await api.get(JOBS, ns, 'running');
  });
});
