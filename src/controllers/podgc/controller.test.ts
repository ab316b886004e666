import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { KubeObject } from '../../apimachinery/types.js';
import { EventRecorder } from '../../client/event-recorder.js';
import { FakeApiClient } from '../../client/fake-api-client.js';
import { SharedInformerFactory } from '../../client/informer-factory.js';
import { FakeClock } from '../../util/clock.js';
import type { ControllerContext } from '../framework/types.js';
import { byEvictionAndCreation, isPodTerminated, NODES, PODS, PodGcController } from './controller.js';

const pod = (name: string, o: { phase?: string; reason?: string; node?: string; deleting?: boolean } = {}): KubeObject => ({
  metadata: { name, deletionTimestamp: o.deleting ? '2026-01-01T00:00:00Z' : undefined },
  spec: { nodeName: o.node, containers: [{ name: 'c', image: 'x' }] },
  status: { phase: o.phase ?? 'Running', reason: o.reason },
});

describe('pod garbage collector', () => {
  const clock = new FakeClock();
  const client = new FakeApiClient({ clock, kinds: { pods: 'Pod', nodes: 'Node' } });
  const abort = new AbortController();
  let gc: PodGcController;
  const names = async () => (await client.list(PODS, 'ns')).items.map((p) => p.metadata!.name!).sort();

  before(async () => {
    await client.create(NODES, '', { metadata: { name: 'n1' }, status: { conditions: [{ type: 'Ready', status: 'True' }] } });
    await client.create(NODES, '', {
      metadata: { name: 'broken' },
      spec: { taints: [{ key: 'node.kubernetes.io/out-of-service', effect: 'NoExecute' }] },
      status: { conditions: [{ type: 'Ready', status: 'False' }] },
    });
    // Created a second apart: oldest first.
    for (const [name, o] of [
      ['done-old', { phase: 'Succeeded', node: 'n1' }],
      ['failed', { phase: 'Failed', node: 'n1' }],
      ['done-new', { phase: 'Succeeded', node: 'n1' }],
      ['evicted', { phase: 'Failed', reason: 'Evicted', node: 'n1' }],
      ['running', { node: 'n1' }],
      ['orphan', { node: 'ghost' }],
      ['unscheduled-terminating', { phase: 'Pending', deleting: true }],
      ['stuck-on-broken-node', { node: 'broken', deleting: true }],
      ['terminating-on-healthy-node', { node: 'n1', deleting: true }],
    ] as const) {
      await client.create(PODS, 'ns', pod(name, o));
      await clock.advance(1000);
    }
    const informers = new SharedInformerFactory({ client, clock });
    const ctx: ControllerContext = {
      client,
      informers,
      clock,
      workers: 1,
      discovery: async () => [],
      recorder: (component) => new EventRecorder({ client, component, clock }),
    };
    gc = new PodGcController(ctx, { terminatedPodThreshold: 2, quarantineMs: 40_000 });
    informers.start(abort.signal);
    assert.equal(await informers.waitForCacheSync(abort.signal), true);
  });
  after(() => abort.abort());

  it('orders evicted pods first, then by age', () => {
    const at = (name: string, ts: string, o: Parameters<typeof pod>[1] = {}) => ({ ...pod(name, o), metadata: { name, creationTimestamp: ts } });
    const sorted = [at('b', '2026-01-01T00:00:02Z'), at('a', '2026-01-01T00:00:02Z'), at('c', '2026-01-01T00:00:01Z'), at('e', '2026-01-01T00:00:09Z', { phase: 'Failed', reason: 'Evicted' })]
      .sort(byEvictionAndCreation)
      .map((p) => p.metadata.name);
    assert.deepEqual(sorted, ['e', 'c', 'a', 'b']);
    assert.deepEqual(['Pending', 'Running', 'Unknown', 'Succeeded', 'Failed', ''].map((phase) => isPodTerminated({ status: { phase } })), [false, false, false, true, true, true]);
  });

  it('deletes terminated pods above the threshold, unscheduled terminating pods and pods stuck on out-of-service nodes; quarantines missing nodes', async () => {
    await gc.gc();
    // 4 terminated, threshold 2: the evicted one and the oldest go.
    assert.deepEqual(await names(), ['done-new', 'failed', 'orphan', 'running', 'terminating-on-healthy-node']);
    const deletes = client.calls.filter((c) => c.verb === 'delete');
    assert.ok(deletes.every((d) => (d.opts as { gracePeriodSeconds?: number }).gracePeriodSeconds === 0));
    const statusPatches = client.calls.filter((c) => c.verb === 'patch').map((c) => [c.name, (c.body as { status: { phase: string } }).status.phase]);
    // Only pods not yet finished are moved to Failed first.
    assert.deepEqual(statusPatches.sort(), [
      ['stuck-on-broken-node', 'Failed'],
      ['unscheduled-terminating', 'Failed'],
    ]);
  });

  it('deletes pods of a node still missing after the quarantine, with the DisruptionTarget condition', async () => {
    client.calls.length = 0;
    await clock.advance(39_000);
    await gc.gc();
    assert.ok((await names()).includes('orphan'), 'still quarantined');
    await clock.advance(1_000);
    await gc.gc();
    assert.ok(!(await names()).includes('orphan'));
    const patch = client.calls.find((c) => c.verb === 'patch' && c.name === 'orphan')!;
    const status = (patch.body as { status: { phase: string; conditions: Record<string, string>[] } }).status;
    assert.equal(status.phase, 'Failed');
    assert.deepEqual(
      status.conditions.map(({ type, status: s, reason, message }) => ({ type, status: s, reason, message })),
      [{ type: 'DisruptionTarget', status: 'True', reason: 'DeletionByPodGC', message: 'PodGC: node no longer exists' }],
    );
    assert.deepEqual((patch.opts as { subresource?: string }).subresource, 'status');
    assert.ok(client.calls.some((c) => c.verb === 'get' && c.name === 'ghost'), 'the node is checked with a live read');
  });
});
