import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { KubeObject } from '../apimachinery/types.js';
import { FakeClock } from '../util/clock.js';
import { gvr, type ClientListOptions, type ClientWatchOptions } from './api-client.js';
import { FakeApiClient } from './fake-api-client.js';
import type { DeletedFinalStateUnknown, ReflectorStore } from './indexer.js';
import { Reflector } from './reflector.js';

const CM = gvr('v1', 'configmaps');

class RecordingStore implements ReflectorStore {
  ops: string[] = [];
  state = new Map<string, KubeObject>();
  replace(items: KubeObject[], rv: string): void {
    this.ops.push(`replace(${items.map((i) => i.metadata?.name).join(',')})@${rv}`);
    this.state = new Map(items.map((i) => [i.metadata!.name!, i]));
  }
  add(obj: KubeObject): void {
    this.ops.push(`add ${obj.metadata?.name}`);
    this.state.set(obj.metadata!.name!, obj);
  }
  update(obj: KubeObject): void {
    this.ops.push(`update ${obj.metadata?.name}`);
    this.state.set(obj.metadata!.name!, obj);
  }
  delete(obj: KubeObject | DeletedFinalStateUnknown): void {
    const name = (obj as KubeObject).metadata?.name ?? '';
    this.ops.push(`delete ${name}`);
    this.state.delete(name);
  }
}

async function until(cond: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 2000; i++) {
    if (cond()) return;
    await new Promise((r) => setImmediate(r));
  }
  assert.fail(`timed out waiting for ${what}`);
}

function setup(opts: { pageSize?: number } = {}) {
  const clock = new FakeClock();
  const api = new FakeApiClient({ clock });
  const store = new RecordingStore();
  const r = new Reflector({ client: api, gvr: CM, store, clock, pageSize: opts.pageSize ?? 500, random: () => 0 });
  const ac = new AbortController();
  return { clock, api, store, r, ac };
}

const mk = (api: FakeApiClient, name: string, data: Record<string, string> = {}) =>
  api.create(CM, 'default', { metadata: { name }, data });

const listCalls = (api: FakeApiClient) => api.calls.filter((c) => c.verb === 'list').map((c) => c.opts as ClientListOptions);
const watchCalls = (api: FakeApiClient) => api.calls.filter((c) => c.verb === 'watch').map((c) => c.opts as ClientWatchOptions);

describe('Reflector', () => {
  it('lists in pages, then watches from the list resourceVersion with bookmarks, in order', async () => {
    const { api, store, r, ac } = setup({ pageSize: 2 });
    for (const n of ['a', 'b', 'c', 'd', 'e']) await mk(api, n);
    const listRv = api.resourceVersion;
    const running = r.run(ac.signal);
    await until(() => api.watchCount(CM) === 1, 'the watch');
    assert.deepEqual(store.ops, [`replace(a,b,c,d,e)@${listRv}`]);
    const lists = listCalls(api);
    assert.equal(lists.length, 3, 'three pages of two');
    assert.equal(lists[0]!.resourceVersion, '0', 'the first list may be served from cache');
    assert.ok(lists[1]!.continue && lists[2]!.continue);
    const w = watchCalls(api)[0]!;
    assert.equal(w.resourceVersion, listRv);
    assert.equal(w.allowWatchBookmarks, true);
    assert.ok(w.timeoutSeconds! >= 300 && w.timeoutSeconds! < 600);

    await api.update(CM, 'default', { metadata: { name: 'a' }, data: { x: '1' } });
    await mk(api, 'f');
    await api.delete(CM, 'default', 'b');
    await until(() => store.ops.length === 4, 'three events');
    assert.deepEqual(store.ops.slice(1), ['update a', 'add f', 'delete b']);
    assert.equal(r.lastSyncResourceVersion(), api.resourceVersion);

    // A bookmark advances the resourceVersion without touching the store.
    await api.create(gvr('v1', 'secrets'), 'default', { metadata: { name: 's' } });
    api.sendBookmarks(CM);
    await until(() => r.lastSyncResourceVersion() === api.resourceVersion, 'the bookmark');
    assert.equal(store.ops.length, 4);
    ac.abort();
    await running;
    assert.equal(api.watchCount(CM), 0, 'the watch is closed on abort');
  });

  it('falls back to a full list when a continue token expires', async () => {
    const { api, store, r, ac } = setup({ pageSize: 2 });
    for (const n of ['a', 'b', 'c']) await mk(api, n);
    let pages = 0;
    api.onCall = (a) => {
      // The second page finds the token of the first one expired.
      if (a.verb === 'list' && pages++ === 1) api.expireContinueTokens();
    };
    const running = r.run(ac.signal);
    await until(() => api.watchCount(CM) === 1, 'the watch');
    const lists = listCalls(api);
    assert.equal(lists.length, 3);
    assert.ok(lists[1]!.continue, 'the continue page failed');
    assert.equal(lists[2]!.continue, undefined);
    assert.equal(lists[2]!.limit, undefined, 'the fallback is one full list');
    assert.deepEqual([...store.state.keys()].sort(), ['a', 'b', 'c']);
    ac.abort();
    await running;
  });

  it('relists after a 410 ERROR event, asking for the latest state', async () => {
    const { clock, api, store, r, ac } = setup();
    await mk(api, 'a');
    const running = r.run(ac.signal);
    await until(() => api.watchCount(CM) === 1, 'the watch');
    api.sendWatchError(CM, { code: 410, reason: 'Expired', message: 'too old resource version: 1 (5)' });
    await api.delete(CM, 'default', 'a');
    await mk(api, 'b');
    await until(() => clock.pendingTimers() > 0, 'the backoff');
    await clock.advance(800);
    await until(() => api.watchCount(CM) === 1, 'the new watch');
    const lists = listCalls(api);
    assert.equal(lists.length, 2);
    assert.equal(lists[1]!.resourceVersion, undefined, 'after a 410: a consistent read of the latest state');
    assert.deepEqual([...store.state.keys()], ['b']);
    assert.equal(store.ops.at(-1), `replace(b)@${api.resourceVersion}`);
    ac.abort();
    await running;
  });

  it('relists when the watch request itself answers 410', async () => {
    const { clock, api, store, r, ac } = setup();
    await mk(api, 'a');
    const running = r.run(ac.signal);
    await until(() => api.watchCount(CM) === 1, 'the watch');
    await mk(api, 'b');
    await until(() => store.state.has('b'), 'b');
    // While the reflector is between watches, more happens and the server drops its history:
    // re-watching from our position must fail.
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    api.onCall = (a) => (a.verb === 'watch' ? gate : undefined);
    api.endWatches(CM);
    await until(() => watchCalls(api).length === 2, 'the re-watch');
    await mk(api, 'c');
    api.compactHistory();
    release();
    await until(() => clock.pendingTimers() > 0, 'the backoff');
    assert.equal(api.watchCount(CM), 0, 'the re-watch was answered 410');
    await clock.advance(800);
    await until(() => api.watchCount(CM) === 1, 'the new watch');
    assert.deepEqual([...store.state.keys()].sort(), ['a', 'b', 'c']);
    const lists = listCalls(api);
    assert.equal(lists.length, 2);
    assert.equal(lists[1]!.resourceVersion, undefined);
    ac.abort();
    await running;
  });

  it('re-watches from the last resourceVersion (no relist) when the server ends a watch normally', async () => {
    const { clock, api, store, r, ac } = setup();
    const running = r.run(ac.signal);
    await until(() => api.watchCount(CM) === 1, 'the watch');
    await mk(api, 'a');
    await until(() => store.state.has('a'), 'a');
    await clock.advance(5000); // not a "very short" watch
    api.endWatches(CM);
    await mk(api, 'b');
    await until(() => store.state.has('b'), 'b replayed on the new watch');
    assert.equal(listCalls(api).length, 1);
    const ws = watchCalls(api);
    assert.equal(ws.length, 2);
    assert.equal(ws[1]!.resourceVersion, String(Number(api.resourceVersion) - 1));
    ac.abort();
    await running;
  });

  it('retries failing lists with jittered exponential backoff on the injected clock', async () => {
    const clock = new FakeClock();
    const api = new FakeApiClient({ clock });
    const store = new RecordingStore();
    // random 0.5 with jitter 1.0: every delay is 1.5 times the un-jittered one.
    const r = new Reflector({ client: api, gvr: CM, store, clock, random: () => 0.5 });
    const ac = new AbortController();
    const attempts: number[] = [];
    let failing = true;
    api.onCall = (a) => {
      if (a.verb !== 'list') return;
      attempts.push(clock.now());
      if (failing) throw new Error('connection refused');
    };
    await mk(api, 'a');
    const running = r.run(ac.signal);
    await until(() => clock.pendingTimers() > 0, 'the first backoff');
    for (let i = 0; i < 1000 && attempts.length < 5; i++) await clock.advance(100);
    const gaps = attempts.slice(1).map((t, i) => t - attempts[i]!);
    assert.deepEqual(gaps, [1200, 2400, 4800, 9600], '800 ms doubling, times 1.5');
    failing = false;
    for (let i = 0; i < 1000 && api.watchCount(CM) === 0; i++) await clock.advance(100);
    assert.equal(api.watchCount(CM), 1);
    assert.deepEqual([...store.state.keys()], ['a']);
    ac.abort();
    await running;
  });

  it('ends promptly on abort even while a list is in flight', async () => {
    const { api, r, ac } = setup();
    api.onCall = () => new Promise(() => {});
    const running = r.run(ac.signal);
    await until(() => api.calls.length === 1, 'the list call');
    ac.abort();
    await running;
  });
});
