import {
  ActionType,
  Code,
  EventResource,
  Status,
  type ClusterEventWithHint,
  type CycleState,
  type EnqueueExtensions,
  type FilterPlugin,
  type MaybeStatus,
  type NodeInfo,
  type Pod,
} from '../../framework/index.js';
import { Names } from '../names.js';

export const ERR_REASON_NODE_NAME = "node(s) didn't match the requested node name";

/** A pod that names a node (spec.nodeName) fits only that node. */
export class NodeName implements FilterPlugin, EnqueueExtensions {
  readonly name = Names.NodeName;

  filter(_state: CycleState, pod: Pod, nodeInfo: NodeInfo): MaybeStatus {
    const want = pod.spec?.nodeName;
    if (!want || want === nodeInfo.name) return undefined;
    return Status.of(Code.UnschedulableAndUnresolvable, ERR_REASON_NODE_NAME);
  }

  eventsToRegister(): ClusterEventWithHint[] {
    return [{ event: { resource: EventResource.Node, actionType: ActionType.Add | ActionType.Update } }];
  }
}

export const newNodeName = (): NodeName => new NodeName();
