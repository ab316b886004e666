/**
 * Status during a rollout: the Progressing condition against progressDeadlineSeconds and the
 * ReplicaFailure condition, as upstream's pkg/controller/deployment/progress.go.
 */
import type { SyncContext } from './context.js';
import { calculateStatus, statusEqual, updateDeploymentStatus } from './sync.js';
import type { Deployment, DeploymentCondition, DeploymentStatus, ReplicaSet } from './types.js';
import {
  ConditionType,
  deploymentComplete,
  deploymentProgressing,
  deploymentTimedOut,
  getDeploymentCondition,
  hasProgressDeadline,
  newDeploymentCondition,
  Reason,
  removeDeploymentCondition,
  replicaSetToDeploymentCondition,
  setDeploymentCondition,
} from './util.js';

/**
 * Updates the status during a rollout, as upstream's syncRolloutStatus. With a progress
 * deadline and a rollout not yet complete, the Progressing condition becomes:
 * - True / NewReplicaSetAvailable "ReplicaSet "X" has successfully progressed." once complete;
 * - True / ReplicaSetUpdated "ReplicaSet "X" is progressing." whenever pods were updated,
 *   old ones went away, or more became ready or available (lastUpdateTime refreshed, the
 *   transition time kept);
 * - False / ProgressDeadlineExceeded "ReplicaSet "X" has timed out progressing." once no such
 *   progress was seen for progressDeadlineSeconds.
 * Without a deadline there is no Progressing condition. A ReplicaFailure of the new (or else
 * any) ReplicaSet is mirrored. When nothing changed, the Deployment is requeued for the
 * moment its deadline would pass.
 */
export async function syncRolloutStatus(c: SyncContext, allRSs: (ReplicaSet | undefined)[], newRS: ReplicaSet | undefined, d: Deployment): Promise<void> {
  const now = c.clock.now();
  const newStatus = calculateStatus(allRSs, newRS, d, now);
  if (!hasProgressDeadline(d)) removeDeploymentCondition(newStatus, ConditionType.Progressing);

  // A complete rollout seen again (a resync) estimates no progress.
  const currentCond = getDeploymentCondition(d.status, ConditionType.Progressing);
  const isCompleteDeployment = newStatus.replicas === newStatus.updatedReplicas && currentCond?.reason === Reason.NewRSAvailable;
  if (hasProgressDeadline(d) && !isCompleteDeployment) {
    if (deploymentComplete(d, newStatus)) {
      const msg = newRS ? `ReplicaSet "${newRS.metadata.name}" has successfully progressed.` : `Deployment "${d.metadata.name}" has successfully progressed.`;
      setDeploymentCondition(newStatus, newDeploymentCondition(ConditionType.Progressing, 'True', Reason.NewRSAvailable, msg, now));
    } else if (deploymentProgressing(d, newStatus)) {
      const msg = newRS ? `ReplicaSet "${newRS.metadata.name}" is progressing.` : `Deployment "${d.metadata.name}" is progressing.`;
      const cond = newDeploymentCondition(ConditionType.Progressing, 'True', Reason.ReplicaSetUpdated, msg, now);
      // Unlike other conditions, progress refreshes lastUpdateTime even with the same reason.
      if (currentCond) {
        if (currentCond.status === 'True') cond.lastTransitionTime = currentCond.lastTransitionTime;
        removeDeploymentCondition(newStatus, ConditionType.Progressing);
      }
      setDeploymentCondition(newStatus, cond);
    } else if (deploymentTimedOut(d, newStatus, now)) {
      const msg = newRS ? `ReplicaSet "${newRS.metadata.name}" has timed out progressing.` : `Deployment "${d.metadata.name}" has timed out progressing.`;
      setDeploymentCondition(newStatus, newDeploymentCondition(ConditionType.Progressing, 'False', Reason.TimedOut, msg, now));
    }
  }

  const failures = getReplicaFailures(allRSs, newRS);
  if (failures.length > 0) setDeploymentCondition(newStatus, failures[0]!);
  else removeDeploymentCondition(newStatus, ConditionType.ReplicaFailure);

  if (statusEqual(d.status, newStatus)) {
    requeueStuckDeployment(c, d, newStatus);
    return;
  }
  d.status = newStatus;
  await updateDeploymentStatus(c, d);
}

/** ReplicaFailure conditions of the new ReplicaSet, or else of all of them, as Deployment conditions. */
export function getReplicaFailures(allRSs: readonly (ReplicaSet | undefined)[], newRS: ReplicaSet | undefined): DeploymentCondition[] {
  const of = (rs: ReplicaSet) => (rs.status.conditions ?? []).filter((c) => c.type === ConditionType.ReplicaFailure).map(replicaSetToDeploymentCondition);
  if (newRS) {
    const own = of(newRS);
    if (own.length > 0) return own;
  }
  return allRSs.flatMap((rs) => (rs ? of(rs) : []));
}

/**
 * Requeues a Deployment that shows no progress for the moment its deadline passes
 * (lastUpdateTime + progressDeadlineSeconds, plus a second against clock skew; within a
 * second: now, rate-limited), as upstream's requeueStuckDeployment. Returns the delay in ms,
 * 0 when requeued at once, -1 when no check is needed.
 */
export function requeueStuckDeployment(c: SyncContext, d: Deployment, newStatus: DeploymentStatus): number {
  const cond = getDeploymentCondition(d.status, ConditionType.Progressing);
  if (!hasProgressDeadline(d) || !cond) return -1;
  if (deploymentComplete(d, newStatus) || cond.reason === Reason.TimedOut) return -1;
  const from = Date.parse(cond.lastUpdateTime ?? '');
  const after = (Number.isFinite(from) ? from : 0) + d.spec.progressDeadlineSeconds * 1000 - c.clock.now();
  if (after < 1000) {
    c.enqueueRateLimited(d);
    return 0;
  }
  c.enqueueAfter(d, after + 1000);
  return after;
}
