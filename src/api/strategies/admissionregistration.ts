/**
 * admissionregistration.k8s.io/v1 ValidatingWebhookConfigurations and
 * MutatingWebhookConfigurations, as kube-apiserver 1.32 validates them
 * (pkg/apis/admissionregistration/validation, k8s.io/apiserver webhook validation). The
 * webhook defaults are in defaults.ts. Match condition expressions are checked for presence,
 * not compiled (k8ts has no CEL).
 */
import { fieldErrors, type FieldError } from '../../apimachinery/field-errors.js';
import { field, type FieldPath } from '../../apimachinery/field-path.js';
import { goStringSlice } from '../../apimachinery/go-format.js';
import { validateLabelSelector } from '../../apimachinery/labels.js';
import { isObject, type KubeObject } from '../../apimachinery/types.js';
import { isDNS1035Label, isDNS1123Subdomain, isValidPortNum } from '../../apimachinery/validation.js';
import { deepEqual } from '../../util/deep.js';
import type { StrategyOverlay, TypeStrategy } from '../strategy.js';
import { has, num, objects, str, strings, sub, type Obj } from './access.js';
import { goSlice, goValue } from './go-values.js';
import { asLabelSelector, defaultedCopy, qualifiedNameErrors } from './validators.js';

const key = (mutating: boolean) =>
  `admissionregistration.k8s.io/${mutating ? 'mutating' : 'validating'}webhookconfigurations`;

const FAILURE_POLICIES = ['Fail', 'Ignore'];
const MATCH_POLICIES = ['Equivalent', 'Exact'];
const REINVOCATION_POLICIES = ['IfNeeded', 'Never'];
const SIDE_EFFECT_CLASSES = ['None', 'NoneOnDryRun'];
const OPERATIONS = ['*', 'CONNECT', 'CREATE', 'DELETE', 'UPDATE'];
const SCOPES = ['*', 'Cluster', 'Namespaced'];
const ADMISSION_REVIEW_VERSIONS = ['v1', 'v1beta1'];
const MAX_MATCH_CONDITIONS = 64;
const URL_FORM = '; desired format: https://host[/path]';

/** Upstream's IsFullyQualifiedName: a DNS subdomain with at least three labels. */
export function validateFullyQualifiedName(path: FieldPath, name: string): FieldError[] {
  if (!name) return [fieldErrors.required(path, '')];
  const msgs = isDNS1123Subdomain(name);
  if (msgs.length) return [fieldErrors.invalid(path, name, msgs.join(','))];
  if (name.split('.').length < 3) return [fieldErrors.invalid(path, name, 'should be a domain with at least three segments separated by dots')];
  return [];
}

/** The parts of a URL as Go's url.Parse splits them (enough for the webhook checks). */
function parseURL(raw: string): { scheme: string; user?: string; host: string; query: string; fragment: string } | string {
  let rest = raw;
  let fragment = '';
  const hash = rest.indexOf('#');
  if (hash >= 0) {
    fragment = rest.slice(hash + 1);
    rest = rest.slice(0, hash);
  }
  let scheme = '';
  const m = /^([A-Za-z][A-Za-z0-9+.-]*):/.exec(rest);
  if (m) {
    scheme = m[1]!.toLowerCase();
    rest = rest.slice(m[0].length);
  } else if (rest.startsWith(':')) {
    return 'missing protocol scheme';
  }
  let query = '';
  const q = rest.indexOf('?');
  if (q >= 0) {
    query = rest.slice(q + 1);
    rest = rest.slice(0, q);
  }
  let host = '';
  let user: string | undefined;
  if (rest.startsWith('//')) {
    const authEnd = rest.indexOf('/', 2);
    let authority = authEnd < 0 ? rest.slice(2) : rest.slice(2, authEnd);
    const at = authority.lastIndexOf('@');
    if (at >= 0) {
      user = authority.slice(0, at);
      authority = authority.slice(at + 1);
    }
    host = authority;
  }
  return { scheme, user, host, query, fragment };
}

/** Upstream's ValidateWebhookURL (https forced). */
export function validateWebhookURL(path: FieldPath, raw: string): FieldError[] {
  const u = parseURL(raw);
  if (typeof u === 'string') return [fieldErrors.required(path, `url must be a valid URL: parse ${JSON.stringify(raw)}: ${u}${URL_FORM}`)];
  const errs: FieldError[] = [];
  if (u.scheme !== 'https') errs.push(fieldErrors.invalid(path, u.scheme, `'https' is the only allowed URL scheme${URL_FORM}`));
  if (!u.host) errs.push(fieldErrors.invalid(path, u.host, `host must be specified${URL_FORM}`));
  if (u.user !== undefined) errs.push(fieldErrors.invalid(path, u.user, 'user information is not permitted in the URL'));
  if (u.fragment) errs.push(fieldErrors.invalid(path, u.fragment, 'fragments are not permitted in the URL'));
  if (u.query) errs.push(fieldErrors.invalid(path, u.query, 'query parameters are not permitted in the URL'));
  return errs;
}

/** Upstream's ValidateWebhookService. */
export function validateWebhookService(path: FieldPath, svc: Obj): FieldError[] {
  const errs: FieldError[] = [];
  if (!str(svc, 'name')) errs.push(fieldErrors.required(path.child('name'), 'service name is required'));
  if (!str(svc, 'namespace')) errs.push(fieldErrors.required(path.child('namespace'), 'service namespace is required'));
  const port = has(svc, 'port') ? num(svc, 'port') : 443;
  const portMsgs = isValidPortNum(port);
  if (portMsgs.length) errs.push(fieldErrors.invalid(path.child('port'), port, `port is not valid: ${portMsgs.join(', ')}`));
  if (!has(svc, 'path')) return errs;
  const urlPath = str(svc, 'path');
  const pp = path.child('path');
  if (urlPath === '/' || urlPath === '') return errs;
  if (urlPath === '//') return [...errs, fieldErrors.invalid(pp, urlPath, 'segment[0] may not be empty')];
  if (!urlPath.startsWith('/')) errs.push(fieldErrors.invalid(pp, urlPath, "must start with a '/'"));
  let check = urlPath.slice(1);
  if (check.endsWith('/')) check = check.slice(0, -1);
  check.split('/').forEach((step, i) => {
    if (!step) {
      errs.push(fieldErrors.invalid(pp, urlPath, `segment[${i}] may not be empty`));
      return;
    }
    for (const m of isDNS1123Subdomain(step)) errs.push(fieldErrors.invalid(pp, urlPath, `segment[${i}]: ${m}`));
  });
  return errs;
}

/** Upstream's validateResources (subresources allowed). */
function validateResources(resources: string[], path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  if (resources.length === 0) errs.push(fieldErrors.required(path, ''));
  const wildcardSub = new Set<string>();
  const wildcardRes = new Set<string>();
  let doubleWildcard = false;
  let singleWildcard = false;
  let plain = false;
  resources.forEach((r, i) => {
    if (!r) {
      errs.push(fieldErrors.required(path.index(i), ''));
      return;
    }
    if (r === '*/*') doubleWildcard = true;
    if (r === '*') singleWildcard = true;
    const slash = r.indexOf('/');
    if (slash < 0) {
      // as upstream: only the last resource without a subresource counts
      plain = r !== '*';
      return;
    }
    const res = r.slice(0, slash);
    const subres = r.slice(slash + 1);
    if (wildcardSub.has(res)) errs.push(fieldErrors.invalid(path.index(i), r, `if '${res}/*' is present, must not specify ${r}`));
    if (wildcardRes.has(subres)) errs.push(fieldErrors.invalid(path.index(i), r, `if '*/${subres}' is present, must not specify ${r}`));
    if (subres === '*') wildcardSub.add(res);
    if (res === '*') wildcardRes.add(subres);
  });
  const shown = goValue(goStringSlice(resources));
  if (resources.length > 1 && doubleWildcard) errs.push(fieldErrors.invalid(path, shown, "if '*/*' is present, must not specify other resources"));
  if (singleWildcard && plain) errs.push(fieldErrors.invalid(path, shown, "if '*' is present, must not specify other resources without subresources"));
  return errs;
}

/** Upstream's validateRuleWithOperations. */
function validateRule(rule: Obj, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  const ops = strings(rule, 'operations');
  if (ops.length === 0) errs.push(fieldErrors.required(path.child('operations'), ''));
  if (ops.length > 1 && ops.includes('*')) {
    errs.push(fieldErrors.invalid(path.child('operations'), goValue(goSlice('[]admissionregistration.OperationType', ops)), "if '*' is present, must not specify other operations"));
  }
  ops.forEach((op, i) => {
    if (!OPERATIONS.includes(op)) errs.push(fieldErrors.notSupported(path.child('operations').index(i), op, OPERATIONS));
  });
  const groups = strings(rule, 'apiGroups');
  if (groups.length === 0) errs.push(fieldErrors.required(path.child('apiGroups'), ''));
  if (groups.length > 1 && groups.includes('*')) {
    errs.push(fieldErrors.invalid(path.child('apiGroups'), goValue(goStringSlice(groups)), "if '*' is present, must not specify other API groups"));
  }
  const versions = strings(rule, 'apiVersions');
  if (versions.length === 0) errs.push(fieldErrors.required(path.child('apiVersions'), ''));
  if (versions.length > 1 && versions.includes('*')) {
    errs.push(fieldErrors.invalid(path.child('apiVersions'), goValue(goStringSlice(versions)), "if '*' is present, must not specify other API versions"));
  }
  versions.forEach((v, i) => {
    if (!v) errs.push(fieldErrors.required(path.child('apiVersions').index(i), ''));
  });
  errs.push(...validateResources(strings(rule, 'resources'), path.child('resources')));
  if (has(rule, 'scope') && !SCOPES.includes(str(rule, 'scope'))) errs.push(fieldErrors.notSupported(path.child('scope'), str(rule, 'scope'), SCOPES));
  return errs;
}

function validateMatchConditions(conditions: Obj[], path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  if (conditions.length > MAX_MATCH_CONDITIONS) errs.push(fieldErrors.tooMany(path, conditions.length, MAX_MATCH_CONDITIONS));
  const names = new Set<string>();
  conditions.forEach((c, i) => {
    const p = path.index(i);
    if (!str(c, 'expression').trim()) errs.push(fieldErrors.required(p.child('expression'), ''));
    const name = str(c, 'name');
    if (!name) errs.push(fieldErrors.required(p.child('name'), ''));
    else errs.push(...qualifiedNameErrors(name, p.child('name')));
    if (name) {
      if (names.has(name)) errs.push(fieldErrors.duplicate(p.child('name'), name));
      names.add(name);
    }
  });
  return errs;
}

function validateAdmissionReviewVersions(versions: string[], path: FieldPath): FieldError[] {
  if (versions.length === 0) return [fieldErrors.required(path, `must specify one of ${ADMISSION_REVIEW_VERSIONS.join(', ')}`)];
  const errs: FieldError[] = [];
  const seen = new Set<string>();
  let accepted = false;
  versions.forEach((v, i) => {
    if (seen.has(v)) {
      errs.push(fieldErrors.invalid(path.index(i), v, 'duplicate version'));
      return;
    }
    seen.add(v);
    for (const m of isDNS1035Label(v)) errs.push(fieldErrors.invalid(path.index(i), v, m));
    if (ADMISSION_REVIEW_VERSIONS.includes(v)) accepted = true;
  });
  if (!accepted) errs.push(fieldErrors.invalid(path, goValue(goStringSlice(versions)), `must include at least one of ${ADMISSION_REVIEW_VERSIONS.join(', ')}`));
  return errs;
}

/** Upstream's validateValidatingWebhook / validateMutatingWebhook. */
function validateWebhook(hook: Obj, mutating: boolean, path: FieldPath): FieldError[] {
  const errs = validateFullyQualifiedName(path.child('name'), str(hook, 'name'));
  objects(hook, 'rules').forEach((r, i) => errs.push(...validateRule(r, path.child('rules').index(i))));
  if (has(hook, 'failurePolicy') && !FAILURE_POLICIES.includes(str(hook, 'failurePolicy'))) {
    errs.push(fieldErrors.notSupported(path.child('failurePolicy'), str(hook, 'failurePolicy'), FAILURE_POLICIES));
  }
  if (has(hook, 'matchPolicy') && !MATCH_POLICIES.includes(str(hook, 'matchPolicy'))) {
    errs.push(fieldErrors.notSupported(path.child('matchPolicy'), str(hook, 'matchPolicy'), MATCH_POLICIES));
  }
  if (mutating && has(hook, 'reinvocationPolicy') && !REINVOCATION_POLICIES.includes(str(hook, 'reinvocationPolicy'))) {
    errs.push(fieldErrors.notSupported(path.child('reinvocationPolicy'), str(hook, 'reinvocationPolicy'), REINVOCATION_POLICIES));
  }
  for (const key of ['namespaceSelector', 'objectSelector']) {
    if (has(hook, key)) errs.push(...validateLabelSelector(asLabelSelector(hook[key]), {}, path.child(key)));
  }
  if (!has(hook, 'sideEffects')) errs.push(fieldErrors.required(path.child('sideEffects'), `must specify one of ${SIDE_EFFECT_CLASSES.join(', ')}`));
  else if (!SIDE_EFFECT_CLASSES.includes(str(hook, 'sideEffects'))) {
    errs.push(fieldErrors.notSupported(path.child('sideEffects'), str(hook, 'sideEffects'), SIDE_EFFECT_CLASSES));
  }
  if (has(hook, 'timeoutSeconds')) {
    const t = num(hook, 'timeoutSeconds');
    if (t > 30 || t < 1) errs.push(fieldErrors.invalid(path.child('timeoutSeconds'), t, 'the timeout value must be between 1 and 30 seconds'));
  }
  const cc = sub(hook, 'clientConfig');
  const hasURL = has(cc, 'url');
  const hasService = isObject(cc.service);
  if (hasURL === hasService) errs.push(fieldErrors.required(path.child('clientConfig'), 'exactly one of url or service is required'));
  else if (hasURL) errs.push(...validateWebhookURL(path.child('clientConfig', 'url'), str(cc, 'url')));
  else errs.push(...validateWebhookService(path.child('clientConfig', 'service'), sub(cc, 'service')));
  errs.push(...validateMatchConditions(objects(hook, 'matchConditions'), path.child('matchConditions')));
  return errs;
}

/** Upstream's validate(Validating|Mutating)WebhookConfiguration (the type part). */
export function validateWebhookConfiguration(cfg: KubeObject, mutating: boolean): FieldError[] {
  const errs: FieldError[] = [];
  const names = new Set<string>();
  objects(cfg, 'webhooks').forEach((hook, i) => {
    const p = field('webhooks').index(i);
    errs.push(...validateWebhook(hook, mutating, p));
    errs.push(...validateAdmissionReviewVersions(strings(hook, 'admissionReviewVersions'), p.child('admissionReviewVersions')));
    const name = str(hook, 'name');
    if (name) {
      if (names.has(name)) errs.push(fieldErrors.duplicate(p.child('name'), name));
      names.add(name);
    }
  });
  return errs;
}

const webhookConfigurations = (mutating: boolean): Partial<TypeStrategy> => ({
  // as upstream: the configurations carry a generation, bumped when the webhooks change
  prepareForCreate(cfg) {
    cfg.metadata!.generation = 1;
  },
  prepareForUpdate(cfg, old) {
    const now = defaultedCopy(key(mutating), cfg) as Obj;
    if (!deepEqual(now.webhooks ?? [], (old as Obj).webhooks ?? [])) cfg.metadata!.generation = (old.metadata?.generation ?? 0) + 1;
  },
  validate: (cfg) => validateWebhookConfiguration(cfg, mutating),
  validateUpdate: (cfg) => validateWebhookConfiguration(cfg, mutating),
});

/** The two webhook configuration resources. */
export const ADMISSIONREGISTRATION_STRATEGIES: StrategyOverlay = {
  'admissionregistration.k8s.io/validatingwebhookconfigurations': webhookConfigurations(false),
  'admissionregistration.k8s.io/mutatingwebhookconfigurations': webhookConfigurations(true),
};
