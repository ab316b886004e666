/**
 * The scoring shared by NodeResourcesFit (LeastAllocated) and
 * NodeResourcesBalancedAllocation, as upstream's resourceAllocationScorer: per resource the
 * node's allocatable and its requested amount after adding the pod.
 */
import {
  CPU,
  EPHEMERAL_STORAGE,
  MAX_NODE_SCORE,
  MEMORY,
  NON_ZERO_DEFAULTS,
  isScalarResourceName,
  podRequests,
  type NodeInfo,
  type Pod,
} from '../../framework/index.js';

export interface ResourceSpec {
  name: string;
  weight: number;
}

/** The default scored resources: cpu and memory, weight 1 each. */
export const DEFAULT_RESOURCES: readonly ResourceSpec[] = [
  { name: CPU, weight: 1 },
  { name: MEMORY, weight: 1 },
];

/**
 * The pod's request of each resource. Without `useRequested`, containers requesting no
 * cpu/memory count as 100m/200Mi so that many such pods do not pile onto one node.
 */
export function podResourceRequestList(pod: Pod, resources: readonly ResourceSpec[], useRequested: boolean): number[] {
  const reqs = podRequests(pod, useRequested ? {} : { nonMissing: NON_ZERO_DEFAULTS });
  return resources.map((r) => reqs.get(r.name) ?? 0);
}

/** [allocatable, requested-with-pod] of one resource; [0, 0] means "do not score this resource". */
function allocatableAndRequested(nodeInfo: NodeInfo, resource: string, podRequest: number, useRequested: boolean): [number, number] {
  const requested = useRequested ? nodeInfo.requested : nodeInfo.nonZeroRequested;
  // An extended resource the pod does not ask for does not count.
  if (podRequest === 0 && isScalarResourceName(resource)) return [0, 0];
  switch (resource) {
    case CPU:
      return [nodeInfo.allocatable.milliCPU, requested.milliCPU + podRequest];
    case MEMORY:
      return [nodeInfo.allocatable.memory, requested.memory + podRequest];
    case EPHEMERAL_STORAGE:
      return [nodeInfo.allocatable.ephemeralStorage, nodeInfo.requested.ephemeralStorage + podRequest];
    default:
      if (nodeInfo.allocatable.scalar.has(resource)) return [nodeInfo.allocatable.scalar.get(resource)!, (nodeInfo.requested.scalar.get(resource) ?? 0) + podRequest];
      return [0, 0];
  }
}

export type Scorer = (requested: number[], allocatable: number[]) => number;

export function scoreNode(nodeInfo: NodeInfo, podReqs: number[], resources: readonly ResourceSpec[], useRequested: boolean, scorer: Scorer): number {
  const requested: number[] = [];
  const allocatable: number[] = [];
  resources.forEach((r, i) => {
    const [alloc, req] = allocatableAndRequested(nodeInfo, r.name, podReqs[i] ?? 0, useRequested);
    allocatable.push(alloc);
    requested.push(alloc === 0 ? 0 : req);
  });
  return scorer(requested, allocatable);
}

/** (allocatable - requested) * 100 / allocatable, 0 when over-requested. */
export function leastRequestedScore(requested: number, capacity: number): number {
  if (capacity === 0 || requested > capacity) return 0;
  return Math.trunc(((capacity - requested) * MAX_NODE_SCORE) / capacity);
}

/** LeastAllocated: the weighted mean of each resource's free share. */
export function leastAllocatedScorer(resources: readonly ResourceSpec[]): Scorer {
  return (requested, allocatable) => {
    let score = 0;
    let weights = 0;
    for (let i = 0; i < requested.length; i++) {
      if (allocatable[i] === 0) continue;
      const w = resources[i]!.weight;
      score += leastRequestedScore(requested[i]!, allocatable[i]!) * w;
      weights += w;
    }
    return weights === 0 ? 0 : Math.trunc(score / weights);
  };
}

/** MostAllocated: the weighted mean of each resource's used share. */
export function mostAllocatedScorer(resources: readonly ResourceSpec[]): Scorer {
  return (requested, allocatable) => {
    let score = 0;
    let weights = 0;
    for (let i = 0; i < requested.length; i++) {
      if (allocatable[i] === 0) continue;
      const w = resources[i]!.weight;
      const req = Math.min(requested[i]!, allocatable[i]!);
      score += Math.trunc((req * MAX_NODE_SCORE) / allocatable[i]!) * w;
      weights += w;
    }
    return weights === 0 ? 0 : Math.trunc(score / weights);
  };
}

/** BalancedAllocation: (1 - standard deviation of the used fractions) * 100. */
export function balancedResourceScorer(requested: number[], allocatable: number[]): number {
  const fractions: number[] = [];
  let total = 0;
  for (let i = 0; i < requested.length; i++) {
    if (allocatable[i] === 0) continue;
    const f = Math.min(requested[i]! / allocatable[i]!, 1);
    total += f;
    fractions.push(f);
  }
  let std = 0;
  if (fractions.length === 2) {
    std = Math.abs((fractions[0]! - fractions[1]!) / 2);
  } else if (fractions.length > 2) {
    const mean = total / fractions.length;
    let sum = 0;
    for (const f of fractions) sum += (f - mean) * (f - mean);
    std = Math.sqrt(sum / fractions.length);
  }
  return Math.trunc((1 - std) * MAX_NODE_SCORE);
}
