import type { KubeObject } from '../../apimachinery/types.js';
import type { Lister } from '../../client/lister.js';
import { isPodReady } from '../framework/pods.js';

/** The parts of a Service the endpoint controllers read. */
export interface ServicePort {
  name?: string;
  protocol?: string;
  port: number;
  targetPort?: number | string;
  appProtocol?: string;
}

export interface ServiceSpec {
  type?: string;
  selector?: Record<string, string> | null;
  clusterIP?: string;
  clusterIPs?: string[];
  ipFamilies?: string[];
  ports?: ServicePort[];
  publishNotReadyAddresses?: boolean;
}

export interface ContainerPort {
  name?: string;
  containerPort: number;
  protocol?: string;
}

export interface PodSpec {
  nodeName?: string;
  hostname?: string;
  subdomain?: string;
  containers?: { name: string; ports?: ContainerPort[] }[];
  terminationGracePeriodSeconds?: number;
}

export interface PodStatus {
  phase?: string;
  podIP?: string;
  podIPs?: { ip: string }[];
  conditions?: { type: string; status: string; lastTransitionTime?: string }[];
  reason?: string;
}

export const serviceSpec = (svc: KubeObject): ServiceSpec => (svc.spec ?? {}) as ServiceSpec;
export const podSpec = (pod: KubeObject): PodSpec => (pod.spec ?? {}) as PodSpec;
export const podStatus = (pod: KubeObject): PodStatus => (pod.status ?? {}) as PodStatus;

/** The label the endpoint controllers put on Endpoints/EndpointSlices of headless Services. */
export const LABEL_HEADLESS = 'service.kubernetes.io/headless';
/** Annotation: when the change that led to this Endpoints/EndpointSlice content happened. */
export const ANNOTATION_LAST_CHANGE_TRIGGER_TIME = 'endpoints.kubernetes.io/last-change-trigger-time';

/**
 * The Service's selector when it selects pods; undefined when the Service has none (its
 * endpoints are managed by someone else). An empty selector counts as none: the API never
 * returns an empty map (Go drops it), so that is how upstream sees it.
 */
export function selectorOf(svc: KubeObject): Record<string, string> | undefined {
  const sel = serviceSpec(svc).selector;
  return sel && Object.keys(sel).length ? sel : undefined;
}

export const selects = (selector: Record<string, string>, labels: Record<string, string> | undefined): boolean =>
  Object.entries(selector).every(([k, v]) => labels?.[k] === v);

/** Whether the Service has a ClusterIP (not headless), as upstream's IsServiceIPSet. */
export function isServiceIPSet(svc: KubeObject): boolean {
  const ip = serviceSpec(svc).clusterIP;
  return !!ip && ip !== 'None';
}

/** Succeeded or Failed. */
export function isPodTerminal(pod: KubeObject): boolean {
  const phase = podStatus(pod).phase;
  return phase === 'Succeeded' || phase === 'Failed';
}

/** The pod's IPs (status.podIPs, else status.podIP). */
export function podIPs(pod: KubeObject): string[] {
  const st = podStatus(pod);
  if (st.podIPs?.length) return st.podIPs.map((p) => p.ip).filter(Boolean);
  return st.podIP ? [st.podIP] : [];
}

export const isIPv6 = (ip: string): boolean => ip.includes(':');

/**
 * Whether a pod belongs in a Service's endpoints at all, as upstream's
 * ShouldPodBeInEndpoints: not terminal, has an IP, and not terminating unless
 * `includeTerminating`.
 */
export function shouldPodBeInEndpoints(pod: KubeObject, includeTerminating: boolean): boolean {
  if (isPodTerminal(pod)) return false;
  if (!podIPs(pod).length) return false;
  if (!includeTerminating && pod.metadata?.deletionTimestamp) return false;
  return true;
}

/** A pod's hostname is published when its subdomain names the Service (same namespace), as upstream. */
export function shouldSetHostname(pod: KubeObject, svc: KubeObject): boolean {
  const spec = podSpec(pod);
  return !!spec.hostname && spec.subdomain === svc.metadata?.name && svc.metadata?.namespace === pod.metadata?.namespace;
}

/**
 * The container port a Service port targets on this pod, as upstream's podutil.FindPort: a
 * named targetPort is looked up in the pod's containers (name and protocol must match); a
 * number is used as is; an absent targetPort means the Service port.
 */
export function findPort(pod: KubeObject, sp: ServicePort): number | undefined {
  const target = sp.targetPort ?? sp.port;
  if (typeof target === 'number') return target;
  if (/^\d+$/.test(target)) return Number(target);
  const protocol = sp.protocol ?? 'TCP';
  for (const c of podSpec(pod).containers ?? []) {
    for (const p of c.ports ?? []) {
      if (p.name === target && (p.protocol ?? 'TCP') === protocol) return p.containerPort;
    }
  }
  return undefined;
}

/** Names (keys) of the Services in the pod's namespace whose selector selects it. */
export function podServiceKeys(services: Lister, pod: KubeObject): Set<string> {
  const out = new Set<string>();
  const ns = pod.metadata?.namespace ?? '';
  for (const svc of services.namespace(ns).list()) {
    const sel = selectorOf(svc);
    if (sel && selects(sel, pod.metadata?.labels)) out.add(`${ns}/${svc.metadata!.name}`);
  }
  return out;
}

/** The fields of a pod that change its endpoints, for comparing two versions. */
function endpointView(pod: KubeObject): string {
  const spec = podSpec(pod);
  const ready = (podStatus(pod).conditions ?? []).find((c) => c.type === 'Ready');
  return JSON.stringify([
    !!pod.metadata?.deletionTimestamp,
    isPodReady(pod),
    ready?.lastTransitionTime,
    podIPs(pod),
    spec.nodeName,
    spec.hostname,
    spec.subdomain,
    podStatus(pod).phase,
    (spec.containers ?? []).map((c) => c.ports ?? []),
  ]);
}

/**
 * The Services to sync after a pod changed, as upstream's GetServicesToUpdateOnPodChange:
 * none for a resync (same resourceVersion) or an irrelevant change; on a label change the
 * Services it left or joined (all of both when its endpoint fields changed too).
 */
export function servicesToUpdateOnPodChange(services: Lister, oldPod: KubeObject, pod: KubeObject): Set<string> {
  if (oldPod.metadata?.resourceVersion && oldPod.metadata.resourceVersion === pod.metadata?.resourceVersion) return new Set();
  const podChanged = endpointView(oldPod) !== endpointView(pod);
  const labelsChanged = JSON.stringify(oldPod.metadata?.labels ?? {}) !== JSON.stringify(pod.metadata?.labels ?? {});
  if (!podChanged && !labelsChanged) return new Set();
  const now = podServiceKeys(services, pod);
  if (!labelsChanged) return now;
  const before = podServiceKeys(services, oldPod);
  if (podChanged) return new Set([...before, ...now]);
  // Only labels changed: the Services the pod left or joined.
  const out = new Set<string>();
  for (const k of before) if (!now.has(k)) out.add(k);
  for (const k of now) if (!before.has(k)) out.add(k);
  return out;
}

/** Go's time.RFC3339Nano rendering (UTC, fraction without trailing zeros). */
export function rfc3339Nano(ms: number): string {
  return new Date(ms).toISOString().replace(/\.(\d*?)0*Z$/, (_m, frac: string) => (frac ? `.${frac}Z` : 'Z'));
}

interface ServiceState {
  podTriggerTimes: Map<string, number>;
  serviceTriggerTime: number;
}

/**
 * Computes the last-change-trigger-time of a Service's endpoints, as upstream's
 * TriggerTimeTracker: the Service's creation for a Service not seen before, else the
 * earliest trigger time (pod Ready transition, Service creation) that changed since the
 * previous computation; 0 when nothing changed. One instance per controller; calls for
 * the same Service must not overlap (the workqueue guarantees it).
 */
export class TriggerTimeTracker {
  private readonly states = new Map<string, ServiceState>();

  compute(svc: KubeObject, pods: KubeObject[]): number {
    const key = `${svc.metadata?.namespace}/${svc.metadata?.name}`;
    const prev = this.states.get(key);
    let min = 0;
    const lower = (t: number) => {
      if (!min || t < min) min = t;
    };
    const podTimes = new Map<string, number>();
    for (const pod of pods) {
      const ready = (podStatus(pod).conditions ?? []).find((c) => c.type === 'Ready');
      const t = ready?.lastTransitionTime ? Date.parse(ready.lastTransitionTime) : NaN;
      if (!Number.isFinite(t)) continue;
      podTimes.set(pod.metadata!.name!, t);
      if (t > (prev?.podTriggerTimes.get(pod.metadata!.name!) ?? 0)) lower(t);
    }
    const created = svc.metadata?.creationTimestamp ? Date.parse(svc.metadata.creationTimestamp) : 0;
    const svcTime = Number.isFinite(created) ? created : 0;
    if (svcTime > (prev?.serviceTriggerTime ?? 0)) lower(svcTime);
    this.states.set(key, { podTriggerTimes: podTimes, serviceTriggerTime: svcTime });
    if (!prev) return svcTime;
    return min;
  }

  deleteService(namespace: string, name: string): void {
    this.states.delete(`${namespace}/${name}`);
  }
}
