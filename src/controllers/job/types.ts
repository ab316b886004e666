import type { LabelSelector } from '../../apimachinery/labels.js';
import type { KubeObject } from '../../apimachinery/types.js';
import { deepClone } from '../../util/deep.js';
import type { PodTemplateSpec } from '../framework/pod-control.js';

export const JobConditionType = {
  Complete: 'Complete',
  Failed: 'Failed',
  Suspended: 'Suspended',
  FailureTarget: 'FailureTarget',
  SuccessCriteriaMet: 'SuccessCriteriaMet',
} as const;

export const JobReason = {
  BackoffLimitExceeded: 'BackoffLimitExceeded',
  DeadlineExceeded: 'DeadlineExceeded',
  PodFailurePolicy: 'PodFailurePolicy',
  FailedIndexes: 'FailedIndexes',
  MaxFailedIndexesExceeded: 'MaxFailedIndexesExceeded',
  SuccessPolicy: 'SuccessPolicy',
  CompletionsReached: 'CompletionsReached',
} as const;

/** The only value of spec.managedBy this controller acts on (absent means the same). */
export const JOB_CONTROLLER_NAME = 'kubernetes.io/job-controller';

export interface JobCondition {
  type: string;
  status: string;
  lastProbeTime?: string;
  lastTransitionTime?: string;
  reason?: string;
  message?: string;
}

export interface PodFailurePolicyRule {
  action: string;
  onExitCodes?: { containerName?: string; operator: string; values: number[] };
  onPodConditions?: { type: string; status?: string }[];
}

export interface SuccessPolicyRule {
  succeededIndexes?: string;
  succeededCount?: number;
}

export interface JobSpec {
  parallelism: number;
  completions?: number;
  activeDeadlineSeconds?: number;
  podFailurePolicy?: { rules: PodFailurePolicyRule[] };
  successPolicy?: { rules: SuccessPolicyRule[] };
  backoffLimit: number;
  backoffLimitPerIndex?: number;
  maxFailedIndexes?: number;
  selector?: LabelSelector | null;
  manualSelector?: boolean;
  template: PodTemplateSpec;
  ttlSecondsAfterFinished?: number;
  completionMode: string;
  suspend: boolean;
  podReplacementPolicy: string;
  managedBy?: string;
}

export interface JobStatus {
  conditions?: JobCondition[];
  startTime?: string;
  completionTime?: string;
  active: number;
  succeeded: number;
  failed: number;
  terminating?: number;
  completedIndexes?: string;
  failedIndexes?: string;
  uncountedTerminatedPods?: { succeeded?: string[]; failed?: string[] };
  ready?: number;
}

export interface Job extends KubeObject {
  spec: JobSpec;
  status: JobStatus;
}

/**
 * A copy with upstream's defaults for absent fields (SetDefaults_Job): completions and
 * parallelism 1 when both are absent, parallelism 1, backoffLimit 6 (max int32 with
 * backoffLimitPerIndex), NonIndexed, not suspended, podReplacementPolicy Failed with a pod
 * failure policy else TerminatingOrFailed, pod condition patterns status True.
 */
export function withDefaults(obj: KubeObject): Job {
  const job = deepClone(obj) as Job;
  const spec = (job.spec ??= {} as JobSpec);
  if (spec.completions == null && spec.parallelism == null) {
    spec.completions = 1;
    spec.parallelism = 1;
  }
  spec.parallelism ??= 1;
  if (spec.completions === null) delete spec.completions;
  spec.backoffLimit ??= spec.backoffLimitPerIndex != null ? 0x7fffffff : 6;
  spec.completionMode ||= 'NonIndexed';
  spec.suspend ??= false;
  spec.template ??= {};
  for (const rule of spec.podFailurePolicy?.rules ?? []) for (const p of rule.onPodConditions ?? []) p.status ||= 'True';
  spec.podReplacementPolicy ||= spec.podFailurePolicy ? 'Failed' : 'TerminatingOrFailed';
  const st = (job.status ??= {} as JobStatus);
  st.active ??= 0;
  st.succeeded ??= 0;
  st.failed ??= 0;
  return job;
}

export const isIndexed = (job: Job): boolean => job.spec.completionMode === 'Indexed';
export const hasBackoffLimitPerIndex = (job: Job): boolean => job.spec.backoffLimitPerIndex != null;

/** The condition of that type, if present. */
export function findCondition(conditions: readonly JobCondition[] | undefined, type: string): JobCondition | undefined {
  return (conditions ?? []).find((c) => c.type === type);
}

/** Complete or Failed is True (upstream's IsJobFinished). */
export function isJobFinished(job: KubeObject): boolean {
  const conds = ((job.status as { conditions?: JobCondition[] } | undefined)?.conditions ?? []);
  return conds.some((c) => (c.type === JobConditionType.Complete || c.type === JobConditionType.Failed) && c.status === 'True');
}

/** The status as upstream serializes it (zero counters and empty strings left out). */
export function statusJson(s: JobStatus): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (s.conditions?.length) out.conditions = s.conditions;
  if (s.startTime) out.startTime = s.startTime;
  if (s.completionTime) out.completionTime = s.completionTime;
  if (s.active) out.active = s.active;
  if (s.succeeded) out.succeeded = s.succeeded;
  if (s.failed) out.failed = s.failed;
  if (s.terminating !== undefined) out.terminating = s.terminating;
  if (s.completedIndexes) out.completedIndexes = s.completedIndexes;
  if (s.failedIndexes !== undefined) out.failedIndexes = s.failedIndexes;
  if (s.uncountedTerminatedPods) {
    const u: Record<string, unknown> = {};
    if (s.uncountedTerminatedPods.succeeded?.length) u.succeeded = s.uncountedTerminatedPods.succeeded;
    if (s.uncountedTerminatedPods.failed?.length) u.failed = s.uncountedTerminatedPods.failed;
    out.uncountedTerminatedPods = u;
  }
  if (s.ready !== undefined) out.ready = s.ready;
  return out;
}
