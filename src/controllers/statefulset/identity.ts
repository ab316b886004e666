import type { KubeObject, OwnerReference } from '../../apimachinery/types.js';
import { deepClone } from '../../util/deep.js';
import { newControllerRef } from '../framework/owner-refs.js';
import { podFromTemplate } from '../framework/pod-control.js';
import { isPodAvailable, isPodReady, phaseOf } from '../framework/pods.js';
import {
  POD_INDEX_LABEL,
  POD_NAME_LABEL,
  REVISION_LABEL,
  RetentionPolicy,
  UpdateStrategyType,
  type StatefulSet,
} from './types.js';

/**
 * A StatefulSet's pods are named `<set>-<ordinal>`; everything here is derived from that
 * name and the set's spec, as upstream's stateful_set_utils. Pure functions.
 */

const STATEFUL_POD_NAME = /^(.*)-([0-9]+)$/;

/** The parent set's name and the ordinal in a pod's name; ordinal -1 (parent '') when the name has none. */
export function parentAndOrdinal(podName: string): { parent: string; ordinal: number } {
  const m = STATEFUL_POD_NAME.exec(podName);
  if (!m) return { parent: '', ordinal: -1 };
  const n = Number(m[2]);
  // as upstream: the ordinal must fit in an int32, otherwise it is unknown
  return { parent: m[1]!, ordinal: Number.isSafeInteger(n) && n <= 0x7fffffff ? n : -1 };
}

export const ordinalOf = (pod: KubeObject): number => parentAndOrdinal(pod.metadata?.name ?? '').ordinal;

export const startOrdinal = (set: StatefulSet): number => set.spec.ordinals?.start ?? 0;

/** The last ordinal the set wants (inclusive). */
export const endOrdinal = (set: StatefulSet): number => startOrdinal(set) + set.spec.replicas - 1;

export function inOrdinalRange(pod: KubeObject, set: StatefulSet): boolean {
  const o = ordinalOf(pod);
  return o >= startOrdinal(set) && o <= endOrdinal(set);
}

export const podName = (set: StatefulSet, ordinal: number): string => `${set.metadata!.name}-${ordinal}`;

export const claimName = (set: StatefulSet, template: KubeObject, ordinal: number): string =>
  `${template.metadata?.name ?? ''}-${set.metadata!.name}-${ordinal}`;

/** Whether the pod's name makes it a member of the set (its parent part is the set's name). */
export function isMemberOf(set: StatefulSet, pod: KubeObject): boolean {
  return parentAndOrdinal(pod.metadata?.name ?? '').parent === set.metadata!.name;
}

const labelsOf = (pod: KubeObject): Record<string, string> => pod.metadata?.labels ?? {};
const podSpec = (pod: KubeObject): Record<string, unknown> => (pod.spec ??= {}) as Record<string, unknown>;

/** Name, namespace and pod-name label agree with the set (upstream's identityMatches). */
export function identityMatches(set: StatefulSet, pod: KubeObject): boolean {
  const { parent, ordinal } = parentAndOrdinal(pod.metadata?.name ?? '');
  return (
    ordinal >= 0 &&
    parent === set.metadata!.name &&
    pod.metadata!.name === podName(set, ordinal) &&
    (pod.metadata!.namespace ?? '') === (set.metadata!.namespace ?? '') &&
    labelsOf(pod)[POD_NAME_LABEL] === pod.metadata!.name
  );
}

interface Volume {
  name: string;
  persistentVolumeClaim?: { claimName?: string; readOnly?: boolean };
  [k: string]: unknown;
}

/** Every claim template is mounted as a volume of that name on the pod's own claim (upstream's storageMatches). */
export function storageMatches(set: StatefulSet, pod: KubeObject): boolean {
  const ordinal = ordinalOf(pod);
  if (ordinal < 0) return false;
  const vols = new Map<string, Volume>();
  for (const v of ((pod.spec as { volumes?: Volume[] } | undefined)?.volumes ?? [])) vols.set(v.name, v);
  for (const t of set.spec.volumeClaimTemplates ?? []) {
    const v = vols.get(t.metadata?.name ?? '');
    if (!v?.persistentVolumeClaim || v.persistentVolumeClaim.claimName !== claimName(set, t, ordinal)) return false;
  }
  return true;
}

/**
 * The claims the pod needs, one per template, keyed by template name: the template with the
 * pod's claim name, the set's namespace and the selector's matchLabels merged into its
 * labels (upstream's getPersistentVolumeClaims).
 */
export function claimsFor(set: StatefulSet, pod: KubeObject): Map<string, KubeObject> {
  const ordinal = ordinalOf(pod);
  const out = new Map<string, KubeObject>();
  for (const t of set.spec.volumeClaimTemplates ?? []) {
    const claim = deepClone(t) as KubeObject;
    const meta = (claim.metadata ??= {});
    meta.name = claimName(set, t, ordinal);
    meta.namespace = set.metadata!.namespace;
    meta.labels = { ...(meta.labels ?? {}), ...(set.spec.selector?.matchLabels ?? {}) };
    claim.apiVersion = 'v1';
    claim.kind = 'PersistentVolumeClaim';
    delete claim.status;
    out.set(t.metadata?.name ?? '', claim);
  }
  return out;
}

/** Mounts the set's claims on the pod, replacing same-named volumes (upstream's updateStorage). */
export function updateStorage(set: StatefulSet, pod: KubeObject): void {
  const claims = claimsFor(set, pod);
  const spec = podSpec(pod);
  const current = (spec.volumes as Volume[] | undefined) ?? [];
  const next: Volume[] = [];
  for (const [name, claim] of claims) next.push({ name, persistentVolumeClaim: { claimName: claim.metadata!.name! } });
  for (const v of current) if (!claims.has(v.name)) next.push(v);
  if (next.length) spec.volumes = next;
}

/** Sets name, namespace, the pod-name and pod-index labels (upstream's updateIdentity). */
export function updateIdentity(set: StatefulSet, pod: KubeObject): void {
  const ordinal = ordinalOf(pod);
  const meta = pod.metadata!;
  meta.name = podName(set, ordinal);
  meta.namespace = set.metadata!.namespace;
  meta.labels = { ...(meta.labels ?? {}), [POD_NAME_LABEL]: meta.name, [POD_INDEX_LABEL]: String(ordinal) };
}

/** As updateIdentity, plus the immutable hostname and subdomain of a new pod. */
export function initIdentity(set: StatefulSet, pod: KubeObject): void {
  updateIdentity(set, pod);
  const spec = podSpec(pod);
  spec.hostname = pod.metadata!.name;
  if (set.spec.serviceName) spec.subdomain = set.spec.serviceName;
}

export const revisionOf = (pod: KubeObject): string => labelsOf(pod)[REVISION_LABEL] ?? '';

export function setRevision(pod: KubeObject, revision: string): void {
  pod.metadata!.labels = { ...labelsOf(pod), [REVISION_LABEL]: revision };
}

/** A new pod of `set` at `ordinal` (not yet created). */
export function newStatefulSetPod(set: StatefulSet, ordinal: number): KubeObject {
  const pod = podFromTemplate(set.spec.template, set.metadata!.name!, newControllerRef(set, 'apps/v1', 'StatefulSet'));
  pod.metadata!.name = podName(set, ordinal);
  initIdentity(set, pod);
  updateStorage(set, pod);
  return pod;
}

/**
 * A new pod at the revision its ordinal should run (upstream's newVersionedStatefulSetPod,
 * including its operator precedence): below the partition (or, without rollingUpdate, below
 * the current replica count) the current revision, otherwise the update revision.
 */
export function newVersionedPod(
  currentSet: StatefulSet,
  updateSet: StatefulSet,
  currentRevision: string,
  updateRevision: string,
  ordinal: number,
): KubeObject {
  const ru = currentSet.spec.updateStrategy.rollingUpdate;
  const start = startOrdinal(currentSet);
  const atCurrent =
    (currentSet.spec.updateStrategy.type === UpdateStrategyType.RollingUpdate &&
      ru === undefined &&
      ordinal < start + (currentSet.status.currentReplicas ?? 0)) ||
    (ru !== undefined && ordinal < start + (ru.partition ?? 0));
  const pod = newStatefulSetPod(atCurrent ? currentSet : updateSet, ordinal);
  setRevision(pod, atCurrent ? currentRevision : updateRevision);
  return pod;
}

// ---- pod state, as upstream's helpers ----

export const isRunningAndReady = (pod: KubeObject): boolean => phaseOf(pod) === 'Running' && isPodReady(pod);
export const isRunningAndAvailable = (pod: KubeObject, minReadySeconds: number, nowMs: number): boolean =>
  isPodAvailable(pod, minReadySeconds, nowMs);
export const isTerminating = (pod: KubeObject): boolean => !!pod.metadata?.deletionTimestamp;
export const isFailed = (pod: KubeObject): boolean => phaseOf(pod) === 'Failed';
export const isSucceeded = (pod: KubeObject): boolean => phaseOf(pod) === 'Succeeded';
export const isUnavailable = (pod: KubeObject, minReadySeconds: number, nowMs: number): boolean =>
  !isRunningAndAvailable(pod, minReadySeconds, nowMs) || isTerminating(pod);

// ---- PVC retention (ownerReferences as upstream's StatefulSetAutoDeletePVC) ----

const POD_KIND = { apiVersion: 'v1', kind: 'Pod' };
const SET_KIND = { apiVersion: 'apps/v1', kind: 'StatefulSet' };

const refsOf = (obj: KubeObject): OwnerReference[] => obj.metadata?.ownerReferences ?? [];

function matchesRef(ref: OwnerReference, obj: KubeObject, kind: { apiVersion: string; kind: string }): boolean {
  return ref.apiVersion === kind.apiVersion && ref.kind === kind.kind && ref.name === obj.metadata?.name;
}

function hasOwnerRef(target: KubeObject, owner: KubeObject): boolean {
  const uid = owner.metadata?.uid;
  return refsOf(target).some((r) => r.uid === uid);
}

/** A reference to `obj` by name and kind whose uid is not obj's: left by a deleted predecessor. */
export function hasStaleOwnerRef(target: KubeObject, obj: KubeObject, kind: { apiVersion: string; kind: string }): boolean {
  for (const r of refsOf(target)) if (matchesRef(r, obj, kind)) return r.uid !== obj.metadata?.uid;
  return false;
}

function hasUnexpectedController(claim: KubeObject, set: StatefulSet, pod: KubeObject): boolean {
  const p = set.spec.persistentVolumeClaimRetentionPolicy;
  if (p.whenScaled === RetentionPolicy.Retain && p.whenDeleted === RetentionPolicy.Retain) return false;
  for (const r of refsOf(claim)) {
    if (matchesRef(r, set, SET_KIND)) {
      if (r.uid !== set.metadata?.uid) return true;
      continue;
    }
    if (matchesRef(r, pod, POD_KIND)) {
      if (r.uid !== pod.metadata?.uid) return true;
      continue;
    }
    if (r.controller) return true;
  }
  return false;
}

function hasNonControllerOwner(claim: KubeObject, set: StatefulSet, pod: KubeObject): boolean {
  return refsOf(claim).some((r) => (r.uid === set.metadata?.uid || r.uid === pod.metadata?.uid) && !r.controller);
}

/**
 * Whether a claim's owner references express the set's retention policy for this pod
 * (upstream's isClaimOwnerUpToDate): Retain/Retain no reference; whenDeleted=Delete a
 * reference to the set; whenScaled=Delete a reference to the pod once it is scaled away (and,
 * with Delete/Delete, to the set while it is not). Claims with stale references or another
 * controller are left alone (reported up to date) unless they also point at us.
 */
export function isClaimOwnerUpToDate(claim: KubeObject, set: StatefulSet, pod: KubeObject): boolean {
  if (hasStaleOwnerRef(claim, set, SET_KIND) || hasStaleOwnerRef(claim, pod, POD_KIND)) return true;
  if (hasUnexpectedController(claim, set, pod)) return !(hasOwnerRef(claim, set) || hasOwnerRef(claim, pod));
  if (hasNonControllerOwner(claim, set, pod)) return false;
  const p = set.spec.persistentVolumeClaimRetentionPolicy;
  const scaledDown = !inOrdinalRange(pod, set);
  const del = RetentionPolicy.Delete;
  if (p.whenScaled !== del && p.whenDeleted === del) return hasOwnerRef(claim, set) && !hasOwnerRef(claim, pod);
  if (p.whenScaled === del && p.whenDeleted !== del) return !hasOwnerRef(claim, set) && scaledDown === hasOwnerRef(claim, pod);
  if (p.whenScaled === del && p.whenDeleted === del) return scaledDown !== hasOwnerRef(claim, set) && scaledDown === hasOwnerRef(claim, pod);
  return !hasOwnerRef(claim, set) && !hasOwnerRef(claim, pod);
}

/** Rewrites the claim's references to us per the retention policy (upstream's updateClaimOwnerRefForSetAndPod). */
export function updateClaimOwnerRefs(claim: KubeObject, set: StatefulSet, pod: KubeObject): void {
  const unexpected = hasUnexpectedController(claim, set, pod);
  let refs = refsOf(claim).filter((r) => !matchesRef(r, set, SET_KIND) && !matchesRef(r, pod, POD_KIND));
  const add = (owner: KubeObject, kind: { apiVersion: string; kind: string }) => {
    if (!refs.some((r) => r.uid === owner.metadata?.uid)) refs = [...refs, newControllerRef(owner, kind.apiVersion, kind.kind)];
  };
  if (!unexpected) {
    const p = set.spec.persistentVolumeClaimRetentionPolicy;
    const del = RetentionPolicy.Delete;
    const scaledDown = !inOrdinalRange(pod, set);
    if (p.whenScaled !== del && p.whenDeleted === del) add(set, SET_KIND);
    else if (p.whenScaled === del && p.whenDeleted !== del) {
      if (scaledDown) add(pod, POD_KIND);
    } else if (p.whenScaled === del && p.whenDeleted === del) {
      if (scaledDown) add(pod, POD_KIND);
      else add(set, SET_KIND);
    }
  }
  if (refs.length) claim.metadata!.ownerReferences = refs;
  else delete claim.metadata!.ownerReferences;
}

/** A claim left behind by an earlier pod of this ordinal blocks the new one when scaled claims are deleted (upstream's PodClaimIsStale, per claim). */
export function claimIsStaleFor(claim: KubeObject, pod: KubeObject): boolean {
  return hasStaleOwnerRef(claim, pod, POD_KIND);
}
