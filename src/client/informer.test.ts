import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { KubeObject } from '../apimachinery/types.js';
import { FakeClock } from '../util/clock.js';
import { gvr } from './api-client.js';
import { FakeApiClient } from './fake-api-client.js';
import { isTombstone, type DeletedFinalStateUnknown } from './indexer.js';
import { SharedInformerFactory } from './informer-factory.js';
import { SharedInformer, type ResourceEventHandler } from './informer.js';

const CM = gvr('v1', 'configmaps');
const PODS = gvr('v1', 'pods');

async function until(cond: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 2000; i++) {
    if (cond()) return;
    await new Promise((r) => setImmediate(r));
  }
  assert.fail(`timed out waiting for ${what}`);
}

/** A handler that logs what it is told as compact strings. */
function recorder(): { log: string[]; handler: ResourceEventHandler } {
  const log: string[] = [];
  const name = (o: KubeObject | DeletedFinalStateUnknown) =>
    isTombstone(o) ? `tombstone:${o.key}` : `${o.metadata?.name}@${o.metadata?.resourceVersion}`;
  return {
    log,
    handler: {
      onAdd: (o, initial) => log.push(`add ${name(o)}${initial ? ' (initial)' : ''}`),
      onUpdate: (a, b) => log.push(a === b ? `sync ${name(b)}` : `update ${name(a)} -> ${name(b)}`),
      onDelete: (o) => log.push(`delete ${name(o)}`),
    },
  };
}

function setup(extra: Partial<ConstructorParameters<typeof SharedInformer>[0]> = {}) {
  const clock = new FakeClock();
  const api = new FakeApiClient({ clock });
  const inf = new SharedInformer({ client: api, gvr: CM, clock, random: () => 0, ...extra });
  const ac = new AbortController();
  return { clock, api, inf, ac };
}

const mk = (api: FakeApiClient, name: string, data: Record<string, string> = {}) => api.create(CM, 'default', { metadata: { name }, data });
const put = (api: FakeApiClient, name: string, data: Record<string, string>) => api.update(CM, 'default', { metadata: { name }, data });

describe('SharedInformer', () => {
  it('syncs, then delivers adds, updates and deletes in order after the cache has them', async () => {
    const { api, inf, ac } = setup();
    await mk(api, 'a');
    await mk(api, 'b');
    const { log, handler } = recorder();
    const cacheAtCall: string[] = [];
    inf.addEventHandler(handler);
    inf.addEventHandler({ onUpdate: (_o, n) => cacheAtCall.push(JSON.stringify(inf.indexer.getByKey(`default/${n.metadata?.name}`)?.data)) });
    assert.equal(inf.hasSynced(), false);
    const running = inf.run(ac.signal);
    assert.equal(await inf.waitForSync(), true);
    assert.deepEqual(log, ['add a@1 (initial)', 'add b@2 (initial)']);
    await put(api, 'a', { v: '1' });
    await mk(api, 'c');
    await api.delete(CM, 'default', 'b');
    await put(api, 'a', { v: '2' });
    await until(() => log.length === 6, 'four events');
    assert.deepEqual(log.slice(2), ['update a@1 -> a@3', 'add c@4', 'delete b@5', 'update a@3 -> a@6']);
    assert.deepEqual(cacheAtCall, ['{"v":"1"}', '{"v":"2"}'], 'the cache is updated before handlers run');
    assert.deepEqual(inf.indexer.listKeys().sort(), ['default/a', 'default/c']);
    assert.equal(inf.lastSyncResourceVersion(), '6');
    ac.abort();
    await running;
    assert.equal(inf.isStopped, true);
    assert.throws(() => inf.addEventHandler(handler), /stopped/);
  });

  it('an empty collection syncs too', async () => {
    const { inf, ac } = setup();
    const running = inf.run(ac.signal);
    assert.equal(await inf.waitForSync(), true);
    ac.abort();
    await running;
  });

  it('gives a late handler the current state as adds, then the changes that follow', async () => {
    const { api, inf, ac } = setup();
    await mk(api, 'a');
    const running = inf.run(ac.signal);
    await inf.waitForSync();
    await mk(api, 'b');
    await until(() => inf.indexer.size === 2, 'b cached');
    const { log, handler } = recorder();
    const reg = inf.addEventHandler(handler);
    assert.deepEqual(log.sort(), ['add a@1 (initial)', 'add b@2 (initial)']);
    assert.equal(reg.hasSynced(), true);
    await api.delete(CM, 'default', 'a');
    await until(() => log.length === 3, 'the delete');
    assert.equal(log[2], 'delete a@3');
    reg.remove();
    assert.equal(reg.hasSynced(), false);
    await mk(api, 'c');
    await until(() => inf.indexer.size === 2, 'c cached');
    assert.equal(log.length, 3, 'a removed handler hears nothing more');
    ac.abort();
    await running;
  });

  it('a handler added from inside another handler sees each object exactly once', async () => {
    const { api, inf, ac } = setup();
    const running = inf.run(ac.signal);
    await inf.waitForSync();
    const late = recorder();
    inf.addEventHandler({ onAdd: (o) => (o.metadata?.name === 'a' ? inf.addEventHandler(late.handler) : undefined) });
    await mk(api, 'a');
    await mk(api, 'b');
    await until(() => late.log.length === 2, 'late handler events');
    assert.deepEqual(late.log, ['add a@1 (initial)', 'add b@2']);
    ac.abort();
    await running;
  });

  it('keeps going when handlers throw or reject', async () => {
    const { api, inf, ac } = setup();
    const { log, handler } = recorder();
    inf.addEventHandler({
      onAdd: () => {
        throw new Error('handler bug');
      },
      onUpdate: async () => {
        throw new Error('async handler bug');
      },
    });
    inf.addEventHandler(handler);
    const running = inf.run(ac.signal);
    await inf.waitForSync();
    await mk(api, 'a');
    await put(api, 'a', { x: '1' });
    await mk(api, 'b');
    await until(() => log.length === 3, 'events after failures');
    assert.deepEqual(log, ['add a@1', 'update a@1 -> a@2', 'add b@3']);
    ac.abort();
    await running;
  });

  it('after a 410 relist: missed deletions arrive as tombstones, changes as updates, unchanged objects stay quiet', async () => {
    const { clock, api, inf, ac } = setup();
    await mk(api, 'same');
    await mk(api, 'changed');
    await mk(api, 'deleted');
    const { log, handler } = recorder();
    inf.addEventHandler(handler);
    const running = inf.run(ac.signal);
    await inf.waitForSync();
    log.length = 0;
    // The watch breaks; meanwhile things change and the server forgets the history.
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    api.onCall = (a) => (a.verb === 'watch' ? gate : undefined);
    api.sendWatchError(CM, { code: 410, reason: 'Expired', message: 'too old resource version' });
    await put(api, 'changed', { v: '2' });
    await api.delete(CM, 'default', 'deleted');
    await mk(api, 'new');
    api.compactHistory();
    await until(() => clock.pendingTimers() > 0, 'the relist backoff');
    await clock.advance(800);
    release();
    await until(() => log.length === 3, 'the relist deltas');
    assert.deepEqual(log.sort(), ['add new@6', 'delete tombstone:default/deleted', 'update changed@2 -> changed@4']);
    assert.deepEqual(inf.indexer.listKeys().sort(), ['default/changed', 'default/new', 'default/same']);
    ac.abort();
    await running;
  });

  it('resyncs: onUpdate(obj, obj) for every cached object per handler period', async () => {
    const { clock, api, inf, ac } = setup({ resyncPeriodMs: 10_000 });
    await mk(api, 'a');
    const every10 = recorder();
    const every30 = recorder();
    const never = recorder();
    inf.addEventHandler(every10.handler);
    inf.addEventHandler(every30.handler, { resyncPeriodMs: 30_000 });
    inf.addEventHandler(never.handler, { resyncPeriodMs: 0 });
    const running = inf.run(ac.signal);
    await inf.waitForSync();
    for (let i = 0; i < 3; i++) {
      await clock.advance(10_000);
      await until(() => every10.log.length === 2 + i, 'a resync');
    }
    assert.deepEqual(every10.log, ['add a@1 (initial)', 'sync a@1', 'sync a@1', 'sync a@1']);
    assert.deepEqual(every30.log, ['add a@1 (initial)', 'sync a@1']);
    assert.deepEqual(never.log, ['add a@1 (initial)']);
    ac.abort();
    await running;
  });

  it('applies the transform before caching and indexes with custom indexers', async () => {
    const { api, inf, ac } = setup({
      transform: (o) => ({ ...o, metadata: { ...o.metadata, managedFields: undefined, annotations: { seen: 'yes' } } }),
      indexers: { byData: (o) => Object.keys((o.data as Record<string, string>) ?? {}) },
    });
    await api.create(CM, 'default', { metadata: { name: 'a', managedFields: [{ manager: 'x' }] }, data: { k1: 'v' } });
    const running = inf.run(ac.signal);
    await inf.waitForSync();
    const cached = inf.indexer.getByKey('default/a')!;
    assert.equal(cached.metadata?.managedFields, undefined);
    assert.equal(cached.metadata?.annotations?.seen, 'yes');
    assert.deepEqual(inf.indexer.indexKeys('byData', 'k1'), ['default/a']);
    assert.equal(inf.lister().namespace('default').get('a')?.metadata?.name, 'a');
    ac.abort();
    await running;
  });

  it('waitForSync resolves false when aborted before syncing', async () => {
    const { api, inf, ac } = setup();
    api.onCall = () => new Promise(() => {});
    const running = inf.run(ac.signal);
    const waiter = new AbortController();
    const p = inf.waitForSync(waiter.signal);
    waiter.abort();
    assert.equal(await p, false);
    const q = inf.waitForSync();
    ac.abort();
    await running;
    assert.equal(await q, false, 'stopping releases waiters');
  });
});

describe('SharedInformerFactory', () => {
  it('shares one informer per resource and scope, starts late ones, waits for all', async () => {
    const clock = new FakeClock();
    const api = new FakeApiClient({ clock });
    await mk(api, 'a');
    await api.create(PODS, 'kube-system', { metadata: { name: 'p' } });
    const f = new SharedInformerFactory({ client: api, clock, random: () => 0 });
    const cms = f.informerFor(CM);
    assert.equal(f.informerFor(CM), cms);
    assert.notEqual(f.informerFor(CM, { namespace: 'default' }), cms);
    assert.notEqual(f.informerFor(CM, { labelSelector: 'x=y' }), cms);
    const withIndex = f.informerFor(CM, { indexers: { byName: (o) => [o.metadata?.name ?? ''] } });
    assert.equal(withIndex, cms);
    assert.ok('byName' in cms.indexer.getIndexers(), 'a later request adds its indexers');
    assert.equal(cms.isStarted, false, 'nothing starts before start()');
    const ac = new AbortController();
    f.start(ac.signal);
    assert.equal(await f.waitForCacheSync(), true);
    assert.equal(cms.indexer.size, 1);
    const pods = f.informerFor(PODS, { namespace: 'kube-system' });
    assert.equal(pods.isStarted, true, 'informers requested after start run at once');
    assert.equal(await f.waitForCacheSync(), true);
    assert.deepEqual(pods.indexer.listKeys(), ['kube-system/p']);
    assert.equal(api.calls.filter((c) => c.verb === 'watch').length, 4, 'one watch per informer');
    ac.abort();
    await f.shutdown();
    assert.ok(f.list().every((i) => i.isStopped));
  });
});
