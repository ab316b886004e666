/**
 * rbac.authorization.k8s.io/v1 Roles, ClusterRoles, RoleBindings and ClusterRoleBindings,
 * as kube-apiserver 1.32 defaults and validates them (pkg/apis/rbac/v1 defaults,
 * pkg/apis/rbac/validation). Names are path segments (the registry's NAME_RULES).
 */
import { fieldErrors, type FieldError } from '../../apimachinery/field-errors.js';
import { field, type FieldPath } from '../../apimachinery/field-path.js';
import { goQuote } from '../../apimachinery/go-format.js';
import { labelSelectorAsSelector, LabelSelectorError } from '../../apimachinery/labels.js';
import { isObject, type KubeObject } from '../../apimachinery/types.js';
import { isValidPathSegmentName, nameIsDNSSubdomain } from '../../apimachinery/validation.js';
import type { StrategyOverlay, TypeStrategy } from '../strategy.js';
import { has, list, objects, str, sub, type Obj } from './access.js';
import { goStruct, goValue } from './go-values.js';
import { asLabelSelector, validateSelector } from './validators.js';

const RBAC_GROUP = 'rbac.authorization.k8s.io';

// ---------------------------------------------------------------------------------------
// Defaulting

/** SetDefaults_(Cluster)RoleBinding: roleRef.apiGroup defaults to the RBAC group (subjects: defaults.ts). */
function defaultRoleRef(obj: KubeObject): void {
  const ref = (obj as Obj).roleRef;
  if (isObject(ref) && !ref.apiGroup) ref.apiGroup = RBAC_GROUP;
}

// ---------------------------------------------------------------------------------------
// Validation

/** Upstream's validatePolicyRule. */
function validatePolicyRule(rule: Obj, namespaced: boolean, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  if (list(rule, 'verbs').length === 0) errs.push(fieldErrors.required(path.child('verbs'), 'verbs must contain at least one value'));
  const urls = list(rule, 'nonResourceURLs');
  if (urls.length > 0) {
    const value = goValue(`[]string{${urls.map((u) => goQuote(String(u))).join(', ')}}`);
    if (namespaced) errs.push(fieldErrors.invalid(path.child('nonResourceURLs'), value, 'namespaced rules cannot apply to non-resource URLs'));
    if (list(rule, 'apiGroups').length > 0 || list(rule, 'resources').length > 0 || list(rule, 'resourceNames').length > 0) {
      errs.push(fieldErrors.invalid(path.child('nonResourceURLs'), value, 'rules cannot apply to both regular resources and non-resource URLs'));
    }
    return errs;
  }
  if (list(rule, 'apiGroups').length === 0) errs.push(fieldErrors.required(path.child('apiGroups'), 'resource rules must supply at least one api group'));
  if (list(rule, 'resources').length === 0) errs.push(fieldErrors.required(path.child('resources'), 'resource rules must supply at least one resource'));
  if (list(rule, 'resourceNames').length > 0 && list(rule, 'resources').length > 1) {
    errs.push(fieldErrors.required(path.child('resourceNames'), 'resource names cannot apply to multiple resources'));
  }
  return errs;
}

function validateRules(obj: KubeObject, namespaced: boolean): FieldError[] {
  return objects(obj, 'rules').flatMap((r, i) => validatePolicyRule(r, namespaced, field('rules').index(i)));
}

/** A ClusterRole's aggregationRule: at least one valid selector. */
function validateAggregationRule(obj: KubeObject): FieldError[] {
  if (!has(obj, 'aggregationRule')) return [];
  const errs: FieldError[] = [];
  const p = field('aggregationRule', 'clusterRoleSelectors');
  const selectors = list(sub(obj, 'aggregationRule'), 'clusterRoleSelectors');
  if (selectors.length === 0) errs.push(fieldErrors.required(p, 'at least one clusterRoleSelector required if aggregationRule is non-nil'));
  selectors.forEach((sel, i) => {
    errs.push(...validateSelector(sel, p.index(i)));
    try {
      labelSelectorAsSelector(asLabelSelector(sel));
    } catch (e: unknown) {
      if (!(e instanceof LabelSelectorError)) throw e;
      errs.push(fieldErrors.invalid(p.index(i), goValue('&v1.LabelSelector{...}'), 'invalid label selector.'));
    }
  });
  return errs;
}

/** Upstream's validateRoleBindingSubject. */
function validateSubject(s: Obj, namespaced: boolean, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  const name = str(s, 'name');
  const group = str(s, 'apiGroup');
  if (!name) errs.push(fieldErrors.required(path.child('name'), ''));
  switch (s.kind) {
    case 'ServiceAccount':
      if (name) for (const m of nameIsDNSSubdomain(name, false)) errs.push(fieldErrors.invalid(path.child('name'), name, m));
      if (group) errs.push(fieldErrors.notSupported(path.child('apiGroup'), group, ['']));
      if (!namespaced && !str(s, 'namespace')) errs.push(fieldErrors.required(path.child('namespace'), ''));
      break;
    case 'User':
      if (!name) errs.push(fieldErrors.invalid(path.child('name'), name, 'user name cannot be empty'));
      if (group !== RBAC_GROUP) errs.push(fieldErrors.notSupported(path.child('apiGroup'), group, [RBAC_GROUP]));
      break;
    case 'Group':
      if (!name) errs.push(fieldErrors.invalid(path.child('name'), name, 'group name cannot be empty'));
      if (group !== RBAC_GROUP) errs.push(fieldErrors.notSupported(path.child('apiGroup'), group, [RBAC_GROUP]));
      break;
    default:
      errs.push(fieldErrors.notSupported(path.child('kind'), str(s, 'kind'), ['ServiceAccount', 'User', 'Group']));
  }
  return errs;
}

/** Upstream's Validate(Cluster)RoleBinding (type part). */
function validateBinding(obj: KubeObject, namespaced: boolean): FieldError[] {
  const errs: FieldError[] = [];
  const ref = sub(obj, 'roleRef');
  const group = str(ref, 'apiGroup');
  if (group !== RBAC_GROUP) errs.push(fieldErrors.notSupported(field('roleRef', 'apiGroup'), group, [RBAC_GROUP]));
  const kinds = namespaced ? ['Role', 'ClusterRole'] : ['ClusterRole'];
  if (!kinds.includes(str(ref, 'kind'))) errs.push(fieldErrors.notSupported(field('roleRef', 'kind'), str(ref, 'kind'), kinds));
  const name = str(ref, 'name');
  if (!name) errs.push(fieldErrors.required(field('roleRef', 'name'), ''));
  else for (const m of isValidPathSegmentName(name)) errs.push(fieldErrors.invalid(field('roleRef', 'name'), name, m));
  objects(obj, 'subjects').forEach((s, i) => errs.push(...validateSubject(s, namespaced, field('subjects').index(i))));
  return errs;
}

/** `rbac.RoleRef{...}` as upstream prints a changed roleRef. */
function goRoleRef(ref: Obj): string {
  return goStruct('rbac.RoleRef', [
    ['APIGroup', goQuote(str(ref, 'apiGroup'))],
    ['Kind', goQuote(str(ref, 'kind'))],
    ['Name', goQuote(str(ref, 'name'))],
  ]);
}

function validateRoleRefUnchanged(obj: KubeObject, old: KubeObject): FieldError[] {
  const a = sub(obj, 'roleRef');
  const b = sub(old, 'roleRef');
  if (str(a, 'apiGroup') === str(b, 'apiGroup') && str(a, 'kind') === str(b, 'kind') && str(a, 'name') === str(b, 'name')) return [];
  return [fieldErrors.invalid(field('roleRef'), goValue(goRoleRef(a)), 'cannot change roleRef')];
}

const roles: Partial<TypeStrategy> = {
  validate: (r) => validateRules(r, true),
  validateUpdate: (r) => validateRules(r, true),
};

const clusterRoles: Partial<TypeStrategy> = {
  validate: (r) => [...validateRules(r, false), ...validateAggregationRule(r)],
  validateUpdate: (r) => [...validateRules(r, false), ...validateAggregationRule(r)],
};

const roleBindings: Partial<TypeStrategy> = {
  default: defaultRoleRef,
  validate: (b) => validateBinding(b, true),
  validateUpdate: (b, old) => [...validateBinding(b, true), ...validateRoleRefUnchanged(b, old)],
};

const clusterRoleBindings: Partial<TypeStrategy> = {
  default: defaultRoleRef,
  validate: (b) => validateBinding(b, false),
  validateUpdate: (b, old) => [...validateBinding(b, false), ...validateRoleRefUnchanged(b, old)],
};

/** The four RBAC resources. */
export const RBAC_STRATEGIES: StrategyOverlay = {
  'rbac.authorization.k8s.io/roles': roles,
  'rbac.authorization.k8s.io/clusterroles': clusterRoles,
  'rbac.authorization.k8s.io/rolebindings': roleBindings,
  'rbac.authorization.k8s.io/clusterrolebindings': clusterRoleBindings,
};
