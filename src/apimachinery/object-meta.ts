/**
 * Validation of ObjectMeta on create and update, with upstream's rules, paths and messages
 * (k8s.io/apimachinery pkg/api/validation/objectmeta.go plus the finalizer-name rule that
 * kube-apiserver's built-in types add in pkg/apis/core/validation, 1.32).
 */
import { fieldErrors, rendered, type FieldError } from './field-errors.js';
import { FieldPath } from './field-path.js';
import { goQuote, goStringSlice, isGoPrintable } from './go-format.js';
import { goTimeString, parseTime } from './time.js';
import type { ManagedFieldsEntry, ObjectMeta, OwnerReference } from './types.js';
import {
  FIELD_IMMUTABLE_ERROR_MSG,
  isQualifiedName,
  validateAnnotations,
  validateLabels,
  validateNamespaceName,
  validateNonnegativeField,
  type ValidateNameFunc,
} from './validation.js';

/** The finalizer the garbage collector honours to orphan dependents. */
export const FINALIZER_ORPHAN_DEPENDENTS = 'orphan';
/** The finalizer for foreground cascading deletion. */
export const FINALIZER_DELETE_DEPENDENTS = 'foregroundDeletion';
/** The namespace finalizer of the namespace controller. */
export const FINALIZER_KUBERNETES = 'kubernetes';

/** Unqualified finalizer names built-in types accept. */
export const STANDARD_FINALIZERS: ReadonlySet<string> = new Set([
  FINALIZER_KUBERNETES,
  FINALIZER_ORPHAN_DEPENDENTS,
  FINALIZER_DELETE_DEPENDENTS,
]);

export interface ObjectMetaValidationOptions {
  /** True for namespaced resources (namespace required), false for cluster-scoped (forbidden). */
  namespaced: boolean;
  /** The resource's name rule, e.g. nameIsDNSSubdomain. */
  nameFn: ValidateNameFunc;
  /**
   * Apply the built-in types' extra rule that a finalizer without '/' must be one of
   * `kubernetes`, `orphan`, `foregroundDeletion` (default true). Custom resources pass false.
   */
  standardFinalizerNames?: boolean;
}

const METADATA = FieldPath.root('metadata');

// ---------------------------------------------------------------------------------------
// Go renderings of values that upstream prints with %#v

let fakeAddress = 0xc000010000;
/** Go prints non-nil pointers inside %#v as an address; any address is as good as another. */
function goPointer(type: string, present: boolean): string {
  if (!present) return `(${type})(nil)`;
  fakeAddress += 8;
  return `(${type})(0x${fakeAddress.toString(16)})`;
}

function goOwnerReference(r: Partial<OwnerReference>): string {
  return (
    `v1.OwnerReference{APIVersion:${goQuote(r.apiVersion ?? '')}, Kind:${goQuote(r.kind ?? '')}, ` +
    `Name:${goQuote(r.name ?? '')}, UID:${goQuote(r.uid ?? '')}, ` +
    `Controller:${goPointer('*bool', r.controller != null)}, BlockOwnerDeletion:${goPointer('*bool', r.blockOwnerDeletion != null)}}`
  );
}

function goOwnerReferences(refs: readonly Partial<OwnerReference>[]): string {
  return `[]v1.OwnerReference{${refs.map(goOwnerReference).join(', ')}}`;
}

// ---------------------------------------------------------------------------------------
// Owner references

/** Splits apiVersion as upstream's FromAPIVersionAndKind (a malformed one has no version). */
function groupVersionOf(apiVersion: string): { group: string; version: string } {
  if (apiVersion === '' || apiVersion === '/') return { group: '', version: '' };
  const slashes = apiVersion.split('/').length - 1;
  if (slashes === 0) return { group: '', version: apiVersion };
  if (slashes === 1) {
    const i = apiVersion.indexOf('/');
    return { group: apiVersion.slice(0, i), version: apiVersion.slice(i + 1) };
  }
  return { group: '', version: '' };
}

function validateOwnerReference(ref: Partial<OwnerReference>, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  const apiVersion = ref.apiVersion ?? '';
  const kind = ref.kind ?? '';
  const gv = groupVersionOf(apiVersion);
  // as upstream: errors name the list's fields without an index
  if (!gv.version) errs.push(fieldErrors.invalid(path.child('apiVersion'), apiVersion, 'version must not be empty'));
  if (!kind) errs.push(fieldErrors.invalid(path.child('kind'), kind, 'kind must not be empty'));
  if (!ref.name) errs.push(fieldErrors.invalid(path.child('name'), ref.name ?? '', 'name must not be empty'));
  if (!ref.uid) errs.push(fieldErrors.invalid(path.child('uid'), ref.uid ?? '', 'uid must not be empty'));
  if (gv.group === '' && gv.version === 'v1' && kind === 'Event') {
    errs.push(fieldErrors.invalid(path, rendered(goOwnerReference(ref)), `${gv.group}/${gv.version}, Kind=${kind} is disallowed from being an owner`));
  }
  return errs;
}

/**
 * Owner references: apiVersion (with a version), kind, name and uid required; core/v1
 * Event may not own; at most one reference with `controller: true`.
 */
export function validateOwnerReferences(
  refs: readonly Partial<OwnerReference>[] | null | undefined,
  path: FieldPath = METADATA.child('ownerReferences'),
): FieldError[] {
  const errs: FieldError[] = [];
  let firstController = '';
  for (const ref of refs ?? []) {
    errs.push(...validateOwnerReference(ref, path));
    if (ref.controller === true) {
      const name = `${ref.kind ?? ''}/${ref.name ?? ''}`;
      if (firstController) {
        errs.push(
          fieldErrors.invalid(
            path,
            rendered(goOwnerReferences(refs!)),
            `Only one reference can have Controller set to true. Found "true" in references for ${firstController} and ${name}`,
          ),
        );
      } else {
        firstController = name;
      }
    }
  }
  return errs;
}

// ---------------------------------------------------------------------------------------
// Finalizers

/** A finalizer name must be a qualified name (errors at `path`). */
export function validateFinalizerName(name: string, path: FieldPath | string): FieldError[] {
  return isQualifiedName(name).map((m) => fieldErrors.invalid(path, name, m));
}

/**
 * The built-in types' rule: a finalizer without '/' must be a standard one (kubernetes,
 * orphan, foregroundDeletion). Also the rule for a Namespace's spec.finalizers.
 */
export function validateKubeFinalizerName(name: string, path: FieldPath | string): FieldError[] {
  if (name.split('/').length === 1 && !STANDARD_FINALIZERS.has(name)) {
    return [fieldErrors.invalid(path, name, 'name is neither a standard finalizer name nor is it fully qualified')];
  }
  return [];
}

/**
 * Finalizers: each a qualified name (errors at the list's path, as upstream), and not both
 * `orphan` and `foregroundDeletion`.
 */
export function validateFinalizers(finalizers: readonly string[] | null | undefined, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  const list = finalizers ?? [];
  for (const f of list) errs.push(...validateFinalizerName(f, path));
  if (list.includes(FINALIZER_ORPHAN_DEPENDENTS) && list.includes(FINALIZER_DELETE_DEPENDENTS)) {
    errs.push(
      fieldErrors.invalid(
        path,
        rendered(goStringSlice(list)),
        `finalizer ${FINALIZER_ORPHAN_DEPENDENTS} and ${FINALIZER_DELETE_DEPENDENTS} cannot be both set`,
      ),
    );
  }
  return errs;
}

/** While an object is being deleted no finalizer may be added. */
export function validateNoNewFinalizers(
  newFinalizers: readonly string[] | null | undefined,
  oldFinalizers: readonly string[] | null | undefined,
  path: FieldPath,
): FieldError[] {
  const old = new Set(oldFinalizers ?? []);
  const extra = [...new Set((newFinalizers ?? []).filter((f) => !old.has(f)))].sort();
  if (extra.length === 0) return [];
  return [
    fieldErrors.forbidden(path, `no new finalizers can be added if the object is being deleted, found new finalizers ${goStringSlice(extra)}`),
  ];
}

// ---------------------------------------------------------------------------------------
// Managed fields

export const FIELD_MANAGER_MAX_LENGTH = 128;
export const MAX_SUBRESOURCE_NAME_LENGTH = 256;

/** A field manager name: at most 128 bytes, printable characters only. */
export function validateFieldManager(manager: string | undefined, path: FieldPath | string): FieldError[] {
  const errs: FieldError[] = [];
  const m = manager ?? '';
  const bytes = Buffer.from(m, 'utf8');
  if (bytes.length > FIELD_MANAGER_MAX_LENGTH) errs.push(fieldErrors.tooLong(path, '', FIELD_MANAGER_MAX_LENGTH));
  let pos = 0;
  for (const ch of m) {
    const cp = ch.codePointAt(0)!;
    if (!isGoPrintable(cp)) {
      const u = 'U+' + cp.toString(16).toUpperCase().padStart(4, '0');
      errs.push(fieldErrors.invalid(path, m, `invalid character ${u} (at position ${pos})`));
    }
    pos += Buffer.byteLength(ch, 'utf8');
  }
  return errs;
}

export function validateManagedFields(
  entries: readonly ManagedFieldsEntry[] | null | undefined,
  path: FieldPath = METADATA.child('managedFields'),
): FieldError[] {
  const errs: FieldError[] = [];
  (entries ?? []).forEach((e, i) => {
    const p = path.index(i);
    if (e.operation !== 'Apply' && e.operation !== 'Update') {
      errs.push(fieldErrors.invalid(p.child('operation'), e.operation ?? '', 'must be `Apply` or `Update`'));
    }
    if (e.fieldsType && e.fieldsType !== 'FieldsV1') {
      errs.push(fieldErrors.invalid(p.child('fieldsType'), e.fieldsType, 'must be `FieldsV1`'));
    }
    errs.push(...validateFieldManager(e.manager, p.child('manager')));
    if (Buffer.byteLength(e.subresource ?? '', 'utf8') > MAX_SUBRESOURCE_NAME_LENGTH) {
      errs.push(fieldErrors.tooLong(p.child('subresource'), '', MAX_SUBRESOURCE_NAME_LENGTH));
    }
  });
  return errs;
}

// ---------------------------------------------------------------------------------------
// Create and update

/**
 * Validates metadata on create, as kube-apiserver does after name generation: generateName
 * and name by `nameFn` (name required), namespace required for namespaced resources and
 * forbidden otherwise, generation ≥ 0, labels, annotations, owner references, finalizers
 * and managed fields. E.g. `metadata.name: Required value: name or generateName is required`.
 */
export function validateObjectMeta(
  meta: ObjectMeta | null | undefined,
  opts: ObjectMetaValidationOptions,
  path: FieldPath = METADATA,
): FieldError[] {
  const m = meta ?? {};
  const errs: FieldError[] = [];
  if (m.generateName) {
    for (const msg of opts.nameFn(m.generateName, true)) errs.push(fieldErrors.invalid(path.child('generateName'), m.generateName, msg));
  }
  if (!m.name) {
    errs.push(fieldErrors.required(path.child('name'), 'name or generateName is required'));
  } else {
    for (const msg of opts.nameFn(m.name, false)) errs.push(fieldErrors.invalid(path.child('name'), m.name, msg));
  }
  if (opts.namespaced) {
    if (!m.namespace) errs.push(fieldErrors.required(path.child('namespace'), ''));
    else for (const msg of validateNamespaceName(m.namespace, false)) errs.push(fieldErrors.invalid(path.child('namespace'), m.namespace, msg));
  } else if (m.namespace) {
    errs.push(fieldErrors.forbidden(path.child('namespace'), 'not allowed on this type'));
  }
  errs.push(...validateNonnegativeField(m.generation ?? 0, path.child('generation')));
  errs.push(...validateLabels(m.labels, path.child('labels')));
  errs.push(...validateAnnotations(m.annotations, path.child('annotations')));
  errs.push(...validateOwnerReferences(m.ownerReferences, path.child('ownerReferences')));
  errs.push(...validateFinalizers(m.finalizers, path.child('finalizers')));
  errs.push(...validateManagedFields(m.managedFields, path.child('managedFields')));
  if (opts.standardFinalizerNames ?? true) {
    (m.finalizers ?? []).forEach((f, i) => errs.push(...validateKubeFinalizerName(f, path.child('finalizers').index(i))));
  }
  return errs;
}

/** Instants equal as upstream's semantic equality compares metav1.Time (unparsable: as text). */
function sameTime(a: string | null | undefined, b: string | null | undefined): boolean {
  if (!a || !b) return !a && !b;
  try {
    return parseTime(a) === parseTime(b);
  } catch {
    return a === b;
  }
}

/** A time as upstream prints a metav1.Time bad value (Go's time.Time String()). */
function timeValue(t: string | null | undefined): ReturnType<typeof rendered> {
  if (!t) return rendered('0001-01-01 00:00:00 +0000 UTC');
  try {
    return rendered(goTimeString(parseTime(t)));
  } catch {
    return rendered(t);
  }
}

/**
 * `field is immutable` when `newValue` differs from `oldValue` (upstream's
 * ValidateImmutableField, comparing JSON values structurally).
 */
export function validateImmutableField(newValue: unknown, oldValue: unknown, path: FieldPath | string): FieldError[] {
  return deepEqual(newValue, oldValue) ? [] : [fieldErrors.invalid(path, newValue, FIELD_IMMUTABLE_ERROR_MSG)];
}

function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (a === null || b === null || typeof a !== 'object' || typeof b !== 'object') return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  const ka = Object.keys(a as object);
  const kb = Object.keys(b as object);
  if (ka.length !== kb.length) return false;
  return ka.every((k) => deepEqual((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
}

export interface ObjectMetaUpdateOptions {
  /** As ObjectMetaValidationOptions.standardFinalizerNames (default true). */
  standardFinalizerNames?: boolean;
}

/**
 * Validates metadata on update against the stored object: no new finalizers while
 * deleting, resourceVersion present, generation not decremented, name, namespace, uid,
 * creationTimestamp, deletionTimestamp and deletionGracePeriodSeconds unchanged
 * (`field is immutable`), and the new labels, annotations, owner references and managed
 * fields valid.
 */
export function validateObjectMetaUpdate(
  newMeta: ObjectMeta | null | undefined,
  oldMeta: ObjectMeta | null | undefined,
  path: FieldPath = METADATA,
  opts: ObjectMetaUpdateOptions = {},
): FieldError[] {
  const n = newMeta ?? {};
  const o = oldMeta ?? {};
  const errs: FieldError[] = [];
  if (o.deletionTimestamp) errs.push(...validateNoNewFinalizers(n.finalizers, o.finalizers, path.child('finalizers')));
  if (!n.resourceVersion) errs.push(fieldErrors.invalid(path.child('resourceVersion'), n.resourceVersion ?? '', 'must be specified for an update'));
  if ((n.generation ?? 0) < (o.generation ?? 0)) {
    errs.push(fieldErrors.invalid(path.child('generation'), n.generation ?? 0, 'must not be decremented'));
  }
  errs.push(...validateImmutableField(n.name ?? '', o.name ?? '', path.child('name')));
  errs.push(...validateImmutableField(n.namespace ?? '', o.namespace ?? '', path.child('namespace')));
  errs.push(...validateImmutableField(n.uid ?? '', o.uid ?? '', path.child('uid')));
  if (!sameTime(n.creationTimestamp, o.creationTimestamp)) {
    errs.push(fieldErrors.invalid(path.child('creationTimestamp'), timeValue(n.creationTimestamp), FIELD_IMMUTABLE_ERROR_MSG));
  }
  if (!sameTime(n.deletionTimestamp, o.deletionTimestamp)) {
    const v = n.deletionTimestamp ? timeValue(n.deletionTimestamp) : null;
    errs.push(fieldErrors.invalid(path.child('deletionTimestamp'), v, FIELD_IMMUTABLE_ERROR_MSG));
  }
  errs.push(
    ...validateImmutableField(n.deletionGracePeriodSeconds ?? null, o.deletionGracePeriodSeconds ?? null, path.child('deletionGracePeriodSeconds')),
  );
  errs.push(...validateLabels(n.labels, path.child('labels')));
  errs.push(...validateAnnotations(n.annotations, path.child('annotations')));
  errs.push(...validateOwnerReferences(n.ownerReferences, path.child('ownerReferences')));
  errs.push(...validateManagedFields(n.managedFields, path.child('managedFields')));
  if (opts.standardFinalizerNames ?? true) {
    (n.finalizers ?? []).forEach((f, i) => errs.push(...validateKubeFinalizerName(f, path.child('finalizers').index(i))));
  }
  return errs;
}
