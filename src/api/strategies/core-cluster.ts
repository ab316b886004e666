/**
 * core/v1 Namespaces, Nodes, Events (and events.k8s.io/v1 Events), LimitRanges and
 * ResourceQuotas, as kube-apiserver 1.32 defaults, prepares and validates them.
 *
 * The registry already initializes a Namespace's status phase and spec.finalizers on create
 * and handles its deletion (src/apiserver/registry/behaviours.ts); this adds the
 * `kubernetes.io/metadata.name` label, spec.finalizers validation and status rules.
 */
import { FieldErrorType, fieldErrors, type FieldError } from '../../apimachinery/field-errors.js';
import { field, type FieldPath } from '../../apimachinery/field-path.js';
import { compareGoStrings, goQuote } from '../../apimachinery/go-format.js';
import { validateFinalizerName, validateKubeFinalizerName } from '../../apimachinery/object-meta.js';
import { isObject, type KubeObject } from '../../apimachinery/types.js';
import { isDNS1123Subdomain, isQualifiedName, isValidLabelValue, parseCIDRSloppy, isValidCIDR, validateLabelName } from '../../apimachinery/validation.js';
import { deepEqual } from '../../util/deep.js';
import type { StrategyOverlay, TypeStrategy } from '../strategy.js';
import { child, has, num, objects, str, strings, sub, type Obj } from './access.js';
import { goMap, goNilPointer, goQuantity, goSlice, goStruct, goValue } from './go-values.js';
import {
  byteLen,
  fieldErrorWithDetail,
  immutable,
  isOvercommitAllowed,
  quantityOf,
  quantityText,
  roundResourceList,
  validateContainerResourceName,
  validateQuotaResourceName,
  validateResourceName,
  validateResourceQuantityValue,
} from './validators.js';

const sortedKeys = (m: Obj) => Object.keys(m).sort(compareGoStrings);

// ---------------------------------------------------------------------------------------
// Namespaces

const NAMESPACE_NAME_LABEL = 'kubernetes.io/metadata.name';

const namespaces: Partial<TypeStrategy> = {
  default(ns) {
    // As upstream's SetDefaults_Namespace and the strategy's Canonicalize.
    const name = ns.metadata?.name;
    if (name) ns.metadata!.labels = { ...(ns.metadata!.labels ?? {}), [NAMESPACE_NAME_LABEL]: name };
  },
  prepareForUpdate(ns, old) {
    // As upstream: spec.finalizers only change through the /finalize subresource.
    const spec = sub(old, 'spec');
    if (has(spec, 'finalizers')) ns.spec = { ...(isObject(ns.spec) ? ns.spec : {}), finalizers: [...strings(spec, 'finalizers')] };
    else if (isObject(ns.spec)) delete ns.spec.finalizers;
  },
  validate(ns) {
    const errs: FieldError[] = [];
    const p = field('spec', 'finalizers');
    for (const f of strings(sub(ns, 'spec'), 'finalizers')) errs.push(...validateFinalizerName(f, p), ...validateKubeFinalizerName(f, p));
    return errs;
  },
  validateStatusUpdate(ns) {
    const phase = str(ns.status, 'phase');
    if (!ns.metadata?.deletionTimestamp) {
      if (phase !== 'Active') return [fieldErrors.invalid(field('status', 'Phase'), phase, "may only be 'Active' if `deletionTimestamp` is empty")];
    } else if (phase !== 'Terminating') {
      return [fieldErrors.invalid(field('status', 'Phase'), phase, "may only be 'Terminating' if `deletionTimestamp` is not empty")];
    }
    return [];
  },
};

// ---------------------------------------------------------------------------------------
// Nodes

const TAINT_EFFECTS = ['NoSchedule', 'PreferNoSchedule', 'NoExecute'];

/** `core.Taint{...}` as upstream prints a duplicate taint. */
function goTaint(t: Obj): string {
  return goStruct('core.Taint', [
    ['Key', goQuote(str(t, 'key'))],
    ['Value', goQuote(str(t, 'value'))],
    ['Effect', goQuote(str(t, 'effect'))],
    ['TimeAdded', has(t, 'timeAdded') ? `time.Date(...)` : goNilPointer('v1.Time')],
  ]);
}

/** Upstream's validateNodeTaints (its path is `metadata.taints`, as upstream's). */
export function validateNodeTaints(taints: Obj[], path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  const unique = new Map<string, Set<string>>();
  taints.forEach((t, i) => {
    const p = path.index(i);
    errs.push(...validateLabelName(str(t, 'key'), p.child('key')));
    const valueErrs = isValidLabelValue(str(t, 'value'));
    if (valueErrs.length) errs.push(fieldErrors.invalid(p.child('value'), str(t, 'value'), valueErrs.join(';')));
    const effect = str(t, 'effect');
    if (!effect) errs.push(fieldErrors.required(p.child('effect'), ''));
    else if (!TAINT_EFFECTS.includes(effect)) errs.push(fieldErrors.notSupported(p.child('effect'), effect, TAINT_EFFECTS));
    const keys = unique.get(effect) ?? new Set<string>();
    if (keys.has(str(t, 'key'))) {
      errs.push(fieldErrorWithDetail(FieldErrorType.Duplicate, p, goValue(goTaint(t)), 'taints must be unique by key and effect pair'));
      return;
    }
    keys.add(str(t, 'key'));
    unique.set(effect, keys);
  });
  return errs;
}

function defaultNode(node: KubeObject): void {
  // As the v1 conversion: podCIDR and podCIDRs describe the same thing.
  const spec = sub(node, 'spec');
  if (isObject(node.spec)) {
    const cidrs = strings(spec, 'podCIDRs');
    if (cidrs.length === 0 && str(spec, 'podCIDR')) spec.podCIDRs = [str(spec, 'podCIDR')];
    else if (cidrs.length > 0) spec.podCIDR = cidrs[0];
  }
  defaultNodeStatus(node);
}

// As upstream's SetDefaults_NodeStatus: allocatable defaults to capacity.
function defaultNodeStatus(node: KubeObject): void {
  if (!isObject(node.status)) return;
  roundResourceList(node.status, 'capacity');
  roundResourceList(node.status, 'allocatable');
  if (!has(node.status, 'allocatable') && isObject(node.status.capacity)) node.status.allocatable = { ...node.status.capacity };
}

function validateNodeResources(node: KubeObject): FieldError[] {
  const errs: FieldError[] = [];
  for (const part of ['capacity', 'allocatable']) {
    const m = sub(node.status, part);
    for (const k of sortedKeys(m)) errs.push(...validateResourceQuantityValue(k, m[k], field('status', part, k)));
  }
  return errs;
}

function validateNode(node: KubeObject): FieldError[] {
  const errs: FieldError[] = [];
  const spec = sub(node, 'spec');
  const taints = objects(spec, 'taints');
  if (taints.length) errs.push(...validateNodeTaints(taints, field('metadata', 'taints')));
  errs.push(...validateNodeResources(node));
  const cidrs = strings(spec, 'podCIDRs');
  if (cidrs.length > 0) {
    const p = field('spec', 'podCIDRs');
    cidrs.forEach((c, i) => {
      for (const m of isValidCIDR(c)) errs.push(fieldErrors.invalid(p.index(i), c, m));
    });
    if (cidrs.length > 1) {
      const fams = cidrs.map((c) => parseCIDRSloppy(c)?.family);
      const dual = cidrs.length === 2 && fams[0] !== undefined && fams[1] !== undefined && fams[0] !== fams[1];
      if (!dual) errs.push(fieldErrors.invalid(p, goValue(goSlice('[]string', cidrs)), 'may specify no more than one CIDR for each IP family'));
      const seen = new Set<string>();
      cidrs.forEach((c, i) => {
        if (seen.has(c)) errs.push(fieldErrors.duplicate(p.index(i), c));
        seen.add(c);
      });
    }
  }
  return errs;
}

function validateNodeUpdate(node: KubeObject, old: KubeObject): FieldError[] {
  const errs = validateNodeResources(node);
  const seen = new Set<string>();
  objects(node.status, 'addresses').forEach((a, i) => {
    const key = `${str(a, 'type')}\u0000${str(a, 'address')}`;
    if (seen.has(key)) {
      errs.push(
        fieldErrors.duplicate(
          field('status', 'addresses').index(i),
          goValue(goStruct('core.NodeAddress', [['Type', goQuote(str(a, 'type'))], ['Address', goQuote(str(a, 'address'))]])),
        ),
      );
    }
    seen.add(key);
  });
  const spec = sub(node, 'spec');
  const prev = sub(old, 'spec');
  const oldCIDRs = strings(prev, 'podCIDRs');
  const cidrs = strings(spec, 'podCIDRs');
  if (oldCIDRs.length > 0) {
    const msg = 'node updates may not change podCIDR except from "" to valid';
    if (oldCIDRs.length !== cidrs.length) errs.push(fieldErrors.forbidden(field('spec', 'podCIDRs'), msg));
    else oldCIDRs.forEach((c, i) => c !== cidrs[i] && errs.push(fieldErrors.forbidden(field('spec', 'podCIDRs'), msg)));
  }
  if (str(prev, 'providerID') && str(prev, 'providerID') !== str(spec, 'providerID')) {
    errs.push(fieldErrors.forbidden(field('spec', 'providerID'), 'node updates may not change providerID except from "" to valid'));
  }
  const taints = objects(spec, 'taints');
  if (taints.length) errs.push(...validateNodeTaints(taints, field('metadata', 'taints')));
  if (str(spec, 'externalID') !== str(prev, 'externalID')) errs.push(fieldErrors.forbidden(field('spec', 'externalID'), 'may not be updated'));
  return errs;
}

const nodes: Partial<TypeStrategy> = {
  default: defaultNode,
  prepareForStatusUpdate: (node) => defaultNodeStatus(node),
  validate: validateNode,
  validateUpdate: validateNodeUpdate,
  validateStatusUpdate: validateNodeUpdate,
};

// ---------------------------------------------------------------------------------------
// Events

const REPORTING_INSTANCE_LIMIT = 128;
const ACTION_LIMIT = 128;
const REASON_LIMIT = 128;
const NOTE_LIMIT = 1024;

/** An Event read in its internal (core) field names, whichever API served it. */
interface EventView {
  namespace: string;
  involvedNamespace: string;
  eventTime: unknown;
  reportingController: string;
  /** What the request's API version calls reportingController. */
  reportingField: string;
  reportingInstance: string;
  action: string;
  reason: string;
  message: string;
  type: string;
  firstTimestamp: unknown;
  lastTimestamp: unknown;
  count: number;
  source: Obj;
  series: Obj | undefined;
}

function coreEventView(e: KubeObject): EventView {
  const o = e as Obj;
  return {
    namespace: e.metadata?.namespace ?? '',
    involvedNamespace: str(sub(o, 'involvedObject'), 'namespace'),
    eventTime: o.eventTime,
    reportingController: str(o, 'reportingComponent'),
    reportingField: 'reportingComponent',
    reportingInstance: str(o, 'reportingInstance'),
    action: str(o, 'action'),
    reason: str(o, 'reason'),
    message: str(o, 'message'),
    type: str(o, 'type'),
    firstTimestamp: o.firstTimestamp,
    lastTimestamp: o.lastTimestamp,
    count: num(o, 'count'),
    source: sub(o, 'source'),
    series: isObject(o.series) ? o.series : undefined,
  };
}

function eventsV1View(e: KubeObject): EventView {
  const o = e as Obj;
  return {
    namespace: e.metadata?.namespace ?? '',
    involvedNamespace: str(sub(o, 'regarding'), 'namespace'),
    eventTime: o.eventTime,
    reportingController: str(o, 'reportingController'),
    reportingField: 'reportingController',
    reportingInstance: str(o, 'reportingInstance'),
    action: str(o, 'action'),
    reason: str(o, 'reason'),
    message: str(o, 'note'),
    type: str(o, 'type'),
    firstTimestamp: o.deprecatedFirstTimestamp,
    lastTimestamp: o.deprecatedLastTimestamp,
    count: num(o, 'deprecatedCount'),
    source: sub(o, 'deprecatedSource'),
    series: isObject(o.series) ? o.series : undefined,
  };
}

const isSet = (t: unknown) => typeof t === 'string' && t !== '';

/** Upstream's legacyValidateEvent (every Event, whichever API version). */
function legacyValidateEvent(e: EventView): FieldError[] {
  const errs: FieldError[] = [];
  const nsPath = field('involvedObject', 'namespace');
  if (!isSet(e.eventTime)) {
    if (!e.involvedNamespace) {
      if (e.namespace !== '' && e.namespace !== 'default') errs.push(fieldErrors.invalid(nsPath, e.involvedNamespace, 'does not match event.namespace'));
    } else if (e.namespace !== e.involvedNamespace) {
      errs.push(fieldErrors.invalid(nsPath, e.involvedNamespace, 'does not match event.namespace'));
    }
  } else {
    if (!e.involvedNamespace && e.namespace !== 'default' && e.namespace !== 'kube-system') {
      errs.push(fieldErrors.invalid(nsPath, e.involvedNamespace, 'does not match event.namespace'));
    }
    // as upstream: the field is named as the request's version names it
    const rc = field(e.reportingField);
    if (!e.reportingController) errs.push(fieldErrors.required(rc, ''));
    for (const m of isQualifiedName(e.reportingController)) errs.push(fieldErrors.invalid(rc, e.reportingController, m));
    if (!e.reportingInstance) errs.push(fieldErrors.required(field('reportingInstance'), ''));
    if (byteLen(e.reportingInstance) > REPORTING_INSTANCE_LIMIT) {
      errs.push(fieldErrors.invalid(field('reportingInstance'), '', `can have at most ${REPORTING_INSTANCE_LIMIT} characters`));
    }
    if (!e.action) errs.push(fieldErrors.required(field('action'), ''));
    if (byteLen(e.action) > ACTION_LIMIT) errs.push(fieldErrors.invalid(field('action'), '', `can have at most ${ACTION_LIMIT} characters`));
    if (!e.reason) errs.push(fieldErrors.required(field('reason'), ''));
    if (byteLen(e.reason) > REASON_LIMIT) errs.push(fieldErrors.invalid(field('reason'), '', `can have at most ${REASON_LIMIT} characters`));
    if (byteLen(e.message) > NOTE_LIMIT) errs.push(fieldErrors.invalid(field('message'), '', `can have at most ${NOTE_LIMIT} characters`));
  }
  for (const m of isDNS1123Subdomain(e.namespace)) errs.push(fieldErrors.invalid(field('namespace'), e.namespace, m));
  return errs;
}

function validateV1EventSeries(e: EventView): FieldError[] {
  if (!e.series) return [];
  const errs: FieldError[] = [];
  if (num(e.series, 'count') < 2) errs.push(fieldErrors.invalid(field('series.count'), '', 'should be at least 2'));
  if (!isSet(e.series.lastObservedTime)) errs.push(fieldErrors.required(field('series.lastObservedTime'), ''));
  return errs;
}

/** The strict checks events.k8s.io/v1 adds on create (upstream's ValidateEventCreate). */
function strictEventCreate(e: EventView): FieldError[] {
  const errs = validateV1EventSeries(e);
  if (!isSet(e.eventTime)) errs.push(fieldErrors.required(field('eventTime'), ''));
  if (e.type !== 'Normal' && e.type !== 'Warning') errs.push(fieldErrors.invalid(field('type'), '', `has invalid value: ${e.type}`));
  if (isSet(e.firstTimestamp)) errs.push(fieldErrors.invalid(field('firstTimestamp'), '', 'needs to be unset'));
  if (isSet(e.lastTimestamp)) errs.push(fieldErrors.invalid(field('lastTimestamp'), '', 'needs to be unset'));
  if (e.count !== 0) errs.push(fieldErrors.invalid(field('count'), '', 'needs to be unset'));
  if (str(e.source, 'component') || str(e.source, 'host')) errs.push(fieldErrors.invalid(field('source'), '', 'needs to be unset'));
  return errs;
}

/** The immutable fields of an events.k8s.io/v1 Event (upstream's ValidateEventUpdate), by served name. */
const EVENTS_V1_IMMUTABLE: [served: string, internal: string][] = [
  ['regarding', 'involvedObject'],
  ['reason', 'reason'],
  ['note', 'message'],
  ['deprecatedSource', 'source'],
  ['deprecatedFirstTimestamp', 'firstTimestamp'],
  ['deprecatedLastTimestamp', 'lastTimestamp'],
  ['deprecatedCount', 'count'],
  ['type', 'type'],
  ['eventTime', 'eventTime'],
  ['action', 'action'],
  ['related', 'related'],
  ['reportingController', 'reportingController'],
  ['reportingInstance', 'reportingInstance'],
];

const coreEvents: Partial<TypeStrategy> = {
  validate: (e) => legacyValidateEvent(coreEventView(e)),
  validateUpdate: (e) => legacyValidateEvent(coreEventView(e)),
};

const eventsV1: Partial<TypeStrategy> = {
  validate(e) {
    const v = eventsV1View(e);
    return [...legacyValidateEvent(v), ...strictEventCreate(v)];
  },
  validateUpdate(e, old) {
    const v = eventsV1View(e);
    const errs = legacyValidateEvent(v);
    if (!deepEqual((e as Obj).series ?? null, (old as Obj).series ?? null)) errs.push(...validateV1EventSeries(v));
    for (const [served, internal] of EVENTS_V1_IMMUTABLE) {
      errs.push(...immutable((e as Obj)[served], (old as Obj)[served], field(internal), (e as Obj)[served] ?? (served === 'deprecatedCount' ? 0 : '')));
    }
    return errs;
  },
};

// ---------------------------------------------------------------------------------------
// LimitRanges

const LIMIT_TYPES = new Set(['Pod', 'Container', 'PersistentVolumeClaim']);
const LIMIT_LISTS = ['max', 'min', 'default', 'defaultRequest', 'maxLimitRequestRatio'];

/** As upstream's SetDefaults_ResourceList on every list of a LimitRange (the item defaults are in defaults.ts). */
function roundLimitRange(lr: KubeObject): void {
  for (const item of objects(sub(lr, 'spec'), 'limits')) for (const k of LIMIT_LISTS) roundResourceList(item, k);
}

function validateLimitRangeTypeName(type: string, path: FieldPath): FieldError[] {
  const errs = isQualifiedName(type).map((m) => fieldErrors.invalid(path, type, m));
  if (errs.length) return errs;
  if (!type.includes('/') && !LIMIT_TYPES.has(type)) return [fieldErrors.invalid(path, type, 'must be a standard limit type or fully qualified')];
  return [];
}

const limitResourceName = (type: string, name: string, path: FieldPath) =>
  type === 'Pod' || type === 'Container' ? validateContainerResourceName(name, path) : validateResourceName(name, path);

/** Go's %f: six decimals. */
const goFloat = (x: number) => (Number.isFinite(x) ? x.toFixed(6) : x > 0 ? '+Inf' : x < 0 ? '-Inf' : 'NaN');

function validateLimitRange(lr: KubeObject): FieldError[] {
  const errs: FieldError[] = [];
  const types = new Set<string>();
  objects(sub(lr, 'spec'), 'limits').forEach((item, i) => {
    const p = field('spec', 'limits').index(i);
    const type = str(item, 'type');
    errs.push(...validateLimitRangeTypeName(type, p.child('type')));
    if (types.has(type)) errs.push(fieldErrors.duplicate(p.child('type'), type));
    types.add(type);
    const keys = new Set<string>();
    const lists: Record<string, Obj> = {};
    const collect = (name: string) => {
      lists[name] = sub(item, name);
      for (const k of sortedKeys(lists[name]!)) {
        errs.push(...limitResourceName(type, k, p.child(name).key(k)));
        keys.add(k);
      }
    };
    collect('max');
    collect('min');
    if (type === 'Pod') {
      lists.default = {};
      lists.defaultRequest = {};
      if (Object.keys(sub(item, 'default')).length) errs.push(fieldErrors.forbidden(p.child('default'), "may not be specified when `type` is 'Pod'"));
      if (Object.keys(sub(item, 'defaultRequest')).length) errs.push(fieldErrors.forbidden(p.child('defaultRequest'), "may not be specified when `type` is 'Pod'"));
    } else {
      collect('default');
      collect('defaultRequest');
    }
    if (type === 'PersistentVolumeClaim' && !('storage' in lists.min!) && !('storage' in lists.max!)) {
      errs.push(fieldErrors.required(p.child('limits'), 'either minimum or maximum storage value is required, but neither was provided'));
    }
    collect('maxLimitRequestRatio');
    for (const k of [...keys].sort(compareGoStrings)) {
      const get = (name: string) => (k in lists[name]! ? quantityOf(lists[name]![k]) : undefined);
      const min = get('min');
      const max = get('max');
      const dflt = get('default');
      const dreq = get('defaultRequest');
      const ratio = get('maxLimitRequestRatio');
      const q = (name: string) => goValue(goQuantity(String(lists[name]![k])));
      if (min && max && min.cmp(max) > 0) errs.push(fieldErrors.invalid(p.child('min').key(k), q('min'), `min value ${min} is greater than max value ${max}`));
      if (dreq && min && min.cmp(dreq) > 0) {
        errs.push(fieldErrors.invalid(p.child('defaultRequest').key(k), q('defaultRequest'), `min value ${min} is greater than default request value ${dreq}`));
      }
      if (dreq && max && dreq.cmp(max) > 0) {
        errs.push(fieldErrors.invalid(p.child('defaultRequest').key(k), q('defaultRequest'), `default request value ${dreq} is greater than max value ${max}`));
      }
      if (dreq && dflt && dreq.cmp(dflt) > 0) {
        errs.push(fieldErrors.invalid(p.child('defaultRequest').key(k), q('defaultRequest'), `default request value ${dreq} is greater than default limit value ${dflt}`));
      }
      if (dflt && min && min.cmp(dflt) > 0) errs.push(fieldErrors.invalid(p.child('default').key(k), q('min'), `min value ${min} is greater than default value ${dflt}`));
      if (dflt && max && dflt.cmp(max) > 0) errs.push(fieldErrors.invalid(p.child('default').key(k), q('max'), `default value ${dflt} is greater than max value ${max}`));
      if (ratio && ratio.cmpInt64(1) < 0) errs.push(fieldErrors.invalid(p.child('maxLimitRequestRatio').key(k), q('maxLimitRequestRatio'), `ratio ${ratio} is less than 1`));
      if (ratio && min && max) {
        const limit = Number(max.milliValueBig()) / Number(min.milliValueBig());
        const r = Number(ratio.milliValueBig()) / 1000;
        if (r > limit) {
          errs.push(fieldErrors.invalid(p.child('maxLimitRequestRatio').key(k), q('maxLimitRequestRatio'), `ratio ${ratio} is greater than max/min = ${goFloat(limit)}`));
        }
      }
      if (!isOvercommitAllowed(k) && dflt && dreq && dflt.cmp(dreq) !== 0) {
        errs.push(fieldErrors.invalid(p.child('defaultRequest').key(k), q('defaultRequest'), `default value ${dflt} must equal to defaultRequest value ${dreq} in ${k}`));
      }
    }
  });
  return errs;
}

const limitRanges: Partial<TypeStrategy> = {
  default: roundLimitRange,
  validate: validateLimitRange,
  validateUpdate: (lr) => validateLimitRange(lr),
};

// ---------------------------------------------------------------------------------------
// ResourceQuotas

const QUOTA_SCOPES = new Set(['Terminating', 'NotTerminating', 'BestEffort', 'NotBestEffort', 'PriorityClass', 'CrossNamespacePodAffinity']);
const POD_COMPUTE = new Set(['cpu', 'memory', 'limits.cpu', 'limits.memory', 'requests.cpu', 'requests.memory']);
const POD_COUNT = new Set(['pods']);

function scopeValidForResource(scope: string, resource: string): boolean {
  switch (scope) {
    case 'Terminating':
    case 'NotTerminating':
    case 'NotBestEffort':
    case 'PriorityClass':
    case 'CrossNamespacePodAffinity':
      return POD_COUNT.has(resource) || POD_COMPUTE.has(resource);
    case 'BestEffort':
      return POD_COUNT.has(resource);
    default:
      return true;
  }
}

const isStandardQuota = (name: string) => validateQuotaResourceName(name, field()).length === 0 && !name.includes('/');
const scopesValue = (scopes: string[] | null) => goValue(goSlice('[]core.ResourceQuotaScope', scopes));

function validateQuotaResources(m: Obj, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  for (const k of sortedKeys(m)) {
    const p = path.key(k);
    errs.push(...validateQuotaResourceName(k, p), ...validateResourceQuantityValue(k, m[k], p));
  }
  return errs;
}

function validateQuotaSpec(spec: Obj): FieldError[] {
  const errs = validateQuotaResources(sub(spec, 'hard'), field('spec', 'hard'));
  const hard = sortedKeys(sub(spec, 'hard'));
  const rawScopes = Array.isArray(spec.scopes) ? strings(spec, 'scopes') : null;
  const scopes = rawScopes ?? [];
  if (scopes.length) {
    const p = field('spec', 'scopes');
    const set = new Set<string>();
    for (const scope of scopes) {
      if (!QUOTA_SCOPES.has(scope)) errs.push(fieldErrors.invalid(p, scopesValue(rawScopes), 'unsupported scope'));
      for (const k of hard) {
        if (isStandardQuota(k) && !scopeValidForResource(scope, k)) errs.push(fieldErrors.invalid(p, scopesValue(rawScopes), 'unsupported scope applied to resource'));
      }
      set.add(scope);
    }
    if (set.has('BestEffort') && set.has('NotBestEffort')) errs.push(fieldErrors.invalid(p, scopesValue(rawScopes), 'conflicting scopes'));
    if (set.has('Terminating') && set.has('NotTerminating')) errs.push(fieldErrors.invalid(p, scopesValue(rawScopes), 'conflicting scopes'));
  }
  if (has(spec, 'scopeSelector')) {
    const p = field('spec', 'scopeSelector', 'matchExpressions');
    const set = new Set<string>();
    for (const req of objects(sub(spec, 'scopeSelector'), 'matchExpressions')) {
      const scope = str(req, 'scopeName');
      const op = str(req, 'operator');
      const values = strings(req, 'values');
      if (!QUOTA_SCOPES.has(scope)) errs.push(fieldErrors.invalid(p.child('scopeName'), scope, 'unsupported scope'));
      for (const k of hard) {
        if (isStandardQuota(k) && !scopeValidForResource(scope, k)) {
          errs.push(fieldErrors.invalid(p, goValue('&core.ScopeSelector{...}'), 'unsupported scope applied to resource'));
        }
      }
      if (['BestEffort', 'NotBestEffort', 'Terminating', 'NotTerminating', 'CrossNamespacePodAffinity'].includes(scope) && op !== 'Exists') {
        errs.push(
          fieldErrors.invalid(
            p.child('operator'),
            op,
            "must be 'Exists' when scope is any of ResourceQuotaScopeTerminating, ResourceQuotaScopeNotTerminating, ResourceQuotaScopeBestEffort, ResourceQuotaScopeNotBestEffort or ResourceQuotaScopeCrossNamespacePodAffinity",
          ),
        );
      }
      switch (op) {
        case 'In':
        case 'NotIn':
          if (values.length === 0) errs.push(fieldErrors.required(p.child('values'), "must be at least one value when `operator` is 'In' or 'NotIn' for scope selector"));
          break;
        case 'Exists':
        case 'DoesNotExist':
          if (values.length !== 0) {
            errs.push(fieldErrors.invalid(p.child('values'), goValue(goSlice('[]string', values)), "must be no value when `operator` is 'Exist' or 'DoesNotExist' for scope selector"));
          }
          break;
        default:
          errs.push(fieldErrors.invalid(p.child('operator'), op, 'not a valid selector operator'));
      }
      set.add(scope);
    }
    if (set.has('BestEffort') && set.has('NotBestEffort')) errs.push(fieldErrors.invalid(p, scopesValue(rawScopes), 'conflicting scopes'));
    if (set.has('Terminating') && set.has('NotTerminating')) errs.push(fieldErrors.invalid(p, scopesValue(rawScopes), 'conflicting scopes'));
  }
  return errs;
}

function validateQuotaStatus(status: unknown): FieldError[] {
  return [...validateQuotaResources(sub(status, 'hard'), field('status', 'hard')), ...validateQuotaResources(sub(status, 'used'), field('status', 'used'))];
}

function defaultQuota(q: KubeObject): void {
  if (isObject(q.spec)) roundResourceList(q.spec, 'hard');
  if (isObject(q.status)) {
    roundResourceList(q.status, 'hard');
    roundResourceList(q.status, 'used');
  }
}

const resourceQuotas: Partial<TypeStrategy> = {
  default: defaultQuota,
  prepareForCreate(q) {
    q.status = {};
  },
  prepareForStatusUpdate: defaultQuota,
  validate: (q) => [...validateQuotaSpec(sub(q, 'spec')), ...validateQuotaStatus(q.status)],
  validateUpdate(q, old) {
    const errs = validateQuotaSpec(sub(q, 'spec'));
    const now = new Set(strings(sub(q, 'spec'), 'scopes'));
    const before = new Set(strings(sub(old, 'spec'), 'scopes'));
    if (now.size !== before.size || [...now].some((s) => !before.has(s))) {
      const raw = Array.isArray(sub(q, 'spec').scopes) ? strings(sub(q, 'spec'), 'scopes') : null;
      errs.push(fieldErrors.invalid(field('spec', 'scopes'), scopesValue(raw), 'field is immutable'));
    }
    return errs;
  },
  validateStatusUpdate: (q) => validateQuotaStatus(q.status),
};

/** `map[string]string{...}`-style renderings used by other core files. */
export const goResourceList = (m: Obj) => goMap('core.ResourceList', m, (v) => goQuantity(quantityText(v)));

/** Namespaces, Nodes, Events, LimitRanges and ResourceQuotas. */
export const CORE_CLUSTER_STRATEGIES: StrategyOverlay = {
  '/namespaces': namespaces,
  '/nodes': nodes,
  '/events': coreEvents,
  'events.k8s.io/events': eventsV1,
  '/limitranges': limitRanges,
  '/resourcequotas': resourceQuotas,
};

