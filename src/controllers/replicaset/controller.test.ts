import assert from 'node:assert/strict';
import { after, afterEach, beforeEach, describe, it } from 'node:test';
import { errors, type KubeObject } from '../../apimachinery/index.js';
import { EventRecorder, EVENTS, FakeApiClient, SharedInformerFactory, type ApiClient, type ClientWatch, type ClientWatchEvent, type Gvr } from '../../client/index.js';
import { realClock } from '../../util/clock.js';
import { PODS, type ControllerContext } from '../framework/index.js';
import { BURST_REPLICAS, ReplicaSetController } from './controller.js';
import { REPLICA_SET } from './kinds.js';

const NS = 'ns';
const RS = REPLICA_SET.gvr;

/**
 * A client whose pod watches can be held: while paused, watch events queue up in the test
 * instead of reaching the informers, so the cache lags behind the controller's own writes.
 */
class LaggingClient implements ApiClient {
  private gate: Promise<void> = Promise.resolve();
  private open: () => void = () => {};

  constructor(private readonly inner: FakeApiClient) {}

  pausePodWatch(): void {
    this.gate = new Promise((r) => (this.open = r));
  }

  resumePodWatch(): void {
    this.open();
  }

  get: ApiClient['get'] = (...a) => this.inner.get(...a);
  list: ApiClient['list'] = (...a) => this.inner.list(...a);
  create: ApiClient['create'] = (...a) => this.inner.create(...a);
  update: ApiClient['update'] = (...a) => this.inner.update(...a);
  patch: ApiClient['patch'] = (...a) => this.inner.patch(...a);
  delete: ApiClient['delete'] = (...a) => this.inner.delete(...a);

  async watch(g: Gvr, namespace: string, opts?: Parameters<ApiClient['watch']>[2]): Promise<ClientWatch> {
    const w = await this.inner.watch(g, namespace, opts);
    if (g.resource !== 'pods') return w;
    const self = this;
    return {
      close: () => w.close(),
      async *[Symbol.asyncIterator](): AsyncIterator<ClientWatchEvent> {
        for await (const ev of w) {
          await self.gate;
          yield ev;
        }
      },
    };
  }
}

function replicaSet(name: string, replicas: number): KubeObject {
  return {
    apiVersion: 'apps/v1',
    kind: 'ReplicaSet',
    metadata: { name, namespace: NS, generation: 1 },
    spec: {
      replicas,
      selector: { matchLabels: { app: name } },
      template: { metadata: { labels: { app: name }, annotations: { a: 'b' } }, spec: { containers: [{ name: 'c', image: 'nginx' }] } },
    },
  };
}

describe('ReplicaSetController (fake API)', () => {
  let fake: FakeApiClient;
  let client: LaggingClient;
  let abort: AbortController;
  let informers: SharedInformerFactory;
  let recorder: EventRecorder | undefined;

  async function start(burstReplicas?: number): Promise<ReplicaSetController> {
    const ctx: ControllerContext = {
      client,
      informers,
      clock: realClock,
      workers: 1,
      discovery: async () => [],
      recorder: (component) => {
        recorder ??= new EventRecorder({ client: fake, component });
        void recorder.run(abort.signal);
        return recorder;
      },
    };
    const ctrl = new ReplicaSetController(ctx, REPLICA_SET, { burstReplicas });
    informers.start(abort.signal);
    assert.ok(await informers.waitForCacheSync(abort.signal));
    return ctrl;
  }

  const podLister = () => informers.informerFor(PODS).lister();
  const rsLister = () => informers.informerFor(RS).lister();
  const pods = () => fake.objects(PODS, NS);
  const podCreates = () => fake.calls.filter((c) => c.verb === 'create' && c.gvr.resource === 'pods').length;

  async function until(cond: () => boolean, what: string): Promise<void> {
    const end = Date.now() + 5000;
    while (!cond()) {
      if (Date.now() > end) assert.fail(`timed out waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 5));
    }
  }

  async function events(): Promise<string[]> {
    await recorder?.whenIdle();
    return fake.objects(EVENTS, NS).map((e) => `${e.type} ${e.reason} ${e.message}`);
  }

  beforeEach(() => {
    fake = new FakeApiClient({ kinds: { replicasets: 'ReplicaSet', pods: 'Pod', events: 'Event' } });
    client = new LaggingClient(fake);
    abort = new AbortController();
    informers = new SharedInformerFactory({ client });
    recorder = undefined;
  });
  afterEach(async () => {
    client.resumePodWatch();
    abort.abort();
    await informers.shutdown();
  });
  after(() => undefined);

  it('creates the missing pods from the template and records SuccessfulCreate', async () => {
    const ctrl = await start();
    const rs = await fake.create(RS, NS, replicaSet('web', 3));
    await until(() => !!rsLister().get(NS, 'web'), 'the RS in the cache');
    await ctrl.sync(`${NS}/web`);
    const created = pods();
    assert.equal(created.length, 3);
    for (const p of created) {
      assert.equal(p.metadata!.generateName, 'web-');
      assert.deepEqual(p.metadata!.labels, { app: 'web' });
      assert.deepEqual(p.metadata!.annotations, { a: 'b' });
      assert.deepEqual(p.metadata!.ownerReferences, [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'web', uid: rs.metadata!.uid, controller: true, blockOwnerDeletion: true }]);
      assert.deepEqual(p.spec, { containers: [{ name: 'c', image: 'nginx' }] });
    }
    assert.deepEqual((await events()).sort(), created.map((p) => `Normal SuccessfulCreate Created pod: ${p.metadata!.name}`).sort());
  });

  it('does not create again while the cache has not seen its creations (expectations)', async () => {
    const ctrl = await start();
    await fake.create(RS, NS, replicaSet('web', 3));
    await until(() => !!rsLister().get(NS, 'web'), 'the RS in the cache');
    client.pausePodWatch();
    await ctrl.sync(`${NS}/web`);
    assert.equal(podCreates(), 3);
    assert.equal(podLister().list().length, 0, 'the cache lags');
    assert.deepEqual(ctrl.expectations.pending(`${NS}/web`), { add: 3, del: 0 });
    await ctrl.sync(`${NS}/web`);
    await ctrl.sync(`${NS}/web`);
    assert.equal(podCreates(), 3, 'no over-creation while expectations are pending');
    client.resumePodWatch();
    await until(() => podLister().list().length === 3, 'the cache to catch up');
    assert.equal(ctrl.expectations.satisfied(`${NS}/web`), true);
    await ctrl.sync(`${NS}/web`);
    assert.equal(podCreates(), 3);
  });

  it('creates at most burstReplicas pods per sync (default 500)', async () => {
    assert.equal(BURST_REPLICAS, 500);
    const ctrl = await start(2);
    await fake.create(RS, NS, replicaSet('web', 5));
    await until(() => !!rsLister().get(NS, 'web'), 'the RS in the cache');
    await ctrl.sync(`${NS}/web`);
    assert.equal(pods().length, 2);
    await until(() => podLister().list().length === 2, 'the cache');
    await ctrl.sync(`${NS}/web`);
    assert.equal(pods().length, 4);
  });

  it('stops after the batch with the first failure (slow start), lowers expectations for pods never made, and reports ReplicaFailure', async () => {
    const ctrl = await start();
    await fake.create(RS, NS, replicaSet('web', 10));
    await until(() => !!rsLister().get(NS, 'web'), 'the RS in the cache');
    let creates = 0;
    fake.onCall = (a) => {
      if (a.verb === 'create' && a.gvr.resource === 'pods' && creates++ === 3) throw errors.forbidden({ group: '', resource: 'pods' }, 'web-x', 'exceeded quota');
    };
    client.pausePodWatch();
    await assert.rejects(ctrl.sync(`${NS}/web`), /exceeded quota/);
    // Batches 1, 2, 4: the fourth call fails, its batch completes, nothing more is tried.
    assert.equal(creates, 7);
    assert.equal(pods().length, 6);
    assert.deepEqual(ctrl.expectations.pending(`${NS}/web`), { add: 6, del: 0 });
    const rs = await fake.get(RS, NS, 'web');
    const st = rs.status as { replicas: number; conditions: { type: string; status: string; reason: string; message: string }[] };
    assert.equal(st.replicas, 0, 'the pods were not claimed yet when the status was computed');
    assert.equal(st.conditions.length, 1);
    assert.equal(st.conditions[0]!.type, 'ReplicaFailure');
    assert.equal(st.conditions[0]!.reason, 'FailedCreate');
    assert.match(st.conditions[0]!.message, /exceeded quota/);
    const evs = await events();
    assert.equal(evs.filter((e) => e.startsWith('Warning FailedCreate Error creating: ')).length, 1);
    assert.equal(evs.filter((e) => e.startsWith('Normal SuccessfulCreate')).length, 6);
  });

  it('deletes the surplus not-ready pods first and expects exactly those deletions', async () => {
    const ctrl = await start();
    await fake.create(RS, NS, replicaSet('web', 3));
    await until(() => !!rsLister().get(NS, 'web'), 'the RS in the cache');
    await ctrl.sync(`${NS}/web`);
    await until(() => podLister().list().length === 3, 'the cache');
    const [keep] = pods();
    await fake.update(PODS, NS, { ...keep!, status: { phase: 'Running', conditions: [{ type: 'Ready', status: 'True', lastTransitionTime: '2026-01-01T00:00:00Z' }] } }, { subresource: 'status' });
    const rs = await fake.get(RS, NS, 'web');
    await fake.update(RS, NS, { ...rs, spec: { ...(rs.spec as object), replicas: 1 } });
    await until(() => (rsLister().get(NS, 'web')?.spec as { replicas: number }).replicas === 1 && podLister().list().some((p) => (p.status as { phase?: string } | undefined)?.phase === 'Running'), 'the cache');
    client.pausePodWatch();
    await ctrl.sync(`${NS}/web`);
    assert.deepEqual(
      pods().map((p) => p.metadata!.name),
      [keep!.metadata!.name],
    );
    assert.deepEqual(ctrl.expectations.pending(`${NS}/web`), { add: 0, del: 2 });
    client.resumePodWatch();
    await until(() => ctrl.expectations.satisfied(`${NS}/web`), 'the deletions observed');
    const evs = await events();
    assert.equal(evs.filter((e) => e.startsWith('Normal SuccessfulDelete Deleted pod: ')).length, 2);
    assert.ok(!evs.includes(`Normal SuccessfulDelete Deleted pod: ${keep!.metadata!.name}`));
  });

  it('writes status with observedGeneration and leaves an unchanged status alone', async () => {
    const ctrl = await start();
    await fake.create(RS, NS, replicaSet('web', 0));
    await until(() => !!rsLister().get(NS, 'web'), 'the RS in the cache');
    await ctrl.sync(`${NS}/web`);
    const rs = await fake.get(RS, NS, 'web');
    assert.deepEqual(rs.status, { replicas: 0, observedGeneration: 1 });
    await until(() => (rsLister().get(NS, 'web')?.status as { observedGeneration?: number } | undefined)?.observedGeneration === 1, 'the cache');
    const writes = fake.calls.filter((c) => c.verb === 'update').length;
    await ctrl.sync(`${NS}/web`);
    assert.equal(fake.calls.filter((c) => c.verb === 'update').length, writes);
  });
});
