import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { goFloat, goJsonKind, goS, goTypeForS, goV } from './go-format.js';

describe('Go fmt renderings', () => {
  const vCases: [unknown, string][] = [
    [null, '<nil>'],
    ['s', 's'],
    [true, 'true'],
    [80, '80'],
    [-3, '-3'],
    [0.5, '0.5'],
    [['a', 1, null], '[a 1 <nil>]'],
    [{ b: 1, a: { d: [], c: 'x' }, $patch: 'delete' }, 'map[$patch:delete a:map[c:x d:[]] b:1]'],
    [{}, 'map[]'],
  ];
  for (const [v, want] of vCases) it(`%v of ${JSON.stringify(v)}`, () => assert.equal(goV(v), want));

  it('%v of floats switches to exponent form as Go does', () => {
    assert.equal(goFloat(1234567.5), '1.2345675e+06');
    assert.equal(goFloat(123456.5), '123456.5');
    assert.equal(goFloat(0.0001), '0.0001');
    assert.equal(goFloat(0.00001), '1e-05');
    assert.equal(goFloat(1.5e-7), '1.5e-07');
    assert.equal(goFloat(2.5e300), '2.5e+300');
  });

  it('%s of non-strings', () => {
    assert.equal(goS('x'), 'x');
    assert.equal(goS(5), '%!s(int64=5)');
    assert.equal(goS(1.5), '%!s(float64=1.5)');
    assert.equal(goS(false), '%!s(bool=false)');
    assert.equal(goS(null), '%!s(<nil>)');
    assert.equal(goS({ a: 1 }), 'map[a:%!s(int64=1)]');
  });

  it('type names', () => {
    assert.equal(goTypeForS('x'), 'string');
    assert.equal(goTypeForS(1), 'int64');
    assert.equal(goTypeForS(1.5), 'float64');
    assert.equal(goTypeForS([]), '[]interface {}');
    assert.equal(goTypeForS({}), 'map[string]interface {}');
    assert.equal(goTypeForS(null), '%!s(<nil>)');
    assert.deepEqual([{}, [], 's', 1, true, null].map(goJsonKind), ['object', 'array', 'string', 'number', 'bool', 'null']);
  });
});
