import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { canonicalJson, computeTemplateHash, fnv1, fnv1a, safeEncodeString } from './hash.js';
import {
  applyTemplatePatch,
  equalRevision,
  hashRevision,
  newControllerRevision,
  nextRevisionNumber,
  revisionName,
  sortRevisions,
  templatePatchOf,
  type ControllerRevision,
} from './revisions.js';

const bytes = (s: string) => new TextEncoder().encode(s);

describe('hashes', () => {
  it('computes FNV-1 and FNV-1a (32 bit) as Go hash/fnv', () => {
    assert.equal(fnv1a(bytes('')), 0x811c9dc5);
    assert.equal(fnv1a(bytes('a')), 0xe40c292c);
    assert.equal(fnv1a(bytes('foobar')), 0xbf9cf968);
    assert.equal(fnv1(bytes('a')), 0x050c5d7e);
    assert.equal(fnv1(bytes('foobar')), 0x31f0b262);
    assert.equal(fnv1a(bytes('bar'), fnv1a(bytes('foo'))), fnv1a(bytes('foobar')), 'seeded continuation');
  });

  it('encodes without vowels, as rand.SafeEncodeString', () => {
    assert.equal(safeEncodeString('0123456789'), '456789bcdf');
  });

  it('hashes canonical JSON, independent of key order', () => {
    assert.equal(canonicalJson({ b: 1, a: [1, { d: 2, c: 3 }] }), '{"a":[1,{"c":3,"d":2}],"b":1}');
    assert.equal(canonicalJson({ cmd: 'a && b > c' }), '{"cmd":"a \\u0026\\u0026 b \\u003e c"}', 'Go escapes <, > and &');
    assert.equal(computeTemplateHash({ a: 1, b: 2 }), computeTemplateHash({ b: 2, a: 1 }));
    assert.notEqual(computeTemplateHash({ a: 1 }), computeTemplateHash({ a: 1 }, 1), 'the collision count changes the hash');
    assert.match(computeTemplateHash({ a: 1 }), /^[bcdfghjklmnpqrstvwxz2456789]+$/);
  });
});

describe('ControllerRevisions', () => {
  const parent = { metadata: { name: 'web', namespace: 'ns', uid: 'u' }, spec: { template: { metadata: { labels: { app: 'web' } }, spec: { containers: [] } } } };
  const ref = { apiVersion: 'apps/v1', kind: 'StatefulSet', name: 'web', uid: 'u', controller: true, blockOwnerDeletion: true };

  it('names a revision after its parent and the hash of its data', () => {
    const data = templatePatchOf(parent);
    const cr = newControllerRevision(parent, ref, { app: 'web' }, data, 3);
    const hash = hashRevision(data);
    assert.equal(cr.metadata!.name, `web-${hash}`);
    assert.deepEqual(cr.metadata!.labels, { app: 'web', 'controller.kubernetes.io/hash': hash });
    assert.equal(cr.revision, 3);
    assert.notEqual(newControllerRevision(parent, ref, {}, data, 3, 1).metadata!.name, cr.metadata!.name);
    assert.equal(revisionName('x'.repeat(300), 'h').length, 225);
  });

  it('stores the template as a replace patch and applies it back', () => {
    const data = templatePatchOf(parent);
    assert.deepEqual(data, { spec: { template: { metadata: { creationTimestamp: null, labels: { app: 'web' } }, spec: { containers: [] }, $patch: 'replace' } } });
    assert.deepEqual(Object.keys(data.spec.template), ['$patch', 'metadata', 'spec'], 'keys sorted, as Go marshals a map');
    const changed = { ...parent, spec: { template: { metadata: { labels: { app: 'other' } } }, replicas: 2 } };
    assert.deepEqual(applyTemplatePatch(changed, data).spec, { template: { metadata: { creationTimestamp: null, labels: { app: 'web' } }, spec: { containers: [] } }, replicas: 2 });
    const typed = templatePatchOf({ spec: { template: { spec: { containers: [{ name: 'c' }], initContainers: [{ name: 'i', resources: { limits: { cpu: '1' } } }] } } } });
    assert.deepEqual(typed.spec.template.spec, { containers: [{ name: 'c', resources: {} }], initContainers: [{ name: 'i', resources: { limits: { cpu: '1' } } }] });
  });

  it('compares and orders revisions', () => {
    const r = (name: string, revision: number, data: unknown, created = '2024-01-01T00:00:00Z'): ControllerRevision => ({ metadata: { name, creationTimestamp: created }, revision, data });
    assert.ok(equalRevision(r('a', 1, { x: 1, y: 2 }), r('b', 2, { y: 2, x: 1 })));
    assert.equal(equalRevision(r('a', 1, { x: 1 }), r('b', 1, { x: 2 })), false);
    const sorted = sortRevisions([r('c', 2, 0), r('b', 1, 0, '2024-01-02T00:00:00Z'), r('a', 1, 0, '2024-01-02T00:00:00Z'), r('z', 1, 0)]);
    assert.deepEqual(sorted.map((x) => x.metadata!.name), ['z', 'a', 'b', 'c']);
    assert.equal(nextRevisionNumber(sorted), 3);
    assert.equal(nextRevisionNumber([]), 1);
  });
});
