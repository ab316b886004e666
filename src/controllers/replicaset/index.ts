export { ReplicaSetController, REPLICA_SET, REPLICATION_CONTROLLER, type ReplicaKind } from './controller.js';
export { rankPodsForDeletion } from './ranking.js';
