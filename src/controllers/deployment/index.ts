export { DeploymentController, MAX_RETRIES } from './controller.js';
export { DEPLOYMENTS, REPLICASETS, DeploymentStrategyType, toDeployment, toReplicaSet, serializeDeploymentStatus } from './types.js';
export type { Deployment, DeploymentCondition, DeploymentSpec, DeploymentStatus, ReplicaSet } from './types.js';
export type { SyncContext, PodMap } from './context.js';
export { semanticEqual } from './semantic.js';
export {
  ConditionType,
  DEFAULT_DEPLOYMENT_UNIQUE_LABEL_KEY,
  DeprecatedRollbackTo,
  DesiredReplicasAnnotation,
  MaxReplicasAnnotation,
  Reason,
  RevisionAnnotation,
  RevisionHistoryAnnotation,
  equalIgnoreHash,
  getProportion,
  maxSurge,
  maxUnavailable,
  minAvailable,
  newRSNewReplicas,
  proportionalScale,
  replicaSetFraction,
  resolveFenceposts,
  roundToInt32,
} from './util.js';
