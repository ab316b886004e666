export { loadKubeconfig, type ClusterCredentials } from './kubeconfig.js';
export { RestClient, type RestRequest, type RestResponse } from './rest.js';
export * from './api-client.js';
export { HttpClient } from './http-client.js';
export { Backoff, type BackoffOptions } from './backoff.js';
export {
  Indexer,
  DeletedFinalStateUnknown,
  isTombstone,
  metaNamespaceKey,
  splitKey,
  NAMESPACE_INDEX,
  namespaceIndexFunc,
  type IndexFunc,
  type Indexers,
  type IndexerOptions,
  type KeyFunc,
  type KeyListerGetter,
  type ReflectorStore,
} from './indexer.js';
export { DeltaFifo, DeltaType, type Delta, type DeltaFifoOptions, type PopResult } from './delta-fifo.js';
export { Reflector, statusErrorOf, type ReflectorOptions, type ReflectorTarget } from './reflector.js';
export {
  SharedInformer,
  type SharedInformerOptions,
  type ResourceEventHandler,
  type HandlerOptions,
  type HandlerRegistration,
} from './informer.js';
export { SharedInformerFactory, type SharedInformerFactoryOptions, type InformerOptions } from './informer-factory.js';
export { Lister, NamespaceLister, everything, type LabelMatcher } from './lister.js';
export {
  BucketRateLimiter,
  ItemExponentialFailureRateLimiter,
  MaxOfRateLimiter,
  defaultControllerRateLimiter,
  type RateLimiter,
} from './rate-limiter.js';
export {
  Workqueue,
  runWorkers,
  type WorkqueueOptions,
  type Reconcile,
  type ReconcileResult,
  type RunWorkersOptions,
} from './workqueue.js';
export {
  LeaderElector,
  LEASES,
  recordOf,
  type LeaderCallbacks,
  type LeaderElectionOptions,
  type LeaderElectionRecord,
} from './leader-election.js';
export {
  EventRecorder,
  EventType,
  EVENTS,
  referenceOf,
  sprintf,
  type CoreEvent,
  type EventRecorderOptions,
  type ObjectReference,
} from './event-recorder.js';
export { FakeApiClient, type FakeAction, type FakeApiClientOptions } from './fake-api-client.js';
export { rfc3339, microTime } from './time-format.js';
