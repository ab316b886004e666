import { Quantity } from '../../apimachinery/quantity.js';
import type { KubeObject } from '../../apimachinery/types.js';
import { podResources } from '../../api/quota.js';

/** A plugin's verdict, as the scheduler framework's Status codes. */
export const Code = {
  Success: 'Success',
  Error: 'Error',
  /** The pod does not fit now; preemption might make it fit. */
  Unschedulable: 'Unschedulable',
  /** The pod cannot fit this node whatever is preempted. */
  UnschedulableAndUnresolvable: 'UnschedulableAndUnresolvable',
} as const;
export type Code = (typeof Code)[keyof typeof Code];

export interface Status {
  code: Code;
  /** Reasons as they appear in "0/3 nodes are available: ..." (e.g. "Insufficient cpu"). */
  reasons: string[];
}

export const success: Status = { code: Code.Success, reasons: [] };
export const unschedulable = (...reasons: string[]): Status => ({ code: Code.Unschedulable, reasons });
export const unresolvable = (...reasons: string[]): Status => ({ code: Code.UnschedulableAndUnresolvable, reasons });

/** What the scheduler knows about one node: the Node and the pods assigned (or assumed) to it. */
export class NodeInfo {
  readonly pods: KubeObject[] = [];
  /** Sum of the pods' requests (milli-units for cpu, bytes for the rest). */
  readonly requested = new Map<string, number>();
  readonly usedPorts = new Set<string>();
  /** Requested cpu (milli) and memory with upstream's non-zero defaults for pods that request none (100m, 200Mi), for scoring. */
  readonly nonZero = { cpu: 0, memory: 0 };

  constructor(readonly node: KubeObject) {}

  get name(): string {
    return this.node.metadata!.name!;
  }

  allocatable(resource: string): number {
    const v = ((this.node.status as { allocatable?: Record<string, string> } | undefined)?.allocatable ?? {})[resource];
    if (v === undefined) return 0;
    return amount(resource, Quantity.parse(String(v)));
  }

  addPod(pod: KubeObject): void {
    this.pods.push(pod);
    for (const [k, q] of requestsOf(pod)) this.requested.set(k, (this.requested.get(k) ?? 0) + q);
    for (const p of hostPortsOf(pod)) this.usedPorts.add(p);
    const nz = nonZeroRequests(pod);
    this.nonZero.cpu += nz.cpu;
    this.nonZero.memory += nz.memory;
  }

  removePod(pod: KubeObject): void {
    const i = this.pods.findIndex((p) => p.metadata?.uid === pod.metadata?.uid);
    if (i < 0) return;
    this.pods.splice(i, 1);
    for (const [k, q] of requestsOf(pod)) this.requested.set(k, (this.requested.get(k) ?? 0) - q);
    const nz = nonZeroRequests(pod);
    this.nonZero.cpu -= nz.cpu;
    this.nonZero.memory -= nz.memory;
    this.usedPorts.clear();
    for (const p of this.pods) for (const port of hostPortsOf(p)) this.usedPorts.add(port);
  }
}

/** cpu in millicores, everything else in its base unit. */
export function amount(resource: string, q: Quantity): number {
  return resource === 'cpu' ? q.milliValue() : q.value();
}

/** A pod's effective requests (incl. init containers and overhead), as NodeResourcesFit counts them. */
export function requestsOf(pod: KubeObject): Map<string, number> {
  const out = new Map<string, number>();
  for (const [k, q] of podResources(pod).requests) out.set(k, amount(k, q));
  return out;
}

/** cpu (milli) and memory requests, with 100m and 200Mi for what a pod leaves unset (upstream's scoring defaults). */
export function nonZeroRequests(pod: KubeObject): { cpu: number; memory: number } {
  const r = requestsOf(pod);
  return { cpu: r.get('cpu') || 100, memory: r.get('memory') || 200 * 1024 * 1024 };
}

/** `protocol/hostIP/port` for every hostPort the pod asks for. */
export function hostPortsOf(pod: KubeObject): string[] {
  const spec = (pod.spec ?? {}) as { containers?: { ports?: { hostPort?: number; protocol?: string; hostIP?: string }[] }[]; initContainers?: { ports?: { hostPort?: number; protocol?: string; hostIP?: string }[] }[] };
  const out: string[] = [];
  for (const c of [...(spec.initContainers ?? []), ...(spec.containers ?? [])]) {
    for (const p of c.ports ?? []) if (p.hostPort) out.push(`${p.protocol ?? 'TCP'}/${p.hostIP || '0.0.0.0'}/${p.hostPort}`);
  }
  return out;
}

/** A scheduler plugin: filters say whether a node fits, scores rank those that do (0-100). */
export interface Plugin {
  readonly name: string;
  filter?(pod: KubeObject, node: NodeInfo): Status;
  score?(pod: KubeObject, node: NodeInfo): number;
  /** Weight of the score in the sum (default 1). */
  readonly weight?: number;
}
