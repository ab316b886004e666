import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { HttpClient } from '../../src/client/index.js';
import { ControllerManager } from '../../src/controllers/index.js';
import { NodeLifecycleController } from '../../src/controllers/nodelifecycle/index.js';
import { startTestCluster, type TestCluster } from '../helpers/cluster.js';
import { until } from '../helpers/wait.js';


interface Pod {
  metadata: { name: string; deletionTimestamp?: string };
  spec: { nodeName?: string };
  status: { phase?: string; podIP?: string; nominatedNodeName?: string; conditions?: { type: string; status: string; reason?: string; message?: string }[] };
}
interface Node {
  metadata: { name: string };
  spec: { podCIDR?: string; taints?: { key: string; effect: string }[] };
  status: { conditions?: { type: string; status: string; reason?: string; message?: string }[] };
}

describe('scheduler, simulated nodes and node lifecycle', () => {
  let c: TestCluster;
  const PODS = '/api/v1/namespaces/default/pods';
  const pod = (name: string, cpu?: string, extra: object = {}) => ({
    metadata: { name },
    spec: { containers: [{ name: 'c', image: 'busybox', ...(cpu ? { resources: { requests: { cpu } } } : {}) }], ...extra },
  });
  const get = async (name: string) => (await c.req('GET', `${PODS}/${name}`)).json<Pod>();

  before(async () => {
    c = await startTestCluster({ simulatedNodes: 3, controllers: ['node-lifecycle'], scheduler: true });
  });
  after(() => c.stop());

  it('registers Ready nodes without the not-ready taint, with leases', async () => {
    const nodes = await until(async () => {
      const items = (await c.req('GET', '/api/v1/nodes')).json<{ items: Node[] }>().items;
      return items.length === 3 && items.every((n) => !n.spec.taints?.length && n.status.conditions?.find((x) => x.type === 'Ready')?.status === 'True') ? items : undefined;
    }, 'three ready, untainted nodes');
    assert.deepEqual(nodes.map((n) => n.metadata.name).sort(), ['k8ts-sim-0', 'k8ts-sim-1', 'k8ts-sim-2']);
    assert.equal((await c.req('GET', '/apis/coordination.k8s.io/v1/namespaces/kube-node-lease/leases/k8ts-sim-0')).status, 200);
  });

  it('schedules pods, which the simulated kubelet runs with an IP from the node podCIDR', async () => {
    assert.equal((await c.req('POST', PODS, pod('p1', '1'))).status, 201);
    const p = await until(async () => {
      const x = await get('p1');
      return x.status.phase === 'Running' ? x : undefined;
    }, 'p1 running');
    const node = (await c.req('GET', `/api/v1/nodes/${p.spec.nodeName}`)).json<Node>();
    assert.equal(p.status.podIP!.split('.').slice(0, 3).join('.'), node.spec.podCIDR!.split('.').slice(0, 3).join('.'));
    assert.ok(p.status.conditions?.some((x) => x.type === 'PodScheduled' && x.status === 'True'));
    const events = (await c.req('GET', '/api/v1/namespaces/default/events', undefined, { query: { fieldSelector: 'involvedObject.name=p1' } })).json<{ items: { reason: string; message: string; source?: { component?: string }; reportingComponent?: string }[] }>().items;
    // The scheduler records events.k8s.io/v1 Events: read through core/v1 the reporter is reportingComponent.
    assert.ok(events.some((e) => e.reason === 'Scheduled' && e.message === `Successfully assigned default/p1 to ${p.spec.nodeName}` && (e.source?.component || e.reportingComponent) === 'default-scheduler'));
  });

  it('reports an unschedulable pod as upstream, and places it when a node frees up', async () => {
    await c.req('POST', PODS, pod('huge', '40'));
    const p = await until(async () => {
      const x = await get('huge');
      const cond = x.status.conditions?.find((y) => y.type === 'PodScheduled');
      return cond?.status === 'False' ? cond : undefined;
    }, 'PodScheduled=False');
    assert.equal(p.reason, 'Unschedulable');
    assert.equal(p.message, '0/3 nodes are available: 3 Insufficient cpu. preemption: 0/3 nodes are available: 3 No preemption victims found for incoming pod.');
    const sel = await c.req('POST', PODS, pod('picky', undefined, { nodeSelector: { disk: 'ssd' } }));
    assert.equal(sel.status, 201);
    const cond = await until(async () => (await get('picky')).status.conditions?.find((y) => y.type === 'PodScheduled' && y.status === 'False'), 'picky unschedulable');
    assert.equal(cond.message, "0/3 nodes are available: 3 node(s) didn't match Pod's node affinity/selector. preemption: 0/3 nodes are available: 3 Preemption is not helpful for scheduling.");
    await c.req('PATCH', '/api/v1/nodes/k8ts-sim-2', { metadata: { labels: { disk: 'ssd' } } }, { contentType: 'application/merge-patch+json' });
    const placed = await until(async () => ((await get('picky')).spec.nodeName ? get('picky') : undefined), 'picky placed after the label');
    assert.equal(placed.spec.nodeName, 'k8ts-sim-2');
    await c.req('DELETE', `${PODS}/huge`, { gracePeriodSeconds: 0 });
  });

  it('preempts lower-priority pods for a higher-priority one', async () => {
    await c.req('POST', '/apis/scheduling.k8s.io/v1/priorityclasses', { metadata: { name: 'high' }, value: 1000 });
    for (const n of ['k8ts-sim-0', 'k8ts-sim-1', 'k8ts-sim-2']) {
      await c.req('POST', PODS, pod(`filler-${n}`, '30', { nodeName: n }));
    }
    await c.req('POST', PODS, pod('vip', '30', { priorityClassName: 'high' }));
    const vip = await until(async () => {
      const x = await get('vip');
      return x.status.phase === 'Running' ? x : undefined;
    }, 'the high-priority pod to run after preemption');
    const fillers = (await c.req('GET', PODS)).json<{ items: Pod[] }>().items.filter((p) => p.metadata.name.startsWith('filler-'));
    assert.equal(fillers.length, 2, 'one filler was preempted');
    assert.ok(!fillers.some((f) => f.spec.nodeName === vip.spec.nodeName));
  });

  it('marks a silent node Unknown, taints it unreachable and evicts pods after their tolerationSeconds', async () => {
    // A node nobody renews, and a lifecycle controller with a short grace period.
    await c.req('POST', '/api/v1/nodes', { metadata: { name: 'silent' } });
    const n = (await c.req('GET', '/api/v1/nodes/silent')).json<Node & { metadata: { resourceVersion: string } }>();
    const now = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
    await c.req('PUT', '/api/v1/nodes/silent/status', {
      ...n,
      status: { allocatable: { cpu: '4', memory: '8Gi', pods: '10' }, capacity: { cpu: '4', memory: '8Gi', pods: '10' }, conditions: [{ type: 'Ready', status: 'True', reason: 'KubeletReady', message: 'kubelet is posting ready status', lastHeartbeatTime: now, lastTransitionTime: now }] },
    });
    await c.req('POST', PODS, pod('stay', undefined, { nodeName: 'silent', tolerations: [{ key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute' }] }));
    await c.req('POST', PODS, pod('leave', undefined, { nodeName: 'silent', tolerations: [{ key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 1 }] }));
    const api = new HttpClient(c.client);
    const ac = new AbortController();
    const m = new ControllerManager({ client: api, controllers: { nl: (ctx) => new NodeLifecycleController(ctx, { gracePeriodMs: 1000, periodMs: 100 }) } });
    const running = m.run(ac.signal);
    try {
      const node = await until(async () => {
        const x = (await c.req('GET', '/api/v1/nodes/silent')).json<Node>();
        return x.spec.taints?.some((t) => t.key === 'node.kubernetes.io/unreachable' && t.effect === 'NoExecute') ? x : undefined;
      }, 'the unreachable taint');
      const ready = node.status.conditions!.find((x) => x.type === 'Ready')!;
      assert.equal(ready.status, 'Unknown');
      assert.equal(ready.reason, 'NodeStatusUnknown');
      assert.equal(ready.message, 'Kubelet stopped posting node status.');
      await until(async () => (await c.req('GET', `${PODS}/leave`)).json<Pod>().metadata.deletionTimestamp !== undefined || (await c.req('GET', `${PODS}/leave`)).status === 404, 'leave to be evicted');
      const stay = await get('stay');
      assert.equal(stay.metadata.deletionTimestamp, undefined);
      assert.equal(stay.status.conditions?.find((x) => x.type === 'Ready')?.status ?? 'False', 'False');
    } finally {
      ac.abort();
      await running;
    }
  });
});
