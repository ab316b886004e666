import type { StrategyOverlay } from '../strategy.js';
import { DEFAULTS } from './defaults.js';
// pods, pod templates and workloads (strat-workloads)
import { POD_STRATEGIES } from './pods.js';
import { WORKLOAD_STRATEGIES } from './workloads.js';

// pods, pod templates and workloads: the overlays and the shared pod spec pieces
export { POD_STRATEGIES, computePodQOS } from './pods.js';
export { WORKLOAD_STRATEGIES } from './workloads.js';
export {
  defaultPod,
  defaultPodSpec,
  defaultPodTemplateSpec,
  podValidationOptions,
  validatePodSpec,
  validatePodTemplateSpec,
  type PodValidationOptions,
} from './pod-spec.js';

/**
 * Defaulting and validation of the built-in types, per resource (`group/resource`), as
 * upstream's SetDefaults_* functions and validation packages. The registry merges these
 * over its base behaviour (src/apiserver/registry/behaviours.ts).
 */
export const BUILTIN_STRATEGIES: StrategyOverlay[] = [
  // every type not covered by a fuller overlay below (defaults.ts)
  DEFAULTS,
  // pods, pod templates and workloads (pods.ts, workloads.ts)
  POD_STRATEGIES,
  WORKLOAD_STRATEGIES,
];
