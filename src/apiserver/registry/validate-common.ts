import type { FieldError } from '../../apimachinery/field-errors.js';
import { validateObjectMeta, validateObjectMetaUpdate } from '../../apimachinery/object-meta.js';
import type { KubeObject } from '../../apimachinery/types.js';
import {
  nameIsDNS1035Label,
  nameIsDNSLabel,
  nameIsDNSSubdomain,
  validatePathSegmentName,
  type ValidateNameFunc,
} from '../../apimachinery/validation.js';
import type { ResourceDescriptor } from './resource.js';
import type { NameRule } from './strategy.js';

const NAME_FUNCS: Record<NameRule, ValidateNameFunc> = {
  'dns-subdomain': nameIsDNSSubdomain,
  'dns-label': nameIsDNSLabel,
  'dns1035-label': nameIsDNS1035Label,
  'path-segment': validatePathSegmentName,
};

/** Object metadata validation on create, common to every resource (upstream's ValidateObjectMeta). */
export function validateCommon(obj: KubeObject, desc: ResourceDescriptor): FieldError[] {
  return validateObjectMeta(obj.metadata, {
    namespaced: desc.namespaced,
    nameFn: NAME_FUNCS[desc.strategy.nameRule ?? 'dns-subdomain'],
    // CRDs carry the apiextensions apiserver's own unqualified finalizer (customresourcecleanup...).
    standardFinalizerNames: desc.group === 'apiextensions.k8s.io' ? false : (desc.strategy.standardFinalizerNames ?? true),
  });
}

/** Object metadata validation on update (upstream's ValidateObjectMetaUpdate), plus the create rules. */
export function validateCommonUpdate(obj: KubeObject, old: KubeObject, desc: ResourceDescriptor): FieldError[] {
  const standardFinalizerNames = desc.group === 'apiextensions.k8s.io' ? false : (desc.strategy.standardFinalizerNames ?? true);
  return [...validateCommon(obj, desc), ...validateObjectMetaUpdate(obj.metadata, old.metadata, undefined, { standardFinalizerNames })];
}
