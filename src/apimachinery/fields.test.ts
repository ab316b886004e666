import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import {
  escapeValue,
  fieldLabelNotSupported,
  FieldSelector,
  FieldSelectorError,
  metadataOnlyFieldTransform,
  parseFieldSelector,
  unescapeValue,
} from './fields.js';

describe('parseFieldSelector', () => {
  it('round-trips canonical selectors', () => {
    for (const s of ['x=a,y=b,z=c', '', 'x!=a,y=b', 'x=a||y\\=b', 'x=a\\=\\=b']) {
      assert.equal(parseFieldSelector(s).toString(), s);
    }
  });

  // [input, String()]
  const cases: [string, string][] = [
    ['x==a', 'x=a'],
    ['x=a,a=x', 'a=x,x=a'],
    ['a=x,x=a', 'a=x,x=a'],
    ['a=a,', 'a=a'],
    [',a=a', 'a=a'],
    ['k=\\,,k2=v2', 'k2=v2,k=\\,'],
    ['k=\\\\,k2=v2', 'k2=v2,k=\\\\'],
    ['함=수,목=록', '목=록,함=수'],
    ['metadata.name = foo', 'metadata.name = foo'],
    ['a!=', 'a!='],
    ['spec.nodeName=', 'spec.nodeName='],
  ];
  for (const [input, out] of cases) {
    it(JSON.stringify(input), () => assert.equal(parseFieldSelector(input).toString(), out));
  }

  it('splits at the first operator and keeps whitespace', () => {
    assert.deepEqual(parseFieldSelector('metadata.name = foo').requirements(), [{ field: 'metadata.name ', operator: '=', value: ' foo' }]);
    assert.deepEqual(parseFieldSelector('a!=\\=b').requirements(), [{ field: 'a', operator: '!=', value: '=b' }]);
    assert.throws(() => parseFieldSelector('a!==b'), { message: 'invalid field selector: unescaped character in value: 61' });
    assert.deepEqual(parseFieldSelector('b==value').requirements(), [{ field: 'b', operator: '=', value: 'value' }]);
    assert.deepEqual(parseFieldSelector('c!=value').requirements(), [{ field: 'c', operator: '!=', value: 'value' }]);
  });

  const errors: [string, string][] = [
    ['x', "invalid selector: 'x'; can't understand 'x'"],
    ['x=a,b', "invalid selector: 'x=a,b'; can't understand 'b'"],
    ['x in (a)', "invalid selector: 'x in (a)'; can't understand 'x in (a)'"],
    ['x in (a,b,c)', "invalid selector: 'x in (a,b,c)'; can't understand 'b'"],
    ['x=a||y=b', 'invalid field selector: unescaped character in value: 61'],
    ['x==a==b', 'invalid field selector: unescaped character in value: 61'],
    ['x=a\\b', 'invalid field selector: invalid escape sequence: \\b'],
    ['x=a\\', 'invalid field selector: invalid escape sequence: \\'],
  ];
  for (const [input, message] of errors) {
    it(`rejects ${JSON.stringify(input)}`, () => {
      assert.throws(() => parseFieldSelector(input), (e: unknown) => e instanceof FieldSelectorError && e.message === message);
    });
  }
});

describe('escapeValue and unescapeValue', () => {
  const cases: [string, string][] = [
    ['', ''],
    ['a', 'a'],
    ['=', '\\='],
    [',', '\\,'],
    ['\\', '\\\\'],
    ['\\=\\,\\', '\\\\\\=\\\\\\,\\\\'],
  ];
  for (const [raw, escaped] of cases) {
    it(JSON.stringify(raw), () => {
      assert.equal(escapeValue(raw), escaped);
      assert.equal(unescapeValue(escaped), raw);
    });
  }

  it('rejects invalid escapes', () => {
    for (const bad of ['\\', '\\\\\\', '\\a']) assert.throws(() => unescapeValue(bad), FieldSelectorError, bad);
    assert.throws(() => unescapeValue('a,b'), { message: 'invalid field selector: unescaped character in value: 44' });
  });
});

describe('FieldSelector.matches', () => {
  const fieldset = { foo: 'bar', baz: 'blah', complex: '=value\\,\\' };
  const cases: [string, Record<string, string>, boolean][] = [
    ['', { x: 'y' }, true],
    ['x=y', { x: 'y' }, true],
    ['x=y,z=w', { x: 'y', z: 'w' }, true],
    ['x!=y,z!=w', { x: 'z', z: 'a' }, true],
    ['notin=in', { notin: 'in' }, true],
    ['x=y', { x: 'z' }, false],
    ['x=y,z=w', { x: 'w', z: 'w' }, false],
    ['x!=y,z!=w', { x: 'z', z: 'w' }, false],
    ['foo=bar', fieldset, true],
    ['baz=blah', fieldset, true],
    ['foo=bar,baz=blah', fieldset, true],
    ['foo=bar,baz=blah,complex=\\=value\\\\\\,\\\\', fieldset, true],
    ['foo=blah', fieldset, false],
    ['foo=bar,foobar=bar,baz=blah', fieldset, false],
    ['missing=', {}, true],
    ['missing!=x', {}, true],
    ['missing!=', {}, false],
  ];
  for (const [sel, fields, want] of cases) {
    it(`${JSON.stringify(sel)} on ${JSON.stringify(fields)}`, () => assert.equal(parseFieldSelector(sel).matches(fields), want));
  }

  it('fromSet, everything and nothing', () => {
    const labelset = { foo: 'bar', baz: 'blah' };
    assert.equal(FieldSelector.fromSet({}).matches(labelset), true);
    assert.equal(FieldSelector.fromSet({ foo: 'bar', baz: 'blah' }).matches(labelset), true);
    assert.equal(FieldSelector.fromSet({ foo: '=blah' }).matches(labelset), false);
    assert.equal(FieldSelector.fromSet(null).isEmpty(), true);
    assert.equal(FieldSelector.fromSet({ a: 'x,y' }).toString(), 'a=x\\,y');
    assert.equal(FieldSelector.everything().matches({ x: 'y' }), true);
    assert.equal(FieldSelector.everything().isEmpty(), true);
    assert.equal(FieldSelector.nothing().matches({}), false);
    assert.equal(FieldSelector.nothing().isEmpty(), false);
    assert.equal(FieldSelector.nothing().isNothing(), true);
  });
});

describe('FieldSelector introspection', () => {
  it('requiresExactMatch', () => {
    const s = parseFieldSelector('a=b,c!=d,test=,test=x');
    assert.equal(s.requiresExactMatch('a'), 'b');
    assert.equal(s.requiresExactMatch('c'), undefined);
    assert.equal(s.requiresExactMatch('test'), '');
    assert.equal(s.requiresExactMatch('zzz'), undefined);
    assert.equal(FieldSelector.everything().requiresExactMatch('a'), undefined);
  });

  it('fieldNames lists the distinct fields', () => {
    assert.deepEqual(parseFieldSelector('spec.nodeName=n,metadata.name!=x,spec.nodeName!=m').fieldNames(), ['metadata.name', 'spec.nodeName']);
  });

  it('checkSupported rejects with upstream message', () => {
    const s = parseFieldSelector('metadata.name=a,spec.foo=b');
    assert.throws(() => s.checkSupported(['metadata.name']), { message: 'field label not supported: spec.foo' });
    assert.throws(() => s.checkSupported((f) => f === 'spec.foo'), { message: 'field label not supported: metadata.name' });
    assert.doesNotThrow(() => s.checkSupported(new Set(['metadata.name', 'spec.foo'])));
    assert.equal(fieldLabelNotSupported('x'), 'field label not supported: x');
  });

  it('transform', () => {
    const cases: [string, (f: string, v: string) => readonly [string, string], string, boolean][] = [
      ['', (f, v) => [f, v], '', true],
      ['a=b,c=d', (f, v) => [f, v], 'a=b,c=d', false],
      ['a=b,c=d', (f, v) => (f === 'a' ? ['e', 'f'] : [f, v]), 'e=f,c=d', false],
      ['a=b', () => ['', ''], '', true],
      ['a=b,c=d,e=f', (f, v) => (f === 'c' ? ['', ''] : [f, v]), 'a=b,e=f', false],
    ];
    for (const [sel, fn, want, empty] of cases) {
      const got = parseFieldSelector(sel).transform(fn);
      assert.equal(got.toString(), want, sel);
      assert.equal(got.isEmpty(), empty, sel);
    }
  });

  it('metadataOnlyFieldTransform', () => {
    assert.equal(parseFieldSelector('metadata.name=a,metadata.namespace=b').transform(metadataOnlyFieldTransform).toString(), 'metadata.name=a,metadata.namespace=b');
    assert.throws(() => parseFieldSelector('spec.x=a').transform(metadataOnlyFieldTransform), {
      message: '"spec.x" is not a known field selector: only "metadata.name", "metadata.namespace"',
    });
  });
});
