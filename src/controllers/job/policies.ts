import type { KubeObject } from '../../apimachinery/types.js';
import { IndexSet } from './indexes.js';
import { containerStatuses, initContainerStatuses } from './pods.js';
import type { PodFailurePolicyRule, SuccessPolicyRule } from './types.js';

export interface PodFailurePolicyMatch {
  /** Set when a FailJob rule matched: the Job's failure message. */
  failJobMessage?: string;
  /** Whether the failure counts towards backoffLimit (false for Ignore). */
  countFailed: boolean;
  /** The action of the matching rule, if any. */
  action?: string;
}

type ContainerStatus = ReturnType<typeof containerStatuses>[number];

function exitCodeMatches(code: number, req: NonNullable<PodFailurePolicyRule['onExitCodes']>): boolean {
  if (req.operator === 'In') return req.values.includes(code);
  if (req.operator === 'NotIn') return !req.values.includes(code);
  return false;
}

function matchingContainer(list: ContainerStatus[], req: NonNullable<PodFailurePolicyRule['onExitCodes']>): ContainerStatus | undefined {
  for (const c of list) {
    const t = c.state?.terminated;
    if (!t) continue;
    if (req.containerName && req.containerName !== c.name) continue;
    const code = t.exitCode ?? 0;
    if (code !== 0 && exitCodeMatches(code, req)) return c;
  }
  return undefined;
}

interface PodCondition {
  type: string;
  status: string;
}

/**
 * Matches a failed pod against the Job's pod failure policy, first matching rule wins
 * (upstream's matchPodFailurePolicy): onExitCodes looks at terminated containers with a
 * non-zero code (app containers first, then init containers), onPodConditions at the pod's
 * conditions. FailJob carries upstream's message, Ignore does not count the failure.
 */
export function matchPodFailurePolicy(rules: readonly PodFailurePolicyRule[] | undefined, pod: KubeObject): PodFailurePolicyMatch {
  if (!rules) return { countFailed: true };
  const m = pod.metadata!;
  for (const [index, rule] of rules.entries()) {
    let what: string | undefined;
    if (rule.onExitCodes) {
      const c = matchingContainer(containerStatuses(pod), rule.onExitCodes) ?? matchingContainer(initContainerStatuses(pod), rule.onExitCodes);
      if (!c) continue;
      what = `Container ${c.name} for pod ${m.namespace}/${m.name} failed with exit code ${c.state!.terminated!.exitCode ?? 0} matching ${rule.action} rule at index ${index}`;
    } else if (rule.onPodConditions) {
      const conds = ((pod.status as { conditions?: PodCondition[] } | undefined)?.conditions ?? []);
      const hit = conds.find((pc) => rule.onPodConditions!.some((p) => p.type === pc.type && (p.status || 'True') === pc.status));
      if (!hit) continue;
      what = `Pod ${m.namespace}/${m.name} has condition ${hit.type} matching ${rule.action} rule at index ${index}`;
    } else {
      continue;
    }
    switch (rule.action) {
      case 'Ignore':
        return { countFailed: false, action: 'Ignore' };
      case 'FailIndex':
        return { countFailed: true, action: 'FailIndex' };
      case 'Count':
        return { countFailed: true, action: 'Count' };
      case 'FailJob':
        return { failJobMessage: what, countFailed: true, action: 'FailJob' };
      default:
        // An unknown action falls through to the next rule, as upstream's switch does.
        continue;
    }
  }
  return { countFailed: true };
}

/**
 * Whether the succeeded indexes satisfy a success policy rule; returns upstream's message
 * "Matched rules at index N" for the first rule met (upstream's matchSuccessPolicy).
 */
export function matchSuccessPolicy(rules: readonly SuccessPolicyRule[] | undefined, completions: number, succeeded: IndexSet): string | undefined {
  if (!rules || succeeded.total() === 0) return undefined;
  for (const [index, rule] of rules.entries()) {
    if (rule.succeededIndexes != null) {
      const required = IndexSet.parse(rule.succeededIndexes, completions);
      if (!required.intervals.length) continue;
      let contains = 0;
      for (const r of required.intervals) {
        for (const s of succeeded.intervals) {
          const overlap = Math.min(r.last, s.last) - Math.max(r.first, s.first) + 1;
          if (overlap > 0) contains += overlap;
        }
      }
      const met = rule.succeededCount == null ? contains === required.total() : contains >= rule.succeededCount;
      if (met) return `Matched rules at index ${index}`;
    } else if (rule.succeededCount != null && succeeded.total() >= rule.succeededCount) {
      return `Matched rules at index ${index}`;
    }
  }
  return undefined;
}
