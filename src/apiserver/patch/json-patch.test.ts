import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isStatusError } from '../../apimachinery/status.js';
import { applyJsonPatch, strictJsonPatchErrors, type JsonPatchOptions } from './json-patch.js';
import { GENERIC_INVALID_MESSAGE, patchErrorDetail } from './patch-errors.js';

interface Case {
  name: string;
  doc: unknown;
  patch: unknown;
  options?: JsonPatchOptions;
  want?: unknown;
  /** For a 422: the library's message, kept as the error's cause. */
  cause?: string;
  /** For other errors. */
  error?: { code: number; message: string };
}

function deepFreeze<T>(v: T): T {
  if (typeof v === 'object' && v !== null) {
    for (const e of Object.values(v)) deepFreeze(e);
    Object.freeze(v);
  }
  return v;
}

function runCases(cases: Case[]): void {
  for (const c of cases) {
    it(c.name, () => {
      const doc = deepFreeze(structuredClone(c.doc));
      const patch = deepFreeze(structuredClone(c.patch));
      if (c.cause !== undefined || c.error !== undefined) {
        assert.throws(
          () => applyJsonPatch(doc, patch, c.options),
          (e: unknown) => {
            assert.ok(isStatusError(e), `expected a StatusError, got ${String(e)}`);
            if (c.cause !== undefined) {
              assert.equal(e.code, 422);
              assert.equal(e.reason, 'Invalid');
              assert.equal(e.status.message, GENERIC_INVALID_MESSAGE);
              assert.deepEqual(e.status.details, {});
              assert.equal(patchErrorDetail(e), c.cause);
            } else {
              assert.equal(e.code, c.error!.code);
              assert.equal(e.status.message, c.error!.message);
            }
            return true;
          },
        );
        return;
      }
      assert.deepEqual(applyJsonPatch(doc, patch, c.options), c.want);
    });
  }
}

describe('json patch: add', () => {
  runCases([
    { name: 'adds a member', doc: { a: 1 }, patch: [{ op: 'add', path: '/b', value: { c: [1] } }], want: { a: 1, b: { c: [1] } } },
    { name: 'overwrites an existing member', doc: { a: 1 }, patch: [{ op: 'add', path: '/a', value: 3 }], want: { a: 3 } },
    { name: 'inserts into an array', doc: { l: [1, 2] }, patch: [{ op: 'add', path: '/l/1', value: 9 }], want: { l: [1, 9, 2] } },
    { name: 'appends with -', doc: { l: [1, 2] }, patch: [{ op: 'add', path: '/l/-', value: 9 }], want: { l: [1, 2, 9] } },
    { name: 'appends at index = length', doc: { l: [1, 2] }, patch: [{ op: 'add', path: '/l/2', value: 9 }], want: { l: [1, 2, 9] } },
    { name: 'a negative index counts from the end (-1 appends)', doc: { l: [1, 2] }, patch: [{ op: 'add', path: '/l/-1', value: 9 }], want: { l: [1, 2, 9] } },
    { name: 'index -(length+1) inserts first', doc: { l: [1, 2] }, patch: [{ op: 'add', path: '/l/-3', value: 9 }], want: { l: [9, 1, 2] } },
    { name: 'a signed or zero-padded index is accepted', doc: { l: [1, 2] }, patch: [{ op: 'add', path: '/l/+01', value: 9 }], want: { l: [1, 9, 2] } },
    { name: 'without value it adds null', doc: { a: 1 }, patch: [{ op: 'add', path: '/b' }], want: { a: 1, b: null } },
    {
      name: 'past the end of an array',
      doc: { l: [1, 2] },
      patch: [{ op: 'add', path: '/l/3', value: 9 }],
      cause: "error in add for path: '/l/3': Unable to access invalid index: 3: invalid index referenced",
    },
    {
      name: 'before the start of an array',
      doc: { l: [1, 2] },
      patch: [{ op: 'add', path: '/l/-4', value: 9 }],
      cause: "error in add for path: '/l/-4': Unable to access invalid index: -4: invalid index referenced",
    },
    {
      name: 'a non-numeric array index',
      doc: { l: [1, 2] },
      patch: [{ op: 'add', path: '/l/x', value: 9 }],
      cause: `error in add for path: '/l/x': value was not a proper array index: 'x': strconv.Atoi: parsing "x": invalid syntax`,
    },
    {
      name: 'onto a missing parent',
      doc: { spec: {} },
      patch: [{ op: 'add', path: '/spec/foo/bar', value: 1 }],
      cause: 'add operation does not apply: doc is missing path: "/spec/foo/bar": missing value',
    },
    {
      name: 'through a scalar',
      doc: { spec: 'x' },
      patch: [{ op: 'add', path: '/spec/foo', value: 1 }],
      cause: 'add operation does not apply: doc is missing path: "/spec/foo": missing value',
    },
    {
      name: 'through a null member',
      doc: { spec: null },
      patch: [{ op: 'add', path: '/spec/foo', value: 1 }],
      cause: 'add operation does not apply: doc is missing path: "/spec/foo": missing value',
    },
    {
      name: 'at the root path',
      doc: { a: 1 },
      patch: [{ op: 'add', path: '', value: {} }],
      cause: 'add operation does not apply: doc is missing path: "": missing value',
    },
    {
      name: 'without a path',
      doc: { a: 1 },
      patch: [{ op: 'add', value: 1 }],
      cause: 'add operation failed to decode path: missing value',
    },
  ]);
});

describe('json patch: remove, replace', () => {
  runCases([
    { name: 'removes a member', doc: { a: 1, b: 2 }, patch: [{ op: 'remove', path: '/a' }], want: { b: 2 } },
    { name: 'removes a null member', doc: { a: null }, patch: [{ op: 'remove', path: '/a' }], want: {} },
    { name: 'removes an array element', doc: { l: [1, 2, 3] }, patch: [{ op: 'remove', path: '/l/1' }], want: { l: [1, 3] } },
    { name: 'removes the last element with -1', doc: { l: [1, 2, 3] }, patch: [{ op: 'remove', path: '/l/-1' }], want: { l: [1, 2] } },
    {
      name: 'remove of a missing member',
      doc: { spec: {} },
      patch: [{ op: 'remove', path: '/spec/foo' }],
      cause: "error in remove for path: '/spec/foo': Unable to remove nonexistent key: foo: missing value",
    },
    {
      name: 'remove under a missing parent',
      doc: {},
      patch: [{ op: 'remove', path: '/spec/foo' }],
      cause: 'remove operation does not apply: doc is missing path: "/spec/foo": missing value',
    },
    {
      name: 'remove with - as index',
      doc: { l: [1] },
      patch: [{ op: 'remove', path: '/l/-' }],
      cause: `error in remove for path: '/l/-': strconv.Atoi: parsing "-": invalid syntax`,
    },
    {
      name: 'remove past the end',
      doc: { l: [1] },
      patch: [{ op: 'remove', path: '/l/1' }],
      cause: "error in remove for path: '/l/1': Unable to access invalid index: 1: invalid index referenced",
    },
    { name: 'replaces a member', doc: { a: 1 }, patch: [{ op: 'replace', path: '/a', value: [2] }], want: { a: [2] } },
    { name: 'replace of a missing member adds it', doc: { a: 1 }, patch: [{ op: 'replace', path: '/b', value: 2 }], want: { a: 1, b: 2 } },
    { name: 'replaces an array element', doc: { l: [1, 2] }, patch: [{ op: 'replace', path: '/l/-1', value: 9 }], want: { l: [1, 9] } },
    {
      name: 'replace past the end',
      doc: { l: [1, 2] },
      patch: [{ op: 'replace', path: '/l/2', value: 9 }],
      cause: 'replace operation does not apply: doc is missing key: /l/2: missing value',
    },
    {
      name: 'replace under a missing parent',
      doc: {},
      patch: [{ op: 'replace', path: '/x/y', value: 1 }],
      cause: 'replace operation does not apply: doc is missing path: /x/y: missing value',
    },
    {
      name: 'replace without path',
      doc: {},
      patch: [{ op: 'replace', value: 1 }],
      cause: 'replace operation failed to decode path: operation missing path field: missing value',
    },
    {
      name: 'replace with a non-string path',
      doc: {},
      patch: [{ op: 'replace', path: 5, value: 1 }],
      cause: 'replace operation failed to decode path: json: cannot unmarshal number into Go value of type string',
    },
    { name: 'replaces the whole document with an object', doc: { a: 1 }, patch: [{ op: 'replace', path: '', value: { b: 2 } }], want: { b: 2 } },
    { name: 'replaces the whole document with an array', doc: { a: 1 }, patch: [{ op: 'replace', path: '', value: [1] }], want: [1] },
    { name: 'replacing the whole document with a scalar does nothing', doc: { a: 1 }, patch: [{ op: 'replace', path: '', value: 5 }], want: { a: 1 } },
  ]);
});

describe('json patch: move, copy', () => {
  runCases([
    { name: 'moves a member', doc: { a: { b: 1 } }, patch: [{ op: 'move', from: '/a/b', path: '/c' }], want: { a: {}, c: 1 } },
    { name: 'moves within an array', doc: { l: [1, 2, 3] }, patch: [{ op: 'move', from: '/l/0', path: '/l/-' }], want: { l: [2, 3, 1] } },
    {
      name: 'move from a missing member',
      doc: { a: 1 },
      patch: [{ op: 'move', from: '/x', path: '/y' }],
      cause: "error in move for path: 'x': Unable to remove nonexistent key: x: missing value",
    },
    {
      name: 'move into its own child',
      doc: { a: { b: {} } },
      patch: [{ op: 'move', from: '/a', path: '/a/b/c' }],
      cause: 'move operation does not apply: doc is missing destination path: /a/b/c: missing value',
    },
    {
      name: 'move without from',
      doc: { a: 1 },
      patch: [{ op: 'move', path: '/b' }],
      cause: 'move operation failed to decode from: operation, missing from field: missing value',
    },
    {
      name: 'copies deeply (changing the copy leaves the source alone)',
      doc: { a: { x: [1] } },
      patch: [
        { op: 'copy', from: '/a', path: '/b' },
        { op: 'add', path: '/b/x/-', value: 2 },
      ],
      want: { a: { x: [1] }, b: { x: [1, 2] } },
    },
    { name: 'copy from a missing member writes null', doc: { a: 1 }, patch: [{ op: 'copy', from: '/x', path: '/y' }], want: { a: 1, y: null } },
    {
      name: 'copy within the size limit',
      doc: { a: '0123456789' },
      patch: [{ op: 'copy', from: '/a', path: '/b' }],
      options: { maxCopyBytes: 12 },
      want: { a: '0123456789', b: '0123456789' },
    },
    {
      name: 'copies add up against the size limit',
      doc: { a: '0123456789' },
      patch: [
        { op: 'copy', from: '/a', path: '/b' },
        { op: 'copy', from: '/a', path: '/c' },
      ],
      options: { maxCopyBytes: 20 },
      cause: 'Unable to complete the copy, the accumulated size increase of copy is 24, exceeding the limit 20',
    },
    {
      name: 'copy size counts Go escaping of <, > and &',
      doc: { a: '<>' },
      patch: [{ op: 'copy', from: '/a', path: '/b' }],
      options: { maxCopyBytes: 13 },
      cause: 'Unable to complete the copy, the accumulated size increase of copy is 14, exceeding the limit 13',
    },
  ]);
});

describe('json patch: test', () => {
  runCases([
    {
      name: 'passes on an equal object regardless of key order',
      doc: { a: { x: 1, y: [1, { z: null }] } },
      patch: [{ op: 'test', path: '/a', value: { y: [1, { z: null }], x: 1 } }],
      want: { a: { x: 1, y: [1, { z: null }] } },
    },
    {
      name: 'fails on a different value, aborting the whole patch',
      doc: { a: 1 },
      patch: [
        { op: 'add', path: '/b', value: 2 },
        { op: 'test', path: '/a', value: 2 },
      ],
      cause: 'testing value /a failed: test failed',
    },
    { name: 'null matches a missing member', doc: { a: 1 }, patch: [{ op: 'test', path: '/x', value: null }], want: { a: 1 } },
    { name: 'null matches a null member', doc: { a: null }, patch: [{ op: 'test', path: '/a', value: null }], want: { a: null } },
    { name: 'a missing member does not match a value', doc: {}, patch: [{ op: 'test', path: '/x', value: 1 }], cause: 'testing value /x failed: test failed' },
    { name: 'a present member does not match an absent value', doc: { a: 1 }, patch: [{ op: 'test', path: '/a' }], cause: 'testing value /a failed: test failed' },
    { name: 'a string does not equal a number', doc: { a: '1' }, patch: [{ op: 'test', path: '/a', value: 1 }], cause: 'testing value /a failed: test failed' },
    { name: 'tests the whole document', doc: { a: 1 }, patch: [{ op: 'test', path: '', value: { a: 1 } }], want: { a: 1 } },
    { name: 'tests an array element', doc: { l: ['x', 'y'] }, patch: [{ op: 'test', path: '/l/-1', value: 'y' }], want: { l: ['x', 'y'] } },
    {
      name: 'test past the end of an array',
      doc: { l: [] },
      patch: [{ op: 'test', path: '/l/0', value: 1 }],
      cause: "error in test for path: '/l/0': Unable to access invalid index: 0: invalid index referenced",
    },
    {
      name: 'test under a missing parent',
      doc: {},
      patch: [{ op: 'test', path: '/a/b', value: 1 }],
      cause: 'test operation does not apply: is missing path: /a/b: missing value',
    },
    {
      name: 'test of a missing member without value (the library crashes: 500)',
      doc: {},
      patch: [{ op: 'test', path: '/a' }],
      error: { code: 500, message: 'runtime error: invalid memory address or nil pointer dereference' },
    },
  ]);
});

describe('json patch: pointers and operations', () => {
  runCases([
    {
      name: 'unescapes ~1 and ~0',
      doc: { 'a/b': { 'm~n': 1 } },
      patch: [{ op: 'replace', path: '/a~1b/m~0n', value: 2 }],
      want: { 'a/b': { 'm~n': 2 } },
    },
    { name: '~01 unescapes to ~1, not /', doc: {}, patch: [{ op: 'add', path: '/~01', value: 1 }], want: { '~1': 1 } },
    {
      name: 'annotation keys with slashes',
      doc: { metadata: { annotations: { 'example.com/a': 'x' } } },
      patch: [{ op: 'replace', path: '/metadata/annotations/example.com~1a', value: 'y' }],
      want: { metadata: { annotations: { 'example.com/a': 'y' } } },
    },
    { name: 'the first path segment is ignored', doc: { a: 1 }, patch: [{ op: 'add', path: 'x/b', value: 2 }], want: { a: 1, b: 2 } },
    { name: 'operations apply in order', doc: {}, patch: [{ op: 'add', path: '/a', value: {} }, { op: 'add', path: '/a/b', value: 1 }], want: { a: { b: 1 } } },
    { name: 'an unknown op', doc: {}, patch: [{ op: 'frob', path: '/a' }], cause: 'Unexpected kind: frob' },
    { name: 'a missing op', doc: {}, patch: [{ path: '/a' }], cause: 'Unexpected kind: unknown' },
    { name: 'a non-string op', doc: {}, patch: [{ op: 1, path: '/a' }], cause: 'Unexpected kind: unknown' },
    { name: 'a null operation', doc: {}, patch: [null], cause: 'Unexpected kind: unknown' },
    { name: 'an empty patch', doc: { a: 1 }, patch: [], want: { a: 1 } },
    { name: 'a null patch', doc: { a: 1 }, patch: null, want: { a: 1 } },
    {
      name: 'a patch that is an object',
      doc: {},
      patch: { op: 'add', path: '/a', value: 1 },
      error: { code: 400, message: 'json: cannot unmarshal object into Go value of type jsonpatch.Patch' },
    },
    {
      name: 'an operation that is a string',
      doc: {},
      patch: ['add'],
      error: { code: 400, message: 'json: cannot unmarshal string into Go value of type jsonpatch.Operation' },
    },
  ]);

  it('rejects more than 10000 operations with 413', () => {
    const ops = Array.from({ length: 10001 }, () => ({ op: 'test', path: '/a', value: 1 }));
    assert.throws(
      () => applyJsonPatch({ a: 1 }, ops),
      (e: unknown) =>
        isStatusError(e) &&
        e.code === 413 &&
        e.reason === 'RequestEntityTooLarge' &&
        e.message === 'Request entity too large: The allowed maximum operations in a JSON patch is 10000, got 10001',
    );
    assert.deepEqual(applyJsonPatch({ a: 1 }, ops.slice(1)), { a: 1 });
  });
});

describe('json patch: strict decoding of operations', () => {
  const cases: { name: string; patch: unknown; duplicates?: string[]; want?: string[]; error?: string }[] = [
    { name: 'known fields only', patch: [{ op: 'add', path: '/a', from: '', value: { any: 'thing' } }], want: [] },
    {
      name: 'unknown fields, with their index',
      patch: [{ op: 'add', path: '/a', value: 1 }, { op: 'remove', path: '/a', Value: 1, extra: true }],
      want: ['json patch unknown field "[1].Value"', 'json patch unknown field "[1].extra"'],
    },
    {
      name: 'duplicate fields',
      patch: [{ op: 'add', path: '/a', value: 1, bogus: 1 }],
      duplicates: ['[0].op', '[0].bogus', '[0].value.x'],
      want: ['json patch unknown field "[0].bogus"', 'json patch duplicate field "[0].op"', 'json patch duplicate field "[0].value.x"'],
    },
    {
      name: 'an op of the wrong type',
      patch: [{ op: 1, path: '/a' }],
      error: 'error decoding patch: json: cannot unmarshal number into Go struct field jsonPatchOp.op of type string',
    },
    {
      name: 'a path of the wrong type',
      patch: [{ op: 'add', path: ['a'] }],
      error: 'error decoding patch: json: cannot unmarshal array into Go struct field jsonPatchOp.path of type string',
    },
    {
      name: 'a body that is not a list',
      patch: { op: 'add' },
      error: 'error decoding patch: json: cannot unmarshal object into Go value of type []handlers.jsonPatchOp',
    },
    {
      name: 'an operation that is not an object',
      patch: [true],
      error: 'error decoding patch: json: cannot unmarshal bool into Go value of type handlers.jsonPatchOp',
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      if (c.error !== undefined) {
        assert.throws(
          () => strictJsonPatchErrors(c.patch, c.duplicates),
          (e: unknown) => isStatusError(e) && e.code === 400 && e.message === c.error,
        );
      } else {
        assert.deepEqual(strictJsonPatchErrors(c.patch, c.duplicates), c.want);
      }
    });
  }
});
