import { selectorFromSet, type KubeObject } from '../../apimachinery/index.js';
import { rfc3339 } from '../../client/index.js';
import { isPodAvailable, isPodReady, messageOf } from '../framework/index.js';
import { desiredReplicas, minReadySecondsOf, templateOf } from './kinds.js';

/** apps/v1 ReplicaSetCondition (core/v1 ReplicationControllerCondition has the same shape). */
export interface ReplicaSetCondition {
  type: string;
  status: string;
  lastTransitionTime?: string;
  reason?: string;
  message?: string;
}

/** apps/v1 ReplicaSetStatus / core/v1 ReplicationControllerStatus, zero values spelled out. */
export interface ReplicaSetStatus {
  replicas: number;
  fullyLabeledReplicas: number;
  readyReplicas: number;
  availableReplicas: number;
  observedGeneration: number;
  conditions: ReplicaSetCondition[];
}

export const REPLICA_FAILURE = 'ReplicaFailure';

/** The object's status with absent fields as Go's zero values. */
export function statusOf(obj: KubeObject): ReplicaSetStatus {
  const s = (obj.status ?? {}) as Partial<ReplicaSetStatus>;
  return {
    replicas: s.replicas ?? 0,
    fullyLabeledReplicas: s.fullyLabeledReplicas ?? 0,
    readyReplicas: s.readyReplicas ?? 0,
    availableReplicas: s.availableReplicas ?? 0,
    observedGeneration: s.observedGeneration ?? 0,
    conditions: [...(s.conditions ?? [])],
  };
}

/**
 * The status as the API serializes it: `replicas` always, the other counters and the
 * conditions only when non-zero (their JSON tags are omitempty).
 */
export function serializeStatus(s: ReplicaSetStatus): Record<string, unknown> {
  const out: Record<string, unknown> = { replicas: s.replicas };
  if (s.fullyLabeledReplicas) out.fullyLabeledReplicas = s.fullyLabeledReplicas;
  if (s.readyReplicas) out.readyReplicas = s.readyReplicas;
  if (s.availableReplicas) out.availableReplicas = s.availableReplicas;
  if (s.observedGeneration) out.observedGeneration = s.observedGeneration;
  if (s.conditions.length) out.conditions = s.conditions;
  return out;
}

/**
 * The new status of a ReplicaSet from its active claimed pods, as upstream's calculateStatus:
 * pods counted, pods carrying all the template's labels, ready pods, and ready pods that
 * have been so for minReadySeconds. A failed create or delete (`manageError`) adds a
 * ReplicaFailure condition (FailedCreate when pods were missing, FailedDelete when there were
 * too many) unless one is already there; a sync without error removes it. observedGeneration
 * is carried over (the status update sets it).
 */
export function calculateStatus(obj: KubeObject, activePods: readonly KubeObject[], manageError: unknown, nowMs: number): ReplicaSetStatus {
  const status = statusOf(obj);
  const template = selectorFromSet(templateOf(obj).metadata?.labels);
  const minReady = minReadySecondsOf(obj);
  let fullyLabeled = 0;
  let ready = 0;
  let available = 0;
  for (const pod of activePods) {
    if (template.matches(pod.metadata?.labels ?? {})) fullyLabeled++;
    if (isPodReady(pod)) {
      ready++;
      if (isPodAvailable(pod, minReady, nowMs)) available++;
    }
  }
  const failure = status.conditions.find((c) => c.type === REPLICA_FAILURE);
  if (manageError !== undefined && !failure) {
    const diff = activePods.length - desiredReplicas(obj);
    const reason = diff < 0 ? 'FailedCreate' : diff > 0 ? 'FailedDelete' : '';
    const cond: ReplicaSetCondition = { type: REPLICA_FAILURE, status: 'True', lastTransitionTime: rfc3339(nowMs), reason, message: messageOf(manageError) };
    if (!reason) delete cond.reason;
    status.conditions = [...status.conditions, cond];
  } else if (manageError === undefined && failure) {
    status.conditions = status.conditions.filter((c) => c.type !== REPLICA_FAILURE);
  }
  status.replicas = activePods.length;
  status.fullyLabeledReplicas = fullyLabeled;
  status.readyReplicas = ready;
  status.availableReplicas = available;
  return status;
}
