import type { KubeObject } from '../apimachinery/types.js';
import { realClock, type Clock } from '../util/clock.js';
import { logger } from '../util/log.js';
import type { ApiClient, Gvr } from './api-client.js';
import type { BackoffOptions } from './backoff.js';
import type { Indexers } from './indexer.js';
import { SharedInformer } from './informer.js';

const log = logger('informer-factory');

/** What selects a shared informer (and a few settings honoured only by its first request). */
export interface InformerOptions {
  /** Default: the factory's namespace ('' = all). */
  namespace?: string;
  labelSelector?: string;
  fieldSelector?: string;
  /** Default: the factory's. Only the first request of an informer sets it. */
  resyncPeriodMs?: number;
  /** Added to the informer's cache if not present yet (any request). */
  indexers?: Indexers;
  /** Only the first request of an informer sets it. */
  transform?: (obj: KubeObject) => KubeObject;
}

export interface SharedInformerFactoryOptions {
  client: ApiClient;
  clock?: Clock;
  /** Default resync period of the informers (default 0: none). */
  defaultResyncMs?: number;
  /** Default namespace of the informers ('' = all namespaces). */
  namespace?: string;
  pageSize?: number;
  backoff?: BackoffOptions;
  minWatchTimeoutSeconds?: number;
  random?: () => number;
}

/**
 * Hands out one SharedInformer per resource and scope (GVR, namespace, label and field
 * selector), as client-go's SharedInformerFactory, so every controller watching pods shares
 * one watch and one cache.
 *
 * `start(signal)` runs every informer requested so far; informers requested after that start
 * at once on the same signal (client-go needs another Start call; here it cannot be
 * forgotten). `waitForCacheSync` waits for all started informers; `shutdown` waits until
 * every informer has returned (after the signal aborted).
 */
export class SharedInformerFactory {
  private readonly client: ApiClient;
  private readonly clock: Clock;
  private readonly informers = new Map<string, SharedInformer>();
  private readonly running = new Map<string, Promise<void>>();
  private signal: AbortSignal | undefined;

  constructor(private readonly opts: SharedInformerFactoryOptions) {
    this.client = opts.client;
    this.clock = opts.clock ?? realClock;
  }

  /** The shared informer for this resource and scope, created on first request. */
  informerFor(gvr: Gvr, opts: InformerOptions = {}): SharedInformer {
    const namespace = opts.namespace ?? this.opts.namespace ?? '';
    const key = JSON.stringify([gvr.group, gvr.version, gvr.resource, namespace, opts.labelSelector ?? '', opts.fieldSelector ?? '']);
    let inf = this.informers.get(key);
    if (inf) {
      const missing = Object.entries(opts.indexers ?? {}).filter(([name]) => !(name in inf!.indexer.getIndexers()));
      if (missing.length) inf.addIndexers(Object.fromEntries(missing));
      return inf;
    }
    inf = new SharedInformer({
      client: this.client,
      gvr,
      namespace,
      labelSelector: opts.labelSelector,
      fieldSelector: opts.fieldSelector,
      clock: this.clock,
      resyncPeriodMs: opts.resyncPeriodMs ?? this.opts.defaultResyncMs,
      indexers: opts.indexers,
      transform: opts.transform,
      pageSize: this.opts.pageSize,
      backoff: this.opts.backoff,
      minWatchTimeoutSeconds: this.opts.minWatchTimeoutSeconds,
      random: this.opts.random,
    });
    this.informers.set(key, inf);
    if (this.signal) this.startOne(key, inf, this.signal);
    return inf;
  }

  /** Starts every informer not yet started, and any requested later, until `signal` aborts. */
  start(signal: AbortSignal): void {
    this.signal = signal;
    for (const [key, inf] of this.informers) if (!this.running.has(key)) this.startOne(key, inf, signal);
  }

  /** Resolves true once every started informer has synced; false if `signal` aborts or one stops first. */
  async waitForCacheSync(signal?: AbortSignal): Promise<boolean> {
    const started = [...this.informers].filter(([k]) => this.running.has(k)).map(([, inf]) => inf);
    const results = await Promise.all(started.map((inf) => inf.waitForSync(signal)));
    return results.every(Boolean);
  }

  /** Resolves once every started informer has returned (abort the start signal first). */
  async shutdown(): Promise<void> {
    await Promise.all(this.running.values());
  }

  /** Every informer handed out so far. */
  list(): SharedInformer[] {
    return [...this.informers.values()];
  }

  private startOne(key: string, inf: SharedInformer, signal: AbortSignal): void {
    this.running.set(
      key,
      inf.run(signal).catch((e: unknown) => log.error('informer ended with an error', { informer: key, error: e })),
    );
  }
}
