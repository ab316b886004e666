import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { errors } from './status.js';
import {
  validateFieldManager,
  validateFinalizers,
  validateKubeFinalizerName,
  validateManagedFields,
  validateNoNewFinalizers,
  validateObjectMeta,
  validateObjectMetaUpdate,
  validateOwnerReferences,
} from './object-meta.js';
import { FieldPath } from './field-path.js';
import type { ObjectMeta } from './types.js';
import { nameIsDNSLabel, nameIsDNSSubdomain, validatePathSegmentName } from './validation.js';

const SUBDOMAIN_MSG =
  "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";
const LABEL_MSG =
  "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')";

const namespaced = { namespaced: true, nameFn: nameIsDNSSubdomain };
const cluster = { namespaced: false, nameFn: nameIsDNSSubdomain };
const msgs = (meta: ObjectMeta, opts = namespaced) => validateObjectMeta(meta, opts).map((e) => e.message());
const ref = (o: Record<string, unknown> = {}) => ({ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'rs', uid: 'u1', ...o });

describe('validateObjectMeta', () => {
  const cases: [string, ObjectMeta, typeof namespaced, string[]][] = [
    ['valid namespaced', { name: 'web', namespace: 'default' }, namespaced, []],
    ['valid cluster-scoped', { name: 'node-1' }, cluster, []],
    ['name required', { namespace: 'default' }, namespaced, ['metadata.name: Required value: name or generateName is required']],
    ['uppercase name', { name: 'Foo', namespace: 'default' }, namespaced, [`metadata.name: Invalid value: "Foo": ${SUBDOMAIN_MSG}`]],
    [
      'long name',
      { name: 'a'.repeat(254), namespace: 'default' },
      namespaced,
      [`metadata.name: Invalid value: "${'a'.repeat(254)}": must be no more than 253 characters`],
    ],
    ['namespace required', { name: 'web' }, namespaced, ['metadata.namespace: Required value']],
    ['namespace must be a label', { name: 'web', namespace: 'a.b' }, namespaced, ['metadata.namespace: Invalid value: "a.b": must not contain dots']],
    ['namespace forbidden', { name: 'n', namespace: 'default' }, cluster, ['metadata.namespace: Forbidden: not allowed on this type']],
    ['generateName with a trailing dash', { name: 'web-abcde', generateName: 'web-', namespace: 'default' }, namespaced, []],
    [
      'bad generateName',
      { name: 'x', generateName: 'Web-', namespace: 'default' },
      namespaced,
      [`metadata.generateName: Invalid value: "Web-": ${SUBDOMAIN_MSG}`],
    ],
    ['negative generation', { name: 'a', namespace: 'n', generation: -1 }, namespaced, ['metadata.generation: Invalid value: -1: must be greater than or equal to 0']],
    [
      'bad label value',
      { name: 'a', namespace: 'n', labels: { app: 'a b' } },
      namespaced,
      [
        "metadata.labels: Invalid value: \"a b\": a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')",
      ],
    ],
    [
      'annotations too large',
      { name: 'a', namespace: 'n', annotations: { big: 'x'.repeat(262142) } },
      namespaced,
      ['metadata.annotations: Too long: may not be more than 262144 bytes'],
    ],
    [
      'orphan and foregroundDeletion together',
      { name: 'a', namespace: 'n', finalizers: ['kubernetes', 'orphan', 'foregroundDeletion', 'example.com/cleanup'] },
      namespaced,
      [
        'metadata.finalizers: Invalid value: []string{"kubernetes", "orphan", "foregroundDeletion", "example.com/cleanup"}: finalizer orphan and foregroundDeletion cannot be both set',
      ],
    ],
    [
      'unqualified finalizer',
      { name: 'a', namespace: 'n', finalizers: ['cleanup'] },
      namespaced,
      ['metadata.finalizers[0]: Invalid value: "cleanup": name is neither a standard finalizer name nor is it fully qualified'],
    ],
    [
      'malformed finalizer',
      { name: 'a', namespace: 'n', finalizers: ['example.com/a b'] },
      namespaced,
      [
        "metadata.finalizers: Invalid value: \"example.com/a b\": name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')",
      ],
    ],
  ];
  for (const [name, meta, opts, want] of cases) it(name, () => assert.deepEqual(msgs(meta, opts), want));

  it('custom resources may use unqualified finalizers', () => {
    assert.deepEqual(msgs({ name: 'a', namespace: 'n', finalizers: ['cleanup'] }, { ...namespaced, standardFinalizerNames: false } as typeof namespaced), []);
  });

  it('uses the resource name rule', () => {
    assert.deepEqual(msgs({ name: 'a.b' }, { namespaced: false, nameFn: nameIsDNSLabel }), ['metadata.name: Invalid value: "a.b": must not contain dots']);
    assert.deepEqual(msgs({ name: 'system:controller:x' }, { namespaced: false, nameFn: validatePathSegmentName }), []);
    assert.deepEqual(msgs({ name: 'a/b' }, { namespaced: false, nameFn: validatePathSegmentName }), ["metadata.name: Invalid value: \"a/b\": may not contain '/'"]);
    assert.deepEqual(msgs({ name: 'Ns' }, { namespaced: false, nameFn: nameIsDNSLabel }), [`metadata.name: Invalid value: "Ns": ${LABEL_MSG}`]);
  });

  it('renders as a 422 the way kube-apiserver does', () => {
    const errs = validateObjectMeta({ name: 'Foo' }, namespaced);
    const e = errors.invalid({ group: '', kind: 'ConfigMap' }, 'Foo', errs);
    assert.equal(e.code, 422);
    assert.equal(
      e.message,
      `ConfigMap "Foo" is invalid: [metadata.name: Invalid value: "Foo": ${SUBDOMAIN_MSG}, metadata.namespace: Required value]`,
    );
    assert.deepEqual(e.status.details?.causes?.[1], { reason: 'FieldValueRequired', message: 'Required value', field: 'metadata.namespace' });
  });
});

describe('validateOwnerReferences', () => {
  const p = FieldPath.root('metadata').child('ownerReferences');
  const m = (refs: Record<string, unknown>[]) => validateOwnerReferences(refs, p).map((e) => e.message());

  it('accepts valid references', () => {
    assert.deepEqual(m([ref(), ref({ controller: true, name: 'b', uid: 'u2' })]), []);
  });

  it('requires apiVersion (with a version), kind, name and uid', () => {
    assert.deepEqual(m([{ apiVersion: 'apps/', kind: '', name: '', uid: '' }]), [
      'metadata.ownerReferences.apiVersion: Invalid value: "apps/": version must not be empty',
      'metadata.ownerReferences.kind: Invalid value: "": kind must not be empty',
      'metadata.ownerReferences.name: Invalid value: "": name must not be empty',
      'metadata.ownerReferences.uid: Invalid value: "": uid must not be empty',
    ]);
    assert.deepEqual(m([ref({ apiVersion: 'a/b/c' })]), ['metadata.ownerReferences.apiVersion: Invalid value: "a/b/c": version must not be empty']);
  });

  it('forbids events as owners', () => {
    assert.deepEqual(m([ref({ apiVersion: 'v1', kind: 'Event', name: 'e', uid: 'u' })]), [
      'metadata.ownerReferences: Invalid value: v1.OwnerReference{APIVersion:"v1", Kind:"Event", Name:"e", UID:"u", Controller:(*bool)(nil), BlockOwnerDeletion:(*bool)(nil)}: /v1, Kind=Event is disallowed from being an owner',
    ]);
  });

  it('allows at most one controller', () => {
    const errs = m([ref({ controller: true }), ref({ kind: 'Deployment', name: 'd', uid: 'u2', controller: true }), ref({ kind: 'StatefulSet', name: 's', uid: 'u3', controller: true })]);
    assert.equal(errs.length, 2);
    assert.match(errs[0]!, /^metadata\.ownerReferences: Invalid value: \[\]v1\.OwnerReference\{v1\.OwnerReference\{APIVersion:"apps\/v1", Kind:"ReplicaSet", Name:"rs", UID:"u1", Controller:\(\*bool\)\(0x[0-9a-f]+\), BlockOwnerDeletion:\(\*bool\)\(nil\)\}, /);
    assert.match(errs[0]!, /: Only one reference can have Controller set to true\. Found "true" in references for ReplicaSet\/rs and Deployment\/d$/);
    assert.match(errs[1]!, /Found "true" in references for ReplicaSet\/rs and StatefulSet\/s$/);
  });
});

describe('finalizers', () => {
  const p = FieldPath.root('metadata').child('finalizers');
  it('validateFinalizers', () => {
    assert.deepEqual(validateFinalizers(['a', 'example.com/b'], p), []);
    assert.equal(validateFinalizers(['orphan', 'foregroundDeletion'], p).length, 1);
  });
  it('validateKubeFinalizerName', () => {
    for (const ok of ['kubernetes', 'orphan', 'foregroundDeletion', 'example.com/x', 'a/b']) assert.deepEqual(validateKubeFinalizerName(ok, p), []);
    assert.equal(validateKubeFinalizerName('cleanup', p).length, 1);
  });
  it('validateNoNewFinalizers', () => {
    assert.deepEqual(validateNoNewFinalizers(['a'], ['a', 'b'], p), []);
    assert.deepEqual(
      validateNoNewFinalizers(['c', 'a', 'b', 'c'], ['a'], p).map((e) => e.message()),
      ['metadata.finalizers: Forbidden: no new finalizers can be added if the object is being deleted, found new finalizers []string{"b", "c"}'],
    );
  });
});

describe('managed fields', () => {
  it('validates operation, fieldsType, manager and subresource', () => {
    const errs = validateManagedFields([
      { manager: 'kubectl', operation: 'Apply', fieldsType: 'FieldsV1' },
      { manager: 'x', operation: 'Patch' as 'Apply', fieldsType: 'FieldsV2' as 'FieldsV1', subresource: 's'.repeat(257) },
    ]).map((e) => e.message());
    assert.deepEqual(errs, [
      'metadata.managedFields[1].operation: Invalid value: "Patch": must be `Apply` or `Update`',
      'metadata.managedFields[1].fieldsType: Invalid value: "FieldsV2": must be `FieldsV1`',
      'metadata.managedFields[1].subresource: Too long: may not be more than 256 bytes',
    ]);
  });
  it('field manager names are printable and short', () => {
    assert.deepEqual(validateFieldManager('kubectl-client-side-apply', 'fieldManager'), []);
    assert.deepEqual(validateFieldManager('é ok', 'fieldManager'), []);
    assert.deepEqual(
      validateFieldManager('a\u0007\u00e9\u0000', 'fieldManager').map((e) => e.message()),
      [
        'fieldManager: Invalid value: "a\\a\u00e9\\x00": invalid character U+0007 (at position 1)',
        'fieldManager: Invalid value: "a\\a\u00e9\\x00": invalid character U+0000 (at position 4)',
      ],
    );
    assert.deepEqual(validateFieldManager('m'.repeat(129), 'fieldManager').map((e) => e.message()), ['fieldManager: Too long: may not be more than 128 bytes']);
  });
});

describe('validateObjectMetaUpdate', () => {
  const old: ObjectMeta = {
    name: 'web',
    namespace: 'default',
    uid: 'u1',
    resourceVersion: '5',
    generation: 2,
    creationTimestamp: '2026-11-22T11:48:19Z',
  };
  const upd = (o: Partial<ObjectMeta>) => validateObjectMetaUpdate({ ...old, ...o }, old).map((e) => e.message());

  it('accepts an unchanged object and equivalent timestamps', () => {
    assert.deepEqual(upd({}), []);
    assert.deepEqual(upd({ creationTimestamp: '2026-11-22T12:48:19+01:00' }), []);
    assert.deepEqual(upd({ generation: 3, labels: { a: 'b' } }), []);
  });

  it('rejects changes to immutable fields', () => {
    assert.deepEqual(upd({ name: 'other' }), ['metadata.name: Invalid value: "other": field is immutable']);
    assert.deepEqual(upd({ namespace: 'kube-system' }), ['metadata.namespace: Invalid value: "kube-system": field is immutable']);
    assert.deepEqual(upd({ uid: 'u2' }), ['metadata.uid: Invalid value: "u2": field is immutable']);
    assert.deepEqual(upd({ creationTimestamp: '2026-11-22T11:48:20Z' }), [
      'metadata.creationTimestamp: Invalid value: 2026-11-22 11:48:20 +0000 UTC: field is immutable',
    ]);
    assert.deepEqual(upd({ creationTimestamp: null }), ['metadata.creationTimestamp: Invalid value: 0001-01-01 00:00:00 +0000 UTC: field is immutable']);
    assert.deepEqual(upd({ deletionTimestamp: '2026-11-22T11:48:20Z' }), [
      'metadata.deletionTimestamp: Invalid value: 2026-11-22 11:48:20 +0000 UTC: field is immutable',
    ]);
    assert.deepEqual(upd({ deletionGracePeriodSeconds: 30 }), ['metadata.deletionGracePeriodSeconds: Invalid value: 30: field is immutable']);
  });

  it('requires resourceVersion and forbids decrementing generation', () => {
    assert.deepEqual(upd({ resourceVersion: '' }), ['metadata.resourceVersion: Invalid value: "": must be specified for an update']);
    assert.deepEqual(upd({ generation: 1 }), ['metadata.generation: Invalid value: 1: must not be decremented']);
  });

  it('forbids new finalizers while deleting', () => {
    const deleting: ObjectMeta = { ...old, deletionTimestamp: '2026-11-22T11:50:00Z', finalizers: ['a.io/x'] };
    assert.deepEqual(validateObjectMetaUpdate({ ...deleting, finalizers: [] }, deleting), []);
    assert.deepEqual(
      validateObjectMetaUpdate({ ...deleting, finalizers: ['a.io/x', 'b.io/y'] }, deleting).map((e) => e.message()),
      ['metadata.finalizers: Forbidden: no new finalizers can be added if the object is being deleted, found new finalizers []string{"b.io/y"}'],
    );
  });

  it('validates the new labels, annotations, owner references and finalizer names', () => {
    assert.equal(upd({ labels: { 'a b': 'c' } }).length, 1);
    assert.equal(upd({ annotations: { '/x': 'c' } }).length, 1);
    assert.equal(upd({ ownerReferences: [{ apiVersion: 'v1', kind: 'Pod', name: '', uid: 'u' }] }).length, 1);
    assert.deepEqual(upd({ finalizers: ['cleanup'] }), ['metadata.finalizers[0]: Invalid value: "cleanup": name is neither a standard finalizer name nor is it fully qualified']);
    assert.deepEqual(validateObjectMetaUpdate({ ...old, finalizers: ['cleanup'] }, old, undefined, { standardFinalizerNames: false }), []);
  });
});
