/**
 * The HorizontalPodAutoscaler printer, mirroring kube-apiserver 1.32's. It reads the v2
 * shape; autoscaling/v1 objects are first mapped to it as upstream's v1 conversion does.
 */

import type { KubeObject } from '../../apimachinery/types.js';
import { ageColumn, ageOf, column, int, isSet, metadataOf, nameColumn, nameOf, rec, recs, str, type Fields } from './columns.js';
import { formatQuantity, formatQuantityPointer } from './quantity.js';
import type { Printer } from './types.js';

/** `cpu: 40%/80%`, `<unknown>` for a missing current value; at most two, then `+ N more...`. */
function formatMetrics(specs: Fields[], statuses: Fields[]): string {
  if (specs.length === 0) return '<none>';
  const list: string[] = [];
  specs.forEach((spec, i) => {
    // Statuses pair with specs by position, as upstream pairs them.
    const status = i < statuses.length ? statuses[i]! : undefined;
    const statusPart = (field: string): Fields | undefined =>
      status !== undefined && isSet(status[field]) ? rec(status[field]) : undefined;
    switch (spec.type) {
      case 'External':
      case 'Object': {
        const field = spec.type === 'External' ? 'external' : 'object';
        const target = rec(rec(spec[field]).target);
        const current = statusPart(field);
        const currentValues = rec(current?.current);
        if (isSet(target.averageValue)) {
          const shown = current && isSet(currentValues.averageValue) ? formatQuantity(currentValues.averageValue) : '<unknown>';
          list.push(`${shown}/${formatQuantity(target.averageValue)} (avg)`);
        } else {
          const shown = current ? formatQuantityPointer(currentValues.value) : '<unknown>';
          list.push(`${shown}/${formatQuantityPointer(target.value)}`);
        }
        break;
      }
      case 'Pods': {
        const current = statusPart('pods');
        const shown = current ? formatQuantityPointer(rec(current.current).averageValue) : '<unknown>';
        list.push(`${shown}/${formatQuantityPointer(rec(rec(spec.pods).target).averageValue)}`);
        break;
      }
      case 'Resource':
      case 'ContainerResource': {
        const field = spec.type === 'Resource' ? 'resource' : 'containerResource';
        const source = rec(spec[field]);
        const target = rec(source.target);
        const current = statusPart(field);
        const currentValues = rec(current?.current);
        if (isSet(target.averageValue)) {
          const shown = current ? formatQuantityPointer(currentValues.averageValue) : '<unknown>';
          list.push(`${str(source.name)}: ${shown}/${formatQuantity(target.averageValue)}`);
        } else {
          const shown = current && isSet(currentValues.averageUtilization) ? `${int(currentValues.averageUtilization)}%` : '<unknown>';
          const wanted = isSet(target.averageUtilization) ? `${int(target.averageUtilization)}%` : '<auto>';
          list.push(`${str(source.name)}: ${shown}/${wanted}`);
        }
        break;
      }
      default:
        list.push('<unknown type>');
    }
  });
  const max = 2;
  if (list.length > max) return `${list.slice(0, max).join(', ')} + ${list.length - max} more...`;
  return list.join(', ');
}

export const horizontalPodAutoscalerPrinter: Printer = {
  columns: [
    nameColumn,
    column('Reference', 'string', 'The scaled object, as Kind/name.'),
    column('Targets', 'string', 'Current and target values of the metrics.'),
    column('MinPods', 'string', 'Lower bound on the replica count.'),
    column('MaxPods', 'string', 'Upper bound on the replica count.'),
    column('Replicas', 'string', 'Current replica count.'),
    ageColumn,
  ],
  row(obj, ctx) {
    const spec = rec(obj.spec);
    const status = rec(obj.status);
    const target = rec(spec.scaleTargetRef);
    return {
      cells: [
        nameOf(obj),
        `${str(target.kind)}/${str(target.name)}`,
        formatMetrics(recs(spec.metrics), recs(status.currentMetrics)),
        isSet(spec.minReplicas) ? String(int(spec.minReplicas)) : '<unset>',
        int(spec.maxReplicas),
        int(status.currentReplicas),
        ageOf(obj, ctx.now),
      ],
    };
  },
};

// autoscaling/v1 keeps the metrics it cannot express in these annotations (v1 MetricSpec and
// MetricStatus lists, in the older flat shape).
const METRICS_ANNOTATION = 'autoscaling.alpha.kubernetes.io/metrics';
const CURRENT_METRICS_ANNOTATION = 'autoscaling.alpha.kubernetes.io/current-metrics';

const defined = (entries: Record<string, unknown>): Fields =>
  Object.fromEntries(Object.entries(entries).filter(([, v]) => isSet(v)));

function metricSpecFromV1(m: Fields): Fields {
  const type = str(m.type);
  switch (type) {
    case 'Resource':
    case 'ContainerResource': {
      const field = type === 'Resource' ? 'resource' : 'containerResource';
      const s = rec(m[field]);
      const target = defined({ averageUtilization: s.targetAverageUtilization, averageValue: s.targetAverageValue });
      return { type, [field]: { name: s.name, container: s.container, target } };
    }
    case 'Pods':
      return { type, pods: { target: defined({ averageValue: rec(m.pods).targetAverageValue }) } };
    case 'Object': {
      const s = rec(m.object);
      return { type, object: { target: defined({ value: s.targetValue, averageValue: s.averageValue }) } };
    }
    case 'External': {
      const s = rec(m.external);
      return { type, external: { target: defined({ value: s.targetValue, averageValue: s.targetAverageValue }) } };
    }
  }
  return { type };
}

function metricStatusFromV1(m: Fields): Fields {
  const type = str(m.type);
  switch (type) {
    case 'Resource':
    case 'ContainerResource': {
      const field = type === 'Resource' ? 'resource' : 'containerResource';
      const s = rec(m[field]);
      const current = defined({ averageUtilization: s.currentAverageUtilization, averageValue: s.currentAverageValue });
      return { type, [field]: { name: s.name, current } };
    }
    case 'Pods':
      return { type, pods: { current: defined({ averageValue: rec(m.pods).currentAverageValue }) } };
    case 'Object': {
      const s = rec(m.object);
      return { type, object: { current: defined({ value: s.currentValue, averageValue: s.averageValue }) } };
    }
    case 'External': {
      const s = rec(m.external);
      return { type, external: { current: defined({ value: s.currentValue, averageValue: s.currentAverageValue }) } };
    }
  }
  return { type };
}

function annotationList(annotations: Fields, key: string): Fields[] | undefined {
  const raw = annotations[key];
  if (typeof raw !== 'string') return undefined;
  try {
    const parsed: unknown = JSON.parse(raw);
    return Array.isArray(parsed) ? recs(parsed) : undefined;
  } catch {
    // Upstream ignores an annotation it cannot decode.
    return undefined;
  }
}

/**
 * An autoscaling/v1 HorizontalPodAutoscaler in the v2 shape, as upstream's v1 conversion
 * builds it: the annotated metrics first, then the CPU target; CPU at 80% when neither.
 */
export function hpaFromV1(obj: KubeObject): KubeObject {
  const spec = rec(obj.spec);
  const status = rec(obj.status);
  const annotations = rec(metadataOf(obj).annotations);

  const metrics = (annotationList(annotations, METRICS_ANNOTATION) ?? []).map(metricSpecFromV1);
  const cpuTarget = isSet(spec.targetCPUUtilizationPercentage) ? spec.targetCPUUtilizationPercentage : undefined;
  if (cpuTarget !== undefined || metrics.length === 0) {
    metrics.push({
      type: 'Resource',
      resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: cpuTarget ?? 80 } },
    });
  }

  let currentMetrics: Fields[] = [];
  if (isSet(status.currentCPUUtilizationPercentage)) {
    currentMetrics = [{ type: 'Resource', resource: { name: 'cpu', current: { averageUtilization: status.currentCPUUtilizationPercentage } } }];
  }
  const annotated = annotationList(annotations, CURRENT_METRICS_ANNOTATION);
  if (annotated !== undefined) currentMetrics = annotated.map(metricStatusFromV1);

  return {
    ...obj,
    spec: { scaleTargetRef: spec.scaleTargetRef, minReplicas: spec.minReplicas, maxReplicas: spec.maxReplicas, metrics },
    status: { currentReplicas: status.currentReplicas, currentMetrics },
  };
}
