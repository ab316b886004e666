import assert from 'node:assert/strict';
import { after, afterEach, before, describe, it } from 'node:test';
import { gvr, HttpClient } from '../../src/client/index.js';
import type { KubeObject } from '../../src/apimachinery/types.js';
import { startTestCluster, type TestCluster } from '../helpers/cluster.js';

const PODS = gvr('v1', 'pods');
const NODES = gvr('v1', 'nodes');
const EVENTS = gvr('v1', 'events');
const PVCS = gvr('v1', 'persistentvolumeclaims');
const PVS = gvr('v1', 'persistentvolumes');
const CLASSES = gvr('storage.k8s.io/v1', 'storageclasses');
const PRIORITY_CLASSES = gvr('scheduling.k8s.io/v1', 'priorityclasses');
const PDBS = gvr('policy/v1', 'poddisruptionbudgets');
const NS = 'default';

type Obj = KubeObject & Record<string, any>;

async function until<T>(fn: () => Promise<T | undefined | false>, what: string, ms = 15_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('kube-scheduler in k8ts server', () => {
  let c: TestCluster;
  let api: HttpClient;
  before(async () => {
    c = await startTestCluster({ controllers: [], scheduler: true });
    api = new HttpClient(c.client);
  });
  after(() => c.stop());

  afterEach(async () => {
    for (const p of (await api.list(PODS, NS)).items) await api.delete(PODS, NS, p.metadata!.name!, { gracePeriodSeconds: 0 }).catch(() => {});
    for (const n of (await api.list(NODES, '')).items) await api.delete(NODES, '', n.metadata!.name!).catch(() => {});
    await until(async () => (await api.list(PODS, NS)).items.length === 0 && (await api.list(NODES, '')).items.length === 0, 'cleanup');
  });

  /** A Ready node as a kubelet would register it (the not-ready taint removed, as node-lifecycle would). */
  async function node(name: string, o: { cpu?: string; memory?: string; pods?: string; labels?: Record<string, string>; taints?: unknown[]; unschedulable?: boolean } = {}) {
    const res = { cpu: o.cpu ?? '4', memory: o.memory ?? '8Gi', pods: o.pods ?? '110' };
    await api.create(NODES, '', {
      apiVersion: 'v1',
      kind: 'Node',
      metadata: { name, labels: { 'kubernetes.io/hostname': name, ...o.labels } },
      spec: { unschedulable: o.unschedulable },
    });
    await api.patch(NODES, '', name, 'merge', { status: { capacity: res, allocatable: res, conditions: [{ type: 'Ready', status: 'True' }] } }, { subresource: 'status' });
    await api.patch(NODES, '', name, 'merge', { spec: { taints: o.taints ?? null } });
  }

  function pod(name: string, o: { cpu?: string; memory?: string; nodeName?: string; priorityClassName?: string; labels?: Record<string, string>; spec?: Record<string, unknown> } = {}): Obj {
    const requests: Record<string, string> = {};
    if (o.cpu) requests.cpu = o.cpu;
    if (o.memory) requests.memory = o.memory;
    return {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name, namespace: NS, labels: o.labels },
      spec: {
        containers: [{ name: 'c', image: 'busybox', resources: { requests } }],
        nodeName: o.nodeName,
        priorityClassName: o.priorityClassName,
        terminationGracePeriodSeconds: 30,
        ...o.spec,
      },
    };
  }

  const getPod = async (name: string) => (await api.get(PODS, NS, name)) as Obj;
  const boundNode = (name: string) => until(async () => (await getPod(name)).spec.nodeName as string | undefined, `${name} bound`);
  const scheduledCondition = async (name: string) =>
    until(async () => ((await getPod(name)).status?.conditions ?? []).find((x: Obj) => x.type === 'PodScheduled') as Obj | undefined, `${name} PodScheduled condition`);
  const eventsFor = async (name: string) =>
    (await api.list(EVENTS, NS, { fieldSelector: `involvedObject.name=${name}` })).items as Obj[];

  it('binds a pod to a fitting node, sets PodScheduled=True and records Scheduled', async () => {
    await node('small', { cpu: '1' });
    await node('big', { cpu: '8' });
    await api.create(PODS, NS, pod('web', { cpu: '2' }));
    assert.equal(await boundNode('web'), 'big');
    const cond = await scheduledCondition('web');
    assert.equal(cond.status, 'True');
    const ev = await until(async () => (await eventsFor('web')).find((e) => e.reason === 'Scheduled'), 'Scheduled event');
    assert.equal(ev.message, 'Successfully assigned default/web to big');
    assert.equal(ev.type, 'Normal');
    assert.equal(ev.reportingComponent, 'default-scheduler');
    assert.equal(ev.action, 'Binding');
  });

  it('reports why nothing fits: condition Unschedulable and a FailedScheduling event with upstream’s message', async () => {
    await node('tainted', { taints: [{ key: 'key', value: 'value', effect: 'NoSchedule' }] });
    await node('n1', { cpu: '1' });
    await node('n2', { cpu: '1' });
    await api.create(PODS, NS, pod('huge', { cpu: '2' }));
    const cond = await until(async () => {
      const c1 = await scheduledCondition('huge');
      return c1.status === 'False' ? c1 : undefined;
    }, 'PodScheduled=False');
    const want =
      '0/3 nodes are available: 1 node(s) had untolerated taint {key: value}, 2 Insufficient cpu. ' +
      'preemption: 0/3 nodes are available: 1 Preemption is not helpful for scheduling, 2 No preemption victims found for incoming pod.';
    assert.equal(cond.reason, 'Unschedulable');
    assert.equal(cond.message, want);
    const ev = await until(async () => (await eventsFor('huge')).find((e) => e.reason === 'FailedScheduling'), 'FailedScheduling event');
    assert.equal(ev.type, 'Warning');
    assert.equal(ev.message, want);
    assert.equal((await getPod('huge')).spec.nodeName, undefined);
  });

  it('retries an unschedulable pod when a node that fits is added', async () => {
    await node('tiny', { cpu: '500m' });
    await api.create(PODS, NS, pod('waiting', { cpu: '1' }));
    await until(async () => (await scheduledCondition('waiting')).status === 'False', 'unschedulable first');
    await node('roomy', { cpu: '2' });
    assert.equal(await boundNode('waiting'), 'roomy');
  });

  it('counts pods it has just placed (assumed) when placing the next ones', async () => {
    await node('two-cpu', { cpu: '2' });
    await Promise.all(['a', 'b', 'c'].map((n) => api.create(PODS, NS, pod(`burst-${n}`, { cpu: '1' }))));
    await until(async () => {
      const items = (await api.list(PODS, NS)).items as Obj[];
      const bound = items.filter((p) => p.spec.nodeName).length;
      const failed = items.filter((p) => (p.status?.conditions ?? []).some((x: Obj) => x.type === 'PodScheduled' && x.status === 'False')).length;
      return bound === 2 && failed === 1;
    }, 'two bound, one unschedulable');
  });

  it('honours nodeSelector, node affinity, tolerations and unschedulable nodes', async () => {
    await node('ssd', { labels: { disk: 'ssd' } });
    await node('hdd', { labels: { disk: 'hdd' } });
    await node('cordoned', { labels: { disk: 'nvme' }, unschedulable: true });
    await node('gpu', { labels: { disk: 'nvme' }, taints: [{ key: 'gpu', value: 'true', effect: 'NoSchedule' }] });
    await api.create(PODS, NS, pod('sel', { spec: { nodeSelector: { disk: 'ssd' } } }));
    await api.create(
      PODS,
      NS,
      pod('aff', {
        spec: {
          affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'disk', operator: 'In', values: ['hdd'] }] }] } } },
        },
      }),
    );
    await api.create(PODS, NS, pod('tol', { spec: { nodeSelector: { disk: 'nvme' }, tolerations: [{ key: 'gpu', operator: 'Exists', effect: 'NoSchedule' }] } }));
    assert.equal(await boundNode('sel'), 'ssd');
    assert.equal(await boundNode('aff'), 'hdd');
    assert.equal(await boundNode('tol'), 'gpu');
    await api.create(PODS, NS, pod('nowhere', { spec: { nodeSelector: { disk: 'nvme' } } }));
    const cond = await until(async () => {
      const x = await scheduledCondition('nowhere');
      return x.status === 'False' ? x : undefined;
    }, 'nowhere unschedulable');
    assert.equal(
      cond.message,
      "0/4 nodes are available: 1 node(s) had untolerated taint {gpu: true}, 1 node(s) were unschedulable, 2 node(s) didn't match Pod's node affinity/selector. " +
        'preemption: 0/4 nodes are available: 4 Preemption is not helpful for scheduling.',
    );
  });

  it('spreads replicas with required anti-affinity and co-locates with required affinity', async () => {
    await node('z1', { labels: { 'topology.kubernetes.io/zone': 'a' } });
    await node('z2', { labels: { 'topology.kubernetes.io/zone': 'b' } });
    const anti = {
      podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [{ labelSelector: { matchLabels: { app: 'db' } }, topologyKey: 'kubernetes.io/hostname' }] },
    };
    for (const n of ['db-0', 'db-1', 'db-2']) await api.create(PODS, NS, pod(n, { labels: { app: 'db' }, spec: { affinity: anti } }));
    const nodes = await Promise.all(['db-0', 'db-1'].map(boundNode));
    assert.deepEqual(new Set(nodes), new Set(['z1', 'z2']));
    const third = await until(async () => {
      const x = await scheduledCondition('db-2');
      return x.status === 'False' ? x : undefined;
    }, 'db-2 unschedulable');
    assert.match(third.message, /^0\/2 nodes are available: 2 node\(s\) didn't match pod anti-affinity rules\./);
    await api.create(
      PODS,
      NS,
      pod('cache', {
        spec: {
          affinity: {
            podAffinity: {
              requiredDuringSchedulingIgnoredDuringExecution: [{ labelSelector: { matchLabels: { app: 'db' } }, topologyKey: 'topology.kubernetes.io/zone' }],
            },
          },
        },
      }),
    );
    assert.ok(['z1', 'z2'].includes(await boundNode('cache')));
  });

  it('preempts lower-priority pods: DisruptionTarget, graceful deletion, nominatedNodeName, then binds', async () => {
    await api.create(PRIORITY_CLASSES, '', { apiVersion: 'scheduling.k8s.io/v1', kind: 'PriorityClass', metadata: { name: 'low' }, value: 100 }).catch(() => {});
    await api.create(PRIORITY_CLASSES, '', { apiVersion: 'scheduling.k8s.io/v1', kind: 'PriorityClass', metadata: { name: 'high' }, value: 1000 }).catch(() => {});
    await node('only', { cpu: '2' });
    await api.create(PODS, NS, pod('victim', { cpu: '1500m', priorityClassName: 'low' }));
    assert.equal(await boundNode('victim'), 'only');
    await api.create(PODS, NS, pod('vip', { cpu: '1', priorityClassName: 'high' }));
    const victim = await until(async () => {
      const v = await getPod('victim');
      return v.metadata?.deletionTimestamp ? v : undefined;
    }, 'victim terminating');
    const dt = (victim.status.conditions as Obj[]).find((x) => x.type === 'DisruptionTarget');
    assert.equal(dt?.status, 'True');
    assert.equal(dt?.reason, 'PreemptionByScheduler');
    assert.equal(dt?.message, 'default-scheduler: preempting to accommodate a higher priority pod');
    await until(async () => (await getPod('vip')).status?.nominatedNodeName === 'only', 'vip nominated to "only"');
    const vip = await getPod('vip');
    const ev = await until(async () => (await eventsFor('victim')).find((e) => e.reason === 'Preempted'), 'Preempted event');
    assert.equal(ev.message, `Preempted by pod ${vip.metadata!.uid} on node only`);
    assert.equal(vip.spec.nodeName, undefined, 'vip must wait for the victim to terminate');
    // Play the kubelet: the victim's containers stopped.
    await api.delete(PODS, NS, 'victim', { gracePeriodSeconds: 0 });
    assert.equal(await boundNode('vip'), 'only');
  });

  it('does not preempt to save a pod protected by a PodDisruptionBudget when another node has an unprotected victim', async () => {
    await api.create(PRIORITY_CLASSES, '', { apiVersion: 'scheduling.k8s.io/v1', kind: 'PriorityClass', metadata: { name: 'low' }, value: 100 }).catch(() => {});
    await api.create(PRIORITY_CLASSES, '', { apiVersion: 'scheduling.k8s.io/v1', kind: 'PriorityClass', metadata: { name: 'high' }, value: 1000 }).catch(() => {});
    await api.create(PDBS, NS, {
      apiVersion: 'policy/v1',
      kind: 'PodDisruptionBudget',
      metadata: { name: 'guard' },
      spec: { minAvailable: 1, selector: { matchLabels: { app: 'guarded' } } },
    });
    // No disruption controller runs here: write the status it would compute.
    await api.patch(PDBS, NS, 'guard', 'merge', { status: { disruptionsAllowed: 0, currentHealthy: 1, desiredHealthy: 1, expectedPods: 1, observedGeneration: 1 } }, { subresource: 'status' });
    await node('p1', { cpu: '1' });
    await node('p2', { cpu: '1' });
    await api.create(PODS, NS, pod('guarded', { cpu: '1', nodeName: 'p1', priorityClassName: 'low', labels: { app: 'guarded' } }));
    await api.create(PODS, NS, pod('plain', { cpu: '1', nodeName: 'p2', priorityClassName: 'low' }));
    await api.create(PODS, NS, pod('urgent', { cpu: '1', priorityClassName: 'high' }));
    await until(async () => (await getPod('plain')).metadata?.deletionTimestamp, 'plain preempted');
    assert.equal((await getPod('guarded')).metadata?.deletionTimestamp, undefined);
    await until(async () => (await getPod('urgent')).status?.nominatedNodeName === 'p2', 'urgent nominated to p2');
    await api.delete(PDBS, NS, 'guard');
  });

  it('leaves pods of other schedulers alone', async () => {
    await node('any');
    await api.create(PODS, NS, pod('other', { spec: { schedulerName: 'my-scheduler' } }));
    await api.create(PODS, NS, pod('mine'));
    await boundNode('mine');
    const other = await getPod('other');
    assert.equal(other.spec.nodeName, undefined);
    assert.equal((other.status?.conditions ?? []).length, 0);
  });

  it('annotates a WaitForFirstConsumer claim with the selected node and binds once it is bound', async () => {
    await api.create(CLASSES, '', {
      apiVersion: 'storage.k8s.io/v1',
      kind: 'StorageClass',
      metadata: { name: 'wffc' },
      provisioner: 'example.com/fake',
      volumeBindingMode: 'WaitForFirstConsumer',
    }).catch(() => {});
    await node('vol-a', { labels: { 'topology.kubernetes.io/zone': 'a' } });
    await api.create(PVCS, NS, {
      apiVersion: 'v1',
      kind: 'PersistentVolumeClaim',
      metadata: { name: 'data' },
      spec: { storageClassName: 'wffc', accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } },
    });
    await api.create(PODS, NS, pod('with-volume', { spec: { volumes: [{ name: 'data', persistentVolumeClaim: { claimName: 'data' } }] } }));
    const claim = await until(async () => {
      const x = (await api.get(PVCS, NS, 'data')) as Obj;
      return x.metadata?.annotations?.['volume.kubernetes.io/selected-node'] ? x : undefined;
    }, 'selected-node annotation');
    assert.equal(claim.metadata!.annotations!['volume.kubernetes.io/selected-node'], 'vol-a');
    assert.equal((await getPod('with-volume')).spec.nodeName, undefined, 'the pod waits for its claim');
    // Play the provisioner and the PV controller.
    await api.create(PVS, '', {
      apiVersion: 'v1',
      kind: 'PersistentVolume',
      metadata: { name: 'pv-data' },
      spec: {
        storageClassName: 'wffc',
        capacity: { storage: '1Gi' },
        accessModes: ['ReadWriteOnce'],
        hostPath: { path: '/tmp/pv-data' },
        claimRef: { kind: 'PersistentVolumeClaim', apiVersion: 'v1', namespace: NS, name: 'data', uid: claim.metadata!.uid },
      },
    });
    await api.patch(PVCS, NS, 'data', 'merge', { metadata: { annotations: { 'pv.kubernetes.io/bind-completed': 'yes' } }, spec: { volumeName: 'pv-data' } });
    assert.equal(await boundNode('with-volume'), 'vol-a');
    await api.delete(PVCS, NS, 'data').catch(() => {});
    await api.delete(PVS, '', 'pv-data').catch(() => {});
  });

  it('reports a missing claim from PreFilter', async () => {
    await node('n');
    await api.create(PODS, NS, pod('claimless', { spec: { volumes: [{ name: 'd', persistentVolumeClaim: { claimName: 'nope' } }] } }));
    const cond = await until(async () => {
      const x = await scheduledCondition('claimless');
      return x.status === 'False' ? x : undefined;
    }, 'claimless unschedulable');
    assert.equal(
      cond.message,
      '0/1 nodes are available: persistentvolumeclaim "nope" not found. preemption: 0/1 nodes are available: 1 Preemption is not helpful for scheduling.',
    );
  });
});
