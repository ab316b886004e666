/** The pod garbage collector (kube-controller-manager's "pod-garbage-collector"). */
export {
  PodGcController,
  isPodTerminated,
  byEvictionAndCreation,
  TERMINATED_POD_THRESHOLD,
  GC_CHECK_PERIOD_MS,
  QUARANTINE_MS,
  type PodGcOptions,
} from './controller.js';
