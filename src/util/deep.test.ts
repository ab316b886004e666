import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { deepClone, deepEqual } from './deep.js';

describe('deepEqual', () => {
  const cases: [unknown, unknown, boolean][] = [
    [1, 1, true],
    [1, '1', false],
    [{ a: 1, b: [1, { c: 2 }] }, { b: [1, { c: 2 }], a: 1 }, true],
    [{ a: 1 }, { a: 1, b: undefined }, true],
    [{ a: [] }, { a: {} }, false],
    [[1, 2], [2, 1], false],
    [null, {}, false],
    [{ a: null }, { a: null }, true],
  ];
  for (const [a, b, want] of cases) {
    it(`${JSON.stringify(a)} vs ${JSON.stringify(b)}`, () => assert.equal(deepEqual(a, b), want));
  }
  it('clones without sharing', () => {
    const a = { x: { y: [1, { z: 2 }] }, u: undefined };
    const b = deepClone(a);
    assert.ok(deepEqual(a, b));
    (b.x.y[1] as { z: number }).z = 3;
    assert.equal((a.x.y[1] as { z: number }).z, 2);
    assert.equal('u' in b, false);
  });
});
