import { isAlreadyExists, isNotFound, isStatusError } from '../apimachinery/status.js';
import type { KubeObject } from '../apimachinery/types.js';
import { realClock, type Clock } from '../util/clock.js';
import { logger } from '../util/log.js';
import { gvr, type ApiClient } from './api-client.js';
import { sleepUnlessAborted } from './backoff.js';
import { rfc3339 } from './time-format.js';

const log = logger('event-recorder');

export const EVENTS = gvr('v1', 'events');

export const EventType = { Normal: 'Normal', Warning: 'Warning' } as const;
export type EventType = (typeof EventType)[keyof typeof EventType];

/** core/v1 ObjectReference. */
export interface ObjectReference {
  kind?: string;
  namespace?: string;
  name?: string;
  uid?: string;
  apiVersion?: string;
  resourceVersion?: string;
  fieldPath?: string;
}

/** core/v1 Event as this recorder writes it. */
export interface CoreEvent extends KubeObject {
  metadata: { name: string; namespace: string; resourceVersion?: string; annotations?: Record<string, string> };
  involvedObject: ObjectReference;
  reason: string;
  message: string;
  source: { component?: string; host?: string };
  firstTimestamp: string;
  lastTimestamp: string;
  count: number;
  type: string;
  eventTime: null;
  reportingComponent: string;
  reportingInstance: string;
}

/** A reference to `obj` (as client-go's reference.GetReference), optionally to a part of it. */
export function referenceOf(obj: KubeObject, fieldPath?: string): ObjectReference {
  const m = obj.metadata ?? {};
  const ref: ObjectReference = { kind: obj.kind, namespace: m.namespace, name: m.name, uid: m.uid, apiVersion: obj.apiVersion, resourceVersion: m.resourceVersion };
  if (fieldPath) ref.fieldPath = fieldPath;
  return ref;
}

export interface EventRecorderOptions {
  client: ApiClient;
  /** source.component and reportingComponent, e.g. "deployment-controller". */
  component: string;
  /** source.host and reportingInstance (e.g. the node name for kubelets). */
  host?: string;
  clock?: Clock;
  /** Events waiting to be written (default 1000); beyond it new events are dropped and logged. */
  queueCapacity?: number;
  /** Entries of each correlation cache (LRU, default 4096). */
  cacheSize?: number;
  /** Spam filter per source+object: burst (default 25) and refill rate (default one per 5 min). */
  spamBurst?: number;
  spamQps?: number;
  /** Messages of one source/object/type/reason beyond which events are combined (default 10 within 600 s). */
  aggregateMaxEvents?: number;
  aggregateIntervalSeconds?: number;
  /** Attempts per event when the API cannot be reached (default 12, 10 s apart, the first randomized). */
  maxTries?: number;
  retrySleepMs?: number;
  random?: () => number;
}

/**
 * Records core/v1 Events about objects, as client-go's record.EventRecorder with its event
 * correlator:
 *
 * - The same event again (same source, object, type, reason and message) patches the
 *   existing Event's count, lastTimestamp and message instead of creating another (kubectl
 *   shows "x3 over 2m"); if that Event is gone, a new one is created.
 * - Once `aggregateMaxEvents` different messages with the same source, object, type and
 *   reason were seen within `aggregateIntervalSeconds`, further ones are written as a single
 *   Event "(combined from similar events): <latest message>" whose count grows.
 * - A token bucket per source+object (burst 25, one more every 5 minutes) drops the excess.
 * - The correlation state lives in LRU caches of `cacheSize` entries each.
 *
 * `event`/`eventf` never block or throw: they queue the event (bounded by `queueCapacity`;
 * when full the new event is dropped with a log line) and `run(signal)` writes queued events
 * one at a time until `signal` aborts (events still queued then are dropped). Writes that fail
 * because the API is unreachable are retried; events the API rejects are dropped.
 */
export class EventRecorder {
  private readonly client: ApiClient;
  private readonly clock: Clock;
  private readonly capacity: number;
  private readonly maxTries: number;
  private readonly retrySleepMs: number;
  private readonly random: () => number;
  private readonly correlator: EventCorrelator;
  private queue: CoreEvent[] = [];
  private wake: (() => void) | undefined;
  private busy = false;
  private idleWaiters: (() => void)[] = [];
  private lastNanos = 0n;
  private droppedCount = 0;

  constructor(private readonly opts: EventRecorderOptions) {
    this.client = opts.client;
    this.clock = opts.clock ?? realClock;
    this.capacity = opts.queueCapacity ?? 1000;
    this.maxTries = opts.maxTries ?? 12;
    this.retrySleepMs = opts.retrySleepMs ?? 10_000;
    this.random = opts.random ?? Math.random;
    this.correlator = new EventCorrelator(this.clock, {
      cacheSize: opts.cacheSize ?? 4096,
      spamBurst: opts.spamBurst ?? 25,
      spamQps: opts.spamQps ?? 1 / 300,
      maxEvents: opts.aggregateMaxEvents ?? 10,
      maxIntervalMs: (opts.aggregateIntervalSeconds ?? 600) * 1000,
      newName: (objName) => this.eventName(objName),
    });
  }

  /** Events dropped because the queue was full. */
  get dropped(): number {
    return this.droppedCount;
  }

  /** Queues an event about `regarding` (an object, or a reference to one or a part of one). */
  event(regarding: KubeObject | ObjectReference, type: EventType, reason: string, message: string): void {
    this.generate(regarding, undefined, type, reason, message);
  }

  /** As `event`, with a Go-style format (%s %v %d %q %%). */
  eventf(regarding: KubeObject | ObjectReference, type: EventType, reason: string, messageFmt: string, ...args: unknown[]): void {
    this.generate(regarding, undefined, type, reason, sprintf(messageFmt, args));
  }

  /** As `eventf`, with annotations on the Event object. */
  annotatedEventf(
    regarding: KubeObject | ObjectReference,
    annotations: Record<string, string>,
    type: EventType,
    reason: string,
    messageFmt: string,
    ...args: unknown[]
  ): void {
    this.generate(regarding, annotations, type, reason, sprintf(messageFmt, args));
  }

  /** Resolves once nothing is queued or being written (for tests and orderly shutdown). */
  whenIdle(): Promise<void> {
    if (this.queue.length === 0 && !this.busy) return Promise.resolve();
    return new Promise((r) => this.idleWaiters.push(r));
  }

  /** Writes queued events until `signal` aborts. */
  async run(signal: AbortSignal): Promise<void> {
    const onAbort = () => this.wake?.();
    signal.addEventListener('abort', onAbort, { once: true });
    try {
      while (!signal.aborted) {
        const ev = this.queue.shift();
        if (!ev) {
          this.notifyIdle();
          await new Promise<void>((r) => (this.wake = r));
          this.wake = undefined;
          continue;
        }
        this.busy = true;
        try {
          await this.recordToSink(ev, signal);
        } finally {
          this.busy = false;
        }
      }
    } finally {
      signal.removeEventListener('abort', onAbort);
      if (this.queue.length) log.info('dropping queued events on shutdown', { count: this.queue.length });
      this.queue = [];
      this.notifyIdle();
    }
  }

  private notifyIdle(): void {
    if (this.queue.length === 0 && !this.busy) for (const w of this.idleWaiters.splice(0)) w();
  }

  private generate(regarding: KubeObject | ObjectReference, annotations: Record<string, string> | undefined, type: string, reason: string, message: string): void {
    if (type !== EventType.Normal && type !== EventType.Warning) {
      log.error(`Unsupported event type: '${type}'`);
      return;
    }
    const ref = 'metadata' in regarding && regarding.metadata ? referenceOf(regarding as KubeObject) : { ...(regarding as ObjectReference) };
    if (!ref.name) {
      log.error('cannot record an event about an object without a name', { reason });
      return;
    }
    const now = this.clock.now();
    const ts = rfc3339(now);
    const ev: CoreEvent = {
      apiVersion: 'v1',
      kind: 'Event',
      metadata: { name: this.eventName(ref.name), namespace: ref.namespace || 'default' },
      involvedObject: ref,
      reason,
      message,
      source: this.opts.host ? { component: this.opts.component, host: this.opts.host } : { component: this.opts.component },
      firstTimestamp: ts,
      lastTimestamp: ts,
      count: 1,
      type,
      eventTime: null,
      reportingComponent: this.opts.component,
      reportingInstance: this.opts.host ?? '',
    };
    if (annotations) ev.metadata.annotations = { ...annotations };
    if (this.queue.length >= this.capacity) {
      this.droppedCount++;
      log.warn('event queue full; dropping event', { object: `${ref.kind ?? ''}/${ref.name}`, reason, dropped: this.droppedCount });
      return;
    }
    this.queue.push(ev);
    this.wake?.();
  }

  /** `<object name>.<unix nanoseconds in hex>`, as upstream; strictly increasing per recorder. */
  private eventName(objName: string): string {
    let nanos = BigInt(this.clock.now()) * 1_000_000n;
    if (nanos <= this.lastNanos) nanos = this.lastNanos + 1n;
    this.lastNanos = nanos;
    return `${objName}.${nanos.toString(16)}`;
  }

  private async recordToSink(ev: CoreEvent, signal: AbortSignal): Promise<void> {
    const result = this.correlator.correlate(ev);
    if (result.skip) return;
    for (let tries = 1; ; tries++) {
      if (await this.recordEvent(result.event, result.patch)) return;
      if (tries >= this.maxTries) {
        log.error('unable to write event (retry limit exceeded)', { event: result.event.metadata.name });
        return;
      }
      // The first wait is randomized so that clients do not all retry in step after an outage.
      const wait = tries === 1 ? this.retrySleepMs * this.random() : this.retrySleepMs;
      if (!(await sleepUnlessAborted(this.clock, wait, signal))) return;
    }
  }

  /** One write; true when done with this event (written, or rejected for good). */
  private async recordEvent(ev: CoreEvent, patch: Record<string, unknown> | undefined): Promise<boolean> {
    const ns = ev.metadata.namespace;
    let written: KubeObject | undefined;
    let err: unknown;
    if (patch) {
      try {
        written = await this.client.patch(EVENTS, ns, ev.metadata.name, 'strategic', patch);
      } catch (e: unknown) {
        err = e;
      }
    }
    // The Event may have been removed meanwhile: create it anew (without a resourceVersion).
    if (!patch || (err !== undefined && isNotFound(err))) {
      err = undefined;
      const { resourceVersion: _, ...meta } = ev.metadata;
      try {
        written = await this.client.create(EVENTS, ns, { ...ev, metadata: meta });
      } catch (e: unknown) {
        err = e;
      }
    }
    if (err === undefined && written) {
      this.correlator.updateState(written as CoreEvent);
      return true;
    }
    if (isStatusError(err)) {
      if (isAlreadyExists(err)) log.debug('server rejected event (will not retry)', { event: ev.metadata.name, error: err });
      else log.error('server rejected event (will not retry)', { event: ev.metadata.name, error: err });
      return true;
    }
    log.error('unable to write event (may retry after sleeping)', { event: ev.metadata.name, error: err });
    return false;
  }
}

// ---- correlation (client-go's events_cache) ----

/** A Map-backed LRU: `get` refreshes an entry; `set` beyond capacity evicts the least recent. */
export class LruCache<K, V> {
  private readonly map = new Map<K, V>();

  constructor(private readonly capacity: number) {}

  get(key: K): V | undefined {
    const v = this.map.get(key);
    if (v !== undefined) {
      this.map.delete(key);
      this.map.set(key, v);
    }
    return v;
  }

  set(key: K, value: V): void {
    this.map.delete(key);
    this.map.set(key, value);
    if (this.map.size > this.capacity) this.map.delete(this.map.keys().next().value as K);
  }

  get size(): number {
    return this.map.size;
  }
}

interface CorrelatorOptions {
  cacheSize: number;
  spamBurst: number;
  spamQps: number;
  maxEvents: number;
  maxIntervalMs: number;
  newName: (objName: string) => string;
}

interface CorrelateResult {
  event: CoreEvent;
  /** Set when an existing Event should be patched rather than created. */
  patch?: Record<string, unknown>;
  skip: boolean;
}

interface EventLog {
  count: number;
  firstTimestamp: string;
  name: string;
  resourceVersion: string | undefined;
}

const SEP = '\u0000';

/** Everything that makes two events "the same" (client-go's getEventKey). */
function eventKey(e: CoreEvent): string {
  const o = e.involvedObject;
  return [e.source.component, e.source.host, o.kind, o.namespace, o.name, o.fieldPath, o.uid, o.apiVersion, e.type, e.reason, e.message].map((s) => s ?? '').join(SEP);
}

/** Source and object: the spam filter's unit (client-go's getSpamKey). */
function spamKey(e: CoreEvent): string {
  const o = e.involvedObject;
  return [e.source.component, e.source.host, o.kind, o.namespace, o.name, o.uid, o.apiVersion].map((s) => s ?? '').join(SEP);
}

/** Everything but the message: events "similar" enough to be combined (EventAggregatorByReasonFunc). */
function aggregateKey(e: CoreEvent): string {
  const o = e.involvedObject;
  return [e.source.component, e.source.host, o.kind, o.namespace, o.name, o.uid, o.apiVersion, e.type, e.reason, e.reportingComponent, e.reportingInstance]
    .map((s) => s ?? '')
    .join(SEP);
}

class TokenBucket {
  private tokens: number;
  private last: number;

  constructor(
    private readonly qps: number,
    private readonly burst: number,
    private readonly clock: Clock,
  ) {
    this.tokens = burst;
    this.last = clock.now();
  }

  tryAccept(): boolean {
    const now = this.clock.now();
    this.tokens = Math.min(this.burst, this.tokens + (Math.max(0, now - this.last) / 1000) * this.qps);
    this.last = now;
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }
}

/** Filtering, aggregation and counting of events before they are written (client-go's EventCorrelator). */
class EventCorrelator {
  private readonly spam: LruCache<string, TokenBucket>;
  private readonly aggregates: LruCache<string, { localKeys: Set<string>; last: number }>;
  private readonly logs: LruCache<string, EventLog>;

  constructor(
    private readonly clock: Clock,
    private readonly o: CorrelatorOptions,
  ) {
    this.spam = new LruCache(o.cacheSize);
    this.aggregates = new LruCache(o.cacheSize);
    this.logs = new LruCache(o.cacheSize);
  }

  correlate(incoming: CoreEvent): CorrelateResult {
    const { event: aggregated, key } = this.aggregate(incoming);
    const { event, patch } = this.observe(aggregated, key);
    // As upstream, the spam check comes last: a dropped repeat still counts toward the next write.
    if (this.isSpam(event)) return { event, skip: true };
    return { event, patch, skip: false };
  }

  /** Records the server's copy (its name and resourceVersion) for the next repeat. */
  updateState(written: CoreEvent): void {
    this.logs.set(eventKey(written), {
      count: written.count,
      firstTimestamp: written.firstTimestamp,
      name: written.metadata.name,
      resourceVersion: written.metadata.resourceVersion,
    });
  }

  private isSpam(e: CoreEvent): boolean {
    const k = spamKey(e);
    let bucket = this.spam.get(k);
    if (!bucket) bucket = new TokenBucket(this.o.spamQps, this.o.spamBurst, this.clock);
    const ok = bucket.tryAccept();
    this.spam.set(k, bucket);
    return !ok;
  }

  private aggregate(e: CoreEvent): { event: CoreEvent; key: string } {
    const now = this.clock.now();
    const aggKey = aggregateKey(e);
    let rec = this.aggregates.get(aggKey);
    if (!rec || now - rec.last > this.o.maxIntervalMs) rec = { localKeys: new Set(), last: 0 };
    rec.localKeys.add(e.message);
    rec.last = now;
    this.aggregates.set(aggKey, rec);
    if (rec.localKeys.size < this.o.maxEvents) return { event: e, key: eventKey(e) };
    // Keep the set from growing past the threshold.
    rec.localKeys.delete(rec.localKeys.values().next().value as string);
    const ts = rfc3339(now);
    const combined: CoreEvent = {
      ...e,
      metadata: { name: this.o.newName(e.involvedObject.name ?? ''), namespace: e.metadata.namespace },
      count: 1,
      firstTimestamp: ts,
      lastTimestamp: ts,
      message: `(combined from similar events): ${e.message}`,
    };
    return { event: combined, key: aggKey };
  }

  private observe(e: CoreEvent, key: string): { event: CoreEvent; patch?: Record<string, unknown> } {
    const event: CoreEvent = { ...e, metadata: { ...e.metadata } };
    const last = this.logs.get(key);
    let patch: Record<string, unknown> | undefined;
    if (last && last.count > 0) {
      event.metadata.name = last.name;
      if (last.resourceVersion) event.metadata.resourceVersion = last.resourceVersion;
      event.firstTimestamp = last.firstTimestamp;
      event.count = last.count + 1;
      // What a two-way strategic merge patch between the zeroed and the new event holds.
      patch = { count: event.count, lastTimestamp: event.lastTimestamp, message: event.message };
    }
    this.logs.set(key, { count: event.count, firstTimestamp: event.firstTimestamp, name: event.metadata.name, resourceVersion: event.metadata.resourceVersion });
    return { event, patch };
  }
}

/** A subset of Go's fmt verbs: %s %v %d %q %%, plus %f. Extra or missing arguments are shown as Go does. */
export function sprintf(format: string, args: readonly unknown[]): string {
  let i = 0;
  const out = format.replace(/%([%svdqf])/g, (m, verb: string) => {
    if (verb === '%') return '%';
    if (i >= args.length) return `%!${verb}(MISSING)`;
    const a = args[i++];
    switch (verb) {
      case 'd':
        return typeof a === 'number' || typeof a === 'bigint' ? String(typeof a === 'number' ? Math.trunc(a) : a) : `%!d(${show(a)})`;
      case 'f':
        return typeof a === 'number' ? a.toFixed(6) : `%!f(${show(a)})`;
      case 'q':
        return JSON.stringify(typeof a === 'string' ? a : show(a));
      default:
        return show(a);
    }
  });
  if (i < args.length) return `${out}%!(EXTRA ${args.slice(i).map(show).join(', ')})`;
  return out;
}

function show(a: unknown): string {
  if (typeof a === 'string') return a;
  if (a instanceof Error) return a.message;
  if (a === null || a === undefined) return '<nil>';
  if (typeof a === 'object') return JSON.stringify(a);
  return String(a);
}
