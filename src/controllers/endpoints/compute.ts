import type { KubeObject } from '../../apimachinery/types.js';
import { isPodReady } from '../framework/index.js';

type Obj = Record<string, unknown>;

export interface ServicePort {
  name?: string;
  port: number;
  protocol?: string;
  targetPort?: number | string;
  appProtocol?: string;
}

export interface ResolvedPort {
  name?: string;
  port: number;
  protocol: string;
  appProtocol?: string;
}

export const servicePorts = (svc: KubeObject): ServicePort[] => (((svc.spec as Obj | undefined)?.ports as ServicePort[] | undefined) ?? []);

/** The pod's port for a Service port: a number as is, a name looked up among the containers' ports (undefined: not found). */
export function resolvePort(pod: KubeObject, sp: ServicePort): number | undefined {
  const target = sp.targetPort ?? sp.port;
  if (typeof target === 'number') return target;
  if (/^\d+$/.test(target)) return Number(target);
  for (const c of ((pod.spec as Obj | undefined)?.containers as { ports?: { name?: string; containerPort: number; protocol?: string }[] }[] | undefined) ?? []) {
    for (const p of c.ports ?? []) if (p.name === target && (p.protocol ?? 'TCP') === (sp.protocol ?? 'TCP')) return p.containerPort;
  }
  return undefined;
}

/** The ports a pod serves for the Service (named target ports it lacks are left out). */
export function portsFor(pod: KubeObject, svc: KubeObject): ResolvedPort[] {
  const out: ResolvedPort[] = [];
  for (const sp of servicePorts(svc)) {
    const port = resolvePort(pod, sp);
    if (port === undefined) continue;
    out.push({ ...(sp.name ? { name: sp.name } : {}), port, protocol: sp.protocol ?? 'TCP', ...(sp.appProtocol ? { appProtocol: sp.appProtocol } : {}) });
  }
  return out;
}

export const podIP = (pod: KubeObject): string | undefined => ((pod.status as Obj | undefined)?.podIP as string | undefined) || undefined;

/** Whether a pod belongs in a Service's endpoints at all: has an IP, is not finished. */
export function eligible(pod: KubeObject): boolean {
  const phase = (pod.status as Obj | undefined)?.phase;
  return !!podIP(pod) && phase !== 'Succeeded' && phase !== 'Failed';
}

/** A pod's hostname in endpoints: spec.hostname when its subdomain is the Service (headless DNS records). */
export function hostnameFor(pod: KubeObject, svc: KubeObject): string | undefined {
  const spec = (pod.spec ?? {}) as Obj;
  return spec.hostname && spec.subdomain === svc.metadata?.name ? String(spec.hostname) : undefined;
}

export const ready = (pod: KubeObject, svc: KubeObject): boolean => isPodReady(pod) || (svc.spec as Obj | undefined)?.publishNotReadyAddresses === true;
