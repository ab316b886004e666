/**
 * core/v1 Services and Endpoints, as kube-apiserver 1.32 defaults, prepares and validates
 * them (SetDefaults_Service / SetDefaults_Endpoints, pkg/registry/core/service strategy,
 * ValidateService / ValidateEndpoints, the service warnings).
 *
 * The registry (src/apiserver/registry/core/services.ts) allocates clusterIP(s), ipFamilies,
 * ipFamilyPolicy and nodePorts after validation, where upstream allocates before; so on
 * create these fields may be empty here, and validation treats empty as "to be allocated".
 * It also carries allocated values over on update before these hooks run.
 */
import { FieldErrorType, fieldErrors, type FieldError } from '../../apimachinery/field-errors.js';
import { field, type FieldPath } from '../../apimachinery/field-path.js';
import { goQuote, goStringSlice } from '../../apimachinery/go-format.js';
import { isObject, type KubeObject } from '../../apimachinery/types.js';
import { isValidCIDR, isValidPortName, isValidPortNum, parseIPSloppy, validateLabels } from '../../apimachinery/validation.js';
import { deepEqual } from '../../util/deep.js';
import type { StrategyOverlay, TypeStrategy } from '../strategy.js';
import { child, has, list, num, objects, str, stringMap, strings, sub, type Obj } from './access.js';
import { goNilPointer, goSlice, goStruct, goValue } from './go-values.js';
import {
  dnsLabelErrors,
  dnsSubdomainErrors,
  fieldErrorWithDetail,
  isIPv6String,
  qualifiedNameErrors,
  validateIP,
  validateNonSpecialIP,
} from './validators.js';

const PROTOCOLS = ['SCTP', 'TCP', 'UDP'];
const SERVICE_TYPES = ['ClusterIP', 'ExternalName', 'LoadBalancer', 'NodePort'];
const SESSION_AFFINITIES = ['ClientIP', 'None'];
const TRAFFIC_POLICIES = ['Cluster', 'Local'];
const IP_FAMILIES = ['IPv4', 'IPv6'];
const IP_FAMILY_POLICIES = ['PreferDualStack', 'RequireDualStack', 'SingleStack'];
const LB_IP_MODES = ['Proxy', 'VIP'];
const MAX_CLIENT_IP_AFFINITY_SECONDS = 86400;
const TOPOLOGY_HINTS_ANNOTATION = 'service.kubernetes.io/topology-aware-hints';
const TOPOLOGY_MODE_ANNOTATION = 'service.kubernetes.io/topology-mode';
const LB_SOURCE_RANGES_ANNOTATION = 'service.beta.kubernetes.io/load-balancer-source-ranges';

const specOf = (o: KubeObject): Obj => child(o as Obj, 'spec');

/** As upstream's ExternallyAccessible: NodePort, LoadBalancer, or ClusterIP with external IPs. */
export function externallyAccessible(spec: Obj): boolean {
  const t = str(spec, 'type');
  return t === 'LoadBalancer' || t === 'NodePort' || (t === 'ClusterIP' && list(spec, 'externalIPs').length > 0);
}

/** LoadBalancer services with externalTrafficPolicy Local need a health check node port. */
const needsHealthCheck = (spec: Obj) => str(spec, 'type') === 'LoadBalancer' && str(spec, 'externalTrafficPolicy') === 'Local';
const needsClusterIP = (spec: Obj) => str(spec, 'type') !== 'ExternalName';
const needsNodePort = (spec: Obj) => {
  const t = str(spec, 'type');
  return t === 'NodePort' || (t === 'LoadBalancer' && spec.allocateLoadBalancerNodePorts !== false);
};

/** A headless service: clusterIPs is exactly ["None"]. */
export function isHeadless(spec: Obj): boolean {
  const ips = strings(spec, 'clusterIPs');
  return ips.length === 1 && ips[0] === 'None';
}

// ---------------------------------------------------------------------------------------
// Defaulting

/**
 * The parts of SetDefaults_Service that the shared defaults (defaults.ts) leave out: a
 * sessionAffinityConfig goes with sessionAffinity None, ClusterIP services with external
 * IPs get externalTrafficPolicy Cluster, and load-balancer ingress IPs get ipMode VIP.
 */
export function defaultServiceExtras(svc: KubeObject): void {
  const spec = specOf(svc);
  if (spec.sessionAffinity === 'None') delete spec.sessionAffinityConfig;
  if (externallyAccessible(spec) && !spec.externalTrafficPolicy) spec.externalTrafficPolicy = 'Cluster';
  if (spec.type === 'LoadBalancer') defaultIngressIPMode(svc);
}

// As upstream: LoadBalancer ingress points with an IP get ipMode VIP.
function defaultIngressIPMode(svc: KubeObject): void {
  for (const ing of objects(sub(svc.status, 'loadBalancer'), 'ingress')) {
    if (ing.ip && (ing.ipMode === undefined || ing.ipMode === null)) ing.ipMode = 'VIP';
  }
}

// ---------------------------------------------------------------------------------------
// Preparation

/**
 * As upstream's normalizeClusterIPs: keeps the singular and plural clusterIP fields in
 * step for clients that manage only one of them.
 */
export function normalizeClusterIPs(spec: Obj, old?: Obj): void {
  const ip = str(spec, 'clusterIP');
  const ips = strings(spec, 'clusterIPs');
  if (!old) {
    if (ip && ips.length === 0) spec.clusterIPs = [ip];
    return;
  }
  const oldIP = str(old, 'clusterIP');
  const oldIPs = strings(old, 'clusterIPs');
  if (oldIPs.length > 0 && ips.length === 0 && oldIP === ip) spec.clusterIPs = [...oldIPs];
  if (oldIP !== ip) {
    const same = deepEqual(strings(spec, 'clusterIPs'), oldIPs);
    if (oldIP && !ip) {
      if (same) delete spec.clusterIPs;
    } else if (same) {
      spec.clusterIPs = [ip];
    }
  }
}

/**
 * As upstream's dropTypeDependentFields: when the type changes, fields the new type does
 * not use are cleared if the client left them as they were (so that they would have been
 * set automatically); fields the client changed are left for validation to judge.
 */
function dropTypeDependentFields(spec: Obj, old: Obj): void {
  if (needsClusterIP(old) && !needsClusterIP(spec)) {
    if (str(spec, 'clusterIP') === str(old, 'clusterIP') && deepEqual(strings(spec, 'clusterIPs'), strings(old, 'clusterIPs'))) {
      delete spec.clusterIP;
      delete spec.clusterIPs;
    }
    if (deepEqual(strings(spec, 'ipFamilies'), strings(old, 'ipFamilies'))) delete spec.ipFamilies;
    if ((spec.ipFamilyPolicy ?? null) === (old.ipFamilyPolicy ?? null)) delete spec.ipFamilyPolicy;
  }
  if (needsHealthCheck(old) && !needsHealthCheck(spec) && num(spec, 'healthCheckNodePort') === num(old, 'healthCheckNodePort')) {
    delete spec.healthCheckNodePort;
  }
  if (str(old, 'type') === 'LoadBalancer' && str(spec, 'type') !== 'LoadBalancer') {
    if (typeof spec.allocateLoadBalancerNodePorts === 'boolean' && spec.allocateLoadBalancerNodePorts === old.allocateLoadBalancerNodePorts) {
      delete spec.allocateLoadBalancerNodePorts;
    }
    if ((spec.loadBalancerClass ?? null) === (old.loadBalancerClass ?? null)) delete spec.loadBalancerClass;
  }
  if (externallyAccessible(old) && !externallyAccessible(spec) && str(spec, 'externalTrafficPolicy') === str(old, 'externalTrafficPolicy')) {
    delete spec.externalTrafficPolicy;
  }
}

// ---------------------------------------------------------------------------------------
// Validation

/** `core.ServicePort{...}` as upstream prints the (protocol, port) key of a duplicate port. */
function goServicePortKey(protocol: string, port: number): string {
  return goStruct('core.ServicePort', [
    ['Name', '""'],
    ['Protocol', goQuote(protocol)],
    ['AppProtocol', goNilPointer('string')],
    ['Port', String(port)],
    ['TargetPort', 'intstr.IntOrString{Type:0, IntVal:0, StrVal:""}'],
    ['NodePort', '0'],
  ]);
}

/** Upstream's ValidatePortNumOrName for an IntOrString port. */
export function validatePortNumOrName(port: unknown, path: FieldPath): FieldError[] {
  if (typeof port === 'number') return isValidPortNum(port).map((m) => fieldErrors.invalid(path, port, m));
  if (typeof port === 'string') return isValidPortName(port).map((m) => fieldErrors.invalid(path, port, m));
  return isValidPortNum(0).map((m) => fieldErrors.invalid(path, 0, m));
}

function validateServicePort(p: Obj, requireName: boolean, names: Set<string>, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  const name = str(p, 'name');
  if (requireName && !name) {
    errs.push(fieldErrors.required(path.child('name'), ''));
  } else if (name) {
    errs.push(...dnsLabelErrors(name, path.child('name')));
    if (names.has(name)) errs.push(fieldErrors.duplicate(path.child('name'), name));
    else names.add(name);
  }
  for (const m of isValidPortNum(num(p, 'port'))) errs.push(fieldErrors.invalid(path.child('port'), num(p, 'port'), m));
  const proto = str(p, 'protocol');
  if (!proto) errs.push(fieldErrors.required(path.child('protocol'), ''));
  else if (!PROTOCOLS.includes(proto)) errs.push(fieldErrors.notSupported(path.child('protocol'), proto, PROTOCOLS));
  errs.push(...validatePortNumOrName(p.targetPort, path.child('targetPort')));
  if (typeof p.appProtocol === 'string') errs.push(...qualifiedNameErrors(p.appProtocol, path.child('appProtocol')));
  return errs;
}

function validateClientIPAffinityConfig(spec: Obj, path: FieldPath): FieldError[] {
  const detail = 'when session affinity type is ClientIP';
  if (!has(spec, 'sessionAffinityConfig')) return [fieldErrors.required(path, detail)];
  const cfg = sub(spec, 'sessionAffinityConfig');
  if (!has(cfg, 'clientIP')) return [fieldErrors.required(path.child('clientIP'), detail)];
  const clientIP = sub(cfg, 'clientIP');
  const tp = path.child('clientIP', 'timeoutSeconds');
  if (!has(clientIP, 'timeoutSeconds')) return [fieldErrors.required(tp, detail)];
  const t = num(clientIP, 'timeoutSeconds');
  if (t <= 0 || t > MAX_CLIENT_IP_AFFINITY_SECONDS) {
    return [fieldErrors.invalid(tp, t, `must be greater than 0 and less than ${MAX_CLIENT_IP_AFFINITY_SECONDS}`)];
  }
  return [];
}

/** Upstream's ValidateServiceClusterIPsRelatedFields (clusterIP(s), ipFamilies, ipFamilyPolicy). */
function validateClusterIPsRelatedFields(spec: Obj): FieldError[] {
  if (str(spec, 'type') === 'ExternalName') return [];
  const errs: FieldError[] = [];
  const ipsPath = field('spec', 'clusterIPs');
  const famPath = field('spec', 'ipFamilies');
  const clusterIP = str(spec, 'clusterIP');
  const ips = strings(spec, 'clusterIPs');
  const ipsValue = goValue(goStringSlice(Array.isArray(spec.clusterIPs) ? ips : null));
  if (clusterIP) {
    if (ips.length === 0) errs.push(fieldErrors.required(ipsPath, ''));
    else if (ips[0] !== clusterIP) errs.push(fieldErrors.invalid(ipsPath, ipsValue, 'first value must match `clusterIP`'));
  } else if (ips.length !== 0) {
    errs.push(fieldErrors.invalid(ipsPath, ipsValue, 'must be empty when `clusterIP` is not specified'));
  }
  const seen = new Set<string>();
  strings(spec, 'ipFamilies').forEach((fam, i) => {
    if (!IP_FAMILIES.includes(fam)) errs.push(fieldErrors.notSupported(famPath.index(i), fam, IP_FAMILIES));
    if (seen.has(fam)) errs.push(fieldErrors.duplicate(famPath.index(i), fam));
    seen.add(fam);
  });
  if (typeof spec.ipFamilyPolicy === 'string' && !IP_FAMILY_POLICIES.includes(spec.ipFamilyPolicy)) {
    errs.push(fieldErrors.notSupported(field('spec', 'ipFamilyPolicy'), spec.ipFamilyPolicy, IP_FAMILY_POLICIES));
  }
  let invalidIPs = false;
  ips.forEach((ip, i) => {
    if (i === 0 && ip === 'None') {
      if (ips.length > 1) {
        invalidIPs = true;
        errs.push(fieldErrors.invalid(ipsPath, ipsValue, "'None' must be the first and only value"));
      }
      return;
    }
    const e = validateIP(ip, ipsPath.index(i));
    if (e.length) invalidIPs = true;
    errs.push(...e);
  });
  if (ips.length > 2) errs.push(fieldErrors.invalid(ipsPath, ipsValue, 'may only hold up to 2 values'));
  if (invalidIPs) return errs;
  if (ips.length > 1) {
    const v6 = ips.map(isIPv6String);
    const dualStack = v6.length === 2 && v6[0] !== v6[1];
    if (!dualStack) errs.push(fieldErrors.invalid(ipsPath, ipsValue, 'may specify no more than one IP for each IP family'));
  }
  const fams = strings(spec, 'ipFamilies');
  if (!isHeadless(spec) && ips.length > 0 && fams.length > 0) {
    ips.forEach((ip, i) => {
      if (i > fams.length - 1) return;
      if (fams[i] === 'IPv4' && isIPv6String(ip)) {
        errs.push(fieldErrors.invalid(ipsPath.index(i), ip, `expected an IPv4 value as indicated by \`ipFamilies[${i}]\``));
      }
      if (fams[i] === 'IPv6' && !isIPv6String(ip)) {
        errs.push(fieldErrors.invalid(ipsPath.index(i), ip, `expected an IPv6 value as indicated by \`ipFamilies[${i}]\``));
      }
    });
  }
  return errs;
}

function validateLoadBalancerClass(spec: Obj, old?: Obj): FieldError[] {
  const errs: FieldError[] = [];
  const path = field('spec', 'loadBalancerClass');
  const lb = (s: Obj) => str(s, 'type') === 'LoadBalancer';
  if (old && lb(old) && lb(spec) && (old.loadBalancerClass ?? null) !== (spec.loadBalancerClass ?? null)) {
    errs.push(fieldErrors.invalid(path, spec.loadBalancerClass ?? null, 'may not change once set'));
  }
  if (lb(spec)) {
    if (typeof spec.loadBalancerClass === 'string') errs.push(...qualifiedNameErrors(spec.loadBalancerClass, path));
  } else if (has(spec, 'loadBalancerClass')) {
    errs.push(fieldErrors.forbidden(path, "may only be used when `type` is 'LoadBalancer'"));
  }
  return errs;
}

function validateExternalTrafficPolicy(spec: Obj): FieldError[] {
  const errs: FieldError[] = [];
  const etp = str(spec, 'externalTrafficPolicy');
  const etpPath = field('spec', 'externalTrafficPolicy');
  if (!externallyAccessible(spec)) {
    if (etp) errs.push(fieldErrors.invalid(etpPath, etp, 'may only be set for externally-accessible services'));
  } else if (!etp) {
    errs.push(fieldErrors.required(etpPath, ''));
  } else if (!TRAFFIC_POLICIES.includes(etp)) {
    errs.push(fieldErrors.notSupported(etpPath, etp, TRAFFIC_POLICIES));
  }
  const hc = num(spec, 'healthCheckNodePort');
  const hcPath = field('spec', 'healthCheckNodePort');
  if (!needsHealthCheck(spec)) {
    if (hc !== 0) errs.push(fieldErrors.invalid(hcPath, hc, "may only be set when `type` is 'LoadBalancer' and `externalTrafficPolicy` is 'Local'"));
  } else if (hc !== 0) {
    // A zero port is left to the registry (upstream allocates it before validating).
    for (const m of isValidPortNum(hc)) errs.push(fieldErrors.invalid(hcPath, hc, m));
  }
  return errs;
}

/** Upstream's ValidateService (type-specific part; metadata is checked by the registry). */
export function validateService(svc: KubeObject): FieldError[] {
  const errs: FieldError[] = [];
  const spec = sub(svc, 'spec');
  const annotations = svc.metadata?.annotations ?? {};
  const hints = annotations[TOPOLOGY_HINTS_ANNOTATION];
  const mode = annotations[TOPOLOGY_MODE_ANNOTATION];
  if (hints !== undefined && mode !== undefined && hints !== mode) {
    errs.push(
      fieldErrors.invalid(
        field('metadata', 'annotations').key(TOPOLOGY_MODE_ANNOTATION),
        mode,
        `must match annotations[${TOPOLOGY_HINTS_ANNOTATION}] when both are specified`,
      ),
    );
  }
  const type = str(spec, 'type');
  const ports = objects(spec, 'ports');
  const headless = isHeadless(spec);
  if (ports.length === 0 && !headless && type !== 'ExternalName') errs.push(fieldErrors.required(field('spec', 'ports'), ''));
  const ips = strings(spec, 'clusterIPs');
  switch (type) {
    case 'LoadBalancer':
      if (headless) errs.push(fieldErrors.invalid(field('spec', 'clusterIPs').index(0), ips[0], "may not be set to 'None' for LoadBalancer services"));
      break;
    case 'NodePort':
      if (headless) errs.push(fieldErrors.invalid(field('spec', 'clusterIPs').index(0), ips[0], "may not be set to 'None' for NodePort services"));
      break;
    case 'ExternalName': {
      if (ips.length > 0) errs.push(fieldErrors.forbidden(field('spec', 'clusterIPs'), 'may not be set for ExternalName services'));
      if (list(spec, 'ipFamilies').length > 0) errs.push(fieldErrors.forbidden(field('spec', 'ipFamilies'), 'may not be set for ExternalName services'));
      if (has(spec, 'ipFamilyPolicy')) errs.push(fieldErrors.forbidden(field('spec', 'ipFamilyPolicy'), 'may not be set for ExternalName services'));
      const cname = str(spec, 'externalName').replace(/\.$/, '');
      if (cname) errs.push(...dnsSubdomainErrors(cname, field('spec', 'externalName')));
      else errs.push(fieldErrors.required(field('spec', 'externalName'), ''));
      break;
    }
  }
  const names = new Set<string>();
  ports.forEach((p, i) => errs.push(...validateServicePort(p, ports.length > 1, names, field('spec', 'ports').index(i))));
  if (isObject(spec.selector)) errs.push(...validateLabels(stringMap(spec, 'selector'), field('spec', 'selector')));

  const affinity = str(spec, 'sessionAffinity');
  if (!affinity) errs.push(fieldErrors.required(field('spec', 'sessionAffinity'), ''));
  else if (!SESSION_AFFINITIES.includes(affinity)) errs.push(fieldErrors.notSupported(field('spec', 'sessionAffinity'), affinity, SESSION_AFFINITIES));
  if (affinity === 'ClientIP') errs.push(...validateClientIPAffinityConfig(spec, field('spec', 'sessionAffinityConfig')));
  else if (affinity === 'None' && has(spec, 'sessionAffinityConfig')) {
    errs.push(fieldErrors.forbidden(field('spec', 'sessionAffinityConfig'), 'must not be set when session affinity is None'));
  }

  errs.push(...validateClusterIPsRelatedFields(spec));

  strings(spec, 'externalIPs').forEach((ip, i) => {
    const p = field('spec', 'externalIPs').index(i);
    const e = validateIP(ip, p);
    errs.push(...(e.length ? e : validateNonSpecialIP(ip, p)));
  });

  if (!type) errs.push(fieldErrors.required(field('spec', 'type'), ''));
  else if (!SERVICE_TYPES.includes(type)) errs.push(fieldErrors.notSupported(field('spec', 'type'), type, SERVICE_TYPES));

  if (type === 'ClusterIP') {
    ports.forEach((p, i) => {
      if (num(p, 'nodePort') !== 0) errs.push(fieldErrors.forbidden(field('spec', 'ports').index(i).child('nodePort'), "may not be used when `type` is 'ClusterIP'"));
    });
  }
  const nodePorts = new Set<string>();
  ports.forEach((p, i) => {
    const np = num(p, 'nodePort');
    if (np === 0) return;
    const key = `${str(p, 'protocol')}/${np}`;
    if (nodePorts.has(key)) errs.push(fieldErrors.duplicate(field('spec', 'ports').index(i).child('nodePort'), np));
    nodePorts.add(key);
  });
  const portKeys = new Set<string>();
  ports.forEach((p, i) => {
    const key = `${str(p, 'protocol')}/${num(p, 'port')}`;
    if (portKeys.has(key)) errs.push(fieldErrors.duplicate(field('spec', 'ports').index(i), goValue(goServicePortKey(str(p, 'protocol'), num(p, 'port')))));
    portKeys.add(key);
  });

  const ranges = strings(spec, 'loadBalancerSourceRanges');
  if (ranges.length > 0) {
    const p = field('spec', 'LoadBalancerSourceRanges');
    if (type !== 'LoadBalancer') errs.push(fieldErrors.forbidden(p, "may only be used when `type` is 'LoadBalancer'"));
    ranges.forEach((r, i) => {
      const v = r.trim();
      for (const m of isValidCIDR(v)) errs.push(fieldErrors.invalid(p.index(i), v, m));
    });
  } else if (annotations[LB_SOURCE_RANGES_ANNOTATION] !== undefined) {
    const p = field('metadata', 'annotations').key(LB_SOURCE_RANGES_ANNOTATION);
    if (type !== 'LoadBalancer') errs.push(fieldErrors.forbidden(p, "may only be used when `type` is 'LoadBalancer'"));
    const val = annotations[LB_SOURCE_RANGES_ANNOTATION]!.trim();
    if (val) {
      for (const c of val.split(',')) {
        const v = c.trim();
        for (const m of isValidCIDR(v)) errs.push(fieldErrors.invalid(p, v, m));
      }
    }
  }

  if (has(spec, 'allocateLoadBalancerNodePorts') && type !== 'LoadBalancer') {
    errs.push(fieldErrors.forbidden(field('spec', 'allocateLoadBalancerNodePorts'), "may only be used when `type` is 'LoadBalancer'"));
  }
  if (type === 'LoadBalancer' && !has(spec, 'allocateLoadBalancerNodePorts')) {
    // upstream's path lacks the `spec.` prefix here
    errs.push(fieldErrors.required(field('allocateLoadBalancerNodePorts'), ''));
  }
  errs.push(...validateLoadBalancerClass(spec));
  errs.push(...validateExternalTrafficPolicy(spec));

  const itp = spec.internalTrafficPolicy;
  if ((itp === undefined || itp === null) && (type === 'NodePort' || type === 'LoadBalancer' || type === 'ClusterIP')) {
    errs.push(fieldErrors.required(field('spec', 'internalTrafficPolicy'), ''));
  }
  if (typeof itp === 'string' && !TRAFFIC_POLICIES.includes(itp)) {
    errs.push(fieldErrors.notSupported(field('spec', 'internalTrafficPolicy'), itp, TRAFFIC_POLICIES));
  }
  if (typeof spec.trafficDistribution === 'string' && spec.trafficDistribution !== 'PreferClose') {
    errs.push(fieldErrors.notSupported(field('spec', 'trafficDistribution'), spec.trafficDistribution, ['PreferClose']));
  }
  return errs;
}

const stringsValue = (spec: Obj, key: string) => goValue(goStringSlice(Array.isArray(spec[key]) ? strings(spec, key) : null));

/** Upstream's validateUpgradeDowngradeClusterIPs. */
function validateClusterIPsUpdate(spec: Obj, old: Obj): FieldError[] {
  const errs: FieldError[] = [];
  if (str(spec, 'type') === 'ExternalName' || str(old, 'type') === 'ExternalName') return errs;
  if (isHeadless(old) && isHeadless(spec)) return errs;
  const oldIPs = strings(old, 'clusterIPs');
  const ips = strings(spec, 'clusterIPs');
  const p = field('spec', 'clusterIPs');
  // k8ts: an update that leaves clusterIPs empty keeps the allocated ones (the registry
  // copies them before these hooks run), so an empty list here means "not given".
  if (ips.length === 0) return errs;
  if (oldIPs.length === ips.length) {
    oldIPs.forEach((ip, i) => {
      if (ip !== ips[i]) errs.push(fieldErrors.invalid(p.index(i), stringsValue(spec, 'clusterIPs'), 'may not change once set'));
    });
  } else if (oldIPs.length > ips.length) {
    if (ips[0] !== oldIPs[0]) errs.push(fieldErrors.invalid(p.index(0), stringsValue(spec, 'clusterIPs'), 'may not change once set'));
    if (ips.length === 1 && spec.ipFamilyPolicy !== 'SingleStack') {
      errs.push(
        fieldErrors.invalid(field('spec', 'ipFamilyPolicy'), spec.ipFamilyPolicy ?? null, "must be set to 'SingleStack' when releasing the secondary clusterIP"),
      );
    }
  } else if (oldIPs.length > 0 && ips[0] !== oldIPs[0]) {
    errs.push(fieldErrors.invalid(p.index(0), stringsValue(spec, 'clusterIPs'), 'may not change once set'));
  }
  return errs;
}

/** Upstream's validateUpgradeDowngradeIPFamilies. */
function validateIPFamiliesUpdate(spec: Obj, old: Obj): FieldError[] {
  const errs: FieldError[] = [];
  if (str(spec, 'type') === 'ExternalName' || str(old, 'type') === 'ExternalName') return errs;
  if (isHeadless(spec) !== isHeadless(old) || isHeadless(spec)) return errs;
  const oldF = strings(old, 'ipFamilies');
  const f = strings(spec, 'ipFamilies');
  const p = field('spec', 'ipFamilies').index(0);
  if (f.length === 0) return errs; // filled by the registry from the old object
  if (oldF.length === f.length) {
    oldF.forEach((fam, i) => {
      if (fam !== f[i]) errs.push(fieldErrors.invalid(p, goValue(goSlice('[]core.IPFamily', f)), 'may not change once set'));
    });
  } else if (oldF.length > f.length) {
    if (f[0] !== oldF[0]) errs.push(fieldErrors.invalid(p, stringsValue(spec, 'clusterIPs'), 'may not change once set'));
    if (f.length === 1 && spec.ipFamilyPolicy !== 'SingleStack') {
      errs.push(
        fieldErrors.invalid(field('spec', 'ipFamilyPolicy'), spec.ipFamilyPolicy ?? null, "must be set to 'SingleStack' when releasing the secondary ipFamily"),
      );
    }
  } else if (oldF.length > 0 && f[0] !== oldF[0]) {
    errs.push(fieldErrors.invalid(p, stringsValue(spec, 'clusterIPs'), 'may not change once set'));
  }
  return errs;
}

function validateServiceUpdate(svc: KubeObject, old: KubeObject): FieldError[] {
  const spec = sub(svc, 'spec');
  const prev = sub(old, 'spec');
  const errs = [...validateClusterIPsUpdate(spec, prev), ...validateIPFamiliesUpdate(spec, prev)];
  const lbClass = validateLoadBalancerClass(spec, prev).filter((e) => e.detail === 'may not change once set');
  errs.push(...lbClass);
  if (needsHealthCheck(prev) && needsHealthCheck(spec) && num(spec, 'healthCheckNodePort') !== num(prev, 'healthCheckNodePort') && num(spec, 'healthCheckNodePort') !== 0) {
    errs.push(fieldErrors.forbidden(field('spec', 'healthCheckNodePort'), 'field is immutable'));
  }
  return [...errs, ...validateService(svc)];
}

/** Upstream's ValidateLoadBalancerStatus for a Service's status.loadBalancer. */
function validateServiceStatus(svc: KubeObject): FieldError[] {
  const errs: FieldError[] = [];
  const spec = sub(svc, 'spec');
  const ingress = objects(sub(svc.status, 'loadBalancer'), 'ingress');
  const ingPath = field('status', 'loadBalancer', 'ingress');
  if (str(spec, 'type') !== 'LoadBalancer' && ingress.length !== 0) {
    return [fieldErrors.forbidden(ingPath, "may only be used when `spec.type` is 'LoadBalancer'")];
  }
  ingress.forEach((ing, i) => {
    const p = ingPath.index(i);
    const ip = str(ing, 'ip');
    if (ip) errs.push(...validateIP(ip, p.child('ip')));
    if (!has(ing, 'ipMode')) {
      if (ip) errs.push(fieldErrors.required(p.child('ipMode'), 'must be specified when `ip` is set'));
    } else if (!ip) {
      errs.push(fieldErrors.forbidden(p.child('ipMode'), 'may not be specified when `ip` is not set'));
    } else if (!LB_IP_MODES.includes(str(ing, 'ipMode'))) {
      errs.push(fieldErrors.notSupported(p.child('ipMode'), str(ing, 'ipMode'), LB_IP_MODES));
    }
    const host = str(ing, 'hostname');
    if (host) {
      errs.push(...dnsSubdomainErrors(host, p.child('hostname')));
      if (parseIPSloppy(host)) errs.push(fieldErrors.invalid(p.child('hostname'), host, 'must be a DNS name, not an IP address'));
    }
  });
  return errs;
}

/** The IP format warnings upstream gives (leading zeros in IPv4 octets). */
function ipWarnings(path: string, address: string): string[] {
  if (/^\d+\.\d+\.\d+\.\d+$/.test(address) && address.split('.').some((o) => o.length > 1 && o.startsWith('0'))) {
    return [`${path}: IP address was accepted, but will be invalid in a future Kubernetes release: ParseAddr(${goQuote(address)}): IPv4 field has octet with leading zero`];
  }
  return [];
}

/** Upstream's GetWarningsForService. */
export function serviceWarnings(svc: KubeObject): string[] {
  const spec = sub(svc, 'spec');
  const out: string[] = [];
  if (svc.metadata?.annotations?.[TOPOLOGY_HINTS_ANNOTATION] !== undefined) {
    out.push(`annotation ${TOPOLOGY_HINTS_ANNOTATION} is deprecated, please use ${TOPOLOGY_MODE_ANNOTATION} instead`);
  }
  const ip = str(spec, 'clusterIP');
  if (ip && ip !== 'None') strings(spec, 'clusterIPs').forEach((a, i) => out.push(...ipWarnings(`spec.clusterIPs[${i}]`, a)));
  strings(spec, 'externalIPs').forEach((a, i) => out.push(...ipWarnings(`spec.externalIPs[${i}]`, a)));
  if (str(spec, 'loadBalancerIP')) out.push(...ipWarnings('spec.loadBalancerIP', str(spec, 'loadBalancerIP')));
  const type = str(spec, 'type');
  if (type === 'ExternalName' && list(spec, 'externalIPs').length > 0) out.push('spec.externalIPs is ignored when spec.type is "ExternalName"');
  if (type !== 'ExternalName' && str(spec, 'externalName')) out.push('spec.externalName is ignored when spec.type is not "ExternalName"');
  return out;
}

const services: Partial<TypeStrategy> = {
  default: defaultServiceExtras,
  prepareForCreate(svc) {
    svc.status = { loadBalancer: {} };
    normalizeClusterIPs(specOf(svc));
  },
  prepareForUpdate(svc, old) {
    const spec = specOf(svc);
    const prev = sub(old, 'spec');
    // As upstream's patchAllocatedValues: allocated values the client left out carry over.
    if (needsClusterIP(prev) && needsClusterIP(spec)) {
      if (!str(spec, 'clusterIP') && str(prev, 'clusterIP')) spec.clusterIP = prev.clusterIP;
      if (list(spec, 'clusterIPs').length === 0 && list(prev, 'clusterIPs').length > 0) spec.clusterIPs = [...strings(prev, 'clusterIPs')];
    }
    if (needsHealthCheck(prev) && needsHealthCheck(spec) && !num(spec, 'healthCheckNodePort') && num(prev, 'healthCheckNodePort')) {
      spec.healthCheckNodePort = prev.healthCheckNodePort;
    }
    normalizeClusterIPs(spec, prev);
    dropTypeDependentFields(spec, prev);
    // As upstream: the load-balancer status goes once the service is no longer one.
    if (spec.type !== 'LoadBalancer' && str(prev, 'type') === 'LoadBalancer') {
      svc.status = { ...(isObject(svc.status) ? svc.status : {}), loadBalancer: {} };
    }
  },
  prepareForStatusUpdate(svc) {
    if (sub(svc, 'spec').type === 'LoadBalancer') defaultIngressIPMode(svc);
    if (isObject(svc.status) && !isObject(svc.status.loadBalancer)) svc.status.loadBalancer = {};
  },
  validate: validateService,
  validateUpdate: validateServiceUpdate,
  validateStatusUpdate: validateServiceStatus,
  warnings: (svc) => serviceWarnings(svc),
};

// ---------------------------------------------------------------------------------------
// Endpoints

/**
 * The API server's own endpoints (default/kubernetes). k8ts advertises 127.0.0.1 when it
 * listens on loopback only, an address upstream refuses for endpoints; so these objects are
 * spared the special-address check (upstream never runs with a loopback advertise address).
 */
export function isAPIServerEndpoints(obj: KubeObject): boolean {
  return obj.metadata?.namespace === 'default' && obj.metadata?.name === 'kubernetes';
}

function validateEndpointAddress(a: Obj, path: FieldPath, allowSpecial: boolean): FieldError[] {
  const errs = validateIP(str(a, 'ip'), path.child('ip'));
  if (str(a, 'hostname')) errs.push(...dnsLabelErrors(str(a, 'hostname'), path.child('hostname')));
  if (typeof a.nodeName === 'string') errs.push(...dnsSubdomainErrors(a.nodeName, path.child('nodeName')));
  if (!allowSpecial) errs.push(...validateNonSpecialIP(str(a, 'ip'), path.child('ip')));
  return errs;
}

function validateEndpointPort(p: Obj, requireName: boolean, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  const name = str(p, 'name');
  if (requireName && !name) errs.push(fieldErrors.required(path.child('name'), ''));
  else if (name) errs.push(...dnsLabelErrors(name, path.child('name')));
  for (const m of isValidPortNum(num(p, 'port'))) errs.push(fieldErrors.invalid(path.child('port'), num(p, 'port'), m));
  const proto = str(p, 'protocol');
  if (!proto) errs.push(fieldErrors.required(path.child('protocol'), ''));
  else if (!PROTOCOLS.includes(proto)) errs.push(fieldErrors.notSupported(path.child('protocol'), proto, PROTOCOLS));
  if (typeof p.appProtocol === 'string') errs.push(...qualifiedNameErrors(p.appProtocol, path.child('appProtocol')));
  return errs;
}

/** Upstream's ValidateEndpoints (subsets). */
export function validateEndpoints(ep: KubeObject): FieldError[] {
  const errs: FieldError[] = [];
  const allowSpecial = isAPIServerEndpoints(ep);
  objects(ep, 'subsets').forEach((ss, i) => {
    const p = field('subsets').index(i);
    const addrs = objects(ss, 'addresses');
    const notReady = objects(ss, 'notReadyAddresses');
    if (addrs.length === 0 && notReady.length === 0) errs.push(fieldErrors.required(p, 'must specify `addresses` or `notReadyAddresses`'));
    addrs.forEach((a, j) => errs.push(...validateEndpointAddress(a, p.child('addresses').index(j), allowSpecial)));
    notReady.forEach((a, j) => errs.push(...validateEndpointAddress(a, p.child('notReadyAddresses').index(j), allowSpecial)));
    const ports = objects(ss, 'ports');
    ports.forEach((pt, j) => errs.push(...validateEndpointPort(pt, ports.length > 1, p.child('ports').index(j))));
  });
  return errs;
}

const endpoints: Partial<TypeStrategy> = {
  validate: validateEndpoints,
  validateUpdate: (ep) => validateEndpoints(ep),
};

/** Duplicate-with-reason errors are built by a few validators; re-exported for them. */
export const duplicateWithDetail = (path: FieldPath | string, value: unknown, detail: string) =>
  fieldErrorWithDetail(FieldErrorType.Duplicate, path, value, detail);

/** Services and Endpoints. */
export const CORE_SERVICE_STRATEGIES: StrategyOverlay = {
  '/services': services,
  '/endpoints': endpoints,
};
