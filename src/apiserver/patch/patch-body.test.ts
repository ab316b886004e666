import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isStatusError } from '../../apimachinery/status.js';
import { goJsonDecode, GoJsonSyntaxError } from './go-json.js';
import { decodePatchBody, type FieldValidation } from './patch-body.js';
import type { PatchKind } from './types.js';

describe('Go-compatible JSON decoding: syntax errors', () => {
  const cases: [string, string][] = [
    ['', 'unexpected end of JSON input'],
    ['   ', 'unexpected end of JSON input'],
    ['{', 'unexpected end of JSON input'],
    ['{"a":1', 'unexpected end of JSON input'],
    ['[1,', 'unexpected end of JSON input'],
    ['"abc', 'unexpected end of JSON input'],
    ['{"a":}', "invalid character '}' looking for beginning of value"],
    ['[1,]', "invalid character ']' looking for beginning of value"],
    ['{"a":1,}', "invalid character '}' looking for beginning of object key string"],
    ["{'a':1}", "invalid character '\\'' looking for beginning of object key string"],
    ['{"a" 1}', "invalid character '1' after object key"],
    ['{"a":1 "b":2}', `invalid character '"' after object key:value pair`],
    ['[1 2]', "invalid character '2' after array element"],
    ['{} {}', "invalid character '{' after top-level value"],
    ['01', "invalid character '1' after top-level value"],
    ['-', "invalid character ' ' in numeric literal"],
    ['-x', "invalid character 'x' in numeric literal"],
    ['1.', "invalid character ' ' after decimal point in numeric literal"],
    ['1.e5', "invalid character 'e' after decimal point in numeric literal"],
    ['1e+', "invalid character ' ' in exponent of numeric literal"],
    ['tru', "invalid character ' ' in literal true (expecting 'e')"],
    ['nul1', "invalid character '1' in literal null (expecting 'l')"],
    ['fals', "invalid character ' ' in literal false (expecting 'e')"],
    ['"\\x"', "invalid character 'x' in string escape code"],
    ['"\\u12g4"', "invalid character 'g' in \\u hexadecimal character escape"],
    ['"a\tb"', "invalid character '\\t' in string literal"],
    ['"a\u0001"', "invalid character '\\x01' in string literal"],
    ['\\', "invalid character '\\\\' looking for beginning of value"],
    ['é', "invalid character 'Ã' looking for beginning of value"],
    ['\ufeff{}', "invalid character 'ï' looking for beginning of value"],
    ['key: value', "invalid character 'k' looking for beginning of value"],
  ];
  for (const [input, message] of cases) {
    it(JSON.stringify(input), () => {
      assert.throws(() => goJsonDecode(input), (e: unknown) => e instanceof GoJsonSyntaxError && e.message === message);
    });
  }

  it('limits nesting to 10000 levels, as Go', () => {
    assert.deepEqual(goJsonDecode('['.repeat(10000) + ']'.repeat(10000)).duplicateFields, []);
    assert.throws(
      () => goJsonDecode('['.repeat(10001) + ']'.repeat(10001)),
      (e: unknown) => e instanceof GoJsonSyntaxError && e.message === "invalid character '[' exceeded max depth",
    );
  });
});

describe('Go-compatible JSON decoding: values', () => {
  it('decodes what JSON.parse decodes', () => {
    const text = ' {"a": [1, -2.5e3, 0, true, false, null, "x\\n\\"\\u00e9\\/"], "b": {}, "c": []} ';
    assert.deepEqual(goJsonDecode(text).value, JSON.parse(text));
  });

  it('decodes -0 as the integer 0 (Go: int64), -0.0 as negative zero (float64)', () => {
    assert.ok(Object.is(goJsonDecode('-0').value, 0));
    assert.ok(Object.is(goJsonDecode('-0.0').value, -0));
  });

  it('decodes surrogate pairs, and lone surrogates to U+FFFD as Go does', () => {
    assert.equal(goJsonDecode('"\\ud83d\\ude00"').value, '\u{1F600}');
    assert.equal(goJsonDecode('"\\ud83dx"').value, '\ufffdx');
    assert.equal(goJsonDecode('"\\ude00"').value, '\ufffd');
    assert.equal(goJsonDecode('"\\ud83d\\u0041"').value, '\ufffdA');
  });

  it('reports duplicate keys with strict-decoding paths, keeping the last value', () => {
    const got = goJsonDecode('{"a":1,"a":2,"m":{"l":[{"k":1,"k":2,"k":3}]},"m2":{"x":{},"x":{}}}');
    assert.deepEqual(got.value, { a: 2, m: { l: [{ k: 3 }] }, m2: { x: {} } });
    assert.deepEqual(got.duplicateFields, ['a', 'm.l[0].k', 'm2.x']);
    assert.deepEqual(goJsonDecode('[{"op":1,"op":2}]').duplicateFields, ['[0].op']);
  });

  it('keeps __proto__ as a plain key', () => {
    const v = goJsonDecode('{"__proto__":{"x":1}}').value as Record<string, unknown>;
    assert.deepEqual(Object.keys(v), ['__proto__']);
    assert.equal(Object.getPrototypeOf(v), Object.prototype);
  });
});

describe('decodePatchBody', () => {
  const bad = (kind: PatchKind, body: string, fv: FieldValidation | undefined, message: string) => ({ kind, body, fv, message });
  const rejected = [
    bad('json', '[{', undefined, 'error decoding patch: unexpected end of JSON input'),
    bad('json', '[{', 'Ignore', 'unexpected end of JSON input'),
    bad('merge', '{"a":', 'Strict', 'error decoding patch: unexpected end of JSON input'),
    bad('merge', '{"a":', 'Ignore', 'Invalid JSON Patch'),
    bad('strategic', '{"a":', undefined, 'unexpected end of JSON input'),
    bad('strategic', '{"a":', 'Ignore', 'unexpected end of JSON input'),
    bad('merge', '[1]', 'Warn', 'error decoding patch: json: cannot unmarshal array into Go value of type map[string]interface {}'),
    bad('merge', '"x"', '', 'error decoding patch: json: cannot unmarshal string into Go value of type map[string]interface {}'),
    bad('strategic', '[1]', 'Ignore', 'json: cannot unmarshal array into Go value of type map[string]interface {}'),
    bad('strategic', '5', undefined, 'json: cannot unmarshal number into Go value of type map[string]interface {}'),
    bad('json', '[{"op":true}]', undefined, 'error decoding patch: json: cannot unmarshal bool into Go struct field jsonPatchOp.op of type string'),
    bad('json', '{}', 'Strict', 'error decoding patch: json: cannot unmarshal object into Go value of type []handlers.jsonPatchOp'),
  ];
  for (const c of rejected) {
    it(`${c.kind} ${c.body} (fieldValidation=${c.fv ?? 'unset'}) is a 400`, () => {
      assert.throws(
        () => decodePatchBody(c.kind, c.body, c.fv),
        (e: unknown) => isStatusError(e) && e.code === 400 && e.reason === 'BadRequest' && e.message === c.message,
      );
    });
  }

  it('accepts what only the apply step rejects when fieldValidation is Ignore', () => {
    assert.deepEqual(decodePatchBody('merge', '[1]', 'Ignore'), { body: [1], strictErrors: [] });
    assert.deepEqual(decodePatchBody('json', '{}', 'Ignore'), { body: {}, strictErrors: [] });
    assert.deepEqual(decodePatchBody('json', '[{"op":true}]', 'Ignore'), { body: [{ op: true }], strictErrors: [] });
  });

  it('reports duplicate fields as strict-decoding findings, unless Ignore', () => {
    const body = new TextEncoder().encode('{"metadata":{"labels":{"a":"1","a":"2"}}}');
    for (const kind of ['merge', 'strategic'] as const) {
      assert.deepEqual(decodePatchBody(kind, body), {
        body: { metadata: { labels: { a: '2' } } },
        strictErrors: ['duplicate field "metadata.labels.a"'],
      });
      assert.deepEqual(decodePatchBody(kind, body, 'Ignore').strictErrors, []);
    }
  });

  it('reports unknown and duplicate JSON patch fields', () => {
    const got = decodePatchBody('json', '[{"op":"add","path":"/a","value":1,"path":"/b","foo":0}]', 'Strict');
    assert.deepEqual(got.body, [{ op: 'add', path: '/b', value: 1, foo: 0 }]);
    assert.deepEqual(got.strictErrors, ['json patch unknown field "[0].foo"', 'json patch duplicate field "[0].path"']);
  });

  it('a null body decodes for every kind', () => {
    for (const kind of ['json', 'merge', 'strategic'] as const) assert.equal(decodePatchBody(kind, 'null').body, null);
  });
});
