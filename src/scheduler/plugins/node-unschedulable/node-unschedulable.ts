import {
  ActionType,
  Code,
  EventResource,
  QueueingHint,
  Status,
  TAINT_NODE_UNSCHEDULABLE,
  TaintEffect,
  tolerationsTolerateTaint,
  type ClusterEventWithHint,
  type CycleState,
  type EnqueueExtensions,
  type FilterPlugin,
  type MaybeStatus,
  type Node,
  type NodeInfo,
  type Pod,
} from '../../framework/index.js';
import { Names } from '../names.js';

export const ERR_REASON_UNSCHEDULABLE = 'node(s) were unschedulable';

const unschedulableTaint = { key: TAINT_NODE_UNSCHEDULABLE, effect: TaintEffect.NoSchedule };

/** Rejects nodes with spec.unschedulable unless the pod tolerates the unschedulable taint. */
export class NodeUnschedulable implements FilterPlugin, EnqueueExtensions {
  readonly name = Names.NodeUnschedulable;

  filter(_state: CycleState, pod: Pod, nodeInfo: NodeInfo): MaybeStatus {
    if (!nodeInfo.node?.spec?.unschedulable) return undefined;
    if (tolerationsTolerateTaint(pod.spec?.tolerations, unschedulableTaint)) return undefined;
    return Status.of(Code.UnschedulableAndUnresolvable, ERR_REASON_UNSCHEDULABLE);
  }

  eventsToRegister(): ClusterEventWithHint[] {
    return [
      {
        event: { resource: EventResource.Node, actionType: ActionType.Add | ActionType.UpdateNodeTaint },
        hint: (_pod, oldObj, newObj) => {
          const n = newObj as Node | undefined;
          const o = oldObj as Node | undefined;
          if (!n?.spec?.unschedulable && (!o || o.spec?.unschedulable)) return QueueingHint.Queue;
          return n && !n.spec?.unschedulable ? QueueingHint.Queue : QueueingHint.QueueSkip;
        },
      },
      { event: { resource: EventResource.UnscheduledPod, actionType: ActionType.UpdatePodToleration } },
    ];
  }
}

export const newNodeUnschedulable = (): NodeUnschedulable => new NodeUnschedulable();
