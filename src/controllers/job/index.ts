/**
 * The Job controller (kube-controller-manager's "job").
 */
import type { ControllerFactory } from '../framework/types.js';
import { JobController } from './controller.js';

export { JobController, JOBS, activePodsForRemoval, isPodFailed, podGenerateNameWithIndex, type JobControllerOptions } from './controller.js';
export { IndexSet, type Interval } from './indexes.js';
export { BackoffStore, remainingBackoff, DEFAULT_POD_FAILURE_BACKOFF_MS, MAX_POD_FAILURE_BACKOFF_MS, type BackoffRecord } from './backoff.js';
export { matchPodFailurePolicy, matchSuccessPolicy, type PodFailurePolicyMatch } from './policies.js';
export * from './pods.js';
export * from './types.js';

export const jobController: ControllerFactory = (ctx) => new JobController(ctx);
