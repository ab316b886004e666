/**
 * policy/v1 PodDisruptionBudgets and autoscaling/v2 (and v1) HorizontalPodAutoscalers, as
 * kube-apiserver 1.32 defaults, prepares and validates them (pkg/apis/policy/validation,
 * pkg/apis/autoscaling/validation and v2 defaults, the strategies). HPA minReplicas is
 * defaulted in defaults.ts.
 *
 * HPAs reach the hooks in the version they were served in; upstream validates its internal
 * (v2-shaped) form, so a v1 object is viewed as v2 for validation and its errors carry v2
 * paths, as upstream's do.
 */
import { fieldErrors, type FieldError } from '../../apimachinery/field-errors.js';
import { field, type FieldPath } from '../../apimachinery/field-path.js';
import { isNotMoreThan100Percent, validatePositiveIntOrPercent, type IntOrString } from '../../apimachinery/intstr.js';
import { validateLabelSelector, type LabelSelectorValidationOptions } from '../../apimachinery/labels.js';
import { isObject, type KubeObject } from '../../apimachinery/types.js';
import { isValidPathSegmentName, validateNonnegativeField } from '../../apimachinery/validation.js';
import type { StrategyOverlay, TypeStrategy } from '../strategy.js';
import { child, has, list, num, objects, str, sub, type Obj } from './access.js';
import { goQuantity, goValue } from './go-values.js';
import { asLabelSelector, dnsLabelErrors, quantityOf, quantityText, validateConditions, validateContainerResourceName } from './validators.js';

// ---------------------------------------------------------------------------------------
// PodDisruptionBudgets

const EVICTION_POLICIES = ['AlwaysAllow', 'IfHealthyBudget'];

/** `policy.PodDisruptionBudgetSpec{...}` as upstream prints the spec (pointers as opaque addresses). */
function goPDBSpec(spec: Obj): string {
  const ptr = (key: string, type: string, addr: string) => (has(spec, key) ? `(*${type})(${addr})` : `(*${type})(nil)`);
  return (
    'policy.PodDisruptionBudgetSpec{' +
    `MinAvailable:${ptr('minAvailable', 'intstr.IntOrString', '0xc000010000')}, ` +
    `Selector:${ptr('selector', 'v1.LabelSelector', '0xc000010010')}, ` +
    `MaxUnavailable:${ptr('maxUnavailable', 'intstr.IntOrString', '0xc000010020')}, ` +
    `UnhealthyPodEvictionPolicy:${ptr('unhealthyPodEvictionPolicy', 'policy.UnhealthyPodEvictionPolicyType', '0xc000010030')}}`
  );
}

/** Upstream's ValidatePodDisruptionBudgetSpec. */
export function validatePDBSpec(spec: Obj, opts: LabelSelectorValidationOptions = {}): FieldError[] {
  const path = field('spec');
  const errs: FieldError[] = [];
  if (has(spec, 'minAvailable') && has(spec, 'maxUnavailable')) {
    errs.push(fieldErrors.invalid(path, goValue(goPDBSpec(spec)), 'minAvailable and maxUnavailable cannot be both set'));
  }
  for (const key of ['minAvailable', 'maxUnavailable']) {
    if (!has(spec, key)) continue;
    const v = spec[key] as IntOrString;
    errs.push(...validatePositiveIntOrPercent(v, path.child(key)), ...isNotMoreThan100Percent(v, path.child(key)));
  }
  errs.push(...validateLabelSelector(asLabelSelector(spec.selector), opts, path.child('selector')));
  if (has(spec, 'unhealthyPodEvictionPolicy') && !EVICTION_POLICIES.includes(str(spec, 'unhealthyPodEvictionPolicy'))) {
    errs.push(fieldErrors.notSupported(path.child('unhealthyPodEvictionPolicy'), str(spec, 'unhealthyPodEvictionPolicy'), EVICTION_POLICIES));
  }
  return errs;
}

/** Upstream's ValidatePodDisruptionBudgetStatusUpdate (policy/v1). */
function validatePDBStatus(pdb: KubeObject): FieldError[] {
  const status = sub(pdb, 'status');
  const p = field('status');
  return [
    ...validateConditions(list(status, 'conditions'), p.child('conditions')),
    ...validateNonnegativeField(num(status, 'disruptionsAllowed'), p.child('disruptionsAllowed')),
    ...validateNonnegativeField(num(status, 'currentHealthy'), p.child('currentHealthy')),
    ...validateNonnegativeField(num(status, 'desiredHealthy'), p.child('desiredHealthy')),
    ...validateNonnegativeField(num(status, 'expectedPods'), p.child('expectedPods')),
  ];
}

/** The zero PodDisruptionBudgetStatus as upstream serializes it (its counters are not omitempty). */
const emptyPDBStatus = (): Obj => ({ disruptionsAllowed: 0, currentHealthy: 0, desiredHealthy: 0, expectedPods: 0 });

const podDisruptionBudgets: Partial<TypeStrategy> = {
  prepareForCreate(pdb) {
    pdb.status = emptyPDBStatus();
  },
  prepareForStatusUpdate(pdb) {
    const status = isObject(pdb.status) ? pdb.status : (pdb.status = {});
    for (const [k, v] of Object.entries(emptyPDBStatus())) if (status[k] === undefined || status[k] === null) status[k] = v;
  },
  validate: (pdb) => validatePDBSpec(sub(pdb, 'spec')),
  validateUpdate(pdb, old) {
    // As upstream: a stored selector with bad label values stays updatable.
    const oldSelector = asLabelSelector(sub(old, 'spec').selector);
    const allowInvalidLabelValueInSelector = validateLabelSelector(oldSelector, {}, field()).length > 0;
    return validatePDBSpec(sub(pdb, 'spec'), { allowInvalidLabelValueInSelector });
  },
  validateStatusUpdate: validatePDBStatus,
};

// ---------------------------------------------------------------------------------------
// HorizontalPodAutoscalers

const METRIC_SOURCE_TYPES = ['ContainerResource', 'External', 'Object', 'Pods', 'Resource'];
const SELECT_POLICIES = ['Disabled', 'Max', 'Min'];
const POLICY_TYPES = ['Percent', 'Pods'];
const MAX_STABILIZATION_WINDOW_SECONDS = 3600;
const MAX_PERIOD_SECONDS = 1800;
const DEFAULT_CPU_UTILIZATION = 80;
const HPA_METRICS_ANNOTATION = 'autoscaling.alpha.kubernetes.io/metrics';

const isV1 = (hpa: KubeObject) => hpa.apiVersion === 'autoscaling/v1';

/** The v2 spec of an HPA, whichever version it was served in (the v1 CPU target as a metric). */
function v2Spec(hpa: KubeObject): Obj {
  const spec = sub(hpa, 'spec');
  if (!isV1(hpa)) return spec;
  const out: Obj = { ...spec };
  delete out.targetCPUUtilizationPercentage;
  if (has(spec, 'targetCPUUtilizationPercentage')) {
    out.metrics = [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: spec.targetCPUUtilizationPercentage } } }];
  }
  return out;
}

/** The v2 scaling rule defaults (GenerateHPAScaleUpRules / GenerateHPAScaleDownRules). */
function defaultScalingRules(rules: unknown, up: boolean): Obj {
  const out: Obj = isObject(rules) ? rules : {};
  if (up && (out.stabilizationWindowSeconds === undefined || out.stabilizationWindowSeconds === null)) out.stabilizationWindowSeconds = 0;
  if (out.selectPolicy === undefined || out.selectPolicy === null) out.selectPolicy = 'Max';
  if (out.policies === undefined || out.policies === null) {
    out.policies = up
      ? [
          { type: 'Pods', value: 4, periodSeconds: 15 },
          { type: 'Percent', value: 100, periodSeconds: 15 },
        ]
      : [{ type: 'Percent', value: 100, periodSeconds: 15 }];
  }
  return out;
}

/** The HPA defaults beyond minReplicas: the 80% CPU target (v1 and v2) and the v2 behavior rules. */
export function defaultHPAv2(hpa: KubeObject): void {
  const spec = child(hpa as Obj, 'spec');
  if (isV1(hpa)) {
    // as upstream's v1 conversion: no CPU target and no other metrics means the default target
    if (!has(spec, 'targetCPUUtilizationPercentage') && hpa.metadata?.annotations?.[HPA_METRICS_ANNOTATION] === undefined) {
      spec.targetCPUUtilizationPercentage = DEFAULT_CPU_UTILIZATION;
    }
    return;
  }
  if (list(spec, 'metrics').length === 0) {
    spec.metrics = [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: DEFAULT_CPU_UTILIZATION } } }];
  }
  if (isObject(spec.behavior)) {
    spec.behavior.scaleUp = defaultScalingRules(spec.behavior.scaleUp, true);
    spec.behavior.scaleDown = defaultScalingRules(spec.behavior.scaleDown, false);
  }
}

function validateCrossVersionObjectReference(ref: Obj, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  for (const key of ['kind', 'name']) {
    const v = str(ref, key);
    if (!v) errs.push(fieldErrors.required(path.child(key), ''));
    else for (const m of isValidPathSegmentName(v)) errs.push(fieldErrors.invalid(path.child(key), v, m));
  }
  return errs;
}

function validateMetricIdentifier(id: Obj, path: FieldPath): FieldError[] {
  const name = str(id, 'name');
  if (!name) return [fieldErrors.required(path.child('name'), 'must specify a metric name')];
  return isValidPathSegmentName(name).map((m) => fieldErrors.invalid(path.child('name'), name, m));
}

function validateMetricTarget(t: Obj, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  const type = str(t, 'type');
  if (!type) errs.push(fieldErrors.required(path.child('type'), 'must specify a metric target type'));
  if (type !== 'Utilization' && type !== 'Value' && type !== 'AverageValue') {
    errs.push(fieldErrors.invalid(path.child('type'), type, 'must be either Utilization, Value, or AverageValue'));
  }
  for (const key of ['value', 'averageValue']) {
    if (!has(t, key)) continue;
    const q = quantityOf(t[key]);
    if (q && q.sign() !== 1) errs.push(fieldErrors.invalid(path.child(key), goValue(goQuantity(quantityText(t[key]))), 'must be positive'));
  }
  if (has(t, 'averageUtilization') && num(t, 'averageUtilization') < 1) {
    errs.push(fieldErrors.invalid(path.child('averageUtilization'), num(t, 'averageUtilization'), 'must be greater than 0'));
  }
  return errs;
}

function validateResourceLikeSource(src: Obj, path: FieldPath, container: boolean): FieldError[] {
  const errs: FieldError[] = [];
  const name = str(src, 'name');
  if (!name) errs.push(fieldErrors.required(path.child('name'), 'must specify a resource name'));
  else errs.push(...validateContainerResourceName(name, path.child('name')));
  if (container) {
    const c = str(src, 'container');
    if (!c) errs.push(fieldErrors.required(path.child('container'), 'must specify a container'));
    else errs.push(...dnsLabelErrors(c, path.child('container')));
  }
  const target = sub(src, 'target');
  errs.push(...validateMetricTarget(target, path.child('target')));
  if (!has(target, 'averageUtilization') && !has(target, 'averageValue')) {
    errs.push(fieldErrors.required(path.child('target', 'averageUtilization'), 'must set either a target raw value or a target utilization'));
  }
  if (has(target, 'averageUtilization') && has(target, 'averageValue')) {
    errs.push(fieldErrors.forbidden(path.child('target', 'averageValue'), 'may not set both a target raw value and a target utilization'));
  }
  return errs;
}

function validateSource(kind: string, src: Obj, path: FieldPath): FieldError[] {
  const target = sub(src, 'target');
  switch (kind) {
    case 'object': {
      const errs = [
        ...validateCrossVersionObjectReference(sub(src, 'describedObject'), path.child('describedObject')),
        ...validateMetricIdentifier(sub(src, 'metric'), path.child('metric')),
        ...validateMetricTarget(target, path.child('target')),
      ];
      if (!has(target, 'value') && !has(target, 'averageValue')) {
        errs.push(fieldErrors.required(path.child('target', 'averageValue'), 'must set either a target value or averageValue'));
      }
      return errs;
    }
    case 'external': {
      const errs = [...validateMetricIdentifier(sub(src, 'metric'), path.child('metric')), ...validateMetricTarget(target, path.child('target'))];
      if (!has(target, 'value') && !has(target, 'averageValue')) {
        errs.push(fieldErrors.required(path.child('target', 'averageValue'), 'must set either a target value for metric or a per-pod target'));
      }
      if (has(target, 'value') && has(target, 'averageValue')) {
        errs.push(fieldErrors.forbidden(path.child('target', 'value'), 'may not set both a target value for metric and a per-pod target'));
      }
      return errs;
    }
    case 'pods': {
      const errs = [...validateMetricIdentifier(sub(src, 'metric'), path.child('metric')), ...validateMetricTarget(target, path.child('target'))];
      if (!has(target, 'averageValue')) errs.push(fieldErrors.required(path.child('target', 'averageValue'), 'must specify a positive target averageValue'));
      return errs;
    }
    case 'resource':
      return validateResourceLikeSource(src, path, false);
    default:
      return validateResourceLikeSource(src, path, true);
  }
}

const SOURCE_FIELDS: [key: string, type: string][] = [
  ['object', 'Object'],
  ['external', 'External'],
  ['pods', 'Pods'],
  ['resource', 'Resource'],
  ['containerResource', 'ContainerResource'],
];

/** Upstream's validateMetricSpec. */
function validateMetricSpec(m: Obj, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  const type = str(m, 'type');
  if (!type) errs.push(fieldErrors.required(path.child('type'), 'must specify a metric source type'));
  if (!METRIC_SOURCE_TYPES.includes(type)) errs.push(fieldErrors.notSupported(path.child('type'), type, METRIC_SOURCE_TYPES));
  const present: string[] = [];
  for (const [key] of SOURCE_FIELDS) {
    if (!has(m, key)) continue;
    present.push(key);
    if (present.length === 1) errs.push(...validateSource(key, sub(m, key), path.child(key)));
  }
  const expected = SOURCE_FIELDS.find(([, t]) => t === type)?.[0];
  if (expected === undefined) errs.push(fieldErrors.notSupported(path.child('type'), type, METRIC_SOURCE_TYPES));
  else if (!has(m, expected)) errs.push(fieldErrors.required(path.child(expected), 'must populate information for the given metric source'));
  if (present.length !== 1) {
    for (const key of present) if (key !== expected) errs.push(fieldErrors.forbidden(path.child(key), 'must populate the given metric source only'));
  }
  return errs;
}

function validateScalingRules(rules: unknown, path: FieldPath): FieldError[] {
  if (!isObject(rules)) return [];
  const errs: FieldError[] = [];
  if (has(rules, 'stabilizationWindowSeconds')) {
    const w = num(rules, 'stabilizationWindowSeconds');
    if (w < 0) errs.push(fieldErrors.invalid(path.child('stabilizationWindowSeconds'), w, 'must be greater than or equal to zero'));
    if (w > MAX_STABILIZATION_WINDOW_SECONDS) {
      errs.push(fieldErrors.invalid(path.child('stabilizationWindowSeconds'), w, `must be less than or equal to ${MAX_STABILIZATION_WINDOW_SECONDS}`));
    }
  }
  if (has(rules, 'selectPolicy') && !SELECT_POLICIES.includes(str(rules, 'selectPolicy'))) {
    errs.push(fieldErrors.notSupported(path.child('selectPolicy'), str(rules, 'selectPolicy'), SELECT_POLICIES));
  }
  const policies = objects(rules, 'policies');
  if (policies.length === 0) errs.push(fieldErrors.required(path.child('policies'), 'must specify at least one Policy'));
  policies.forEach((p, i) => {
    const pp = path.child('policies').index(i);
    if (!POLICY_TYPES.includes(str(p, 'type'))) errs.push(fieldErrors.notSupported(pp.child('type'), str(p, 'type'), POLICY_TYPES));
    if (num(p, 'value') <= 0) errs.push(fieldErrors.invalid(pp.child('value'), num(p, 'value'), 'must be greater than zero'));
    const period = num(p, 'periodSeconds');
    if (period <= 0) errs.push(fieldErrors.invalid(pp.child('periodSeconds'), period, 'must be greater than zero'));
    if (period > MAX_PERIOD_SECONDS) errs.push(fieldErrors.invalid(pp.child('periodSeconds'), period, `must be less than or equal to ${MAX_PERIOD_SECONDS}`));
  });
  return errs;
}

/** Upstream's validateHorizontalPodAutoscalerSpec on the v2 view of `spec`. */
export function validateHPASpec(spec: Obj, minReplicasLowerBound = 1): FieldError[] {
  const path = field('spec');
  const errs: FieldError[] = [];
  const hasMin = has(spec, 'minReplicas');
  const min = num(spec, 'minReplicas');
  const max = num(spec, 'maxReplicas');
  if (hasMin && min < minReplicasLowerBound) {
    errs.push(fieldErrors.invalid(path.child('minReplicas'), min, `must be greater than or equal to ${minReplicasLowerBound}`));
  }
  if (max < 1) errs.push(fieldErrors.invalid(path.child('maxReplicas'), max, 'must be greater than 0'));
  if (hasMin && max < min) errs.push(fieldErrors.invalid(path.child('maxReplicas'), max, 'must be greater than or equal to `minReplicas`'));
  errs.push(...validateCrossVersionObjectReference(sub(spec, 'scaleTargetRef'), path.child('scaleTargetRef')));
  const metrics = objects(spec, 'metrics');
  metrics.forEach((m, i) => errs.push(...validateMetricSpec(m, path.child('metrics').index(i))));
  if (hasMin && min === 0 && !metrics.some((m) => m.type === 'Object' || m.type === 'External')) {
    errs.push(fieldErrors.forbidden(path.child('metrics'), 'must specify at least one Object or External metric to support scaling to zero replicas'));
  }
  if (isObject(spec.behavior)) {
    errs.push(...validateScalingRules(spec.behavior.scaleUp, path.child('behavior', 'scaleUp')));
    errs.push(...validateScalingRules(spec.behavior.scaleDown, path.child('behavior', 'scaleDown')));
  }
  return errs;
}

function validateHPAStatus(hpa: KubeObject): FieldError[] {
  const status = sub(hpa, 'status');
  return [
    ...validateNonnegativeField(num(status, 'currentReplicas'), field('status', 'currentReplicas')),
    ...validateNonnegativeField(num(status, 'desiredReplicas'), field('status', 'desiredReplicas')),
  ];
}

const horizontalPodAutoscalers: Partial<TypeStrategy> = {
  default: defaultHPAv2,
  prepareForCreate(hpa) {
    // the zero status as each version serializes it (desiredReplicas is never omitted; v1's currentReplicas neither)
    hpa.status = isV1(hpa) ? { currentReplicas: 0, desiredReplicas: 0 } : { desiredReplicas: 0 };
  },
  validate: (hpa) => validateHPASpec(v2Spec(hpa)),
  validateUpdate(hpa, old) {
    // As upstream: minReplicas 0 stays allowed on objects that already had it.
    const oldSpec = v2Spec(old);
    const lower = has(oldSpec, 'minReplicas') && num(oldSpec, 'minReplicas') === 0 ? 0 : 1;
    return validateHPASpec(v2Spec(hpa), lower);
  },
  validateStatusUpdate: validateHPAStatus,
};

/** PodDisruptionBudgets and HorizontalPodAutoscalers. */
export const POLICY_AUTOSCALING_STRATEGIES: StrategyOverlay = {
  'policy/poddisruptionbudgets': podDisruptionBudgets,
  'autoscaling/horizontalpodautoscalers': horizontalPodAutoscalers,
};
