import { getScaledValueFromIntOrPercent, type IntOrString } from '../../apimachinery/intstr.js';
import type { KubeObject } from '../../apimachinery/types.js';
import { isPodReady } from '../framework/index.js';

type Obj = Record<string, unknown>;

export interface PdbStatus {
  observedGeneration?: number;
  disruptionsAllowed: number;
  currentHealthy: number;
  desiredHealthy: number;
  expectedPods: number;
  disruptedPods?: Record<string, string>;
  conditions?: { type: string; status: string; reason: string; message: string; lastTransitionTime?: string; observedGeneration?: number }[];
}

/**
 * A PodDisruptionBudget's figures, as upstream's disruption controller computes them:
 * expectedPods is the scale of the pods' controllers (for a percentage or maxUnavailable) or
 * the number of selected pods (an integer minAvailable); desiredHealthy from minAvailable or
 * expectedPods - maxUnavailable; currentHealthy counts Ready pods not being deleted (and not
 * recently evicted); disruptionsAllowed = currentHealthy - desiredHealthy, at least 0.
 */
export function computePdb(pdb: KubeObject, pods: readonly KubeObject[], controllerScale: number | undefined, disrupted: Record<string, string>): Omit<PdbStatus, 'conditions' | 'observedGeneration'> {
  const spec = (pdb.spec ?? {}) as { minAvailable?: IntOrString; maxUnavailable?: IntOrString };
  const counted = pods.filter((p) => !p.metadata?.deletionTimestamp);
  const healthy = counted.filter((p) => isPodReady(p) && !(p.metadata!.name! in disrupted)).length;
  let expected: number;
  let desired: number;
  if (spec.maxUnavailable !== undefined && spec.maxUnavailable !== null) {
    expected = controllerScale ?? counted.length;
    desired = Math.max(0, expected - getScaledValueFromIntOrPercent(spec.maxUnavailable, expected, true));
  } else if (typeof spec.minAvailable === 'number') {
    expected = counted.length;
    desired = spec.minAvailable;
  } else if (typeof spec.minAvailable === 'string') {
    expected = controllerScale ?? counted.length;
    desired = getScaledValueFromIntOrPercent(spec.minAvailable, expected, true);
  } else {
    // Neither set: as upstream, maxUnavailable 0 ... but the API requires one; treat as minAvailable 1.
    expected = counted.length;
    desired = Math.min(1, expected);
  }
  return { currentHealthy: healthy, desiredHealthy: desired, expectedPods: expected, disruptionsAllowed: Math.max(0, healthy - desired), disruptedPods: Object.keys(disrupted).length ? disrupted : undefined };
}

export const pdbSelects = (pdb: KubeObject, pod: KubeObject, matches: (labels: Record<string, string>) => boolean): boolean =>
  pod.metadata?.namespace === pdb.metadata?.namespace && matches(pod.metadata?.labels ?? {}) && !!(pdb.spec as Obj | undefined)?.selector;
