import { getScaledValueFromIntOrPercent } from '../../apimachinery/intstr.js';
import type { IntOrString } from '../../apimachinery/intstr.js';

/**
 * The numbers of a rolling update, as upstream's deployment util: maxSurge rounds up,
 * maxUnavailable rounds down, and both zero means maxUnavailable 1 (a rollout must move).
 */
export function resolveFenceposts(maxSurge: IntOrString | undefined, maxUnavailable: IntOrString | undefined, desired: number): { surge: number; unavailable: number } {
  const surge = getScaledValueFromIntOrPercent(maxSurge ?? '25%', desired, true);
  let unavailable = getScaledValueFromIntOrPercent(maxUnavailable ?? '25%', desired, false);
  if (surge === 0 && unavailable === 0) unavailable = 1;
  return { surge, unavailable };
}

/** The replicas the new ReplicaSet may have now (upstream's NewRSNewReplicas for RollingUpdate). */
export function newRsReplicas(desired: number, surge: number, allReplicas: number, newReplicas: number): number {
  const maxTotal = desired + surge;
  if (allReplicas >= maxTotal) return newReplicas;
  const up = Math.min(maxTotal - allReplicas, Math.max(0, desired - newReplicas));
  return newReplicas + up;
}

/**
 * Proportional scaling (upstream's scale for several active ReplicaSets): `toAdd` (may be
 * negative) split by each ReplicaSet's share of `total`, rounding so the parts sum exactly;
 * leftovers go to the largest (for additions) and are taken from the smallest... as upstream,
 * the remainder lands on the newest-largest first.
 */
export function proportionalShares(sizes: readonly number[], toAdd: number): number[] {
  const total = sizes.reduce((a, b) => a + b, 0);
  if (total === 0 || toAdd === 0) return sizes.map(() => 0);
  const shares = sizes.map((s) => {
    const raw = (s * toAdd) / total;
    const part = toAdd > 0 ? Math.floor(raw) : Math.ceil(raw);
    return toAdd < 0 ? Math.max(part, -s) : part;
  });
  let left = toAdd - shares.reduce((a, b) => a + b, 0);
  const order = sizes.map((s, i) => [s, i] as const).sort((a, b) => b[0] - a[0]);
  for (const [, i] of order) {
    if (left === 0) break;
    if (left > 0) {
      shares[i]! += 1;
      left -= 1;
    } else if (sizes[i]! + shares[i]! > 0) {
      shares[i]! -= 1;
      left += 1;
    }
  }
  return shares;
}
