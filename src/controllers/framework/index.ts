export type { Controller, ControllerContext, ControllerFactory } from './types.js';
export { ControllerManager, type ControllerManagerOptions, type LeaderElectionConfig } from './manager.js';
export { controllerRefOf, newControllerRef, isControlledBy, keyOf, splitKeyOf, type OwnerReference } from './owner-refs.js';
export { isPodActive, isPodReady, isPodAvailable, phaseOf } from './pods.js';
export { ControllerExpectations, EXPECTATIONS_TIMEOUT_MS } from './expectations.js';
export {
  PODS,
  PodControl,
  podFromTemplate,
  podNamePrefix,
  controllerReference,
  isNamespaceTerminating,
  messageOf,
  type PodTemplateSpec,
} from './pod-control.js';
export { claimObjects, recheckDeletion, type ClaimOptions } from './ref-manager.js';
export { httpDiscovery, type DiscoveredResource, type Discovery } from './discovery.js';
