import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isStatusError } from '../../apimachinery/status.js';
import { applyMergePatch } from './merge-patch.js';

function deepFreeze<T>(v: T): T {
  if (typeof v === 'object' && v !== null) {
    for (const e of Object.values(v)) deepFreeze(e);
    Object.freeze(v);
  }
  return v;
}

const cases: { name: string; doc: unknown; patch: unknown; want?: unknown; error?: { code: number; message: string } }[] = [
  // The examples of RFC 7386, appendix A (where the library agrees with the RFC).
  { name: 'replaces a member', doc: { a: 'b' }, patch: { a: 'c' }, want: { a: 'c' } },
  { name: 'adds a member', doc: { a: 'b' }, patch: { b: 'c' }, want: { a: 'b', b: 'c' } },
  { name: 'null removes a member', doc: { a: 'b' }, patch: { a: null }, want: {} },
  { name: 'null removes only that member', doc: { a: 'b', b: 'c' }, patch: { a: null }, want: { b: 'c' } },
  { name: 'a scalar replaces an array', doc: { a: ['b'] }, patch: { a: 'c' }, want: { a: 'c' } },
  { name: 'an array replaces a scalar', doc: { a: 'c' }, patch: { a: ['b'] }, want: { a: ['b'] } },
  { name: 'objects merge recursively', doc: { a: { b: 'c' } }, patch: { a: { b: 'd', c: null } }, want: { a: { b: 'd' } } },
  { name: 'arrays are replaced, not merged', doc: { a: [{ b: 'c' }] }, patch: { a: [1] }, want: { a: [1] } },
  { name: 'an array patch replaces an array document', doc: ['a', 'b'], patch: ['c', 'd'], want: ['c', 'd'] },
  { name: 'an array patch replaces an object document', doc: { a: 'b' }, patch: ['c'], want: ['c'] },
  { name: 'existing nulls in the document stay', doc: { e: null }, patch: { a: 1 }, want: { e: null, a: 1 } },
  { name: 'an object patch replaces an array document, nulls dropped', doc: [1, 2], patch: { a: 'b', c: null }, want: { a: 'b' } },
  { name: 'nulls inside a new subtree are dropped', doc: {}, patch: { a: { bb: { ccc: null } } }, want: { a: { bb: {} } } },
  // The library's departures from the RFC.
  {
    name: 'nulls inside maps inside a new array are dropped, null elements stay',
    doc: {},
    patch: { a: [{ b: null, c: 1 }, null] },
    want: { a: [{ c: 1 }, null] },
  },
  { name: 'an array replacing an object keeps its nulls', doc: { a: { x: 1 } }, patch: { a: [{ b: null }] }, want: { a: [{ b: null }] } },
  { name: 'a null member of the document counts as missing', doc: { a: null }, patch: { a: { b: null, c: 1 } }, want: { a: { c: 1 } } },
  {
    name: 'an object replacing a scalar has its nulls dropped',
    doc: { a: 'x' },
    patch: { a: { b: null, c: { d: null } } },
    want: { a: { c: {} } },
  },
  // Kubernetes shapes.
  {
    name: 'labels change and removal',
    doc: { metadata: { name: 'p', labels: { a: '1', b: '2' } }, spec: { replicas: 1 } },
    patch: { metadata: { labels: { a: null, c: '3' } }, spec: { replicas: 3 } },
    want: { metadata: { name: 'p', labels: { b: '2', c: '3' } }, spec: { replicas: 3 } },
  },
  {
    name: 'containers are replaced as a whole',
    doc: { spec: { containers: [{ name: 'a', image: 'x' }, { name: 'b' }] } },
    patch: { spec: { containers: [{ name: 'a', image: 'y' }] } },
    want: { spec: { containers: [{ name: 'a', image: 'y' }] } },
  },
  { name: 'an empty patch changes nothing', doc: { a: 1 }, patch: {}, want: { a: 1 } },
  { name: 'a null patch is rejected', doc: { a: 1 }, patch: null, error: { code: 400, message: 'Invalid JSON Patch' } },
  { name: 'a string patch is rejected', doc: { a: 1 }, patch: 'x', error: { code: 400, message: 'Invalid JSON Patch' } },
  { name: 'a number patch is rejected', doc: { a: 1 }, patch: 1, error: { code: 400, message: 'Invalid JSON Patch' } },
];

describe('json merge patch', () => {
  for (const c of cases) {
    it(c.name, () => {
      const doc = deepFreeze(structuredClone(c.doc));
      const patch = deepFreeze(structuredClone(c.patch));
      if (c.error) {
        assert.throws(
          () => applyMergePatch(doc, patch),
          (e: unknown) => isStatusError(e) && e.code === c.error!.code && e.reason === 'BadRequest' && e.message === c.error!.message,
        );
        return;
      }
      assert.deepEqual(applyMergePatch(doc, patch), c.want);
    });
  }

  it('treats __proto__ as a plain key', () => {
    const got = applyMergePatch({}, JSON.parse('{"__proto__":{"polluted":true}}')) as Record<string, unknown>;
    assert.deepEqual(Object.keys(got), ['__proto__']);
    assert.equal(Object.getPrototypeOf(got), Object.prototype);
    assert.equal(({} as Record<string, unknown>)['polluted'], undefined);
  });
});
