/**
 * Matching pods to nodes by taints/tolerations and node selectors/affinity, as upstream's
 * component-helpers (scheduling/corev1, nodeaffinity) do it.
 */
import { Operator, Requirement, newRequirement, type Labels } from '../../apimachinery/labels.js';
import type { Node, NodeSelectorRequirement, NodeSelectorTerm, Pod, Taint, Toleration } from './api.js';

export const TaintEffect = {
  NoSchedule: 'NoSchedule',
  PreferNoSchedule: 'PreferNoSchedule',
  NoExecute: 'NoExecute',
} as const;

/** Whether `t` tolerates `taint` (an empty operator means Equal; an empty key with Exists matches every key). */
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

export function tolerationsTolerateTaint(tolerations: readonly Toleration[] | null | undefined, taint: Taint): boolean {
  return (tolerations ?? []).some((t) => toleratesTaint(t, taint));
}

/** The first taint passing `filter` that no toleration tolerates. */
export function findMatchingUntoleratedTaint(
  taints: readonly Taint[] | null | undefined,
  tolerations: readonly Toleration[] | null | undefined,
  filter: (t: Taint) => boolean,
): Taint | undefined {
  for (const taint of taints ?? []) {
    if (!filter(taint)) continue;
    if (!tolerationsTolerateTaint(tolerations, taint)) return taint;
  }
  return undefined;
}

/** Taints that keep pods off a node: NoSchedule and NoExecute. */
export const doNotScheduleTaint = (t: Taint): boolean => t.effect === TaintEffect.NoSchedule || t.effect === TaintEffect.NoExecute;

const NODE_FIELD_NAME = 'metadata.name';

/** A node selector requirement as a label requirement; throws for invalid ones (the caller ignores that term). */
function labelRequirement(r: NodeSelectorRequirement): Requirement {
  const values = r.values ?? [];
  switch (r.operator) {
    case 'In':
      return newRequirement(r.key, Operator.In, values);
    case 'NotIn':
      return newRequirement(r.key, Operator.NotIn, values);
    case 'Exists':
      return newRequirement(r.key, Operator.Exists, values);
    case 'DoesNotExist':
      return newRequirement(r.key, Operator.DoesNotExist, values);
    case 'Gt':
      return newRequirement(r.key, Operator.GreaterThan, values);
    case 'Lt':
      return newRequirement(r.key, Operator.LessThan, values);
    default:
      throw new Error(`${JSON.stringify(r.operator)} is not a valid node selector operator`);
  }
}

/** A compiled NodeSelectorTerm; `undefined` when the term is invalid (it then matches nothing). */
export interface CompiledTerm {
  labels: Requirement[];
  fields: { name: string; equal: boolean }[];
}

export function compileTerm(term: NodeSelectorTerm | null | undefined): CompiledTerm | undefined {
  if (!term) return undefined;
  const exprs = term.matchExpressions ?? [];
  const fields = term.matchFields ?? [];
  // An empty term selects nothing, as upstream.
  if (exprs.length === 0 && fields.length === 0) return undefined;
  try {
    const compiled: CompiledTerm = { labels: exprs.map(labelRequirement), fields: [] };
    for (const f of fields) {
      if (f.key !== NODE_FIELD_NAME) return undefined;
      if ((f.operator !== 'In' && f.operator !== 'NotIn') || (f.values ?? []).length !== 1) return undefined;
      compiled.fields.push({ name: f.values![0]!, equal: f.operator === 'In' });
    }
    return compiled;
  } catch {
    return undefined;
  }
}

export function termMatches(t: CompiledTerm | undefined, node: Node): boolean {
  if (!t) return false;
  const labels: Labels = node.metadata?.labels ?? {};
  for (const r of t.labels) if (!r.matches(labels)) return false;
  const name = node.metadata?.name ?? '';
  for (const f of t.fields) if ((name === f.name) !== f.equal) return false;
  return true;
}

/**
 * A pod's hard node constraints: spec.nodeSelector and the required node affinity terms
 * (ORed), both of which must hold (upstream's RequiredNodeAffinity).
 */
export class RequiredNodeAffinity {
  private readonly selector: Record<string, string> | undefined;
  private readonly terms: (CompiledTerm | undefined)[] | undefined;

  constructor(pod: Pod) {
    this.selector = pod.spec?.nodeSelector ?? undefined;
    const req = pod.spec?.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution;
    this.terms = req ? (req.nodeSelectorTerms ?? []).map(compileTerm) : undefined;
  }

  matches(node: Node): boolean {
    const labels = node.metadata?.labels ?? {};
    if (this.selector) for (const [k, v] of Object.entries(this.selector)) if (labels[k] !== v) return false;
    if (this.terms) return this.terms.some((t) => termMatches(t, node));
    return true;
  }
}

/** Whether a node matches any of the terms (a NodeSelector; used for PV node affinity). */
export function nodeSelectorMatches(terms: readonly NodeSelectorTerm[] | null | undefined, node: Node): boolean {
  return (terms ?? []).some((t) => termMatches(compileTerm(t), node));
}
