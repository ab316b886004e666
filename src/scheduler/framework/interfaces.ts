/**
 * The scheduling framework's plugin interfaces, as upstream's: a plugin has a name and
 * implements any of the extension points. The framework calls them in this order for each
 * pod: PreEnqueue (before queueing), QueueSort, PreFilter, Filter (per node), PostFilter
 * (only when no node fits), PreScore, Score (+NormalizeScore), Reserve, Permit, then in the
 * binding cycle PreBind, Bind and PostBind. Unreserve undoes Reserve when a later step fails.
 *
 * All extension points of the scheduling cycle are synchronous and see one consistent
 * snapshot; only PostFilter and the binding cycle may await (API calls).
 */
import type { ApiClient } from '../../client/api-client.js';
import type { SharedInformerFactory } from '../../client/informer-factory.js';
import type { Clock } from '../../util/clock.js';
import type { Pod } from './api.js';
import type { ClusterEventWithHint } from './cluster-events.js';
import type { CycleState } from './cycle-state.js';
import type { NodeInfo, PodInfo } from './node-info.js';
import type { MaybeStatus, Status } from './status.js';

/** The highest score a Score plugin may give (after NormalizeScore). */
export const MAX_NODE_SCORE = 100;
export const MIN_NODE_SCORE = 0;

export interface Plugin {
  readonly name: string;
}

/** A pod as the queue holds it. */
export interface QueuedPodInfo {
  podInfo: PodInfo;
  /** When the pod was last added to the queue (ms). */
  timestamp: number;
  /** Scheduling attempts so far. */
  attempts: number;
  /** When the pod was first added to the queue (ms). */
  initialAttemptTimestamp: number | undefined;
  /** Plugins that rejected the pod in its last attempt. */
  unschedulablePlugins: Set<string>;
  /** Plugins that returned Pending in its last attempt. */
  pendingPlugins: Set<string>;
  /** The PreEnqueue plugin keeping the pod out of the active queue, if any. */
  gatingPlugin: string | undefined;
}

export interface PreEnqueuePlugin extends Plugin {
  preEnqueue(pod: Pod): MaybeStatus;
}

export interface QueueSortPlugin extends Plugin {
  /** Whether `a` should be scheduled before `b`. */
  less(a: QueuedPodInfo, b: QueuedPodInfo): boolean;
}

/** Plugins tell the queue which cluster events may resolve their rejections. */
export interface EnqueueExtensions {
  eventsToRegister(): ClusterEventWithHint[];
}

/** A PreFilter's narrowing of the candidate nodes; absent means all nodes. */
export interface PreFilterResult {
  nodeNames: Set<string>;
}

export interface PreFilterOutcome {
  result?: PreFilterResult;
  status?: MaybeStatus;
}

/** Incremental updates of a PreFilter's state when pods are added/removed in what-if evaluations. */
export interface PreFilterExtensions {
  addPod(state: CycleState, podToSchedule: Pod, podInfoToAdd: PodInfo, nodeInfo: NodeInfo): MaybeStatus;
  removePod(state: CycleState, podToSchedule: Pod, podInfoToRemove: PodInfo, nodeInfo: NodeInfo): MaybeStatus;
}

export interface PreFilterPlugin extends Plugin {
  preFilter(state: CycleState, pod: Pod, nodes: readonly NodeInfo[]): PreFilterOutcome | undefined;
  preFilterExtensions?(): PreFilterExtensions | undefined;
}

export interface FilterPlugin extends Plugin {
  filter(state: CycleState, pod: Pod, nodeInfo: NodeInfo): MaybeStatus;
}

/** Node name -> the status of the filter that rejected it, plus one status for nodes not listed. */
export interface NodeToStatusReader {
  get(nodeName: string): Status | undefined;
  /** Nodes of `nodes` whose status has exactly `code`. */
  nodesForStatusCode(nodes: readonly NodeInfo[], code: Status['code']): NodeInfo[];
}

export const NominatingMode = { Noop: 'Noop', Override: 'Override' } as const;
export type NominatingMode = (typeof NominatingMode)[keyof typeof NominatingMode];

export interface NominatingInfo {
  nominatedNodeName: string;
  mode: NominatingMode;
}

export interface PostFilterResult {
  nominatingInfo?: NominatingInfo;
}

export interface PostFilterPlugin extends Plugin {
  postFilter(state: CycleState, pod: Pod, filteredNodeStatus: NodeToStatusReader): Promise<{ result?: PostFilterResult; status: MaybeStatus }>;
}

export interface PreScorePlugin extends Plugin {
  preScore(state: CycleState, pod: Pod, nodes: readonly NodeInfo[]): MaybeStatus;
}

export interface NodeScore {
  name: string;
  score: number;
}

export interface ScorePlugin extends Plugin {
  /** A score in [0, 100] (or any integer when normalizeScore maps it there). Throw for errors. */
  score(state: CycleState, pod: Pod, nodeInfo: NodeInfo): number;
  normalizeScore?(state: CycleState, pod: Pod, scores: NodeScore[]): MaybeStatus;
}

export interface ReservePlugin extends Plugin {
  reserve(state: CycleState, pod: Pod, nodeName: string): MaybeStatus;
  /** Must be idempotent and never fail. */
  unreserve(state: CycleState, pod: Pod, nodeName: string): void;
}

export interface PermitPlugin extends Plugin {
  /** Success, a rejection, or Wait with a timeout (the pod waits until allowed or rejected). */
  permit(state: CycleState, pod: Pod, nodeName: string): { status?: MaybeStatus; timeoutMs?: number };
}

export interface PreBindPlugin extends Plugin {
  preBind(state: CycleState, pod: Pod, nodeName: string, signal: AbortSignal): Promise<MaybeStatus>;
}

export interface BindPlugin extends Plugin {
  /** Skip passes the pod to the next binder. */
  bind(state: CycleState, pod: Pod, nodeName: string): Promise<MaybeStatus>;
}

export interface PostBindPlugin extends Plugin {
  postBind(state: CycleState, pod: Pod, nodeName: string): void;
}

/** Read access to the cycle's snapshot of nodes. */
export interface NodeInfoLister {
  list(): readonly NodeInfo[];
  havePodsWithAffinityList(): readonly NodeInfo[];
  havePodsWithRequiredAntiAffinityList(): readonly NodeInfo[];
  get(nodeName: string): NodeInfo | undefined;
}

/** Pods nominated to nodes by preemption (they hold a claim on the space they made). */
export interface PodNominator {
  nominatedPodsForNode(nodeName: string): PodInfo[];
}

/** A pod held at Permit. */
export interface WaitingPod {
  readonly pod: Pod;
  allow(plugin: string): void;
  reject(plugin: string, message: string): void;
}

/** An event recorder of the events.k8s.io/v1 kind (regarding, related, reason, action, note). */
export interface SchedulerEventRecorder {
  eventf(regarding: Pod, related: Pod | undefined, type: 'Normal' | 'Warning', reason: string, action: string, note: string): void;
}

/** What plugins may use of the scheduler, as upstream's framework.Handle. */
export interface Handle {
  readonly client: ApiClient;
  readonly informers: SharedInformerFactory;
  readonly clock: Clock;
  readonly recorder: SchedulerEventRecorder;
  /** The snapshot of the current scheduling cycle. */
  snapshot(): NodeInfoLister;
  nominator(): PodNominator;
  random(): number;
  getWaitingPod(uid: string): WaitingPod | undefined;
  /** Rejects a pod held at Permit; true if there was one. */
  rejectWaitingPod(uid: string): boolean;
  runFilterPluginsWithNominatedPods(state: CycleState, pod: Pod, nodeInfo: NodeInfo): MaybeStatus;
  runPreFilterExtensionAddPod(state: CycleState, podToSchedule: Pod, podInfoToAdd: PodInfo, nodeInfo: NodeInfo): MaybeStatus;
  runPreFilterExtensionRemovePod(state: CycleState, podToSchedule: Pod, podInfoToRemove: PodInfo, nodeInfo: NodeInfo): MaybeStatus;
}

/** Builds a plugin for a profile. */
export type PluginFactory = (handle: Handle) => Plugin;
