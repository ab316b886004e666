/**
 * Rollback through the deprecated.deployment.rollback.to annotation (how apps/v1 carries the
 * spec.rollbackTo of the removed extensions/v1beta1 and apps/v1beta1 APIs), as upstream's
 * pkg/controller/deployment/rollback.go. kubectl rollout undo does not use it: it patches
 * the template itself.
 */
import { EventType } from '../../client/index.js';
import type { SyncContext } from './context.js';
import { getAllReplicaSetsAndSyncRevision, updateDeployment } from './sync.js';
import type { Deployment, ReplicaSet } from './types.js';
import { DeprecatedRollbackTo, equalIgnoreHash, getRollbackTo, lastRevision, Reason, revisionOf, setDeploymentAnnotationsTo, setFromReplicaSetTemplate } from './util.js';

/**
 * Rolls the Deployment back to the requested revision (0: the one before the current):
 * copies that ReplicaSet's template and annotations into the Deployment and clears the
 * request. Without such a revision, records DeploymentRollbackRevisionNotFound and clears
 * the request; with the same template, DeploymentRollbackTemplateUnchanged.
 */
export async function rollback(c: SyncContext, d: Deployment, rsList: ReplicaSet[]): Promise<void> {
  const { newRS, oldRSs } = await getAllReplicaSetsAndSyncRevision(c, d, rsList, true);
  const allRSs = [...oldRSs, newRS];
  let revision = getRollbackTo(d) ?? 0;
  if (revision === 0) {
    revision = lastRevision(allRSs);
    if (revision === 0) {
      c.eventf(d, EventType.Warning, Reason.RollbackRevisionNotFound, 'Unable to find last revision.');
      return updateDeploymentAndClearRollbackTo(c, d);
    }
  }
  for (const rs of allRSs) {
    if (!rs) continue;
    const v = revisionOf(rs);
    if (v === undefined || v !== revision) continue;
    const performed = await rollbackToTemplate(c, d, rs);
    if (performed) c.eventf(d, EventType.Normal, Reason.RollbackDone, 'Rolled back deployment %q to revision %d', d.metadata.name, revision);
    return;
  }
  c.eventf(d, EventType.Warning, Reason.RollbackRevisionNotFound, 'Unable to find the revision to rollback to.');
  return updateDeploymentAndClearRollbackTo(c, d);
}

async function rollbackToTemplate(c: SyncContext, d: Deployment, rs: ReplicaSet): Promise<boolean> {
  let performed = false;
  if (!equalIgnoreHash(d.spec.template, rs.spec.template)) {
    setFromReplicaSetTemplate(d, rs.spec.template);
    // The annotations go back too, or the current ones (e.g. change-cause) would be copied onto the old ReplicaSet.
    setDeploymentAnnotationsTo(d, rs);
    performed = true;
  } else {
    c.eventf(d, EventType.Warning, Reason.RollbackTemplateUnchanged, 'The rollback revision contains the same template as current deployment %q', d.metadata.name);
  }
  await updateDeploymentAndClearRollbackTo(c, d);
  return performed;
}

async function updateDeploymentAndClearRollbackTo(c: SyncContext, d: Deployment): Promise<void> {
  if (d.metadata.annotations) delete d.metadata.annotations[DeprecatedRollbackTo];
  await updateDeployment(c, d);
}
