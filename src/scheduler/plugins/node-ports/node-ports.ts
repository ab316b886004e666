import {
  ActionType,
  Code,
  EventResource,
  QueueingHint,
  Status,
  podHostPorts,
  type ClusterEventWithHint,
  type CycleState,
  type EnqueueExtensions,
  type FilterPlugin,
  type MaybeStatus,
  type NodeInfo,
  type Pod,
  type PreFilterOutcome,
  type PreFilterPlugin,
  type StateData,
} from '../../framework/index.js';
import { Names } from '../names.js';

export const ERR_REASON_NODE_PORTS = "node(s) didn't have free ports for the requested pod ports";

const PRE_FILTER_KEY = `PreFilter${Names.NodePorts}`;

type Ports = ReturnType<typeof podHostPorts>;

class PreFilterState implements StateData {
  constructor(readonly ports: Ports) {}
  clone(): StateData {
    return this;
  }
}

/** Rejects nodes where one of the pod's host ports (ip, protocol, port) is already taken. */
export class NodePorts implements PreFilterPlugin, FilterPlugin, EnqueueExtensions {
  readonly name = Names.NodePorts;

  preFilter(state: CycleState, pod: Pod): PreFilterOutcome | undefined {
    const ports = podHostPorts(pod);
    if (ports.length === 0) return { status: Status.of(Code.Skip) };
    state.write(PRE_FILTER_KEY, new PreFilterState(ports));
    return undefined;
  }

  filter(state: CycleState, pod: Pod, nodeInfo: NodeInfo): MaybeStatus {
    const ports = state.read<PreFilterState>(PRE_FILTER_KEY)?.ports ?? podHostPorts(pod);
    for (const p of ports) {
      if (nodeInfo.usedPorts.conflicts(p.hostIP, p.protocol, p.hostPort)) return Status.of(Code.Unschedulable, ERR_REASON_NODE_PORTS);
    }
    return undefined;
  }

  eventsToRegister(): ClusterEventWithHint[] {
    return [
      {
        event: { resource: EventResource.AssignedPod, actionType: ActionType.Delete },
        hint: (pod, oldObj) => {
          const deleted = oldObj as Pod | undefined;
          if (!deleted) return QueueingHint.Queue;
          const freed = podHostPorts(deleted);
          const want = podHostPorts(pod);
          const clash = want.some((w) =>
            freed.some((f) => f.hostPort === w.hostPort && (f.protocol || 'TCP') === (w.protocol || 'TCP') && (!f.hostIP || !w.hostIP || f.hostIP === '0.0.0.0' || w.hostIP === '0.0.0.0' || f.hostIP === w.hostIP)),
          );
          return clash ? QueueingHint.Queue : QueueingHint.QueueSkip;
        },
      },
      { event: { resource: EventResource.Node, actionType: ActionType.Add | ActionType.Update } },
    ];
  }
}

export const newNodePorts = (): NodePorts => new NodePorts();
