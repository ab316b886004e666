/**
 * networking.k8s.io/v1 Ingresses, IngressClasses and NetworkPolicies, as kube-apiserver 1.32
 * prepares, validates and warns about them (pkg/apis/networking/validation, the ingress and
 * networkpolicy strategies). NetworkPolicy defaulting (port protocols, policyTypes) is in
 * defaults.ts.
 */
import { fieldErrors, type FieldError } from '../../apimachinery/field-errors.js';
import { field, type FieldPath } from '../../apimachinery/field-path.js';
import { goQuote } from '../../apimachinery/go-format.js';
import { validateLabelSelector, type LabelSelectorValidationOptions } from '../../apimachinery/labels.js';
import { isObject, type KubeObject } from '../../apimachinery/types.js';
import {
  isDNS1123Subdomain,
  isValidPathSegmentName,
  isValidPortName,
  isValidPortNum,
  isWildcardDNS1123Subdomain,
  nameIsDNS1035Label,
  nameIsDNSLabel,
  nameIsDNSSubdomain,
  parseCIDRSloppy,
  parseIPSloppy,
} from '../../apimachinery/validation.js';
import type { StrategyOverlay, TypeStrategy } from '../strategy.js';
import { has, num, objects, str, strings, sub, type Obj } from './access.js';
import { goSlice, goValue } from './go-values.js';
import { asLabelSelector, immutable, validateDomainPrefixedPath } from './validators.js';

const INGRESS_CLASS_ANNOTATION = 'kubernetes.io/ingress.class';
const MAX_INGRESS_CLASS_CONTROLLER = 250;
const PATH_TYPES = ['Exact', 'ImplementationSpecific', 'Prefix'];
const INVALID_PATH_SEQUENCES = ['//', '/./', '/../', '%2f', '%2F'];
const INVALID_PATH_SUFFIXES = ['/..', '/.'];
const PARAMETER_SCOPES = ['Cluster', 'Namespace'];
const PROTOCOLS = ['TCP', 'UDP', 'SCTP'];
const POLICY_TYPES = ['Ingress', 'Egress'];

// ---------------------------------------------------------------------------------------
// Ingresses

interface IngressOptions {
  allowInvalidSecretName: boolean;
  allowInvalidWildcardHostRule: boolean;
}

/** Upstream's validateIngressTypedLocalObjectReference (a resource backend). */
function validateTypedLocalObjectReference(ref: Obj, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  if (typeof ref.apiGroup === 'string') {
    for (const m of isDNS1123Subdomain(ref.apiGroup)) errs.push(fieldErrors.invalid(path.child('apiGroup'), ref.apiGroup, m));
  }
  for (const key of ['kind', 'name']) {
    const v = str(ref, key);
    if (!v) errs.push(fieldErrors.required(path.child(key), ''));
    else for (const m of isValidPathSegmentName(v)) errs.push(fieldErrors.invalid(path.child(key), v, m));
  }
  return errs;
}

/** Upstream's validateIngressBackend. */
function validateIngressBackend(backend: Obj, path: FieldPath): FieldError[] {
  const resource = isObject(backend.resource);
  const service = isObject(backend.service);
  if (resource && service) return [fieldErrors.invalid(path, '', 'cannot set both resource and service backends')];
  if (resource) return validateTypedLocalObjectReference(backend.resource as Obj, path.child('resource'));
  if (!service) return [fieldErrors.invalid(path, '', 'resource or service backend is required')];
  const errs: FieldError[] = [];
  const svc = backend.service as Obj;
  const name = str(svc, 'name');
  if (!name) errs.push(fieldErrors.required(path.child('service', 'name'), ''));
  else for (const m of nameIsDNS1035Label(name, false)) errs.push(fieldErrors.invalid(path.child('service', 'name'), name, m));
  const port = sub(svc, 'port');
  const portName = str(port, 'name');
  const portNumber = num(port, 'number');
  if (portName && portNumber !== 0) {
    errs.push(fieldErrors.invalid(path, '', 'cannot set both port name & port number'));
  } else if (portName) {
    for (const m of isValidPortName(portName)) errs.push(fieldErrors.invalid(path.child('service', 'port', 'name'), portName, m));
  } else if (portNumber !== 0) {
    for (const m of isValidPortNum(portNumber)) errs.push(fieldErrors.invalid(path.child('service', 'port', 'number'), portNumber, m));
  } else {
    errs.push(fieldErrors.required(path, 'port name or number is required'));
  }
  return errs;
}

function validateHTTPIngressPath(p: Obj, path: FieldPath): FieldError[] {
  if (!has(p, 'pathType')) return [fieldErrors.required(path.child('pathType'), 'pathType must be specified')];
  const errs: FieldError[] = [];
  const type = str(p, 'pathType');
  const value = str(p, 'path');
  const pathPath = path.child('path');
  switch (type) {
    case 'Exact':
    case 'Prefix':
      if (!value.startsWith('/')) errs.push(fieldErrors.invalid(pathPath, value, 'must be an absolute path'));
      if (value) {
        for (const seq of INVALID_PATH_SEQUENCES) if (value.includes(seq)) errs.push(fieldErrors.invalid(pathPath, value, `must not contain '${seq}'`));
        for (const suffix of INVALID_PATH_SUFFIXES) if (value.endsWith(suffix)) errs.push(fieldErrors.invalid(pathPath, value, `cannot end with '${suffix}'`));
      }
      break;
    case 'ImplementationSpecific':
      if (value && !value.startsWith('/')) errs.push(fieldErrors.invalid(pathPath, value, 'must be an absolute path'));
      break;
    default:
      errs.push(fieldErrors.notSupported(path.child('pathType'), type, PATH_TYPES));
  }
  errs.push(...validateIngressBackend(sub(p, 'backend'), path.child('backend')));
  return errs;
}

/** Upstream's validateIngressRuleValue: an http rule needs paths. */
function validateIngressRuleValue(rule: Obj, path: FieldPath): FieldError[] {
  if (!isObject(rule.http)) return [];
  const http = rule.http as Obj;
  const errs: FieldError[] = [];
  const paths = objects(http, 'paths');
  if (paths.length === 0) errs.push(fieldErrors.required(path.child('http', 'paths'), ''));
  paths.forEach((p, i) => errs.push(...validateHTTPIngressPath(p, path.child('http', 'paths').index(i))));
  return errs;
}

/** Host problems of a rule or TLS host (wildcards allowed in the first label). */
function hostErrors(host: string, path: FieldPath): FieldError[] {
  const msgs = host.includes('*') ? isWildcardDNS1123Subdomain(host) : isDNS1123Subdomain(host);
  return msgs.map((m) => fieldErrors.invalid(path, host, m));
}

function validateIngressRules(rules: Obj[], path: FieldPath, opts: IngressOptions): FieldError[] {
  const errs: FieldError[] = [];
  rules.forEach((rule, i) => {
    const host = str(rule, 'host');
    const hostPath = path.index(i).child('host');
    if (host) {
      if (parseIPSloppy(host)) errs.push(fieldErrors.invalid(hostPath, host, 'must be a DNS name, not an IP address'));
      errs.push(...hostErrors(host, hostPath));
    }
    if (!host.includes('*') || !opts.allowInvalidWildcardHostRule) errs.push(...validateIngressRuleValue(rule, path.index(i)));
  });
  return errs;
}

function validateIngressTLS(tls: Obj[], path: FieldPath, opts: IngressOptions): FieldError[] {
  const errs: FieldError[] = [];
  tls.forEach((t, i) => {
    strings(t, 'hosts').forEach((h, j) => errs.push(...hostErrors(h, path.index(i).child('hosts').index(j))));
    const secret = str(t, 'secretName');
    if (!opts.allowInvalidSecretName && secret) {
      for (const m of nameIsDNSSubdomain(secret, false)) errs.push(fieldErrors.invalid(path.index(i).child('secretName'), secret, m));
    }
  });
  return errs;
}

/** Upstream's ValidateIngressSpec. */
export function validateIngressSpec(spec: Obj, opts: IngressOptions = { allowInvalidSecretName: false, allowInvalidWildcardHostRule: false }): FieldError[] {
  const errs: FieldError[] = [];
  const path = field('spec');
  const rules = objects(spec, 'rules');
  if (rules.length === 0 && !has(spec, 'defaultBackend')) {
    const shown = goValue(goSlice('[]networking.IngressRule', Array.isArray(spec.rules) ? [] : null));
    errs.push(fieldErrors.invalid(path, shown, 'either `defaultBackend` or `rules` must be specified'));
  }
  if (isObject(spec.defaultBackend)) errs.push(...validateIngressBackend(spec.defaultBackend, path.child('defaultBackend')));
  if (rules.length > 0) errs.push(...validateIngressRules(rules, path.child('rules'), opts));
  const tls = objects(spec, 'tls');
  if (tls.length > 0) errs.push(...validateIngressTLS(tls, path.child('tls'), opts));
  if (typeof spec.ingressClassName === 'string') {
    for (const m of nameIsDNSSubdomain(spec.ingressClassName, false)) {
      errs.push(fieldErrors.invalid(path.child('ingressClassName'), spec.ingressClassName, m));
    }
  }
  return errs;
}

function validateIngressCreate(ing: KubeObject): FieldError[] {
  const spec = sub(ing, 'spec');
  const errs = validateIngressSpec(spec);
  const annotation = ing.metadata?.annotations?.[INGRESS_CLASS_ANNOTATION];
  if (annotation !== undefined && typeof spec.ingressClassName === 'string' && annotation !== spec.ingressClassName) {
    // upstream's path is relative to metadata and names the annotation as a child field
    errs.push(fieldErrors.invalid(field('annotations', INGRESS_CLASS_ANNOTATION), annotation, 'must match `ingressClassName` when both are specified'));
  }
  return errs;
}

function validateIngressUpdate(ing: KubeObject, old: KubeObject): FieldError[] {
  const prev = sub(old, 'spec');
  // As upstream: data stored before a rule tightened stays updatable.
  const opts: IngressOptions = {
    allowInvalidSecretName: objects(prev, 'tls').some((t) => str(t, 'secretName') !== '' && nameIsDNSSubdomain(str(t, 'secretName'), false).length > 0),
    allowInvalidWildcardHostRule: objects(prev, 'rules').some(
      (r) => str(r, 'host').includes('*') && validateIngressRuleValue(r, field()).length > 0,
    ),
  };
  return validateIngressSpec(sub(ing, 'spec'), opts);
}

/** Upstream's ValidateIngressLoadBalancerStatus (1.32). */
function validateIngressStatus(ing: KubeObject): FieldError[] {
  const errs: FieldError[] = [];
  objects(sub(ing.status, 'loadBalancer'), 'ingress').forEach((lb, i) => {
    const p = field('status', 'loadBalancer', 'ingress').index(i);
    const ip = str(lb, 'ip');
    if (ip && !parseIPSloppy(ip)) errs.push(fieldErrors.invalid(p.child('ip'), ip, 'must be a valid IP address'));
    const host = str(lb, 'hostname');
    if (host) {
      for (const m of isDNS1123Subdomain(host)) errs.push(fieldErrors.invalid(p.child('hostname'), host, m));
      if (parseIPSloppy(host)) errs.push(fieldErrors.invalid(p.child('hostname'), host, 'must be a DNS name, not an IP address'));
    }
  });
  return errs;
}

const ingresses: Partial<TypeStrategy> = {
  prepareForCreate(ing) {
    ing.status = { loadBalancer: {} };
  },
  prepareForStatusUpdate(ing) {
    const status = isObject(ing.status) ? ing.status : (ing.status = {});
    if (!isObject(status.loadBalancer)) status.loadBalancer = {};
  },
  validate: validateIngressCreate,
  validateUpdate: validateIngressUpdate,
  validateStatusUpdate: validateIngressStatus,
  warnings(ing, old) {
    // as upstream: on create only
    if (old || ing.metadata?.annotations?.[INGRESS_CLASS_ANNOTATION] === undefined) return [];
    return [`annotation ${goQuote(INGRESS_CLASS_ANNOTATION)} is deprecated, please use 'spec.ingressClassName' instead`];
  },
};

// ---------------------------------------------------------------------------------------
// IngressClasses

function validateParametersReference(params: unknown, path: FieldPath): FieldError[] {
  if (!isObject(params)) return [];
  const errs: FieldError[] = [];
  if (typeof params.apiGroup === 'string') {
    for (const m of isDNS1123Subdomain(params.apiGroup)) errs.push(fieldErrors.invalid(path.child('apiGroup'), params.apiGroup, m));
  }
  for (const key of ['kind', 'name']) {
    const v = str(params, key);
    if (!v) errs.push(fieldErrors.required(path.child(key), ''));
    else for (const m of isValidPathSegmentName(v)) errs.push(fieldErrors.invalid(path.child(key), v, m));
  }
  if (!has(params, 'scope')) {
    errs.push(fieldErrors.required(path.child('scope'), ''));
    return errs;
  }
  const scope = str(params, 'scope');
  if (!PARAMETER_SCOPES.includes(scope)) {
    errs.push(fieldErrors.notSupported(path.child('scope'), scope, PARAMETER_SCOPES));
    return errs;
  }
  if (scope === 'Namespace') {
    if (!has(params, 'namespace')) errs.push(fieldErrors.required(path.child('namespace'), "`parameters.scope` is set to 'Namespace'"));
    else for (const m of nameIsDNSLabel(str(params, 'namespace'), false)) errs.push(fieldErrors.invalid(path.child('namespace'), str(params, 'namespace'), m));
  }
  if (scope === 'Cluster' && has(params, 'namespace')) errs.push(fieldErrors.forbidden(path.child('namespace'), "`parameters.scope` is set to 'Cluster'"));
  return errs;
}

/** Upstream's validateIngressClassSpec. */
export function validateIngressClass(ic: KubeObject): FieldError[] {
  const spec = sub(ic, 'spec');
  const errs: FieldError[] = [];
  const controller = str(spec, 'controller');
  const path = field('spec', 'controller');
  if (!controller) {
    errs.push(fieldErrors.required(path, ''));
  } else {
    if (Buffer.byteLength(controller) > MAX_INGRESS_CLASS_CONTROLLER) errs.push(fieldErrors.tooLong(path, controller, MAX_INGRESS_CLASS_CONTROLLER));
    errs.push(...validateDomainPrefixedPath(path, controller));
  }
  errs.push(...validateParametersReference(spec.parameters, field('spec', 'parameters')));
  return errs;
}

const ingressClasses: Partial<TypeStrategy> = {
  validate: validateIngressClass,
  validateUpdate: (ic, old) => [
    ...immutable(str(sub(ic, 'spec'), 'controller'), str(sub(old, 'spec'), 'controller'), field('spec', 'controller')),
    ...validateIngressClass(ic),
  ],
};

// ---------------------------------------------------------------------------------------
// NetworkPolicies

function validateNetworkPolicyPort(port: Obj, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  if (typeof port.protocol === 'string' && !PROTOCOLS.includes(port.protocol)) {
    errs.push(fieldErrors.notSupported(path.child('protocol'), port.protocol, PROTOCOLS));
  }
  const hasEnd = has(port, 'endPort');
  const end = num(port, 'endPort');
  if (typeof port.port === 'number') {
    for (const m of isValidPortNum(port.port)) errs.push(fieldErrors.invalid(path.child('port'), port.port, m));
    if (hasEnd) {
      // upstream reports the start port as the bad value here
      if (end < port.port) errs.push(fieldErrors.invalid(path.child('endPort'), port.port, 'must be greater than or equal to `port`'));
      for (const m of isValidPortNum(end)) errs.push(fieldErrors.invalid(path.child('endPort'), end, m));
    }
  } else if (typeof port.port === 'string') {
    if (hasEnd) errs.push(fieldErrors.invalid(path.child('endPort'), end, 'may not be specified when `port` is non-numeric'));
    for (const m of isValidPortName(port.port)) errs.push(fieldErrors.invalid(path.child('port'), port.port, m));
  } else if (hasEnd) {
    errs.push(fieldErrors.invalid(path.child('endPort'), end, 'may not be specified when `port` is not specified'));
  }
  return errs;
}

/** Whether `inner` is a strict subset of `outer` (both parsed CIDRs). */
function strictSubset(outer: NonNullable<ReturnType<typeof parseCIDRSloppy>>, inner: NonNullable<ReturnType<typeof parseCIDRSloppy>>): boolean {
  if (outer.family !== inner.family || inner.bits <= outer.bits) return false;
  // IPv4 addresses may come in their 16-byte (IPv4-mapped) form: compare the last 4 bytes
  const bytes = (c: typeof outer) => (c.family === 4 ? c.ip.subarray(c.ip.length - 4) : c.ip);
  const a = bytes(outer);
  const b = bytes(inner);
  for (let bit = 0; bit < outer.bits; bit++) {
    const byte = bit >> 3;
    const mask = 0x80 >> (bit & 7);
    if ((a[byte]! & mask) !== (b[byte]! & mask)) return false;
  }
  return true;
}

/** Upstream's ValidateIPBlock (1.32). */
function validateIPBlock(ipb: Obj, path: FieldPath): FieldError[] {
  const cidr = str(ipb, 'cidr');
  if (!cidr) return [fieldErrors.required(path.child('cidr'), '')];
  const outer = parseCIDRSloppy(cidr);
  if (!outer) return [fieldErrors.invalid(path.child('cidr'), cidr, 'not a valid CIDR')];
  const errs: FieldError[] = [];
  const except = strings(ipb, 'except');
  for (let i = 0; i < except.length; i++) {
    const p = path.child('except').index(i);
    const inner = parseCIDRSloppy(except[i]!);
    if (!inner) {
      errs.push(fieldErrors.invalid(p, except[i], 'not a valid CIDR'));
      return errs;
    }
    if (!strictSubset(outer, inner)) errs.push(fieldErrors.invalid(p, except[i], 'must be a strict subset of `cidr`'));
  }
  return errs;
}

function validateNetworkPolicyPeer(peer: Obj, opts: LabelSelectorValidationOptions, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  let peers = 0;
  for (const key of ['podSelector', 'namespaceSelector']) {
    if (!has(peer, key)) continue;
    peers++;
    errs.push(...validateLabelSelector(asLabelSelector(peer[key]), opts, path.child(key)));
  }
  if (has(peer, 'ipBlock')) {
    peers++;
    errs.push(...validateIPBlock(sub(peer, 'ipBlock'), path.child('ipBlock')));
  }
  if (peers === 0) errs.push(fieldErrors.required(path, 'must specify a peer'));
  else if (peers > 1 && has(peer, 'ipBlock')) errs.push(fieldErrors.forbidden(path, 'may not specify both ipBlock and another peer'));
  return errs;
}

/** Upstream's ValidateNetworkPolicySpec. */
export function validateNetworkPolicySpec(spec: Obj, opts: LabelSelectorValidationOptions = {}): FieldError[] {
  const path = field('spec');
  const errs = validateLabelSelector(asLabelSelector(spec.podSelector) ?? {}, opts, path.child('podSelector'));
  for (const [dir, peersKey] of [
    ['ingress', 'from'],
    ['egress', 'to'],
  ] as const) {
    objects(spec, dir).forEach((rule, i) => {
      const rp = path.child(dir).index(i);
      objects(rule, 'ports').forEach((port, j) => errs.push(...validateNetworkPolicyPort(port, rp.child('ports').index(j))));
      objects(rule, peersKey).forEach((peer, j) => errs.push(...validateNetworkPolicyPeer(peer, opts, rp.child(peersKey).index(j))));
    });
  }
  const types = strings(spec, 'policyTypes');
  if (types.length > POLICY_TYPES.length) {
    errs.push(fieldErrors.invalid(path.child('policyTypes'), goValue('&' + goSlice('[]networking.PolicyType', types)), 'may not specify more than two policyTypes'));
    return errs;
  }
  types.forEach((t, i) => {
    if (!POLICY_TYPES.includes(t)) errs.push(fieldErrors.notSupported(path.child('policyTypes').index(i), t, POLICY_TYPES));
  });
  return errs;
}

const networkPolicies: Partial<TypeStrategy> = {
  validate: (np) => validateNetworkPolicySpec(sub(np, 'spec')),
  validateUpdate(np, old) {
    // As upstream: a stored pod selector with bad label values stays updatable.
    const oldSelector = asLabelSelector(sub(old, 'spec').podSelector) ?? {};
    const allowInvalidLabelValueInSelector = validateLabelSelector(oldSelector, {}, field()).length > 0;
    return validateNetworkPolicySpec(sub(np, 'spec'), { allowInvalidLabelValueInSelector });
  },
};

/** Ingresses, IngressClasses and NetworkPolicies. */
export const NETWORKING_STRATEGIES: StrategyOverlay = {
  'networking.k8s.io/ingresses': ingresses,
  'networking.k8s.io/ingressclasses': ingressClasses,
  'networking.k8s.io/networkpolicies': networkPolicies,
};
