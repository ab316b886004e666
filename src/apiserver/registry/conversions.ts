import { isObject, type KubeObject } from '../../apimachinery/types.js';
import { deepClone } from '../../util/deep.js';

type Obj = Record<string, unknown>;

/** core/v1 Event <-> events.k8s.io/v1 Event: the same objects, fields renamed (as upstream's conversion). */
const EVENT_RENAMES: [core: string, events: string][] = [
  ['involvedObject', 'regarding'],
  ['message', 'note'],
  ['reportingComponent', 'reportingController'],
  ['source', 'deprecatedSource'],
  ['firstTimestamp', 'deprecatedFirstTimestamp'],
  ['lastTimestamp', 'deprecatedLastTimestamp'],
  ['count', 'deprecatedCount'],
];

export function coreEventToEventsV1(o: KubeObject): KubeObject {
  const out: Obj = { ...deepClone(o), apiVersion: 'events.k8s.io/v1', kind: 'Event' };
  for (const [core, ev] of EVENT_RENAMES) {
    if (core in out) {
      out[ev] = out[core];
      delete out[core];
    }
  }
  // events.k8s.io/v1 requires eventTime; older core events only have timestamps.
  if (out.eventTime === undefined || out.eventTime === null) out.eventTime = null;
  return out as KubeObject;
}

export function eventsV1ToCoreEvent(o: KubeObject): KubeObject {
  const out: Obj = { ...deepClone(o), apiVersion: 'v1', kind: 'Event' };
  for (const [core, ev] of EVENT_RENAMES) {
    if (ev in out) {
      out[core] = out[ev];
      delete out[ev];
    }
  }
  return out as KubeObject;
}

const HPA_METRICS = 'autoscaling.alpha.kubernetes.io/metrics';
const HPA_CURRENT_METRICS = 'autoscaling.alpha.kubernetes.io/current-metrics';
const HPA_CONDITIONS = 'autoscaling.alpha.kubernetes.io/conditions';
const HPA_BEHAVIOR = 'autoscaling.alpha.kubernetes.io/behavior';

function isCpuUtilization(m: unknown): boolean {
  if (!isObject(m) || m.type !== 'Resource' || !isObject(m.resource)) return false;
  const r = m.resource as Obj;
  return r.name === 'cpu' && isObject(r.target) && (r.target as Obj).type === 'Utilization';
}

/**
 * autoscaling/v2 (stored) -> autoscaling/v1: the CPU utilization target becomes
 * targetCPUUtilizationPercentage; what v1 cannot express rides in annotations, as upstream.
 */
export function hpaV2ToV1(o: KubeObject): KubeObject {
  const src = deepClone(o) as Obj;
  const spec = (isObject(src.spec) ? src.spec : {}) as Obj;
  const status = (isObject(src.status) ? src.status : undefined) as Obj | undefined;
  const meta = { ...(src.metadata as Obj) } as Obj & { annotations?: Record<string, string> };
  const annotations: Record<string, string> = { ...(meta.annotations ?? {}) };
  const metrics = Array.isArray(spec.metrics) ? spec.metrics : [];
  const cpu = metrics.find(isCpuUtilization) as Obj | undefined;
  const others = metrics.filter((m) => m !== cpu);
  if (others.length) annotations[HPA_METRICS] = JSON.stringify(others);
  if (spec.behavior) annotations[HPA_BEHAVIOR] = JSON.stringify(spec.behavior);
  const v1spec: Obj = { scaleTargetRef: spec.scaleTargetRef, maxReplicas: spec.maxReplicas };
  if (spec.minReplicas !== undefined) v1spec.minReplicas = spec.minReplicas;
  if (cpu) v1spec.targetCPUUtilizationPercentage = ((cpu.resource as Obj).target as Obj).averageUtilization;
  let v1status: Obj | undefined;
  if (status) {
    v1status = {
      currentReplicas: status.currentReplicas ?? 0,
      desiredReplicas: status.desiredReplicas ?? 0,
    };
    if (status.observedGeneration !== undefined) v1status.observedGeneration = status.observedGeneration;
    if (status.lastScaleTime !== undefined) v1status.lastScaleTime = status.lastScaleTime;
    const current = Array.isArray(status.currentMetrics) ? status.currentMetrics : [];
    const curCpu = current.find((m) => isObject(m) && m.type === 'Resource' && (m.resource as Obj)?.name === 'cpu') as Obj | undefined;
    const util = curCpu ? ((curCpu.resource as Obj).current as Obj | undefined)?.averageUtilization : undefined;
    if (util !== undefined) v1status.currentCPUUtilizationPercentage = util;
    const otherCurrent = current.filter((m) => m !== curCpu);
    if (otherCurrent.length) annotations[HPA_CURRENT_METRICS] = JSON.stringify(otherCurrent);
    if (Array.isArray(status.conditions) && status.conditions.length) annotations[HPA_CONDITIONS] = JSON.stringify(status.conditions);
  }
  if (Object.keys(annotations).length) meta.annotations = annotations;
  const out: Obj = { apiVersion: 'autoscaling/v1', kind: 'HorizontalPodAutoscaler', metadata: meta, spec: v1spec };
  if (v1status) out.status = v1status;
  return out as KubeObject;
}

/** autoscaling/v1 -> autoscaling/v2 (stored), taking back what the annotations carry. */
export function hpaV1ToV2(o: KubeObject): KubeObject {
  const src = deepClone(o) as Obj;
  const spec = (isObject(src.spec) ? src.spec : {}) as Obj;
  const status = (isObject(src.status) ? src.status : undefined) as Obj | undefined;
  const meta = { ...(src.metadata as Obj) } as Obj & { annotations?: Record<string, string> };
  const annotations: Record<string, string> = { ...(meta.annotations ?? {}) };
  const take = (k: string): unknown => {
    const v = annotations[k];
    delete annotations[k];
    if (v === undefined) return undefined;
    try {
      return JSON.parse(v);
    } catch {
      return undefined;
    }
  };
  const metrics: unknown[] = [];
  if (typeof spec.targetCPUUtilizationPercentage === 'number') {
    metrics.push({ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: spec.targetCPUUtilizationPercentage } } });
  }
  const extra = take(HPA_METRICS);
  if (Array.isArray(extra)) metrics.push(...extra);
  const behavior = take(HPA_BEHAVIOR);
  const v2spec: Obj = { scaleTargetRef: spec.scaleTargetRef, maxReplicas: spec.maxReplicas };
  if (spec.minReplicas !== undefined) v2spec.minReplicas = spec.minReplicas;
  if (metrics.length) v2spec.metrics = metrics;
  if (behavior !== undefined) v2spec.behavior = behavior;
  const currentExtra = take(HPA_CURRENT_METRICS);
  const conditions = take(HPA_CONDITIONS);
  let v2status: Obj | undefined;
  if (status) {
    v2status = { currentReplicas: status.currentReplicas ?? 0, desiredReplicas: status.desiredReplicas ?? 0 };
    if (status.observedGeneration !== undefined) v2status.observedGeneration = status.observedGeneration;
    if (status.lastScaleTime !== undefined) v2status.lastScaleTime = status.lastScaleTime;
    const current: unknown[] = [];
    if (typeof status.currentCPUUtilizationPercentage === 'number') {
      current.push({ type: 'Resource', resource: { name: 'cpu', current: { averageUtilization: status.currentCPUUtilizationPercentage } } });
    }
    if (Array.isArray(currentExtra)) current.push(...currentExtra);
    if (current.length) v2status.currentMetrics = current;
    if (Array.isArray(conditions)) v2status.conditions = conditions;
  }
  meta.annotations = annotations;
  if (Object.keys(annotations).length === 0) delete meta.annotations;
  const out: Obj = { apiVersion: 'autoscaling/v2', kind: 'HorizontalPodAutoscaler', metadata: meta, spec: v2spec };
  if (v2status) out.status = v2status;
  return out as KubeObject;
}

/** Conversions per `group/resource` and served version. */
export const CONVERSIONS: Record<string, Record<string, { fromStorage: (o: KubeObject) => KubeObject; toStorage: (o: KubeObject) => KubeObject }>> = {
  'events.k8s.io/events': { v1: { fromStorage: coreEventToEventsV1, toStorage: eventsV1ToCoreEvent } },
  'autoscaling/horizontalpodautoscalers': { v1: { fromStorage: hpaV2ToV1, toStorage: hpaV1ToV2 } },
};
