/**
 * Choosing a node for one pod, as upstream's schedulePod: PreFilter, Filter over (a share
 * of) the nodes starting where the last cycle stopped, then PreScore/Score over the
 * feasible ones and the best total score wins, ties broken uniformly at random.
 */
import type { Pod } from './api.js';
import type { Snapshot } from './cache.js';
import type { CycleState } from './cycle-state.js';
import { FitError, addPluginStatus, newDiagnosis, type Diagnosis } from './diagnosis.js';
import type { Framework, NodePluginScores } from './framework.js';
import type { NodeInfo } from './node-info.js';
import { Code, Status, isSuccess } from './status.js';

/** Below this many nodes, every node is checked. */
export const MIN_FEASIBLE_NODES_TO_FIND = 100;
/** The adaptive percentage never goes below this. */
export const MIN_FEASIBLE_NODES_PERCENTAGE_TO_FIND = 5;

export const ERR_NO_NODES_AVAILABLE = 'no nodes available to schedule pods';

export interface ScheduleResult {
  suggestedHost: string;
  evaluatedNodes: number;
  feasibleNodes: number;
}

export type ScheduleOutcome =
  | { kind: 'scheduled'; result: ScheduleResult }
  | { kind: 'fit-error'; fitError: FitError }
  | { kind: 'no-nodes' }
  | { kind: 'error'; status: Status };

/**
 * How many feasible nodes to look for among `numAllNodes`: all of them below 100 nodes;
 * otherwise `percentage` of them (adaptive when 0: 50% minus 1% per 125 nodes, at least
 * 5%), but never fewer than 100.
 */
export function numFeasibleNodesToFind(percentage: number | undefined, numAllNodes: number): number {
  if (numAllNodes < MIN_FEASIBLE_NODES_TO_FIND) return numAllNodes;
  let p = percentage ?? 0;
  if (p === 0) {
    p = 50 - Math.trunc(numAllNodes / 125);
    if (p < MIN_FEASIBLE_NODES_PERCENTAGE_TO_FIND) p = MIN_FEASIBLE_NODES_PERCENTAGE_TO_FIND;
  }
  const n = Math.trunc((numAllNodes * p) / 100);
  return n < MIN_FEASIBLE_NODES_TO_FIND ? MIN_FEASIBLE_NODES_TO_FIND : n;
}

/** The node with the highest total; among equals each is picked with the same probability (reservoir sampling). */
export function selectHost(scores: readonly NodePluginScores[], random: () => number): string | undefined {
  let best: string | undefined;
  let bestScore = -Infinity;
  let ties = 0;
  for (const s of scores) {
    if (s.totalScore > bestScore) {
      best = s.name;
      bestScore = s.totalScore;
      ties = 1;
    } else if (s.totalScore === bestScore) {
      ties++;
      if (Math.floor(random() * ties) === 0) best = s.name;
    }
  }
  return best;
}

/** Runs scheduling cycles of one profile; keeps where the last node search stopped. */
export class ScheduleAlgorithm {
  private nextStartNodeIndex = 0;

  constructor(
    private readonly fwk: Framework,
    private readonly snapshot: Snapshot,
  ) {}

  schedulePod(state: CycleState, pod: Pod): ScheduleOutcome {
    if (this.snapshot.numNodes() === 0) return { kind: 'no-nodes' };
    const found = this.findNodesThatFitPod(state, pod);
    if ('status' in found) return { kind: 'error', status: found.status };
    const { feasible, diagnosis } = found;
    if (feasible.length === 0) return { kind: 'fit-error', fitError: new FitError(pod, this.snapshot.numNodes(), diagnosis) };
    if (feasible.length === 1) {
      return { kind: 'scheduled', result: { suggestedHost: feasible[0]!.name, evaluatedNodes: 1 + diagnosis.nodeToStatus.size, feasibleNodes: 1 } };
    }
    const scores = this.prioritizeNodes(state, pod, feasible);
    if (scores instanceof Status) return { kind: 'error', status: scores };
    const host = selectHost(scores, () => this.fwk.random());
    return { kind: 'scheduled', result: { suggestedHost: host!, evaluatedNodes: feasible.length + diagnosis.nodeToStatus.size, feasibleNodes: feasible.length } };
  }

  private findNodesThatFitPod(state: CycleState, pod: Pod): { feasible: NodeInfo[]; diagnosis: Diagnosis } | { status: Status } {
    const diagnosis = newDiagnosis();
    const allNodes = this.snapshot.list();
    const pre = this.fwk.runPreFilterPlugins(state, pod, allNodes);
    diagnosis.unschedulablePlugins = pre.unschedulablePlugins;
    if (pre.status && !isSuccess(pre.status)) {
      if (pre.status.code === Code.Error) return { status: pre.status };
      // Every node gets the PreFilter's status so that preemption sees it.
      diagnosis.nodeToStatus.absentNodesStatus = pre.status;
      diagnosis.preFilterMsg = pre.status.message();
      addPluginStatus(diagnosis, pre.status);
      return { feasible: [], diagnosis };
    }
    // A node nominated by an earlier preemption is most likely the one that fits: try it first.
    const nnn = pod.status?.nominatedNodeName;
    if (nnn) {
      const ni = this.snapshot.get(nnn);
      if (ni) {
        const r = this.findNodesThatPassFilters(state, pod, diagnosis, [ni]);
        if ('status' in r) return r;
        if (r.length) return { feasible: r, diagnosis };
      }
    }
    let nodes: readonly NodeInfo[] = allNodes;
    if (pre.result) {
      nodes = [...pre.result.nodeNames].map((n) => this.snapshot.get(n)).filter((n): n is NodeInfo => !!n);
      diagnosis.nodeToStatus.absentNodesStatus = Status.of(
        Code.UnschedulableAndUnresolvable,
        `node(s) didn't satisfy plugin(s) [${[...pre.unschedulablePlugins].sort().join(' ')}]`,
      );
    }
    const r = this.findNodesThatPassFilters(state, pod, diagnosis, nodes);
    if ('status' in r) return r;
    const processed = r.length + diagnosis.nodeToStatus.size;
    if (allNodes.length) this.nextStartNodeIndex = (this.nextStartNodeIndex + processed) % allNodes.length;
    return { feasible: r, diagnosis };
  }

  private findNodesThatPassFilters(state: CycleState, pod: Pod, diagnosis: Diagnosis, nodes: readonly NodeInfo[]): NodeInfo[] | { status: Status } {
    const numAll = nodes.length;
    const toFind = numFeasibleNodesToFind(this.fwk.percentageOfNodesToScore, numAll);
    const feasible: NodeInfo[] = [];
    if (numAll === 0) return feasible;
    for (let i = 0; i < numAll && feasible.length < toFind; i++) {
      const ni = nodes[(this.nextStartNodeIndex + i) % numAll]!;
      if (!this.fwk.hasFilterPlugins()) {
        feasible.push(ni);
        continue;
      }
      const s = this.fwk.runFilterPluginsWithNominatedPods(state, pod, ni);
      if (isSuccess(s)) {
        feasible.push(ni);
        continue;
      }
      if (s!.code === Code.Error) return { status: s! };
      diagnosis.nodeToStatus.set(ni.name, s!);
      addPluginStatus(diagnosis, s!);
    }
    return feasible;
  }

  private prioritizeNodes(state: CycleState, pod: Pod, nodes: NodeInfo[]): NodePluginScores[] | Status {
    if (!this.fwk.hasScorePlugins()) return nodes.map((n) => ({ name: n.name, scores: [], totalScore: 1 }));
    const pre = this.fwk.runPreScorePlugins(state, pod, nodes);
    if (!isSuccess(pre)) return pre!;
    return this.fwk.runScorePlugins(state, pod, nodes);
  }
}
