/** Why a pod did not fit: per-node statuses and the message format of upstream's FitError. */
import type { Pod } from './api.js';
import type { NodeInfo } from './node-info.js';
import type { NodeToStatusReader } from './interfaces.js';
import { Code, Status } from './status.js';

/** Statuses of the nodes that were rejected, and one status for every node not listed. */
export class NodeToStatus implements NodeToStatusReader {
  private readonly map = new Map<string, Status>();
  /** The status of nodes not in the map (default: UnschedulableAndUnresolvable without a reason). */
  absentNodesStatus: Status = new Status(Code.UnschedulableAndUnresolvable);

  get(nodeName: string): Status {
    return this.map.get(nodeName) ?? this.absentNodesStatus;
  }

  set(nodeName: string, s: Status): void {
    this.map.set(nodeName, s);
  }

  get size(): number {
    return this.map.size;
  }

  forEachExplicitNode(fn: (nodeName: string, s: Status) => void): void {
    for (const [n, s] of this.map) fn(n, s);
  }

  nodesForStatusCode(nodes: readonly NodeInfo[], code: Status['code']): NodeInfo[] {
    if (this.absentNodesStatus.code === code) {
      if (this.map.size === 0) return [...nodes];
      return nodes.filter((n) => this.get(n.name).code === code);
    }
    const byName = new Map(nodes.map((n) => [n.name, n]));
    const out: NodeInfo[] = [];
    for (const [name, s] of this.map) {
      const ni = byName.get(name);
      if (s.code === code && ni) out.push(ni);
    }
    return out;
  }
}

export interface Diagnosis {
  nodeToStatus: NodeToStatus;
  /** Plugins that rejected the pod (Unschedulable or UnschedulableAndUnresolvable). */
  unschedulablePlugins: Set<string>;
  /** Plugins that returned Pending. */
  pendingPlugins: Set<string>;
  /** The message of a PreFilter rejection (then no per-node reasons are listed). */
  preFilterMsg: string;
  /** The message of PostFilter (preemption). */
  postFilterMsg: string;
}

export function newDiagnosis(): Diagnosis {
  return { nodeToStatus: new NodeToStatus(), unschedulablePlugins: new Set(), pendingPlugins: new Set(), preFilterMsg: '', postFilterMsg: '' };
}

export function addPluginStatus(d: Diagnosis, s: Status): void {
  if (!s.plugin) return;
  if (s.code === Code.Unschedulable || s.code === Code.UnschedulableAndUnresolvable || s.code === Code.Pending) d.unschedulablePlugins.add(s.plugin);
  if (s.code === Code.Pending) d.pendingPlugins.add(s.plugin);
}

export const NO_NODE_AVAILABLE_MSG = (n: number) => `0/${n} nodes are available`;

/**
 * No node fits the pod. The message reads as upstream's:
 * "0/3 nodes are available: 1 node(s) had untolerated taint {a: b}, 2 Insufficient cpu.
 * preemption: 0/3 nodes are available: 3 No preemption victims found for incoming pod."
 * — reasons counted over nodes, "<count> <reason>" sorted as strings, then the PostFilter
 * message; a PreFilter rejection replaces the per-node reasons.
 */
export class FitError {
  constructor(
    readonly pod: Pod,
    readonly numAllNodes: number,
    readonly diagnosis: Diagnosis,
  ) {}

  /** The message as of now (PostFilter may add to the diagnosis after construction). */
  message(): string {
    return fitErrorMessage(this.numAllNodes, this.diagnosis);
  }
}

export function fitErrorMessage(numAllNodes: number, d: Diagnosis): string {
  let msg = `${NO_NODE_AVAILABLE_MSG(numAllNodes)}:`;
  if (d.preFilterMsg) {
    msg += ` ${d.preFilterMsg}.`;
  } else {
    const counts = new Map<string, number>();
    d.nodeToStatus.forEachExplicitNode((_, s) => {
      for (const r of s.reasons) counts.set(r, (counts.get(r) ?? 0) + 1);
    });
    const absent = numAllNodes - d.nodeToStatus.size;
    if (absent > 0) for (const r of d.nodeToStatus.absentNodesStatus.reasons) counts.set(r, (counts.get(r) ?? 0) + absent);
    const parts = [...counts].map(([r, n]) => `${n} ${r}`).sort();
    if (parts.length) msg += ` ${parts.join(', ')}.`;
  }
  if (d.postFilterMsg) msg += ` ${d.postFilterMsg}`;
  return msg;
}
