import { fieldErrors, type FieldError } from '../../apimachinery/field-errors.js';
import { field } from '../../apimachinery/field-path.js';
import type { KubeObject } from '../../apimachinery/types.js';
import type { ResourceDescriptor } from './resource.js';

const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

function nameErrors(name: string, rule: string): string[] {
  switch (rule) {
    case 'dns-label':
      if (name.length > 63) return ['must be no more than 63 characters'];
      return DNS1123_LABEL.test(name)
        ? []
        : [
            "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')",
          ];
    case 'path-segment':
      if (name === '.' || name === '..') return [`may not be '${name}'`];
      if (name.includes('/')) return ["may not contain '/'"];
      if (name.includes('%')) return ["may not contain '%'"];
      return [];
    default:
      if (name.length > 253) return ['must be no more than 253 characters'];
      return DNS1123_SUBDOMAIN.test(name)
        ? []
        : [
            "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')",
          ];
  }
}

/** Generic object metadata validation on create, common to every resource. */
export function validateCommon(obj: KubeObject, desc: ResourceDescriptor): FieldError[] {
  const errs: FieldError[] = [];
  const meta = obj.metadata ?? {};
  const path = field('metadata');
  if (!meta.name) {
    errs.push(fieldErrors.required(path.child('name'), 'name or generateName is required'));
  } else {
    for (const msg of nameErrors(meta.name, desc.strategy.nameRule ?? 'dns-subdomain')) {
      errs.push(fieldErrors.invalid(path.child('name'), meta.name, msg));
    }
  }
  return errs;
}

/** Generic metadata validation on update: immutable identity fields. */
export function validateCommonUpdate(obj: KubeObject, old: KubeObject, _desc: ResourceDescriptor): FieldError[] {
  const errs: FieldError[] = [];
  const path = field('metadata');
  if (obj.metadata?.name !== old.metadata?.name) errs.push(fieldErrors.invalid(path.child('name'), obj.metadata?.name, 'field is immutable'));
  if (obj.metadata?.namespace !== old.metadata?.namespace) {
    errs.push(fieldErrors.invalid(path.child('namespace'), obj.metadata?.namespace, 'field is immutable'));
  }
  return errs;
}
