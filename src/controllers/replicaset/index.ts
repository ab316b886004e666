export { ReplicaSetController, BURST_REPLICAS, CONTROLLER_UID_INDEX, type ReplicaSetControllerOptions } from './controller.js';
export { REPLICA_SET, REPLICATION_CONTROLLER, desiredReplicas, minReadySecondsOf, templateOf, type ReplicaKind } from './kinds.js';
export { UidTrackingExpectations } from './expectations.js';
export {
  POD_DELETION_COST,
  deleteBefore,
  deletionCost,
  logarithmicRankDiff,
  maxContainerRestarts,
  podReadyTime,
  podsToDelete,
  rankByRelatedPodsOnSameNode,
  sortForDeletion,
  type RankedPod,
} from './ranking.js';
export { slowStartBatch, SLOW_START_INITIAL_BATCH, type SlowStartResult } from './slow-start.js';
export { calculateStatus, serializeStatus, statusOf, REPLICA_FAILURE, type ReplicaSetCondition, type ReplicaSetStatus } from './status.js';
