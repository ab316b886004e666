import {
  ActionType,
  Code,
  EventResource,
  QueueingHint,
  RequiredNodeAffinity,
  Status,
  compileTerm,
  termMatches,
  type ClusterEventWithHint,
  type CompiledTerm,
  type CycleState,
  type EnqueueExtensions,
  type FilterPlugin,
  type MaybeStatus,
  type Node,
  type NodeInfo,
  type NodeScore,
  type Pod,
  type PreFilterOutcome,
  type PreFilterPlugin,
  type PreScorePlugin,
  type ScorePlugin,
  type StateData,
} from '../../framework/index.js';
import { defaultNormalizeScore } from '../helper.js';
import { Names } from '../names.js';

export const ERR_REASON_POD = "node(s) didn't match Pod's node affinity/selector";
export const ERR_REASON_CONFLICT = 'pod affinity terms conflict';

const PRE_FILTER_KEY = `PreFilter${Names.NodeAffinity}`;
const PRE_SCORE_KEY = `PreScore${Names.NodeAffinity}`;

class PreFilterState implements StateData {
  constructor(readonly required: RequiredNodeAffinity) {}
  clone(): StateData {
    return this;
  }
}

class PreScoreState implements StateData {
  constructor(readonly preferred: { weight: number; term: CompiledTerm | undefined }[]) {}
  clone(): StateData {
    return this;
  }
}

function preferredTerms(pod: Pod): { weight: number; term: CompiledTerm | undefined }[] {
  return (pod.spec?.affinity?.nodeAffinity?.preferredDuringSchedulingIgnoredDuringExecution ?? [])
    .filter((t) => t.weight !== 0)
    .map((t) => ({ weight: t.weight, term: compileTerm(t.preference) }));
}

/**
 * spec.nodeSelector and required node affinity as a filter ("node(s) didn't match Pod's
 * node affinity/selector"); terms naming nodes by metadata.name narrow the candidate nodes
 * in PreFilter. Preferred terms score the sum of the weights of the terms a node matches.
 */
export class NodeAffinity implements PreFilterPlugin, FilterPlugin, PreScorePlugin, ScorePlugin, EnqueueExtensions {
  readonly name = Names.NodeAffinity;

  preFilter(state: CycleState, pod: Pod): PreFilterOutcome | undefined {
    const req = pod.spec?.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution;
    if (!req && !pod.spec?.nodeSelector) return { status: Status.of(Code.Skip) };
    state.write(PRE_FILTER_KEY, new PreFilterState(new RequiredNodeAffinity(pod)));
    const terms = req?.nodeSelectorTerms ?? [];
    if (terms.length === 0) return undefined;
    let nodeNames: Set<string> | undefined;
    for (const t of terms) {
      let termNames: Set<string> | undefined;
      for (const f of t.matchFields ?? []) {
        if (f.key === 'metadata.name' && f.operator === 'In') {
          const s = new Set(f.values ?? []);
          termNames = termNames ? new Set([...termNames].filter((n) => s.has(n))) : s;
        }
      }
      // A term not naming nodes admits every node: the terms are ORed.
      if (!termNames) return undefined;
      nodeNames = new Set([...(nodeNames ?? []), ...termNames]);
    }
    if (nodeNames && nodeNames.size === 0) return { status: Status.of(Code.UnschedulableAndUnresolvable, ERR_REASON_CONFLICT) };
    return nodeNames ? { result: { nodeNames } } : undefined;
  }

  filter(state: CycleState, pod: Pod, nodeInfo: NodeInfo): MaybeStatus {
    const required = state.read<PreFilterState>(PRE_FILTER_KEY)?.required ?? new RequiredNodeAffinity(pod);
    if (!nodeInfo.node || !required.matches(nodeInfo.node)) return Status.of(Code.UnschedulableAndUnresolvable, ERR_REASON_POD);
    return undefined;
  }

  preScore(state: CycleState, pod: Pod): MaybeStatus {
    const terms = preferredTerms(pod);
    if (terms.length === 0) return Status.of(Code.Skip);
    state.write(PRE_SCORE_KEY, new PreScoreState(terms));
    return undefined;
  }

  score(state: CycleState, pod: Pod, nodeInfo: NodeInfo): number {
    const terms = state.read<PreScoreState>(PRE_SCORE_KEY)?.preferred ?? preferredTerms(pod);
    let sum = 0;
    for (const t of terms) if (nodeInfo.node && termMatches(t.term, nodeInfo.node)) sum += t.weight;
    return sum;
  }

  normalizeScore(_state: CycleState, _pod: Pod, scores: NodeScore[]): MaybeStatus {
    defaultNormalizeScore(scores, false);
    return undefined;
  }

  eventsToRegister(): ClusterEventWithHint[] {
    return [
      {
        event: { resource: EventResource.Node, actionType: ActionType.Add | ActionType.UpdateNodeLabel },
        hint: (pod, oldObj, newObj) => {
          const n = newObj as Node | undefined;
          if (!n) return QueueingHint.QueueSkip;
          const req = new RequiredNodeAffinity(pod);
          if (!req.matches(n)) return QueueingHint.QueueSkip;
          const o = oldObj as Node | undefined;
          return o && req.matches(o) ? QueueingHint.QueueSkip : QueueingHint.Queue;
        },
      },
    ];
  }
}

export const newNodeAffinity = (): NodeAffinity => new NodeAffinity();
