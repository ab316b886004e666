import { realClock, type Clock } from '../util/clock.js';
import { logger, type Logger } from '../util/log.js';
import { defaultControllerRateLimiter, type RateLimiter } from './rate-limiter.js';

export interface WorkqueueOptions<T> {
  /** Drives `addAfter` and the default rate limiter (default: real time). */
  clock?: Clock;
  /** Used by `addRateLimited` (default: `defaultControllerRateLimiter`). */
  rateLimiter?: RateLimiter<T>;
}

interface Delayed<T> {
  item: T;
  at: number;
  seq: number;
}

/**
 * The controllers' work queue, as client-go's rate-limited delaying queue.
 *
 * Contract (what the controllers rely on):
 * - De-duplication: an item added several times before a worker takes it is handed out once.
 * - Exclusivity: an item is never held by two workers at once. Adding an item while a worker
 *   holds it marks it dirty; it is queued again only when that worker calls `done`.
 * - FIFO among ready items; `addAfter` items join when due (earliest request wins when the
 *   same item is delayed twice).
 * - Every `get` that returns an item must be followed by exactly one `done(item)`.
 * - After `shutDown`, adds are ignored, delayed items are dropped, items already queued are
 *   still handed out, and `get` resolves `undefined` once the queue is empty.
 *
 * Items are compared with SameValueZero (Map/Set semantics): use strings (keys) or other
 * primitives. Bound: the queue, dirty and processing sets and the delayed set each hold an
 * item at most once, so memory is bounded by the number of distinct items (for controllers,
 * the objects in their informers' caches); there is no separate cap and nothing is dropped.
 */
export class Workqueue<T extends NonNullable<unknown>> {
  private readonly clock: Clock;
  private readonly rateLimiter: RateLimiter<T>;
  private queue: T[] = [];
  private head = 0;
  private readonly dirty = new Set<T>();
  private readonly processing = new Set<T>();
  private readonly getters: ((item: T | undefined) => void)[] = [];
  private shutting = false;
  private readonly drainWaiters: (() => void)[] = [];
  // Delayed items: `waiting` holds each item's due time; `heap` may hold stale entries
  // (superseded by an earlier time) which are skipped when they surface.
  private readonly waiting = new Map<T, number>();
  private heap: Delayed<T>[] = [];
  private seq = 0;
  private cancelTimer: (() => void) | undefined;
  private timerAt: number | undefined;

  constructor(opts: WorkqueueOptions<T> = {}) {
    this.clock = opts.clock ?? realClock;
    this.rateLimiter = opts.rateLimiter ?? defaultControllerRateLimiter<T>(this.clock);
  }

  /** Queues `item` unless it is already queued (or, while held by a worker, marks it dirty). */
  add(item: T): void {
    if (this.shutting || this.dirty.has(item)) return;
    this.dirty.add(item);
    if (this.processing.has(item)) return;
    this.queue.push(item);
    this.wake();
  }

  /** Items ready to be handed out (not counting delayed or in-flight ones). */
  len(): number {
    return this.queue.length - this.head;
  }

  /**
   * The next item, waiting for one if none is ready; `undefined` once shut down and empty.
   * Safe to call from many workers at once: each waiter gets a different item.
   */
  get(): Promise<T | undefined> {
    if (this.len() > 0) return Promise.resolve(this.take());
    if (this.shutting) return Promise.resolve(undefined);
    return new Promise((resolve) => this.getters.push(resolve));
  }

  /** Marks `item` as finished by its worker; re-queues it if it was added meanwhile. */
  done(item: T): void {
    this.processing.delete(item);
    if (this.dirty.has(item)) {
      this.queue.push(item);
      this.wake();
    }
    this.checkDrained();
  }

  /** Adds `item` after `ms` (now if ms <= 0), as measured by the injected clock. */
  addAfter(item: T, ms: number): void {
    if (this.shutting) return;
    if (!(ms > 0)) {
      this.add(item);
      return;
    }
    const at = this.clock.now() + ms;
    const existing = this.waiting.get(item);
    if (existing !== undefined && existing <= at) return;
    this.waiting.set(item, at);
    this.heapPush({ item, at, seq: this.seq++ });
    if (this.heap.length > 2 * this.waiting.size + 64) this.rebuildHeap();
    this.schedule();
  }

  /** Adds `item` after the rate limiter's delay for it (one more recorded failure). */
  addRateLimited(item: T): void {
    if (this.shutting) return;
    this.addAfter(item, this.rateLimiter.when(item));
  }

  /** Clears the rate limiter's failure history of `item` (call after it succeeded). */
  forget(item: T): void {
    this.rateLimiter.forget(item);
  }

  numRequeues(item: T): number {
    return this.rateLimiter.numRequeues(item);
  }

  /** Stops accepting items; workers drain what is queued, then `get` resolves `undefined`. */
  shutDown(): void {
    if (this.shutting) return;
    this.shutting = true;
    this.cancelTimer?.();
    this.cancelTimer = undefined;
    this.timerAt = undefined;
    this.waiting.clear();
    this.heap = [];
    if (this.len() === 0) for (const g of this.getters.splice(0)) g(undefined);
    this.checkDrained();
  }

  /**
   * Shuts down, then resolves once every queued and in-flight item has been handed out and
   * marked done (so it needs running workers), or when `signal` aborts.
   */
  async shutDownWithDrain(signal?: AbortSignal): Promise<void> {
    this.shutDown();
    if (this.isDrained()) return;
    await new Promise<void>((resolve) => {
      const onAbort = () => resolve();
      this.drainWaiters.push(() => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      });
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }

  shuttingDown(): boolean {
    return this.shutting;
  }

  private take(): T {
    const item = this.queue[this.head]!;
    this.queue[this.head] = undefined as unknown as T;
    this.head++;
    if (this.head > 1024 && this.head * 2 > this.queue.length) {
      this.queue = this.queue.slice(this.head);
      this.head = 0;
    }
    this.processing.add(item);
    this.dirty.delete(item);
    return item;
  }

  private wake(): void {
    while (this.getters.length > 0 && this.len() > 0) this.getters.shift()!(this.take());
    if (this.shutting && this.len() === 0) for (const g of this.getters.splice(0)) g(undefined);
  }

  private isDrained(): boolean {
    return this.len() === 0 && this.processing.size === 0;
  }

  private checkDrained(): void {
    if (this.shutting && this.len() === 0) for (const g of this.getters.splice(0)) g(undefined);
    if (this.shutting && this.isDrained()) for (const w of this.drainWaiters.splice(0)) w();
  }

  // ---- delayed items ----

  private schedule(): void {
    this.dropStale();
    const top = this.heap[0];
    if (!top) {
      this.cancelTimer?.();
      this.cancelTimer = undefined;
      this.timerAt = undefined;
      return;
    }
    if (this.timerAt === top.at) return;
    this.cancelTimer?.();
    this.timerAt = top.at;
    this.cancelTimer = this.clock.setTimer(() => this.fire(), top.at - this.clock.now());
  }

  private fire(): void {
    this.cancelTimer = undefined;
    this.timerAt = undefined;
    const now = this.clock.now();
    for (;;) {
      this.dropStale();
      const top = this.heap[0];
      if (!top || top.at > now) break;
      this.heapPop();
      this.waiting.delete(top.item);
      this.add(top.item);
    }
    this.schedule();
  }

  private dropStale(): void {
    while (this.heap.length > 0 && this.waiting.get(this.heap[0]!.item) !== this.heap[0]!.at) this.heapPop();
  }

  private rebuildHeap(): void {
    const live = [...this.waiting].map(([item, at]) => ({ item, at, seq: this.seq++ }));
    this.heap = [];
    for (const e of live) this.heapPush(e);
  }

  private less(a: Delayed<T>, b: Delayed<T>): boolean {
    return a.at < b.at || (a.at === b.at && a.seq < b.seq);
  }

  private heapPush(e: Delayed<T>): void {
    const h = this.heap;
    h.push(e);
    let i = h.length - 1;
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!this.less(h[i]!, h[p]!)) break;
      [h[i], h[p]] = [h[p]!, h[i]!];
      i = p;
    }
  }

  private heapPop(): Delayed<T> | undefined {
    const h = this.heap;
    const top = h[0];
    const last = h.pop();
    if (h.length > 0 && last) {
      h[0] = last;
      let i = 0;
      for (;;) {
        const l = 2 * i + 1;
        const r = l + 1;
        let m = i;
        if (l < h.length && this.less(h[l]!, h[m]!)) m = l;
        if (r < h.length && this.less(h[r]!, h[m]!)) m = r;
        if (m === i) break;
        [h[i], h[m]] = [h[m]!, h[i]!];
        i = m;
      }
    }
    return top;
  }
}

/** What a reconcile asks of the queue besides "done". */
export interface ReconcileResult {
  /** Re-queue this key after this many ms (its failure history is forgotten). */
  requeueAfter?: number;
  /** Re-queue with rate-limited backoff, as after a failure (but nothing is logged). */
  requeue?: boolean;
}

export type Reconcile<T> = (item: T, signal: AbortSignal) => Promise<ReconcileResult | void> | ReconcileResult | void;

export interface RunWorkersOptions {
  /** Concurrent workers (default 1). */
  workers?: number;
  /** Names the controller in log lines. */
  name?: string;
  log?: Logger;
}

/**
 * Runs `workers` loops that take keys from `queue` and reconcile them, as ARCHITECTURE.md
 * section 4 describes controllers (and controller-runtime's reconcile loop): success forgets
 * the key's failures; `requeueAfter` re-adds it later; a throw logs and re-adds it with
 * rate-limited backoff. The queue guarantees one key is never reconciled by two workers at
 * once. When `signal` aborts the queue is shut down, in-flight reconciles finish (they get the
 * signal), no new ones start, and the promise resolves once every worker has returned.
 */
export async function runWorkers<T extends NonNullable<unknown>>(
  queue: Workqueue<T>,
  reconcile: Reconcile<T>,
  signal: AbortSignal,
  opts: RunWorkersOptions = {},
): Promise<void> {
  const log = opts.log ?? logger(opts.name ?? 'controller');
  const onAbort = () => queue.shutDown();
  if (signal.aborted) onAbort();
  else signal.addEventListener('abort', onAbort, { once: true });
  const worker = async () => {
    for (;;) {
      const item = await queue.get();
      if (item === undefined) return;
      if (signal.aborted) {
        queue.done(item);
        continue;
      }
      try {
        const res = await reconcile(item, signal);
        if (res && res.requeueAfter !== undefined && res.requeueAfter > 0) {
          queue.forget(item);
          queue.addAfter(item, res.requeueAfter);
        } else if (res?.requeue) {
          queue.addRateLimited(item);
        } else {
          queue.forget(item);
        }
      } catch (e: unknown) {
        log.error('reconcile failed; requeuing with backoff', { key: String(item), requeues: queue.numRequeues(item), error: e });
        queue.addRateLimited(item);
      } finally {
        queue.done(item);
      }
    }
  };
  try {
    await Promise.all(Array.from({ length: Math.max(1, opts.workers ?? 1) }, worker));
  } finally {
    signal.removeEventListener('abort', onAbort);
  }
}
