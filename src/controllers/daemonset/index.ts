/**
 * The DaemonSet controller (kube-controller-manager's "daemonset"): a pod per eligible
 * node, rolling and OnDelete updates through ControllerRevisions.
 */
import type { ControllerFactory } from '../framework/types.js';
import { DaemonSetController } from './controller.js';

export { DaemonSetController, DAEMONSETS, byCreationAndScheduled, findUpdatedPodsOnNode, surgeCount, unavailableCount } from './controller.js';
export { KeyedBackoff } from './backoff.js';
export * from './scheduling.js';
export * from './types.js';

export const daemonSetController: ControllerFactory = (ctx) => new DaemonSetController(ctx);
