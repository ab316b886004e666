import type { KubeObject } from '../apimachinery/types.js';
import { DeletedFinalStateUnknown, isTombstone, metaNamespaceKey, type KeyFunc, type KeyListerGetter, type ReflectorStore } from './indexer.js';

/** Kinds of change, as client-go's DeltaType. */
export const DeltaType = {
  Added: 'Added',
  Updated: 'Updated',
  Deleted: 'Deleted',
  /** The object was in a relist (its previous state may or may not differ). */
  Replaced: 'Replaced',
  /** A periodic resync of an object the cache already holds. */
  Sync: 'Sync',
} as const;
export type DeltaType = (typeof DeltaType)[keyof typeof DeltaType];

export interface Delta {
  readonly type: DeltaType;
  /** The object's state after the change; for Deleted, possibly a tombstone. */
  readonly object: KubeObject | DeletedFinalStateUnknown;
}

export interface PopResult {
  key: string;
  /** Oldest first; never empty. */
  deltas: Delta[];
  /** True while the items of the first replace() are being handed out. */
  isInInitialList: boolean;
}

export interface DeltaFifoOptions {
  keyFunc?: KeyFunc;
  /** What the consumer's cache holds (its Indexer): used to detect deletions on replace and for resync. */
  knownObjects?: KeyListerGetter;
  /** Emit Replaced (default, as informers configure client-go) rather than Sync on replace. */
  emitDeltaTypeReplaced?: boolean;
  /** Per-key cap on accumulated deltas (default 100); see the overflow policy on the class. */
  maxDeltasPerKey?: number;
  /** `waitForRoom` blocks while more keys than this are queued (default 100,000). */
  highWaterKeys?: number;
}

/**
 * A queue of changes per object, as client-go's DeltaFIFO: the reflector adds changes, each
 * key's changes accumulate in order, and `pop` hands out a key with all of its accumulated
 * deltas, keys in the order they first became pending (FIFO). Each key is queued at most once.
 *
 * - `replace` (after a list) queues Replaced for every listed object and, for every key the
 *   consumer's cache (or this queue) knows that the list lacks, a Deleted whose object is a
 *   DeletedFinalStateUnknown tombstone carrying the last known state.
 * - Two consecutive deletions of a key collapse into one (the non-tombstone one wins).
 * - `delete` of a key neither queued nor known is ignored.
 * - `hasSynced` is true once the first replace (or any add/update/delete before it) has been
 *   queued and everything queued by that first replace has been popped.
 *
 * Single consumer. `pop` takes a key and processes it in one synchronous step, so producers
 * (the reflector) never observe a key that has left the queue but is not yet in the
 * consumer's cache; `process` must not await before updating that cache.
 *
 * Bounds and overflow policy: keys are bounded by the objects of the watched collection
 * (plus pending deletions); `waitForRoom` lets the reflector stop reading its watch while
 * more than `highWaterKeys` keys are pending, which pushes back to the server (whose watch
 * buffer ends a slow watcher, and the reflector then relists). Per key at most
 * `maxDeltasPerKey` deltas are kept; beyond that the oldest is dropped, so a consumer that
 * fell behind sees fewer intermediate states of that object (level-driven consumers only
 * need the latest).
 */
export class DeltaFifo implements ReflectorStore {
  private readonly items = new Map<string, Delta[]>();
  private queue: string[] = [];
  private head = 0;
  private readonly keyFunc: KeyFunc;
  private readonly knownObjects: KeyListerGetter | undefined;
  private readonly emitReplaced: boolean;
  private readonly maxDeltas: number;
  private readonly highWater: number;
  private populated = false;
  private initialPopulationCount = 0;
  private closed = false;
  private popper: { process: (r: PopResult) => void; resolve: (v: boolean) => void; reject: (e: unknown) => void } | undefined;
  private wakeScheduled = false;
  private roomWaiters: (() => void)[] = [];

  constructor(opts: DeltaFifoOptions = {}) {
    this.keyFunc = opts.keyFunc ?? metaNamespaceKey;
    this.knownObjects = opts.knownObjects;
    this.emitReplaced = opts.emitDeltaTypeReplaced ?? true;
    this.maxDeltas = Math.max(2, opts.maxDeltasPerKey ?? 100);
    this.highWater = opts.highWaterKeys ?? 100_000;
  }

  add(obj: KubeObject): void {
    this.populated = true;
    this.queueAction(DeltaType.Added, obj);
  }

  update(obj: KubeObject): void {
    this.populated = true;
    this.queueAction(DeltaType.Updated, obj);
  }

  delete(obj: KubeObject | DeletedFinalStateUnknown): void {
    const key = this.keyFunc(obj);
    this.populated = true;
    const known = this.knownObjects ? this.knownObjects.getByKey(key) !== undefined : false;
    // Nothing knows this object: there is nothing to tell the consumer.
    if (!known && !this.items.has(key)) return;
    this.queueAction(DeltaType.Deleted, obj);
  }

  replace(list: KubeObject[], _resourceVersion: string): void {
    const action = this.emitReplaced ? DeltaType.Replaced : DeltaType.Sync;
    const keys = new Set<string>();
    for (const obj of list) {
      keys.add(this.keyFunc(obj));
      this.queueAction(action, obj);
    }
    let queuedDeletions = 0;
    // Keys pending here but absent from the list: deleted while we were not watching.
    for (const [key, deltas] of [...this.items]) {
      if (keys.has(key)) continue;
      const newest = deltas[deltas.length - 1]?.object;
      const last = isTombstone(newest) ? newest.obj : newest;
      queuedDeletions++;
      this.queueAction(DeltaType.Deleted, new DeletedFinalStateUnknown(key, last));
    }
    if (this.knownObjects) {
      for (const key of this.knownObjects.listKeys()) {
        if (keys.has(key) || (this.items.get(key)?.length ?? 0) > 0) continue;
        queuedDeletions++;
        this.queueAction(DeltaType.Deleted, new DeletedFinalStateUnknown(key, this.knownObjects.getByKey(key)));
      }
    }
    if (!this.populated) {
      this.populated = true;
      this.initialPopulationCount = keys.size + queuedDeletions;
    }
  }

  /** Queues a Sync for every known object that has no pending deltas (periodic resync). */
  resync(): void {
    if (!this.knownObjects) return;
    for (const key of this.knownObjects.listKeys()) {
      if ((this.items.get(key)?.length ?? 0) > 0) continue;
      const obj = this.knownObjects.getByKey(key);
      if (obj !== undefined) this.queueAction(DeltaType.Sync, obj);
    }
  }

  /**
   * Waits for a pending key, takes it with all its deltas and calls `process` on it in the
   * same tick (as client-go's Pop processes under the queue's lock), so no producer call can
   * land between taking a key and the consumer's cache reflecting it. Resolves true after one
   * key was processed, false once closed; rejects with what `process` threw. Single consumer.
   */
  pop(process: (r: PopResult) => void): Promise<boolean> {
    if (this.closed) return Promise.resolve(false);
    if (this.len() > 0) {
      try {
        process(this.take());
        return Promise.resolve(true);
      } catch (e: unknown) {
        return Promise.reject(e);
      }
    }
    if (this.popper) return Promise.reject(new Error('DeltaFifo: concurrent pop()'));
    return new Promise((resolve, reject) => (this.popper = { process, resolve, reject }));
  }

  /** Resolves when fewer than `highWaterKeys` keys are pending (or the queue is closed/aborted). */
  async waitForRoom(signal?: AbortSignal): Promise<void> {
    if (this.len() < this.highWater || this.closed || signal?.aborted) return;
    await new Promise<void>((resolve) => {
      const done = () => {
        signal?.removeEventListener('abort', done);
        resolve();
      };
      this.roomWaiters.push(done);
      signal?.addEventListener('abort', done, { once: true });
    });
  }

  /** Ends the queue: a pending and every later `pop` resolves false. */
  close(): void {
    this.closed = true;
    const p = this.popper;
    this.popper = undefined;
    p?.resolve(false);
    for (const w of this.roomWaiters.splice(0)) w();
  }

  hasSynced(): boolean {
    return this.populated && this.initialPopulationCount === 0;
  }

  /** Number of keys pending. */
  len(): number {
    return this.queue.length - this.head;
  }

  /** Keys with pending deltas. */
  listKeys(): string[] {
    return [...this.items.keys()];
  }

  /** The pending deltas of `key` (a copy). */
  deltasOf(key: string): Delta[] | undefined {
    const d = this.items.get(key);
    return d ? [...d] : undefined;
  }

  private queueAction(type: DeltaType, object: KubeObject | DeletedFinalStateUnknown): void {
    const key = this.keyFunc(object);
    const existing = this.items.get(key);
    const deltas = existing ? [...existing, { type, object }] : [{ type, object }];
    dedupDeletions(deltas);
    while (deltas.length > this.maxDeltas) deltas.shift();
    this.items.set(key, deltas);
    if (!existing) {
      this.queue.push(key);
      this.deliver();
    }
  }

  private take(): PopResult {
    const key = this.queue[this.head]!;
    this.queue[this.head] = '';
    this.head++;
    if (this.head > 1024 && this.head * 2 > this.queue.length) {
      this.queue = this.queue.slice(this.head);
      this.head = 0;
    }
    const deltas = this.items.get(key)!;
    this.items.delete(key);
    const isInInitialList = this.initialPopulationCount > 0;
    if (isInInitialList) this.initialPopulationCount--;
    if (this.roomWaiters.length > 0 && this.len() < this.highWater) for (const w of this.roomWaiters.splice(0)) w();
    return { key, deltas, isInInitialList };
  }

  private deliver(): void {
    // Wake the consumer on a fresh microtask, never inside the producer's call: a replace()
    // must finish queueing (and its deletion detection) before anything is processed.
    if (!this.popper || this.wakeScheduled) return;
    this.wakeScheduled = true;
    queueMicrotask(() => {
      this.wakeScheduled = false;
      const p = this.popper;
      if (!p || this.len() === 0) return;
      this.popper = undefined;
      try {
        p.process(this.take());
        p.resolve(true);
      } catch (e: unknown) {
        p.reject(e);
      }
    });
  }
}

/** Collapses a trailing pair of deletions into one, keeping the one that is not a tombstone. */
function dedupDeletions(deltas: Delta[]): void {
  const n = deltas.length;
  if (n < 2) return;
  const a = deltas[n - 2]!;
  const b = deltas[n - 1]!;
  if (a.type !== DeltaType.Deleted || b.type !== DeltaType.Deleted) return;
  const keep = isTombstone(b.object) ? a : b;
  deltas.splice(n - 2, 2, keep);
}
