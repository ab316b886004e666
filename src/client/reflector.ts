import { isExpired, isStatusError, StatusError, StatusReason, type Status } from '../apimachinery/status.js';
import type { KubeObject } from '../apimachinery/types.js';
import { realClock, type Clock } from '../util/clock.js';
import { logger } from '../util/log.js';
import type { ApiClient, ClientWatch, ClientWatchEvent, Gvr } from './api-client.js';
import { Backoff, sleepUnlessAborted, type BackoffOptions } from './backoff.js';
import type { ReflectorStore } from './indexer.js';

const log = logger('reflector');

/** A ReflectorStore that can also push back on the reflector (the DeltaFifo can). */
export type ReflectorTarget = ReflectorStore & { waitForRoom?(signal: AbortSignal): Promise<void> };

export interface ReflectorOptions {
  client: ApiClient;
  gvr: Gvr;
  /** '' (default) for all namespaces or a cluster-scoped resource. */
  namespace?: string;
  labelSelector?: string;
  fieldSelector?: string;
  store: ReflectorTarget;
  clock?: Clock;
  /** Page size of lists (default 500, as client-go's pager). */
  pageSize?: number;
  /** Delay between relists (defaults as client-go: 800 ms doubling to 30 s, jitter 1.0, reset after 2 min). */
  backoff?: BackoffOptions;
  /** Watches ask the server to end them after between this and twice this (default 300 s). */
  minWatchTimeoutSeconds?: number;
  /** Source of randomness in [0, 1) (default Math.random). */
  random?: () => number;
  /** Names the reflector in logs (default: the resource). */
  name?: string;
}

/**
 * Keeps a store in step with one collection of the API, as client-go's Reflector:
 *
 * 1. Lists (in pages of `pageSize` with continue tokens; if a continue token has expired,
 *    falls back to one full list, as client-go's pager does) and `replace`s the store's
 *    content with the result.
 * 2. Watches from the list's resourceVersion with bookmarks allowed, feeding each event to
 *    the store and remembering the last resourceVersion seen (bookmarks advance it too).
 *    When the server ends a watch normally it re-watches from there without relisting.
 * 3. On 410 Gone/Expired (from the watch request or as an ERROR event) or any other watch
 *    or list failure, relists after a jittered exponential backoff.
 *
 * Which resourceVersion a list asks for (as client-go's relistResourceVersion): "0" (any
 * cached state) the first time, then the last one seen; after a 410, "" (a consistent read
 * of the latest state). Unlike client-go, a 410 from a *watch* also switches to "": this
 * server serves paged lists at an exact resourceVersion, and relisting at one the watch cache
 * no longer holds would only lead to the same 410 again.
 *
 * `run(signal)` returns once the signal aborts (closing the watch; an in-flight list is
 * abandoned and its result ignored). The store is only called from this reflector.
 */
export class Reflector {
  private readonly client: ApiClient;
  private readonly gvr: Gvr;
  private readonly namespace: string;
  private readonly store: ReflectorTarget;
  private readonly clock: Clock;
  private readonly pageSize: number;
  private readonly minWatchTimeoutSeconds: number;
  private readonly random: () => number;
  private readonly name: string;
  private readonly backoffOptions: BackoffOptions;
  private lastRv = '';
  private rvUnavailable = false;

  constructor(private readonly opts: ReflectorOptions) {
    this.client = opts.client;
    this.gvr = opts.gvr;
    this.namespace = opts.namespace ?? '';
    this.store = opts.store;
    this.clock = opts.clock ?? realClock;
    this.pageSize = opts.pageSize ?? 500;
    this.minWatchTimeoutSeconds = opts.minWatchTimeoutSeconds ?? 300;
    this.random = opts.random ?? Math.random;
    const res = this.gvr.group ? `${this.gvr.resource}.${this.gvr.version}.${this.gvr.group}` : `${this.gvr.resource}.${this.gvr.version}`;
    this.name = opts.name ?? (this.namespace ? `${res} in ${this.namespace}` : res);
    this.backoffOptions = { random: this.random, ...opts.backoff };
  }

  /** The resourceVersion the store reflects (the last list's, or the last event's / bookmark's). */
  lastSyncResourceVersion(): string {
    return this.lastRv;
  }

  async run(signal: AbortSignal): Promise<void> {
    const backoff = new Backoff(this.clock, this.backoffOptions);
    while (!signal.aborted) {
      try {
        await this.listAndWatch(signal);
      } catch (e: unknown) {
        if (signal.aborted) break;
        log.warn('list/watch failed; relisting after backoff', { reflector: this.name, error: e });
      }
      if (signal.aborted) break;
      await sleepUnlessAborted(this.clock, backoff.next(), signal);
    }
  }

  private relistResourceVersion(): string {
    if (this.rvUnavailable) return '';
    return this.lastRv === '' ? '0' : this.lastRv;
  }

  /** One list followed by watches until a watch fails; returns to relist, throws on errors. */
  private async listAndWatch(signal: AbortSignal): Promise<void> {
    const listed = await untilAborted(this.list(), signal);
    if (!listed) return;
    this.store.replace(listed.items, listed.resourceVersion);
    this.lastRv = listed.resourceVersion;
    this.rvUnavailable = false;
    while (!signal.aborted) {
      const again = await this.watchOnce(signal);
      if (!again) return;
    }
  }

  private async list(): Promise<{ items: KubeObject[]; resourceVersion: string }> {
    try {
      return await this.pagedList(this.relistResourceVersion());
    } catch (e: unknown) {
      if (!isExpired(e) && !isTooLargeResourceVersion(e)) throw e;
      // As client-go: the version we asked for is gone (or not yet there); read the latest.
      log.info('list resourceVersion unavailable; listing the latest state', { reflector: this.name, error: e });
      this.rvUnavailable = true;
      return await this.pagedList('');
    }
  }

  private async pagedList(resourceVersion: string): Promise<{ items: KubeObject[]; resourceVersion: string }> {
    const sel = { labelSelector: this.opts.labelSelector, fieldSelector: this.opts.fieldSelector };
    let page = await this.client.list(this.gvr, this.namespace, {
      ...sel,
      limit: this.pageSize > 0 ? this.pageSize : undefined,
      resourceVersion: resourceVersion || undefined,
    });
    const items = [...page.items];
    const rv = page.metadata.resourceVersion ?? '';
    while (page.metadata.continue) {
      try {
        page = await this.client.list(this.gvr, this.namespace, { ...sel, limit: this.pageSize, continue: page.metadata.continue });
      } catch (e: unknown) {
        if (!isExpired(e)) throw e;
        log.info('continue token expired; falling back to a full list', { reflector: this.name });
        const full = await this.client.list(this.gvr, this.namespace, sel);
        return { items: full.items, resourceVersion: full.metadata.resourceVersion ?? '' };
      }
      items.push(...page.items);
    }
    return { items, resourceVersion: rv };
  }

  /**
   * One watch from the last resourceVersion. Resolves true when the server ended it normally
   * (watch again), false to relist (410, or aborted); throws for other failures.
   */
  private async watchOnce(signal: AbortSignal): Promise<boolean> {
    const started = this.clock.now();
    let w: ClientWatch | undefined;
    try {
      w = await untilAborted(
        this.client.watch(this.gvr, this.namespace, {
          labelSelector: this.opts.labelSelector,
          fieldSelector: this.opts.fieldSelector,
          resourceVersion: this.lastRv,
          allowWatchBookmarks: true,
          timeoutSeconds: Math.floor(this.minWatchTimeoutSeconds * (1 + this.random())),
        }),
        signal,
        (late) => late.close(),
      );
    } catch (e: unknown) {
      if (isExpired(e)) return this.expired(e);
      throw e;
    }
    if (!w) return false;
    const watch = w;
    const onAbort = () => watch.close();
    signal.addEventListener('abort', onAbort, { once: true });
    let events = 0;
    try {
      for await (const ev of watch) {
        if (signal.aborted) return false;
        this.handle(ev);
        events++;
        if (this.store.waitForRoom) await this.store.waitForRoom(signal);
      }
    } catch (e: unknown) {
      if (signal.aborted) return false;
      if (isExpired(e)) return this.expired(e);
      throw e;
    } finally {
      signal.removeEventListener('abort', onAbort);
      watch.close();
    }
    if (signal.aborted) return false;
    // As client-go: a watch that ends at once without a single event means something is
    // wrong (e.g. the server keeps refusing it); relist with backoff instead of spinning.
    if (events === 0 && this.clock.now() - started < 1000) {
      throw new Error('very short watch: the watch ended immediately without any events');
    }
    return true;
  }

  private expired(e: unknown): false {
    log.info('watch position expired; relisting', { reflector: this.name, error: e });
    this.rvUnavailable = true;
    return false;
  }

  private handle(ev: ClientWatchEvent): void {
    if (ev.type === 'ERROR') throw statusErrorOf(ev.object);
    const rv = ev.object?.metadata?.resourceVersion;
    switch (ev.type) {
      case 'ADDED':
        this.store.add(ev.object);
        break;
      case 'MODIFIED':
        this.store.update(ev.object);
        break;
      case 'DELETED':
        this.store.delete(ev.object);
        break;
      case 'BOOKMARK':
        break;
      default:
        log.warn('unknown watch event type; ignoring it', { reflector: this.name, type: String((ev as { type: unknown }).type) });
        return;
    }
    if (rv) this.lastRv = rv;
  }
}

/** The StatusError an ERROR watch event carries. */
export function statusErrorOf(obj: unknown): StatusError {
  const s = (obj ?? {}) as Partial<Status>;
  if (s.kind === 'Status' || typeof s.code === 'number') {
    return new StatusError(s.code ?? 500, (s.reason ?? '') as StatusReason, s.message ?? 'watch error', s.details);
  }
  return new StatusError(500, StatusReason.InternalError, `unexpected watch error object: ${JSON.stringify(obj)}`);
}

function isTooLargeResourceVersion(e: unknown): boolean {
  return isStatusError(e) && e.code === 504 && /too large resource version/i.test(e.message);
}

/**
 * Resolves with `p`'s value, or with undefined as soon as `signal` aborts (then `p`'s
 * eventual value goes to `onLate`, and its rejection is swallowed).
 */
function untilAborted<T>(p: Promise<T>, signal: AbortSignal, onLate?: (v: T) => void): Promise<T | undefined> {
  if (signal.aborted) {
    p.then((v) => onLate?.(v), () => {});
    return Promise.resolve(undefined);
  }
  return new Promise<T | undefined>((resolve, reject) => {
    let settled = false;
    const onAbort = () => {
      if (settled) return;
      settled = true;
      resolve(undefined);
    };
    signal.addEventListener('abort', onAbort, { once: true });
    p.then(
      (v) => {
        signal.removeEventListener('abort', onAbort);
        if (settled) onLate?.(v);
        else {
          settled = true;
          resolve(v);
        }
      },
      (e: unknown) => {
        signal.removeEventListener('abort', onAbort);
        if (!settled) {
          settled = true;
          reject(e);
        }
      },
    );
  });
}
