import {
  ActionType,
  Code,
  EventResource,
  QueueingHint,
  Status,
  TaintEffect,
  doNotScheduleTaint,
  findMatchingUntoleratedTaint,
  tolerationsTolerateTaint,
  type ClusterEventWithHint,
  type CycleState,
  type EnqueueExtensions,
  type FilterPlugin,
  type MaybeStatus,
  type Node,
  type NodeInfo,
  type NodeScore,
  type Pod,
  type PreScorePlugin,
  type ScorePlugin,
  type StateData,
  type Toleration,
} from '../../framework/index.js';
import { defaultNormalizeScore } from '../helper.js';
import { Names } from '../names.js';

const PRE_SCORE_KEY = `PreScore${Names.TaintToleration}`;

class PreScoreState implements StateData {
  constructor(readonly tolerationsPreferNoSchedule: Toleration[]) {}
  clone(): StateData {
    return this;
  }
}

/**
 * Filter: a node with a NoSchedule/NoExecute taint the pod does not tolerate is out
 * ("node(s) had untolerated taint {key: value}"). Score: fewer untolerated
 * PreferNoSchedule taints score higher.
 */
export class TaintToleration implements FilterPlugin, PreScorePlugin, ScorePlugin, EnqueueExtensions {
  readonly name = Names.TaintToleration;

  filter(_state: CycleState, pod: Pod, nodeInfo: NodeInfo): MaybeStatus {
    const taint = findMatchingUntoleratedTaint(nodeInfo.node?.spec?.taints, pod.spec?.tolerations, doNotScheduleTaint);
    if (!taint) return undefined;
    return Status.of(Code.UnschedulableAndUnresolvable, `node(s) had untolerated taint {${taint.key}: ${taint.value ?? ''}}`);
  }

  preScore(state: CycleState, pod: Pod): MaybeStatus {
    const tolerations = (pod.spec?.tolerations ?? []).filter((t) => !t.effect || t.effect === TaintEffect.PreferNoSchedule);
    state.write(PRE_SCORE_KEY, new PreScoreState(tolerations));
    return undefined;
  }

  score(state: CycleState, pod: Pod, nodeInfo: NodeInfo): number {
    const s = state.read<PreScoreState>(PRE_SCORE_KEY);
    const tolerations = s?.tolerationsPreferNoSchedule ?? (pod.spec?.tolerations ?? []).filter((t) => !t.effect || t.effect === TaintEffect.PreferNoSchedule);
    let n = 0;
    for (const taint of nodeInfo.node?.spec?.taints ?? []) {
      if (taint.effect !== TaintEffect.PreferNoSchedule) continue;
      if (!tolerationsTolerateTaint(tolerations, taint)) n++;
    }
    return n;
  }

  normalizeScore(_state: CycleState, _pod: Pod, scores: NodeScore[]): MaybeStatus {
    defaultNormalizeScore(scores, true);
    return undefined;
  }

  eventsToRegister(): ClusterEventWithHint[] {
    return [
      {
        event: { resource: EventResource.Node, actionType: ActionType.Add | ActionType.UpdateNodeTaint },
        hint: (pod, oldObj, newObj) => {
          const n = newObj as Node | undefined;
          if (!n) return QueueingHint.QueueSkip;
          const now = !findMatchingUntoleratedTaint(n.spec?.taints, pod.spec?.tolerations, doNotScheduleTaint);
          if (!now) return QueueingHint.QueueSkip;
          const o = oldObj as Node | undefined;
          const before = o ? !findMatchingUntoleratedTaint(o.spec?.taints, pod.spec?.tolerations, doNotScheduleTaint) : false;
          return before ? QueueingHint.QueueSkip : QueueingHint.Queue;
        },
      },
      { event: { resource: EventResource.UnscheduledPod, actionType: ActionType.UpdatePodToleration } },
    ];
  }
}

export const newTaintToleration = (): TaintToleration => new TaintToleration();
