import { gvr } from '../../../client/api-client.js';
import type { Lister } from '../../../client/lister.js';
import {
  Operator,
  Requirement,
  labelSelectorAsSelector,
  selectorFromSet,
  type LabelSelector,
  type Labels,
  type Selector,
} from '../../../apimachinery/labels.js';
import type { KubeObject } from '../../../apimachinery/types.js';
import {
  ActionType,
  Code,
  EventResource,
  LABEL_HOSTNAME,
  LABEL_ZONE,
  MAX_NODE_SCORE,
  QueueingHint,
  RequiredNodeAffinity,
  Status,
  doNotScheduleTaint,
  findMatchingUntoleratedTaint,
  type ClusterEventWithHint,
  type CycleState,
  type EnqueueExtensions,
  type FilterPlugin,
  type Handle,
  type MaybeStatus,
  type Node,
  type NodeInfo,
  type NodeScore,
  type Pod,
  type PodInfo,
  type PreFilterExtensions,
  type PreFilterOutcome,
  type PreFilterPlugin,
  type PreScorePlugin,
  type ScorePlugin,
  type StateData,
  type TopologySpreadConstraint,
} from '../../framework/index.js';
import { Names } from '../names.js';

export const ERR_REASON_CONSTRAINTS_NOT_MATCH = "node(s) didn't match pod topology spread constraints";
export const ERR_REASON_NODE_LABEL_NOT_MATCH = `${ERR_REASON_CONSTRAINTS_NOT_MATCH} (missing required label)`;

const PRE_FILTER_KEY = `PreFilter${Names.PodTopologySpread}`;
const PRE_SCORE_KEY = `PreScore${Names.PodTopologySpread}`;

export const DoNotSchedule = 'DoNotSchedule';
export const ScheduleAnyway = 'ScheduleAnyway';

/** The constraints applied to pods that have none, when defaulting is System (as upstream). */
export const SYSTEM_DEFAULT_CONSTRAINTS: readonly TopologySpreadConstraint[] = [
  { topologyKey: LABEL_HOSTNAME, whenUnsatisfiable: ScheduleAnyway, maxSkew: 3 },
  { topologyKey: LABEL_ZONE, whenUnsatisfiable: ScheduleAnyway, maxSkew: 5 },
];

/** A constraint ready for counting. */
export interface Constraint {
  maxSkew: number;
  topologyKey: string;
  selector: Selector;
  minDomains: number;
  nodeAffinityPolicy: string;
  nodeTaintsPolicy: string;
}

function matchNodeInclusionPolicies(c: Constraint, pod: Pod, node: Node, required: RequiredNodeAffinity): boolean {
  if (c.nodeAffinityPolicy === 'Honor' && !required.matches(node)) return false;
  if (c.nodeTaintsPolicy === 'Honor' && findMatchingUntoleratedTaint(node.spec?.taints, pod.spec?.tolerations, doNotScheduleTaint)) return false;
  return true;
}

const nodeHasAllKeys = (labels: Labels, constraints: readonly Constraint[]) => constraints.every((c) => c.topologyKey in labels);

/** Pods of `ns` matching `selector`, not terminating. An empty selector counts nothing (as upstream). */
export function countPodsMatchSelector(pods: readonly PodInfo[], selector: Selector, ns: string): number {
  if (selector.isEmpty()) return 0;
  let n = 0;
  for (const p of pods) {
    if (p.pod.metadata?.deletionTimestamp || p.namespace !== ns) continue;
    if (selector.matches(p.pod.metadata?.labels ?? {})) n++;
  }
  return n;
}

class PreFilterState implements StateData {
  constructor(
    readonly constraints: Constraint[],
    /** Per constraint: topology value -> matching pods. */
    readonly tpValueToMatchNum: Map<string, number>[],
  ) {}

  clone(): StateData {
    return new PreFilterState(
      this.constraints,
      this.tpValueToMatchNum.map((m) => new Map(m)),
    );
  }

  /** The global minimum of constraint i, 0 when there are fewer domains than minDomains. */
  minMatchNum(i: number): number {
    const m = this.tpValueToMatchNum[i]!;
    if (m.size < this.constraints[i]!.minDomains) return 0;
    let min = Infinity;
    for (const v of m.values()) if (v < min) min = v;
    return min === Infinity ? 0 : min;
  }
}

class PreScoreState implements StateData {
  constructor(
    readonly constraints: Constraint[],
    readonly ignoredNodes: Set<string>,
    readonly topologyValueToPodCounts: Map<string, number>[],
    readonly topologyNormalizingWeight: number[],
  ) {}
  clone(): StateData {
    return this;
  }
}

export interface PodTopologySpreadArgs {
  /** System (default): SYSTEM_DEFAULT_CONSTRAINTS; List: `defaultConstraints`. */
  defaultingType?: 'System' | 'List';
  defaultConstraints?: TopologySpreadConstraint[];
}

/**
 * Spreads pods over topology domains, as upstream's PodTopologySpread: DoNotSchedule
 * constraints filter (matching pods in the node's domain + the pod itself - the global
 * minimum must not exceed maxSkew; a node lacking the topology label is out), ScheduleAnyway
 * constraints score (fewer matching pods is better). Pods without constraints get the
 * system defaults (hostname maxSkew 3, zone maxSkew 5, ScheduleAnyway) with a selector
 * made from the Services, ReplicationControllers, ReplicaSets and StatefulSets selecting them.
 */
export class PodTopologySpread implements PreFilterPlugin, FilterPlugin, PreScorePlugin, ScorePlugin, EnqueueExtensions {
  readonly name = Names.PodTopologySpread;
  private readonly defaultConstraints: readonly TopologySpreadConstraint[];
  private readonly systemDefaulted: boolean;
  private readonly services: Lister;
  private readonly rcs: Lister;
  private readonly rss: Lister;
  private readonly sss: Lister;

  constructor(
    private readonly handle: Handle,
    args: PodTopologySpreadArgs = {},
  ) {
    this.systemDefaulted = (args.defaultingType ?? 'System') === 'System';
    this.defaultConstraints = this.systemDefaulted ? SYSTEM_DEFAULT_CONSTRAINTS : (args.defaultConstraints ?? []);
    this.services = handle.informers.informerFor(gvr('v1', 'services')).lister();
    this.rcs = handle.informers.informerFor(gvr('v1', 'replicationcontrollers')).lister();
    this.rss = handle.informers.informerFor(gvr('apps/v1', 'replicasets')).lister();
    this.sss = handle.informers.informerFor(gvr('apps/v1', 'statefulsets')).lister();
  }

  private filterConstraints(constraints: readonly TopologySpreadConstraint[], podLabels: Labels, action: string): Constraint[] {
    const out: Constraint[] = [];
    for (const c of constraints) {
      if (c.whenUnsatisfiable !== action) continue;
      let selector = labelSelectorAsSelector(c.labelSelector);
      const extra: Requirement[] = [];
      for (const k of c.matchLabelKeys ?? []) if (k in podLabels) extra.push(new Requirement(k, Operator.In, [podLabels[k]!]));
      if (extra.length) selector = selector.add(...extra);
      out.push({
        maxSkew: c.maxSkew,
        topologyKey: c.topologyKey,
        selector,
        minDomains: c.minDomains ?? 1,
        nodeAffinityPolicy: c.nodeAffinityPolicy ?? 'Honor',
        nodeTaintsPolicy: c.nodeTaintsPolicy ?? 'Ignore',
      });
    }
    return out;
  }

  /** The selector of the workloads owning or exposing the pod (upstream's DefaultSelector). */
  defaultSelector(pod: Pod): Selector {
    const ns = pod.metadata?.namespace ?? '';
    const podLabels = pod.metadata?.labels ?? {};
    let set: Record<string, string> = {};
    for (const svc of this.services.namespace(ns).list()) {
      const sel = (svc.spec as { selector?: Record<string, string> | null } | undefined)?.selector;
      if (!sel) continue;
      if (selectorFromSet(sel).matches(podLabels)) set = { ...set, ...sel };
    }
    let selector = selectorFromSet(set);
    const owner = (pod.metadata?.ownerReferences ?? []).find((r) => r.controller);
    if (!owner) return selector;
    const get = (l: Lister) => l.get(ns, owner.name) as KubeObject | undefined;
    if (owner.apiVersion === 'v1' && owner.kind === 'ReplicationController') {
      const rc = get(this.rcs);
      const sel = (rc?.spec as { selector?: Record<string, string> } | undefined)?.selector;
      if (sel) selector = selectorFromSet({ ...set, ...sel });
    } else if (owner.apiVersion === 'apps/v1' && (owner.kind === 'ReplicaSet' || owner.kind === 'StatefulSet')) {
      const obj = get(owner.kind === 'ReplicaSet' ? this.rss : this.sss);
      const ls = (obj?.spec as { selector?: LabelSelector } | undefined)?.selector;
      if (obj && ls) {
        try {
          selector = selector.add(...labelSelectorAsSelector(ls).requirements());
        } catch {
          // An invalid selector adds nothing.
        }
      }
    }
    return selector;
  }

  private constraintsFor(pod: Pod, action: string): Constraint[] {
    const own = pod.spec?.topologySpreadConstraints ?? [];
    if (own.length > 0) return this.filterConstraints(own, pod.metadata?.labels ?? {}, action);
    const cs = this.filterConstraints(this.defaultConstraints, pod.metadata?.labels ?? {}, action);
    if (cs.length === 0) return [];
    const selector = this.defaultSelector(pod);
    if (selector.isEmpty()) return [];
    for (const c of cs) c.selector = selector;
    return cs;
  }

  preFilter(state: CycleState, pod: Pod, nodes: readonly NodeInfo[]): PreFilterOutcome | undefined {
    const constraints = this.constraintsFor(pod, DoNotSchedule);
    if (constraints.length === 0) return { status: Status.of(Code.Skip) };
    const counts = constraints.map(() => new Map<string, number>());
    const required = new RequiredNodeAffinity(pod);
    const ns = pod.metadata?.namespace ?? '';
    for (const ni of nodes) {
      const node = ni.node;
      if (!node) continue;
      const labels = node.metadata?.labels ?? {};
      if (!nodeHasAllKeys(labels, constraints)) continue;
      constraints.forEach((c, i) => {
        if (!matchNodeInclusionPolicies(c, pod, node, required)) return;
        const v = labels[c.topologyKey]!;
        counts[i]!.set(v, (counts[i]!.get(v) ?? 0) + countPodsMatchSelector(ni.pods, c.selector, ns));
      });
    }
    state.write(PRE_FILTER_KEY, new PreFilterState(constraints, counts));
    return undefined;
  }

  preFilterExtensions(): PreFilterExtensions {
    const update = (state: CycleState, preemptor: Pod, changed: PodInfo, nodeInfo: NodeInfo, delta: number) => {
      const s = state.mustRead<PreFilterState>(PRE_FILTER_KEY);
      const node = nodeInfo.node;
      if (!node || changed.namespace !== (preemptor.metadata?.namespace ?? '')) return undefined;
      const labels = node.metadata?.labels ?? {};
      if (!nodeHasAllKeys(labels, s.constraints)) return undefined;
      const required = new RequiredNodeAffinity(preemptor);
      s.constraints.forEach((c, i) => {
        if (!c.selector.matches(changed.pod.metadata?.labels ?? {})) return;
        if (!matchNodeInclusionPolicies(c, preemptor, node, required)) return;
        const v = labels[c.topologyKey]!;
        s.tpValueToMatchNum[i]!.set(v, (s.tpValueToMatchNum[i]!.get(v) ?? 0) + delta);
      });
      return undefined;
    };
    return {
      addPod: (state, pod, pi, ni) => update(state, pod, pi, ni, 1),
      removePod: (state, pod, pi, ni) => update(state, pod, pi, ni, -1),
    };
  }

  filter(state: CycleState, pod: Pod, nodeInfo: NodeInfo): MaybeStatus {
    const s = state.mustRead<PreFilterState>(PRE_FILTER_KEY);
    const labels = nodeInfo.node?.metadata?.labels ?? {};
    const podLabels = pod.metadata?.labels ?? {};
    for (let i = 0; i < s.constraints.length; i++) {
      const c = s.constraints[i]!;
      const v = labels[c.topologyKey];
      if (v === undefined) return Status.of(Code.UnschedulableAndUnresolvable, ERR_REASON_NODE_LABEL_NOT_MATCH);
      const min = s.minMatchNum(i);
      const self = c.selector.matches(podLabels) ? 1 : 0;
      const matchNum = s.tpValueToMatchNum[i]!.get(v) ?? 0;
      if (matchNum + self - min > c.maxSkew) return Status.of(Code.Unschedulable, ERR_REASON_CONSTRAINTS_NOT_MATCH);
    }
    return undefined;
  }

  preScore(state: CycleState, pod: Pod, filteredNodes: readonly NodeInfo[]): MaybeStatus {
    const allNodes = this.handle.snapshot().list();
    if (allNodes.length === 0) return Status.of(Code.Skip);
    const constraints = this.constraintsFor(pod, ScheduleAnyway);
    if (constraints.length === 0) return Status.of(Code.Skip);
    // Only custom constraints require every topology key: with the system defaults, nodes
    // without a zone label still get hostname spreading.
    const requireAll = (pod.spec?.topologySpreadConstraints ?? []).length > 0 || !this.systemDefaulted;
    const ignored = new Set<string>();
    const counts = constraints.map(() => new Map<string, number>());
    const sizes = constraints.map(() => 0);
    for (const ni of filteredNodes) {
      const labels = ni.node?.metadata?.labels ?? {};
      if (requireAll && !nodeHasAllKeys(labels, constraints)) {
        ignored.add(ni.name);
        continue;
      }
      constraints.forEach((c, i) => {
        if (c.topologyKey === LABEL_HOSTNAME) return;
        const v = labels[c.topologyKey];
        if (v === undefined) return;
        if (!counts[i]!.has(v)) {
          counts[i]!.set(v, 0);
          sizes[i]!++;
        }
      });
    }
    const weights = constraints.map((c, i) => Math.log((c.topologyKey === LABEL_HOSTNAME ? filteredNodes.length - ignored.size : sizes[i]!) + 2));
    const required = new RequiredNodeAffinity(pod);
    const ns = pod.metadata?.namespace ?? '';
    for (const ni of allNodes) {
      const node = ni.node;
      if (!node) continue;
      const labels = node.metadata?.labels ?? {};
      if (requireAll && !nodeHasAllKeys(labels, constraints)) continue;
      constraints.forEach((c, i) => {
        if (!matchNodeInclusionPolicies(c, pod, node, required)) return;
        const v = labels[c.topologyKey];
        if (v === undefined || !counts[i]!.has(v)) return;
        counts[i]!.set(v, counts[i]!.get(v)! + countPodsMatchSelector(ni.pods, c.selector, ns));
      });
    }
    state.write(PRE_SCORE_KEY, new PreScoreState(constraints, ignored, counts, weights));
    return undefined;
  }

  score(state: CycleState, pod: Pod, nodeInfo: NodeInfo): number {
    const s = state.mustRead<PreScoreState>(PRE_SCORE_KEY);
    if (s.ignoredNodes.has(nodeInfo.name)) return 0;
    const labels = nodeInfo.node?.metadata?.labels ?? {};
    let score = 0;
    s.constraints.forEach((c, i) => {
      const v = labels[c.topologyKey];
      if (v === undefined) return;
      const cnt = c.topologyKey === LABEL_HOSTNAME ? countPodsMatchSelector(nodeInfo.pods, c.selector, pod.metadata?.namespace ?? '') : (s.topologyValueToPodCounts[i]!.get(v) ?? 0);
      score += cnt * s.topologyNormalizingWeight[i]! + (c.maxSkew - 1);
    });
    return Math.round(score);
  }

  normalizeScore(state: CycleState, _pod: Pod, scores: NodeScore[]): MaybeStatus {
    const s = state.read<PreScoreState>(PRE_SCORE_KEY);
    if (!s) return undefined;
    let min = Infinity;
    let max = 0;
    for (const sc of scores) {
      if (s.ignoredNodes.has(sc.name)) continue;
      if (sc.score < min) min = sc.score;
      if (sc.score > max) max = sc.score;
    }
    for (const sc of scores) {
      if (s.ignoredNodes.has(sc.name)) {
        sc.score = 0;
        continue;
      }
      sc.score = max === 0 ? MAX_NODE_SCORE : Math.trunc((MAX_NODE_SCORE * (max + min - sc.score)) / max);
    }
    return undefined;
  }

  eventsToRegister(): ClusterEventWithHint[] {
    return [
      {
        event: { resource: EventResource.Pod, actionType: ActionType.Add | ActionType.UpdatePodLabel | ActionType.Delete },
        hint: (pod, oldObj, newObj) => {
          const changed = (newObj ?? oldObj) as Pod | undefined;
          if (!changed) return QueueingHint.Queue;
          if (changed.metadata?.namespace !== pod.metadata.namespace) return QueueingHint.QueueSkip;
          const constraints = [...this.constraintsFor(pod, DoNotSchedule), ...this.constraintsFor(pod, ScheduleAnyway)];
          const labelSets = [(oldObj as Pod | undefined)?.metadata?.labels, (newObj as Pod | undefined)?.metadata?.labels].filter((l): l is Record<string, string> => !!l);
          return constraints.some((c) => labelSets.some((l) => c.selector.matches(l))) ? QueueingHint.Queue : QueueingHint.QueueSkip;
        },
      },
      { event: { resource: EventResource.Node, actionType: ActionType.Add | ActionType.Delete | ActionType.UpdateNodeLabel | ActionType.UpdateNodeTaint } },
    ];
  }
}

export const newPodTopologySpread = (h: Handle, args?: PodTopologySpreadArgs) => new PodTopologySpread(h, args);
