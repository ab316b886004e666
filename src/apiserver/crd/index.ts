export { CrdManager, CRDS, CLEANUP_FINALIZER, versionPriority } from './manager.js';
export { validateStructural, applyDefaults, prune } from './structural.js';
export { CRD_STRATEGY, validateCrd, defaultCrd } from './crd-strategy.js';
