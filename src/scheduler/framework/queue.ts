/**
 * The scheduling queue, as upstream's PriorityQueue with queueing hints:
 *
 * - activeQ: pods ready to be tried, ordered by the QueueSort plugin (PrioritySort: higher
 *   priority first, then earlier timestamp).
 * - backoffQ: pods waiting out their backoff (1 s doubled per attempt up to 10 s) before
 *   going back to activeQ; flushed every second.
 * - unschedulable pods: pods rejected by some plugins. A cluster event moves such a pod out
 *   only when a plugin that rejected it registered that event and its queueing hint says the
 *   event may help (to backoffQ while still backing off, else activeQ). Pods left there for
 *   5 minutes are moved anyway (checked every 30 s).
 * - in-flight pods: pods being scheduled. Events seen meanwhile are kept so that a pod
 *   rejected by a plugin whose problem was solved during its attempt is retried at once
 *   instead of waiting in the unschedulable pool.
 *
 * Pods are keyed by namespace/name (in-flight tracking by uid). The nominator remembers
 * which pods preemption nominated to which node. Single-threaded; `pop` is the only method
 * that waits.
 */
import type { KubeObject } from '../../apimachinery/types.js';
import { realClock, type Clock } from '../../util/clock.js';
import type { Pod } from './api.js';
import { podKey } from './api.js';
import {
  ActionType,
  EventResource,
  QueueingHint,
  UnschedulableTimeout,
  eventMatches,
  isWildCard,
  podSchedulingPropertiesChange,
  type ClusterEvent,
  type ClusterEventWithHint,
} from './cluster-events.js';
import { KeyedHeap } from './heap.js';
import { NominatingMode, type NominatingInfo, type PodNominator, type PreEnqueuePlugin, type QueuedPodInfo } from './interfaces.js';
import { PodInfo } from './node-info.js';
import { isSuccess } from './status.js';

export const DEFAULT_POD_INITIAL_BACKOFF_MS = 1000;
export const DEFAULT_POD_MAX_BACKOFF_MS = 10_000;
export const DEFAULT_POD_MAX_IN_UNSCHEDULABLE_MS = 5 * 60_000;
const BACKOFF_FLUSH_MS = 1000;
const UNSCHEDULABLE_FLUSH_MS = 30_000;

/** Where a pod goes after an event or a failed attempt. */
export const QueueingStrategy = { Skip: 'Skip', AfterBackoff: 'AfterBackoff', Immediately: 'Immediately' } as const;
export type QueueingStrategy = (typeof QueueingStrategy)[keyof typeof QueueingStrategy];

export type QueueName = 'activeQ' | 'backoffQ' | 'unschedulablePods';

/** A plugin's registration, as the queue keeps it. */
export interface PluginHint extends ClusterEventWithHint {
  plugin: string;
}

export interface SchedulingQueueOptions {
  clock?: Clock;
  /** The QueueSort plugin's order (default: PrioritySort's). */
  less?: (a: QueuedPodInfo, b: QueuedPodInfo) => boolean;
  preEnqueuePlugins?: PreEnqueuePlugin[];
  /** Every plugin's event registrations. */
  hints?: PluginHint[];
  podInitialBackoffMs?: number;
  podMaxBackoffMs?: number;
  podMaxInUnschedulablePodsMs?: number;
  /** For the nominator: whether the pod still exists unassigned (upstream asks its pod lister). */
  isPodPending?: (pod: Pod) => boolean;
}

type InFlightEntry = { kind: 'pod'; uid: string } | { kind: 'event'; event: ClusterEvent; oldObj?: KubeObject; newObj?: KubeObject };

const priorityOf = (q: QueuedPodInfo) => (typeof q.podInfo.pod.spec?.priority === 'number' ? q.podInfo.pod.spec.priority : 0);

/** PrioritySort's order: higher priority first, then the earlier queue timestamp. */
export const prioritySortLess = (a: QueuedPodInfo, b: QueuedPodInfo): boolean => {
  const pa = priorityOf(a);
  const pb = priorityOf(b);
  return pa > pb || (pa === pb && a.timestamp < b.timestamp);
};

const keyOfQ = (q: QueuedPodInfo) => podKey(q.podInfo.pod);

export class SchedulingQueue implements PodNominator {
  private readonly clock: Clock;
  private readonly activeQ: KeyedHeap<QueuedPodInfo>;
  private readonly backoffQ: KeyedHeap<QueuedPodInfo>;
  private readonly unschedulable = new Map<string, QueuedPodInfo>();
  private readonly inFlightPods = new Map<string, InFlightEntry>();
  private inFlightEvents: InFlightEntry[] = [];
  private readonly preEnqueue: PreEnqueuePlugin[];
  private readonly hints: PluginHint[];
  private readonly initialBackoff: number;
  private readonly maxBackoff: number;
  private readonly maxInUnschedulable: number;
  private cycle = 0;
  private waiters: (() => void)[] = [];
  private closed = false;
  // nominator
  private readonly nominatedPods = new Map<string, PodInfo[]>();
  private readonly nominatedPodToNode = new Map<string, string>();
  private readonly isPodPending: (pod: Pod) => boolean;

  constructor(opts: SchedulingQueueOptions = {}) {
    this.clock = opts.clock ?? realClock;
    const less = opts.less ?? prioritySortLess;
    this.activeQ = new KeyedHeap(keyOfQ, less);
    this.backoffQ = new KeyedHeap(keyOfQ, (a, b) => this.backoffTime(a) < this.backoffTime(b));
    this.preEnqueue = opts.preEnqueuePlugins ?? [];
    this.hints = opts.hints ?? [];
    this.initialBackoff = opts.podInitialBackoffMs ?? DEFAULT_POD_INITIAL_BACKOFF_MS;
    this.maxBackoff = opts.podMaxBackoffMs ?? DEFAULT_POD_MAX_BACKOFF_MS;
    this.maxInUnschedulable = opts.podMaxInUnschedulablePodsMs ?? DEFAULT_POD_MAX_IN_UNSCHEDULABLE_MS;
    this.isPodPending = opts.isPodPending ?? (() => true);
  }

  /** Runs the periodic flushes until `signal` aborts; then wakes every pop() with undefined. */
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
    every(BACKOFF_FLUSH_MS, () => this.flushBackoffQCompleted());
    every(UNSCHEDULABLE_FLUSH_MS, () => this.flushUnschedulablePodsLeftover());
    await new Promise<void>((resolve) => {
      if (signal.aborted) return resolve();
      signal.addEventListener('abort', () => resolve(), { once: true });
    });
    for (const s of stops) s();
    this.close();
  }

  /** Wakes every pop() waiter with undefined; later pops return undefined at once. */
  close(): void {
    this.closed = true;
    this.notify();
  }

  /** The number of the last scheduling cycle started (one per pop). */
  schedulingCycle(): number {
    return this.cycle;
  }

  private newQueuedPodInfo(pod: Pod): QueuedPodInfo {
    const now = this.clock.now();
    return {
      podInfo: new PodInfo(pod),
      timestamp: now,
      attempts: 0,
      initialAttemptTimestamp: undefined,
      unschedulablePlugins: new Set(),
      pendingPlugins: new Set(),
      gatingPlugin: undefined,
    };
  }

  private notify(): void {
    const w = this.waiters;
    this.waiters = [];
    for (const f of w) f();
  }

  /** The time a pod's backoff ends: its timestamp plus 1 s doubled per further attempt, at most the maximum. */
  backoffTime(q: QueuedPodInfo): number {
    return q.timestamp + this.backoffDuration(q);
  }

  private backoffDuration(q: QueuedPodInfo): number {
    let d = this.initialBackoff;
    for (let i = 1; i < q.attempts; i++) {
      if (d > this.maxBackoff - d) return this.maxBackoff;
      d += d;
    }
    return d;
  }

  isPodBackingOff(q: QueuedPodInfo): boolean {
    if (q.gatingPlugin) return false;
    return this.backoffTime(q) > this.clock.now();
  }

  /** Runs PreEnqueue plugins and moves the pod to activeQ, or parks it as gated; true when queued. */
  private addToActiveQ(q: QueuedPodInfo): boolean {
    q.gatingPlugin = undefined;
    for (const pl of this.preEnqueue) {
      const s = pl.preEnqueue(q.podInfo.pod);
      if (!isSuccess(s)) {
        q.gatingPlugin = pl.name;
        this.unschedulable.set(keyOfQ(q), q);
        return false;
      }
    }
    q.initialAttemptTimestamp ??= this.clock.now();
    this.unschedulable.delete(keyOfQ(q));
    this.backoffQ.delete(keyOfQ(q));
    this.activeQ.addOrUpdate(q);
    this.notify();
    return true;
  }

  /** A new pending pod (informer add). */
  add(pod: Pod): void {
    const q = this.newQueuedPodInfo(pod);
    this.addToActiveQ(q);
    this.addNominatedPod(q.podInfo, undefined);
  }

  /** Puts pods straight into activeQ if they are waiting in backoffQ or the unschedulable pool. */
  activate(pods: Pod[]): void {
    for (const pod of pods) {
      const key = podKey(pod);
      const q = this.unschedulable.get(key) ?? this.backoffQ.get(key);
      if (!q || q.gatingPlugin) continue;
      this.addToActiveQ(q);
    }
  }

  /**
   * Takes the next pod to schedule, waiting until there is one; undefined once closed or
   * `signal` aborts. The pod counts as in flight until `done(uid)`.
   */
  async pop(signal?: AbortSignal): Promise<QueuedPodInfo | undefined> {
    while (this.activeQ.length === 0) {
      if (this.closed || signal?.aborted) return undefined;
      await new Promise<void>((resolve) => {
        const onAbort = () => resolve();
        this.waiters.push(() => {
          signal?.removeEventListener('abort', onAbort);
          resolve();
        });
        signal?.addEventListener('abort', onAbort, { once: true });
      });
    }
    if (this.closed || signal?.aborted) return undefined;
    const q = this.activeQ.pop()!;
    q.attempts++;
    this.cycle++;
    q.unschedulablePlugins.clear();
    q.pendingPlugins.clear();
    const marker: InFlightEntry = { kind: 'pod', uid: q.podInfo.uid };
    this.inFlightPods.set(q.podInfo.uid, marker);
    this.inFlightEvents.push(marker);
    return q;
  }

  /** The pod's attempt is over (scheduled, or requeued): forget its in-flight events. */
  done(uid: string): void {
    const marker = this.inFlightPods.get(uid);
    if (!marker) return;
    this.inFlightPods.delete(uid);
    const i = this.inFlightEvents.indexOf(marker);
    if (i >= 0) this.inFlightEvents.splice(i, 1);
    // Events before the oldest pod still in flight concern nobody any more.
    let drop = 0;
    while (drop < this.inFlightEvents.length && this.inFlightEvents[drop]!.kind === 'event') drop++;
    if (drop) this.inFlightEvents = this.inFlightEvents.slice(drop);
  }

  inFlightCount(): number {
    return this.inFlightPods.size;
  }

  private recordInFlightEvent(event: ClusterEvent, oldObj?: KubeObject, newObj?: KubeObject): void {
    if (this.inFlightPods.size > 0) this.inFlightEvents.push({ kind: 'event', event, oldObj, newObj });
  }

  /** Whether `event` may make the pod schedulable, by the hints of the plugins that rejected it. */
  private isPodWorthRequeuing(q: QueuedPodInfo, event: ClusterEvent, oldObj?: KubeObject, newObj?: KubeObject): QueueingStrategy {
    const rejectors = new Set([...q.unschedulablePlugins, ...q.pendingPlugins]);
    if (q.gatingPlugin) rejectors.add(q.gatingPlugin);
    if (rejectors.size === 0) return QueueingStrategy.AfterBackoff;
    if (isWildCard(event)) return QueueingStrategy.AfterBackoff;
    let strategy: QueueingStrategy = QueueingStrategy.Skip;
    for (const h of this.hints) {
      if (!rejectors.has(h.plugin) || !eventMatches(h.event, event)) continue;
      let hint: QueueingHint = QueueingHint.Queue;
      if (h.hint) {
        try {
          hint = h.hint(q.podInfo.pod, oldObj, newObj);
        } catch {
          hint = QueueingHint.Queue;
        }
      }
      if (hint === QueueingHint.QueueSkip) continue;
      if (q.pendingPlugins.has(h.plugin)) return QueueingStrategy.Immediately;
      strategy = QueueingStrategy.AfterBackoff;
    }
    return strategy;
  }

  private requeue(q: QueuedPodInfo, strategy: QueueingStrategy): QueueName {
    const key = keyOfQ(q);
    if (strategy === QueueingStrategy.Skip) {
      this.unschedulable.set(key, q);
      return 'unschedulablePods';
    }
    if (strategy === QueueingStrategy.AfterBackoff && this.isPodBackingOff(q)) {
      this.unschedulable.delete(key);
      this.backoffQ.addOrUpdate(q);
      return 'backoffQ';
    }
    return this.addToActiveQ(q) ? 'activeQ' : 'unschedulablePods';
  }

  /**
   * A failed attempt: back to the queue. Events seen while the pod was in flight decide
   * whether it waits in the unschedulable pool or is retried after backoff. Ends the pod's
   * in-flight state.
   */
  addUnschedulableIfNotPresent(q: QueuedPodInfo): QueueName | undefined {
    const uid = q.podInfo.uid;
    try {
      const key = keyOfQ(q);
      if (this.unschedulable.has(key) || this.activeQ.has(key) || this.backoffQ.has(key)) return undefined;
      q.timestamp = this.clock.now();
      const where = this.requeue(q, this.hintForInFlightPod(q));
      this.addNominatedPod(q.podInfo, undefined);
      return where;
    } finally {
      this.done(uid);
    }
  }

  private hintForInFlightPod(q: QueuedPodInfo): QueueingStrategy {
    const rejectors = q.unschedulablePlugins.size + q.pendingPlugins.size;
    // No plugin rejected it: an error; retry after backoff.
    if (rejectors === 0) return QueueingStrategy.AfterBackoff;
    const marker = this.inFlightPods.get(q.podInfo.uid);
    const start = marker ? this.inFlightEvents.indexOf(marker) + 1 : this.inFlightEvents.length;
    let strategy: QueueingStrategy = QueueingStrategy.Skip;
    for (let i = start; i < this.inFlightEvents.length; i++) {
      const e = this.inFlightEvents[i]!;
      if (e.kind !== 'event') continue;
      const s = this.isPodWorthRequeuing(q, e.event, e.oldObj, e.newObj);
      if (s === QueueingStrategy.Immediately) return s;
      if (s === QueueingStrategy.AfterBackoff) {
        strategy = s;
        if (q.pendingPlugins.size === 0) return s;
      }
    }
    return strategy;
  }

  /** Moves unschedulable pods the event may help (by their rejectors' hints); records it for in-flight pods. */
  moveAllToActiveOrBackoffQueue(event: ClusterEvent, oldObj?: KubeObject, newObj?: KubeObject, filter?: (q: QueuedPodInfo) => boolean): void {
    for (const q of [...this.unschedulable.values()]) {
      if (filter && !filter(q)) continue;
      const s = this.isPodWorthRequeuing(q, event, oldObj, newObj);
      if (s === QueueingStrategy.Skip) continue;
      this.unschedulable.delete(keyOfQ(q));
      this.requeue(q, s);
    }
    this.recordInFlightEvent(event, oldObj, newObj);
  }

  /** A pod was bound (informer add of an assigned pod). */
  assignedPodAdded(pod: Pod): void {
    this.moveAllToActiveOrBackoffQueue({ resource: EventResource.AssignedPod, actionType: ActionType.Add, label: 'AssignedPodAdd' }, undefined, pod);
  }

  /** A bound pod changed. */
  assignedPodUpdated(oldPod: Pod, newPod: Pod): void {
    for (const ev of podSchedulingPropertiesChange(newPod, oldPod)) this.moveAllToActiveOrBackoffQueue(ev, oldPod, newPod);
  }

  /** A pending pod changed (informer update). */
  update(oldPod: Pod | undefined, newPod: Pod): void {
    const key = podKey(newPod);
    const uid = newPod.metadata.uid ?? '';
    if (this.inFlightPods.has(uid)) {
      // Being scheduled: remember the update in case the attempt fails.
      this.recordInFlightEvent({ resource: EventResource.UnscheduledPod, actionType: ActionType.Update, label: 'UnscheduledPodUpdate' }, oldPod, newPod);
      return;
    }
    const inActive = this.activeQ.get(key);
    if (inActive) {
      inActive.podInfo = new PodInfo(newPod);
      this.activeQ.addOrUpdate(inActive);
      this.updateNominatedPod(oldPod, inActive.podInfo);
      return;
    }
    const inBackoff = this.backoffQ.get(key);
    if (inBackoff) {
      inBackoff.podInfo = new PodInfo(newPod);
      this.backoffQ.addOrUpdate(inBackoff);
      this.updateNominatedPod(oldPod, inBackoff.podInfo);
      return;
    }
    const q = this.unschedulable.get(key);
    if (q) {
      q.podInfo = new PodInfo(newPod);
      this.updateNominatedPod(oldPod, q.podInfo);
      if (!oldPod) return;
      for (const ev of podSchedulingPropertiesChange(newPod, oldPod)) {
        const s = this.isPodWorthRequeuing(q, ev, oldPod, newPod);
        if (s === QueueingStrategy.Skip) continue;
        this.unschedulable.delete(key);
        if (this.requeue(q, s) !== 'unschedulablePods') break;
      }
      return;
    }
    // Not queued anywhere (e.g. a relist): treat as new.
    const fresh = this.newQueuedPodInfo(newPod);
    this.addToActiveQ(fresh);
    this.addNominatedPod(fresh.podInfo, undefined);
  }

  /** A pending pod was deleted (or got bound by someone else). */
  delete(pod: Pod): void {
    const key = podKey(pod);
    this.deleteNominatedPodIfExists(pod);
    this.activeQ.delete(key);
    this.backoffQ.delete(key);
    this.unschedulable.delete(key);
  }

  /** Moves pods whose backoff has ended from backoffQ to activeQ. */
  flushBackoffQCompleted(): void {
    const now = this.clock.now();
    for (;;) {
      const q = this.backoffQ.peek();
      if (!q || this.backoffTime(q) > now) return;
      this.backoffQ.pop();
      this.addToActiveQ(q);
    }
  }

  /** Moves pods that stayed unschedulable longer than the maximum (5 minutes) back for another try. */
  flushUnschedulablePodsLeftover(): void {
    const now = this.clock.now();
    const stale = [...this.unschedulable.values()].filter((q) => now - q.timestamp > this.maxInUnschedulable);
    if (stale.length === 0) return;
    const keys = new Set(stale.map(keyOfQ));
    this.moveAllToActiveOrBackoffQueue(UnschedulableTimeout, undefined, undefined, (q) => keys.has(keyOfQ(q)));
  }

  /** Where the pod is queued, if anywhere (for tests and diagnostics). */
  whereIs(pod: Pod): QueueName | undefined {
    const key = podKey(pod);
    if (this.activeQ.has(key)) return 'activeQ';
    if (this.backoffQ.has(key)) return 'backoffQ';
    if (this.unschedulable.has(key)) return 'unschedulablePods';
    return undefined;
  }

  /** The queued entry of a pod (any sub-queue). */
  get(pod: Pod): QueuedPodInfo | undefined {
    const key = podKey(pod);
    return this.activeQ.get(key) ?? this.backoffQ.get(key) ?? this.unschedulable.get(key);
  }

  pendingPods(): { activeQ: Pod[]; backoffQ: Pod[]; unschedulablePods: Pod[] } {
    return {
      activeQ: this.activeQ.list().map((q) => q.podInfo.pod),
      backoffQ: this.backoffQ.list().map((q) => q.podInfo.pod),
      unschedulablePods: [...this.unschedulable.values()].map((q) => q.podInfo.pod),
    };
  }

  // ---- nominator ----

  /**
   * Records that `pi` is nominated to a node: the given node for Override, the pod's own
   * status.nominatedNodeName otherwise.
   */
  addNominatedPod(pi: PodInfo, info: NominatingInfo | undefined): void {
    this.deleteNominatedPodIfExists(pi.pod);
    let nodeName: string;
    if (info?.mode === NominatingMode.Override) nodeName = info.nominatedNodeName;
    else nodeName = pi.pod.status?.nominatedNodeName ?? '';
    if (!nodeName) return;
    if (!this.isPodPending(pi.pod)) return;
    this.nominatedPodToNode.set(pi.uid, nodeName);
    const list = this.nominatedPods.get(nodeName) ?? [];
    if (!list.some((p) => p.uid === pi.uid)) list.push(pi);
    this.nominatedPods.set(nodeName, list);
  }

  deleteNominatedPodIfExists(pod: Pod): void {
    const uid = pod.metadata.uid ?? '';
    const node = this.nominatedPodToNode.get(uid);
    if (node === undefined) return;
    this.nominatedPodToNode.delete(uid);
    const list = (this.nominatedPods.get(node) ?? []).filter((p) => p.uid !== uid);
    if (list.length) this.nominatedPods.set(node, list);
    else this.nominatedPods.delete(node);
  }

  /** Keeps a nomination across updates that do not touch status.nominatedNodeName. */
  updateNominatedPod(oldPod: Pod | undefined, newInfo: PodInfo): void {
    let info: NominatingInfo | undefined;
    if (!oldPod?.status?.nominatedNodeName && !newInfo.pod.status?.nominatedNodeName) {
      const nnn = this.nominatedPodToNode.get(newInfo.uid);
      if (nnn !== undefined) info = { mode: NominatingMode.Override, nominatedNodeName: nnn };
    }
    if (oldPod) this.deleteNominatedPodIfExists(oldPod);
    this.addNominatedPod(newInfo, info);
  }

  nominatedPodsForNode(nodeName: string): PodInfo[] {
    return [...(this.nominatedPods.get(nodeName) ?? [])];
  }

  nominatedNodeOf(pod: Pod): string | undefined {
    return this.nominatedPodToNode.get(pod.metadata.uid ?? '');
  }
}
