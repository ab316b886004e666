import type { KubeObject } from '../apimachinery/types.js';
import { realClock, type Clock } from '../util/clock.js';
import { logger } from '../util/log.js';
import type { ApiClient, Gvr } from './api-client.js';
import type { BackoffOptions } from './backoff.js';
import { DeltaFifo, DeltaType, type PopResult } from './delta-fifo.js';
import { DeletedFinalStateUnknown, Indexer, isTombstone, type Indexers } from './indexer.js';
import { Lister } from './lister.js';
import { Reflector, type ReflectorTarget } from './reflector.js';

const log = logger('informer');

/**
 * Callbacks for changes of the informer's cache, as client-go's ResourceEventHandler. They run
 * synchronously, in event order, after the cache was updated; keep them short (typically:
 * enqueue a key). A throw (or a rejected promise from an async callback) is logged and never
 * stops the informer or the other handlers.
 */
export interface ResourceEventHandler {
  /** `isInInitialList`: the object came from the first list (or, for a late handler, the cache). */
  onAdd?(obj: KubeObject, isInInitialList: boolean): void;
  /** On a resync, `oldObj === newObj`. */
  onUpdate?(oldObj: KubeObject, newObj: KubeObject): void;
  /** The final state, or a DeletedFinalStateUnknown tombstone when the deletion itself was missed. */
  onDelete?(obj: KubeObject | DeletedFinalStateUnknown): void;
}

export interface HandlerOptions {
  /**
   * How often this handler wants every cached object re-delivered as onUpdate(obj, obj)
   * (default: the informer's resync period; 0 = never). At least 1 s, as client-go; a handler
   * added after start cannot resync more often than the informer already checks.
   */
  resyncPeriodMs?: number;
}

export interface HandlerRegistration {
  /** True once the handler has been given the informer's whole initial state. */
  hasSynced(): boolean;
  /** Stops deliveries to this handler (idempotent). */
  remove(): void;
}

export interface SharedInformerOptions {
  client: ApiClient;
  gvr: Gvr;
  /** '' (default): all namespaces, or a cluster-scoped resource. */
  namespace?: string;
  labelSelector?: string;
  fieldSelector?: string;
  clock?: Clock;
  /** Default resync period of handlers (default 0: none). */
  resyncPeriodMs?: number;
  /** Extra cache indexes (the namespace index is built in). */
  indexers?: Indexers;
  /** Applied to every object before it is cached (e.g. to drop managedFields). Must not throw. */
  transform?: (obj: KubeObject) => KubeObject;
  /** Passed to the reflector. */
  pageSize?: number;
  backoff?: BackoffOptions;
  minWatchTimeoutSeconds?: number;
  random?: () => number;
}

const MIN_RESYNC_MS = 1000;

class Listener implements HandlerRegistration {
  removed = false;
  /** Whether the Sync deltas of the current resync are for this listener. */
  syncing = false;
  nextResync = 0;

  constructor(
    readonly handler: ResourceEventHandler,
    public resyncPeriodMs: number,
    private readonly informer: SharedInformer,
  ) {}

  hasSynced(): boolean {
    return !this.removed && this.informer.hasSynced();
  }

  remove(): void {
    this.informer.removeEventHandler(this);
  }
}

/**
 * One watch of one collection, shared by every handler that cares about it, as client-go's
 * sharedIndexInformer: a Reflector feeds a DeltaFifo whose deltas update an Indexer (the
 * cache) and are then handed to every handler.
 *
 * Guarantees: handlers see each object's changes in the order the API made them and only
 * after the cache reflects them; `hasSynced()` turns true once everything from the first list
 * is in the cache and was delivered; a handler added later (before or after start) is first
 * given an onAdd for each object then cached, then the changes that follow. Deletions missed
 * while disconnected arrive as DeletedFinalStateUnknown tombstones after the relist.
 *
 * Construction starts nothing; `run(signal)` runs the reflector, the delta processing and the
 * resync timer until `signal` aborts, and may be called once.
 */
export class SharedInformer {
  readonly gvr: Gvr;
  readonly namespace: string;
  readonly indexer: Indexer;
  private readonly fifo: DeltaFifo;
  private readonly clock: Clock;
  private readonly defaultResyncMs: number;
  private listeners: readonly Listener[] = [];
  private started = false;
  private stopped = false;
  private reflector: Reflector | undefined;
  /** Period at which resync due-ness is checked; fixed once started. */
  private resyncCheckMs: number;
  private readonly syncWaiters = new Set<(synced: boolean) => void>();
  private readonly name: string;

  constructor(private readonly opts: SharedInformerOptions) {
    this.gvr = opts.gvr;
    this.namespace = opts.namespace ?? '';
    this.clock = opts.clock ?? realClock;
    this.defaultResyncMs = normalizeResync(opts.resyncPeriodMs ?? 0);
    this.resyncCheckMs = this.defaultResyncMs;
    this.indexer = new Indexer({ indexers: opts.indexers });
    this.fifo = new DeltaFifo({ knownObjects: this.indexer, emitDeltaTypeReplaced: true });
    const g = this.gvr;
    this.name = `${g.group ? `${g.group}/` : ''}${g.version}/${g.resource}${this.namespace ? ` in ${this.namespace}` : ''}`;
  }

  /**
   * Registers a handler. Before start it receives the initial list as onAdd(obj, true);
   * after start it first receives onAdd(obj, true) for every cached object, synchronously.
   * Throws once the informer has stopped.
   */
  addEventHandler(handler: ResourceEventHandler, opts: HandlerOptions = {}): HandlerRegistration {
    if (this.stopped) throw new Error(`handler was not added to shared informer ${this.name} because it has stopped already`);
    let period = normalizeResync(opts.resyncPeriodMs ?? this.defaultResyncMs);
    if (period > 0) {
      if (!this.started) {
        if (this.resyncCheckMs === 0 || period < this.resyncCheckMs) this.resyncCheckMs = period;
      } else if (this.resyncCheckMs === 0) {
        // The resync timer is not running and cannot start now: as client-go, no resync.
        log.warn('resync requested after the informer started without resync; disabled', { informer: this.name });
        period = 0;
      } else if (period < this.resyncCheckMs) {
        log.warn('resync period shorter than the running informer allows; using its check period', {
          informer: this.name,
          requestedMs: period,
          usedMs: this.resyncCheckMs,
        });
        period = this.resyncCheckMs;
      }
    }
    const l = new Listener(handler, period, this);
    l.nextResync = this.clock.now() + period;
    this.listeners = [...this.listeners, l];
    if (this.started) for (const obj of this.indexer.list()) this.call(l, 'onAdd', () => handler.onAdd?.(obj, true));
    return l;
  }

  removeEventHandler(reg: HandlerRegistration): void {
    if (!(reg instanceof Listener) || reg.removed) return;
    reg.removed = true;
    this.listeners = this.listeners.filter((l) => l !== reg);
  }

  /** True once the first list is in the cache and was delivered to the handlers. */
  hasSynced(): boolean {
    return this.fifo.hasSynced();
  }

  /** Resolves true once synced, false if `signal` aborts or the informer stops first. */
  waitForSync(signal?: AbortSignal): Promise<boolean> {
    if (this.hasSynced()) return Promise.resolve(true);
    if (this.stopped || signal?.aborted) return Promise.resolve(false);
    return new Promise((resolve) => {
      const done = (synced: boolean) => {
        this.syncWaiters.delete(done);
        signal?.removeEventListener('abort', onAbort);
        resolve(synced);
      };
      const onAbort = () => done(false);
      this.syncWaiters.add(done);
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }

  /** The resourceVersion the cache reflects ('' before the first list). */
  lastSyncResourceVersion(): string {
    return this.reflector?.lastSyncResourceVersion() ?? '';
  }

  /** Adds cache indexes (allowed before and after start). */
  addIndexers(indexers: Indexers): void {
    this.indexer.addIndexers(indexers);
  }

  lister<T extends KubeObject = KubeObject>(): Lister<T> {
    return new Lister<T>(this.indexer, { group: this.gvr.group, resource: this.gvr.resource });
  }

  get isStarted(): boolean {
    return this.started;
  }

  get isStopped(): boolean {
    return this.stopped;
  }

  async run(signal: AbortSignal): Promise<void> {
    if (this.started) throw new Error(`shared informer ${this.name} was already started`);
    this.started = true;
    if (signal.aborted) {
      this.stop();
      return;
    }
    const o = this.opts;
    this.reflector = new Reflector({
      client: o.client,
      gvr: o.gvr,
      namespace: this.namespace,
      labelSelector: o.labelSelector,
      fieldSelector: o.fieldSelector,
      store: this.reflectorTarget(o.transform),
      clock: this.clock,
      pageSize: o.pageSize,
      backoff: o.backoff,
      minWatchTimeoutSeconds: o.minWatchTimeoutSeconds,
      random: o.random,
    });
    const onAbort = () => this.fifo.close();
    signal.addEventListener('abort', onAbort, { once: true });
    try {
      await Promise.all([this.reflector.run(signal), this.processLoop(), this.resyncLoop(signal)]);
    } finally {
      signal.removeEventListener('abort', onAbort);
      this.stop();
    }
  }

  /**
   * The reflector's view of the FIFO: objects pass through `transform`, and sync waiters are
   * woken after a replace (an empty first list syncs without any delta to pop).
   */
  private reflectorTarget(transform: ((obj: KubeObject) => KubeObject) | undefined): ReflectorTarget {
    const t = transform ?? ((obj: KubeObject) => obj);
    const fifo = this.fifo;
    return {
      replace: (items, rv) => {
        fifo.replace(transform ? items.map(t) : items, rv);
        this.notifySynced();
      },
      add: (obj) => fifo.add(t(obj)),
      update: (obj) => fifo.update(t(obj)),
      delete: (obj) => fifo.delete(isTombstone(obj) ? obj : t(obj)),
      waitForRoom: (signal) => fifo.waitForRoom(signal),
    };
  }

  private notifySynced(): void {
    if (this.syncWaiters.size > 0 && this.hasSynced()) for (const w of [...this.syncWaiters]) w(true);
  }

  private stop(): void {
    this.stopped = true;
    this.fifo.close();
    for (const w of [...this.syncWaiters]) w(false);
  }

  private async processLoop(): Promise<void> {
    for (;;) {
      let more: boolean;
      try {
        more = await this.fifo.pop((r) => this.handleDeltas(r));
      } catch (e: unknown) {
        // handleDeltas guards every step; this is a bug, but the informer must go on.
        log.error('processing deltas failed', { informer: this.name, error: e });
        continue;
      }
      if (!more) return;
      this.notifySynced();
    }
  }

  private async resyncLoop(signal: AbortSignal): Promise<void> {
    const period = this.resyncCheckMs;
    if (period <= 0) return;
    while (!signal.aborted) {
      try {
        await this.clock.sleep(period, signal);
      } catch {
        return;
      }
      if (this.markSyncingListeners()) this.fifo.resync();
    }
  }

  /** Marks the listeners whose resync is due (client-go's shouldResync); true if any. */
  private markSyncingListeners(): boolean {
    const now = this.clock.now();
    let any = false;
    for (const l of this.listeners) {
      l.syncing = false;
      if (l.resyncPeriodMs > 0 && now >= l.nextResync) {
        l.syncing = true;
        l.nextResync = now + l.resyncPeriodMs;
        any = true;
      }
    }
    return any;
  }

  /** Applies one key's deltas to the cache and tells the handlers (client-go's processDeltas). */
  private handleDeltas(r: PopResult): void {
    for (const d of r.deltas) {
      const obj = d.object;
      if (d.type === DeltaType.Deleted) {
        try {
          this.indexer.delete(obj);
        } catch (e: unknown) {
          log.error('cannot remove object from the cache', { informer: this.name, key: r.key, error: e });
        }
        this.distribute(false, (l) => this.call(l, 'onDelete', () => l.handler.onDelete?.(obj)));
        continue;
      }
      if (isTombstone(obj)) continue; // only deletions carry tombstones
      const old = this.indexer.getByKey(r.key);
      try {
        if (old !== undefined) this.indexer.update(obj);
        else this.indexer.add(obj);
      } catch (e: unknown) {
        log.error('cannot cache object (an index function failed); skipping this change', {
          informer: this.name,
          key: r.key,
          error: e,
        });
        continue;
      }
      if (old !== undefined) {
        // A resync, or a relist that found the object unchanged, is a sync: only handlers
        // whose resync is due hear of it.
        const isSync =
          d.type === DeltaType.Sync ||
          (d.type === DeltaType.Replaced && old.metadata?.resourceVersion === obj.metadata?.resourceVersion);
        this.distribute(isSync, (l) => this.call(l, 'onUpdate', () => l.handler.onUpdate?.(old, obj)));
      } else {
        this.distribute(false, (l) => this.call(l, 'onAdd', () => l.handler.onAdd?.(obj, r.isInInitialList)));
      }
    }
  }

  private distribute(sync: boolean, fn: (l: Listener) => void): void {
    // A snapshot: handlers added meanwhile were given the current cache already.
    for (const l of this.listeners) {
      if (l.removed || (sync && !l.syncing)) continue;
      fn(l);
    }
  }

  private call(l: Listener, what: string, fn: () => void | Promise<void>): void {
    if (l.removed) return;
    try {
      const r = fn();
      if (r && typeof (r as Promise<void>).then === 'function') {
        (r as Promise<void>).then(undefined, (e: unknown) =>
          log.error('event handler failed', { informer: this.name, handler: what, error: e }),
        );
      }
    } catch (e: unknown) {
      log.error('event handler failed', { informer: this.name, handler: what, error: e });
    }
  }
}

function normalizeResync(ms: number): number {
  if (!(ms > 0)) return 0;
  return Math.max(ms, MIN_RESYNC_MS);
}

