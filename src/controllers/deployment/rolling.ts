/** The RollingUpdate strategy, as upstream's pkg/controller/deployment/rolling.go. */
import { logger } from '../../util/log.js';
import type { SyncContext } from './context.js';
import { syncRolloutStatus } from './progress.js';
import { cleanupDeployment, getAllReplicaSetsAndSyncRevision, scaleReplicaSetAndRecordEvent } from './sync.js';
import type { Deployment, ReplicaSet } from './types.js';
import { activeReplicaSets, availableReplicaCount, byCreationTimestamp, deploymentComplete, maxUnavailable, newRSNewReplicas, replicaCount } from './util.js';

const log = logger('deployment-controller');

/**
 * One step of a rolling update: create the new ReplicaSet if needed; scale it up within
 * maxSurge (and stop there if it grew); otherwise scale old ReplicaSets down within
 * maxUnavailable (and stop there if they shrank); once complete, clean up old ReplicaSets
 * beyond revisionHistoryLimit; always update the status. Each step waits for the next sync
 * (triggered by the ReplicaSets' own changes) before going further, so the Deployment never
 * has more than replicas + maxSurge pods nor fewer than replicas - maxUnavailable available.
 */
export async function rolloutRolling(c: SyncContext, d: Deployment, rsList: ReplicaSet[]): Promise<void> {
  const { newRS, oldRSs } = await getAllReplicaSetsAndSyncRevision(c, d, rsList, true);
  const allRSs = [...oldRSs, newRS];
  if (!newRS) throw new Error(`deployment ${d.metadata.namespace}/${d.metadata.name}: no new replica set`);

  if (await reconcileNewReplicaSet(c, allRSs, newRS, d)) return syncRolloutStatus(c, allRSs, newRS, d);

  if (await reconcileOldReplicaSets(c, allRSs, activeReplicaSets(oldRSs), newRS, d)) return syncRolloutStatus(c, allRSs, newRS, d);

  if (deploymentComplete(d, d.status)) await cleanupDeployment(c, oldRSs, d);
  return syncRolloutStatus(c, allRSs, newRS, d);
}

/** Scales the new ReplicaSet toward replicas within maxSurge (down to replicas if above); true if it scaled. */
export async function reconcileNewReplicaSet(c: SyncContext, allRSs: (ReplicaSet | undefined)[], newRS: ReplicaSet, d: Deployment): Promise<boolean> {
  if (newRS.spec.replicas === d.spec.replicas) return false;
  if (newRS.spec.replicas > d.spec.replicas) {
    return (await scaleReplicaSetAndRecordEvent(c, newRS, d.spec.replicas, d)).scaled;
  }
  const count = newRSNewReplicas(d, allRSs, newRS);
  return (await scaleReplicaSetAndRecordEvent(c, newRS, count, d)).scaled;
}

/**
 * Scales old ReplicaSets down as far as availability allows, as upstream's
 * reconcileOldReplicaSets: at most allPods - minAvailable - (new pods not yet available),
 * so that unavailable new pods never let the old ones shrink further; unhealthy old
 * replicas go first. True if anything was scaled down.
 */
export async function reconcileOldReplicaSets(
  c: SyncContext,
  allRSs: (ReplicaSet | undefined)[],
  oldRSs: ReplicaSet[],
  newRS: ReplicaSet,
  d: Deployment,
): Promise<boolean> {
  const oldPodsCount = replicaCount(oldRSs);
  if (oldPodsCount === 0) return false;
  const allPodsCount = replicaCount(allRSs);
  const minAvailable = d.spec.replicas - maxUnavailable(d);
  const newRSUnavailablePodCount = newRS.spec.replicas - newRS.status.availableReplicas;
  const maxScaledDown = allPodsCount - minAvailable - newRSUnavailablePodCount;
  if (maxScaledDown <= 0) return false;

  // Unhealthy replicas first: otherwise they would block the rollout until it times out.
  let cleaned: { oldRSs: ReplicaSet[]; scaled: number };
  try {
    cleaned = await cleanupUnhealthyReplicas(c, oldRSs, d, maxScaledDown);
  } catch (e: unknown) {
    // As upstream: a failure here ends this step quietly; the next sync retries.
    log.debug('cleaning up unhealthy replicas failed', { error: e });
    return false;
  }
  let scaledDown: number;
  try {
    scaledDown = await scaleDownOldReplicaSetsForRollingUpdate(c, [...cleaned.oldRSs, newRS], cleaned.oldRSs, d);
  } catch (e: unknown) {
    log.debug('scaling down old replica sets failed', { error: e });
    return false;
  }
  return cleaned.scaled + scaledDown > 0;
}

/**
 * Scales old ReplicaSets (oldest first) down by their unavailable replicas, at most
 * `maxCleanupCount` in all; the ReplicaSet controller deletes not-ready pods first, so
 * availability does not drop. Returns the ReplicaSets (scaled ones as stored) and the count.
 */
export async function cleanupUnhealthyReplicas(c: SyncContext, oldRSs: ReplicaSet[], d: Deployment, maxCleanupCount: number): Promise<{ oldRSs: ReplicaSet[]; scaled: number }> {
  oldRSs.sort(byCreationTimestamp);
  let total = 0;
  for (let i = 0; i < oldRSs.length; i++) {
    if (total >= maxCleanupCount) break;
    const rs = oldRSs[i]!;
    if (rs.spec.replicas === 0) continue;
    if (rs.spec.replicas === rs.status.availableReplicas) continue;
    const scaledDownCount = Math.min(maxCleanupCount - total, rs.spec.replicas - rs.status.availableReplicas);
    const newReplicas = rs.spec.replicas - scaledDownCount;
    if (newReplicas > rs.spec.replicas) {
      throw new Error(`when cleaning up unhealthy replicas, got invalid request to scale down ${rs.metadata.namespace}/${rs.metadata.name} ${rs.spec.replicas} -> ${newReplicas}`);
    }
    const res = await scaleReplicaSetAndRecordEvent(c, rs, newReplicas, d);
    total += scaledDownCount;
    oldRSs[i] = res.rs;
  }
  return { oldRSs, scaled: total };
}

/**
 * Scales old ReplicaSets (oldest first) down by the available pods above minAvailable,
 * as upstream's scaleDownOldReplicaSetsForRollingUpdate. Returns how many were removed.
 */
export async function scaleDownOldReplicaSetsForRollingUpdate(c: SyncContext, allRSs: (ReplicaSet | undefined)[], oldRSs: ReplicaSet[], d: Deployment): Promise<number> {
  const minAvailable = d.spec.replicas - maxUnavailable(d);
  const availablePodCount = availableReplicaCount(allRSs);
  if (availablePodCount <= minAvailable) return 0;
  oldRSs.sort(byCreationTimestamp);
  let total = 0;
  const totalScaleDownCount = availablePodCount - minAvailable;
  for (const rs of oldRSs) {
    if (total >= totalScaleDownCount) break;
    if (rs.spec.replicas === 0) continue;
    const scaleDownCount = Math.min(rs.spec.replicas, totalScaleDownCount - total);
    const newReplicas = rs.spec.replicas - scaleDownCount;
    if (newReplicas > rs.spec.replicas) {
      throw new Error(`when scaling down old RS, got invalid request to scale down ${rs.metadata.namespace}/${rs.metadata.name} ${rs.spec.replicas} -> ${newReplicas}`);
    }
    await scaleReplicaSetAndRecordEvent(c, rs, newReplicas, d);
    total += scaleDownCount;
  }
  return total;
}
