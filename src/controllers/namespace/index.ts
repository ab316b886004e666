/**
 * The namespace controller (kube-controller-manager's "namespace"): deletes the content of
 * namespaces being deleted and then releases their "kubernetes" finalizer.
 */
export { NamespaceController, NAMESPACE_DELETION_GRACE_MS, NAMESPACE_RESYNC_MS, type NamespaceControllerOptions } from './controller.js';
export { NamespacedResourcesDeleter, ResourcesRemainingError, FINALIZER_KUBERNETES, FINALIZER_ESTIMATE_SECONDS } from './deleter.js';
export { updateConditions, failingConditions, CONDITION_TYPES, type NamespaceCondition, type DeletionReport } from './conditions.js';
