import type { KubeObject } from '../../apimachinery/types.js';
import { Code, NodeInfo, success, unresolvable, unschedulable, hostPortsOf, nonZeroRequests, requestsOf, type Plugin, type Status } from '../framework/index.js';

type Obj = Record<string, unknown>;

interface Toleration {
  key?: string;
  operator?: string;
  value?: string;
  effect?: string;
}
interface Taint {
  key: string;
  value?: string;
  effect: string;
}

export function tolerates(t: Toleration, taint: Taint): boolean {
  if (t.effect && t.effect !== taint.effect) return false;
  if (t.key === undefined || t.key === '') return t.operator === 'Exists';
  if (t.key !== taint.key) return false;
  if (t.operator === 'Exists') return true;
  return (t.value ?? '') === (taint.value ?? '');
}

const tolerationsOf = (pod: KubeObject) => (((pod.spec as Obj | undefined)?.tolerations as Toleration[] | undefined) ?? []);
const taintsOf = (n: NodeInfo) => (((n.node.spec as Obj | undefined)?.taints as Taint[] | undefined) ?? []);

/** NodeUnschedulable: cordoned nodes take only pods tolerating node.kubernetes.io/unschedulable. */
export const NodeUnschedulable: Plugin = {
  name: 'NodeUnschedulable',
  filter(pod, n) {
    if (!(n.node.spec as Obj | undefined)?.unschedulable) return success;
    const ok = tolerationsOf(pod).some((t) => tolerates(t, { key: 'node.kubernetes.io/unschedulable', effect: 'NoSchedule' }));
    return ok ? success : unresolvable('node(s) were unschedulable');
  },
};

/** NodeName: a pod naming a node fits only there. */
export const NodeName: Plugin = {
  name: 'NodeName',
  filter(pod, n) {
    const want = (pod.spec as Obj | undefined)?.nodeName;
    return !want || want === n.name ? success : unresolvable("node(s) didn't match the requested node name");
  },
};

/** TaintToleration: NoSchedule and NoExecute taints must be tolerated; PreferNoSchedule ones lower the score. */
export const TaintToleration: Plugin = {
  name: 'TaintToleration',
  filter(pod, n) {
    const tol = tolerationsOf(pod);
    const bad = taintsOf(n).find((t) => (t.effect === 'NoSchedule' || t.effect === 'NoExecute') && !tol.some((x) => tolerates(x, t)));
    return bad ? unresolvable(`node(s) had untolerated taint {${bad.key}: ${bad.value ?? ''}}`) : success;
  },
  score(pod, n) {
    const tol = tolerationsOf(pod);
    const intolerable = taintsOf(n).filter((t) => t.effect === 'PreferNoSchedule' && !tol.some((x) => tolerates(x, t))).length;
    return Math.max(0, 100 - intolerable * 10);
  },
};

interface Requirement {
  key: string;
  operator: string;
  values?: string[];
}

function matchRequirement(r: Requirement, value: string | undefined): boolean {
  switch (r.operator) {
    case 'In':
      return value !== undefined && (r.values ?? []).includes(value);
    case 'NotIn':
      return value === undefined || !(r.values ?? []).includes(value);
    case 'Exists':
      return value !== undefined;
    case 'DoesNotExist':
      return value === undefined;
    case 'Gt':
      return value !== undefined && Number(value) > Number(r.values?.[0]);
    case 'Lt':
      return value !== undefined && Number(value) < Number(r.values?.[0]);
    default:
      return false;
  }
}

export function nodeSelectorTermMatches(term: { matchExpressions?: Requirement[]; matchFields?: Requirement[] }, node: KubeObject): boolean {
  const labels = node.metadata?.labels ?? {};
  const exprs = term.matchExpressions ?? [];
  const fields = term.matchFields ?? [];
  if (!exprs.length && !fields.length) return false;
  return exprs.every((r) => matchRequirement(r, labels[r.key])) && fields.every((r) => matchRequirement(r, r.key === 'metadata.name' ? node.metadata?.name : undefined));
}

/** NodeAffinity: spec.nodeSelector and required node affinity must match; preferred terms add their weights. */
export const NodeAffinity: Plugin = {
  name: 'NodeAffinity',
  filter(pod, n) {
    const spec = (pod.spec ?? {}) as Obj;
    const labels = n.node.metadata?.labels ?? {};
    const sel = (spec.nodeSelector as Record<string, string> | undefined) ?? {};
    const fail = unresolvable("node(s) didn't match Pod's node affinity/selector");
    if (Object.entries(sel).some(([k, v]) => labels[k] !== v)) return fail;
    const required = ((((spec.affinity as Obj | undefined)?.nodeAffinity as Obj | undefined)?.requiredDuringSchedulingIgnoredDuringExecution as Obj | undefined)?.nodeSelectorTerms as Parameters<typeof nodeSelectorTermMatches>[0][] | undefined);
    if (required && required.length && !required.some((t) => nodeSelectorTermMatches(t, n.node))) return fail;
    return success;
  },
  score(pod, n) {
    const preferred = ((((pod.spec as Obj | undefined)?.affinity as Obj | undefined)?.nodeAffinity as Obj | undefined)?.preferredDuringSchedulingIgnoredDuringExecution as { weight: number; preference: Parameters<typeof nodeSelectorTermMatches>[0] }[] | undefined) ?? [];
    const total = preferred.reduce((s, p) => s + p.weight, 0);
    if (!total) return 0;
    return Math.round((100 * preferred.filter((p) => nodeSelectorTermMatches(p.preference, n.node)).reduce((s, p) => s + p.weight, 0)) / total);
  },
};

/** NodePorts: the pod's hostPorts must be free on the node. */
export const NodePorts: Plugin = {
  name: 'NodePorts',
  filter(pod, n) {
    const want = hostPortsOf(pod);
    const clash = want.some((p) => {
      const [proto, ip, port] = p.split('/');
      return [...n.usedPorts].some((u) => {
        const [uproto, uip, uport] = u.split('/');
        return uproto === proto && uport === port && (uip === ip || uip === '0.0.0.0' || ip === '0.0.0.0');
      });
    });
    return clash ? unschedulable("node(s) didn't have free ports for the requested pod ports") : success;
  },
};

/** NodeResourcesFit: requests must fit the node's allocatable minus what its pods request; LeastAllocated scoring. */
export const NodeResourcesFit: Plugin = {
  name: 'NodeResourcesFit',
  filter(pod, n) {
    const reasons: string[] = [];
    if (n.pods.length + 1 > n.allocatable('pods')) reasons.push('Too many pods');
    for (const [k, want] of requestsOf(pod)) {
      if (want <= 0) continue;
      const free = n.allocatable(k) - (n.requested.get(k) ?? 0);
      if (want > free) reasons.push(`Insufficient ${k}`);
    }
    return reasons.length ? { code: Code.Unschedulable, reasons } : success;
  },
  score(pod, n) {
    // Pods without requests count as 100m / 200Mi, as upstream's non-zero defaults.
    const mine = nonZeroRequests(pod);
    let total = 0;
    for (const k of ['cpu', 'memory'] as const) {
      const cap = n.allocatable(k);
      if (!cap) continue;
      const used = n.nonZero[k] + mine[k];
      total += Math.max(0, ((cap - used) * 100) / cap);
    }
    return Math.floor(total / 2);
  },
};

export const DEFAULT_PLUGINS: readonly Plugin[] = [NodeUnschedulable, NodeName, TaintToleration, NodeAffinity, NodePorts, NodeResourcesFit];

export type { Status };
