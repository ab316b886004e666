import type { KubeObject } from '../../apimachinery/index.js';
import { isPodActive, isPodReady, phaseOf } from '../framework/index.js';

/** The annotation that makes a pod cheaper (lower) or dearer (higher) to delete. */
export const POD_DELETION_COST = 'controller.kubernetes.io/pod-deletion-cost';

interface PodView {
  spec?: {
    nodeName?: string;
    initContainers?: { name: string; restartPolicy?: string }[];
  };
  status?: {
    conditions?: { type: string; status: string; lastTransitionTime?: string }[];
    containerStatuses?: { name?: string; restartCount?: number }[];
    initContainerStatuses?: { name?: string; restartCount?: number }[];
  };
}

const view = (p: KubeObject): PodView => p as unknown as PodView;
const nodeOf = (p: KubeObject): string => view(p).spec?.nodeName ?? '';

// As upstream: phases missing from the table (Succeeded, Failed, none) rank with Pending.
const PHASE_ORDINAL: Record<string, number> = { Pending: 0, Unknown: 1, Running: 2 };
const phaseOrdinal = (p: KubeObject): number => PHASE_ORDINAL[phaseOf(p)] ?? 0;

/**
 * The pod's deletion cost, as upstream's GetDeletionCostFromPodAnnotations: an int32 in
 * decimal, starting with '-', a non-zero digit, or being exactly "0" (so no '+' and no
 * leading zeros); anything else counts as 0.
 */
export function deletionCost(pod: KubeObject): number {
  const v = pod.metadata?.annotations?.[POD_DELETION_COST];
  if (v === undefined) return 0;
  if (!/^(-[0-9]+|0|[1-9][0-9]*)$/.test(v)) return 0;
  const n = Number(v);
  return n >= -(2 ** 31) && n < 2 ** 31 ? n : 0;
}

/** Milliseconds since the epoch, or 0 (Go's zero time) when absent or unparsable. */
function timeOf(ts: string | null | undefined): number {
  if (!ts) return 0;
  const t = Date.parse(ts);
  return Number.isFinite(t) ? t : 0;
}

/** When the pod became Ready (0 when not ready), from the Ready condition's lastTransitionTime. */
export function podReadyTime(pod: KubeObject): number {
  if (!isPodReady(pod)) return 0;
  const c = view(pod).status?.conditions?.find((x) => x.type === 'Ready' && x.status === 'True');
  return timeOf(c?.lastTransitionTime);
}

/** The highest restart count among regular containers, and among restartable init containers (sidecars). */
export function maxContainerRestarts(pod: KubeObject): { regular: number; sidecar: number } {
  const st = view(pod).status ?? {};
  let regular = 0;
  for (const c of st.containerStatuses ?? []) regular = Math.max(regular, c.restartCount ?? 0);
  const sidecars = new Set((view(pod).spec?.initContainers ?? []).filter((c) => c.restartPolicy === 'Always').map((c) => c.name));
  let sidecar = 0;
  for (const c of st.initContainerStatuses ?? []) if (c.name !== undefined && sidecars.has(c.name)) sidecar = Math.max(sidecar, c.restartCount ?? 0);
  return { regular, sidecar };
}

/**
 * The base-2 logarithmic "age rank" difference of two timestamps relative to `now`, as
 * upstream's logarithmicRankDiff: ages are measured in nanoseconds (Go durations), an age
 * of zero or less ranks -1.
 */
export function logarithmicRankDiff(t1: number, t2: number, now: number): number {
  const rank = (t: number) => {
    const ns = (now - t) * 1e6;
    return ns > 0 ? Math.floor(Math.log2(ns)) : -1;
  };
  return rank(t1) - rank(t2);
}

/** As upstream's afterOrZero: is t1 after t2, with a zero time counting as after any other. */
function afterOrZero(t1: number, t2: number): boolean {
  if (t1 === 0 || t2 === 0) return t1 === 0;
  return t1 > t2;
}

/** Compares two times logarithmically (upstream's LogarithmicScaleDown, on by default since 1.22). */
function newerFirst(t1: number, t2: number, uid1: string, uid2: string, now: number): boolean {
  if (now === 0 || t1 === 0 || t2 === 0) return afterOrZero(t1, t2);
  const diff = logarithmicRankDiff(t1, t2, now);
  if (diff === 0) return uid1 < uid2;
  return diff < 0;
}

export interface RankedPod {
  pod: KubeObject;
  /** Active related pods on the same node (the "doubled up" rank). */
  rank: number;
}

/**
 * Whether `a` should be deleted before `b`, as upstream's ActivePodsWithRanks.Less (with the
 * PodDeletionCost and LogarithmicScaleDown gates at their 1.32 defaults, both on):
 *  1. unassigned before assigned;
 *  2. Pending before Unknown before Running;
 *  3. not ready before ready;
 *  4. lower pod-deletion-cost first;
 *  5. higher rank (more colocated related pods) first;
 *  6. both ready: ready for a shorter time first (log scale, ties broken by uid);
 *  7. more container restarts first (regular containers, then sidecars);
 *  8. newer first (log scale, ties broken by uid); a missing creation time counts as newest.
 * `now` is the reference for the logarithmic comparisons (0: compare the times directly).
 */
export function deleteBefore(a: RankedPod, b: RankedPod, now: number): boolean {
  const pa = a.pod;
  const pb = b.pod;
  const na = nodeOf(pa);
  const nb = nodeOf(pb);
  if (na !== nb && (na === '' || nb === '')) return na === '';
  const oa = phaseOrdinal(pa);
  const ob = phaseOrdinal(pb);
  if (oa !== ob) return oa < ob;
  const ra = isPodReady(pa);
  const rb = isPodReady(pb);
  if (ra !== rb) return !ra;
  const ca = deletionCost(pa);
  const cb = deletionCost(pb);
  if (ca !== cb) return ca < cb;
  if (a.rank !== b.rank) return a.rank > b.rank;
  const uidA = pa.metadata?.uid ?? '';
  const uidB = pb.metadata?.uid ?? '';
  if (ra && rb) {
    const ta = podReadyTime(pa);
    const tb = podReadyTime(pb);
    if (ta !== tb) return newerFirst(ta, tb, uidA, uidB, now);
  }
  const xa = maxContainerRestarts(pa);
  const xb = maxContainerRestarts(pb);
  if (xa.regular !== xb.regular) return xa.regular > xb.regular;
  if (xa.sidecar !== xb.sidecar) return xa.sidecar > xb.sidecar;
  const ta = timeOf(pa.metadata?.creationTimestamp);
  const tb = timeOf(pb.metadata?.creationTimestamp);
  if (ta !== tb) return newerFirst(ta, tb, uidA, uidB, now);
  return false;
}

/**
 * Ranks each of `pods` by the number of active `related` pods (the pods of every ReplicaSet
 * with the same owner) on its node, as upstream's getPodsRankedByRelatedPodsOnSameNode.
 * Unassigned pods share the rank of the unassigned related pods.
 */
export function rankByRelatedPodsOnSameNode(pods: readonly KubeObject[], related: readonly KubeObject[]): RankedPod[] {
  const onNode = new Map<string, number>();
  for (const p of related) if (isPodActive(p)) onNode.set(nodeOf(p), (onNode.get(nodeOf(p)) ?? 0) + 1);
  return pods.map((pod) => ({ pod, rank: onNode.get(nodeOf(pod)) ?? 0 }));
}

/** Sorts ranked pods so the ones to delete first come first (stable for equal pods). */
export function sortForDeletion(ranked: RankedPod[], now: number): RankedPod[] {
  return ranked.sort((a, b) => (deleteBefore(a, b, now) ? -1 : deleteBefore(b, a, now) ? 1 : 0));
}

/**
 * The `diff` pods to delete when scaling down, as upstream's getPodsToDelete: all of them
 * in their given order when every pod goes, otherwise the first `diff` after ranking.
 */
export function podsToDelete(pods: readonly KubeObject[], related: readonly KubeObject[], diff: number, now: number): KubeObject[] {
  if (diff >= pods.length) return pods.slice(0, diff);
  return sortForDeletion(rankByRelatedPodsOnSameNode(pods, related), now)
    .slice(0, diff)
    .map((r) => r.pod);
}
