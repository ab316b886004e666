/**
 * An events.k8s.io/v1 event recorder, as client-go's tools/events used by kube-scheduler:
 * one Event per distinct (controller, regarding, related, action, reason); a repeat within
 * the series window becomes a series — the first repeat is written at once (series.count 2),
 * later repeats only count and are written by the 30-minute heartbeat, and a series idle
 * for 6 minutes is written a last time and forgotten.
 *
 * `eventf` never blocks or throws: events are queued (bounded; overflow is dropped with a
 * log line) and `run(signal)` writes them one at a time.
 */
import { gvr, type ApiClient } from '../client/api-client.js';
import { referenceOf, type ObjectReference } from '../client/event-recorder.js';
import { microTime } from '../client/time-format.js';
import { isNotFound } from '../apimachinery/status.js';
import type { KubeObject } from '../apimachinery/types.js';
import { realClock, type Clock } from '../util/clock.js';
import { logger } from '../util/log.js';
import type { SchedulerEventRecorder } from './framework/index.js';

const log = logger('events');

export const EVENTS_V1 = gvr('events.k8s.io/v1', 'events');

/** Upstream's limit on an event's note. */
export const NOTE_LENGTH_LIMIT = 1024;
const FINISH_TIME_MS = 6 * 60_000;
const REFRESH_TIME_MS = 30 * 60_000;

export interface EventV1 extends KubeObject {
  metadata: { name: string; namespace: string; resourceVersion?: string };
  eventTime: string;
  series?: { count: number; lastObservedTime: string };
  reportingController: string;
  reportingInstance: string;
  action: string;
  reason: string;
  regarding: ObjectReference;
  related?: ObjectReference;
  note: string;
  type: string;
}

export interface EventsRecorderOptions {
  client: ApiClient;
  /** e.g. "default-scheduler". */
  reportingController: string;
  /** e.g. "default-scheduler-<hostname>". */
  reportingInstance: string;
  clock?: Clock;
  /** Events waiting to be written (default 1000). */
  queueCapacity?: number;
}

export class EventsRecorder implements SchedulerEventRecorder {
  private readonly clock: Clock;
  private readonly capacity: number;
  private queue: EventV1[] = [];
  private wake: (() => void) | undefined;
  private busy = false;
  private idleWaiters: (() => void)[] = [];
  private lastNanos = 0n;
  /** Isomorphic-event key -> the event as last recorded (with its series). */
  private readonly cache = new Map<string, EventV1>();

  constructor(private readonly opts: EventsRecorderOptions) {
    this.clock = opts.clock ?? realClock;
    this.capacity = opts.queueCapacity ?? 1000;
  }

  eventf(regarding: KubeObject, related: KubeObject | undefined, type: 'Normal' | 'Warning', reason: string, action: string, note: string): void {
    const ref = referenceOf(regarding);
    const now = this.clock.now();
    const ev: EventV1 = {
      apiVersion: 'events.k8s.io/v1',
      kind: 'Event',
      metadata: { name: this.eventName(ref.name ?? ''), namespace: ref.namespace || 'default' },
      eventTime: microTime(now),
      reportingController: this.opts.reportingController,
      reportingInstance: this.opts.reportingInstance,
      action,
      reason,
      regarding: ref,
      note,
      type,
    };
    if (related) ev.related = referenceOf(related);
    const key = JSON.stringify([ev.action, ev.reason, ev.reportingController, ev.regarding, ev.related ?? null]);
    const prior = this.cache.get(key);
    if (prior) {
      if (prior.series) {
        prior.series.count++;
        prior.series.lastObservedTime = microTime(now);
        return;
      }
      prior.series = { count: 2, lastObservedTime: microTime(now) };
      this.enqueue(structuredClone(prior));
      return;
    }
    this.cache.set(key, ev);
    this.enqueue(structuredClone(ev));
  }

  private enqueue(ev: EventV1): void {
    if (this.queue.length >= this.capacity) {
      log.warn('event queue full; dropping event', { reason: ev.reason, object: ev.regarding.name });
      return;
    }
    this.queue.push(ev);
    this.wake?.();
  }

  /** `<name>.<unix nanoseconds in hex>`, strictly increasing. */
  private eventName(objName: string): string {
    let nanos = BigInt(this.clock.now()) * 1_000_000n;
    if (nanos <= this.lastNanos) nanos = this.lastNanos + 1n;
    this.lastNanos = nanos;
    return `${objName}.${nanos.toString(16)}`;
  }

  /** Resolves once nothing is queued or being written. */
  whenIdle(): Promise<void> {
    if (this.queue.length === 0 && !this.busy) return Promise.resolve();
    return new Promise((r) => this.idleWaiters.push(r));
  }

  private notifyIdle(): void {
    if (this.queue.length === 0 && !this.busy) for (const w of this.idleWaiters.splice(0)) w();
  }

  /** Ends idle series (every 6 minutes) and refreshes long-running ones (every 30 minutes). */
  private finishSeries(): void {
    const now = this.clock.now();
    for (const [k, ev] of this.cache) {
      const last = Date.parse(ev.series?.lastObservedTime ?? ev.eventTime);
      if (now - last <= FINISH_TIME_MS) continue;
      if (ev.series) this.enqueue(structuredClone(ev));
      this.cache.delete(k);
    }
  }

  private refreshSeries(): void {
    for (const ev of this.cache.values()) if (ev.series) this.enqueue(structuredClone(ev));
  }

  /** Writes queued events until `signal` aborts. */
  async run(signal: AbortSignal): Promise<void> {
    const stops: (() => void)[] = [];
    const every = (ms: number, fn: () => void) => {
      const tick = () => {
        if (signal.aborted) return;
        fn();
        stops.push(this.clock.setTimer(tick, ms));
      };
      stops.push(this.clock.setTimer(tick, ms));
    };
    every(FINISH_TIME_MS, () => this.finishSeries());
    every(REFRESH_TIME_MS, () => this.refreshSeries());
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
          await this.write(ev);
        } finally {
          this.busy = false;
        }
      }
    } finally {
      signal.removeEventListener('abort', onAbort);
      for (const s of stops) s();
      this.queue = [];
      this.notifyIdle();
    }
  }

  private async write(ev: EventV1): Promise<void> {
    const ns = ev.metadata.namespace;
    try {
      if (ev.series) {
        try {
          await this.opts.client.patch(EVENTS_V1, ns, ev.metadata.name, 'merge', { series: ev.series });
          return;
        } catch (e: unknown) {
          if (!isNotFound(e)) throw e;
        }
      }
      const { resourceVersion: _, ...meta } = ev.metadata;
      await this.opts.client.create(EVENTS_V1, ns, { ...ev, metadata: meta });
    } catch (e: unknown) {
      log.warn('unable to write event', { event: ev.metadata.name, reason: ev.reason, error: e });
    }
  }
}
