import { gvr } from '../../../client/api-client.js';
import type { Lister } from '../../../client/lister.js';
import { nothing, type Labels } from '../../../apimachinery/labels.js';
import type { KubeObject } from '../../../apimachinery/types.js';
import {
  ActionType,
  Code,
  EventResource,
  MAX_NODE_SCORE,
  PodInfo,
  QueueingHint,
  Status,
  type AffinityTerm,
  type ClusterEventWithHint,
  type CycleState,
  type EnqueueExtensions,
  type FilterPlugin,
  type Handle,
  type MaybeStatus,
  type NodeInfo,
  type NodeScore,
  type Pod,
  type PreFilterExtensions,
  type PreFilterOutcome,
  type PreFilterPlugin,
  type PreScorePlugin,
  type ScorePlugin,
  type StateData,
  type WeightedAffinityTerm,
} from '../../framework/index.js';
import { Names } from '../names.js';

export const ERR_REASON_EXISTING_ANTI_AFFINITY_RULES_NOT_MATCH = "node(s) didn't satisfy existing pods anti-affinity rules";
export const ERR_REASON_AFFINITY_RULES_NOT_MATCH = "node(s) didn't match pod affinity rules";
export const ERR_REASON_ANTI_AFFINITY_RULES_NOT_MATCH = "node(s) didn't match pod anti-affinity rules";

const PRE_FILTER_KEY = `PreFilter${Names.InterPodAffinity}`;
const PRE_SCORE_KEY = `PreScore${Names.InterPodAffinity}`;

const pairKey = (key: string, value: string) => `${key}\u0000${value}`;

/** Topology pair (key=value) -> number of matching terms there. */
class PairCounts extends Map<string, number> {
  bump(key: string, value: string, delta: number): void {
    const k = pairKey(key, value);
    const n = (this.get(k) ?? 0) + delta;
    if (n === 0) this.delete(k);
    else this.set(k, n);
  }

  count(key: string, value: string): number {
    return this.get(pairKey(key, value)) ?? 0;
  }

  /** For each term the pod matches, count the node's pair of the term's topology key. */
  updateWithAntiAffinityTerms(pod: Pod, nsLabels: Labels | undefined, nodeLabels: Labels, terms: readonly AffinityTerm[], delta: number): void {
    for (const t of terms) {
      if (!t.matches(pod, nsLabels)) continue;
      const v = nodeLabels[t.topologyKey];
      if (v !== undefined) this.bump(t.topologyKey, v, delta);
    }
  }

  /** When the pod matches all terms, count the node's pair of every term's topology key. */
  updateWithAffinityTerms(pod: Pod, nodeLabels: Labels, terms: readonly AffinityTerm[], delta: number): void {
    if (!podMatchesAllAffinityTerms(terms, pod)) return;
    for (const t of terms) {
      const v = nodeLabels[t.topologyKey];
      if (v !== undefined) this.bump(t.topologyKey, v, delta);
    }
  }

  copy(): PairCounts {
    const c = new PairCounts();
    for (const [k, v] of this) c.set(k, v);
    return c;
  }
}

function podMatchesAllAffinityTerms(terms: readonly AffinityTerm[], pod: Pod): boolean {
  if (terms.length === 0) return false;
  for (const t of terms) if (!t.matches(pod, undefined)) return false;
  return true;
}

class PreFilterState implements StateData {
  constructor(
    readonly podInfo: PodInfo,
    readonly namespaceLabels: Labels,
    public existingAntiAffinityCounts: PairCounts,
    public affinityCounts: PairCounts,
    public antiAffinityCounts: PairCounts,
  ) {}

  clone(): StateData {
    return new PreFilterState(this.podInfo, this.namespaceLabels, this.existingAntiAffinityCounts.copy(), this.affinityCounts.copy(), this.antiAffinityCounts.copy());
  }

  updateWithPod(pod: Pod, nodeInfo: NodeInfo, delta: number): void {
    const labels = nodeInfo.node?.metadata?.labels ?? {};
    const added = new PodInfo(pod);
    this.existingAntiAffinityCounts.updateWithAntiAffinityTerms(this.podInfo.pod, this.namespaceLabels, labels, added.requiredAntiAffinityTerms, delta);
    this.affinityCounts.updateWithAffinityTerms(pod, labels, this.podInfo.requiredAffinityTerms, delta);
    this.antiAffinityCounts.updateWithAntiAffinityTerms(pod, undefined, labels, this.podInfo.requiredAntiAffinityTerms, delta);
  }
}

/** topologyKey -> topology value -> score. */
type TopologyScore = Map<string, Map<string, number>>;

class PreScoreState implements StateData {
  constructor(readonly topologyScore: TopologyScore) {}
  clone(): StateData {
    return this;
  }
}

export interface InterPodAffinityArgs {
  /** Weight of existing pods' required affinity terms in scoring (default 1). */
  hardPodAffinityWeight?: number;
  ignorePreferredTermsOfExistingPods?: boolean;
}

/**
 * Required and preferred pod affinity and anti-affinity by topology key, as upstream's
 * InterPodAffinity: the incoming pod's required affinity needs matching pods in the node's
 * topology domain (or, for the first pod of a group, itself); its required anti-affinity
 * and that of existing pods must not be violated. Preferred terms (and existing pods'
 * terms that match the incoming pod) score nodes by topology domain.
 */
export class InterPodAffinity implements PreFilterPlugin, FilterPlugin, PreScorePlugin, ScorePlugin, EnqueueExtensions {
  readonly name = Names.InterPodAffinity;
  private readonly namespaces: Lister;
  private readonly hardPodAffinityWeight: number;
  private readonly ignorePreferredTermsOfExistingPods: boolean;

  constructor(
    private readonly handle: Handle,
    args: InterPodAffinityArgs = {},
  ) {
    this.namespaces = handle.informers.informerFor(gvr('v1', 'namespaces')).lister();
    this.hardPodAffinityWeight = args.hardPodAffinityWeight ?? 1;
    this.ignorePreferredTermsOfExistingPods = args.ignorePreferredTermsOfExistingPods ?? false;
  }

  private namespaceLabels(ns: string): Labels {
    return (this.namespaces.get('', ns) as KubeObject | undefined)?.metadata?.labels ?? {};
  }

  /** Turns a term's namespace selector into the namespaces it selects now (unless it selects all). */
  private mergeNamespaces(t: AffinityTerm): void {
    if (t.namespaceSelector.isEmpty()) return;
    for (const ns of this.namespaces.list()) {
      if (t.namespaceSelector.matches(ns.metadata?.labels ?? {})) t.namespaces.add(ns.metadata?.name ?? '');
    }
    t.namespaceSelector = nothing();
  }

  preFilter(state: CycleState, pod: Pod, nodes: readonly NodeInfo[]): PreFilterOutcome | undefined {
    const pi = new PodInfo(pod);
    if (pi.parseError) return { status: Status.of(Code.UnschedulableAndUnresolvable, `parsing pod: ${pi.parseError.message}`) };
    for (const t of pi.requiredAffinityTerms) this.mergeNamespaces(t);
    for (const t of pi.requiredAntiAffinityTerms) this.mergeNamespaces(t);
    const nsLabels = this.namespaceLabels(pi.namespace);
    const existing = new PairCounts();
    for (const ni of this.handle.snapshot().havePodsWithRequiredAntiAffinityList()) {
      const labels = ni.node?.metadata?.labels ?? {};
      for (const ep of ni.podsWithRequiredAntiAffinity) existing.updateWithAntiAffinityTerms(pod, nsLabels, labels, ep.requiredAntiAffinityTerms, 1);
    }
    const affinity = new PairCounts();
    const anti = new PairCounts();
    if (pi.requiredAffinityTerms.length || pi.requiredAntiAffinityTerms.length) {
      for (const ni of nodes) {
        const labels = ni.node?.metadata?.labels ?? {};
        for (const ep of ni.pods) {
          affinity.updateWithAffinityTerms(ep.pod, labels, pi.requiredAffinityTerms, 1);
          anti.updateWithAntiAffinityTerms(ep.pod, undefined, labels, pi.requiredAntiAffinityTerms, 1);
        }
      }
    }
    if (existing.size === 0 && pi.requiredAffinityTerms.length === 0 && pi.requiredAntiAffinityTerms.length === 0) {
      return { status: Status.of(Code.Skip) };
    }
    state.write(PRE_FILTER_KEY, new PreFilterState(pi, nsLabels, existing, affinity, anti));
    return undefined;
  }

  preFilterExtensions(): PreFilterExtensions {
    return {
      addPod: (state, _podToSchedule, podInfoToAdd, nodeInfo) => {
        state.mustRead<PreFilterState>(PRE_FILTER_KEY).updateWithPod(podInfoToAdd.pod, nodeInfo, 1);
        return undefined;
      },
      removePod: (state, _podToSchedule, podInfoToRemove, nodeInfo) => {
        state.mustRead<PreFilterState>(PRE_FILTER_KEY).updateWithPod(podInfoToRemove.pod, nodeInfo, -1);
        return undefined;
      },
    };
  }

  filter(state: CycleState, _pod: Pod, nodeInfo: NodeInfo): MaybeStatus {
    const s = state.mustRead<PreFilterState>(PRE_FILTER_KEY);
    const labels = nodeInfo.node?.metadata?.labels ?? {};
    if (!satisfyPodAffinity(s, labels)) return Status.of(Code.UnschedulableAndUnresolvable, ERR_REASON_AFFINITY_RULES_NOT_MATCH);
    if (!satisfyPodAntiAffinity(s, labels)) return Status.of(Code.Unschedulable, ERR_REASON_ANTI_AFFINITY_RULES_NOT_MATCH);
    if (!satisfyExistingPodsAntiAffinity(s, labels)) return Status.of(Code.Unschedulable, ERR_REASON_EXISTING_ANTI_AFFINITY_RULES_NOT_MATCH);
    return undefined;
  }

  preScore(state: CycleState, pod: Pod, nodes: readonly NodeInfo[]): MaybeStatus {
    if (nodes.length === 0) return Status.of(Code.Skip);
    const a = pod.spec?.affinity;
    const hasConstraints =
      (a?.podAffinity?.preferredDuringSchedulingIgnoredDuringExecution ?? []).length > 0 ||
      (a?.podAntiAffinity?.preferredDuringSchedulingIgnoredDuringExecution ?? []).length > 0;
    if (this.ignorePreferredTermsOfExistingPods && !hasConstraints) return Status.of(Code.Skip);
    const pi = new PodInfo(pod);
    if (pi.parseError) return Status.asStatus(new Error(`failed to parse pod: ${pi.parseError.message}`));
    for (const t of pi.preferredAffinityTerms) this.mergeNamespaces(t.term);
    for (const t of pi.preferredAntiAffinityTerms) this.mergeNamespaces(t.term);
    const nsLabels = this.namespaceLabels(pi.namespace);
    const snap = this.handle.snapshot();
    const candidates = hasConstraints ? snap.list() : snap.havePodsWithAffinityList();
    const score: TopologyScore = new Map();
    const add = (key: string, value: string, delta: number) => {
      const m = score.get(key) ?? new Map<string, number>();
      m.set(value, (m.get(value) ?? 0) + delta);
      score.set(key, m);
    };
    const processTerms = (terms: readonly WeightedAffinityTerm[], target: Pod, labelsOfNs: Labels | undefined, nodeLabels: Labels, mult: number) => {
      for (const { term, weight } of terms) processTerm(term, weight, target, labelsOfNs, nodeLabels, mult);
    };
    const processTerm = (term: AffinityTerm, weight: number, target: Pod, labelsOfNs: Labels | undefined, nodeLabels: Labels, mult: number) => {
      if (!term.matches(target, labelsOfNs)) return;
      const v = nodeLabels[term.topologyKey];
      if (v !== undefined) add(term.topologyKey, v, weight * mult);
    };
    for (const ni of candidates) {
      const nodeLabels = ni.node?.metadata?.labels ?? {};
      if (Object.keys(nodeLabels).length === 0) continue;
      for (const ep of hasConstraints ? ni.pods : ni.podsWithAffinity) {
        processTerms(pi.preferredAffinityTerms, ep.pod, undefined, nodeLabels, 1);
        processTerms(pi.preferredAntiAffinityTerms, ep.pod, undefined, nodeLabels, -1);
        if (this.hardPodAffinityWeight > 0) for (const t of ep.requiredAffinityTerms) processTerm(t, this.hardPodAffinityWeight, pod, nsLabels, nodeLabels, 1);
        processTerms(ep.preferredAffinityTerms, pod, nsLabels, nodeLabels, 1);
        processTerms(ep.preferredAntiAffinityTerms, pod, nsLabels, nodeLabels, -1);
      }
    }
    if (score.size === 0) return Status.of(Code.Skip);
    state.write(PRE_SCORE_KEY, new PreScoreState(score));
    return undefined;
  }

  score(state: CycleState, _pod: Pod, nodeInfo: NodeInfo): number {
    const s = state.mustRead<PreScoreState>(PRE_SCORE_KEY);
    const labels = nodeInfo.node?.metadata?.labels ?? {};
    let total = 0;
    for (const [key, values] of s.topologyScore) {
      const v = labels[key];
      if (v !== undefined) total += values.get(v) ?? 0;
    }
    return total;
  }

  normalizeScore(state: CycleState, _pod: Pod, scores: NodeScore[]): MaybeStatus {
    const s = state.read<PreScoreState>(PRE_SCORE_KEY);
    if (!s || s.topologyScore.size === 0) return undefined;
    let min = Infinity;
    let max = -Infinity;
    for (const sc of scores) {
      if (sc.score > max) max = sc.score;
      if (sc.score < min) min = sc.score;
    }
    const diff = max - min;
    for (const sc of scores) sc.score = diff > 0 ? Math.trunc(MAX_NODE_SCORE * ((sc.score - min) / diff)) : 0;
    return undefined;
  }

  eventsToRegister(): ClusterEventWithHint[] {
    return [
      {
        event: { resource: EventResource.Pod, actionType: ActionType.Add | ActionType.UpdatePodLabel | ActionType.Delete },
        hint: (_pod, oldObj, newObj) => {
          const changed = (newObj ?? oldObj) as Pod | undefined;
          // Only pods placed on nodes take part in (anti-)affinity.
          return changed?.spec?.nodeName ? QueueingHint.Queue : QueueingHint.QueueSkip;
        },
      },
      { event: { resource: EventResource.Node, actionType: ActionType.Add | ActionType.UpdateNodeLabel } },
    ];
  }
}

function satisfyPodAffinity(s: PreFilterState, nodeLabels: Labels): boolean {
  let podsExist = true;
  for (const t of s.podInfo.requiredAffinityTerms) {
    const v = nodeLabels[t.topologyKey];
    // Every topology key must exist on the node.
    if (v === undefined) return false;
    if (s.affinityCounts.count(t.topologyKey, v) <= 0) podsExist = false;
  }
  if (podsExist) return true;
  // The first pod of a group with affinity to itself: allowed when no pod anywhere matches
  // and the pod matches its own terms.
  return s.affinityCounts.size === 0 && podMatchesAllAffinityTerms(s.podInfo.requiredAffinityTerms, s.podInfo.pod);
}

function satisfyPodAntiAffinity(s: PreFilterState, nodeLabels: Labels): boolean {
  if (s.antiAffinityCounts.size === 0) return true;
  for (const t of s.podInfo.requiredAntiAffinityTerms) {
    const v = nodeLabels[t.topologyKey];
    if (v !== undefined && s.antiAffinityCounts.count(t.topologyKey, v) > 0) return false;
  }
  return true;
}

function satisfyExistingPodsAntiAffinity(s: PreFilterState, nodeLabels: Labels): boolean {
  if (s.existingAntiAffinityCounts.size === 0) return true;
  for (const [k, v] of Object.entries(nodeLabels)) if (s.existingAntiAffinityCounts.count(k, v) > 0) return false;
  return true;
}

export const newInterPodAffinity = (h: Handle, args?: InterPodAffinityArgs) => new InterPodAffinity(h, args);
