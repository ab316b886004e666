/**
 * Smaller API groups, as kube-apiserver 1.32 prepares and validates them:
 * scheduling.k8s.io/v1 PriorityClasses, coordination.k8s.io/v1 Leases, node.k8s.io/v1
 * RuntimeClasses and discovery.k8s.io/v1 EndpointSlices (defaults for priority classes and
 * slice ports are in defaults.ts).
 */
import { fieldErrors, type FieldError } from '../../apimachinery/field-errors.js';
import { field, type FieldPath } from '../../apimachinery/field-path.js';
import { goQuote } from '../../apimachinery/go-format.js';
import { isObject, type KubeObject } from '../../apimachinery/types.js';
import {
  IS_NEGATIVE_ERROR_MSG,
  isFullyQualifiedDomainName,
  isValidIPv4Address,
  isValidIPv6Address,
  isValidLabelValue,
  nameIsDNSLabel,
  nameIsDNSSubdomain,
  validateLabelName,
  validateLabels,
} from '../../apimachinery/validation.js';
import { deepEqual } from '../../util/deep.js';
import type { StrategyOverlay, TypeStrategy } from '../strategy.js';
import { has, num, objects, str, stringMap, strings, sub, type Obj } from './access.js';
import { isAPIServerEndpoints } from './core-services.js';
import { goValue } from './go-values.js';
import {
  defaultedCopy,
  dnsLabelErrors,
  immutable,
  qualifiedNameErrors,
  validateContainerResourceName,
  validateNonSpecialIP,
  validateResourceQuantityValue,
} from './validators.js';

// ---------------------------------------------------------------------------------------
// PriorityClasses

/** The system priority classes kube-apiserver creates, by name. */
const SYSTEM_PRIORITY_CLASSES: Readonly<Record<string, { value: number; globalDefault: boolean }>> = {
  'system-node-critical': { value: 2000001000, globalDefault: false },
  'system-cluster-critical': { value: 2000000000, globalDefault: false },
};
const HIGHEST_USER_DEFINABLE_PRIORITY = 1000000000;
const PREEMPTION_POLICIES = ['PreemptLowerPriority', 'Never'];

/** Upstream's ValidatePriorityClass (the type part). */
export function validatePriorityClass(pc: KubeObject): FieldError[] {
  const o = pc as Obj;
  const errs: FieldError[] = [];
  const name = pc.metadata?.name ?? '';
  const value = num(o, 'value');
  if (name.startsWith('system-')) {
    const known = SYSTEM_PRIORITY_CLASSES[name];
    let problem: string | undefined;
    if (!known) problem = `${name} is not a known system priority class`;
    else if (known.value !== value) problem = `value of ${name} PriorityClass must be ${known.value}`;
    else if (known.globalDefault !== (o.globalDefault === true)) problem = `globalDefault of ${name} PriorityClass must be ${known.globalDefault}`;
    if (problem) {
      errs.push(fieldErrors.forbidden(field('metadata', 'name'), `priority class names with 'system-' prefix are reserved for system use only. error: ${problem}`));
    }
  } else if (value > HIGHEST_USER_DEFINABLE_PRIORITY) {
    errs.push(fieldErrors.forbidden(field('value'), `maximum allowed value of a user defined priority is ${HIGHEST_USER_DEFINABLE_PRIORITY}`));
  }
  if (has(o, 'preemptionPolicy')) {
    const policy = str(o, 'preemptionPolicy');
    if (!policy) errs.push(fieldErrors.required(field('preemptionPolicy'), ''));
    else if (!PREEMPTION_POLICIES.includes(policy)) errs.push(fieldErrors.notSupported(field('preemptionPolicy'), policy, PREEMPTION_POLICIES));
  }
  return errs;
}

const priorityClasses: Partial<TypeStrategy> = {
  validate: validatePriorityClass,
  validateUpdate(pc, old) {
    // as upstream: the update check does not repeat the create checks
    const errs: FieldError[] = [];
    if (num(pc, 'value') !== num(old, 'value')) errs.push(fieldErrors.forbidden(field('value'), 'may not be changed in an update.'));
    errs.push(...immutable((pc as Obj).preemptionPolicy ?? null, (old as Obj).preemptionPolicy ?? null, field('preemptionPolicy')));
    return errs;
  },
};

// ---------------------------------------------------------------------------------------
// Leases

/** Upstream's ValidateLeaseSpec (strategy and preferredHolder are dropped: CoordinatedLeaderElection is off in 1.32). */
export function validateLease(lease: KubeObject): FieldError[] {
  const spec = sub(lease, 'spec');
  const errs: FieldError[] = [];
  if (has(spec, 'leaseDurationSeconds') && num(spec, 'leaseDurationSeconds') <= 0) {
    errs.push(fieldErrors.invalid(field('spec', 'leaseDurationSeconds'), num(spec, 'leaseDurationSeconds'), 'must be greater than 0'));
  }
  if (has(spec, 'leaseTransitions') && num(spec, 'leaseTransitions') < 0) {
    errs.push(fieldErrors.invalid(field('spec', 'leaseTransitions'), num(spec, 'leaseTransitions'), IS_NEGATIVE_ERROR_MSG));
  }
  return errs;
}

function dropDisabledLeaseFields(lease: KubeObject): void {
  if (!isObject(lease.spec)) return;
  delete lease.spec.strategy;
  delete lease.spec.preferredHolder;
}

const leases: Partial<TypeStrategy> = {
  prepareForCreate: dropDisabledLeaseFields,
  prepareForUpdate: (lease) => dropDisabledLeaseFields(lease),
  validate: validateLease,
  validateUpdate: (lease) => validateLease(lease),
};

// ---------------------------------------------------------------------------------------
// RuntimeClasses

const TAINT_EFFECTS = ['NoSchedule', 'PreferNoSchedule', 'NoExecute'];

/** `core.Toleration{...}` as upstream prints a toleration. */
function goToleration(t: Obj): string {
  const secs = has(t, 'tolerationSeconds') ? '(*int64)(0xc000010000)' : '(*int64)(nil)';
  return `core.Toleration{Key:${goQuote(str(t, 'key'))}, Operator:${goQuote(str(t, 'operator'))}, Value:${goQuote(str(t, 'value'))}, Effect:${goQuote(str(t, 'effect'))}, TolerationSeconds:${secs}}`;
}

/** Upstream's ValidateTolerations (core). */
export function validateTolerations(tolerations: Obj[], path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  tolerations.forEach((t, i) => {
    const p = path.index(i);
    const key = str(t, 'key');
    const op = str(t, 'operator');
    const effect = str(t, 'effect');
    if (key) errs.push(...validateLabelName(key, p.child('key')));
    if (!key && op !== 'Exists') {
      errs.push(fieldErrors.invalid(p.child('operator'), op, 'operator must be Exists when `key` is empty, which means "match all values and all keys"'));
    }
    if (has(t, 'tolerationSeconds') && effect !== 'NoExecute') {
      errs.push(fieldErrors.invalid(p.child('effect'), effect, "effect must be 'NoExecute' when `tolerationSeconds` is set"));
    }
    switch (op) {
      case 'Equal':
      case '': {
        const msgs = isValidLabelValue(str(t, 'value'));
        if (msgs.length) errs.push(fieldErrors.invalid(p.child('operator'), str(t, 'value'), msgs.join(';')));
        break;
      }
      case 'Exists':
        if (str(t, 'value')) errs.push(fieldErrors.invalid(p.child('operator'), goValue(goToleration(t)), "value must be empty when `operator` is 'Exists'"));
        break;
      default:
        errs.push(fieldErrors.notSupported(p.child('operator'), op, ['Equal', 'Exists']));
    }
    if (effect && !TAINT_EFFECTS.includes(effect)) errs.push(fieldErrors.notSupported(p.child('effect'), effect, TAINT_EFFECTS));
  });
  return errs;
}

/** Upstream's ValidateRuntimeClass (the type part). */
export function validateRuntimeClass(rc: KubeObject): FieldError[] {
  const o = rc as Obj;
  const errs: FieldError[] = [];
  const handler = str(o, 'handler');
  for (const m of nameIsDNSLabel(handler, false)) errs.push(fieldErrors.invalid(field('handler'), handler, m));
  if (isObject(o.overhead)) {
    // as upstream: the pod overhead is checked as container limits, under that name
    const podFixed = sub(o.overhead, 'podFixed');
    const limits = field('overhead', 'limits');
    for (const k of Object.keys(podFixed).sort()) {
      errs.push(...validateContainerResourceName(k, limits.key(k)), ...validateResourceQuantityValue(k, podFixed[k], limits.key(k)));
    }
  }
  if (isObject(o.scheduling)) {
    const sched = o.scheduling;
    if (isObject(sched.nodeSelector)) errs.push(...validateLabels(stringMap(sched, 'nodeSelector'), field('scheduling', 'nodeSelector')));
    const tp = field('scheduling', 'tolerations');
    const tolerations = objects(sched, 'tolerations');
    errs.push(...validateTolerations(tolerations, tp));
    const seen: Obj[] = [];
    tolerations.forEach((t, i) => {
      const key = { key: str(t, 'key'), operator: str(t, 'operator'), value: str(t, 'value'), effect: str(t, 'effect') };
      if (seen.some((s) => deepEqual(s, key))) errs.push(fieldErrors.duplicate(tp.index(i), goValue(goToleration(t))));
      else seen.push(key);
    });
  }
  return errs;
}

const runtimeClasses: Partial<TypeStrategy> = {
  validate: validateRuntimeClass,
  // as upstream: only the handler is checked on update
  validateUpdate: (rc, old) => immutable(str(rc, 'handler'), str(old, 'handler'), field('handler')),
};

// ---------------------------------------------------------------------------------------
// EndpointSlices

const ADDRESS_TYPES = ['FQDN', 'IPv4', 'IPv6'];
const SLICE_PROTOCOLS = ['SCTP', 'TCP', 'UDP'];
const MAX_ENDPOINTS = 1000;
const MAX_ADDRESSES = 100;
const MAX_PORTS = 20000;
const MAX_TOPOLOGY_LABELS = 16;
const MAX_ZONE_HINTS = 8;

function validateSliceEndpoints(slice: KubeObject): FieldError[] {
  const o = slice as Obj;
  const endpoints = objects(o, 'endpoints');
  const path = field('endpoints');
  if (endpoints.length > MAX_ENDPOINTS) return [fieldErrors.tooMany(path, endpoints.length, MAX_ENDPOINTS)];
  const type = str(o, 'addressType');
  // k8ts: the API server's own slice may hold its loopback address (see isAPIServerEndpoints)
  const allowSpecial = isAPIServerEndpoints(slice);
  const errs: FieldError[] = [];
  endpoints.forEach((ep, i) => {
    const p = path.index(i);
    const ap = p.child('addresses');
    const addresses = strings(ep, 'addresses');
    if (addresses.length === 0) errs.push(fieldErrors.required(ap, 'must contain at least 1 address'));
    else if (addresses.length > MAX_ADDRESSES) errs.push(fieldErrors.tooMany(ap, addresses.length, MAX_ADDRESSES));
    addresses.forEach((a, j) => {
      const aj = ap.index(j);
      if (type === 'IPv4' || type === 'IPv6') {
        const msgs = type === 'IPv4' ? isValidIPv4Address(a) : isValidIPv6Address(a);
        errs.push(...msgs.map((m) => fieldErrors.invalid(aj, a, m)));
        if (!allowSpecial) errs.push(...validateNonSpecialIP(a, aj));
      } else if (type === 'FQDN') {
        errs.push(...isFullyQualifiedDomainName(aj, a));
      }
    });
    if (typeof ep.nodeName === 'string') {
      for (const m of nameIsDNSSubdomain(ep.nodeName, false)) errs.push(fieldErrors.invalid(p.child('nodeName'), ep.nodeName, m));
    }
    const topo = stringMap(ep, 'deprecatedTopology');
    const tp = p.child('deprecatedTopology');
    if (Object.keys(topo).length > MAX_TOPOLOGY_LABELS) errs.push(fieldErrors.tooMany(tp, Object.keys(topo).length, MAX_TOPOLOGY_LABELS));
    errs.push(...validateLabels(topo, tp));
    if (typeof ep.zone === 'string') errs.push(...validateLabels({ 'topology.kubernetes.io/zone': ep.zone }, p.child('zone')));
    if (typeof ep.hostname === 'string') errs.push(...dnsLabelErrors(ep.hostname, p.child('hostname')));
    if (isObject(ep.hints)) {
      const zones = objects(ep.hints, 'forZones');
      const zp = p.child('hints', 'forZones');
      if (zones.length > MAX_ZONE_HINTS) {
        errs.push(fieldErrors.tooMany(zp, zones.length, MAX_ZONE_HINTS));
      } else {
        const names = new Set<string>();
        zones.forEach((z, k) => {
          const np = zp.index(k).child('name');
          const name = str(z, 'name');
          if (names.has(name)) errs.push(fieldErrors.duplicate(np, name));
          names.add(name);
          for (const m of isValidLabelValue(name)) errs.push(fieldErrors.invalid(np, name, m));
        });
      }
    }
  });
  return errs;
}

function validateSlicePorts(slice: KubeObject): FieldError[] {
  const ports = objects(slice, 'ports');
  const path = field('ports');
  if (ports.length > MAX_PORTS) return [fieldErrors.tooMany(path, ports.length, MAX_PORTS)];
  const errs: FieldError[] = [];
  const names = new Set<string>();
  ports.forEach((port, i) => {
    const p = path.index(i);
    const name = str(port, 'name');
    if (name) errs.push(...dnsLabelErrors(name, p.child('name')));
    if (names.has(name)) errs.push(fieldErrors.duplicate(p.child('name'), name));
    names.add(name);
    if (!has(port, 'protocol')) errs.push(fieldErrors.required(p.child('protocol'), ''));
    else if (!SLICE_PROTOCOLS.includes(str(port, 'protocol'))) errs.push(fieldErrors.notSupported(p.child('protocol'), str(port, 'protocol'), SLICE_PROTOCOLS));
    if (typeof port.appProtocol === 'string') errs.push(...qualifiedNameErrors(port.appProtocol, p.child('appProtocol')));
  });
  return errs;
}

/** Upstream's ValidateEndpointSlice (the type part). */
export function validateEndpointSlice(slice: KubeObject): FieldError[] {
  const type = str(slice, 'addressType');
  const errs: FieldError[] = [];
  if (!type) errs.push(fieldErrors.required(field('addressType'), ''));
  else if (!ADDRESS_TYPES.includes(type)) errs.push(fieldErrors.notSupported(field('addressType'), type, ADDRESS_TYPES));
  return [...errs, ...validateSliceEndpoints(slice), ...validateSlicePorts(slice)];
}

/** Whether anything but metadata, or the labels, changed (upstream's generation rule for slices). */
function sliceChanged(slice: KubeObject, old: KubeObject): boolean {
  const body = (o: KubeObject) => {
    const { metadata: _m, apiVersion: _a, kind: _k, ...rest } = o as Obj;
    return rest;
  };
  return !deepEqual(body(slice), body(old)) || !deepEqual(slice.metadata?.labels ?? {}, old.metadata?.labels ?? {});
}

const endpointSlices: Partial<TypeStrategy> = {
  prepareForCreate(slice) {
    // as upstream: slices carry a generation, bumped on every change but metadata's (labels count)
    slice.metadata!.generation = 1;
  },
  prepareForUpdate(slice, old) {
    if (sliceChanged(defaultedCopy('discovery.k8s.io/endpointslices', slice), old)) slice.metadata!.generation = (old.metadata?.generation ?? 0) + 1;
  },
  validate: validateEndpointSlice,
  validateUpdate: (slice, old) => [
    ...validateEndpointSlice(slice),
    ...immutable(str(slice, 'addressType'), str(old, 'addressType'), field('addressType')),
  ],
};

/** PriorityClasses, Leases, RuntimeClasses and EndpointSlices. */
export const CLUSTER_GROUP_STRATEGIES: StrategyOverlay = {
  'scheduling.k8s.io/priorityclasses': priorityClasses,
  'coordination.k8s.io/leases': leases,
  'node.k8s.io/runtimeclasses': runtimeClasses,
  'discovery.k8s.io/endpointslices': endpointSlices,
};
