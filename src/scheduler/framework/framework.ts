/**
 * One scheduling profile's plugins and the code that runs them at each extension point, as
 * upstream's frameworkImpl. It is also the Handle plugins receive.
 */
import type { ApiClient } from '../../client/api-client.js';
import type { SharedInformerFactory } from '../../client/informer-factory.js';
import type { Clock } from '../../util/clock.js';
import { podPriority, type Pod } from './api.js';
import type { ClusterEventWithHint } from './cluster-events.js';
import type { CycleState } from './cycle-state.js';
import type { NodeToStatus } from './diagnosis.js';
import {
  MAX_NODE_SCORE,
  MIN_NODE_SCORE,
  NominatingMode,
  type BindPlugin,
  type EnqueueExtensions,
  type FilterPlugin,
  type Handle,
  type NodeInfoLister,
  type NodeScore,
  type PermitPlugin,
  type Plugin,
  type PluginFactory,
  type PodNominator,
  type PostBindPlugin,
  type PostFilterPlugin,
  type PostFilterResult,
  type PreBindPlugin,
  type PreEnqueuePlugin,
  type PreFilterPlugin,
  type PreFilterResult,
  type PreScorePlugin,
  type QueueSortPlugin,
  type ReservePlugin,
  type SchedulerEventRecorder,
  type ScorePlugin,
  type WaitingPod,
} from './interfaces.js';
import type { NodeInfo, PodInfo } from './node-info.js';
import type { PluginHint } from './queue.js';
import { Code, Status, isRejected, isSkip, isSuccess, type MaybeStatus } from './status.js';

/** A plugin enabled in a profile, with its score weight (default 1). */
export interface PluginConfig {
  name: string;
  weight?: number;
}

export interface FrameworkOptions {
  /** The profile's scheduler name (pods' spec.schedulerName). */
  profileName: string;
  registry: Record<string, PluginFactory>;
  /** Enabled plugins in order; each is used at every extension point it implements. */
  plugins: readonly PluginConfig[];
  client: ApiClient;
  informers: SharedInformerFactory;
  clock: Clock;
  recorder: SchedulerEventRecorder;
  random?: () => number;
  /** percentageOfNodesToScore of this profile (0 or absent: adaptive, as upstream). */
  percentageOfNodesToScore?: number;
}

/** Per-node scores of every plugin and their weighted total. */
export interface NodePluginScores {
  name: string;
  scores: { plugin: string; score: number }[];
  totalScore: number;
}

const has = <K extends string>(p: Plugin, method: K): boolean => typeof (p as unknown as Record<string, unknown>)[method] === 'function';

/** The longest a pod may wait at Permit (upstream's maxTimeout). */
const MAX_PERMIT_TIMEOUT_MS = 15 * 60_000;

const goList = (names: Iterable<string>) => `[${[...names].sort().join(' ')}]`;

class WaitingPodImpl implements WaitingPod {
  private readonly pending: Set<string>;
  private readonly timers: (() => void)[] = [];
  readonly done: Promise<MaybeStatus>;
  private resolve!: (s: MaybeStatus) => void;
  private settled = false;

  constructor(
    readonly pod: Pod,
    pluginsMaxWait: Map<string, number>,
    clock: Clock,
  ) {
    this.pending = new Set(pluginsMaxWait.keys());
    this.done = new Promise((r) => (this.resolve = r));
    for (const [plugin, ms] of pluginsMaxWait) {
      this.timers.push(clock.setTimer(() => this.reject(plugin, `rejected due to timeout after waiting ${ms / 1000}s at plugin ${plugin}`), ms));
    }
  }

  private settle(s: MaybeStatus): void {
    if (this.settled) return;
    this.settled = true;
    for (const t of this.timers) t();
    this.resolve(s);
  }

  allow(plugin: string): void {
    this.pending.delete(plugin);
    if (this.pending.size === 0) this.settle(undefined);
  }

  reject(plugin: string, message: string): void {
    this.settle(Status.of(Code.Unschedulable, message).withPlugin(plugin));
  }
}

export class Framework implements Handle {
  readonly profileName: string;
  readonly client: ApiClient;
  readonly informers: SharedInformerFactory;
  readonly clock: Clock;
  readonly recorder: SchedulerEventRecorder;
  readonly percentageOfNodesToScore: number | undefined;
  readonly plugins: Plugin[] = [];
  queueSort: QueueSortPlugin | undefined;
  readonly preEnqueuePlugins: PreEnqueuePlugin[] = [];
  readonly preFilterPlugins: PreFilterPlugin[] = [];
  readonly filterPlugins: FilterPlugin[] = [];
  readonly postFilterPlugins: PostFilterPlugin[] = [];
  readonly preScorePlugins: PreScorePlugin[] = [];
  readonly scorePlugins: { plugin: ScorePlugin; weight: number }[] = [];
  readonly reservePlugins: ReservePlugin[] = [];
  readonly permitPlugins: PermitPlugin[] = [];
  readonly preBindPlugins: PreBindPlugin[] = [];
  readonly bindPlugins: BindPlugin[] = [];
  readonly postBindPlugins: PostBindPlugin[] = [];
  private readonly randomFn: () => number;
  private snapshotRef: NodeInfoLister | undefined;
  private nominatorRef: PodNominator | undefined;
  private readonly waitingPods = new Map<string, WaitingPodImpl>();

  constructor(opts: FrameworkOptions) {
    this.profileName = opts.profileName;
    this.client = opts.client;
    this.informers = opts.informers;
    this.clock = opts.clock;
    this.recorder = opts.recorder;
    this.randomFn = opts.random ?? Math.random;
    this.percentageOfNodesToScore = opts.percentageOfNodesToScore;
    for (const cfg of opts.plugins) {
      const factory = opts.registry[cfg.name];
      if (!factory) throw new Error(`plugin ${JSON.stringify(cfg.name)} does not exist`);
      const p = factory(this);
      this.plugins.push(p);
      if (has(p, 'less')) {
        if (this.queueSort) throw new Error('only one QueueSort plugin may be enabled');
        this.queueSort = p as QueueSortPlugin;
      }
      if (has(p, 'preEnqueue')) this.preEnqueuePlugins.push(p as PreEnqueuePlugin);
      if (has(p, 'preFilter')) this.preFilterPlugins.push(p as PreFilterPlugin);
      if (has(p, 'filter')) this.filterPlugins.push(p as FilterPlugin);
      if (has(p, 'postFilter')) this.postFilterPlugins.push(p as PostFilterPlugin);
      if (has(p, 'preScore')) this.preScorePlugins.push(p as PreScorePlugin);
      if (has(p, 'score')) this.scorePlugins.push({ plugin: p as ScorePlugin, weight: cfg.weight ?? 1 });
      if (has(p, 'reserve')) this.reservePlugins.push(p as ReservePlugin);
      if (has(p, 'permit')) this.permitPlugins.push(p as PermitPlugin);
      if (has(p, 'preBind')) this.preBindPlugins.push(p as PreBindPlugin);
      if (has(p, 'bind')) this.bindPlugins.push(p as BindPlugin);
      if (has(p, 'postBind')) this.postBindPlugins.push(p as PostBindPlugin);
    }
  }

  // ---- Handle ----

  setSnapshot(s: NodeInfoLister): void {
    this.snapshotRef = s;
  }

  setNominator(n: PodNominator): void {
    this.nominatorRef = n;
  }

  snapshot(): NodeInfoLister {
    if (!this.snapshotRef) throw new Error('no snapshot set');
    return this.snapshotRef;
  }

  nominator(): PodNominator {
    return this.nominatorRef ?? { nominatedPodsForNode: () => [] };
  }

  random(): number {
    return this.randomFn();
  }

  getWaitingPod(uid: string): WaitingPod | undefined {
    return this.waitingPods.get(uid);
  }

  rejectWaitingPod(uid: string): boolean {
    const wp = this.waitingPods.get(uid);
    if (!wp) return false;
    wp.reject('', 'removed');
    return true;
  }

  /** Every plugin's cluster event registrations, for the queue. */
  queueingHints(): PluginHint[] {
    const out: PluginHint[] = [];
    for (const p of this.plugins) {
      if (!has(p, 'eventsToRegister')) continue;
      for (const e of (p as unknown as EnqueueExtensions).eventsToRegister()) out.push({ ...e, plugin: p.name } as PluginHint & ClusterEventWithHint);
    }
    return out;
  }

  hasPostFilterPlugins(): boolean {
    return this.postFilterPlugins.length > 0;
  }

  hasFilterPlugins(): boolean {
    return this.filterPlugins.length > 0;
  }

  hasScorePlugins(): boolean {
    return this.scorePlugins.length > 0;
  }

  // ---- extension points ----

  runPreFilterPlugins(state: CycleState, pod: Pod, nodes: readonly NodeInfo[]): { result?: PreFilterResult; status?: Status; unschedulablePlugins: Set<string> } {
    let result: PreFilterResult | undefined;
    const withNodes: string[] = [];
    for (const pl of this.preFilterPlugins) {
      let out: ReturnType<PreFilterPlugin['preFilter']>;
      try {
        out = pl.preFilter(state, pod, nodes);
      } catch (e: unknown) {
        out = { status: Status.asStatus(e) };
      }
      const s = out?.status;
      if (isSkip(s)) {
        state.skipFilterPlugins.add(pl.name);
        continue;
      }
      if (!isSuccess(s)) {
        if (isRejected(s)) return { status: s!.withPlugin(pl.name), unschedulablePlugins: new Set([pl.name]) };
        return {
          status: Status.asStatus(new Error(`running PreFilter plugin ${JSON.stringify(pl.name)}: ${s!.message()}`)).withPlugin(pl.name),
          unschedulablePlugins: new Set(),
        };
      }
      if (out?.result) {
        withNodes.push(pl.name);
        result = result ? { nodeNames: new Set([...result.nodeNames].filter((n) => out!.result!.nodeNames.has(n))) } : { nodeNames: new Set(out.result.nodeNames) };
        if (result.nodeNames.size === 0) {
          return {
            status: Status.of(Code.UnschedulableAndUnresolvable, `node(s) didn't satisfy plugin(s) ${goList(withNodes)} simultaneously`),
            unschedulablePlugins: new Set(withNodes),
          };
        }
      }
    }
    return { result, unschedulablePlugins: new Set(withNodes) };
  }

  runPreFilterExtensionAddPod(state: CycleState, podToSchedule: Pod, podInfoToAdd: PodInfo, nodeInfo: NodeInfo): MaybeStatus {
    for (const pl of this.preFilterPlugins) {
      if (state.skipFilterPlugins.has(pl.name)) continue;
      const ext = pl.preFilterExtensions?.();
      if (!ext) continue;
      const s = ext.addPod(state, podToSchedule, podInfoToAdd, nodeInfo);
      if (!isSuccess(s)) return Status.asStatus(new Error(`running AddPod on PreFilter plugin ${JSON.stringify(pl.name)}: ${s!.message()}`)).withPlugin(pl.name);
    }
    return undefined;
  }

  runPreFilterExtensionRemovePod(state: CycleState, podToSchedule: Pod, podInfoToRemove: PodInfo, nodeInfo: NodeInfo): MaybeStatus {
    for (const pl of this.preFilterPlugins) {
      if (state.skipFilterPlugins.has(pl.name)) continue;
      const ext = pl.preFilterExtensions?.();
      if (!ext) continue;
      const s = ext.removePod(state, podToSchedule, podInfoToRemove, nodeInfo);
      if (!isSuccess(s)) return Status.asStatus(new Error(`running RemovePod on PreFilter plugin ${JSON.stringify(pl.name)}: ${s!.message()}`)).withPlugin(pl.name);
    }
    return undefined;
  }

  /** Runs the filters in order and stops at the first that rejects the node. */
  runFilterPlugins(state: CycleState, pod: Pod, nodeInfo: NodeInfo): MaybeStatus {
    for (const pl of this.filterPlugins) {
      if (state.skipFilterPlugins.has(pl.name)) continue;
      let s: MaybeStatus;
      try {
        s = pl.filter(state, pod, nodeInfo);
      } catch (e: unknown) {
        s = Status.asStatus(e);
      }
      if (isSuccess(s)) continue;
      if (!isRejected(s)) return Status.asStatus(new Error(`running ${JSON.stringify(pl.name)} filter plugin: ${s!.message()}`)).withPlugin(pl.name);
      return s!.withPlugin(pl.name);
    }
    return undefined;
  }

  /**
   * Filters with the pods nominated to this node taken into account, as upstream: when the
   * node has nominated pods of equal or higher priority, the filters must pass both with
   * them (they hold the space preemption made for them) and without them (they may land
   * elsewhere, and e.g. affinity to them must not be relied on).
   */
  runFilterPluginsWithNominatedPods(state: CycleState, pod: Pod, nodeInfo: NodeInfo): MaybeStatus {
    let status: MaybeStatus;
    let podsAdded = false;
    for (let i = 0; i < 2; i++) {
      let stateToUse = state;
      let nodeInfoToUse = nodeInfo;
      if (i === 0) {
        const r = this.addGENominatedPods(pod, state, nodeInfo);
        if (r instanceof Status) return r;
        [podsAdded, stateToUse, nodeInfoToUse] = r;
      } else if (!podsAdded || !isSuccess(status)) {
        break;
      }
      status = this.runFilterPlugins(stateToUse, pod, nodeInfoToUse);
      if (!isSuccess(status) && !isRejected(status)) return status;
    }
    return status;
  }

  private addGENominatedPods(pod: Pod, state: CycleState, nodeInfo: NodeInfo): [boolean, CycleState, NodeInfo] | Status {
    const nominated = this.nominator().nominatedPodsForNode(nodeInfo.name);
    if (nominated.length === 0) return [false, state, nodeInfo];
    const nodeInfoOut = nodeInfo.clone();
    const stateOut = state.clone();
    let added = false;
    const prio = podPriority(pod);
    for (const pi of nominated) {
      if (podPriority(pi.pod) >= prio && pi.uid !== pod.metadata.uid) {
        nodeInfoOut.addPodInfo(pi);
        const s = this.runPreFilterExtensionAddPod(stateOut, pod, pi, nodeInfoOut);
        if (!isSuccess(s)) return s!;
        added = true;
      }
    }
    return [added, stateOut, nodeInfoOut];
  }

  async runPostFilterPlugins(state: CycleState, pod: Pod, statuses: NodeToStatus): Promise<{ result?: PostFilterResult; status: MaybeStatus }> {
    let result: PostFilterResult | undefined;
    const reasons: string[] = [];
    let rejector = '';
    for (const pl of this.postFilterPlugins) {
      let r: PostFilterResult | undefined;
      let s: MaybeStatus;
      try {
        ({ result: r, status: s } = await pl.postFilter(state, pod, statuses));
      } catch (e: unknown) {
        s = Status.asStatus(e);
      }
      if (isSuccess(s)) return { result: r, status: s };
      if (s!.code === Code.UnschedulableAndUnresolvable) return { result: r, status: s!.withPlugin(pl.name) };
      if (!isRejected(s)) return { status: Status.asStatus(s!.asError()).withPlugin(pl.name) };
      if (r?.nominatingInfo && r.nominatingInfo.mode !== NominatingMode.Noop) result = r;
      reasons.push(...s!.reasons);
      if (!rejector) rejector = pl.name;
    }
    return { result, status: Status.of(Code.Unschedulable, ...reasons).withPlugin(rejector) };
  }

  runPreScorePlugins(state: CycleState, pod: Pod, nodes: readonly NodeInfo[]): MaybeStatus {
    for (const pl of this.preScorePlugins) {
      let s: MaybeStatus;
      try {
        s = pl.preScore(state, pod, nodes);
      } catch (e: unknown) {
        s = Status.asStatus(e);
      }
      if (isSkip(s)) {
        state.skipScorePlugins.add(pl.name);
        continue;
      }
      if (!isSuccess(s)) return Status.asStatus(new Error(`running PreScore plugin ${JSON.stringify(pl.name)}: ${s!.message()}`)).withPlugin(pl.name);
    }
    return undefined;
  }

  /** Scores, normalizes and weighs every node by every (non-skipped) Score plugin. */
  runScorePlugins(state: CycleState, pod: Pod, nodes: readonly NodeInfo[]): NodePluginScores[] | Status {
    const all: NodePluginScores[] = nodes.map((n) => ({ name: n.name, scores: [], totalScore: 0 }));
    for (const { plugin, weight } of this.scorePlugins) {
      if (state.skipScorePlugins.has(plugin.name)) continue;
      const scores: NodeScore[] = [];
      try {
        for (const n of nodes) scores.push({ name: n.name, score: plugin.score(state, pod, n) });
      } catch (e: unknown) {
        return Status.asStatus(new Error(`running Score plugin ${JSON.stringify(plugin.name)}: ${(e as Error).message ?? String(e)}`)).withPlugin(plugin.name);
      }
      if (plugin.normalizeScore) {
        const s = plugin.normalizeScore(state, pod, scores);
        if (!isSuccess(s)) return Status.asStatus(new Error(`running Normalize on Score plugin ${JSON.stringify(plugin.name)}: ${s!.message()}`)).withPlugin(plugin.name);
      }
      for (let i = 0; i < scores.length; i++) {
        const sc = scores[i]!.score;
        if (sc > MAX_NODE_SCORE || sc < MIN_NODE_SCORE) {
          return Status.asStatus(
            new Error(`plugin ${JSON.stringify(plugin.name)} returns an invalid score ${sc}, it should in the range of [${MIN_NODE_SCORE}, ${MAX_NODE_SCORE}] after normalizing`),
          );
        }
        const weighted = sc * weight;
        all[i]!.scores.push({ plugin: plugin.name, score: weighted });
        all[i]!.totalScore += weighted;
      }
    }
    return all;
  }

  runReservePluginsReserve(state: CycleState, pod: Pod, nodeName: string): MaybeStatus {
    for (const pl of this.reservePlugins) {
      let s: MaybeStatus;
      try {
        s = pl.reserve(state, pod, nodeName);
      } catch (e: unknown) {
        s = Status.asStatus(e);
      }
      if (isSuccess(s)) continue;
      if (isRejected(s)) return s!.withPlugin(pl.name);
      return Status.asStatus(new Error(`running Reserve plugin ${JSON.stringify(pl.name)}: ${s!.message()}`)).withPlugin(pl.name);
    }
    return undefined;
  }

  /** Undoes Reserve, in reverse order. */
  runReservePluginsUnreserve(state: CycleState, pod: Pod, nodeName: string): void {
    for (let i = this.reservePlugins.length - 1; i >= 0; i--) {
      try {
        this.reservePlugins[i]!.unreserve(state, pod, nodeName);
      } catch {
        // Unreserve must not fail; a throwing plugin is ignored so the others still run.
      }
    }
  }

  /** Success, a rejection, or Wait (the pod was registered as waiting; see waitOnPermit). */
  runPermitPlugins(state: CycleState, pod: Pod, nodeName: string): MaybeStatus {
    const waits = new Map<string, number>();
    for (const pl of this.permitPlugins) {
      let out: ReturnType<PermitPlugin['permit']>;
      try {
        out = pl.permit(state, pod, nodeName);
      } catch (e: unknown) {
        out = { status: Status.asStatus(e) };
      }
      const s = out.status;
      if (isSuccess(s)) continue;
      if (isRejected(s)) return s!.withPlugin(pl.name);
      if (s!.code === Code.Wait) {
        waits.set(pl.name, Math.min(out.timeoutMs ?? MAX_PERMIT_TIMEOUT_MS, MAX_PERMIT_TIMEOUT_MS));
        continue;
      }
      return Status.asStatus(new Error(`running Permit plugin ${JSON.stringify(pl.name)}: ${s!.message()}`)).withPlugin(pl.name);
    }
    if (waits.size) {
      this.waitingPods.set(pod.metadata.uid!, new WaitingPodImpl(pod, waits, this.clock));
      return Status.of(Code.Wait, `one or more plugins asked to wait and no plugin rejected pod ${JSON.stringify(pod.metadata.name)}`);
    }
    return undefined;
  }

  /** Resolves once a waiting pod is allowed (undefined) or rejected; at once for pods not waiting. */
  async waitOnPermit(pod: Pod): Promise<MaybeStatus> {
    const wp = this.waitingPods.get(pod.metadata.uid!);
    if (!wp) return undefined;
    try {
      return await wp.done;
    } finally {
      this.waitingPods.delete(pod.metadata.uid!);
    }
  }

  async runPreBindPlugins(state: CycleState, pod: Pod, nodeName: string, signal: AbortSignal): Promise<MaybeStatus> {
    for (const pl of this.preBindPlugins) {
      let s: MaybeStatus;
      try {
        s = await pl.preBind(state, pod, nodeName, signal);
      } catch (e: unknown) {
        s = Status.asStatus(e);
      }
      if (isSuccess(s)) continue;
      if (isRejected(s)) return s!.withPlugin(pl.name);
      return Status.asStatus(new Error(`running PreBind plugin ${JSON.stringify(pl.name)}: ${s!.message()}`)).withPlugin(pl.name);
    }
    return undefined;
  }

  async runBindPlugins(state: CycleState, pod: Pod, nodeName: string): Promise<MaybeStatus> {
    if (this.bindPlugins.length === 0) return Status.of(Code.Skip);
    let last: MaybeStatus = Status.of(Code.Skip);
    for (const pl of this.bindPlugins) {
      let s: MaybeStatus;
      try {
        s = await pl.bind(state, pod, nodeName);
      } catch (e: unknown) {
        s = Status.asStatus(e);
      }
      if (isSkip(s)) continue;
      if (!isSuccess(s)) {
        if (isRejected(s)) return s!.withPlugin(pl.name);
        return Status.asStatus(new Error(`running Bind plugin ${JSON.stringify(pl.name)}: ${s!.message()}`)).withPlugin(pl.name);
      }
      last = s;
      return last;
    }
    return last;
  }

  runPostBindPlugins(state: CycleState, pod: Pod, nodeName: string): void {
    for (const pl of this.postBindPlugins) {
      try {
        pl.postBind(state, pod, nodeName);
      } catch {
        // PostBind is informational; failures do not affect the pod.
      }
    }
  }
}
