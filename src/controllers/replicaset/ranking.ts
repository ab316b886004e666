import type { KubeObject } from '../../apimachinery/types.js';
import { isPodReady } from '../framework/index.js';

type Obj = Record<string, unknown>;

const PHASE_RANK: Record<string, number> = { Pending: 0, Unknown: 1, Running: 2 };

function restarts(pod: KubeObject): number {
  const statuses = ((pod.status as Obj | undefined)?.containerStatuses as { restartCount?: number }[] | undefined) ?? [];
  return statuses.reduce((m, s) => Math.max(m, s.restartCount ?? 0), 0);
}

function readySince(pod: KubeObject): number {
  const c = (((pod.status as Obj | undefined)?.conditions as { type: string; status: string; lastTransitionTime?: string }[] | undefined) ?? []).find(
    (x) => x.type === 'Ready' && x.status === 'True',
  );
  return c?.lastTransitionTime ? Date.parse(c.lastTransitionTime) : 0;
}

/**
 * Pods in the order a ReplicaSet deletes them when scaling down, as upstream's
 * ActivePods ordering: not yet scheduled before scheduled; Pending before Unknown before
 * Running; not ready before ready; ready for a shorter time first; more container restarts
 * first; newer before older.
 */
export function rankPodsForDeletion(pods: readonly KubeObject[], _nowMs: number): KubeObject[] {
  const created = (p: KubeObject) => Date.parse(p.metadata?.creationTimestamp ?? '') || 0;
  return [...pods].sort((a, b) => {
    const sa = (a.spec as Obj | undefined)?.nodeName ? 1 : 0;
    const sb = (b.spec as Obj | undefined)?.nodeName ? 1 : 0;
    if (sa !== sb) return sa - sb;
    const pa = PHASE_RANK[String((a.status as Obj | undefined)?.phase)] ?? 0;
    const pb = PHASE_RANK[String((b.status as Obj | undefined)?.phase)] ?? 0;
    if (pa !== pb) return pa - pb;
    const ra = isPodReady(a) ? 1 : 0;
    const rb = isPodReady(b) ? 1 : 0;
    if (ra !== rb) return ra - rb;
    if (ra && rb) {
      const ta = readySince(a);
      const tb = readySince(b);
      if (ta !== tb) return tb - ta;
    }
    const xa = restarts(a);
    const xb = restarts(b);
    if (xa !== xb) return xb - xa;
    return created(b) - created(a);
  });
}
