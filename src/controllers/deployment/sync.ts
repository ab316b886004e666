/**
 * Scaling, ReplicaSet creation, revisions, cleanup and status, as upstream's
 * pkg/controller/deployment/sync.go.
 */
import { isAlreadyExists, isNotFound } from '../../apimachinery/index.js';
import { EventType } from '../../client/index.js';
import { deepClone, deepEqual } from '../../util/deep.js';
import { logger } from '../../util/log.js';
import { computeTemplateHash } from '../history/index.js';
import { controllerRefOf, isNamespaceTerminating, messageOf, newControllerRef } from '../framework/index.js';
import type { SyncContext } from './context.js';
import { DEPLOYMENTS, REPLICASETS, serializeDeploymentStatus, toReplicaSet, type Deployment, type DeploymentStatus, type ReplicaSet } from './types.js';
import {
  activeReplicaSets,
  actualReplicaCount,
  availableReplicaCount,
  byRevision,
  ConditionType,
  DEFAULT_DEPLOYMENT_UNIQUE_LABEL_KEY,
  desiredReplicasAnnotation,
  equalIgnoreHash,
  findActiveOrLatest,
  findNewReplicaSet,
  findOldReplicaSets,
  getDeploymentCondition,
  getRollbackTo,
  hasProgressDeadline,
  hasRevisionHistoryLimit,
  isRollingUpdate,
  isSaturated,
  MAX_REV_HISTORY_LENGTH_IN_CHARS,
  maxRevision,
  maxSurge,
  maxUnavailable,
  newDeploymentCondition,
  newRSNewReplicas,
  proportionalScale,
  readyReplicaCount,
  Reason,
  replicaCount,
  replicasAnnotationsNeedUpdate,
  RevisionAnnotation,
  setDeploymentCondition,
  setDeploymentRevision,
  setNewReplicaSetAnnotations,
  setReplicasAnnotations,
} from './util.js';

const log = logger('deployment-controller');

// ---- writes ----

/** The Deployment as sent to the API. */
function wireDeployment(d: Deployment): Record<string, unknown> {
  return { ...d, apiVersion: 'apps/v1', kind: 'Deployment', status: serializeDeploymentStatus(d.status) };
}

/**
 * Writes the Deployment's status (and, with it, its revision annotation, as kube-apiserver's
 * Deployment status strategy keeps annotation changes made through /status). When the API
 * dropped the annotation, it is written with a metadata patch so the end state is the same.
 * The in-memory copy takes the new resourceVersion, so later writes of the same sync do not
 * conflict with this one.
 */
export async function updateDeploymentStatus(c: SyncContext, d: Deployment): Promise<void> {
  const res = await c.client.update(DEPLOYMENTS, d.metadata.namespace, wireDeployment(d), { subresource: 'status' });
  d.metadata.resourceVersion = res.metadata?.resourceVersion;
  const want = d.metadata.annotations?.[RevisionAnnotation];
  if (want !== undefined && res.metadata?.annotations?.[RevisionAnnotation] !== want) {
    const patched = await c.client.patch(DEPLOYMENTS, d.metadata.namespace, d.metadata.name, 'merge', { metadata: { annotations: { [RevisionAnnotation]: want } } });
    d.metadata.resourceVersion = patched.metadata?.resourceVersion;
  }
}

/** Updates the Deployment itself (spec and metadata). */
export async function updateDeployment(c: SyncContext, d: Deployment): Promise<void> {
  const res = await c.client.update(DEPLOYMENTS, d.metadata.namespace, wireDeployment(d));
  d.metadata.resourceVersion = res.metadata?.resourceVersion;
}

/** Updates a ReplicaSet (spec and metadata); returns it as stored. */
export async function updateReplicaSet(c: SyncContext, rs: ReplicaSet): Promise<ReplicaSet> {
  const res = await c.client.update(REPLICASETS, rs.metadata.namespace, { ...rs, apiVersion: 'apps/v1', kind: 'ReplicaSet' });
  return toReplicaSet(res);
}

// ---- the sync entry points ----

/** Updates only the status (a Deployment being deleted), as upstream's syncStatusOnly. */
export async function syncStatusOnly(c: SyncContext, d: Deployment, rsList: ReplicaSet[]): Promise<void> {
  const { newRS, oldRSs } = await getAllReplicaSetsAndSyncRevision(c, d, rsList, false);
  await syncDeploymentStatus(c, [...oldRSs, newRS], newRS, d);
}

/**
 * Reconciles a scaling event or a paused Deployment, as upstream's sync: scale (proportionally
 * when several ReplicaSets are active), clean up old ReplicaSets when paused, update status.
 */
export async function sync(c: SyncContext, d: Deployment, rsList: ReplicaSet[]): Promise<void> {
  const { newRS, oldRSs } = await getAllReplicaSetsAndSyncRevision(c, d, rsList, false);
  await scale(c, d, newRS, oldRSs);
  if (d.spec.paused && getRollbackTo(d) === undefined) await cleanupDeployment(c, oldRSs, d);
  await syncDeploymentStatus(c, [...oldRSs, newRS], newRS, d);
}

/**
 * Records pausing and resuming in the Progressing condition (Unknown, DeploymentPaused /
 * DeploymentResumed) so the time spent paused never counts against progressDeadlineSeconds,
 * as upstream's checkPausedConditions. A timed-out Deployment keeps its condition.
 */
export async function checkPausedConditions(c: SyncContext, d: Deployment): Promise<void> {
  if (!hasProgressDeadline(d)) return;
  const cond = getDeploymentCondition(d.status, ConditionType.Progressing);
  if (cond?.reason === Reason.TimedOut) return;
  const pausedCondExists = cond?.reason === Reason.PausedDeploy;
  const now = c.clock.now();
  if (d.spec.paused && !pausedCondExists) {
    setDeploymentCondition(d.status, newDeploymentCondition(ConditionType.Progressing, 'Unknown', Reason.PausedDeploy, 'Deployment is paused', now));
  } else if (!d.spec.paused && pausedCondExists) {
    setDeploymentCondition(d.status, newDeploymentCondition(ConditionType.Progressing, 'Unknown', Reason.ResumedDeploy, 'Deployment is resumed', now));
  } else {
    return;
  }
  await updateDeploymentStatus(c, d);
}

/**
 * The new ReplicaSet (created when absent and `create`) with its and the Deployment's revision
 * brought up to date, and all the others, as upstream's getAllReplicaSetsAndSyncRevision.
 */
export async function getAllReplicaSetsAndSyncRevision(
  c: SyncContext,
  d: Deployment,
  rsList: ReplicaSet[],
  create: boolean,
): Promise<{ newRS: ReplicaSet | undefined; oldRSs: ReplicaSet[] }> {
  const oldRSs = findOldReplicaSets(d, rsList);
  const newRS = await getNewReplicaSet(c, d, rsList, oldRSs, create);
  return { newRS, oldRSs };
}

/**
 * As upstream's getNewReplicaSet. An existing new ReplicaSet gets the Deployment's
 * annotations, a revision one above the old ones (if lower) and the Deployment's
 * minReadySeconds; the Deployment gets its revision and, if it has no Progressing condition
 * yet, FoundNewReplicaSet. Otherwise (when `create`) a ReplicaSet `<name>-<pod-template-hash>`
 * is created with the template plus the hash label, the selector plus the hash, the revision
 * and replicas annotations, sized by NewRSNewReplicas; the event "Scaled up replica set X
 * from 0 to N" and the condition NewReplicaSetCreated follow. A name taken by a ReplicaSet
 * with another template is a hash collision: status.collisionCount goes up and the sync
 * fails so the next one tries another name.
 */
export async function getNewReplicaSet(c: SyncContext, d: Deployment, rsList: ReplicaSet[], oldRSs: ReplicaSet[], create: boolean): Promise<ReplicaSet | undefined> {
  const existing = findNewReplicaSet(d, rsList);
  const newRevision = String(maxRevision(oldRSs) + 1);
  const now = c.clock.now();

  if (existing) {
    const rsCopy = deepClone(existing);
    const annotationsUpdated = setNewReplicaSetAnnotations(d, rsCopy, newRevision, true, MAX_REV_HISTORY_LENGTH_IN_CHARS);
    const minReadySecondsNeedsUpdate = (rsCopy.spec.minReadySeconds ?? 0) !== d.spec.minReadySeconds;
    if (annotationsUpdated || minReadySecondsNeedsUpdate) {
      rsCopy.spec.minReadySeconds = d.spec.minReadySeconds;
      return updateReplicaSet(c, rsCopy);
    }
    // The revision the ReplicaSet carries is the one it was given earlier.
    let needsUpdate = setDeploymentRevision(d, rsCopy.metadata.annotations?.[RevisionAnnotation] ?? '');
    const cond = getDeploymentCondition(d.status, ConditionType.Progressing);
    if (hasProgressDeadline(d) && !cond) {
      // Progress was not tracked so far: count from the moment the new ReplicaSet is noticed.
      const msg = `Found new replica set "${rsCopy.metadata.name}"`;
      setDeploymentCondition(d.status, newDeploymentCondition(ConditionType.Progressing, 'True', Reason.FoundNewRS, msg, now));
      needsUpdate = true;
    }
    if (needsUpdate) await updateDeploymentStatus(c, d);
    return rsCopy;
  }

  if (!create) return undefined;

  const template = deepClone(d.spec.template);
  const hash = computeTemplateHash(template, d.status.collisionCount);
  template.metadata = { ...(template.metadata ?? {}), labels: { ...(d.spec.template.metadata?.labels ?? {}), [DEFAULT_DEPLOYMENT_UNIQUE_LABEL_KEY]: hash } };
  const selector = deepClone(d.spec.selector ?? {});
  selector.matchLabels = { ...(selector.matchLabels ?? {}), [DEFAULT_DEPLOYMENT_UNIQUE_LABEL_KEY]: hash };
  const newRS: ReplicaSet = {
    apiVersion: 'apps/v1',
    kind: 'ReplicaSet',
    metadata: {
      // Deterministic, so a retried creation cannot make two.
      name: `${d.metadata.name}-${hash}`,
      namespace: d.metadata.namespace,
      ownerReferences: [newControllerRef(d, 'apps/v1', 'Deployment')],
      labels: { ...template.metadata.labels },
    },
    spec: { replicas: 0, minReadySeconds: d.spec.minReadySeconds, selector, template },
    status: { replicas: 0, readyReplicas: 0, availableReplicas: 0, observedGeneration: 0 },
  };
  const newReplicasCount = newRSNewReplicas(d, [...oldRSs, newRS], newRS);
  newRS.spec.replicas = newReplicasCount;
  setNewReplicaSetAnnotations(d, newRS, newRevision, false, MAX_REV_HISTORY_LENGTH_IN_CHARS);

  let alreadyExists = false;
  let created: ReplicaSet;
  try {
    const { status: _status, ...body } = newRS;
    created = toReplicaSet(await c.client.create(REPLICASETS, d.metadata.namespace, body));
  } catch (e: unknown) {
    if (isAlreadyExists(e)) {
      alreadyExists = true;
      // A slow cache or a quick resync: the ReplicaSet may be ours already.
      const cached = c.rsLister.get(d.metadata.namespace, newRS.metadata.name);
      if (!cached) throw e;
      const rs = toReplicaSet(cached);
      const ref = controllerRefOf(rs);
      if (ref && ref.uid === d.metadata.uid && equalIgnoreHash(d.spec.template, rs.spec.template)) {
        created = rs;
      } else {
        // Another template under this name: a hash collision. Try the next name on the next sync.
        const pre = d.status.collisionCount ?? 0;
        d.status.collisionCount = pre + 1;
        try {
          await updateDeploymentStatus(c, d);
          log.info('found a hash collision for deployment - bumping collisionCount to resolve it', {
            deployment: `${d.metadata.namespace}/${d.metadata.name}`,
            oldCollisionCount: pre,
            newCollisionCount: d.status.collisionCount,
          });
        } catch {
          // The original error is the one to requeue with.
        }
        throw e;
      }
    } else if (isNamespaceTerminating(e)) {
      throw e;
    } else {
      const msg = `Failed to create new replica set "${newRS.metadata.name}": ${messageOf(e)}`;
      if (hasProgressDeadline(d)) {
        setDeploymentCondition(d.status, newDeploymentCondition(ConditionType.Progressing, 'False', Reason.FailedRSCreate, msg, now));
        try {
          await updateDeploymentStatus(c, d);
        } catch {
          // The creation failure is the bigger issue to report.
        }
      }
      c.eventf(d, EventType.Warning, Reason.FailedRSCreate, '%s', msg);
      throw e;
    }
  }
  if (!alreadyExists && newReplicasCount > 0) {
    c.eventf(d, EventType.Normal, 'ScalingReplicaSet', 'Scaled up replica set %s from 0 to %d', created.metadata.name, newReplicasCount);
  }
  let needsUpdate = setDeploymentRevision(d, newRevision);
  if (!alreadyExists && hasProgressDeadline(d)) {
    const msg = `Created new replica set "${created.metadata.name}"`;
    setDeploymentCondition(d.status, newDeploymentCondition(ConditionType.Progressing, 'True', Reason.NewReplicaSet, msg, now));
    needsUpdate = true;
  }
  if (needsUpdate) await updateDeploymentStatus(c, d);
  return created;
}

// ---- scaling ----

/**
 * Scales on a scaling event or while paused, as upstream's scale: a single active (or the
 * latest) ReplicaSet takes the whole size; a saturated new ReplicaSet sends the old ones to
 * zero; otherwise, for RollingUpdate, the change is shared proportionally (see
 * proportionalScale), so a resize never speeds up or slows down the rollout itself.
 */
export async function scale(c: SyncContext, d: Deployment, newRS: ReplicaSet | undefined, oldRSs: ReplicaSet[]): Promise<void> {
  const activeOrLatest = findActiveOrLatest(newRS, oldRSs);
  if (activeOrLatest) {
    if (activeOrLatest.spec.replicas === d.spec.replicas) return;
    await scaleReplicaSetAndRecordEvent(c, activeOrLatest, d.spec.replicas, d);
    return;
  }
  if (isSaturated(d, newRS)) {
    for (const old of activeReplicaSets(oldRSs)) await scaleReplicaSetAndRecordEvent(c, old, 0, d);
    return;
  }
  if (isRollingUpdate(d)) {
    for (const { rs, size, operation } of proportionalScale(d, activeReplicaSets([...oldRSs, newRS]))) {
      await scaleReplicaSet(c, rs, size, d, operation);
    }
  }
}

/** Scales a ReplicaSet to `newScale` (no-op when it is that size already); returns whether it scaled and the ReplicaSet as stored. */
export async function scaleReplicaSetAndRecordEvent(c: SyncContext, rs: ReplicaSet, newScale: number, d: Deployment): Promise<{ scaled: boolean; rs: ReplicaSet }> {
  if (rs.spec.replicas === newScale) return { scaled: false, rs };
  const operation = rs.spec.replicas < newScale ? 'up' : 'down';
  return scaleReplicaSet(c, rs, newScale, d, operation);
}

/**
 * Sets a ReplicaSet's size and its desired-replicas / max-replicas annotations when either
 * differs, recording "Scaled <operation> replica set NAME from A to B" when the size changed.
 */
export async function scaleReplicaSet(c: SyncContext, rs: ReplicaSet, newScale: number, d: Deployment, operation: string): Promise<{ scaled: boolean; rs: ReplicaSet }> {
  const sizeNeedsUpdate = rs.spec.replicas !== newScale;
  const max = d.spec.replicas + maxSurge(d);
  const annotationsNeedUpdate = replicasAnnotationsNeedUpdate(rs, d.spec.replicas, max);
  if (!sizeNeedsUpdate && !annotationsNeedUpdate) return { scaled: false, rs };
  const oldScale = rs.spec.replicas;
  const rsCopy = deepClone(rs);
  rsCopy.spec.replicas = newScale;
  setReplicasAnnotations(rsCopy, d.spec.replicas, max);
  const updated = await updateReplicaSet(c, rsCopy);
  if (sizeNeedsUpdate) {
    c.eventf(d, EventType.Normal, 'ScalingReplicaSet', 'Scaled %s replica set %s from %d to %d', operation, updated.metadata.name, oldScale, newScale);
  }
  return { scaled: sizeNeedsUpdate, rs: updated };
}

/**
 * Deletes the oldest old ReplicaSets beyond revisionHistoryLimit, as upstream's
 * cleanupDeployment: only those scaled to zero, with no pods, whose latest spec the
 * ReplicaSet controller has observed, and not already being deleted.
 */
export async function cleanupDeployment(c: SyncContext, oldRSs: ReplicaSet[], d: Deployment): Promise<void> {
  if (!hasRevisionHistoryLimit(d)) return;
  const cleanable = oldRSs.filter((rs) => !rs.metadata.deletionTimestamp);
  const diff = cleanable.length - d.spec.revisionHistoryLimit;
  if (diff <= 0) return;
  cleanable.sort(byRevision);
  for (let i = 0; i < diff; i++) {
    const rs = cleanable[i]!;
    if (rs.status.replicas !== 0 || rs.spec.replicas !== 0 || (rs.metadata.generation ?? 0) > rs.status.observedGeneration || rs.metadata.deletionTimestamp) continue;
    try {
      await c.client.delete(REPLICASETS, rs.metadata.namespace, rs.metadata.name);
    } catch (e: unknown) {
      // Stop at the first failure rather than pile more requests on a struggling API.
      if (!isNotFound(e)) throw e;
    }
  }
}

// ---- status ----

/**
 * The Deployment's status from its ReplicaSets, as upstream's calculateStatus: pods
 * (replicas), pods of the new ReplicaSet (updatedReplicas), ready and available pods,
 * unavailable = desired pods of all ReplicaSets minus available (never negative), the
 * generation observed, and the Available condition: True (MinimumReplicasAvailable) when at
 * least replicas - maxUnavailable pods are available, else False (MinimumReplicasUnavailable).
 */
export function calculateStatus(allRSs: readonly (ReplicaSet | undefined)[], newRS: ReplicaSet | undefined, d: Deployment, nowMs: number): DeploymentStatus {
  const available = availableReplicaCount(allRSs);
  const total = replicaCount(allRSs);
  const status: DeploymentStatus = {
    observedGeneration: d.metadata.generation ?? 0,
    replicas: actualReplicaCount(allRSs),
    updatedReplicas: actualReplicaCount([newRS]),
    readyReplicas: readyReplicaCount(allRSs),
    availableReplicas: available,
    unavailableReplicas: Math.max(0, total - available),
    conditions: d.status.conditions.map((x) => ({ ...x })),
  };
  if (d.status.collisionCount !== undefined) status.collisionCount = d.status.collisionCount;
  if (available >= d.spec.replicas - maxUnavailable(d)) {
    setDeploymentCondition(status, newDeploymentCondition(ConditionType.Available, 'True', Reason.MinimumReplicasAvailable, 'Deployment has minimum availability.', nowMs));
  } else {
    setDeploymentCondition(status, newDeploymentCondition(ConditionType.Available, 'False', Reason.MinimumReplicasUnavailable, 'Deployment does not have minimum availability.', nowMs));
  }
  return status;
}

/** Whether two statuses serialize the same. */
export const statusEqual = (a: DeploymentStatus, b: DeploymentStatus): boolean => deepEqual(serializeDeploymentStatus(a), serializeDeploymentStatus(b));

/** Writes the calculated status when it differs, as upstream's syncDeploymentStatus. */
export async function syncDeploymentStatus(c: SyncContext, allRSs: (ReplicaSet | undefined)[], newRS: ReplicaSet | undefined, d: Deployment): Promise<void> {
  const newStatus = calculateStatus(allRSs, newRS, d, c.clock.now());
  if (statusEqual(d.status, newStatus)) return;
  d.status = newStatus;
  await updateDeploymentStatus(c, d);
}

/**
 * Whether the Deployment was resized rather than changed in its template: an active
 * ReplicaSet records another desired size (desired-replicas), as upstream's isScalingEvent.
 */
export async function isScalingEvent(c: SyncContext, d: Deployment, rsList: ReplicaSet[]): Promise<boolean> {
  const { newRS, oldRSs } = await getAllReplicaSetsAndSyncRevision(c, d, rsList, false);
  for (const rs of activeReplicaSets([...oldRSs, newRS])) {
    const desired = desiredReplicasAnnotation(rs);
    if (desired === undefined) continue;
    if (desired !== d.spec.replicas) return true;
  }
  return false;
}
