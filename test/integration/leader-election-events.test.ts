import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { InProcessClient } from '../../src/apiserver/index.js';
import {
  EventRecorder,
  EVENTS,
  EventType,
  gvr,
  HttpClient,
  LeaderElector,
  LEASES,
  recordOf,
  type ApiClient,
  type CoreEvent,
} from '../../src/client/index.js';
import { realClock } from '../../src/util/clock.js';
import { startTestCluster, type TestCluster } from '../helpers/cluster.js';

const admin = { name: 'client-test', groups: ['system:masters'] };

async function until(cond: () => boolean | Promise<boolean>, what: string, ms = 15_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (await cond()) return;
    await new Promise((r) => setTimeout(r, 10));
  }
  assert.fail(`timed out waiting for ${what}`);
}

describe('leader election and events against a real server', () => {
  let c: TestCluster;
  let inproc: ApiClient;
  let https: ApiClient;
  before(async () => {
    c = await startTestCluster({ scheduler: false });
    inproc = new InProcessClient(c.server.registry, admin, realClock);
    https = new HttpClient(c.client);
  });
  after(async () => {
    await c.stop();
  });

  it('two candidates (one per transport): exactly one leads; the other takes over when it stops renewing', async () => {
    const leading = new Set<string>();
    let overlap = false;
    const mk = (id: string, client: ApiClient) => {
      const ac = new AbortController();
      const elector = new LeaderElector({
        client,
        namespace: 'kube-system',
        name: 'it-lock',
        identity: id,
        leaseDurationSeconds: 2,
        renewDeadlineMs: 1500,
        retryPeriodMs: 200,
        callbacks: {
          onStartedLeading: (signal) => {
            if (leading.size > 0) overlap = true;
            leading.add(id);
            signal.addEventListener('abort', () => leading.delete(id));
          },
        },
      });
      return { id, ac, elector, run: elector.run(ac.signal) };
    };
    const a = mk('a', inproc);
    const b = mk('b', https);
    await until(() => leading.size === 1, 'a leader');
    await new Promise((r) => setTimeout(r, 1000));
    assert.equal(leading.size, 1);
    const [first] = [...leading];
    const [winner, loser] = first === 'a' ? [a, b] : [b, a];
    const lease = await https.get(LEASES, 'kube-system', 'it-lock');
    assert.equal(recordOf(lease).holderIdentity, winner.id);
    assert.match(recordOf(lease).renewTime, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z$/);
    assert.equal(loser.elector.getLeader(), winner.id);

    winner.ac.abort();
    await winner.run;
    await until(() => leading.has(loser.id), 'the failover', 10_000);
    assert.equal(overlap, false, 'never two leaders at once');
    const after = recordOf(await inproc.get(LEASES, 'kube-system', 'it-lock'));
    assert.equal(after.holderIdentity, loser.id);
    assert.equal(after.leaseTransitions, 1);
    loser.ac.abort();
    await loser.run;
  });

  for (const [transport, pick] of [
    ['in-process', () => inproc],
    ['HTTPS', () => https],
  ] as const) {
    it(`aggregates repeated events into one Event with count 1 -> 2 -> 3 (${transport})`, async () => {
      const client = pick();
      const pod = await client.create(gvr('v1', 'pods'), 'default', {
        metadata: { name: `ev-${transport === 'HTTPS' ? 'h' : 'i'}` },
        spec: { containers: [{ name: 'c', image: 'busybox' }] },
      });
      const rec = new EventRecorder({ client, component: 'kubelet', host: 'node-1' });
      const ac = new AbortController();
      const running = rec.run(ac.signal);
      const counts: number[] = [];
      for (let i = 0; i < 3; i++) {
        rec.eventf(pod, EventType.Warning, 'BackOff', 'Back-off restarting failed container %s in pod %s', 'c', pod.metadata!.name);
        await rec.whenIdle();
        const list = await client.list(EVENTS, 'default', { fieldSelector: `involvedObject.name=${pod.metadata!.name}` });
        assert.equal(list.items.length, 1);
        counts.push((list.items[0] as CoreEvent).count);
      }
      assert.deepEqual(counts, [1, 2, 3]);
      const ev = (await client.list(EVENTS, 'default', { fieldSelector: `involvedObject.name=${pod.metadata!.name}` })).items[0] as CoreEvent;
      assert.equal(ev.involvedObject.uid, pod.metadata!.uid);
      assert.equal(ev.involvedObject.kind, 'Pod');
      assert.equal(ev.source.component, 'kubelet');
      assert.equal(ev.reportingComponent, 'kubelet');
      assert.equal(ev.type, 'Warning');
      assert.match(ev.metadata.name, new RegExp(`^${pod.metadata!.name}\\.[0-9a-f]+$`));
      ac.abort();
      await running;
    });
  }
});
