/**
 * Validation pieces several built-in types share, with upstream's messages (1.32):
 * resource names and quantities (pkg/apis/core/helper and validation), node selectors,
 * topology selector terms, IP rules for endpoints, immutability helpers and the ResourceList
 * defaulting (round up to milli precision).
 */
import { FieldError, FieldErrorType, fieldErrors } from '../../apimachinery/field-errors.js';
import type { FieldPath } from '../../apimachinery/field-path.js';
import { validateLabelSelector, type LabelSelector } from '../../apimachinery/labels.js';
import { Quantity, QuantityError } from '../../apimachinery/quantity.js';
import { isObject, type KubeObject } from '../../apimachinery/types.js';
import {
  FIELD_IMMUTABLE_ERROR_MSG,
  IS_NEGATIVE_ERROR_MSG,
  isDNS1123Label,
  isDNS1123Subdomain,
  isIPv4Bytes,
  isQualifiedName,
  isValidLabelValue,
  nameIsDNSSubdomain,
  parseIPSloppy,
  regexError,
  validateLabelName,
} from '../../apimachinery/validation.js';
import { deepEqual } from '../../util/deep.js';
import { list, objects, str, strings, sub, type Obj } from './access.js';
import { DEFAULTS } from './defaults.js';

// ---------------------------------------------------------------------------------------
// Field error helpers

/** A field error whose detail upstream sets after construction (e.g. Duplicate with a reason). */
export function fieldErrorWithDetail(type: FieldErrorType, path: FieldPath | string, value: unknown, detail: string): FieldError {
  return new FieldError(type, String(path), value, detail);
}

/** `field is immutable` when the JSON values differ (upstream's ValidateImmutableField). */
export function immutable(newValue: unknown, oldValue: unknown, path: FieldPath | string, shown: unknown = newValue): FieldError[] {
  return deepEqual(normalizeAbsent(newValue), normalizeAbsent(oldValue)) ? [] : [fieldErrors.invalid(path, shown, FIELD_IMMUTABLE_ERROR_MSG)];
}

// Go compares zero values: an absent field, null, '' and [] / {} are the same "unset".
function normalizeAbsent(v: unknown): unknown {
  if (v === undefined || v === null) return null;
  if (Array.isArray(v) && v.length === 0) return null;
  if (isObject(v) && Object.keys(v).length === 0) return null;
  return v;
}

/** The problems of a DNS subdomain name, as FieldErrors at `path`. */
export function dnsSubdomainErrors(value: string, path: FieldPath): FieldError[] {
  return isDNS1123Subdomain(value).map((m) => fieldErrors.invalid(path, value, m));
}

/** The problems of a DNS label, as FieldErrors at `path`. */
export function dnsLabelErrors(value: string, path: FieldPath): FieldError[] {
  return isDNS1123Label(value).map((m) => fieldErrors.invalid(path, value, m));
}

/** The problems of a qualified name, as FieldErrors at `path`. */
export function qualifiedNameErrors(value: string, path: FieldPath): FieldError[] {
  return isQualifiedName(value).map((m) => fieldErrors.invalid(path, value, m));
}

// ---------------------------------------------------------------------------------------
// Resource names (pkg/apis/core/helper)

const STANDARD_CONTAINER_RESOURCES = new Set(['cpu', 'memory', 'ephemeral-storage']);
const STANDARD_RESOURCES = new Set([
  'cpu',
  'memory',
  'ephemeral-storage',
  'requests.cpu',
  'requests.memory',
  'requests.ephemeral-storage',
  'limits.cpu',
  'limits.memory',
  'limits.ephemeral-storage',
  'pods',
  'quotas',
  'services',
  'replicationcontrollers',
  'secrets',
  'configmaps',
  'persistentvolumeclaims',
  'storage',
  'requests.storage',
  'services.nodeports',
  'services.loadbalancers',
]);
const STANDARD_QUOTA_RESOURCES = new Set([
  'cpu',
  'memory',
  'ephemeral-storage',
  'requests.cpu',
  'requests.memory',
  'requests.storage',
  'requests.ephemeral-storage',
  'limits.cpu',
  'limits.memory',
  'limits.ephemeral-storage',
  'pods',
  'quotas',
  'services',
  'replicationcontrollers',
  'secrets',
  'configmaps',
  'persistentvolumeclaims',
  'services.nodeports',
  'services.loadbalancers',
]);
const INTEGER_RESOURCES = new Set([
  'pods',
  'quotas',
  'services',
  'replicationcontrollers',
  'secrets',
  'configmaps',
  'persistentvolumeclaims',
  'services.nodeports',
  'services.loadbalancers',
]);
const OVERCOMMIT_FORBIDDEN_PREFIX = 'hugepages-';

export const isHugePageResourceName = (name: string) => name.startsWith('hugepages-');
const isQuotaHugePageResourceName = (name: string) =>
  name.startsWith('hugepages-') || name.startsWith('requests.hugepages-') || name.startsWith('limits.hugepages-');

/** Unprefixed names and names under kubernetes.io/ are native resources. */
export const isNativeResource = (name: string) => !name.includes('/') || name.includes('kubernetes.io/');

/** A fully-qualified, non-native resource name (e.g. example.com/gpu). */
export function isExtendedResourceName(name: string): boolean {
  if (isNativeResource(name) || name.startsWith('requests.')) return false;
  return isQualifiedName('requests.' + name).length === 0;
}

/** Resources whose quantities must be whole numbers. */
export const isIntegerResourceName = (name: string) => INTEGER_RESOURCES.has(name) || isExtendedResourceName(name);

/** Whether requests may be below limits for the resource (not for hugepages or extended resources). */
export const isOvercommitAllowed = (name: string) =>
  isNativeResource(name) && !name.startsWith(OVERCOMMIT_FORBIDDEN_PREFIX);

export const isStandardQuotaResourceName = (name: string) => STANDARD_QUOTA_RESOURCES.has(name) || isQuotaHugePageResourceName(name);

/** Upstream's validateResourceName: a qualified name; unprefixed ones must be standard. */
export function validateResourceName(name: string, path: FieldPath): FieldError[] {
  const errs = qualifiedNameErrors(name, path);
  if (errs.length) return errs;
  if (!name.includes('/') && !(STANDARD_RESOURCES.has(name) || isQuotaHugePageResourceName(name))) {
    return [fieldErrors.invalid(path, name, 'must be a standard resource type or fully qualified')];
  }
  return [];
}

/** Upstream's validateContainerResourceName. */
export function validateContainerResourceName(name: string, path: FieldPath): FieldError[] {
  const errs = validateResourceName(name, path);
  if (!name.includes('/')) {
    if (!(STANDARD_CONTAINER_RESOURCES.has(name) || isHugePageResourceName(name))) {
      return [...errs, fieldErrors.invalid(path, name, 'must be a standard resource for containers')];
    }
  } else if (!isNativeResource(name) && !isExtendedResourceName(name)) {
    return [...errs, fieldErrors.invalid(path, name, "doesn't follow extended resource name standard")];
  }
  return errs;
}

/** Upstream's ValidateResourceQuotaResourceName. */
export function validateQuotaResourceName(name: string, path: FieldPath): FieldError[] {
  const errs = validateResourceName(name, path);
  if (!name.includes('/') && !isStandardQuotaResourceName(name)) {
    return [...errs, fieldErrors.invalid(path, name, 'must be a standard resource for quota')];
  }
  return errs;
}

// ---------------------------------------------------------------------------------------
// Quantities

/** Parses a quantity from JSON (string or number); undefined when it does not parse. */
export function quantityOf(v: unknown): Quantity | undefined {
  try {
    return Quantity.fromJSON(v);
  } catch (e: unknown) {
    if (e instanceof QuantityError) return undefined;
    throw e;
  }
}

/** The canonical text of a quantity (what upstream's String() prints). */
export const quantityText = (v: unknown): string => quantityOf(v)?.toString() ?? String(v);

/** Upstream's ValidateNonnegativeQuantity. */
export function validateNonnegativeQuantity(v: unknown, path: FieldPath): FieldError[] {
  const q = quantityOf(v);
  if (!q || q.sign() >= 0) return [];
  return [fieldErrors.invalid(path, q.toString(), IS_NEGATIVE_ERROR_MSG)];
}

/** Upstream's ValidatePositiveQuantityValue. */
export function validatePositiveQuantity(v: unknown, path: FieldPath): FieldError[] {
  const q = quantityOf(v);
  if (!q || q.sign() > 0) return [];
  return [fieldErrors.invalid(path, q.toString(), 'must be greater than zero')];
}

/** Upstream's ValidateResourceQuantityValue: not negative, whole for integer resources. */
export function validateResourceQuantityValue(resource: string, v: unknown, path: FieldPath): FieldError[] {
  const errs = validateNonnegativeQuantity(v, path);
  const q = quantityOf(v);
  if (q && isIntegerResourceName(resource) && q.milliValueBig() % 1000n !== 0n) {
    errs.push(fieldErrors.invalid(path, q.toString(), 'must be an integer'));
  }
  return errs;
}

/** Upstream's validateBasicResource: the value (in whole units) must not be negative. */
export function validateBasicResource(v: unknown, path: FieldPath): FieldError[] {
  const q = quantityOf(v);
  if (!q || q.sign() >= 0) return [];
  return [fieldErrors.invalid(path, Number(q.valueBig()), 'must be a valid resource quantity')];
}

/**
 * As upstream's SetDefaults_ResourceList: every quantity is rounded up to milli precision
 * (`0.0001` becomes `1m`); exact values keep their text.
 */
export function roundResourceList(parent: Obj, key: string): void {
  const m = parent[key];
  if (!isObject(m)) return;
  for (const [k, v] of Object.entries(m)) {
    const q = quantityOf(v);
    if (!q) continue;
    const { quantity, exact } = q.roundUp(-3);
    if (!exact) m[k] = quantity.toString();
  }
}

// ---------------------------------------------------------------------------------------
// Node selectors and topology terms

/** Upstream's ValidateNodeSelectorRequirement (label-based `matchExpressions`). */
export function validateNodeSelectorRequirement(rq: Obj, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  const values = strings(rq, 'values');
  const op = str(rq, 'operator');
  switch (op) {
    case 'In':
    case 'NotIn':
      if (values.length === 0) errs.push(fieldErrors.required(path.child('values'), "must be specified when `operator` is 'In' or 'NotIn'"));
      break;
    case 'Exists':
    case 'DoesNotExist':
      if (values.length > 0) errs.push(fieldErrors.forbidden(path.child('values'), "may not be specified when `operator` is 'Exists' or 'DoesNotExist'"));
      break;
    case 'Gt':
    case 'Lt':
      if (values.length !== 1) errs.push(fieldErrors.required(path.child('values'), "must be specified single value when `operator` is 'Lt' or 'Gt'"));
      break;
    default:
      errs.push(fieldErrors.invalid(path.child('operator'), op, 'not a valid selector operator'));
  }
  errs.push(...validateLabelName(str(rq, 'key'), path.child('key')));
  values.forEach((v, i) => {
    for (const m of isValidLabelValue(v)) errs.push(fieldErrors.invalid(path.child('values').index(i), v, m));
  });
  return errs;
}

/** Upstream's ValidateNodeFieldSelectorRequirement (`matchFields`; only metadata.name). */
export function validateNodeFieldSelectorRequirement(rq: Obj, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  const values = strings(rq, 'values');
  const op = str(rq, 'operator');
  if (op === 'In' || op === 'NotIn') {
    if (values.length !== 1) {
      errs.push(fieldErrors.required(path.child('values'), "must be only one value when `operator` is 'In' or 'NotIn' for node field selector"));
    }
  } else {
    errs.push(fieldErrors.invalid(path.child('operator'), op, 'not a valid selector operator'));
  }
  const key = str(rq, 'key');
  if (key !== 'metadata.name') {
    errs.push(fieldErrors.invalid(path.child('key'), key, 'not a valid field selector key'));
  } else {
    values.forEach((v, i) => {
      for (const m of nameIsDNSSubdomain(v, false)) errs.push(fieldErrors.invalid(path.child('values').index(i), v, m));
    });
  }
  return errs;
}

/** Upstream's ValidateNodeSelector: at least one term, each term's requirements valid. */
export function validateNodeSelector(sel: Obj, path: FieldPath): FieldError[] {
  const termsPath = path.child('nodeSelectorTerms');
  const terms = list(sel, 'nodeSelectorTerms');
  if (terms.length === 0) return [fieldErrors.required(termsPath, 'must have at least one node selector term')];
  const errs: FieldError[] = [];
  terms.forEach((t, i) => {
    const tp = termsPath.index(i);
    objects(t, 'matchExpressions').forEach((r, j) => errs.push(...validateNodeSelectorRequirement(r, tp.child('matchExpressions').index(j))));
    objects(t, 'matchFields').forEach((r, j) => errs.push(...validateNodeFieldSelectorRequirement(r, tp.child('matchFields').index(j))));
  });
  return errs;
}

/**
 * Upstream's validateAllowedTopologies (StorageClass): each term's label requirements need
 * values without duplicates and unique keys; identical terms are duplicates. Upstream
 * compares against a list that starts with empty entries, so an empty term is a duplicate too.
 */
export function validateAllowedTopologies(terms: unknown[], path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  if (terms.length === 0) return errs;
  const seen: Record<string, string[]>[] = terms.map(() => ({}));
  terms.forEach((term, i) => {
    const exprPath = path.index(i).child('matchLabelExpressions');
    const exprMap: Record<string, string[]> = {};
    objects(term, 'matchLabelExpressions').forEach((req, j) => {
      const idx = exprPath.index(j);
      const values = strings(req, 'values');
      if (values.length === 0) errs.push(fieldErrors.required(idx.child('values'), ''));
      const set = new Set<string>();
      values.forEach((v, k) => {
        if (set.has(v)) errs.push(fieldErrors.duplicate(idx.child('values').index(k), v));
        set.add(v);
      });
      errs.push(...validateLabelName(str(req, 'key'), idx.child('key')));
      const key = str(req, 'key');
      if (key in exprMap) errs.push(fieldErrors.duplicate(idx.child('key'), key));
      exprMap[key] = [...set].sort();
    });
    if (seen.some((s) => deepEqual(s, exprMap))) errs.push(fieldErrors.duplicate(exprPath, ''));
    seen.push(exprMap);
  });
  return errs;
}

/** A metav1.LabelSelector-shaped value as the label helpers take it. */
export const asLabelSelector = (v: unknown): LabelSelector | undefined => (isObject(v) ? (v as LabelSelector) : undefined);

/** ValidateLabelSelector with upstream's default options. */
export const validateSelector = (v: unknown, path: FieldPath): FieldError[] => validateLabelSelector(asLabelSelector(v), {}, path);

// ---------------------------------------------------------------------------------------
// IP addresses (endpoints, external IPs, endpoint slices)

/** `must be a valid IP address, ...` at `path` when `value` does not parse. */
export function validateIP(value: string, path: FieldPath): FieldError[] {
  return parseIPSloppy(value) ? [] : [fieldErrors.invalid(path, value, 'must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)')];
}

/**
 * Upstream's ValidateNonSpecialIP: no unspecified, loopback, link-local unicast or
 * link-local multicast addresses.
 */
export function validateNonSpecialIP(value: string, path: FieldPath): FieldError[] {
  const ip = parseIPSloppy(value);
  if (!ip) return [fieldErrors.invalid(path, value, 'must be a valid IP address')];
  const errs: FieldError[] = [];
  const v4 = isIPv4Bytes(ip);
  const b = v4 ? ip.subarray(12) : ip;
  const allZero = b.every((x) => x === 0);
  if (allZero) errs.push(fieldErrors.invalid(path, value, `may not be unspecified (${value})`));
  const loopback = v4 ? b[0] === 127 : b.subarray(0, 15).every((x) => x === 0) && b[15] === 1;
  if (loopback) errs.push(fieldErrors.invalid(path, value, 'may not be in the loopback range (127.0.0.0/8, ::1/128)'));
  const linkLocal = v4 ? b[0] === 169 && b[1] === 254 : b[0] === 0xfe && (b[1]! & 0xc0) === 0x80;
  if (linkLocal) errs.push(fieldErrors.invalid(path, value, 'may not be in the link-local range (169.254.0.0/16, fe80::/10)'));
  const linkLocalMulticast = v4 ? b[0] === 224 && b[1] === 0 && b[2] === 0 : b[0] === 0xff && (b[1]! & 0x0f) === 0x02;
  if (linkLocalMulticast) errs.push(fieldErrors.invalid(path, value, 'may not be in the link-local multicast range (224.0.0.0/24, ff02::/10)'));
  return errs;
}

/** Whether an IP string is IPv6 (upstream's netutils.IsIPv6String). */
export function isIPv6String(value: string): boolean {
  const ip = parseIPSloppy(value);
  return !!ip && !isIPv4Bytes(ip);
}

// ---------------------------------------------------------------------------------------
// Misc

/** Sorted, as upstream's sets.List prints supported values. */
export const sortedValues = (vals: readonly string[]): string[] => [...vals].sort();

/** Go's len() of a string: its UTF-8 byte length. */
export const byteLen = (s: string): number => Buffer.byteLength(s, 'utf8');

/** The decoded length of a base64 `[]byte` field value (what Go's len() sees). */
export function base64Len(v: unknown): number {
  if (typeof v !== 'string') return 0;
  return Buffer.from(v, 'base64').length;
}

/** A map-typed field read as a plain record (for sub-objects like `data`). */
export const mapOf = (o: unknown, key: string): Obj => sub(o, key);

const HTTP_PATH_FMT = "[A-Za-z0-9/\\-._~%!$&'()*+,;=:]+";
const HTTP_PATH_RE = new RegExp(`^${HTTP_PATH_FMT}$`);

/** Upstream's IsDomainPrefixedPath: `example.com/some/path`, the domain a DNS subdomain. */
export function validateDomainPrefixedPath(path: FieldPath, value: string): FieldError[] {
  if (!value) return [fieldErrors.required(path, '')];
  const slash = value.indexOf('/');
  const host = slash < 0 ? '' : value.slice(0, slash);
  const rest = slash < 0 ? '' : value.slice(slash + 1);
  if (!host || !rest) return [fieldErrors.invalid(path, value, 'must be a domain-prefixed path (such as "acme.io/foo")')];
  const errs = isDNS1123Subdomain(host).map((m) => fieldErrors.invalid(path, host, m));
  if (!HTTP_PATH_RE.test(rest)) errs.push(fieldErrors.invalid(path, rest, regexError('Invalid path', HTTP_PATH_FMT)));
  return errs;
}

const CONDITION_REASON_FMT = '[A-Za-z]([A-Za-z0-9_,:]*[A-Za-z0-9_])?';
const CONDITION_REASON_RE = new RegExp(`^${CONDITION_REASON_FMT}$`);
const CONDITION_REASON_MSG =
  "a condition reason must start with alphabetic character, optionally followed by a string of alphanumeric characters or '_,:', and must end with an alphanumeric character or '_'";
const CONDITION_STATUSES = ['False', 'True', 'Unknown'];

/** Upstream's metav1 ValidateConditions: unique types, known statuses, reasons and times set. */
export function validateConditions(conditions: unknown[], path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  const seen = new Set<string>();
  conditions.forEach((c, i) => {
    const p = path.index(i);
    const type = str(c, 'type');
    if (seen.has(type)) errs.push(fieldErrors.duplicate(p.child('type'), type));
    seen.add(type);
    errs.push(...validateLabelName(type, p.child('type')));
    const status = str(c, 'status');
    if (!CONDITION_STATUSES.includes(status)) errs.push(fieldErrors.notSupported(p.child('status'), status, CONDITION_STATUSES));
    const gen = isObject(c) && typeof c.observedGeneration === 'number' ? c.observedGeneration : 0;
    if (gen < 0) errs.push(fieldErrors.invalid(p.child('observedGeneration'), gen, 'must be greater than or equal to zero'));
    if (!str(c, 'lastTransitionTime')) errs.push(fieldErrors.required(p.child('lastTransitionTime'), 'must be set'));
    const reason = str(c, 'reason');
    if (!reason) {
      errs.push(fieldErrors.required(p.child('reason'), 'must be set'));
    } else {
      if (!CONDITION_REASON_RE.test(reason)) {
        errs.push(
          fieldErrors.invalid(
            p.child('reason'),
            reason,
            regexError(CONDITION_REASON_MSG, CONDITION_REASON_FMT, 'my_name', 'MY_NAME', 'MyName', 'ReasonA,ReasonB', 'ReasonA:ReasonB'),
          ),
        );
      }
      if (byteLen(reason) > 1024) errs.push(fieldErrors.tooLong(p.child('reason'), reason, 1024));
    }
    if (byteLen(str(c, 'message')) > 32768) errs.push(fieldErrors.tooLong(p.child('message'), str(c, 'message'), 32768));
  });
  return errs;
}

/**
 * A copy of `obj` with the shared defaults (defaults.ts) of resource `key` applied: what
 * upstream's PrepareForUpdate sees, since it runs after defaulting while k8ts defaults after
 * prepareForUpdate.
 */
export function defaultedCopy(key: string, obj: KubeObject): KubeObject {
  const copy = structuredClone(obj);
  DEFAULTS[key]?.default?.(copy);
  return copy;
}
