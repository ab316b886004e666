import type { StrategyOverlay } from '../../api/strategy.js';
import { fieldErrors, type FieldError } from '../../apimachinery/field-errors.js';
import type { KubeObject } from '../../apimachinery/types.js';
import { isDNS1035Label, isDNS1123Subdomain } from '../../apimachinery/validation.js';

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => v !== null && typeof v === 'object' && !Array.isArray(v);

interface Names {
  plural?: string;
  singular?: string;
  kind?: string;
  listKind?: string;
  shortNames?: string[];
}

/** Defaults of apiextensions.k8s.io/v1 CustomResourceDefinitions (listKind, singular, conversion None). */
export function defaultCrd(o: KubeObject): void {
  const spec = (isObj(o.spec) ? o.spec : (o.spec = {})) as Obj;
  const names = (isObj(spec.names) ? spec.names : (spec.names = {})) as Names;
  if (names.kind && !names.listKind) names.listKind = `${names.kind}List`;
  if (names.kind && !names.singular) names.singular = names.kind.toLowerCase();
  if (!isObj(spec.conversion)) spec.conversion = { strategy: 'None' };
}

/**
 * Validation of a CustomResourceDefinition as the apiextensions apiserver's (the parts users
 * meet): the name is `<plural>.<group>`, names are DNS labels and the kind a valid kind,
 * scope Namespaced or Cluster, versions present, unique, with exactly one storage version,
 * each with a schema (required in v1) whose root is an object.
 */
export function validateCrd(o: KubeObject): FieldError[] {
  const errs: FieldError[] = [];
  const spec = (o.spec ?? {}) as Obj;
  const names = (spec.names ?? {}) as Names;
  const group = typeof spec.group === 'string' ? spec.group : '';
  if (!group) errs.push(fieldErrors.required('spec.group', ''));
  else if (group.split('.').length < 2) errs.push(fieldErrors.invalid('spec.group', group, "should be a domain with at least one dot"));
  else for (const m of isDNS1123Subdomain(group)) errs.push(fieldErrors.invalid('spec.group', group, m));
  if (names.plural && group && o.metadata?.name !== `${names.plural}.${group}`) {
    errs.push(fieldErrors.invalid('metadata.name', o.metadata?.name ?? '', 'must be spec.names.plural+"."+spec.group'));
  }
  const label = (path: string, v: string | undefined, required: boolean) => {
    if (!v) {
      if (required) errs.push(fieldErrors.required(path, ''));
      return;
    }
    for (const m of isDNS1035Label(v)) errs.push(fieldErrors.invalid(path, v, m));
  };
  label('spec.names.plural', names.plural, true);
  label('spec.names.singular', names.singular, false);
  if (!names.kind) errs.push(fieldErrors.required('spec.names.kind', ''));
  else if (!/^[A-Za-z][A-Za-z0-9]*$/.test(names.kind)) errs.push(fieldErrors.invalid('spec.names.kind', names.kind, 'may have mixed case, but should otherwise match: [a-z]([-a-z0-9]*[a-z0-9])?'));
  (names.shortNames ?? []).forEach((s, i) => label(`spec.names.shortNames[${i}]`, s, true));
  if (spec.scope !== 'Namespaced' && spec.scope !== 'Cluster') errs.push(fieldErrors.notSupported('spec.scope', spec.scope ?? '', ['Cluster', 'Namespaced']));
  const versions = Array.isArray(spec.versions) ? (spec.versions as Obj[]) : [];
  if (!versions.length) errs.push(fieldErrors.invalid('spec.versions', versions, 'must have exactly one version marked as storage version'));
  const storage = versions.filter((v) => v.storage === true).length;
  if (versions.length && storage !== 1) errs.push(fieldErrors.invalid('spec.versions', versions, 'must have exactly one version marked as storage version'));
  const seen = new Set<string>();
  versions.forEach((v, i) => {
    const name = typeof v.name === 'string' ? v.name : '';
    if (!name) errs.push(fieldErrors.required(`spec.versions[${i}].name`, ''));
    else if (seen.has(name)) errs.push(fieldErrors.invalid('spec.versions', versions, 'must contain unique version names'));
    seen.add(name);
    const schema = isObj(v.schema) ? (v.schema as Obj).openAPIV3Schema : undefined;
    if (!isObj(schema)) errs.push(fieldErrors.required(`spec.versions[${i}].schema.openAPIV3Schema`, 'schemas are required'));
    else if (schema.type !== 'object') errs.push(fieldErrors.invalid(`spec.versions[${i}].schema.openAPIV3Schema.type`, schema.type ?? '', 'must be object at the root'));
  });
  if (versions.length && !versions.some((v) => v.served === true)) errs.push(fieldErrors.invalid('spec.versions', versions, 'must have at least one version marked as served'));
  return errs;
}

export const CRD_STRATEGY: StrategyOverlay = {
  'apiextensions.k8s.io/customresourcedefinitions': {
    default: defaultCrd,
    validate: validateCrd,
    validateUpdate: (o, old) => {
      const errs = validateCrd(o);
      if ((o.spec as Obj | undefined)?.scope !== (old.spec as Obj | undefined)?.scope) errs.push(fieldErrors.invalid('spec.scope', (o.spec as Obj).scope, 'field is immutable'));
      return errs;
    },
  },
};
