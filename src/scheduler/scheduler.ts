/**
 * kube-scheduler: watches pods and nodes, places every pending pod of the default
 * scheduler (spec.schedulerName "default-scheduler", or absent) on a node, and binds it.
 *
 * One pod at a time goes through the scheduling cycle (snapshot, filters, scores, preemption
 * when nothing fits, then assume + Reserve + Permit); its binding cycle (PreBind, Bind) then
 * runs concurrently with the next pods' scheduling cycles, which already see the assumed pod.
 * Success shows as the pod's binding (the apiserver sets PodScheduled=True) and a Normal
 * event Scheduled; failure as PodScheduled=False (reason Unschedulable, or SchedulerError
 * for internal errors) with the diagnosis message, and a Warning event FailedScheduling.
 *
 * With leader election (Lease kube-system/kube-scheduler) only the leader schedules; losing
 * the lease stops scheduling before another instance may start.
 */
import { setMaxListeners } from 'node:events';
import { hostname } from 'node:os';
import { gvr, type ApiClient } from '../client/api-client.js';
import { isTombstone, type DeletedFinalStateUnknown } from '../client/indexer.js';
import { SharedInformerFactory } from '../client/informer-factory.js';
import type { ResourceEventHandler } from '../client/informer.js';
import { LeaderElector } from '../client/leader-election.js';
import type { Lister } from '../client/lister.js';
import { rfc3339 } from '../client/time-format.js';
import { isNotFound } from '../apimachinery/status.js';
import type { KubeObject } from '../apimachinery/types.js';
import { realClock, type Clock } from '../util/clock.js';
import { logger } from '../util/log.js';
import { EventsRecorder, NOTE_LENGTH_LIMIT } from './events.js';
import {
  ActionType,
  Code,
  CycleState,
  DEFAULT_SCHEDULER_NAME,
  ERR_NO_NODES_AVAILABLE,
  EventResource,
  FitError,
  Framework,
  NominatingMode,
  PodInfo,
  ScheduleAlgorithm,
  SchedulerCache,
  SchedulingQueue,
  Snapshot,
  Status,
  isRejected,
  isSuccess,
  newDiagnosis,
  nodeSchedulingPropertiesChange,
  podSchedulingPropertiesChange,
  schedulerNameOf,
  type ClusterEvent,
  type MaybeStatus,
  type NominatingInfo,
  type Node,
  type PluginConfig,
  type PluginFactory,
  type Pod,
  type QueuedPodInfo,
} from './framework/index.js';
import { DEFAULT_PLUGINS, IN_TREE_PLUGINS } from './plugins/index.js';

const log = logger('scheduler');

const PODS = gvr('v1', 'pods');
const NODES = gvr('v1', 'nodes');
/** As upstream, the scheduler does not watch finished pods: they use no resources. */
export const POD_FIELD_SELECTOR = 'status.phase!=Succeeded,status.phase!=Failed';

export interface SchedulerLeaderElection {
  /** This instance's unique identity. */
  identity: string;
  /** Lease namespace and name (default kube-system/kube-scheduler). */
  namespace?: string;
  name?: string;
  leaseDurationSeconds?: number;
  renewDeadlineMs?: number;
  retryPeriodMs?: number;
}

export interface SchedulerOptions {
  client: ApiClient;
  clock?: Clock;
  /** Without it this instance schedules at once (single control plane). */
  leaderElection?: SchedulerLeaderElection;
  /** The scheduler name pods select (default "default-scheduler"). */
  schedulerName?: string;
  /** Plugins of the profile (default: upstream's default set and weights). */
  plugins?: readonly PluginConfig[];
  /** Plugin factories by name (default: the in-tree plugins). */
  registry?: Record<string, PluginFactory>;
  /** 0/absent: adaptive (50% minus 1% per 125 nodes, at least 5%, at least 100 nodes). */
  percentageOfNodesToScore?: number;
  podInitialBackoffSeconds?: number;
  podMaxBackoffSeconds?: number;
  /** Source of randomness for tie-breaks and preemption offsets (default Math.random). */
  random?: () => number;
  /** Host name in reportingInstance ("default-scheduler-<host>"); default os.hostname(). */
  host?: string;
}

/** Cuts a message to the event note limit, as upstream (" ..." suffix). */
export function truncateMessage(message: string): string {
  if (message.length <= NOTE_LENGTH_LIMIT) return message;
  const suffix = ' ...';
  return message.slice(0, NOTE_LENGTH_LIMIT - suffix.length) + suffix;
}

const unwrap = <T extends KubeObject>(o: KubeObject | DeletedFinalStateUnknown): T => (isTombstone(o) ? (o.obj as T) : (o as T));

/** Handler that only sees objects passing `filter`; an update crossing it becomes an add or delete. */
function filtering(filter: (o: KubeObject) => boolean, h: ResourceEventHandler): ResourceEventHandler {
  return {
    onAdd: (o, initial) => {
      if (filter(o)) h.onAdd?.(o, initial);
    },
    onUpdate: (oldObj, newObj) => {
      const was = filter(oldObj);
      const is = filter(newObj);
      if (was && is) h.onUpdate?.(oldObj, newObj);
      else if (was) h.onDelete?.(oldObj);
      else if (is) h.onAdd?.(newObj, false);
    },
    onDelete: (o) => {
      if (filter(unwrap(o))) h.onDelete?.(o);
    },
  };
}

/** What one leadership term of the scheduler works with. */
interface Running {
  informers: SharedInformerFactory;
  recorder: EventsRecorder;
  fwk: Framework;
  queue: SchedulingQueue;
  cache: SchedulerCache;
  snapshot: Snapshot;
  algorithm: ScheduleAlgorithm;
  pods: Lister<Pod>;
  bindings: Set<Promise<void>>;
  signal: AbortSignal;
}

export class Scheduler {
  private readonly clock: Clock;
  private readonly schedulerName: string;
  private current: Running | undefined;

  constructor(private readonly opts: SchedulerOptions) {
    this.clock = opts.clock ?? realClock;
    this.schedulerName = opts.schedulerName ?? DEFAULT_SCHEDULER_NAME;
  }

  /** The live internals while scheduling (for tests and diagnostics). */
  get internals(): Readonly<Pick<Running, 'queue' | 'cache' | 'fwk' | 'recorder'>> | undefined {
    return this.current;
  }

  /** Schedules (as leader, when leader election is configured) until `signal` aborts. */
  async run(signal: AbortSignal): Promise<void> {
    const le = this.opts.leaderElection;
    if (!le) return this.runScheduler(signal);
    while (!signal.aborted) {
      let leading: Promise<void> | undefined;
      const lost = new AbortController();
      const onAbort = () => lost.abort();
      signal.addEventListener('abort', onAbort, { once: true });
      const elector = new LeaderElector({
        client: this.opts.client,
        namespace: le.namespace ?? 'kube-system',
        name: le.name ?? 'kube-scheduler',
        identity: le.identity,
        clock: this.clock,
        leaseDurationSeconds: le.leaseDurationSeconds,
        renewDeadlineMs: le.renewDeadlineMs,
        retryPeriodMs: le.retryPeriodMs,
        releaseOnCancel: true,
        callbacks: {
          onStartedLeading: (leadSignal: AbortSignal) => {
            log.info('became leader; starting scheduling', { identity: le.identity });
            leading = this.runScheduler(AbortSignal.any([leadSignal, lost.signal]));
          },
          onStoppedLeading: () => {
            lost.abort();
            if (!signal.aborted) log.warn('lost leadership; scheduling stopped', { identity: le.identity });
          },
        },
      });
      try {
        await elector.run(signal);
      } finally {
        lost.abort();
        signal.removeEventListener('abort', onAbort);
        await leading;
      }
    }
  }

  private async runScheduler(outer: AbortSignal): Promise<void> {
    // One signal for this term's informers, queue and recorder; each informer listens to it.
    const ac = new AbortController();
    setMaxListeners(0, ac.signal);
    const stop = () => ac.abort();
    if (outer.aborted) stop();
    else outer.addEventListener('abort', stop, { once: true });
    const signal = ac.signal;
    const client = this.opts.client;
    const informers = new SharedInformerFactory({ client, clock: this.clock });
    const host = this.opts.host ?? hostname();
    const recorder = new EventsRecorder({ client, reportingController: this.schedulerName, reportingInstance: `${this.schedulerName}-${host}`, clock: this.clock });
    const podInformer = informers.informerFor(PODS, { fieldSelector: POD_FIELD_SELECTOR });
    const nodeInformer = informers.informerFor(NODES);
    const pods = podInformer.lister<Pod>();
    const fwk = new Framework({
      profileName: this.schedulerName,
      registry: this.opts.registry ?? IN_TREE_PLUGINS,
      plugins: this.opts.plugins ?? DEFAULT_PLUGINS,
      client,
      informers,
      clock: this.clock,
      recorder,
      random: this.opts.random,
      percentageOfNodesToScore: this.opts.percentageOfNodesToScore,
    });
    const queue = new SchedulingQueue({
      clock: this.clock,
      less: fwk.queueSort ? (a, b) => fwk.queueSort!.less(a, b) : undefined,
      preEnqueuePlugins: fwk.preEnqueuePlugins,
      hints: fwk.queueingHints(),
      podInitialBackoffMs: (this.opts.podInitialBackoffSeconds ?? 1) * 1000,
      podMaxBackoffMs: (this.opts.podMaxBackoffSeconds ?? 10) * 1000,
      isPodPending: (p) => {
        const cur = pods.get(p.metadata.namespace ?? '', p.metadata.name ?? '');
        return !!cur && !cur.spec?.nodeName;
      },
    });
    const cache = new SchedulerCache();
    const snapshot = new Snapshot();
    fwk.setSnapshot(snapshot);
    fwk.setNominator(queue);
    const r: Running = { informers, recorder, fwk, queue, cache, snapshot, algorithm: new ScheduleAlgorithm(fwk, snapshot), pods, bindings: new Set(), signal };
    this.addEventHandlers(r, podInformer, nodeInformer);

    const recording = recorder.run(signal);
    informers.start(signal);
    const queueRun = queue.run(signal);
    this.current = r;
    try {
      if (await informers.waitForCacheSync(signal)) {
        log.info('caches synced; scheduling', { schedulerName: this.schedulerName });
        for (;;) {
          const q = await queue.pop(signal);
          if (!q) break;
          try {
            await this.scheduleOne(r, q);
          } catch (e: unknown) {
            log.error('scheduling attempt failed unexpectedly', { pod: `${q.podInfo.namespace}/${q.podInfo.name}`, error: e });
            queue.done(q.podInfo.uid);
          }
        }
      }
    } finally {
      queue.close();
      await queueRun;
      await Promise.allSettled([...r.bindings]);
      await informers.shutdown();
      await recording;
      outer.removeEventListener('abort', stop);
      if (this.current === r) this.current = undefined;
    }
  }

  private responsibleFor(pod: Pod): boolean {
    return schedulerNameOf(pod) === this.schedulerName;
  }

  private addEventHandlers(r: Running, podInformer: ReturnType<SharedInformerFactory['informerFor']>, nodeInformer: ReturnType<SharedInformerFactory['informerFor']>): void {
    const { cache, queue } = r;
    const assigned = (o: KubeObject) => !!(o as Pod).spec?.nodeName;
    podInformer.addEventHandler(
      filtering(assigned, {
        onAdd: (o) => {
          const pod = o as Pod;
          cache.addPod(pod);
          queue.moveAllToActiveOrBackoffQueue({ resource: EventResource.AssignedPod, actionType: ActionType.Add, label: 'AssignedPodAdd' }, undefined, pod);
        },
        onUpdate: (o, n) => {
          const oldPod = o as Pod;
          const newPod = n as Pod;
          cache.updatePod(oldPod, newPod);
          for (const ev of podSchedulingPropertiesChange(newPod, oldPod)) queue.moveAllToActiveOrBackoffQueue(ev, oldPod, newPod);
        },
        onDelete: (o) => {
          const pod = unwrap<Pod>(o);
          cache.removePod(pod);
          queue.moveAllToActiveOrBackoffQueue({ resource: EventResource.AssignedPod, actionType: ActionType.Delete, label: 'AssignedPodDelete' }, pod, undefined);
        },
      }),
    );
    podInformer.addEventHandler(
      filtering((o) => !assigned(o) && this.responsibleFor(o as Pod), {
        onAdd: (o) => queue.add(o as Pod),
        onUpdate: (o, n) => {
          const oldPod = o as Pod;
          const newPod = n as Pod;
          if (oldPod.metadata.resourceVersion === newPod.metadata.resourceVersion) return;
          if (cache.isAssumedPod(newPod)) return;
          queue.update(oldPod, newPod);
        },
        onDelete: (o) => {
          const pod = unwrap<Pod>(o);
          queue.delete(pod);
          if (r.fwk.rejectWaitingPod(pod.metadata.uid ?? '')) {
            queue.moveAllToActiveOrBackoffQueue({ resource: EventResource.AssignedPod, actionType: ActionType.Delete, label: 'AssignedPodDelete' }, pod, undefined);
          }
        },
      }),
    );
    nodeInformer.addEventHandler({
      onAdd: (o) => {
        cache.addNode(o as Node);
        queue.moveAllToActiveOrBackoffQueue({ resource: EventResource.Node, actionType: ActionType.Add, label: 'NodeAdd' }, undefined, o);
      },
      onUpdate: (o, n) => {
        cache.updateNode(o as Node, n as Node);
        for (const ev of nodeSchedulingPropertiesChange(n as Node, o as Node)) queue.moveAllToActiveOrBackoffQueue(ev, o, n);
      },
      onDelete: (o) => {
        const node = unwrap<Node>(o);
        cache.removeNode(node);
        queue.moveAllToActiveOrBackoffQueue({ resource: EventResource.Node, actionType: ActionType.Delete, label: 'NodeDelete' }, node, undefined);
      },
    });
    // Storage objects: only their changes matter to the queue.
    const storage: [ReturnType<typeof gvr>, ClusterEvent['resource']][] = [
      [gvr('v1', 'persistentvolumes'), EventResource.PersistentVolume],
      [gvr('v1', 'persistentvolumeclaims'), EventResource.PersistentVolumeClaim],
      [gvr('storage.k8s.io/v1', 'storageclasses'), EventResource.StorageClass],
    ];
    const registered = r.fwk.queueingHints();
    for (const [g, resource] of storage) {
      if (!registered.some((h) => h.event.resource === resource)) continue;
      r.informers.informerFor(g).addEventHandler({
        onAdd: (o) => queue.moveAllToActiveOrBackoffQueue({ resource, actionType: ActionType.Add, label: `${resource}Add` }, undefined, o),
        onUpdate: (o, n) => queue.moveAllToActiveOrBackoffQueue({ resource, actionType: ActionType.UpdateOther, label: `${resource}Update` }, o, n),
        onDelete: (o) => queue.moveAllToActiveOrBackoffQueue({ resource, actionType: ActionType.Delete, label: `${resource}Delete` }, unwrap(o), undefined),
      });
    }
  }

  /** One pod's scheduling cycle; its binding cycle is started and not awaited. */
  private async scheduleOne(r: Running, q: QueuedPodInfo): Promise<void> {
    const { fwk, queue, cache } = r;
    const pod = q.podInfo.pod;
    if (pod.metadata.deletionTimestamp || cache.isAssumedPod(pod)) {
      queue.done(q.podInfo.uid);
      return;
    }
    const state = new CycleState();
    cache.updateSnapshot(r.snapshot);
    const outcome = r.algorithm.schedulePod(state, pod);
    if (outcome.kind !== 'scheduled') {
      const clear: NominatingInfo = { mode: NominatingMode.Override, nominatedNodeName: '' };
      if (outcome.kind === 'no-nodes') return this.handleFailure(r, q, Status.withError(Code.UnschedulableAndUnresolvable, new Error(ERR_NO_NODES_AVAILABLE)), clear);
      if (outcome.kind === 'error') return this.handleFailure(r, q, outcome.status, clear);
      const fitError = outcome.fitError;
      let nominating: NominatingInfo | undefined;
      if (fwk.hasPostFilterPlugins()) {
        const { result, status } = await fwk.runPostFilterPlugins(state, pod, fitError.diagnosis.nodeToStatus);
        fitError.diagnosis.postFilterMsg = status?.message() ?? '';
        if (status?.code === Code.Error) log.error('PostFilter failed', { pod: `${pod.metadata.namespace}/${pod.metadata.name}`, status: status.message() });
        nominating = result?.nominatingInfo;
      }
      return this.handleFailure(r, q, Status.withError(Code.Unschedulable, new Error(fitError.message())), nominating, fitError);
    }
    const host = outcome.result.suggestedHost;
    const assumed: Pod = structuredClone(pod);
    assumed.spec.nodeName = host;
    try {
      cache.assumePod(assumed);
    } catch (e: unknown) {
      return this.handleFailure(r, q, Status.asStatus(e), { mode: NominatingMode.Override, nominatedNodeName: '' });
    }
    queue.deleteNominatedPodIfExists(assumed);
    const rejectedOnHost = (s: Status): [Status, FitError | undefined] => {
      if (!isRejected(s)) return [s, undefined];
      const d = newDiagnosis();
      d.nodeToStatus.set(host, s);
      if (s.plugin) d.unschedulablePlugins.add(s.plugin);
      const fe = new FitError(pod, 1, d);
      return [Status.withError(s.code, new Error(fe.message())), fe];
    };
    const reserve = fwk.runReservePluginsReserve(state, assumed, host);
    if (!isSuccess(reserve)) {
      fwk.runReservePluginsUnreserve(state, assumed, host);
      cache.forgetPod(assumed);
      const [s, fe] = rejectedOnHost(reserve!);
      return this.handleFailure(r, q, s, { mode: NominatingMode.Override, nominatedNodeName: '' }, fe);
    }
    const permit = fwk.runPermitPlugins(state, assumed, host);
    if (!isSuccess(permit) && permit!.code !== Code.Wait) {
      fwk.runReservePluginsUnreserve(state, assumed, host);
      cache.forgetPod(assumed);
      const [s, fe] = rejectedOnHost(permit!);
      return this.handleFailure(r, q, s, { mode: NominatingMode.Override, nominatedNodeName: '' }, fe);
    }
    const binding = this.bindingCycle(r, q, state, assumed, host).finally(() => r.bindings.delete(binding));
    r.bindings.add(binding);
  }

  private async bindingCycle(r: Running, q: QueuedPodInfo, state: CycleState, assumed: Pod, host: string): Promise<void> {
    const { fwk, cache, queue } = r;
    let s: MaybeStatus = await fwk.waitOnPermit(assumed);
    if (isSuccess(s)) s = await fwk.runPreBindPlugins(state, assumed, host, r.signal);
    if (isSuccess(s)) {
      s = await fwk.runBindPlugins(state, assumed, host);
      if (s?.code === Code.Skip) s = Status.asStatus(new Error('no Bind plugin bound the pod'));
    }
    if (isSuccess(s)) {
      cache.finishBinding(assumed);
      r.recorder.eventf(assumed, undefined, 'Normal', 'Scheduled', 'Binding', `Successfully assigned ${assumed.metadata.namespace}/${assumed.metadata.name} to ${host}`);
      fwk.runPostBindPlugins(state, assumed, host);
      queue.done(q.podInfo.uid);
      return;
    }
    // Give the space back before anyone else is retried for it.
    fwk.runReservePluginsUnreserve(state, assumed, host);
    cache.forgetPod(assumed);
    const freed: ClusterEvent = { resource: EventResource.AssignedPod, actionType: ActionType.Delete, label: 'AssignedPodDelete' };
    if (isRejected(s)) {
      await this.handleFailure(r, q, s!, { mode: NominatingMode.Override, nominatedNodeName: '' });
      queue.moveAllToActiveOrBackoffQueue(freed, assumed, undefined, (other) => other.podInfo.uid !== assumed.metadata.uid);
    } else {
      queue.moveAllToActiveOrBackoffQueue(freed, assumed, undefined);
      await this.handleFailure(r, q, s!, { mode: NominatingMode.Override, nominatedNodeName: '' });
    }
  }

  /**
   * A failed attempt, as upstream's handleSchedulingFailure: the pod goes back to the queue
   * (if it still exists unassigned), its nomination is recorded, a FailedScheduling event
   * is emitted and its PodScheduled condition (and nominatedNodeName) are written.
   */
  private async handleFailure(r: Running, q: QueuedPodInfo, status: Status, nominating: NominatingInfo | undefined, fitError?: FitError): Promise<void> {
    const { queue } = r;
    const pod = q.podInfo.pod;
    const reason = status.code === Code.Error ? 'SchedulerError' : 'Unschedulable';
    const errMsg = status.message();
    if (fitError) {
      q.unschedulablePlugins = new Set(fitError.diagnosis.unschedulablePlugins);
      q.pendingPlugins = new Set(fitError.diagnosis.pendingPlugins);
    } else if (status.plugin && isRejected(status)) {
      q.unschedulablePlugins = new Set([status.plugin]);
    }
    const cached = r.pods.get(pod.metadata.namespace ?? '', pod.metadata.name ?? '');
    if (!cached || cached.metadata.uid !== pod.metadata.uid) {
      log.info("pod doesn't exist in informer cache", { pod: `${pod.metadata.namespace}/${pod.metadata.name}` });
      queue.done(q.podInfo.uid);
    } else if (cached.spec?.nodeName) {
      log.info('pod has been assigned to node; not adding it back to the queue', { pod: `${pod.metadata.namespace}/${pod.metadata.name}`, node: cached.spec.nodeName });
      queue.done(q.podInfo.uid);
    } else {
      q.podInfo = new PodInfo(structuredClone(cached));
      queue.addUnschedulableIfNotPresent(q);
      queue.addNominatedPod(q.podInfo, nominating);
    }
    log.info('unable to schedule pod', { pod: `${pod.metadata.namespace}/${pod.metadata.name}`, reason, message: errMsg });
    r.recorder.eventf(pod, undefined, 'Warning', 'FailedScheduling', 'Scheduling', truncateMessage(errMsg));
    await this.updatePodCondition(r, pod, { type: 'PodScheduled', status: 'False', reason, message: errMsg }, nominating);
  }

  /** Patches the pod's condition (and nomination) unless nothing would change, as upstream's updatePod. */
  private async updatePodCondition(
    r: Running,
    pod: Pod,
    cond: { type: string; status: string; reason: string; message: string },
    nominating: NominatingInfo | undefined,
  ): Promise<void> {
    const nnnNeedsUpdate = nominating?.mode === NominatingMode.Override && (pod.status?.nominatedNodeName ?? '') !== nominating.nominatedNodeName;
    const old = (pod.status?.conditions ?? []).find((c) => c.type === cond.type);
    const unchanged = old && old.status === cond.status && (old.reason ?? '') === cond.reason && (old.message ?? '') === cond.message && !old.lastProbeTime;
    if (unchanged && !nnnNeedsUpdate) return;
    const status: Record<string, unknown> = {};
    if (!unchanged) {
      status.conditions = [
        {
          ...cond,
          lastProbeTime: null,
          lastTransitionTime: old && old.status === cond.status && old.lastTransitionTime ? old.lastTransitionTime : rfc3339(this.clock.now()),
        },
      ];
    }
    if (nnnNeedsUpdate) status.nominatedNodeName = nominating!.nominatedNodeName || null;
    try {
      await this.opts.client.patch(PODS, pod.metadata.namespace ?? '', pod.metadata.name ?? '', 'strategic', { status }, { subresource: 'status' });
    } catch (e: unknown) {
      if (!isNotFound(e)) log.warn('error updating pod status', { pod: `${pod.metadata.namespace}/${pod.metadata.name}`, error: e });
    }
  }
}

