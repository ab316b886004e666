import type { KubeObject, OwnerReference } from '../../apimachinery/types.js';
import { deepEqual } from '../../util/deep.js';
import {
  findPort,
  isIPv6,
  isServiceIPSet,
  LABEL_HEADLESS,
  podIPs,
  podSpec,
  serviceSpec,
  shouldPodBeInEndpoints,
  shouldSetHostname,
} from '../endpointutil/index.js';
import { isPodReady } from '../framework/pods.js';

/** The label naming the Service an EndpointSlice belongs to. */
export const LABEL_SERVICE_NAME = 'kubernetes.io/service-name';
/** The label naming the controller managing an EndpointSlice. */
export const LABEL_MANAGED_BY = 'endpointslice.kubernetes.io/managed-by';
export const CONTROLLER_NAME = 'endpointslice-controller.k8s.io';
/** Upstream's --max-endpoints-per-slice default. */
export const MAX_ENDPOINTS_PER_SLICE = 100;

export type AddressType = 'IPv4' | 'IPv6';

export interface SlicePort {
  name: string;
  port: number;
  protocol: string;
  appProtocol?: string;
}

export interface SliceEndpoint {
  addresses: string[];
  conditions: { ready: boolean; serving: boolean; terminating: boolean };
  hostname?: string;
  targetRef?: { kind: string; namespace?: string; name?: string; uid?: string };
  nodeName?: string;
  zone?: string;
}

export interface EndpointSlice extends KubeObject {
  addressType: AddressType;
  endpoints: SliceEndpoint[];
  ports: SlicePort[];
}

/** Labels that belong to the controller, never copied from the Service. */
const RESERVED = new Set([LABEL_HEADLESS, LABEL_SERVICE_NAME, LABEL_MANAGED_BY]);

/** The address types a Service's slices have, as upstream's getAddressTypesForService. */
export function addressTypesFor(svc: KubeObject): Set<AddressType> {
  const spec = serviceSpec(svc);
  const out = new Set<AddressType>();
  for (const f of spec.ipFamilies ?? []) if (f === 'IPv4' || f === 'IPv6') out.add(f);
  if (out.size) return out;
  if (isServiceIPSet(svc)) return new Set([isIPv6(spec.clusterIP!) ? 'IPv6' : 'IPv4']);
  // Headless without families: assume both until the API says otherwise.
  return new Set(['IPv4', 'IPv6']);
}

/** The slice's labels for `svc`: its own reserved ones, the Service's, then the controller's. */
export function sliceLabels(slice: KubeObject | undefined, svc: KubeObject): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(slice?.metadata?.labels ?? {})) if (RESERVED.has(k)) out[k] = v;
  for (const [k, v] of Object.entries(svc.metadata?.labels ?? {})) if (!RESERVED.has(k)) out[k] = v;
  if (!isServiceIPSet(svc)) out[LABEL_HEADLESS] = '';
  else delete out[LABEL_HEADLESS];
  out[LABEL_SERVICE_NAME] = svc.metadata!.name!;
  out[LABEL_MANAGED_BY] = CONTROLLER_NAME;
  return out;
}

/** The ports of the pod's endpoint: each Service port resolved on this pod (unresolvable ones left out). */
export function endpointPorts(svc: KubeObject, pod: KubeObject): SlicePort[] {
  const out: SlicePort[] = [];
  for (const sp of serviceSpec(svc).ports ?? []) {
    const port = findPort(pod, sp);
    if (port === undefined) continue;
    const p: SlicePort = { name: sp.name ?? '', port, protocol: sp.protocol ?? 'TCP' };
    if (sp.appProtocol) p.appProtocol = sp.appProtocol;
    out.push(p);
  }
  return out;
}

/**
 * The endpoint of `pod` in a slice of `addressType`, as upstream's podToEndpoint: serving
 * is the Ready condition, terminating the deletionTimestamp, ready = serving and not
 * terminating (always true with publishNotReadyAddresses).
 */
export function podToEndpoint(pod: KubeObject, node: KubeObject | undefined, svc: KubeObject, addressType: AddressType): SliceEndpoint {
  const serving = isPodReady(pod);
  const terminating = !!pod.metadata?.deletionTimestamp;
  const ready = serviceSpec(svc).publishNotReadyAddresses === true || (serving && !terminating);
  const ep: SliceEndpoint = {
    addresses: podIPs(pod).filter((ip) => isIPv6(ip) === (addressType === 'IPv6')),
    conditions: { ready, serving, terminating },
    targetRef: { kind: 'Pod', namespace: pod.metadata?.namespace, name: pod.metadata?.name, uid: pod.metadata?.uid },
  };
  const spec = podSpec(pod);
  if (spec.nodeName) ep.nodeName = spec.nodeName;
  const zone = node?.metadata?.labels?.['topology.kubernetes.io/zone'];
  if (zone) ep.zone = zone;
  if (shouldSetHostname(pod, svc)) ep.hostname = spec.hostname;
  return ep;
}

/** Identity of an endpoint across syncs: addresses, hostname and target, as upstream's endpoint hash. */
export function endpointKey(ep: SliceEndpoint): string {
  return JSON.stringify([[...ep.addresses].sort(), ep.hostname ?? '', ep.targetRef?.namespace ?? '', ep.targetRef?.name ?? '']);
}

const portsKey = (ports: SlicePort[]) =>
  JSON.stringify(
    ports
      .map((p) => [p.name, p.port, p.protocol, p.appProtocol ?? ''])
      .sort((a, b) => (JSON.stringify(a) < JSON.stringify(b) ? -1 : 1)),
  );

/** An ordered set of desired endpoints keyed by endpointKey (upstream's EndpointSet). */
class EndpointSet {
  private readonly m = new Map<string, SliceEndpoint>();
  insert(ep: SliceEndpoint): void {
    this.m.set(endpointKey(ep), ep);
  }
  get(ep: SliceEndpoint): SliceEndpoint | undefined {
    return this.m.get(endpointKey(ep));
  }
  delete(ep: SliceEndpoint): void {
    this.m.delete(endpointKey(ep));
  }
  pop(): SliceEndpoint | undefined {
    const first = this.m.entries().next();
    if (first.done) return undefined;
    this.m.delete(first.value[0]);
    return first.value[1];
  }
  get size(): number {
    return this.m.size;
  }
}

export interface ReconcileInput {
  service: KubeObject;
  pods: KubeObject[];
  /** The Service's current slices managed by this controller (none pending deletion). */
  slices: EndpointSlice[];
  /** Node by name (for zones); a pod on a node missing here is skipped (and reported). */
  nodes: (name: string) => KubeObject | undefined;
  maxEndpointsPerSlice?: number;
}

export interface ReconcilePlan {
  create: EndpointSlice[];
  update: EndpointSlice[];
  delete: EndpointSlice[];
  /** Pods left out for now (their node is unknown); the Service should be synced again. */
  errors: string[];
}

/**
 * What to create, update and delete so the Service's slices hold exactly its endpoints, as
 * upstream's reconciler: per address type and port set, existing slices keep their endpoints
 * that are still desired (updated in place when changed), leftover endpoints fill slices
 * being updated (fullest first), then an unchanged slice that can take them all, then new
 * slices; slices left empty, of an address type or port set no longer wanted, are deleted;
 * a Service with no endpoints keeps one empty placeholder slice per address type. Slices to
 * delete are recycled (renamed into) slices to create where possible.
 */
export function reconcile(input: ReconcileInput): ReconcilePlan {
  const { service } = input;
  const max = input.maxEndpointsPerSlice ?? MAX_ENDPOINTS_PER_SLICE;
  const plan: ReconcilePlan = { create: [], update: [], delete: [], errors: [] };
  const types = addressTypesFor(service);
  const slicesByType = new Map<AddressType, EndpointSlice[]>();
  for (const s of input.slices) {
    if (!types.has(s.addressType)) {
      plan.delete.push(s);
      continue;
    }
    const list = slicesByType.get(s.addressType) ?? [];
    list.push(s);
    slicesByType.set(s.addressType, list);
  }
  for (const type of types) {
    reconcileByAddressType(service, input.pods, slicesByType.get(type) ?? [], type, input.nodes, max, plan);
  }
  recycle(service, plan);
  return plan;
}

function reconcileByAddressType(
  svc: KubeObject,
  pods: KubeObject[],
  existing: EndpointSlice[],
  type: AddressType,
  nodes: (name: string) => KubeObject | undefined,
  max: number,
  plan: ReconcilePlan,
): void {
  const existingByPorts = new Map<string, EndpointSlice[]>();
  for (const s of existing) {
    const k = portsKey(s.ports ?? []);
    existingByPorts.set(k, [...(existingByPorts.get(k) ?? []), s]);
  }
  const desiredByPorts = new Map<string, { ports: SlicePort[]; set: EndpointSet }>();
  for (const pod of pods) {
    // Slices carry terminating pods too (conditions say so).
    if (!shouldPodBeInEndpoints(pod, true)) continue;
    const ports = endpointPorts(svc, pod);
    const k = portsKey(ports);
    let desired = desiredByPorts.get(k);
    if (!desired) desiredByPorts.set(k, (desired = { ports, set: new EndpointSet() }));
    let node: KubeObject | undefined;
    const nodeName = podSpec(pod).nodeName;
    if (nodeName) {
      node = nodes(nodeName);
      if (!node) {
        plan.errors.push(`skipping Pod ${pod.metadata?.name} for Service ${svc.metadata?.namespace}/${svc.metadata?.name}: Node ${nodeName} Not Found`);
        continue;
      }
    }
    const ep = podToEndpoint(pod, node, svc, type);
    if (ep.addresses.length) desired.set.insert(ep);
  }
  const before = { create: plan.create.length, delete: plan.delete.length };
  for (const [k, { ports, set }] of desiredByPorts) {
    reconcileByPortMapping(svc, existingByPorts.get(k) ?? [], set, ports, type, max, plan);
  }
  for (const [k, slices] of existingByPorts) if (!desiredByPorts.has(k)) plan.delete.push(...slices);
  // A Service without endpoints still gets one (empty) slice of this type.
  const deletedHere = plan.delete.slice(before.delete);
  if (existing.length === deletedHere.length && plan.create.length === before.create) {
    const placeholder = newSlice(svc, [], type);
    const i = deletedHere.findIndex((s) => isPlaceholderOf(s, placeholder));
    if (deletedHere.length === 1 && i === 0) plan.delete.splice(before.delete, 1);
    else plan.create.push(placeholder);
  }
}

function isPlaceholderOf(s: EndpointSlice, placeholder: EndpointSlice): boolean {
  return (
    s.addressType === placeholder.addressType &&
    !(s.endpoints ?? []).length &&
    !(s.ports ?? []).length &&
    deepEqual(s.metadata?.labels ?? {}, placeholder.metadata?.labels ?? {}) &&
    deepEqual(s.metadata?.ownerReferences ?? [], placeholder.metadata?.ownerReferences ?? [])
  );
}

function endpointsEqualBeyondKey(a: SliceEndpoint, b: SliceEndpoint): boolean {
  return (
    a.conditions?.ready === b.conditions?.ready &&
    a.conditions?.serving === b.conditions?.serving &&
    a.conditions?.terminating === b.conditions?.terminating &&
    (a.nodeName ?? '') === (b.nodeName ?? '') &&
    (a.zone ?? '') === (b.zone ?? '') &&
    deepEqual(a.targetRef ?? null, b.targetRef ?? null)
  );
}

function reconcileByPortMapping(
  svc: KubeObject,
  existing: EndpointSlice[],
  desired: EndpointSet,
  ports: SlicePort[],
  type: AddressType,
  max: number,
  plan: ReconcilePlan,
): void {
  const byName = new Map<string, EndpointSlice>();
  const toUpdate = new Set<string>();
  const toDelete = new Set<string>();
  const unchanged = new Set<string>();
  // 1. Keep what is still desired in the existing slices; note changed ones.
  for (const s of existing) {
    const name = s.metadata!.name!;
    byName.set(name, s);
    const kept: SliceEndpoint[] = [];
    let changed = false;
    for (const ep of s.endpoints ?? []) {
      const want = desired.get(ep);
      if (!want) continue;
      kept.push(want);
      if (!endpointsEqualBeyondKey(want, ep)) changed = true;
      desired.delete(ep);
    }
    const labels = sliceLabels(s, svc);
    const labelsChanged = !deepEqual(labels, s.metadata?.labels ?? {});
    if (changed || kept.length !== (s.endpoints ?? []).length) {
      if (!kept.length) {
        toDelete.add(name);
      } else {
        byName.set(name, { ...structuredClone(s), endpoints: kept, metadata: { ...structuredClone(s.metadata), labels } });
        toUpdate.add(name);
      }
    } else if (labelsChanged) {
      byName.set(name, { ...structuredClone(s), metadata: { ...structuredClone(s.metadata), labels } });
      toUpdate.add(name);
    } else {
      unchanged.add(name);
    }
  }
  // 2. Fill slices being updated anyway, fullest first.
  if (desired.size && toUpdate.size) {
    const slices = [...toUpdate].map((n) => byName.get(n)!).sort((a, b) => b.endpoints.length - a.endpoints.length);
    for (const s of slices) while (desired.size && s.endpoints.length < max) s.endpoints.push(desired.pop()!);
  }
  // 3. The rest: into one unchanged slice that can take it all, else new slices.
  while (desired.size) {
    let fill: EndpointSlice | undefined;
    if (desired.size < max && unchanged.size) {
      fill = sliceToFill([...unchanged].map((n) => byName.get(n)!), desired.size, max);
    }
    if (fill) {
      fill = structuredClone(fill);
      byName.set(fill.metadata!.name!, fill);
    } else {
      fill = newSlice(svc, ports, type);
    }
    while (desired.size && fill.endpoints.length < max) fill.endpoints.push(desired.pop()!);
    const name = fill.metadata?.name;
    if (name) {
      toUpdate.add(name);
      unchanged.delete(name);
    } else {
      plan.create.push(fill);
    }
  }
  for (const n of toUpdate) plan.update.push(byName.get(n)!);
  for (const n of toDelete) plan.delete.push(byName.get(n)!);
}

/** The fullest slice that still has room for `n` endpoints, as upstream's getSliceToFill. */
function sliceToFill(slices: EndpointSlice[], n: number, max: number): EndpointSlice | undefined {
  let best: EndpointSlice | undefined;
  for (const s of slices) {
    const len = (s.endpoints ?? []).length;
    if (len + n > max) continue;
    if (!best || len > best.endpoints.length) best = s;
  }
  return best;
}

/** A new slice for the Service (named by the API from `<service>-`), owned by it. */
export function newSlice(svc: KubeObject, ports: SlicePort[], type: AddressType): EndpointSlice {
  const owner: OwnerReference = { apiVersion: 'v1', kind: 'Service', name: svc.metadata!.name!, uid: svc.metadata!.uid!, controller: true, blockOwnerDeletion: true };
  return {
    apiVersion: 'discovery.k8s.io/v1',
    kind: 'EndpointSlice',
    metadata: { generateName: slicePrefix(svc.metadata!.name!), namespace: svc.metadata?.namespace, labels: sliceLabels(undefined, svc), ownerReferences: [owner] },
    addressType: type,
    endpoints: [],
    ports: structuredClone(ports),
  };
}

/** `<service>-`, unless that is not a valid slice name prefix (then the Service name alone). */
function slicePrefix(name: string): string {
  const prefix = `${name}-`;
  return prefix.length <= 253 - 5 && /^[a-z0-9]([-a-z0-9.]*)?$/.test(prefix) ? prefix : name;
}

/** Whether the slice's controller reference is this Service. */
export function ownedBy(slice: KubeObject, svc: KubeObject): boolean {
  return (slice.metadata?.ownerReferences ?? []).some((r) => r.controller === true && r.uid === svc.metadata?.uid);
}

/**
 * Turns deletions into updates of slices being created (same address type, owned by this
 * Service): cheaper than delete plus create, as upstream's finalize does.
 */
function recycle(svc: KubeObject, plan: ReconcilePlan): void {
  for (let i = 0; i < plan.delete.length && plan.create.length; ) {
    const old = plan.delete[i]!;
    const fresh = plan.create[plan.create.length - 1]!;
    if (old.addressType === fresh.addressType && ownedBy(old, svc)) {
      plan.create.pop();
      plan.update.push({
        ...fresh,
        metadata: { ...old.metadata, labels: fresh.metadata?.labels, ownerReferences: fresh.metadata?.ownerReferences, generateName: old.metadata?.generateName },
      });
      plan.delete.splice(i, 1);
    } else {
      i++;
    }
  }
}
