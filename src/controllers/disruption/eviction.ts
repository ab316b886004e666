import { labelSelectorAsSelector } from '../../apimachinery/labels.js';
import { errors, isConflict, StatusError } from '../../apimachinery/status.js';
import type { KubeObject } from '../../apimachinery/types.js';
import { rfc3339 } from '../../client/time-format.js';
import { isPodReady } from '../framework/index.js';
import type { PdbStatus } from './compute.js';

type Obj = Record<string, unknown>;

/** Reads and conditionally writes PodDisruptionBudgets for the eviction check. */
export interface PdbAccess {
  list(namespace: string): Promise<KubeObject[]>;
  /** Writes the status with the object's resourceVersion as precondition (409 when stale). */
  updateStatus(pdb: KubeObject): Promise<void>;
  now(): number;
}

const MAX_ATTEMPTS = 3;

/**
 * The eviction subresource's PodDisruptionBudget check, as upstream's: pods that are not
 * running (Pending, Succeeded, Failed) or already deleting are evicted freely; otherwise the
 * one PDB covering the pod (more than one: 500) must allow a disruption — then it is
 * charged (disruptionsAllowed - 1 and the pod in disruptedPods, optimistic concurrency) — or
 * the eviction fails with 429 "Cannot evict pod as it would violate the pod's disruption
 * budget." Unhealthy pods may go when the budget is healthy (IfHealthyBudget) or always
 * (AlwaysAllow).
 */
export function pdbEvictionCheck(access: PdbAccess): (pod: KubeObject) => Promise<void> {
  return async (pod) => {
    const phase = (pod.status as Obj | undefined)?.phase;
    if (pod.metadata?.deletionTimestamp || phase === 'Succeeded' || phase === 'Failed' || phase === 'Pending') return;
    for (let attempt = 0; ; attempt++) {
      const pdbs = (await access.list(pod.metadata!.namespace!)).filter((p) => {
        try {
          return labelSelectorAsSelector((p.spec as Obj | undefined)?.selector as Parameters<typeof labelSelectorAsSelector>[0]).matches(pod.metadata?.labels ?? {});
        } catch {
          return false;
        }
      });
      if (!pdbs.length) return;
      if (pdbs.length > 1) {
        throw new StatusError(500, 'InternalError', 'This pod has more than one PodDisruptionBudget, which the eviction subresource does not support.');
      }
      const pdb = pdbs[0]!;
      const status = (pdb.status ?? {}) as Partial<PdbStatus>;
      if ((status.observedGeneration ?? 0) < (pdb.metadata?.generation ?? 0)) {
        throw errors.tooManyRequests(`The disruption budget ${pdb.metadata!.name} is still being processed by the server.`, 0);
      }
      const policy = ((pdb.spec as Obj | undefined)?.unhealthyPodEvictionPolicy as string | undefined) ?? 'IfHealthyBudget';
      if (!isPodReady(pod)) {
        if (policy === 'AlwaysAllow') return;
        if ((status.currentHealthy ?? 0) >= (status.desiredHealthy ?? 0) && (status.desiredHealthy ?? 0) > 0) return;
      }
      if ((status.disruptionsAllowed ?? 0) <= 0) {
        const e = errors.tooManyRequests("Cannot evict pod as it would violate the pod's disruption budget.", 0);
        e.status.details = {
          causes: [{ reason: 'DisruptionBudget', message: `The disruption budget ${pdb.metadata!.name} needs ${status.desiredHealthy ?? 0} healthy pods and has ${status.currentHealthy ?? 0} currently` }],
        };
        throw e;
      }
      const next: Partial<PdbStatus> = {
        ...status,
        disruptionsAllowed: (status.disruptionsAllowed ?? 0) - 1,
        disruptedPods: { ...(status.disruptedPods ?? {}), [pod.metadata!.name!]: rfc3339(access.now()) },
      };
      try {
        await access.updateStatus({ ...pdb, status: next });
        return;
      } catch (e: unknown) {
        if (!isConflict(e) || attempt >= MAX_ATTEMPTS) throw e;
      }
    }
  };
}
