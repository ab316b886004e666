export type { Controller, ControllerContext, ControllerFactory } from './types.js';
export { ControllerManager, type ControllerManagerOptions, type LeaderElectionConfig } from './manager.js';
export { controllerRefOf, newControllerRef, isControlledBy, keyOf, splitKeyOf, type OwnerReference } from './owner-refs.js';
export { isPodActive, isPodReady, isPodAvailable, phaseOf } from './pods.js';
