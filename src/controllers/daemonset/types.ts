import type { IntOrString } from '../../apimachinery/intstr.js';
import type { LabelSelector } from '../../apimachinery/labels.js';
import type { KubeObject } from '../../apimachinery/types.js';
import { deepClone } from '../../util/deep.js';
import type { PodTemplateSpec } from '../framework/pod-control.js';

/** The label with the revision hash on daemon pods and their ControllerRevisions. */
export const DAEMONSET_HASH_LABEL = 'controller-revision-hash';
/** The label with the template generation (kept for old clients). */
export const TEMPLATE_GENERATION_LABEL = 'pod-template-generation';
/** The annotation the apiserver keeps the template generation in. */
export const TEMPLATE_GENERATION_ANNOTATION = 'deprecated.daemonset.template.generation';

export interface DaemonSetSpec {
  selector?: LabelSelector | null;
  template: PodTemplateSpec;
  updateStrategy: { type: string; rollingUpdate?: { maxUnavailable?: IntOrString; maxSurge?: IntOrString } };
  minReadySeconds: number;
  revisionHistoryLimit: number;
}

export interface DaemonSetStatus {
  currentNumberScheduled: number;
  numberMisscheduled: number;
  desiredNumberScheduled: number;
  numberReady: number;
  observedGeneration?: number;
  updatedNumberScheduled: number;
  numberAvailable: number;
  numberUnavailable: number;
  collisionCount?: number;
  conditions?: unknown[];
}

export interface DaemonSet extends KubeObject {
  spec: DaemonSetSpec;
  status: DaemonSetStatus;
}

/**
 * A copy with upstream's defaults for absent fields: RollingUpdate with maxUnavailable 1 and
 * maxSurge 0, revisionHistoryLimit 10, minReadySeconds 0.
 */
export function withDefaults(obj: KubeObject): DaemonSet {
  const ds = deepClone(obj) as DaemonSet;
  const spec = (ds.spec ??= {} as DaemonSetSpec);
  spec.template ??= {};
  spec.updateStrategy ??= { type: 'RollingUpdate' };
  spec.updateStrategy.type ||= 'RollingUpdate';
  if (spec.updateStrategy.type === 'RollingUpdate') {
    const ru = (spec.updateStrategy.rollingUpdate ??= {});
    ru.maxUnavailable ??= 1;
    ru.maxSurge ??= 0;
  }
  spec.minReadySeconds ??= 0;
  spec.revisionHistoryLimit ??= 10;
  const st = (ds.status ??= {} as DaemonSetStatus);
  st.currentNumberScheduled ??= 0;
  st.numberMisscheduled ??= 0;
  st.desiredNumberScheduled ??= 0;
  st.numberReady ??= 0;
  st.updatedNumberScheduled ??= 0;
  st.numberAvailable ??= 0;
  st.numberUnavailable ??= 0;
  return ds;
}

/** The status as upstream serializes it (zero omitempty counters left out). */
export function statusJson(s: DaemonSetStatus): Record<string, unknown> {
  const out: Record<string, unknown> = {
    currentNumberScheduled: s.currentNumberScheduled,
    numberMisscheduled: s.numberMisscheduled,
    desiredNumberScheduled: s.desiredNumberScheduled,
    numberReady: s.numberReady,
  };
  if (s.observedGeneration) out.observedGeneration = s.observedGeneration;
  if (s.updatedNumberScheduled) out.updatedNumberScheduled = s.updatedNumberScheduled;
  if (s.numberAvailable) out.numberAvailable = s.numberAvailable;
  if (s.numberUnavailable) out.numberUnavailable = s.numberUnavailable;
  if (s.collisionCount !== undefined) out.collisionCount = s.collisionCount;
  if (s.conditions?.length) out.conditions = s.conditions;
  return out;
}

/** The template generation from the apiserver's annotation (undefined when absent or unparsable). */
export function templateGeneration(ds: KubeObject): number | undefined {
  const v = ds.metadata?.annotations?.[TEMPLATE_GENERATION_ANNOTATION];
  if (v === undefined || !/^-?[0-9]+$/.test(v)) return undefined;
  return Number(v);
}

/** Whether a pod runs the DaemonSet's current template: same hash, or same template generation (upstream's IsPodUpdated). */
export function isPodUpdated(pod: KubeObject, hash: string, generation: number | undefined): boolean {
  const labels = pod.metadata?.labels ?? {};
  const templateMatches = generation !== undefined && labels[TEMPLATE_GENERATION_LABEL] === String(generation);
  const hashMatches = hash.length > 0 && labels[DAEMONSET_HASH_LABEL] === hash;
  return hashMatches || templateMatches;
}
