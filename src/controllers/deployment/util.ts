/**
 * The deployment controller's pure helpers, as upstream's pkg/controller/deployment/util:
 * revisions and their annotations, the rolling-update fenceposts, proportional scaling,
 * finding the new and old ReplicaSets, status predicates and conditions.
 */
import { getScaledValueFromIntOrPercent, type IntOrString, type KubeObject } from '../../apimachinery/index.js';
import { rfc3339 } from '../../client/index.js';
import { deepClone } from '../../util/deep.js';
import type { PodTemplateSpec } from '../framework/index.js';
import { semanticEqual } from './semantic.js';
import { DeploymentStrategyType, type Deployment, type DeploymentCondition, type DeploymentStatus, type ReplicaSet } from './types.js';

export const DEFAULT_DEPLOYMENT_UNIQUE_LABEL_KEY = 'pod-template-hash';

export const RevisionAnnotation = 'deployment.kubernetes.io/revision';
export const RevisionHistoryAnnotation = 'deployment.kubernetes.io/revision-history';
export const DesiredReplicasAnnotation = 'deployment.kubernetes.io/desired-replicas';
export const MaxReplicasAnnotation = 'deployment.kubernetes.io/max-replicas';
/** apps/v1's round-tripping of the removed spec.rollbackTo (extensions/v1beta1, apps/v1beta1). */
export const DeprecatedRollbackTo = 'deprecated.deployment.rollback.to';
export const LastAppliedConfigAnnotation = 'kubectl.kubernetes.io/last-applied-configuration';

/** Upstream caps the revision-history annotation at this many characters. */
export const MAX_REV_HISTORY_LENGTH_IN_CHARS = 2000;

/** Event reasons and condition reasons, as upstream's. */
export const Reason = {
  RollbackRevisionNotFound: 'DeploymentRollbackRevisionNotFound',
  RollbackTemplateUnchanged: 'DeploymentRollbackTemplateUnchanged',
  RollbackDone: 'DeploymentRollback',
  ReplicaSetUpdated: 'ReplicaSetUpdated',
  FailedRSCreate: 'ReplicaSetCreateError',
  NewReplicaSet: 'NewReplicaSetCreated',
  FoundNewRS: 'FoundNewReplicaSet',
  NewRSAvailable: 'NewReplicaSetAvailable',
  TimedOut: 'ProgressDeadlineExceeded',
  PausedDeploy: 'DeploymentPaused',
  ResumedDeploy: 'DeploymentResumed',
  MinimumReplicasAvailable: 'MinimumReplicasAvailable',
  MinimumReplicasUnavailable: 'MinimumReplicasUnavailable',
} as const;

export const ConditionType = { Available: 'Available', Progressing: 'Progressing', ReplicaFailure: 'ReplicaFailure' } as const;

const MAX_INT32 = 2147483647;

// ---- conditions ----

/** A condition stamped `nowMs` (both lastUpdateTime and lastTransitionTime), as NewDeploymentCondition. */
export function newDeploymentCondition(type: string, status: string, reason: string, message: string, nowMs: number): DeploymentCondition {
  const now = rfc3339(nowMs);
  return { type, status, lastUpdateTime: now, lastTransitionTime: now, reason, message };
}

export function getDeploymentCondition(status: DeploymentStatus, type: string): DeploymentCondition | undefined {
  return status.conditions.find((c) => c.type === type);
}

/**
 * Sets a condition as upstream's SetDeploymentCondition: nothing changes when one of the type
 * with the same status and reason exists; otherwise it replaces it (keeping its
 * lastTransitionTime when the status is unchanged) and moves to the end of the list.
 */
export function setDeploymentCondition(status: DeploymentStatus, cond: DeploymentCondition): void {
  const cur = getDeploymentCondition(status, cond.type);
  if (cur && cur.status === cond.status && cur.reason === cond.reason) return;
  const next = { ...cond };
  if (cur && cur.status === cond.status) next.lastTransitionTime = cur.lastTransitionTime;
  status.conditions = [...status.conditions.filter((c) => c.type !== cond.type), next];
}

export function removeDeploymentCondition(status: DeploymentStatus, type: string): void {
  status.conditions = status.conditions.filter((c) => c.type !== type);
}

/** A ReplicaSet's failure condition as a Deployment condition (lastUpdateTime = lastTransitionTime). */
export function replicaSetToDeploymentCondition(c: { type: string; status: string; lastTransitionTime?: string; reason?: string; message?: string }): DeploymentCondition {
  const out: DeploymentCondition = { type: c.type, status: c.status, lastUpdateTime: c.lastTransitionTime, lastTransitionTime: c.lastTransitionTime };
  if (c.reason) out.reason = c.reason;
  if (c.message) out.message = c.message;
  return out;
}

// ---- revisions ----

/** Go's strconv.ParseInt(s, 10, 64) as a number, or undefined when it would fail. */
function parseInt64(s: string): number | undefined {
  if (!/^[+-]?[0-9]+$/.test(s)) return undefined;
  const v = BigInt(s);
  if (v > 2n ** 63n - 1n || v < -(2n ** 63n)) return undefined;
  return Number(v);
}

/** The revision annotation of an object: 0 when absent, undefined when unparsable. */
export function revisionOf(obj: KubeObject): number | undefined {
  const v = obj.metadata?.annotations?.[RevisionAnnotation];
  if (v === undefined) return 0;
  return parseInt64(v);
}

/** The highest revision among the ReplicaSets (unparsable ones skipped). */
export function maxRevision(rss: readonly (ReplicaSet | undefined)[]): number {
  let max = 0;
  for (const rs of rss) {
    if (!rs) continue;
    const v = revisionOf(rs);
    if (v !== undefined && v > max) max = v;
  }
  return max;
}

/** The second highest revision (the one before the current), as upstream's LastRevision. */
export function lastRevision(rss: readonly (ReplicaSet | undefined)[]): number {
  let max = 0;
  let sec = 0;
  for (const rs of rss) {
    if (!rs) continue;
    const v = revisionOf(rs);
    if (v === undefined) continue;
    if (v >= max) {
      sec = max;
      max = v;
    } else if (v > sec) {
      sec = v;
    }
  }
  return sec;
}

/** Sets the Deployment's revision annotation; true if it changed. */
export function setDeploymentRevision(d: Deployment, revision: string): boolean {
  const ann = (d.metadata.annotations ??= {});
  if (ann[RevisionAnnotation] === revision) return false;
  ann[RevisionAnnotation] = revision;
  return true;
}

const ANNOTATIONS_TO_SKIP = new Set([
  LastAppliedConfigAnnotation,
  RevisionAnnotation,
  RevisionHistoryAnnotation,
  DesiredReplicasAnnotation,
  MaxReplicasAnnotation,
  DeprecatedRollbackTo,
]);

/** Whether a Deployment annotation stays off its ReplicaSets (and survives a rollback). */
export const skipCopyAnnotation = (key: string): boolean => ANNOTATIONS_TO_SKIP.has(key);

/** Copies the Deployment's annotations (except the skipped ones) onto the ReplicaSet; true if any changed. */
export function copyDeploymentAnnotationsToReplicaSet(d: Deployment, rs: ReplicaSet): boolean {
  const ann = (rs.metadata.annotations ??= {});
  let changed = false;
  for (const [k, v] of Object.entries(d.metadata.annotations ?? {})) {
    if (skipCopyAnnotation(k) || (k in ann && ann[k] === v)) continue;
    ann[k] = v;
    changed = true;
  }
  return changed;
}

/**
 * Replaces the Deployment's annotations by the ReplicaSet's (keeping the Deployment's own
 * skipped ones), as a rollback to that ReplicaSet does.
 */
export function setDeploymentAnnotationsTo(d: Deployment, rs: ReplicaSet): void {
  const kept: Record<string, string> = {};
  for (const [k, v] of Object.entries(d.metadata.annotations ?? {})) if (skipCopyAnnotation(k)) kept[k] = v;
  for (const [k, v] of Object.entries(rs.metadata.annotations ?? {})) if (!skipCopyAnnotation(k)) kept[k] = v;
  d.metadata.annotations = kept;
}

/**
 * Brings the new ReplicaSet's annotations up to date, as upstream's SetNewReplicaSetAnnotations:
 * the Deployment's annotations copied; the revision raised to `newRevision` when lower (the
 * previous one then joins revision-history, capped at `revHistoryLimitInChars` by dropping the
 * oldest entries); for a ReplicaSet about to be created (`exists` false) the desired and max
 * replicas too. Returns whether anything changed.
 */
export function setNewReplicaSetAnnotations(d: Deployment, rs: ReplicaSet, newRevision: string, exists: boolean, revHistoryLimitInChars: number): boolean {
  let changed = copyDeploymentAnnotationsToReplicaSet(d, rs);
  const ann = (rs.metadata.annotations ??= {});
  const hadRevision = RevisionAnnotation in ann;
  const oldRevision = ann[RevisionAnnotation] ?? '';
  let oldInt = parseInt64(oldRevision);
  if (oldInt === undefined) {
    if (oldRevision !== '') return false;
    oldInt = 0;
  }
  const newInt = parseInt64(newRevision);
  if (newInt === undefined) return false;
  if (oldInt < newInt) {
    ann[RevisionAnnotation] = newRevision;
    changed = true;
  }
  // A ReplicaSet that had a revision and gets a newer one is being rolled back to: keep its history.
  if (hadRevision && oldInt < newInt) {
    const history = ann[RevisionHistoryAnnotation] ?? '';
    const olds = history.split(',');
    if (olds[0]!.length === 0) {
      ann[RevisionHistoryAnnotation] = oldRevision;
    } else {
      let total = history.length + oldRevision.length + 1;
      let start = 0;
      while (total > revHistoryLimitInChars && start < olds.length) {
        total -= olds[start]!.length + 1;
        start++;
      }
      if (total <= revHistoryLimitInChars) ann[RevisionHistoryAnnotation] = [...olds.slice(start), oldRevision].join(',');
    }
  }
  if (!exists && setReplicasAnnotations(rs, d.spec.replicas, d.spec.replicas + maxSurge(d))) changed = true;
  return changed;
}

/** Go's strconv.Atoi as int32, or undefined. */
function intAnnotation(rs: ReplicaSet, key: string): number | undefined {
  const v = rs.metadata.annotations?.[key];
  if (v === undefined) return undefined;
  const n = parseInt64(v);
  if (n === undefined) return undefined;
  return n | 0;
}

export const desiredReplicasAnnotation = (rs: ReplicaSet): number | undefined => intAnnotation(rs, DesiredReplicasAnnotation);
export const maxReplicasAnnotation = (rs: ReplicaSet): number | undefined => intAnnotation(rs, MaxReplicasAnnotation);

/** Sets desired-replicas and max-replicas; true if either changed. */
export function setReplicasAnnotations(rs: ReplicaSet, desired: number, max: number): boolean {
  const ann = (rs.metadata.annotations ??= {});
  let changed = false;
  if (ann[DesiredReplicasAnnotation] !== String(desired)) {
    ann[DesiredReplicasAnnotation] = String(desired);
    changed = true;
  }
  if (ann[MaxReplicasAnnotation] !== String(max)) {
    ann[MaxReplicasAnnotation] = String(max);
    changed = true;
  }
  return changed;
}

export function replicasAnnotationsNeedUpdate(rs: ReplicaSet, desired: number, max: number): boolean {
  const ann = rs.metadata.annotations;
  if (!ann) return true;
  return ann[DesiredReplicasAnnotation] !== String(desired) || ann[MaxReplicasAnnotation] !== String(max);
}

/** The revision the Deployment asks to roll back to (0: the previous one), or undefined. */
export function getRollbackTo(d: Deployment): number | undefined {
  const v = d.metadata.annotations?.[DeprecatedRollbackTo];
  if (!v) return undefined;
  // An invalid value is ignored, as upstream's strconv.ParseInt failure.
  if (!/^[+-]?[0-9]+$/.test(v)) return undefined;
  const n = Number(v);
  return Number.isSafeInteger(n) ? n : undefined;
}

// ---- fenceposts ----

export const isRollingUpdate = (d: Deployment): boolean => d.spec.strategy.type === DeploymentStrategyType.RollingUpdate;

/**
 * maxSurge and maxUnavailable resolved against `desired`, as upstream's ResolveFenceposts:
 * a percentage of surge rounds up, of unavailability down; absent values count as 0; when
 * both come to 0, maxUnavailable becomes 1 so a rollout can proceed.
 */
export function resolveFenceposts(maxSurgeValue: IntOrString | null | undefined, maxUnavailableValue: IntOrString | null | undefined, desired: number): { surge: number; unavailable: number } {
  const surge = getScaledValueFromIntOrPercent(maxSurgeValue ?? 0, desired, true);
  let unavailable = getScaledValueFromIntOrPercent(maxUnavailableValue ?? 0, desired, false);
  if (surge === 0 && unavailable === 0) unavailable = 1;
  return { surge, unavailable };
}

/** Pods a rolling Deployment may have unavailable (0 for Recreate or zero replicas), never more than replicas. */
export function maxUnavailable(d: Deployment): number {
  if (!isRollingUpdate(d) || d.spec.replicas === 0) return 0;
  const ru = d.spec.strategy.rollingUpdate;
  const { unavailable } = resolveFenceposts(ru?.maxSurge, ru?.maxUnavailable, d.spec.replicas);
  return Math.min(unavailable, d.spec.replicas);
}

/** Pods that must stay available during a rolling update (0 for Recreate). */
export function minAvailable(d: Deployment): number {
  if (!isRollingUpdate(d)) return 0;
  return d.spec.replicas - maxUnavailable(d);
}

/** Pods a rolling Deployment may have above replicas (0 for Recreate). */
export function maxSurge(d: Deployment): number {
  if (!isRollingUpdate(d)) return 0;
  const ru = d.spec.strategy.rollingUpdate;
  return resolveFenceposts(ru?.maxSurge, ru?.maxUnavailable, d.spec.replicas).surge;
}

// ---- proportional scaling ----

/** Go's integer.RoundToInt32: half away from zero. */
export function roundToInt32(x: number): number {
  return x < 0 ? Math.trunc(x - 0.5) : Math.trunc(x + 0.5);
}

/**
 * The share of a scaling event one ReplicaSet gets, as upstream's getReplicaSetFraction: its
 * size scaled by (replicas + maxSurge) over the size the Deployment had when the ReplicaSet
 * was last annotated (max-replicas; the current status.replicas when absent), minus its size.
 */
export function replicaSetFraction(rs: ReplicaSet, d: Deployment): number {
  if (d.spec.replicas === 0) return -rs.spec.replicas;
  const deploymentReplicas = d.spec.replicas + maxSurge(d);
  const annotated = maxReplicasAnnotation(rs) ?? d.status.replicas;
  const newSize = (rs.spec.replicas * deploymentReplicas) / annotated;
  return roundToInt32(newSize) - rs.spec.replicas;
}

/**
 * How much to scale one ReplicaSet by in a proportional scaling event, as upstream's
 * GetProportion: its fraction, but never beyond what is still to be added (scaling up) or
 * removed (scaling down).
 */
export function getProportion(rs: ReplicaSet | undefined, d: Deployment, toAdd: number, added: number): number {
  if (!rs || rs.spec.replicas === 0 || toAdd === 0 || toAdd === added) return 0;
  const fraction = replicaSetFraction(rs, d);
  const allowed = toAdd - added;
  return toAdd > 0 ? Math.min(fraction, allowed) : Math.max(fraction, allowed);
}

/**
 * The new sizes of the active ReplicaSets when a Deployment is scaled during a rollout (or
 * while paused), as upstream's proportional branch of scale(): the change in allowed pods
 * (replicas + maxSurge minus what the ReplicaSets hold) is shared by size — largest first,
 * newer first among equals when adding, older first when removing — and what rounding
 * leaves over goes to the first. Returns the ReplicaSets in that order with their new sizes.
 */
export function proportionalScale(d: Deployment, active: readonly ReplicaSet[]): { rs: ReplicaSet; size: number; operation: string }[] {
  const total = replicaCount(active);
  const allowed = d.spec.replicas > 0 ? d.spec.replicas + maxSurge(d) : 0;
  const toAdd = allowed - total;
  let operation = '';
  const sorted = [...active];
  if (toAdd > 0) {
    sorted.sort(bySizeNewer);
    operation = 'up';
  } else if (toAdd < 0) {
    sorted.sort(bySizeOlder);
    operation = 'down';
  }
  let added = 0;
  const sizes = sorted.map((rs) => {
    if (toAdd === 0) return rs.spec.replicas;
    const p = getProportion(rs, d, toAdd, added);
    added += p;
    return rs.spec.replicas + p;
  });
  if (toAdd !== 0 && sizes.length > 0) sizes[0] = Math.max(0, sizes[0]! + toAdd - added);
  return sorted.map((rs, i) => ({ rs, size: sizes[i]!, operation }));
}

// ---- finding ReplicaSets ----

const createdAt = (o: KubeObject): number => {
  const t = Date.parse(o.metadata?.creationTimestamp ?? '');
  return Number.isFinite(t) ? t : 0;
};

/** Older first, then by name (upstream's ReplicaSetsByCreationTimestamp). */
export function byCreationTimestamp(a: KubeObject, b: KubeObject): number {
  const ta = createdAt(a);
  const tb = createdAt(b);
  if (ta === tb) {
    const na = a.metadata?.name ?? '';
    const nb = b.metadata?.name ?? '';
    return na < nb ? -1 : na > nb ? 1 : 0;
  }
  return ta - tb;
}

/** Larger first; among equals older first (upstream's ReplicaSetsBySizeOlder). */
export function bySizeOlder(a: ReplicaSet, b: ReplicaSet): number {
  if (a.spec.replicas === b.spec.replicas) return byCreationTimestamp(a, b);
  return b.spec.replicas - a.spec.replicas;
}

/** Larger first; among equals newer first (upstream's ReplicaSetsBySizeNewer). */
export function bySizeNewer(a: ReplicaSet, b: ReplicaSet): number {
  if (a.spec.replicas === b.spec.replicas) return byCreationTimestamp(b, a);
  return b.spec.replicas - a.spec.replicas;
}

/** Lower revision first; unparsable or equal revisions by creation time (upstream's ReplicaSetsByRevision). */
export function byRevision(a: ReplicaSet, b: ReplicaSet): number {
  const ra = revisionOf(a);
  const rb = revisionOf(b);
  if (ra === undefined || rb === undefined || ra === rb) return byCreationTimestamp(a, b);
  return ra - rb;
}

/** ReplicaSets that have (or ought to have) pods. */
export const activeReplicaSets = (rss: readonly (ReplicaSet | undefined)[]): ReplicaSet[] =>
  rss.filter((rs): rs is ReplicaSet => !!rs && rs.spec.replicas > 0);

/** A copy of the template without the pod-template-hash label. */
function withoutHash(t: PodTemplateSpec): PodTemplateSpec {
  const c = deepClone(t);
  if (c.metadata?.labels) delete c.metadata.labels[DEFAULT_DEPLOYMENT_UNIQUE_LABEL_KEY];
  return c;
}

/**
 * Whether two pod templates are the same apart from the pod-template-hash label, as
 * upstream's EqualIgnoreHash (semantic equality: absent, null and empty collections alike).
 */
export function equalIgnoreHash(a: PodTemplateSpec, b: PodTemplateSpec): boolean {
  return semanticEqual(withoutHash(a), withoutHash(b));
}

/** The oldest ReplicaSet whose template is the Deployment's, as upstream's FindNewReplicaSet. */
export function findNewReplicaSet(d: Deployment, rss: readonly ReplicaSet[]): ReplicaSet | undefined {
  return [...rss].sort(byCreationTimestamp).find((rs) => equalIgnoreHash(rs.spec.template, d.spec.template));
}

/** All ReplicaSets but the new one (upstream's FindOldReplicaSets, second result). */
export function findOldReplicaSets(d: Deployment, rss: readonly ReplicaSet[]): ReplicaSet[] {
  const newRS = findNewReplicaSet(d, rss);
  return rss.filter((rs) => !newRS || rs.metadata.uid !== newRS.metadata.uid);
}

/**
 * The only active ReplicaSet, or the newest one when none is active; undefined when several
 * are active (they are scaled proportionally), as upstream's FindActiveOrLatest.
 */
export function findActiveOrLatest(newRS: ReplicaSet | undefined, oldRSs: ReplicaSet[]): ReplicaSet | undefined {
  if (!newRS && oldRSs.length === 0) return undefined;
  oldRSs.sort((a, b) => byCreationTimestamp(b, a));
  const active = activeReplicaSets([...oldRSs, newRS]);
  if (active.length === 0) return newRS ?? oldRSs[0];
  if (active.length === 1) return active[0];
  return undefined;
}

/** Sets the Deployment's template from a ReplicaSet's (without the hash label), as a rollback does. */
export function setFromReplicaSetTemplate(d: Deployment, template: PodTemplateSpec): void {
  const t = deepClone(template);
  if (t.metadata?.labels) {
    delete t.metadata.labels[DEFAULT_DEPLOYMENT_UNIQUE_LABEL_KEY];
  }
  d.spec.template = t;
}

// ---- counting ----

export const replicaCount = (rss: readonly (ReplicaSet | undefined)[]): number => rss.reduce((n, rs) => n + (rs ? rs.spec.replicas : 0), 0);
export const actualReplicaCount = (rss: readonly (ReplicaSet | undefined)[]): number => rss.reduce((n, rs) => n + (rs ? rs.status.replicas : 0), 0);
export const readyReplicaCount = (rss: readonly (ReplicaSet | undefined)[]): number => rss.reduce((n, rs) => n + (rs ? rs.status.readyReplicas : 0), 0);
export const availableReplicaCount = (rss: readonly (ReplicaSet | undefined)[]): number => rss.reduce((n, rs) => n + (rs ? rs.status.availableReplicas : 0), 0);

// ---- progress ----

/** All replicas updated and available, no old ones left, and the latest generation observed. */
export function deploymentComplete(d: Deployment, s: DeploymentStatus): boolean {
  const r = d.spec.replicas;
  return s.updatedReplicas === r && s.replicas === r && s.availableReplicas === r && s.observedGeneration >= (d.metadata.generation ?? 0);
}

/** Whether the new status shows progress over the Deployment's current one (upstream's DeploymentProgressing). */
export function deploymentProgressing(d: Deployment, s: DeploymentStatus): boolean {
  const old = d.status;
  const oldOld = old.replicas - old.updatedReplicas;
  const newOld = s.replicas - s.updatedReplicas;
  return s.updatedReplicas > old.updatedReplicas || newOld < oldOld || s.readyReplicas > old.readyReplicas || s.availableReplicas > old.availableReplicas;
}

/** progressDeadlineSeconds is set and not "forever" (MaxInt32). */
export const hasProgressDeadline = (d: Deployment): boolean => d.spec.progressDeadlineSeconds !== MAX_INT32;

/** revisionHistoryLimit is not "keep everything" (MaxInt32). */
export const hasRevisionHistoryLimit = (d: Deployment): boolean => d.spec.revisionHistoryLimit !== MAX_INT32;

/**
 * Whether the rollout has gone without progress for longer than progressDeadlineSeconds
 * since the Progressing condition's lastUpdateTime, as upstream's DeploymentTimedOut (never
 * after a completed rollout; always once timed out).
 */
export function deploymentTimedOut(d: Deployment, s: DeploymentStatus, nowMs: number): boolean {
  if (!hasProgressDeadline(d)) return false;
  const cond = getDeploymentCondition(s, ConditionType.Progressing);
  if (!cond) return false;
  if (cond.reason === Reason.NewRSAvailable) return false;
  if (cond.reason === Reason.TimedOut) return true;
  const from = Date.parse(cond.lastUpdateTime ?? '');
  const fromMs = Number.isFinite(from) ? from : 0;
  return fromMs + d.spec.progressDeadlineSeconds * 1000 < nowMs;
}

/**
 * The size the new ReplicaSet should have now, as upstream's NewRSNewReplicas: for
 * RollingUpdate as many more as maxSurge allows (never above replicas); for Recreate replicas.
 */
export function newRSNewReplicas(d: Deployment, allRSs: readonly (ReplicaSet | undefined)[], newRS: ReplicaSet): number {
  switch (d.spec.strategy.type) {
    case DeploymentStrategyType.RollingUpdate: {
      const surge = getScaledValueFromIntOrPercent(d.spec.strategy.rollingUpdate?.maxSurge ?? null, d.spec.replicas, true);
      const current = replicaCount(allRSs);
      const maxTotal = d.spec.replicas + surge;
      if (current >= maxTotal) return newRS.spec.replicas;
      const up = Math.min(maxTotal - current, d.spec.replicas - newRS.spec.replicas);
      return newRS.spec.replicas + up;
    }
    case DeploymentStrategyType.Recreate:
      return d.spec.replicas;
    default:
      throw new Error(`deployment type ${d.spec.strategy.type} isn't supported`);
  }
}

/** The new ReplicaSet holds all desired replicas, believes so (desired-replicas) and all are available. */
export function isSaturated(d: Deployment, rs: ReplicaSet | undefined): boolean {
  if (!rs) return false;
  const desired = desiredReplicasAnnotation(rs);
  if (desired === undefined) return false;
  return rs.spec.replicas === d.spec.replicas && desired === d.spec.replicas && rs.status.availableReplicas === d.spec.replicas;
}
