import type { KubeObject } from '../../apimachinery/types.js';
import { deepEqual } from '../../util/deep.js';

/**
 * Which nodes a daemon pod belongs on, as upstream's DaemonSet predicates: the pod's
 * nodeSelector and required node affinity must match the node, and its tolerations must
 * cover the node's NoSchedule/NoExecute taints. Pure functions over plain objects.
 */

export interface Taint {
  key: string;
  value?: string;
  effect: string;
}

export interface Toleration {
  key?: string;
  operator?: string;
  value?: string;
  effect?: string;
  tolerationSeconds?: number;
}

export interface NodeSelectorRequirement {
  key: string;
  operator: string;
  values?: string[];
}

export interface NodeSelectorTerm {
  matchExpressions?: NodeSelectorRequirement[];
  matchFields?: NodeSelectorRequirement[];
}

interface Affinity {
  nodeAffinity?: {
    requiredDuringSchedulingIgnoredDuringExecution?: { nodeSelectorTerms?: NodeSelectorTerm[] };
    [k: string]: unknown;
  };
  [k: string]: unknown;
}

export interface PodSpecLike {
  nodeName?: string;
  nodeSelector?: Record<string, string>;
  affinity?: Affinity;
  tolerations?: Toleration[];
  hostNetwork?: boolean;
  [k: string]: unknown;
}

/** Whether a toleration tolerates a taint (upstream's Toleration.ToleratesTaint). */
export function toleratesTaint(t: Toleration, taint: Taint): boolean {
  if (t.effect && t.effect !== taint.effect) return false;
  if (t.key && t.key !== taint.key) return false;
  switch (t.operator ?? '') {
    case '':
    case 'Equal':
      return (t.value ?? '') === (taint.value ?? '');
    case 'Exists':
      return true;
    default:
      return false;
  }
}

/** The first taint passing `filter` that no toleration tolerates (upstream's FindMatchingUntoleratedTaint). */
export function findUntoleratedTaint(taints: readonly Taint[], tolerations: readonly Toleration[], filter: (t: Taint) => boolean): Taint | undefined {
  return taints.find((taint) => filter(taint) && !tolerations.some((t) => toleratesTaint(t, taint)));
}

function requirementMatches(r: NodeSelectorRequirement, value: string | undefined): boolean {
  const values = r.values ?? [];
  switch (r.operator) {
    case 'In':
      return value !== undefined && values.includes(value);
    case 'NotIn':
      return value === undefined || !values.includes(value);
    case 'Exists':
      return value !== undefined;
    case 'DoesNotExist':
      return value === undefined;
    case 'Gt':
    case 'Lt': {
      if (value === undefined || values.length !== 1) return false;
      const have = parseGoInt(value);
      const want = parseGoInt(values[0]!);
      if (have === undefined || want === undefined) return false;
      return r.operator === 'Gt' ? have > want : have < want;
    }
    default:
      return false;
  }
}

function parseGoInt(s: string): bigint | undefined {
  return /^[+-]?[0-9]+$/.test(s) ? BigInt(s) : undefined;
}

/** One term: all label expressions and all field expressions (only metadata.name exists) hold; an empty term matches nothing. */
export function termMatches(term: NodeSelectorTerm, node: KubeObject): boolean {
  const exprs = term.matchExpressions ?? [];
  const fields = term.matchFields ?? [];
  if (!exprs.length && !fields.length) return false;
  const labels = node.metadata?.labels ?? {};
  for (const e of exprs) if (!requirementMatches(e, Object.hasOwn(labels, e.key) ? labels[e.key] : undefined)) return false;
  for (const f of fields) {
    if (f.key !== 'metadata.name') return false;
    if (!requirementMatches(f, node.metadata?.name)) return false;
  }
  return true;
}

/** The pod's nodeSelector and required node affinity both match (upstream's GetRequiredNodeAffinity(pod).Match). */
export function requiredNodeAffinityMatches(spec: PodSpecLike, node: KubeObject): boolean {
  const labels = node.metadata?.labels ?? {};
  for (const [k, v] of Object.entries(spec.nodeSelector ?? {})) if (labels[k] !== v) return false;
  const required = spec.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution;
  if (!required) return true;
  return (required.nodeSelectorTerms ?? []).some((t) => termMatches(t, node));
}

/** Adds `tol` unless an identical toleration is there (upstream's AddOrUpdateTolerationInPodSpec). */
function addToleration(spec: PodSpecLike, tol: Toleration): void {
  const list = (spec.tolerations ??= []);
  const same = (t: Toleration) =>
    (t.key ?? '') === (tol.key ?? '') && (t.operator ?? '') === (tol.operator ?? '') && (t.value ?? '') === (tol.value ?? '') && (t.effect ?? '') === (tol.effect ?? '');
  const i = list.findIndex(same);
  if (i < 0) list.push(tol);
  else if (!deepEqual(list[i], tol)) list[i] = tol;
}

/**
 * The tolerations every daemon pod gets (upstream's AddOrUpdateDaemonPodTolerations): it
 * survives not-ready/unreachable nodes and runs despite disk, memory and PID pressure and
 * cordoning; host-network pods also tolerate an unavailable network.
 */
export function addDaemonTolerations(spec: PodSpecLike): void {
  addToleration(spec, { key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute' });
  addToleration(spec, { key: 'node.kubernetes.io/unreachable', operator: 'Exists', effect: 'NoExecute' });
  addToleration(spec, { key: 'node.kubernetes.io/disk-pressure', operator: 'Exists', effect: 'NoSchedule' });
  addToleration(spec, { key: 'node.kubernetes.io/memory-pressure', operator: 'Exists', effect: 'NoSchedule' });
  addToleration(spec, { key: 'node.kubernetes.io/pid-pressure', operator: 'Exists', effect: 'NoSchedule' });
  addToleration(spec, { key: 'node.kubernetes.io/unschedulable', operator: 'Exists', effect: 'NoSchedule' });
  if (spec.hostNetwork) addToleration(spec, { key: 'node.kubernetes.io/network-unavailable', operator: 'Exists', effect: 'NoSchedule' });
}

/**
 * Pins a daemon pod to `nodeName` for the scheduler: the required node affinity becomes a
 * single term matching the node's name (upstream's ReplaceDaemonSetPodNodeNameNodeAffinity).
 */
export function replaceNodeNameAffinity(affinity: Affinity | undefined, nodeName: string): Affinity {
  const term: NodeSelectorTerm = { matchFields: [{ key: 'metadata.name', operator: 'In', values: [nodeName] }] };
  const out: Affinity = affinity ?? {};
  const na = (out.nodeAffinity ??= {});
  const req = na.requiredDuringSchedulingIgnoredDuringExecution;
  if (!req) na.requiredDuringSchedulingIgnoredDuringExecution = { nodeSelectorTerms: [term] };
  else req.nodeSelectorTerms = [term];
  return out;
}

/** The node a daemon pod is for: spec.nodeName, else the metadata.name In [node] match field of its affinity (upstream's GetTargetNodeName). */
export function targetNodeName(pod: KubeObject): string | undefined {
  const spec = (pod.spec ?? {}) as PodSpecLike;
  if (spec.nodeName) return spec.nodeName;
  for (const t of spec.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms ?? []) {
    for (const f of t.matchFields ?? []) {
      if (f.key === 'metadata.name' && f.operator === 'In') return f.values?.length === 1 ? f.values[0] : undefined;
    }
  }
  return undefined;
}

/**
 * Whether the DaemonSet's pod should run on `node` (shouldRun: a pod should be created
 * there) and whether an existing one may stay (shouldContinueRunning), as upstream's
 * NodeShouldRunDaemonPod: node name, selector and affinity must fit; an untolerated
 * NoSchedule taint stops new pods, an untolerated NoExecute taint also evicts running ones.
 */
export function nodeShouldRunDaemonPod(node: KubeObject, template: { spec?: Record<string, unknown> } | undefined): { shouldRun: boolean; shouldContinueRunning: boolean } {
  const spec: PodSpecLike = structuredClone((template?.spec ?? {}) as PodSpecLike);
  addDaemonTolerations(spec);
  const nodeName = node.metadata?.name ?? '';
  if (spec.nodeName && spec.nodeName !== nodeName) return { shouldRun: false, shouldContinueRunning: false };
  if (!requiredNodeAffinityMatches(spec, node)) return { shouldRun: false, shouldContinueRunning: false };
  const taints = ((node.spec as { taints?: Taint[] } | undefined)?.taints ?? []) as Taint[];
  const tolerations = spec.tolerations ?? [];
  const blocking = findUntoleratedTaint(taints, tolerations, (t) => t.effect === 'NoSchedule' || t.effect === 'NoExecute');
  if (!blocking) return { shouldRun: true, shouldContinueRunning: true };
  const evicting = findUntoleratedTaint(taints, tolerations, (t) => t.effect === 'NoExecute');
  return { shouldRun: false, shouldContinueRunning: !evicting };
}
