import type { StrategyOverlay } from '../strategy.js';
import { ADMISSIONREGISTRATION_STRATEGIES } from './admissionregistration.js';
import { APIREGISTRATION_STRATEGIES } from './apiregistration.js';
import { CERTIFICATES_STRATEGIES } from './certificates.js';
import { CLUSTER_GROUP_STRATEGIES } from './cluster-groups.js';
import { CORE_CLUSTER_STRATEGIES } from './core-cluster.js';
import { CORE_CONFIG_STRATEGIES } from './core-config.js';
import { CORE_SERVICE_STRATEGIES } from './core-services.js';
import { CORE_VOLUME_STRATEGIES } from './core-volumes.js';
import { DEFAULTS } from './defaults.js';
import { FLOWCONTROL_STRATEGIES } from './flowcontrol.js';
import { NETWORKING_STRATEGIES } from './networking.js';
import { POLICY_AUTOSCALING_STRATEGIES } from './policy-autoscaling.js';
import { RBAC_STRATEGIES } from './rbac.js';
import { STORAGE_STRATEGIES } from './storage.js';
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
 * over its base behaviour (src/apiserver/registry/behaviours.ts); hooks of the same name
 * run in list order (DEFAULTS first, so the validation overlays see defaulted objects).
 */
export const BUILTIN_STRATEGIES: StrategyOverlay[] = [
  // defaulting of the types below that have no fuller overlay (defaults.ts)
  DEFAULTS,
  // pods, pod templates and workloads (pods.ts, workloads.ts)
  POD_STRATEGIES,
  WORKLOAD_STRATEGIES,
  // the other built-in types
  CORE_SERVICE_STRATEGIES,
  CORE_CONFIG_STRATEGIES,
  CORE_CLUSTER_STRATEGIES,
  CORE_VOLUME_STRATEGIES,
  RBAC_STRATEGIES,
  NETWORKING_STRATEGIES,
  STORAGE_STRATEGIES,
  POLICY_AUTOSCALING_STRATEGIES,
  CLUSTER_GROUP_STRATEGIES,
  ADMISSIONREGISTRATION_STRATEGIES,
  CERTIFICATES_STRATEGIES,
  APIREGISTRATION_STRATEGIES,
  FLOWCONTROL_STRATEGIES,
];
