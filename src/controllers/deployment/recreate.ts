/** The Recreate strategy, as upstream's pkg/controller/deployment/recreate.go. */
import { phaseOf } from '../framework/index.js';
import type { PodMap, SyncContext } from './context.js';
import { syncRolloutStatus } from './progress.js';
import { cleanupDeployment, getAllReplicaSetsAndSyncRevision, scaleReplicaSetAndRecordEvent } from './sync.js';
import type { Deployment, ReplicaSet } from './types.js';
import { activeReplicaSets, actualReplicaCount, deploymentComplete } from './util.js';

/**
 * One step of a Recreate rollout: scale every old ReplicaSet to zero; wait until no old pod
 * is left running (nor counted by an old ReplicaSet); only then create the new ReplicaSet
 * and scale it to replicas; clean up once complete; always update the status.
 */
export async function rolloutRecreate(c: SyncContext, d: Deployment, rsList: ReplicaSet[], podMap: PodMap): Promise<void> {
  // No new ReplicaSet yet: scaling up must not start before the old pods are gone.
  let { newRS, oldRSs } = await getAllReplicaSetsAndSyncRevision(c, d, rsList, false);
  let allRSs = [...oldRSs, newRS];
  const activeOld = activeReplicaSets(oldRSs);

  if (await scaleDownOldReplicaSetsForRecreate(c, activeOld, d)) return syncRolloutStatus(c, allRSs, newRS, d);

  if (oldPodsRunning(newRS, oldRSs, podMap)) return syncRolloutStatus(c, allRSs, newRS, d);

  if (!newRS) {
    ({ newRS, oldRSs } = await getAllReplicaSetsAndSyncRevision(c, d, rsList, true));
    allRSs = [...oldRSs, newRS];
  }
  if (newRS) await scaleReplicaSetAndRecordEvent(c, newRS, d.spec.replicas, d);

  if (deploymentComplete(d, d.status)) await cleanupDeployment(c, oldRSs, d);
  return syncRolloutStatus(c, allRSs, newRS, d);
}

/** Scales the old ReplicaSets to zero; true if any was scaled. */
export async function scaleDownOldReplicaSetsForRecreate(c: SyncContext, oldRSs: ReplicaSet[], d: Deployment): Promise<boolean> {
  let scaled = false;
  for (let i = 0; i < oldRSs.length; i++) {
    const rs = oldRSs[i]!;
    if (rs.spec.replicas === 0) continue;
    const res = await scaleReplicaSetAndRecordEvent(c, rs, 0, d);
    if (res.scaled) {
      oldRSs[i] = res.rs;
      scaled = true;
    }
  }
  return scaled;
}

/**
 * Whether an old ReplicaSet still reports pods, or a pod of one is not yet terminal (a pod
 * in phase Unknown counts as running: it may still be), as upstream's oldPodsRunning.
 */
export function oldPodsRunning(newRS: ReplicaSet | undefined, oldRSs: readonly ReplicaSet[], podMap: PodMap): boolean {
  if (actualReplicaCount(oldRSs) > 0) return true;
  for (const [uid, pods] of podMap) {
    if (newRS && newRS.metadata.uid === uid) continue;
    for (const pod of pods) {
      const phase = phaseOf(pod);
      if (phase === 'Failed' || phase === 'Succeeded') continue;
      return true;
    }
  }
  return false;
}
