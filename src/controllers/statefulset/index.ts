/**
 * The StatefulSet controller (kube-controller-manager's "statefulset"): ordinal pods with
 * stable identity and storage, ordered or parallel scaling, rolling and OnDelete updates
 * through ControllerRevisions, and PVC retention.
 */
import type { ControllerFactory } from '../framework/types.js';
import { StatefulSetController } from './controller.js';

export { StatefulSetController, type StatefulSetControllerOptions } from './controller.js';
export { StatefulSetControl, runForAll, STATEFULSETS } from './control.js';
export { StatefulPodControl, PVCS } from './pod-control.js';
export * from './identity.js';
export * from './types.js';

export const statefulSetController: ControllerFactory = (ctx) => new StatefulSetController(ctx);
