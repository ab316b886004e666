export { DeploymentController, DEPLOYMENTS, REPLICASETS } from './controller.js';
export { resolveFenceposts, newRsReplicas, proportionalShares } from './rolling.js';
