/**
 * The garbage collector (kube-controller-manager's "garbage-collector"): cascading deletion
 * through ownerReferences (background, foreground, orphan).
 */
export { GarbageCollector, RESYNC_MS, GC_WORKERS, type GarbageCollectorOptions } from './garbage-collector.js';
export { GraphBuilder, FOREGROUND, ORPHAN, type GraphEvent } from './graph-builder.js';
export { Graph, GraphNode, ReferenceCache, partitionDependents, alternateOwnerIdentity, referencesDiffs, type Identity } from './graph.js';
