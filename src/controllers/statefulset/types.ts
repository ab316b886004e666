import type { LabelSelector } from '../../apimachinery/labels.js';
import type { IntOrString } from '../../apimachinery/intstr.js';
import type { KubeObject } from '../../apimachinery/types.js';
import { deepClone } from '../../util/deep.js';
import type { PodTemplateSpec } from '../framework/pod-control.js';

export const RetentionPolicy = { Retain: 'Retain', Delete: 'Delete' } as const;
export type RetentionPolicy = (typeof RetentionPolicy)[keyof typeof RetentionPolicy];

export const PodManagementPolicy = { OrderedReady: 'OrderedReady', Parallel: 'Parallel' } as const;
export const UpdateStrategyType = { RollingUpdate: 'RollingUpdate', OnDelete: 'OnDelete' } as const;

/** Labels the controller puts on its pods. */
export const POD_NAME_LABEL = 'statefulset.kubernetes.io/pod-name';
export const POD_INDEX_LABEL = 'apps.kubernetes.io/pod-index';
export const REVISION_LABEL = 'controller-revision-hash';

export interface PersistentVolumeClaimTemplate extends KubeObject {
  metadata?: KubeObject['metadata'];
  spec?: Record<string, unknown>;
}

export interface StatefulSetSpec {
  replicas: number;
  selector?: LabelSelector | null;
  template: PodTemplateSpec;
  volumeClaimTemplates?: PersistentVolumeClaimTemplate[];
  serviceName?: string;
  podManagementPolicy: string;
  updateStrategy: { type: string; rollingUpdate?: { partition: number; maxUnavailable?: IntOrString } };
  revisionHistoryLimit: number;
  minReadySeconds: number;
  persistentVolumeClaimRetentionPolicy: { whenDeleted: string; whenScaled: string };
  ordinals?: { start?: number };
}

export interface StatefulSetStatus {
  observedGeneration?: number;
  replicas: number;
  readyReplicas: number;
  currentReplicas: number;
  updatedReplicas: number;
  availableReplicas: number;
  currentRevision?: string;
  updateRevision?: string;
  collisionCount?: number;
  conditions?: unknown[];
}

export interface StatefulSet extends KubeObject {
  spec: StatefulSetSpec;
  status: StatefulSetStatus;
}

/**
 * A copy of a stored StatefulSet with every field the controller reads set to its upstream
 * default when absent (replicas 1, OrderedReady, RollingUpdate with partition 0, history
 * limit 10, Retain/Retain, minReadySeconds 0), so the controller behaves the same whether or
 * not the apiserver defaulted the object.
 */
export function withDefaults(obj: KubeObject): StatefulSet {
  const set = deepClone(obj) as StatefulSet;
  const spec = (set.spec ??= {} as StatefulSetSpec);
  spec.replicas ??= 1;
  spec.template ??= {};
  spec.podManagementPolicy ||= PodManagementPolicy.OrderedReady;
  spec.updateStrategy ??= { type: UpdateStrategyType.RollingUpdate };
  spec.updateStrategy.type ||= UpdateStrategyType.RollingUpdate;
  if (spec.updateStrategy.type === UpdateStrategyType.RollingUpdate) {
    spec.updateStrategy.rollingUpdate ??= { partition: 0 };
    spec.updateStrategy.rollingUpdate.partition ??= 0;
  }
  spec.revisionHistoryLimit ??= 10;
  spec.minReadySeconds ??= 0;
  const policy = (spec.persistentVolumeClaimRetentionPolicy ??= { whenDeleted: RetentionPolicy.Retain, whenScaled: RetentionPolicy.Retain });
  policy.whenDeleted ||= RetentionPolicy.Retain;
  policy.whenScaled ||= RetentionPolicy.Retain;
  const st = (set.status ??= {} as StatefulSetStatus);
  st.replicas ??= 0;
  st.readyReplicas ??= 0;
  st.currentReplicas ??= 0;
  st.updatedReplicas ??= 0;
  st.availableReplicas ??= 0;
  return set;
}

/**
 * The status as upstream serializes it: zero counters with `omitempty` left out,
 * `replicas` and `availableReplicas` always present, collisionCount kept (a pointer).
 */
export function statusJson(s: StatefulSetStatus): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (s.observedGeneration) out.observedGeneration = s.observedGeneration;
  out.replicas = s.replicas;
  if (s.readyReplicas) out.readyReplicas = s.readyReplicas;
  if (s.currentReplicas) out.currentReplicas = s.currentReplicas;
  if (s.updatedReplicas) out.updatedReplicas = s.updatedReplicas;
  if (s.currentRevision) out.currentRevision = s.currentRevision;
  if (s.updateRevision) out.updateRevision = s.updateRevision;
  if (s.collisionCount !== undefined) out.collisionCount = s.collisionCount;
  if (s.conditions?.length) out.conditions = s.conditions;
  out.availableReplicas = s.availableReplicas;
  return out;
}
