import {
  ActionType,
  CPU,
  Code,
  EventResource,
  NodeInfo,
  QueueingHint,
  Resource,
  Status,
  podRequests,
  type ClusterEventWithHint,
  type CycleState,
  type EnqueueExtensions,
  type FilterPlugin,
  type MaybeStatus,
  type Node,
  type Pod,
  type PreFilterOutcome,
  type PreFilterPlugin,
  type PreScorePlugin,
  type ScorePlugin,
  type StateData,
} from '../../framework/index.js';
import { Names } from '../names.js';
import { DEFAULT_RESOURCES, leastAllocatedScorer, mostAllocatedScorer, podResourceRequestList, scoreNode, type ResourceSpec, type Scorer } from './resource-allocation.js';

const PRE_FILTER_KEY = `PreFilter${Names.NodeResourcesFit}`;
const PRE_SCORE_KEY = `PreScore${Names.NodeResourcesFit}`;

class PreFilterState implements StateData {
  constructor(readonly request: Resource) {}
  clone(): StateData {
    return this;
  }
}

class PreScoreState implements StateData {
  constructor(readonly podRequests: number[]) {}
  clone(): StateData {
    return this;
  }
}

/** A resource the node lacks for the pod. */
export interface InsufficientResource {
  resourceName: string;
  reason: string;
  requested: number;
  used: number;
  capacity: number;
}

export function computePodResourceRequest(pod: Pod): Resource {
  return Resource.fromRequests(podRequests(pod));
}

/** What the node lacks to take a pod requesting `req` (empty when it fits), as upstream's fitsRequest. */
export function fitsRequest(req: Resource, nodeInfo: NodeInfo, ignored: ReadonlySet<string> = new Set()): InsufficientResource[] {
  const out: InsufficientResource[] = [];
  const alloc = nodeInfo.allocatable;
  const used = nodeInfo.requested;
  if (nodeInfo.pods.length + 1 > alloc.allowedPodNumber) {
    out.push({ resourceName: 'pods', reason: 'Too many pods', requested: 1, used: nodeInfo.pods.length, capacity: alloc.allowedPodNumber });
  }
  if (req.milliCPU === 0 && req.memory === 0 && req.ephemeralStorage === 0 && [...req.scalar.values()].every((v) => v === 0)) return out;
  if (req.milliCPU > 0 && req.milliCPU > alloc.milliCPU - used.milliCPU) {
    out.push({ resourceName: CPU, reason: 'Insufficient cpu', requested: req.milliCPU, used: used.milliCPU, capacity: alloc.milliCPU });
  }
  if (req.memory > 0 && req.memory > alloc.memory - used.memory) {
    out.push({ resourceName: 'memory', reason: 'Insufficient memory', requested: req.memory, used: used.memory, capacity: alloc.memory });
  }
  if (req.ephemeralStorage > 0 && req.ephemeralStorage > alloc.ephemeralStorage - used.ephemeralStorage) {
    out.push({
      resourceName: 'ephemeral-storage',
      reason: 'Insufficient ephemeral-storage',
      requested: req.ephemeralStorage,
      used: used.ephemeralStorage,
      capacity: alloc.ephemeralStorage,
    });
  }
  for (const [name, q] of req.scalar) {
    if (q === 0 || ignored.has(name)) continue;
    const free = (alloc.scalar.get(name) ?? 0) - (used.scalar.get(name) ?? 0);
    if (q > free) out.push({ resourceName: name, reason: `Insufficient ${name}`, requested: q, used: used.scalar.get(name) ?? 0, capacity: alloc.scalar.get(name) ?? 0 });
  }
  return out;
}

export interface FitArgs {
  /** Extended resources not checked. */
  ignoredResources?: string[];
  /** LeastAllocated (default) or MostAllocated, over cpu and memory with weight 1 by default. */
  scoringStrategy?: { type: 'LeastAllocated' | 'MostAllocated'; resources?: ResourceSpec[] };
}

/**
 * Filter: the node must have room for the pod's requests (containers, init containers,
 * overhead) and one more pod ("Insufficient cpu", "Too many pods", ...). Score: the least
 * allocated node after placing the pod scores highest.
 */
export class NodeResourcesFit implements PreFilterPlugin, FilterPlugin, PreScorePlugin, ScorePlugin, EnqueueExtensions {
  readonly name = Names.NodeResourcesFit;
  private readonly ignored: Set<string>;
  private readonly resources: readonly ResourceSpec[];
  private readonly scorer: Scorer;

  constructor(args: FitArgs = {}) {
    this.ignored = new Set(args.ignoredResources ?? []);
    this.resources = args.scoringStrategy?.resources ?? DEFAULT_RESOURCES;
    this.scorer = args.scoringStrategy?.type === 'MostAllocated' ? mostAllocatedScorer(this.resources) : leastAllocatedScorer(this.resources);
  }

  preFilter(state: CycleState, pod: Pod): PreFilterOutcome | undefined {
    state.write(PRE_FILTER_KEY, new PreFilterState(computePodResourceRequest(pod)));
    return undefined;
  }

  filter(state: CycleState, pod: Pod, nodeInfo: NodeInfo): MaybeStatus {
    const req = state.read<PreFilterState>(PRE_FILTER_KEY)?.request ?? computePodResourceRequest(pod);
    const insufficient = fitsRequest(req, nodeInfo, this.ignored);
    if (insufficient.length === 0) return undefined;
    return Status.of(Code.Unschedulable, ...insufficient.map((r) => r.reason));
  }

  preScore(state: CycleState, pod: Pod): MaybeStatus {
    state.write(PRE_SCORE_KEY, new PreScoreState(podResourceRequestList(pod, this.resources, false)));
    return undefined;
  }

  score(state: CycleState, pod: Pod, nodeInfo: NodeInfo): number {
    const reqs = state.read<PreScoreState>(PRE_SCORE_KEY)?.podRequests ?? podResourceRequestList(pod, this.resources, false);
    return scoreNode(nodeInfo, reqs, this.resources, false, this.scorer);
  }

  eventsToRegister(): ClusterEventWithHint[] {
    return [
      {
        event: { resource: EventResource.Pod, actionType: ActionType.Delete | ActionType.UpdatePodScaleDown },
        hint: (pod, oldObj, newObj) => {
          const changed = (oldObj ?? newObj) as Pod | undefined;
          if (!changed) return QueueingHint.Queue;
          // The pod's own request going down may make it fit.
          if (changed.metadata?.uid === pod.metadata.uid) return QueueingHint.Queue;
          // Only a bound pod going away frees anything.
          return changed.spec?.nodeName ? QueueingHint.Queue : QueueingHint.QueueSkip;
        },
      },
      {
        event: { resource: EventResource.Node, actionType: ActionType.Add | ActionType.UpdateNodeAllocatable },
        hint: (pod, _oldObj, newObj) => {
          const n = newObj as Node | undefined;
          if (!n) return QueueingHint.Queue;
          // Queue only when the pod would fit the node were it empty.
          const empty = new NodeInfo(n);
          return fitsRequest(computePodResourceRequest(pod), empty, this.ignored).length === 0 ? QueueingHint.Queue : QueueingHint.QueueSkip;
        },
      },
    ];
  }
}

export const newNodeResourcesFit = (args?: FitArgs) => new NodeResourcesFit(args);
