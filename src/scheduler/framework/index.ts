export * from './api.js';
export * from './status.js';
export * from './cycle-state.js';
export * from './interfaces.js';
export * from './cluster-events.js';
export * from './resources.js';
export * from './node-info.js';
export * from './node-selection.js';
export * from './diagnosis.js';
export { SchedulerCache, Snapshot } from './cache.js';
export {
  SchedulingQueue,
  QueueingStrategy,
  prioritySortLess,
  DEFAULT_POD_INITIAL_BACKOFF_MS,
  DEFAULT_POD_MAX_BACKOFF_MS,
  DEFAULT_POD_MAX_IN_UNSCHEDULABLE_MS,
  type PluginHint,
  type QueueName,
  type SchedulingQueueOptions,
} from './queue.js';
export { Framework, type FrameworkOptions, type PluginConfig, type NodePluginScores } from './framework.js';
export { ScheduleAlgorithm, numFeasibleNodesToFind, selectHost, ERR_NO_NODES_AVAILABLE, type ScheduleOutcome, type ScheduleResult } from './cycle.js';
export { KeyedHeap } from './heap.js';
