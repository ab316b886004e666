import {
  type CycleState,
  type MaybeStatus,
  type NodeInfo,
  type Pod,
  type PreScorePlugin,
  type ScorePlugin,
  type StateData,
} from '../../framework/index.js';
import { Names } from '../names.js';
import { DEFAULT_RESOURCES, balancedResourceScorer, podResourceRequestList, scoreNode, type ResourceSpec } from './resource-allocation.js';

const PRE_SCORE_KEY = `PreScore${Names.NodeResourcesBalancedAllocation}`;

class PreScoreState implements StateData {
  constructor(readonly podRequests: number[]) {}
  clone(): StateData {
    return this;
  }
}

/**
 * Favours nodes whose cpu and memory would be used in similar proportions after placing the
 * pod (score (1 - std of the used fractions) * 100), counting actual requests.
 */
export class NodeResourcesBalancedAllocation implements PreScorePlugin, ScorePlugin {
  readonly name = Names.NodeResourcesBalancedAllocation;

  constructor(private readonly resources: readonly ResourceSpec[] = DEFAULT_RESOURCES) {}

  preScore(state: CycleState, pod: Pod): MaybeStatus {
    state.write(PRE_SCORE_KEY, new PreScoreState(podResourceRequestList(pod, this.resources, true)));
    return undefined;
  }

  score(state: CycleState, pod: Pod, nodeInfo: NodeInfo): number {
    const reqs = state.read<PreScoreState>(PRE_SCORE_KEY)?.podRequests ?? podResourceRequestList(pod, this.resources, true);
    return scoreNode(nodeInfo, reqs, this.resources, true, balancedResourceScorer);
  }
}

export const newNodeResourcesBalancedAllocation = () => new NodeResourcesBalancedAllocation();
