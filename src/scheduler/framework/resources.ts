/**
 * Resource arithmetic as the scheduler sees it: CPU in millicores, memory and storage in
 * bytes, everything else (extended resources, hugepages) in whole units. Pod requests are
 * computed as upstream's resource helper does it (regular containers summed, init
 * containers as a running maximum with restartable "sidecar" init containers added to
 * both, then the pod overhead).
 */
import { Quantity } from '../../apimachinery/quantity.js';
import type { Container, Pod, ResourceList } from './api.js';

export const CPU = 'cpu';
export const MEMORY = 'memory';
export const EPHEMERAL_STORAGE = 'ephemeral-storage';
export const PODS = 'pods';

/** What the scheduler assumes a container without a request uses, for scoring only (100m, 200Mi). */
export const DEFAULT_MILLI_CPU_REQUEST = 100;
export const DEFAULT_MEMORY_REQUEST = 200 * 1024 * 1024;

/** Requests keyed by resource name, CPU in millicores. */
export type Requests = Map<string, number>;

/** Extended resources, hugepages and other prefixed names (upstream's IsScalarResourceName). */
export function isScalarResourceName(name: string): boolean {
  return name.includes('/') || name.startsWith('hugepages-') || name.startsWith('attachable-volumes-');
}

/** A quantity as a number: millicores for cpu, the value rounded up for everything else. */
export function quantityValue(name: string, q: string | number | undefined): number {
  if (q === undefined || q === null) return 0;
  let parsed: Quantity;
  try {
    parsed = Quantity.parse(String(q));
  } catch {
    return 0;
  }
  return name === CPU ? parsed.milliValue() : parsed.value();
}

export function requestsOf(list: ResourceList | null | undefined): Requests {
  const out: Requests = new Map();
  for (const [name, q] of Object.entries(list ?? {})) out.set(name, quantityValue(name, q));
  return out;
}

function addInto(into: Requests, add: Requests): void {
  for (const [k, v] of add) into.set(k, (into.get(k) ?? 0) + v);
}

function maxInto(into: Requests, other: Requests): void {
  for (const [k, v] of other) into.set(k, Math.max(v, into.get(k) ?? 0));
}

function containerRequests(c: Container, nonMissing: Requests | undefined): Requests {
  const reqs = requestsOf(c.resources?.requests);
  if (nonMissing) for (const [k, v] of nonMissing) if (!reqs.has(k)) reqs.set(k, v);
  return reqs;
}

export interface PodRequestsOptions {
  /** Requests assumed for containers that request nothing of a resource (upstream's NonMissingContainerRequests). */
  nonMissing?: Requests;
}

/** The pod's effective requests (see the file comment). */
export function podRequests(pod: Pod, opts: PodRequestsOptions = {}): Requests {
  const reqs: Requests = new Map();
  for (const c of pod.spec?.containers ?? []) addInto(reqs, containerRequests(c, opts.nonMissing));
  const sidecars: Requests = new Map();
  const initMax: Requests = new Map();
  for (const c of pod.spec?.initContainers ?? []) {
    let cr = containerRequests(c, opts.nonMissing);
    if (c.restartPolicy === 'Always') {
      // A sidecar runs alongside the regular containers and every later init container.
      addInto(reqs, cr);
      addInto(sidecars, cr);
      cr = new Map(sidecars);
    } else {
      const tmp = new Map(cr);
      addInto(tmp, sidecars);
      cr = tmp;
    }
    maxInto(initMax, cr);
  }
  maxInto(reqs, initMax);
  if (pod.spec?.overhead) addInto(reqs, requestsOf(pod.spec.overhead));
  return reqs;
}

export const NON_ZERO_DEFAULTS: Requests = new Map([
  [CPU, DEFAULT_MILLI_CPU_REQUEST],
  [MEMORY, DEFAULT_MEMORY_REQUEST],
]);

/** A node's or pod's resources in the scheduler's units. Mutable; copy with `clone`. */
export class Resource {
  milliCPU = 0;
  memory = 0;
  ephemeralStorage = 0;
  allowedPodNumber = 0;
  scalar = new Map<string, number>();

  static fromRequests(reqs: Requests): Resource {
    const r = new Resource();
    r.add(reqs, 1);
    return r;
  }

  static fromList(list: ResourceList | null | undefined): Resource {
    return Resource.fromRequests(requestsOf(list));
  }

  add(reqs: Requests, sign: number): void {
    for (const [name, v] of reqs) {
      switch (name) {
        case CPU:
          this.milliCPU += sign * v;
          break;
        case MEMORY:
          this.memory += sign * v;
          break;
        case EPHEMERAL_STORAGE:
          this.ephemeralStorage += sign * v;
          break;
        case PODS:
          this.allowedPodNumber += sign * v;
          break;
        default:
          if (isScalarResourceName(name)) this.scalar.set(name, (this.scalar.get(name) ?? 0) + sign * v);
      }
    }
  }

  addResource(other: Resource, sign: number): void {
    this.milliCPU += sign * other.milliCPU;
    this.memory += sign * other.memory;
    this.ephemeralStorage += sign * other.ephemeralStorage;
    this.allowedPodNumber += sign * other.allowedPodNumber;
    for (const [k, v] of other.scalar) this.scalar.set(k, (this.scalar.get(k) ?? 0) + sign * v);
  }

  /** The amount of `name` (cpu in millicores). */
  get(name: string): number {
    switch (name) {
      case CPU:
        return this.milliCPU;
      case MEMORY:
        return this.memory;
      case EPHEMERAL_STORAGE:
        return this.ephemeralStorage;
      case PODS:
        return this.allowedPodNumber;
      default:
        return this.scalar.get(name) ?? 0;
    }
  }

  clone(): Resource {
    const r = new Resource();
    r.milliCPU = this.milliCPU;
    r.memory = this.memory;
    r.ephemeralStorage = this.ephemeralStorage;
    r.allowedPodNumber = this.allowedPodNumber;
    r.scalar = new Map(this.scalar);
    return r;
  }
}
