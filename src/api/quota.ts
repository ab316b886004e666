import { Quantity } from '../apimachinery/quantity.js';
import type { KubeObject } from '../apimachinery/types.js';

/**
 * What an object counts against a ResourceQuota, as upstream's quota evaluators: object
 * counts (`pods`, `services`, ..., and `count/<resource>[.<group>]` for every resource),
 * pod compute (`requests.cpu` = `cpu`, `limits.memory`, ephemeral storage, ...), Service
 * node ports and load balancers, PVC storage (also per storage class). Shared by the
 * ResourceQuota admission plugin and the resourcequota controller so both agree.
 */
export type Usage = Map<string, Quantity>;

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => v !== null && typeof v === 'object' && !Array.isArray(v);

const LEGACY_COUNTS: Record<string, string> = {
  pods: 'pods',
  services: 'services',
  replicationcontrollers: 'replicationcontrollers',
  resourcequotas: 'resourcequotas',
  secrets: 'secrets',
  configmaps: 'configmaps',
  persistentvolumeclaims: 'persistentvolumeclaims',
};

export function countName(group: string, resource: string): string {
  return group ? `count/${resource}.${group}` : `count/${resource}`;
}

/** A pod that no longer uses resources: Succeeded or Failed (as upstream's quota evaluator). */
export function isTerminalPod(pod: KubeObject): boolean {
  const phase = (pod.status as Obj | undefined)?.phase;
  return phase === 'Succeeded' || phase === 'Failed';
}

function addTo(m: Usage, k: string, q: Quantity): void {
  const cur = m.get(k);
  m.set(k, cur ? cur.add(q) : q);
}

function parseList(v: unknown): Map<string, Quantity> {
  const out = new Map<string, Quantity>();
  if (!isObj(v)) return out;
  for (const [k, x] of Object.entries(v)) {
    try {
      out.set(k, Quantity.parse(String(x)));
    } catch {
      // invalid quantities were rejected by validation; ignore here
    }
  }
  return out;
}

/**
 * A pod's effective requests and limits: the larger of the sum over app containers (and
 * restartable init containers) and the largest init container, plus overhead (as upstream's
 * resource helpers compute them for scheduling and quota).
 */
export function podResources(pod: KubeObject): { requests: Map<string, Quantity>; limits: Map<string, Quantity> } {
  const spec = (pod.spec ?? {}) as Obj;
  const sum = (which: 'requests' | 'limits') => {
    const total = new Map<string, Quantity>();
    const containers = (Array.isArray(spec.containers) ? spec.containers : []) as Obj[];
    const inits = (Array.isArray(spec.initContainers) ? spec.initContainers : []) as Obj[];
    const sidecars = inits.filter((c) => c.restartPolicy === 'Always');
    for (const c of [...containers, ...sidecars]) for (const [k, q] of parseList((c.resources as Obj | undefined)?.[which])) addTo(total, k, q);
    for (const c of inits) {
      if (c.restartPolicy === 'Always') continue;
      for (const [k, q] of parseList((c.resources as Obj | undefined)?.[which])) {
        const cur = total.get(k);
        if (!cur || q.cmp(cur) > 0) total.set(k, q);
      }
    }
    for (const [k, q] of parseList(spec.overhead)) addTo(total, k, q);
    return total;
  };
  return { requests: sum('requests'), limits: sum('limits') };
}

/** The usage `obj` of `group/resource` contributes (empty for terminal pods but their count/ entry). */
export function usageOf(group: string, resource: string, obj: KubeObject): Usage {
  const u: Usage = new Map();
  const one = Quantity.of(1);
  u.set(countName(group, resource), one);
  if (!group && LEGACY_COUNTS[resource]) u.set(LEGACY_COUNTS[resource]!, one);
  if (group || !['pods', 'services', 'persistentvolumeclaims'].includes(resource)) return u;
  if (resource === 'pods') {
    if (isTerminalPod(obj)) {
      u.delete('pods');
      return u;
    }
    const { requests, limits } = podResources(obj);
    for (const [k, q] of requests) {
      if (k === 'cpu' || k === 'memory' || k === 'ephemeral-storage') {
        u.set(`requests.${k}`, q);
        u.set(k, q);
      } else if (k.startsWith('hugepages-') || k.includes('/')) u.set(`requests.${k}`, q);
    }
    for (const [k, q] of limits) if (k === 'cpu' || k === 'memory' || k === 'ephemeral-storage') u.set(`limits.${k}`, q);
    return u;
  }
  const spec = (obj.spec ?? {}) as Obj;
  if (resource === 'services') {
    const type = spec.type ?? 'ClusterIP';
    const ports = Array.isArray(spec.ports) ? spec.ports.length : 0;
    if (type === 'NodePort' || type === 'LoadBalancer') u.set('services.nodeports', Quantity.of(ports));
    if (type === 'LoadBalancer') u.set('services.loadbalancers', one);
    return u;
  }
  // PersistentVolumeClaims: storage requested, overall and per storage class.
  const storage = parseList((spec.resources as Obj | undefined)?.requests).get('storage');
  const cls = typeof spec.storageClassName === 'string' ? spec.storageClassName : '';
  if (storage) u.set('requests.storage', storage);
  if (cls) {
    u.set(`${cls}.storageclass.storage.k8s.io/persistentvolumeclaims`, one);
    if (storage) u.set(`${cls}.storageclass.storage.k8s.io/requests.storage`, storage);
  }
  return u;
}

/** Whether a pod's QoS class is BestEffort (no requests or limits on any container). */
export function isBestEffort(pod: KubeObject): boolean {
  const spec = (pod.spec ?? {}) as Obj;
  const all = [...((spec.containers as Obj[] | undefined) ?? []), ...((spec.initContainers as Obj[] | undefined) ?? [])];
  return all.every((c) => {
    const r = (c.resources ?? {}) as Obj;
    return parseList(r.requests).size === 0 && parseList(r.limits).size === 0;
  });
}

interface ScopeRequirement {
  scopeName: string;
  operator: 'In' | 'NotIn' | 'Exists' | 'DoesNotExist';
  values?: string[];
}

/** Whether a quota's scopes (spec.scopes and spec.scopeSelector) select this object. */
export function quotaSelects(quota: KubeObject, group: string, resource: string, obj: KubeObject): boolean {
  const spec = (quota.spec ?? {}) as Obj;
  const reqs: ScopeRequirement[] = [
    ...((spec.scopes as string[] | undefined) ?? []).map((s) => ({ scopeName: s, operator: 'Exists' as const })),
    ...(((spec.scopeSelector as Obj | undefined)?.matchExpressions as ScopeRequirement[] | undefined) ?? []),
  ];
  if (!reqs.length) return true;
  // Scopes only apply to pods: a scoped quota tracks nothing else.
  if (group || resource !== 'pods') return false;
  const podSpec = (obj.spec ?? {}) as Obj;
  return reqs.every((r) => {
    switch (r.scopeName) {
      case 'Terminating':
        return podSpec.activeDeadlineSeconds !== undefined && podSpec.activeDeadlineSeconds !== null;
      case 'NotTerminating':
        return podSpec.activeDeadlineSeconds === undefined || podSpec.activeDeadlineSeconds === null;
      case 'BestEffort':
        return isBestEffort(obj);
      case 'NotBestEffort':
        return !isBestEffort(obj);
      case 'PriorityClass': {
        const pc = typeof podSpec.priorityClassName === 'string' ? podSpec.priorityClassName : '';
        if (r.operator === 'Exists') return pc !== '';
        if (r.operator === 'DoesNotExist') return pc === '';
        const inValues = (r.values ?? []).includes(pc);
        return r.operator === 'In' ? inValues : !inValues;
      }
      case 'CrossNamespacePodAffinity':
        return false;
      default:
        return false;
    }
  });
}

/** The quota-tracked part of a usage: only resources the quota limits. */
export function restrictTo(u: Usage, hard: Record<string, unknown>): Usage {
  const out: Usage = new Map();
  for (const [k, q] of u) if (k in hard) out.set(k, q);
  return out;
}

export function sumUsages(a: Usage, b: Usage): Usage {
  const out: Usage = new Map(a);
  for (const [k, q] of b) addTo(out, k, q);
  return out;
}

/** A ResourceList rendering sorted by name, as `requested: pods=1,requests.cpu=500m`. */
export function formatUsage(u: Usage): string {
  return [...u.keys()]
    .sort()
    .map((k) => `${k}=${u.get(k)!.toString()}`)
    .join(',');
}
