import { BoundedQueue } from '../../util/bounded-queue.js';
import { isStorageError, type KeyValue, type Store, type WatchEvent } from '../../storage/index.js';
import { errors } from '../../apimachinery/status.js';
import type { KubeObject } from '../../apimachinery/types.js';
import { logger } from '../../util/log.js';

const log = logger('watch-cache');

/**
 * An object as the cache holds it: decoded once, with its resourceVersion set, and its JSON
 * kept so lists and watches can be written out without re-encoding. Never mutated: callers
 * that need to change an object clone it first.
 */
export interface CachedObject {
  readonly key: string;
  readonly obj: KubeObject;
  readonly json: string;
  /** modRevision of the write that produced this state. */
  readonly rv: number;
}

export type CacheEventType = 'ADDED' | 'MODIFIED' | 'DELETED';

export interface CacheEvent {
  readonly type: CacheEventType;
  /** For DELETED: the last state, with rv set to the delete's revision. */
  readonly object: CachedObject;
  /** For MODIFIED and DELETED: the state before. */
  readonly prev?: CachedObject;
  readonly rv: number;
}

export type Decoder = (kv: KeyValue, rvOverride?: number) => CachedObject;

export interface WatchCacheOptions {
  /** Recent events kept for watchers resuming from a resourceVersion (default 10,000). */
  capacity?: number;
  /** Per-watcher buffer before a slow watcher is closed (default 10,000). */
  watcherBuffer?: number;
}

/** A consumer-side view of a cache watch: events in revision order. */
export interface CacheWatch extends AsyncIterable<CacheEvent> {
  /** Stops the watch; idempotent. */
  close(): void;
  /** Revision the watch started after (events have rv > this). */
  readonly startRv: number;
}

/**
 * The watch cache of one resource, as kube-apiserver's cacher: one store watch feeds an
 * in-memory copy of every object under `prefix` and a ring of recent events, from which all
 * lists (that allow it) and all watches of the resource are served. A thousand watchers cost
 * one store watch.
 *
 * Consistency: `rv` is the revision up to which the cache has applied every event of this
 * prefix; `waitFor(r)` blocks until rv >= r, asking the store for progress notifications so
 * the cache advances even when nothing under its prefix changes. If the store watch fails
 * (compaction, overflow, outage) the cache relists and restarts; watchers whose position
 * fell out of the event ring are ended and must re-watch (as with upstream's 410).
 */
export class WatchCache {
  private readonly objects = new Map<string, CachedObject>();
  private sorted: CachedObject[] | undefined;
  private readonly ring: CacheEvent[] = [];
  private ringStart = 0;
  /** Revision up to which events are no longer in the ring (watches must start at or after it). */
  private evictedUpTo = 0;
  private current = 0;
  private readonly capacity: number;
  private readonly watcherBuffer: number;
  private readonly watchers = new Set<CacheWatcherImpl>();
  private readonly waiters = new Set<{ rv: number; resolve: () => void }>();
  private readyPromise: Promise<void>;
  private resolveReady!: () => void;
  private storeWatch: ReturnType<Store['watch']> | undefined;
  private isReady = false;

  constructor(
    private readonly store: Store,
    readonly prefix: string,
    private readonly decode: Decoder,
    opts: WatchCacheOptions = {},
  ) {
    this.capacity = opts.capacity ?? 10_000;
    this.watcherBuffer = opts.watcherBuffer ?? 10_000;
    this.readyPromise = new Promise((r) => (this.resolveReady = r));
  }

  get rv(): number {
    return this.current;
  }

  get ready(): boolean {
    return this.isReady;
  }

  whenReady(): Promise<void> {
    return this.readyPromise;
  }

  /** Lists then watches the store until `signal` aborts, relisting after failures. */
  async run(signal: AbortSignal): Promise<void> {
    let backoff = 100;
    while (!signal.aborted) {
      try {
        await this.listAndWatch(signal);
        backoff = 100;
      } catch (e: unknown) {
        if (signal.aborted) break;
        if (isStorageError(e) && e.code === 'Closed') break;
        log.warn('store watch ended; relisting', { prefix: this.prefix, error: e });
        await new Promise((r) => setTimeout(r, backoff));
        backoff = Math.min(backoff * 2, 5000);
      }
    }
    this.storeWatch?.close();
    for (const w of this.watchers) w.end();
    this.watchers.clear();
  }

  private async listAndWatch(signal: AbortSignal): Promise<void> {
    const list = await this.listAll();
    if (signal.aborted) return;
    this.replaceAll(list.kvs, list.revision);
    const w = this.store.watch(this.prefix, { fromRevision: list.revision + 1, bufferSize: 100_000 });
    this.storeWatch = w;
    const onAbort = () => w.close();
    signal.addEventListener('abort', onAbort, { once: true });
    try {
      for await (const e of w) this.apply(e);
    } finally {
      signal.removeEventListener('abort', onAbort);
    }
    if (!signal.aborted) throw new Error('store watch closed');
  }

  private async listAll(): Promise<{ kvs: KeyValue[]; revision: number }> {
    const kvs: KeyValue[] = [];
    let res = await this.store.list(this.prefix, { limit: 10_000 });
    const revision = res.revision;
    kvs.push(...res.kvs);
    while (res.more && res.continue) {
      res = await this.store.list(this.prefix, { limit: 10_000, continue: res.continue });
      kvs.push(...res.kvs);
    }
    return { kvs, revision };
  }

  /** Installs a fresh listing. Events between the old and new state are synthesized for watchers. */
  private replaceAll(kvs: KeyValue[], revision: number): void {
    const fresh = new Map<string, CachedObject>();
    for (const kv of kvs) fresh.set(kv.key, this.decode(kv));
    if (this.isReady) {
      // A relist after a gap: watchers cannot be told exactly what happened in between.
      for (const w of this.watchers) w.fail(errors.resourceExpired('the watch cache was reset; please re-watch'));
      this.watchers.clear();
    }
    this.objects.clear();
    for (const [k, v] of fresh) this.objects.set(k, v);
    this.sorted = undefined;
    this.ring.length = 0;
    this.ringStart = 0;
    this.evictedUpTo = revision;
    this.current = Math.max(this.current, revision);
    this.notifyWaiters();
    if (!this.isReady) {
      this.isReady = true;
      this.resolveReady();
    }
  }

  private apply(e: WatchEvent): void {
    if (e.type === 'progress') {
      if (e.revision > this.current) {
        this.current = e.revision;
        this.notifyWaiters();
      }
      return;
    }
    const rv = e.kv.modRevision;
    let event: CacheEvent;
    let decoded: CachedObject;
    try {
      decoded = this.decode(e.kv);
    } catch (err: unknown) {
      log.error('cannot decode stored object; skipping it', { key: e.kv.key, error: err });
      this.current = Math.max(this.current, rv);
      return;
    }
    const prev = this.objects.get(e.kv.key);
    if (e.type === 'delete') {
      this.objects.delete(e.kv.key);
      // The deleted object, as last stored, reported at the delete's revision.
      event = { type: 'DELETED', object: decoded, prev, rv };
    } else {
      this.objects.set(e.kv.key, decoded);
      event = { type: prev ? 'MODIFIED' : 'ADDED', object: decoded, prev, rv };
    }
    this.sorted = undefined;
    this.pushRing(event);
    this.current = Math.max(this.current, rv);
    for (const w of this.watchers) w.offer(event);
    this.notifyWaiters();
  }

  private pushRing(e: CacheEvent): void {
    this.ring.push(e);
    if (this.ring.length - this.ringStart > this.capacity) {
      this.evictedUpTo = this.ring[this.ringStart]!.rv;
      this.ringStart++;
      if (this.ringStart > 4096 && this.ringStart * 2 > this.ring.length) {
        this.ring.splice(0, this.ringStart);
        this.ringStart = 0;
      }
    }
  }

  private notifyWaiters(): void {
    for (const w of this.waiters) {
      if (this.current >= w.rv) {
        this.waiters.delete(w);
        w.resolve();
      }
    }
  }

  /**
   * Resolves once the cache has applied every event up to `rv`; fails with a 504 Timeout
   * ("Too large resource version") after `timeoutMs`, as upstream.
   */
  async waitFor(rv: number, timeoutMs = 3000): Promise<void> {
    await this.readyPromise;
    if (this.current >= rv) return;
    const deadline = Date.now() + timeoutMs;
    while (this.current < rv) {
      const left = deadline - Date.now();
      if (left <= 0) {
        throw errors.timeout(`Too large resource version: ${rv}, current: ${this.current}`, 1);
      }
      this.storeWatch?.requestProgress();
      await new Promise<void>((resolve) => {
        const waiter = { rv, resolve };
        this.waiters.add(waiter);
        setTimeout(() => {
          this.waiters.delete(waiter);
          resolve();
        }, Math.min(left, 25));
      });
    }
  }

  /** Waits until the cache reflects everything the store has committed (a consistent read). */
  async sync(): Promise<void> {
    await this.readyPromise;
    const rev = await this.store.currentRevision();
    await this.waitFor(rev);
  }

  get(key: string): CachedObject | undefined {
    return this.objects.get(key);
  }

  /** Every object with a key under `prefix` (default: the cache's), sorted by key. */
  list(prefix = this.prefix): CachedObject[] {
    if (!this.sorted) {
      this.sorted = [...this.objects.values()].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
    }
    if (prefix === this.prefix) return this.sorted;
    // Binary search for the first key >= prefix.
    let lo = 0;
    let hi = this.sorted.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.sorted[mid]!.key < prefix) lo = mid + 1;
      else hi = mid;
    }
    const out: CachedObject[] = [];
    for (let i = lo; i < this.sorted.length && this.sorted[i]!.key.startsWith(prefix); i++) out.push(this.sorted[i]!);
    return out;
  }

  get size(): number {
    return this.objects.size;
  }

  /**
   * Watches events with revision > `fromRv`. Throws a 410 Expired when the events after
   * `fromRv` are no longer held; waits (up to 3 s) when `fromRv` is ahead of the cache.
   */
  async watch(fromRv: number): Promise<CacheWatch> {
    await this.waitFor(fromRv);
    if (fromRv < this.evictedUpTo) {
      throw errors.resourceExpired(`too old resource version: ${fromRv} (${this.evictedUpTo})`);
    }
    const w = new CacheWatcherImpl(this, fromRv, this.watcherBuffer);
    // Synchronously: replay held events after fromRv, then register for live ones.
    for (let i = this.ringStart; i < this.ring.length; i++) {
      const e = this.ring[i]!;
      if (e.rv > fromRv) w.offer(e);
    }
    this.watchers.add(w);
    return w;
  }

  /** @internal */
  unregister(w: CacheWatcherImpl): void {
    this.watchers.delete(w);
  }

  get watcherCount(): number {
    return this.watchers.size;
  }
}

class CacheWatcherImpl implements CacheWatch {
  private readonly queue: BoundedQueue<CacheEvent>;

  constructor(
    private readonly cache: WatchCache,
    readonly startRv: number,
    buffer: number,
  ) {
    this.queue = new BoundedQueue<CacheEvent>(buffer, () =>
      errors.resourceExpired('the watcher fell too far behind and was closed; please re-watch'),
    );
  }

  offer(e: CacheEvent): void {
    if (!this.queue.push(e)) this.cache.unregister(this);
  }

  fail(err: Error): void {
    this.queue.close(err);
  }

  end(): void {
    this.queue.close();
  }

  close(): void {
    this.queue.close();
    this.cache.unregister(this);
  }

  [Symbol.asyncIterator](): AsyncIterator<CacheEvent> {
    const it = this.queue[Symbol.asyncIterator]();
    return {
      next: () => it.next(),
      return: async () => {
        this.close();
        return { value: undefined, done: true };
      },
    };
  }
}

