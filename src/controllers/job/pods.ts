import type { KubeObject } from '../../apimachinery/types.js';
import { isPodReady, phaseOf } from '../framework/pods.js';

/** Pod metadata the Job controller reads and writes. */
export const JOB_TRACKING_FINALIZER = 'batch.kubernetes.io/job-tracking';
export const COMPLETION_INDEX_ANNOTATION = 'batch.kubernetes.io/job-completion-index';
export const INDEX_FAILURE_COUNT_ANNOTATION = 'batch.kubernetes.io/job-index-failure-count';
export const INDEX_IGNORED_FAILURE_COUNT_ANNOTATION = 'batch.kubernetes.io/job-index-ignored-failure-count';

interface ContainerStatus {
  name: string;
  restartCount?: number;
  state?: { terminated?: { exitCode?: number; finishedAt?: string } };
}

export const containerStatuses = (pod: KubeObject): ContainerStatus[] =>
  ((pod.status as { containerStatuses?: ContainerStatus[] } | undefined)?.containerStatuses ?? []);
export const initContainerStatuses = (pod: KubeObject): ContainerStatus[] =>
  ((pod.status as { initContainerStatuses?: ContainerStatus[] } | undefined)?.initContainerStatuses ?? []);

interface Condition {
  type: string;
  status: string;
  lastTransitionTime?: string;
}
const podConditions = (pod: KubeObject): Condition[] => ((pod.status as { conditions?: Condition[] } | undefined)?.conditions ?? []);

export const hasTrackingFinalizer = (pod: KubeObject): boolean => (pod.metadata?.finalizers ?? []).includes(JOB_TRACKING_FINALIZER);

/** The completion index annotation as a non-negative int, or -1 (upstream's getCompletionIndex). */
export function completionIndexOf(pod: KubeObject): number {
  const v = pod.metadata?.annotations?.[COMPLETION_INDEX_ANNOTATION];
  if (v === undefined || !/^[+-]?[0-9]+$/.test(v)) return -1;
  const n = Number(v);
  return Number.isSafeInteger(n) && n >= 0 ? n : -1;
}

function parseCount(v: string | undefined): number {
  if (v === undefined || !/^[+-]?[0-9]+$/.test(v)) return 0;
  const n = Number(v);
  return n < 0 || n > 0x7fffffff ? 0 : n;
}

export const indexFailureCount = (pod: KubeObject): number => parseCount(pod.metadata?.annotations?.[INDEX_FAILURE_COUNT_ANNOTATION]);
export const indexIgnoredFailureCount = (pod: KubeObject): number => parseCount(pod.metadata?.annotations?.[INDEX_IGNORED_FAILURE_COUNT_ANNOTATION]);

const TERMINAL = new Set(['Succeeded', 'Failed']);
export const isTerminal = (pod: KubeObject): boolean => TERMINAL.has(phaseOf(pod));
/** Being deleted but not finished yet (upstream's IsPodTerminating). */
export const isTerminating = (pod: KubeObject): boolean => !isTerminal(pod) && !!pod.metadata?.deletionTimestamp;

const ms = (t: string | undefined): number | undefined => {
  if (!t) return undefined;
  const v = Date.parse(t);
  return Number.isFinite(v) ? v : undefined;
};

/**
 * When a finished pod finished (upstream's getFinishedTime): the latest container finish
 * time if all containers terminated, else the Ready=False transition, else the deletion
 * time minus its grace period, else the creation time.
 */
export function finishedTime(pod: KubeObject): number {
  const cs = containerStatuses(pod);
  let fromContainers: number | undefined;
  let allTerminated = cs.length > 0;
  for (const c of cs) {
    const t = ms(c.state?.terminated?.finishedAt);
    if (!c.state?.terminated || t === undefined) {
      allTerminated = false;
      break;
    }
    if (fromContainers === undefined || t > fromContainers) fromContainers = t;
  }
  if (allTerminated && fromContainers !== undefined) return fromContainers;
  const ready = podConditions(pod).find((c) => c.type === 'Ready');
  const readyFalse = ready && ready.status === 'False' ? ms(ready.lastTransitionTime) : undefined;
  if (readyFalse !== undefined) return readyFalse;
  const del = ms(pod.metadata?.deletionTimestamp);
  if (del !== undefined) return del - (pod.metadata?.deletionGracePeriodSeconds ?? 0) * 1000;
  return ms(pod.metadata?.creationTimestamp ?? undefined) ?? 0;
}

const PHASE_ORDINAL: Record<string, number> = { Pending: 0, Unknown: 1, Running: 2 };

function readySince(pod: KubeObject): number | undefined {
  const c = podConditions(pod).find((x) => x.type === 'Ready' && x.status === 'True');
  return ms(c?.lastTransitionTime);
}

const maxRestarts = (pod: KubeObject): number => Math.max(0, ...containerStatuses(pod).map((c) => c.restartCount ?? 0));

/** t1 after t2, an unset time counting as earliest of all (upstream's afterOrZero). */
function afterOrZero(t1: number | undefined, t2: number | undefined): boolean {
  if (!t1 || !t2) return !t1;
  return t1 > t2;
}

/**
 * Orders active pods so that the cheapest to lose come first (upstream's ActivePods):
 * unassigned before assigned, Pending before Unknown before Running, not ready before ready,
 * ready more recently first, more container restarts first, newer (or unset) creation first.
 */
export function compareActivePods(a: KubeObject, b: KubeObject): number {
  const less = (x: KubeObject, y: KubeObject): boolean => {
    const nx = (x.spec as { nodeName?: string } | undefined)?.nodeName ?? '';
    const ny = (y.spec as { nodeName?: string } | undefined)?.nodeName ?? '';
    if (nx !== ny && (!nx || !ny)) return !nx;
    const px = PHASE_ORDINAL[phaseOf(x)] ?? 0;
    const py = PHASE_ORDINAL[phaseOf(y)] ?? 0;
    if (px !== py) return px < py;
    const rx = isPodReady(x);
    const ry = isPodReady(y);
    if (rx !== ry) return !rx;
    if (rx && ry) {
      const tx = readySince(x);
      const ty = readySince(y);
      if (tx !== ty) return afterOrZero(tx, ty);
    }
    const cx = maxRestarts(x);
    const cy = maxRestarts(y);
    if (cx !== cy) return cx > cy;
    const kx = ms(x.metadata?.creationTimestamp ?? undefined);
    const ky = ms(y.metadata?.creationTimestamp ?? undefined);
    if (kx !== ky) return afterOrZero(kx, ky);
    return false;
  };
  if (less(a, b)) return -1;
  if (less(b, a)) return 1;
  return 0;
}
