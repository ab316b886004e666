import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { isExpired } from '../../src/apimachinery/status.js';
import type { KubeList, KubeObject } from '../../src/apimachinery/types.js';
import { InProcessClient } from '../../src/apiserver/index.js';
import {
  gvr,
  HttpClient,
  isTombstone,
  loadKubeconfig,
  RestClient,
  SharedInformerFactory,
  type ApiClient,
  type ClientListOptions,
  type ClientWatch,
  type ClientWatchOptions,
  type DeletedFinalStateUnknown,
  type Gvr,
  type ResourceEventHandler,
} from '../../src/client/index.js';
import { startServer } from '../../src/server.js';
import { realClock } from '../../src/util/clock.js';
import { startTestCluster, type TestCluster } from '../helpers/cluster.js';

const CM = gvr('v1', 'configmaps');
const NS = gvr('v1', 'namespaces');
const admin = { name: 'informer-test', groups: ['system:masters'] };
const fastBackoff = { initialMs: 50, maxMs: 500 };

async function until(cond: () => boolean | Promise<boolean>, what: string, ms = 15_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (await cond()) return;
    await new Promise((r) => setTimeout(r, 10));
  }
  assert.fail(`timed out waiting for ${what}`);
}

function recorder(): { log: string[]; handler: ResourceEventHandler } {
  const log: string[] = [];
  const name = (o: KubeObject | DeletedFinalStateUnknown) => (isTombstone(o) ? `tombstone ${o.key}` : (o.metadata?.name ?? '?'));
  const data = (o: KubeObject) => JSON.stringify(o.data ?? {});
  return {
    log,
    handler: {
      onAdd: (o, initial) => log.push(`add ${name(o)}${initial ? ' (initial)' : ''}`),
      onUpdate: (a, b) => log.push(`update ${name(b)} ${data(a)} -> ${data(b)}`),
      onDelete: (o) => log.push(`delete ${name(o)}`),
    },
  };
}

/**
 * Passes calls through, except that `pause()` cuts the open watches and holds new lists and
 * watches until `resume()`: the informer is disconnected while the test changes things. It
 * records list and watch requests and the 410s the informer was answered.
 */
class GatedClient implements ApiClient {
  readonly lists: ClientListOptions[] = [];
  readonly watches: ClientWatchOptions[] = [];
  readonly expired: unknown[] = [];
  private gate: Promise<void> | undefined;
  private release: (() => void) | undefined;
  private readonly open = new Set<ClientWatch>();

  constructor(private readonly inner: ApiClient) {}

  pause(): void {
    this.gate = new Promise((r) => (this.release = r));
    for (const w of this.open) w.close();
    this.open.clear();
  }

  resume(): void {
    this.gate = undefined;
    this.release?.();
  }

  get = (g: Gvr, ns: string, name: string) => this.inner.get(g, ns, name);
  create: ApiClient['create'] = (...a) => this.inner.create(...a);
  update: ApiClient['update'] = (...a) => this.inner.update(...a);
  patch: ApiClient['patch'] = (...a) => this.inner.patch(...a);
  delete: ApiClient['delete'] = (...a) => this.inner.delete(...a);

  async list(g: Gvr, ns: string, opts: ClientListOptions = {}): Promise<KubeList> {
    while (this.gate) await this.gate;
    this.lists.push(opts);
    return this.inner.list(g, ns, opts);
  }

  async watch(g: Gvr, ns: string, opts: ClientWatchOptions = {}): Promise<ClientWatch> {
    while (this.gate) await this.gate;
    this.watches.push(opts);
    let w: ClientWatch;
    try {
      w = await this.inner.watch(g, ns, opts);
    } catch (e: unknown) {
      if (isExpired(e)) this.expired.push(e);
      throw e;
    }
    this.open.add(w);
    const self = this;
    return {
      close: () => {
        self.open.delete(w);
        w.close();
      },
      async *[Symbol.asyncIterator]() {
        try {
          for await (const ev of w) {
            if (ev.type === 'ERROR' && (ev.object as { code?: number }).code === 410) self.expired.push(ev.object);
            yield ev;
          }
        } catch (e: unknown) {
          if (isExpired(e)) self.expired.push(e);
          throw e;
        } finally {
          self.open.delete(w);
        }
      },
    };
  }
}

function informerSuite(transport: string, make: (c: TestCluster) => ApiClient) {
  describe(`shared informers over ${transport}`, () => {
    let c: TestCluster;
    let api: ApiClient;
    let writer: ApiClient;
    before(async () => {
      c = await startTestCluster();
      api = make(c);
      writer = new InProcessClient(c.server.registry, admin, realClock);
    });
    after(async () => {
      await c.stop();
    });

    it('syncs, then sees adds, updates and deletes in order', async () => {
      const ns = 'inf-order';
      await writer.create(NS, '', { metadata: { name: ns } });
      for (const n of ['a', 'b', 'c']) await writer.create(CM, ns, { metadata: { name: n }, data: { v: '0' } });
      const factory = new SharedInformerFactory({ client: api, backoff: fastBackoff });
      const inf = factory.informerFor(CM, { namespace: ns });
      const { log, handler } = recorder();
      inf.addEventHandler(handler);
      const ac = new AbortController();
      factory.start(ac.signal);
      assert.equal(await factory.waitForCacheSync(), true);
      assert.deepEqual(log, ['add a (initial)', 'add b (initial)', 'add c (initial)']);
      await api.update(CM, ns, { ...(await api.get(CM, ns, 'a')), data: { v: '1' } });
      await api.create(CM, ns, { metadata: { name: 'd' }, data: { v: '0' } });
      await api.delete(CM, ns, 'b');
      await api.patch(CM, ns, 'a', 'merge', { data: { v: '2' } });
      await api.delete(CM, ns, 'd');
      await until(() => log.length === 8, 'five events');
      assert.deepEqual(log.slice(3), [
        'update a {"v":"0"} -> {"v":"1"}',
        'add d',
        'delete b',
        'update a {"v":"1"} -> {"v":"2"}',
        'delete d',
      ]);
      const lister = inf.lister();
      assert.deepEqual(lister.namespace(ns).list().map((o) => o.metadata?.name).sort(), ['a', 'c']);
      assert.deepEqual(lister.get(ns, 'a')?.data, { v: '2' });
      // A second informer for the same scope is the same one.
      assert.equal(factory.informerFor(CM, { namespace: ns }), inf);
      // A late handler gets the current state.
      const late = recorder();
      inf.addEventHandler(late.handler);
      assert.deepEqual(late.log.sort(), ['add a (initial)', 'add c (initial)']);
      ac.abort();
      await factory.shutdown();
    });

    it('survives a 410 by relisting in pages, with missed deletions as tombstones', async () => {
      const ns = 'inf-410';
      await writer.create(NS, '', { metadata: { name: ns } });
      for (const n of ['same', 'changed', 'gone', 'x1', 'x2']) await writer.create(CM, ns, { metadata: { name: n }, data: { v: '0' } });
      const gated = new GatedClient(api);
      const factory = new SharedInformerFactory({ client: gated, backoff: fastBackoff, pageSize: 2 });
      const inf = factory.informerFor(CM, { namespace: ns });
      const { log, handler } = recorder();
      inf.addEventHandler(handler);
      const ac = new AbortController();
      factory.start(ac.signal);
      assert.equal(await factory.waitForCacheSync(), true);
      await writer.create(CM, ns, { metadata: { name: 'seen' } });
      await until(() => log.includes('add seen'), 'a live event');
      log.length = 0;

      // Disconnected: changes happen, then more writes than the watch cache holds (10,000
      // events) push the informer's position out of it.
      gated.pause();
      await writer.patch(CM, ns, 'changed', 'merge', { data: { v: '1' } });
      await writer.delete(CM, ns, 'gone');
      await writer.create(CM, ns, { metadata: { name: 'new' } });
      await writer.create(CM, 'default', { metadata: { name: 'churn' }, data: { i: '0' } });
      for (let i = 1; i <= 10_001; i++) await writer.patch(CM, 'default', 'churn', 'merge', { data: { i: String(i) } });
      const listsBefore = gated.lists.length;
      gated.resume();

      await until(() => log.length === 3, 'the relist deltas');
      assert.ok(gated.expired.length >= 1, 'the re-watch was answered 410');
      assert.deepEqual(log.sort(), ['add new', `delete tombstone ${ns}/gone`, 'update changed {"v":"0"} -> {"v":"1"}']);
      const relists = gated.lists.slice(listsBefore);
      assert.equal(relists[0]!.resourceVersion, undefined, 'after a 410 the relist reads the latest state');
      assert.equal(relists[0]!.limit, 2);
      assert.ok(relists.slice(1).some((o) => o.continue), 'the relist was paged');
      const server = await api.list(CM, ns);
      assert.deepEqual(inf.indexer.listKeys().sort(), server.items.map((o) => `${ns}/${o.metadata?.name}`).sort());
      // And it is watching again.
      await writer.create(CM, ns, { metadata: { name: 'after' } });
      await until(() => log.includes('add after'), 'an event after the relist');
      ac.abort();
      await factory.shutdown();
    });
  });
}

informerSuite('the in-process client', (c) => new InProcessClient(c.server.registry, admin, realClock));
informerSuite('HTTPS', (c) => new HttpClient(c.client));

describe('shared informers across a server restart (sqlite, same data dir and port)', () => {
  it('keeps the cache correct after reconnecting', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'k8ts-it-restart-'));
    let server = await startServer({ dataDir, datastore: 'sqlite', port: 0 });
    const port = Number(new URL(server.url).port);
    const rest = new RestClient(loadKubeconfig(server.kubeconfigPath));
    const api = new HttpClient(rest);
    try {
      const ns = 'restart';
      await api.create(NS, '', { metadata: { name: ns } });
      for (const n of ['keep', 'change', 'remove']) await api.create(CM, ns, { metadata: { name: n }, data: { v: '0' } });
      const factory = new SharedInformerFactory({ client: api, backoff: fastBackoff });
      const inf = factory.informerFor(CM, { namespace: ns });
      const { log, handler } = recorder();
      inf.addEventHandler(handler);
      const ac = new AbortController();
      factory.start(ac.signal);
      assert.equal(await factory.waitForCacheSync(), true);
      log.length = 0;
      const rvBefore = inf.lastSyncResourceVersion();

      await server.stop();
      server = await startServer({ dataDir, datastore: 'sqlite', port });
      await api.patch(CM, ns, 'change', 'merge', { data: { v: '1' } });
      await api.delete(CM, ns, 'remove');
      await api.create(CM, ns, { metadata: { name: 'added' } });

      await until(() => log.length === 3, 'the changes after the restart');
      assert.deepEqual(
        log.map((l) => l.replace(/^delete (tombstone )?(restart\/)?/, 'delete ')).sort(),
        ['add added', 'delete remove', 'update change {"v":"0"} -> {"v":"1"}'],
      );
      const server2 = await api.list(CM, ns);
      assert.deepEqual(inf.indexer.listKeys().sort(), server2.items.map((o) => `${ns}/${o.metadata?.name}`).sort());
      assert.deepEqual(inf.indexer.getByKey(`${ns}/change`)?.data, { v: '1' });
      assert.ok(Number(inf.lastSyncResourceVersion()) > Number(rvBefore), 'resourceVersions continue across the restart');
      ac.abort();
      await factory.shutdown();
    } finally {
      rest.close();
      await server.stop();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});

