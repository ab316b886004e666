import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startTestCluster, type TestCluster } from '../helpers/cluster.js';

type Obj = Record<string, any>;
const NS = '/api/v1/namespaces';

async function collect(c: TestCluster, path: string, n: number, timeoutMs = 5000): Promise<Obj[]> {
  const ac = new AbortController();
  const timer = setTimeout(() => ac.abort(), timeoutMs);
  const out: Obj[] = [];
  try {
    for await (const e of c.client.stream<Obj>({ path, signal: ac.signal })) {
      out.push(e);
      if (out.length >= n) break;
    }
  } catch (e: unknown) {
    if (!ac.signal.aborted) throw e;
  } finally {
    clearTimeout(timer);
    ac.abort();
  }
  return out;
}

describe('apiserver: list and watch', () => {
  let c: TestCluster;
  before(async () => {
    c = await startTestCluster();
    await c.req('POST', NS, { metadata: { name: 'lw' } });
    for (let i = 0; i < 12; i++) {
      await c.req('POST', `${NS}/lw/configmaps`, {
        metadata: { name: `cm-${String(i).padStart(2, '0')}`, labels: { parity: i % 2 ? 'odd' : 'even', idx: String(i) } },
      });
    }
  });
  after(async () => {
    await c.stop();
  });

  it('filters by label selectors (equality and set-based) and field selectors', async () => {
    const list = async (q: string) => (await c.req('GET', `${NS}/lw/configmaps?${q}`)).json<Obj>().items.map((i: Obj) => i.metadata.name);
    assert.equal((await list('labelSelector=parity%3Deven')).length, 6);
    assert.deepEqual(await list('labelSelector=idx%20in%20(1,3)'), ['cm-01', 'cm-03']);
    assert.equal((await list('labelSelector=parity!%3Deven')).length, 6);
    assert.equal((await list('labelSelector=!idx')).length, 0);
    assert.deepEqual(await list('fieldSelector=metadata.name%3Dcm-05'), ['cm-05']);
    const bad = await c.req('GET', `${NS}/lw/configmaps?fieldSelector=spec.foo%3Dx`);
    assert.equal(bad.status, 400);
    assert.equal(bad.json<Obj>().message, 'field label not supported: spec.foo');
  });

  it('pages with limit and continue over a consistent snapshot, with remainingItemCount', async () => {
    const first = (await c.req('GET', `${NS}/lw/configmaps?limit=5`)).json<Obj>();
    assert.equal(first.items.length, 5);
    assert.equal(first.metadata.remainingItemCount, 7);
    assert.ok(first.metadata.continue);
    await c.req('POST', `${NS}/lw/configmaps`, { metadata: { name: 'cm-03a' } });
    const names = first.items.map((i: Obj) => i.metadata.name);
    let cont = first.metadata.continue;
    while (cont) {
      const page = (await c.req('GET', `${NS}/lw/configmaps?limit=5&continue=${encodeURIComponent(cont)}`)).json<Obj>();
      assert.equal(page.metadata.resourceVersion, first.metadata.resourceVersion);
      names.push(...page.items.map((i: Obj) => i.metadata.name));
      cont = page.metadata.continue;
    }
    assert.equal(names.length, 12, 'the object created between pages is not in this list');
    await c.req('DELETE', `${NS}/lw/configmaps/cm-03a`);
    const badToken = await c.req('GET', `${NS}/lw/configmaps?limit=5&continue=garbage`);
    assert.equal(badToken.status, 400);
  });

  it('lists across namespaces and as a table', async () => {
    const all = (await c.req('GET', '/api/v1/configmaps')).json<Obj>();
    assert.equal(all.kind, 'ConfigMapList');
    assert.ok(all.items.length >= 12);
    const table = await c.req('GET', `${NS}/lw/configmaps`, undefined, { accept: 'application/json;as=Table;v=v1;g=meta.k8s.io' });
    const t = table.json<Obj>();
    assert.equal(t.kind, 'Table');
    assert.equal(t.rows.length, 12);
    assert.equal(t.columnDefinitions[0].name, 'Name');
    assert.equal(t.rows[0].object.kind, 'PartialObjectMetadata');
  });

  it('watches from now with initial ADDED events, then live changes, filtered by labels', async () => {
    const w = collect(c, `${NS}/lw/configmaps?watch=true&labelSelector=parity%3Deven`, 8);
    await new Promise((r) => setTimeout(r, 100));
    const cm = (await c.req('GET', `${NS}/lw/configmaps/cm-00`)).json<Obj>();
    await c.req('PUT', `${NS}/lw/configmaps/cm-00`, { ...cm, data: { x: '1' } });
    // Moving out of the selection is a DELETED for this watcher.
    await c.req('PATCH', `${NS}/lw/configmaps/cm-02`, { metadata: { labels: { parity: 'odd' } } }, { contentType: 'application/merge-patch+json' });
    const events = await w;
    assert.deepEqual(
      events.map((e) => `${e.type} ${e.object.metadata.name}`),
      ['ADDED cm-00', 'ADDED cm-02', 'ADDED cm-04', 'ADDED cm-06', 'ADDED cm-08', 'ADDED cm-10', 'MODIFIED cm-00', 'DELETED cm-02'],
    );
    await c.req('PATCH', `${NS}/lw/configmaps/cm-02`, { metadata: { labels: { parity: 'even' } } }, { contentType: 'application/merge-patch+json' });
  });

  it('resumes a watch from a resourceVersion, replaying what happened after it', async () => {
    const list = (await c.req('GET', `${NS}/lw/configmaps`)).json<Obj>();
    const rv = list.metadata.resourceVersion;
    await c.req('POST', `${NS}/lw/configmaps`, { metadata: { name: 'later-1' } });
    await c.req('DELETE', `${NS}/lw/configmaps/later-1`);
    const events = await collect(c, `${NS}/lw/configmaps?watch=1&resourceVersion=${rv}`, 2);
    assert.deepEqual(
      events.map((e) => `${e.type} ${e.object.metadata.name}`),
      ['ADDED later-1', 'DELETED later-1'],
    );
    assert.ok(Number(events[1]!.object.metadata.resourceVersion) > Number(events[0]!.object.metadata.resourceVersion));
  });

  it('sends bookmarks, and the initial-events-end bookmark for sendInitialEvents', async () => {
    const events = await collect(
      c,
      `${NS}/lw/configmaps?watch=1&sendInitialEvents=true&resourceVersionMatch=NotOlderThan&allowWatchBookmarks=true&labelSelector=idx%3D1`,
      2,
    );
    assert.equal(events[0]!.type, 'ADDED');
    assert.equal(events[1]!.type, 'BOOKMARK');
    assert.equal(events[1]!.object.metadata.annotations['k8s.io/initial-events-end'], 'true');
  });

  it('ends a watch after timeoutSeconds', async () => {
    const t0 = Date.now();
    const events = await collect(c, `${NS}/lw/configmaps?watch=1&resourceVersion=0&timeoutSeconds=1&labelSelector=idx%3D1`, 100, 10_000);
    assert.equal(events.length, 1);
    assert.ok(Date.now() - t0 < 5000);
  });

  it('refuses contradictory list options', async () => {
    const r = await c.req('GET', `${NS}/lw/configmaps?resourceVersionMatch=Exact`);
    assert.equal(r.status, 422);
  });
});
