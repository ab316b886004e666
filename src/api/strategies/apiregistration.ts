/**
 * apiregistration.k8s.io/v1 APIServices, as kube-aggregator (1.32) defaults and validates
 * them (apiregistration v1 defaults, pkg/apis/apiregistration/validation).
 */
import { fieldErrors, type FieldError } from '../../apimachinery/field-errors.js';
import { field } from '../../apimachinery/field-path.js';
import { goQuote } from '../../apimachinery/go-format.js';
import { isObject, type KubeObject } from '../../apimachinery/types.js';
import { isDNS1035Label, isDNS1123Subdomain, isValidPathSegmentName, isValidPortNum } from '../../apimachinery/validation.js';
import type { StrategyOverlay, TypeStrategy } from '../strategy.js';
import { has, num, str, sub } from './access.js';

/** SetDefaults_ServiceReference: a service reference's port defaults to 443. */
export function defaultAPIService(svc: KubeObject): void {
  const spec = sub(svc, 'spec');
  if (isObject(spec.service) && !has(spec.service, 'port')) spec.service.port = 443;
}

/** Upstream's ValidateAPIService (the name must be `version.group`). */
export function validateAPIService(svc: KubeObject): FieldError[] {
  const spec = sub(svc, 'spec');
  const group = str(spec, 'group');
  const version = str(spec, 'version');
  const errs: FieldError[] = [];
  const name = svc.metadata?.name ?? '';
  const required = `${version}.${group}`;
  // the registry already reports path-segment problems of the name
  if (isValidPathSegmentName(name).length === 0 && name !== required) {
    errs.push(fieldErrors.invalid(field('metadata', 'name'), name, `must be \`spec.version+"."+spec.group\`: ${goQuote(required)}`));
  }
  if (!group && version !== 'v1') errs.push(fieldErrors.required(field('spec', 'group'), 'only v1 may have an empty group and it better be legacy kube'));
  if (group) for (const m of isDNS1123Subdomain(group)) errs.push(fieldErrors.invalid(field('spec', 'group'), group, m));
  for (const m of isDNS1035Label(version)) errs.push(fieldErrors.invalid(field('spec', 'version'), version, m));
  const gpm = num(spec, 'groupPriorityMinimum');
  if (gpm <= 0 || gpm > 20000) errs.push(fieldErrors.invalid(field('spec', 'groupPriorityMinimum'), gpm, 'must be positive and less than 20000'));
  const vp = num(spec, 'versionPriority');
  if (vp <= 0 || vp > 1000) errs.push(fieldErrors.invalid(field('spec', 'versionPriority'), vp, 'must be positive and less than 1000'));
  const caBundle = typeof spec.caBundle === 'string' ? Buffer.from(spec.caBundle, 'base64') : Buffer.alloc(0);
  const insecure = spec.insecureSkipTLSVerify === true;
  if (!isObject(spec.service)) {
    if (caBundle.length) errs.push(fieldErrors.invalid(field('spec', 'caBundle'), `${caBundle.length} bytes`, 'local APIServices may not have a caBundle'));
    if (insecure) errs.push(fieldErrors.invalid(field('spec', 'insecureSkipTLSVerify'), true, 'local APIServices may not have insecureSkipTLSVerify'));
    return errs;
  }
  const service = spec.service;
  if (!str(service, 'namespace')) errs.push(fieldErrors.required(field('spec', 'service', 'namespace'), ''));
  if (!str(service, 'name')) errs.push(fieldErrors.required(field('spec', 'service', 'name'), ''));
  const port = num(service, 'port');
  const portMsgs = isValidPortNum(port);
  if (portMsgs.length) errs.push(fieldErrors.invalid(field('spec', 'service', 'port'), port, `port is not valid: ${portMsgs.join(', ')}`));
  if (insecure && caBundle.length) errs.push(fieldErrors.invalid(field('spec', 'insecureSkipTLSVerify'), true, 'may not be true if caBundle is present'));
  return errs;
}

const apiServices: Partial<TypeStrategy> = {
  default: defaultAPIService,
  prepareForCreate(svc) {
    svc.status = {};
  },
  validate: validateAPIService,
  validateUpdate: (svc) => validateAPIService(svc),
};

/** APIServices. */
export const APIREGISTRATION_STRATEGIES: StrategyOverlay = {
  'apiregistration.k8s.io/apiservices': apiServices,
};
