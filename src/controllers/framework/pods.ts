import type { KubeObject } from '../../apimachinery/types.js';

interface PodCondition {
  type: string;
  status: string;
  lastTransitionTime?: string;
}

const conditionsOf = (pod: KubeObject): PodCondition[] =>
  ((pod.status as { conditions?: PodCondition[] } | undefined)?.conditions ?? []);

export const phaseOf = (pod: KubeObject): string => ((pod.status as { phase?: string } | undefined)?.phase ?? '');

/** Not terminated and not being deleted, as upstream's controller.IsPodActive. */
export function isPodActive(pod: KubeObject): boolean {
  const phase = phaseOf(pod);
  return phase !== 'Succeeded' && phase !== 'Failed' && !pod.metadata?.deletionTimestamp;
}

/** The pod's Ready condition is True. */
export function isPodReady(pod: KubeObject): boolean {
  return conditionsOf(pod).some((c) => c.type === 'Ready' && c.status === 'True');
}

/**
 * Ready for at least `minReadySeconds` at `nowMs`, as upstream's podutil.IsPodAvailable
 * (judged by the Ready condition's lastTransitionTime).
 */
export function isPodAvailable(pod: KubeObject, minReadySeconds: number, nowMs: number): boolean {
  const ready = conditionsOf(pod).find((c) => c.type === 'Ready');
  if (!ready || ready.status !== 'True') return false;
  if (!minReadySeconds) return true;
  const since = ready.lastTransitionTime ? Date.parse(ready.lastTransitionTime) : NaN;
  return Number.isFinite(since) && since + minReadySeconds * 1000 <= nowMs;
}
