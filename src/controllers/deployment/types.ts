import type { IntOrString, KubeObject, LabelSelector } from '../../apimachinery/index.js';
import { gvr } from '../../client/index.js';
import { deepClone } from '../../util/deep.js';
import type { PodTemplateSpec } from '../framework/index.js';

export const DEPLOYMENTS = gvr('apps/v1', 'deployments');
export const REPLICASETS = gvr('apps/v1', 'replicasets');

export const DeploymentStrategyType = { RollingUpdate: 'RollingUpdate', Recreate: 'Recreate' } as const;

/** apps/v1 DeploymentCondition. */
export interface DeploymentCondition {
  type: string;
  status: string;
  lastUpdateTime?: string;
  lastTransitionTime?: string;
  reason?: string;
  message?: string;
}

/** apps/v1 DeploymentStatus with Go's zero values spelled out (collisionCount stays optional: it is a pointer). */
export interface DeploymentStatus {
  observedGeneration: number;
  replicas: number;
  updatedReplicas: number;
  readyReplicas: number;
  availableReplicas: number;
  unavailableReplicas: number;
  conditions: DeploymentCondition[];
  collisionCount?: number;
}

export interface DeploymentSpec {
  replicas: number;
  selector?: LabelSelector | null;
  template: PodTemplateSpec;
  strategy: { type: string; rollingUpdate?: { maxSurge?: IntOrString | null; maxUnavailable?: IntOrString | null } | null };
  minReadySeconds: number;
  revisionHistoryLimit: number;
  paused: boolean;
  progressDeadlineSeconds: number;
}

/**
 * A Deployment as the controller works on it: a private copy of the cached object whose spec
 * has the API's defaults filled in and whose status has Go's zero values. Mutating it never
 * touches the informer cache.
 */
export interface Deployment extends KubeObject {
  metadata: NonNullable<KubeObject['metadata']> & { name: string; namespace: string };
  spec: DeploymentSpec;
  status: DeploymentStatus;
}

export interface ReplicaSetSpec {
  replicas: number;
  minReadySeconds?: number;
  selector?: LabelSelector | null;
  template: PodTemplateSpec;
}

export interface ReplicaSetStatusView {
  replicas: number;
  fullyLabeledReplicas?: number;
  readyReplicas: number;
  availableReplicas: number;
  observedGeneration: number;
  conditions?: { type: string; status: string; lastTransitionTime?: string; reason?: string; message?: string }[];
}

/** A ReplicaSet as the deployment controller works on it (a private copy, replicas defaulted). */
export interface ReplicaSet extends KubeObject {
  metadata: NonNullable<KubeObject['metadata']> & { name: string; namespace: string };
  spec: ReplicaSetSpec;
  status: ReplicaSetStatusView;
}

type Loose = Record<string, unknown>;

/**
 * A private copy of a cached Deployment with absent fields read as the API defaults them
 * (apps/v1 SetDefaults_Deployment): replicas 1, strategy RollingUpdate with 25% / 25%,
 * revisionHistoryLimit 10, progressDeadlineSeconds 600, minReadySeconds 0, not paused.
 */
export function toDeployment(obj: KubeObject): Deployment {
  const d = deepClone(obj) as Loose & KubeObject;
  const spec = ((d.spec as Loose | undefined) ?? {}) as Loose;
  const strategy = ((spec.strategy as Loose | undefined) ?? {}) as Loose;
  if (!strategy.type) strategy.type = DeploymentStrategyType.RollingUpdate;
  if (strategy.type === DeploymentStrategyType.RollingUpdate) {
    const ru = ((strategy.rollingUpdate as Loose | undefined) ?? {}) as Loose;
    if (ru.maxUnavailable === undefined || ru.maxUnavailable === null) ru.maxUnavailable = '25%';
    if (ru.maxSurge === undefined || ru.maxSurge === null) ru.maxSurge = '25%';
    strategy.rollingUpdate = ru;
  }
  d.spec = {
    ...spec,
    replicas: (spec.replicas as number | null | undefined) ?? 1,
    template: (spec.template as PodTemplateSpec | undefined) ?? {},
    strategy,
    minReadySeconds: (spec.minReadySeconds as number | null | undefined) ?? 0,
    revisionHistoryLimit: (spec.revisionHistoryLimit as number | null | undefined) ?? 10,
    paused: (spec.paused as boolean | null | undefined) ?? false,
    progressDeadlineSeconds: (spec.progressDeadlineSeconds as number | null | undefined) ?? 600,
  };
  const st = ((d.status as Loose | undefined) ?? {}) as Loose;
  const status: DeploymentStatus = {
    observedGeneration: (st.observedGeneration as number | undefined) ?? 0,
    replicas: (st.replicas as number | undefined) ?? 0,
    updatedReplicas: (st.updatedReplicas as number | undefined) ?? 0,
    readyReplicas: (st.readyReplicas as number | undefined) ?? 0,
    availableReplicas: (st.availableReplicas as number | undefined) ?? 0,
    unavailableReplicas: (st.unavailableReplicas as number | undefined) ?? 0,
    conditions: ((st.conditions as DeploymentCondition[] | undefined) ?? []).map((c) => ({ ...c })),
  };
  if (st.collisionCount !== undefined && st.collisionCount !== null) status.collisionCount = st.collisionCount as number;
  d.status = status;
  d.metadata = { ...(d.metadata ?? {}) };
  return d as unknown as Deployment;
}

/** A private copy of a cached ReplicaSet (replicas absent = 1, status zero values spelled out). */
export function toReplicaSet(obj: KubeObject): ReplicaSet {
  const rs = deepClone(obj) as Loose & KubeObject;
  const spec = ((rs.spec as Loose | undefined) ?? {}) as Loose;
  rs.spec = { ...spec, replicas: (spec.replicas as number | null | undefined) ?? 1, template: (spec.template as PodTemplateSpec | undefined) ?? {} };
  const st = ((rs.status as Loose | undefined) ?? {}) as Loose;
  rs.status = {
    ...st,
    replicas: (st.replicas as number | undefined) ?? 0,
    readyReplicas: (st.readyReplicas as number | undefined) ?? 0,
    availableReplicas: (st.availableReplicas as number | undefined) ?? 0,
    observedGeneration: (st.observedGeneration as number | undefined) ?? 0,
  };
  rs.metadata = { ...(rs.metadata ?? {}) };
  return rs as unknown as ReplicaSet;
}

/**
 * The Deployment status as the API serializes it: every counter omitted when zero (their JSON
 * tags are omitempty), collisionCount kept when set, conditions when there are any.
 */
export function serializeDeploymentStatus(s: DeploymentStatus): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (s.observedGeneration) out.observedGeneration = s.observedGeneration;
  if (s.replicas) out.replicas = s.replicas;
  if (s.updatedReplicas) out.updatedReplicas = s.updatedReplicas;
  if (s.readyReplicas) out.readyReplicas = s.readyReplicas;
  if (s.availableReplicas) out.availableReplicas = s.availableReplicas;
  if (s.unavailableReplicas) out.unavailableReplicas = s.unavailableReplicas;
  if (s.conditions.length) out.conditions = s.conditions;
  if (s.collisionCount !== undefined) out.collisionCount = s.collisionCount;
  return out;
}
