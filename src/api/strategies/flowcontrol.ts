/**
 * flowcontrol.apiserver.k8s.io/v1 FlowSchemas and PriorityLevelConfigurations, as
 * kube-apiserver 1.32 defaults, prepares and validates them (pkg/apis/flowcontrol/v1
 * defaults, pkg/apis/flowcontrol/validation). The mandatory `exempt` and `catch-all`
 * objects' fixed specs are not enforced (k8ts does not create them).
 */
import { fieldErrors, type FieldError } from '../../apimachinery/field-errors.js';
import { field, type FieldPath } from '../../apimachinery/field-path.js';
import { goQuote, goStringSlice } from '../../apimachinery/go-format.js';
import { isObject, type KubeObject } from '../../apimachinery/types.js';
import { nameIsDNSLabel, nameIsDNSSubdomain, validatePathSegmentName } from '../../apimachinery/validation.js';
import type { StrategyOverlay, TypeStrategy } from '../strategy.js';
import { child, has, num, objects, str, strings, sub, type Obj } from './access.js';
import { goValue } from './go-values.js';

const VERBS = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'proxy', 'update', 'watch'];
const SUBJECT_KINDS = ['Group', 'ServiceAccount', 'User'];
const DISTINGUISHER_METHODS = ['ByNamespace', 'ByUser'];
const ENABLEMENTS = ['Exempt', 'Limited'];
const LIMIT_RESPONSE_TYPES = ['Queue', 'Reject'];
const MAX_MATCHING_PRECEDENCE = 10000;
const MAX_QUEUES = 10 * 1000 * 1000;
const MAX_HASH_BITS = 60;
const NS_ERR_INTRO = "each member of this list must be '*' or a DNS-1123 label; ";

// ---------------------------------------------------------------------------------------
// Defaulting (SetDefaults_FlowSchemaSpec, SetDefaults_PriorityLevelConfiguration and below)

export function defaultFlowSchema(fs: KubeObject): void {
  const spec = child(fs as Obj, 'spec');
  if (!num(spec, 'matchingPrecedence')) spec.matchingPrecedence = 1000;
}

export function defaultPriorityLevel(pl: KubeObject): void {
  const spec = child(pl as Obj, 'spec');
  const setDefault = (o: Obj, k: string, v: unknown) => {
    if (o[k] === undefined || o[k] === null) o[k] = v;
  };
  if (isObject(spec.limited)) {
    setDefault(spec.limited, 'nominalConcurrencyShares', 30);
    setDefault(spec.limited, 'lendablePercent', 0);
    const lr = spec.limited.limitResponse;
    if (isObject(lr) && isObject(lr.queuing)) {
      const q = lr.queuing;
      if (!num(q, 'handSize')) q.handSize = 8;
      if (!num(q, 'queues')) q.queues = 64;
      if (!num(q, 'queueLengthLimit')) q.queueLengthLimit = 50;
    }
  }
  if (isObject(spec.exempt)) {
    setDefault(spec.exempt, 'nominalConcurrencyShares', 0);
    setDefault(spec.exempt, 'lendablePercent', 0);
  }
}

// ---------------------------------------------------------------------------------------
// FlowSchemas

function validateVerbs(verbs: string[], path: FieldPath): FieldError[] {
  if (verbs.length === 0) return [fieldErrors.required(path, 'verbs must contain at least one value')];
  if (verbs.includes('*')) return verbs.length > 1 ? [fieldErrors.invalid(path, goValue(goStringSlice(verbs)), "if '*' is present, must not specify other verbs")] : [];
  if (verbs.some((v) => !VERBS.includes(v))) return [fieldErrors.notSupported(path, goValue(goStringSlice(verbs)), VERBS)];
  return [];
}

/** Upstream's ValidateNonResourceURLPath. */
function validateNonResourceURL(url: string, path: FieldPath): FieldError[] {
  if (!url) return [fieldErrors.invalid(path, url, 'must not be empty')];
  if (url === '/') return [];
  if (!url.startsWith('/')) return [fieldErrors.invalid(path, url, 'must start with slash')];
  if (url.includes(' ')) return [fieldErrors.invalid(path, url, 'must not contain white-space')];
  if (url.includes('//')) return [fieldErrors.invalid(path, url, 'must not contain double slash')];
  const stars = url.split('*').length - 1;
  if (stars > 1 || (stars === 1 && !url.endsWith('/*'))) return [fieldErrors.invalid(path, url, 'wildcard can only do suffix glob matching')];
  return [];
}

function validateSubject(s: Obj, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  const kind = str(s, 'kind');
  const forbid = (key: string, k: string) => {
    if (has(s, key)) errs.push(fieldErrors.forbidden(path.child(key), `${key} is forbidden when subject kind is not '${k}'`));
  };
  const named = (key: string, k: string) => {
    if (!isObject(s[key])) {
      errs.push(fieldErrors.required(path.child(key), `${key} is required when subject kind is '${k}'`));
      return undefined;
    }
    const o = s[key] as Obj;
    if (!str(o, 'name')) errs.push(fieldErrors.required(path.child(key, 'name'), ''));
    return o;
  };
  switch (kind) {
    case 'ServiceAccount': {
      const sa = named('serviceAccount', 'ServiceAccount');
      if (sa) {
        const name = str(sa, 'name');
        if (name && name !== '*') for (const m of nameIsDNSSubdomain(name, false)) errs.push(fieldErrors.invalid(path.child('serviceAccount', 'name'), name, m));
        const ns = str(sa, 'namespace');
        if (ns) for (const m of nameIsDNSLabel(ns, false)) errs.push(fieldErrors.invalid(path.child('serviceAccount', 'namespace'), ns, m));
        else errs.push(fieldErrors.required(path.child('serviceAccount', 'namespace'), 'must specify namespace for service account'));
      }
      forbid('user', 'User');
      forbid('group', 'Group');
      break;
    }
    case 'User':
      named('user', 'User');
      forbid('serviceAccount', 'ServiceAccount');
      forbid('group', 'Group');
      break;
    case 'Group':
      named('group', 'Group');
      forbid('serviceAccount', 'ServiceAccount');
      forbid('user', 'User');
      break;
    default:
      errs.push(fieldErrors.notSupported(path.child('kind'), kind, SUBJECT_KINDS));
  }
  return errs;
}

function validateResourceRule(r: Obj, path: FieldPath): FieldError[] {
  const errs = validateVerbs(strings(r, 'verbs'), path.child('verbs'));
  for (const [key, what] of [
    ['apiGroups', 'api group'],
    ['resources', 'resource'],
  ] as const) {
    const vals = strings(r, key);
    if (vals.length === 0) errs.push(fieldErrors.required(path.child(key), `resource rules must supply at least one ${what}`));
    else if (vals.length > 1 && vals.includes('*')) {
      errs.push(fieldErrors.invalid(path.child(key), goValue(goStringSlice(vals)), `if '*' is present, must not specify other ${key === 'apiGroups' ? 'api groups' : 'resources'}`));
    }
  }
  const namespaces = strings(r, 'namespaces');
  if (namespaces.length === 0 && r.clusterScope !== true) {
    errs.push(fieldErrors.required(path.child('namespaces'), 'resource rules that are not cluster scoped must supply at least one namespace'));
  } else if (namespaces.includes('*')) {
    if (namespaces.length > 1) errs.push(fieldErrors.invalid(path.child('namespaces'), goValue(goStringSlice(namespaces)), "if '*' is present, must not specify other namespaces"));
  } else {
    namespaces.forEach((ns, i) => {
      for (const m of nameIsDNSLabel(ns, false)) errs.push(fieldErrors.invalid(path.child('namespaces').index(i), ns, NS_ERR_INTRO + m));
    });
  }
  return errs;
}

function validateNonResourceRule(r: Obj, path: FieldPath): FieldError[] {
  const errs = validateVerbs(strings(r, 'verbs'), path.child('verbs'));
  const urls = strings(r, 'nonResourceURLs');
  const up = path.child('nonResourceURLs');
  if (urls.length === 0) errs.push(fieldErrors.required(up, 'nonResourceURLs must contain at least one value'));
  else if (urls.includes('*')) {
    if (urls.length > 1) errs.push(fieldErrors.invalid(up, goValue(goStringSlice(urls)), "if '*' is present, must not specify other non-resource URLs"));
  } else {
    urls.forEach((u, i) => errs.push(...validateNonResourceURL(u, up.index(i))));
  }
  return errs;
}

/** Upstream's ValidateFlowSchemaSpec. */
export function validateFlowSchema(fs: KubeObject): FieldError[] {
  const spec = sub(fs, 'spec');
  const p = field('spec');
  const errs: FieldError[] = [];
  const prec = num(spec, 'matchingPrecedence');
  if (prec <= 0) errs.push(fieldErrors.invalid(p.child('matchingPrecedence'), prec, 'must be a positive value'));
  if (prec > MAX_MATCHING_PRECEDENCE) errs.push(fieldErrors.invalid(p.child('matchingPrecedence'), prec, `must not be greater than ${MAX_MATCHING_PRECEDENCE}`));
  if (prec === 1 && fs.metadata?.name !== 'exempt') {
    errs.push(fieldErrors.invalid(p.child('matchingPrecedence'), prec, "only the schema named 'exempt' may have matchingPrecedence 1"));
  }
  if (isObject(spec.distinguisherMethod) && !DISTINGUISHER_METHODS.includes(str(spec.distinguisherMethod, 'type'))) {
    const shown = goValue(`flowcontrol.FlowDistinguisherMethod{Type:${goQuote(str(spec.distinguisherMethod, 'type'))}}`);
    errs.push(fieldErrors.notSupported(p.child('distinguisherMethod', 'type'), shown, DISTINGUISHER_METHODS));
  }
  const pl = str(sub(spec, 'priorityLevelConfiguration'), 'name');
  if (pl) for (const m of validatePathSegmentName(pl, false)) errs.push(fieldErrors.invalid(p.child('priorityLevelConfiguration', 'name'), pl, m));
  else errs.push(fieldErrors.required(p.child('priorityLevelConfiguration', 'name'), 'must reference a priority level'));
  objects(spec, 'rules').forEach((rule, i) => {
    const rp = p.child('rules').index(i);
    const subjects = objects(rule, 'subjects');
    if (subjects.length === 0) errs.push(fieldErrors.required(rp.child('subjects'), 'subjects must contain at least one value'));
    subjects.forEach((s, j) => errs.push(...validateSubject(s, rp.child('subjects').index(j))));
    const resourceRules = objects(rule, 'resourceRules');
    const nonResourceRules = objects(rule, 'nonResourceRules');
    if (resourceRules.length === 0 && nonResourceRules.length === 0) {
      errs.push(fieldErrors.required(rp, 'at least one of resourceRules and nonResourceRules has to be non-empty'));
    }
    resourceRules.forEach((r, j) => errs.push(...validateResourceRule(r, rp.child('resourceRules').index(j))));
    nonResourceRules.forEach((r, j) => errs.push(...validateNonResourceRule(r, rp.child('nonResourceRules').index(j))));
  });
  return errs;
}

/** Condition types must be set and unique (FlowSchema and PriorityLevelConfiguration status). */
function validateStatusConditions(o: KubeObject): FieldError[] {
  const errs: FieldError[] = [];
  const seen = new Set<string>();
  objects(sub(o, 'status'), 'conditions').forEach((c, i) => {
    const p = field('status', 'conditions').index(i).child('type');
    const type = str(c, 'type');
    if (seen.has(type)) errs.push(fieldErrors.duplicate(p, type));
    seen.add(type);
    if (!type) errs.push(fieldErrors.required(p, 'must not be empty'));
  });
  return errs;
}

const flowSchemas: Partial<TypeStrategy> = {
  default: defaultFlowSchema,
  prepareForCreate(fs) {
    fs.status = {};
  },
  validate: (fs) => [...validateFlowSchema(fs), ...validateStatusConditions(fs)],
  validateUpdate: (fs) => [...validateFlowSchema(fs), ...validateStatusConditions(fs)],
  validateStatusUpdate: validateStatusConditions,
};

// ---------------------------------------------------------------------------------------
// PriorityLevelConfigurations

function validateQueuing(q: Obj, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  const limit = num(q, 'queueLengthLimit');
  const queues = num(q, 'queues');
  const hand = num(q, 'handSize');
  if (limit <= 0) errs.push(fieldErrors.invalid(path.child('queueLengthLimit'), limit, 'must be positive'));
  if (queues <= 0) errs.push(fieldErrors.invalid(path.child('queues'), queues, 'must be positive'));
  else if (queues > MAX_QUEUES) errs.push(fieldErrors.invalid(path.child('queues'), queues, `must not be greater than ${MAX_QUEUES}`));
  if (hand <= 0) errs.push(fieldErrors.invalid(path.child('handSize'), hand, 'must be positive'));
  else if (hand > queues) errs.push(fieldErrors.invalid(path.child('handSize'), hand, `should not be greater than queues (${queues})`));
  else if (Math.ceil(hand * Math.log2(queues)) > MAX_HASH_BITS) {
    errs.push(
      fieldErrors.invalid(path.child('handSize'), hand, `required entropy bits of deckSize ${queues} and handSize ${hand} should not be greater than ${MAX_HASH_BITS}`),
    );
  }
  return errs;
}

function validateLendable(o: Obj, path: FieldPath): FieldError[] {
  if (!has(o, 'lendablePercent')) return [];
  const v = num(o, 'lendablePercent');
  return v >= 0 && v <= 100 ? [] : [fieldErrors.invalid(path.child('lendablePercent'), v, 'must be between 0 and 100, inclusive')];
}

/** Upstream's ValidatePriorityLevelConfigurationSpec (v1: zero nominal shares allowed). */
export function validatePriorityLevel(pl: KubeObject): FieldError[] {
  const spec = sub(pl, 'spec');
  const p = field('spec');
  const errs: FieldError[] = [];
  const type = str(spec, 'type');
  if ((pl.metadata?.name === 'exempt') !== (type === 'Exempt')) {
    errs.push(fieldErrors.invalid(p.child('type'), type, "type must be 'Exempt' if and only if name is 'exempt'"));
  }
  switch (type) {
    case 'Exempt':
      if (has(spec, 'limited')) errs.push(fieldErrors.forbidden(p.child('limited'), 'must be nil if the type is not Limited'));
      if (isObject(spec.exempt)) {
        const ex = spec.exempt;
        if (has(ex, 'nominalConcurrencyShares') && num(ex, 'nominalConcurrencyShares') < 0) {
          errs.push(fieldErrors.invalid(p.child('exempt', 'nominalConcurrencyShares'), num(ex, 'nominalConcurrencyShares'), 'must be a non-negative integer'));
        }
        errs.push(...validateLendable(ex, p.child('exempt')));
      }
      break;
    case 'Limited': {
      if (has(spec, 'exempt')) errs.push(fieldErrors.forbidden(p.child('exempt'), 'must be nil if the type is Limited'));
      if (!isObject(spec.limited)) {
        errs.push(fieldErrors.required(p.child('limited'), 'must not be empty when type is Limited'));
        break;
      }
      const lim = spec.limited;
      const lp = p.child('limited');
      const shares = num(lim, 'nominalConcurrencyShares');
      if (shares < 0) errs.push(fieldErrors.invalid(lp.child('nominalConcurrencyShares'), shares, 'must be a non-negative integer'));
      const lr = sub(lim, 'limitResponse');
      const lrp = lp.child('limitResponse');
      switch (str(lr, 'type')) {
        case 'Reject':
          if (has(lr, 'queuing')) errs.push(fieldErrors.forbidden(lrp.child('queuing'), 'must be nil if limited.limitResponse.type is not Limited'));
          break;
        case 'Queue':
          if (!isObject(lr.queuing)) errs.push(fieldErrors.required(lrp.child('queuing'), 'must not be empty if limited.limitResponse.type is Limited'));
          else errs.push(...validateQueuing(lr.queuing, lrp.child('queuing')));
          break;
        default:
          errs.push(fieldErrors.notSupported(lrp.child('type'), str(lr, 'type'), LIMIT_RESPONSE_TYPES));
      }
      errs.push(...validateLendable(lim, lp));
      if (has(lim, 'borrowingLimitPercent') && num(lim, 'borrowingLimitPercent') < 0) {
        errs.push(fieldErrors.invalid(lp.child('borrowingLimitPercent'), num(lim, 'borrowingLimitPercent'), 'if specified, must be a non-negative integer'));
      }
      break;
    }
    default:
      errs.push(fieldErrors.notSupported(p.child('type'), type, ENABLEMENTS));
  }
  return errs;
}

const priorityLevels: Partial<TypeStrategy> = {
  default: defaultPriorityLevel,
  prepareForCreate(pl) {
    pl.status = {};
  },
  validate: (pl) => [...validatePriorityLevel(pl), ...validateStatusConditions(pl)],
  validateUpdate: (pl) => [...validatePriorityLevel(pl), ...validateStatusConditions(pl)],
  validateStatusUpdate: validateStatusConditions,
};

/** FlowSchemas and PriorityLevelConfigurations. */
export const FLOWCONTROL_STRATEGIES: StrategyOverlay = {
  'flowcontrol.apiserver.k8s.io/flowschemas': flowSchemas,
  'flowcontrol.apiserver.k8s.io/prioritylevelconfigurations': priorityLevels,
};
