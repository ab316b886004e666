/**
 * The Store conformance suite: one set of behaviours, run against every implementation
 * (memory, sqlite, etcd). Tests only assume what the Store interface promises; they never
 * assume a fresh revision counter (etcd is shared between tests), only relative steps.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import {
  isCompacted,
  isConflict,
  isFutureRevision,
  isKeyExists,
  isKeyNotFound,
  isWatchOverflow,
  isStorageError,
  type Store,
  type WatchEvent,
  type Watcher,
} from '../../src/storage/index.js';

export interface StoreFixture {
  store: Store;
  cleanup(): Promise<void>;
}

const enc = (s: string) => new TextEncoder().encode(s);
const dec = (b: Uint8Array) => new TextDecoder().decode(b);

let unique = 0;
/** A key prefix no other test uses. */
const ns = () => `/registry/t${process.pid}-${Date.now().toString(36)}-${unique++}/`;

/** Collects events from a watcher until `n` arrive (or the timeout passes). */
async function take(w: Watcher, n: number, timeoutMs = 5000): Promise<WatchEvent[]> {
  const out: WatchEvent[] = [];
  const it = w[Symbol.asyncIterator]();
  const deadline = Date.now() + timeoutMs;
  while (out.length < n) {
    const left = deadline - Date.now();
    if (left <= 0) break;
    const r = await nextOrTimeout(it, left);
    if (r === 'timeout' || r.done) break;
    out.push(r.value);
  }
  return out;
}

/** Next item from an iterator, or 'timeout'. */
async function nextOrTimeout<T>(it: AsyncIterator<T>, ms: number): Promise<IteratorResult<T> | 'timeout'> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([it.next(), new Promise<'timeout'>((r) => (timer = setTimeout(() => r('timeout'), ms)))]);
  } finally {
    clearTimeout(timer);
  }
}

async function rejects(p: Promise<unknown>, pred: (e: unknown) => boolean, what: string): Promise<unknown> {
  try {
    await p;
  } catch (e: unknown) {
    assert.ok(pred(e), `expected ${what}, got ${String(e)}`);
    return e;
  }
  assert.fail(`expected ${what}, but the call succeeded`);
}

const summary = (e: WatchEvent) =>
  e.type === 'progress' ? `progress@${e.revision}` : `${e.type} ${e.kv.key.split('/').pop()}=${dec(e.kv.value)}@${e.kv.modRevision}`;

export function storeConformance(name: string, open: () => Promise<StoreFixture>): void {
  describe(`Store conformance: ${name}`, () => {
    let fx: StoreFixture;
    let s: Store;
    before(async () => {
      fx = await open();
      s = fx.store;
    });
    after(async () => {
      await fx.cleanup();
    });

    it('bumps the global revision by exactly one per successful write', async () => {
      const p = ns();
      const r0 = await s.currentRevision();
      const a = await s.create(p + 'a', enc('1'));
      assert.equal(a.modRevision, r0 + 1);
      assert.equal(a.createRevision, r0 + 1);
      const b = await s.create(p + 'b', enc('1'));
      assert.equal(b.modRevision, r0 + 2);
      const a2 = await s.update(p + 'a', enc('2'), a.modRevision);
      assert.equal(a2.modRevision, r0 + 3);
      assert.equal(a2.createRevision, a.createRevision, 'createRevision stays with the key');
      // Failures consume no revision.
      await rejects(s.create(p + 'a', enc('x')), isKeyExists, 'KeyExists');
      await rejects(s.update(p + 'a', enc('x'), a.modRevision), isConflict, 'Conflict');
      await rejects(s.delete(p + 'missing'), isKeyNotFound, 'KeyNotFound');
      assert.equal(await s.currentRevision(), r0 + 3);
      const d = await s.delete(p + 'b');
      assert.equal(d.modRevision, r0 + 4);
      assert.equal(dec(d.value), '1', 'delete returns the deleted value');
      assert.equal(await s.currentRevision(), r0 + 4);
    });

    it('creates only if absent, and a re-created key starts a new incarnation', async () => {
      const k = ns() + 'k';
      const first = await s.create(k, enc('one'));
      await rejects(s.create(k, enc('two')), isKeyExists, 'KeyExists');
      assert.equal(dec((await s.get(k)).kv!.value), 'one');
      await s.delete(k);
      const again = await s.create(k, enc('three'));
      assert.ok(again.createRevision > first.createRevision);
      assert.equal(again.createRevision, again.modRevision);
    });

    it('updates and deletes with compare-and-swap on modRevision', async () => {
      const k = ns() + 'cas';
      const v1 = await s.create(k, enc('v1'));
      const v2 = await s.update(k, enc('v2'), v1.modRevision);
      const err = (await rejects(s.update(k, enc('stale'), v1.modRevision), isConflict, 'Conflict')) as {
        current?: { modRevision: number; value: Uint8Array };
      };
      assert.equal(err.current?.modRevision, v2.modRevision, 'Conflict carries the current value');
      assert.equal(dec(err.current!.value), 'v2');
      await rejects(s.delete(k, v1.modRevision), isConflict, 'Conflict on stale delete');
      const gone = await s.delete(k, v2.modRevision);
      assert.equal(dec(gone.value), 'v2');
      await rejects(s.update(k, enc('v3'), v2.modRevision), isKeyNotFound, 'KeyNotFound after delete');
      await rejects(s.delete(k), isKeyNotFound, 'KeyNotFound on second delete');
      assert.equal((await s.get(k)).kv, undefined);
    });

    it('lets exactly one of many concurrent CAS updates win', async () => {
      const k = ns() + 'race';
      const base = await s.create(k, enc('0'));
      const results = await Promise.allSettled(
        Array.from({ length: 40 }, (_, i) => s.update(k, enc(`w${i}`), base.modRevision)),
      );
      const won = results.filter((r) => r.status === 'fulfilled');
      assert.equal(won.length, 1);
      for (const r of results) if (r.status === 'rejected') assert.ok(isConflict(r.reason), String(r.reason));
    });

    it('reads the current and past revisions, and refuses future ones', async () => {
      const k = ns() + 'hist';
      const v1 = await s.create(k, enc('v1'));
      const v2 = await s.update(k, enc('v2'), v1.modRevision);
      const del = await s.delete(k);
      assert.equal(dec((await s.get(k, { revision: v1.modRevision })).kv!.value), 'v1');
      assert.equal(dec((await s.get(k, { revision: v2.modRevision })).kv!.value), 'v2');
      assert.equal((await s.get(k, { revision: del.modRevision })).kv, undefined);
      assert.equal((await s.get(k, { revision: v1.modRevision - 1 })).kv, undefined);
      const now = await s.get(k);
      assert.ok(now.revision >= del.modRevision);
      const cur = await s.currentRevision();
      await rejects(s.get(k, { revision: cur + 1000 }), isFutureRevision, 'FutureRevision');
      await rejects(s.list(ns(), { revision: cur + 1000 }), isFutureRevision, 'FutureRevision on list');
    });

    it('lists a prefix in key order, isolated from neighbouring prefixes', async () => {
      const p = ns();
      for (const n of ['c', 'a', 'b']) await s.create(`${p}x/${n}`, enc(n));
      await s.create(`${p}xy/z`, enc('neighbour'));
      await s.create(`${p}x`, enc('exact-not-under'));
      const res = await s.list(`${p}x/`);
      assert.deepEqual(
        res.kvs.map((kv) => kv.key),
        ['a', 'b', 'c'].map((n) => `${p}x/${n}`),
      );
      assert.equal(res.more, false);
      assert.equal(res.count, 3);
      assert.ok(res.revision >= res.kvs[2]!.modRevision);
      assert.equal(await s.count(`${p}x/`), 3);
      assert.equal(await s.count(`${p}`), 5);
    });

    it('lists at a past revision', async () => {
      const p = ns();
      const a = await s.create(p + 'a', enc('a1'));
      await s.create(p + 'b', enc('b1'));
      const mid = await s.currentRevision();
      await s.update(p + 'a', enc('a2'), a.modRevision);
      await s.delete(p + 'b');
      await s.create(p + 'c', enc('c1'));
      const then = await s.list(p, { revision: mid });
      assert.deepEqual(
        then.kvs.map((kv) => `${kv.key.slice(p.length)}=${dec(kv.value)}`),
        ['a=a1', 'b=b1'],
      );
      assert.equal(then.revision, mid);
      const now = await s.list(p);
      assert.deepEqual(
        now.kvs.map((kv) => `${kv.key.slice(p.length)}=${dec(kv.value)}`),
        ['a=a2', 'c=c1'],
      );
    });

    it('pages with limit and continue over one consistent snapshot', async () => {
      const p = ns();
      for (let i = 0; i < 25; i++) await s.create(`${p}${String(i).padStart(3, '0')}`, enc(`v${i}`));
      const first = await s.list(p, { limit: 10 });
      assert.equal(first.kvs.length, 10);
      assert.equal(first.more, true);
      assert.equal(first.count, 25, 'count covers the whole range');
      assert.ok(first.continue);
      // Writes after the first page must not show on later pages.
      await s.create(`${p}0005x`, enc('late'));
      await s.delete(`${p}020`);
      const seen = first.kvs.map((kv) => kv.key);
      let cont: string | undefined = first.continue;
      while (cont) {
        const page = await s.list(p, { limit: 10, continue: cont });
        assert.equal(page.revision, first.revision);
        seen.push(...page.kvs.map((kv) => kv.key));
        cont = page.continue;
      }
      assert.deepEqual(
        seen,
        Array.from({ length: 25 }, (_, i) => `${p}${String(i).padStart(3, '0')}`),
      );
      await rejects(s.list(p, { continue: 'garbage!' }), isStorageError, 'an invalid continue token error');
      await rejects(s.list(ns(), { continue: first.continue }), isStorageError, 'a token for another prefix to fail');
    });

    it('watches from a past revision: replays history, then streams live, in order', async () => {
      const p = ns();
      const a = await s.create(p + 'a', enc('1'));
      await s.update(p + 'a', enc('2'), a.modRevision);
      await s.create(p + 'b', enc('1'));
      await s.create(ns() + 'other', enc('elsewhere'));
      const w = s.watch(p, { fromRevision: a.modRevision, prevKv: true });
      const live = (async () => {
        await new Promise((r) => setTimeout(r, 30));
        const cur = (await s.get(p + 'b')).kv!;
        await s.delete(p + 'b', cur.modRevision);
        await s.create(p + 'c', enc('1'));
      })();
      const events = await take(w, 5);
      await live;
      w.close();
      assert.deepEqual(events.map(summary), [
        `create a=1@${a.modRevision}`,
        `update a=2@${a.modRevision + 1}`,
        `create b=1@${a.modRevision + 2}`,
        `delete b=1@${events[3]?.type !== 'progress' ? events[3]!.kv.modRevision : '?'}`,
        `create c=1@${events[3]?.type !== 'progress' ? events[3]!.kv.modRevision + 1 : '?'}`,
      ]);
      const upd = events[1]!;
      assert.ok(upd.type === 'update' && upd.prevKv && dec(upd.prevKv.value) === '1', 'update carries prevKv');
      const del = events[3]!;
      assert.ok(del.type === 'delete' && del.prevKv && dec(del.prevKv.value) === '1', 'delete carries prevKv');
      // Revisions strictly increase.
      const revs = events.map((e) => (e.type === 'progress' ? 0 : e.kv.modRevision));
      for (let i = 1; i < revs.length; i++) assert.ok(revs[i]! > revs[i - 1]!);
    });

    it('watches without a start revision deliver only new events, and omit prevKv unless asked', async () => {
      const p = ns();
      const old = await s.create(p + 'old', enc('x'));
      const w = s.watch(p);
      // Give a remote watch time to be established before writing.
      await new Promise((r) => setTimeout(r, 100));
      await s.update(p + 'old', enc('y'), old.modRevision);
      const events = await take(w, 1);
      w.close();
      assert.equal(events.length, 1);
      const e = events[0]!;
      assert.equal(e.type, 'update');
      assert.ok(e.type === 'update' && e.prevKv === undefined);
    });

    it('delivers every write of many concurrent writers exactly once, in revision order', async () => {
      const p = ns();
      const start = (await s.currentRevision()) + 1;
      const w = s.watch(p, { fromRevision: start });
      const n = 300;
      const written = await Promise.all(Array.from({ length: n }, (_, i) => s.create(`${p}k${i}`, enc(String(i)))));
      const revs = written.map((kv) => kv.modRevision).sort((x, y) => x - y);
      for (let i = 1; i < n; i++) assert.equal(revs[i], revs[i - 1]! + 1, 'revisions are contiguous');
      const events = await take(w, n);
      w.close();
      assert.equal(events.length, n);
      const got = events.map((e) => (e.type === 'progress' ? -1 : e.kv.modRevision));
      assert.deepEqual(got, revs);
      assert.equal(new Set(events.map((e) => (e.type === 'progress' ? '' : e.kv.key))).size, n);
    });

    it('answers a progress request after the events before it', async () => {
      const p = ns();
      const w = s.watch(p, { fromRevision: (await s.currentRevision()) + 1 });
      await new Promise((r) => setTimeout(r, 100));
      const kv = await s.create(p + 'a', enc('1'));
      const it = w[Symbol.asyncIterator]();
      const first = await nextOrTimeout(it, 5000);
      assert.ok(first !== 'timeout' && !first.done && first.value.type === 'create');
      // Writes elsewhere advance the revision; a progress event reports at least our write.
      await s.create(ns() + 'elsewhere', enc('1'));
      w.requestProgress();
      const prog = await nextOrTimeout(it, 5000);
      w.close();
      assert.ok(prog !== 'timeout' && !prog.done, 'a progress event arrives');
      assert.equal(prog.value.type, 'progress');
      assert.ok(prog.value.type === 'progress' && prog.value.revision >= kv.modRevision);
    });

    it('closes a watcher that falls behind its bounded buffer with WatchOverflow', async () => {
      const p = ns();
      const w = s.watch(p, { fromRevision: (await s.currentRevision()) + 1, bufferSize: 5 });
      await new Promise((r) => setTimeout(r, 100));
      for (let i = 0; i < 30; i++) await s.create(`${p}${i}`, enc('x'));
      await new Promise((r) => setTimeout(r, 200));
      let error: unknown;
      let delivered = 0;
      try {
        for await (const _ of w) delivered++;
      } catch (e: unknown) {
        error = e;
      }
      assert.ok(isWatchOverflow(error), `expected WatchOverflow, got ${String(error)}`);
      assert.ok(delivered <= 5, `delivered ${delivered} of at most 5 buffered`);
    });

    it('compacts: reads and watches below the compacted revision fail, above it stay exact', async () => {
      const p = ns();
      const a1 = await s.create(p + 'a', enc('a1'));
      const b1 = await s.create(p + 'b', enc('b1'));
      const a2 = await s.update(p + 'a', enc('a2'), a1.modRevision);
      await s.delete(p + 'b', b1.modRevision);
      const c1 = await s.create(p + 'c', enc('c1'));
      const compactAt = a2.modRevision;
      await s.compact(compactAt);
      assert.ok((await s.compactedRevision()) >= compactAt);
      await rejects(s.get(p + 'a', { revision: a1.modRevision }), isCompacted, 'Compacted get');
      await rejects(s.list(p, { revision: b1.modRevision }), isCompacted, 'Compacted list');
      // At and above the compacted revision, history is intact.
      const atC = await s.list(p, { revision: compactAt });
      assert.deepEqual(atC.kvs.map((kv) => `${kv.key.slice(p.length)}=${dec(kv.value)}`), ['a=a2', 'b=b1']);
      const later = await s.list(p, { revision: c1.modRevision });
      assert.deepEqual(later.kvs.map((kv) => `${kv.key.slice(p.length)}=${dec(kv.value)}`), ['a=a2', 'c=c1']);
      // A watch from below the compacted revision fails; from it, it replays what remains.
      let err: unknown;
      try {
        for await (const _ of s.watch(p, { fromRevision: a1.modRevision })) break;
      } catch (e: unknown) {
        err = e;
      }
      assert.ok(isCompacted(err), `expected Compacted from the watch, got ${String(err)}`);
      const w = s.watch(p, { fromRevision: compactAt + 1 });
      const events = await take(w, 2);
      w.close();
      assert.deepEqual(
        events.map((e) => (e.type === 'progress' ? 'p' : `${e.type} ${e.kv.key.slice(p.length)}`)),
        ['delete b', 'create c'],
      );
      // Compacting again to the same or an older revision is a no-op.
      await s.compact(compactAt);
      await s.compact(a1.modRevision);
    });

    it('expires keys written with a TTL, with a delete event', async () => {
      const p = ns();
      const w = s.watch(p, { fromRevision: (await s.currentRevision()) + 1 });
      const kv = await s.create(p + 'ttl', enc('short-lived'), { ttlSeconds: 1 });
      await s.create(p + 'keep', enc('stays'));
      const events = await take(w, 3, 10_000);
      w.close();
      const del = events.find((e) => e.type === 'delete');
      assert.ok(del && del.type === 'delete', `a delete event arrives: ${events.map(summary).join(', ')}`);
      assert.equal(del.kv.key, p + 'ttl');
      assert.ok(del.kv.modRevision > kv.modRevision);
      assert.equal((await s.get(p + 'ttl')).kv, undefined);
      assert.ok((await s.get(p + 'keep')).kv);
    });

    it('stores binary values unchanged', async () => {
      const k = ns() + 'bin';
      const value = new Uint8Array(256).map((_, i) => i);
      await s.create(k, value);
      assert.deepEqual(new Uint8Array((await s.get(k)).kv!.value), value);
      const big = new Uint8Array(1_000_000).fill(7);
      const r = await s.create(k + '-big', big);
      assert.equal((await s.get(k + '-big')).kv!.value.length, big.length);
      assert.equal(r.modRevision, (await s.get(k + '-big')).kv!.modRevision);
    });

    // Last: it closes the shared store.
    it('fails calls after close with Closed, and ends watchers with an error', async () => {
      const p = ns();
      const w = s.watch(p);
      const it = w[Symbol.asyncIterator]();
      const ended = it.next().then(
        () => undefined,
        (e: unknown) => e,
      );
      await s.close();
      assert.ok(isStorageError(await ended), 'the watcher ends with an error');
      await rejects(s.get(p + 'x'), isStorageError, 'Closed on get');
      await rejects(s.create(p + 'x', enc('1')), isStorageError, 'Closed on create');
      await s.close(); // idempotent
    });
  });
}
