import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { FieldPath } from './field-path.js';
import {
  everything,
  formatLabels,
  labelSelectorAsSelector,
  LabelSelectorError,
  labelSelectorHasInvalidLabelValue,
  labelsToString,
  newRequirement,
  nothing,
  Operator,
  parseSelector,
  parseToRequirements,
  Requirement,
  selectorFromSet,
  selectorOrDefault,
  validatedSelectorFromSet,
  validateLabelSelector,
  type LabelSelector,
} from './labels.js';

const LABEL_VALUE_MSG =
  "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')";
const NAME_PART_MSG =
  "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')";
const BINARY_OPS = 'in, notin, =, ==, !=, gt, lt';

describe('parseSelector: canonical strings', () => {
  // [input, canonical String()]
  const cases: [string, string][] = [
    ['x=a,y=b,z=c', 'x=a,y=b,z=c'],
    ['', ''],
    ['x!=a,y=b', 'x!=a,y=b'],
    ['x=', 'x='],
    ['x= ', 'x='],
    ['x=,z= ', 'x=,z='],
    ['x= ,z= ', 'x=,z='],
    ['!x', '!x'],
    ['x>1', 'x>1'],
    ['x>1,z<5', 'x>1,z<5'],
    ['x==a', 'x==a'],
    ['x=a,a=x', 'a=x,x=a'],
    ['a=x,x=a', 'a=x,x=a'],
    ['\rx', 'x'],
    ['a ', 'a'],
    ['this-is-a-dns.domain.com/key-with-dash', 'this-is-a-dns.domain.com/key-with-dash'],
    ['this-is-another-dns.domain.com/key-with-dash in (so,what)', 'this-is-another-dns.domain.com/key-with-dash in (so,what)'],
    ['0.1.2.domain/99 notin (10.10.100.1, tick.tack.clock)', '0.1.2.domain/99 notin (10.10.100.1,tick.tack.clock)'],
    ['foo  in\t (abc)', 'foo in (abc)'],
    ['x notin\n (abc)', 'x notin (abc)'],
    ['x  notin\t\t\t(abc,def)', 'x notin (abc,def)'],
    ['x in (def,abc,abc)', 'x in (abc,def)'],
    ['x in (abc,)', 'x in (,abc)'],
    ['x in ()', 'x in ()'],
    ['x notin ( )', 'x notin ()'],
    ['x notin (, a)', 'x notin (,a)'],
    ['x notin (abc,,def),bar,z in (),w', 'bar,w,x notin (,abc,def),z in ()'],
    ['x,y in (a)', 'x,y in (a)'],
    ['a in (x,y,notin, z,in)', 'a in (in,notin,x,y,z)'],
    ['notin=in', 'notin=in'],
    ['in in (in)', 'in in (in)'],
  ];
  for (const [input, out] of cases) {
    it(JSON.stringify(input), () => assert.equal(parseSelector(input).toString(), out));
  }

  it('keeps requirements sorted by key', () => {
    assert.deepEqual(
      parseToRequirements('z,b=1,a in (x)').map((r) => r.key),
      ['a', 'b', 'z'],
    );
  });

  it('treats NUL as the end of a token, as upstream', () => {
    assert.equal(parseSelector('\u0000x=y').toString(), '');
  });
});

describe('parseSelector: errors', () => {
  const cases: [string, string][] = [
    ['x=a,', "found '', expected: identifier after ','"],
    [',x', "found ',', expected: !, identifier, or 'end of string'"],
    ['x,,y', "found ',', expected: identifier after ','"],
    ['(', "found '(', expected: !, identifier, or 'end of string'"],
    ['x nott in (y)', `unable to parse requirement: found 'nott', expected: ${BINARY_OPS}`],
    ['a (', `unable to parse requirement: found '(', expected: ${BINARY_OPS}`],
    ['a in (xyz),', "found '', expected: identifier after ','"],
    ['a in (xyz)b notin ()', "found 'b', expected: ',' or 'end of string'"],
    ['a in (xyz abc)', "unable to parse requirement: found 'abc', expected: ',' or ')'"],
    ['a notin(', "unable to parse requirement: found '', expected: ',', ')' or identifier"],
    ['a in x', "unable to parse requirement: found 'x' expected: '('"],
    ['a in (=)', "unable to parse requirement: found '=', expected: ',', ')' or identifier"],
    ['a in (x,=)', "unable to parse requirement: found '=', expected: ',', or identifier"],
    ['x==a==b', "found '==', expected: ',' or 'end of string'"],
    ['!x=a', "found '=', expected: ',' or 'end of string'"],
    ['!', "unable to parse requirement: found '', expected: identifier"],
    ['x=(', "unable to parse requirement: found '(', expected: identifier"],
    ['x<a', 'unable to parse requirement: values[0]: Invalid value: "a": for \'Gt\', \'Lt\' operators, the value must be an integer'],
    ['x>99999999999999999999', 'unable to parse requirement: values[0]: Invalid value: "99999999999999999999": for \'Gt\', \'Lt\' operators, the value must be an integer'],
    ['x=a||y=b', `unable to parse requirement: values[0][x]: Invalid value: "a||y": ${LABEL_VALUE_MSG}`],
    ['x in (a,b c)', "unable to parse requirement: found 'c', expected: ',' or ')'"],
    ['x in (-a)', `unable to parse requirement: values[0][x]: Invalid value: "-a": ${LABEL_VALUE_MSG}`],
    ['-x', `unable to parse requirement: <nil>: Invalid value: "-x": ${NAME_PART_MSG}`],
    ['!-x', `unable to parse requirement: <nil>: Invalid value: "-x": ${NAME_PART_MSG}`],
    [
      'a'.repeat(64),
      `unable to parse requirement: <nil>: Invalid value: "${'a'.repeat(64)}": name part must be no more than 63 characters`,
    ],
    [
      '-' + 'a'.repeat(64),
      `unable to parse requirement: <nil>: Invalid value: "-${'a'.repeat(64)}": name part must be no more than 63 characters; ${NAME_PART_MSG}`,
    ],
    [`x=${'a'.repeat(64)}`, `unable to parse requirement: values[0][x]: Invalid value: "${'a'.repeat(64)}": must be no more than 63 characters`],
    [
      'a/b/c',
      "unable to parse requirement: <nil>: Invalid value: \"a/b/c\": a qualified name must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]') with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')",
    ],
    [
      'Foo.com/x',
      "unable to parse requirement: <nil>: Invalid value: \"Foo.com/x\": prefix part a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')",
    ],
    ['/x', 'unable to parse requirement: <nil>: Invalid value: "/x": prefix part must be non-empty'],
  ];
  for (const [input, message] of cases) {
    it(JSON.stringify(input), () => {
      assert.throws(() => parseSelector(input), (e: unknown) => {
        assert.ok(e instanceof LabelSelectorError);
        assert.equal(e.message, message);
        return true;
      });
    });
  }

  it('uses the given path in validation messages', () => {
    assert.throws(() => parseSelector('-x', FieldPath.root('spec').child('selector')), {
      message: `unable to parse requirement: spec.selector: Invalid value: "-x": ${NAME_PART_MSG}`,
    });
    assert.throws(() => parseSelector('x=-a', FieldPath.root('spec')), {
      message: `unable to parse requirement: spec.values[0][x]: Invalid value: "-a": ${LABEL_VALUE_MSG}`,
    });
  });
});

describe('Selector.matches', () => {
  const labelset = { foo: 'bar', baz: 'blah' };
  // [selector, labels, expected]
  const cases: [string, Record<string, string>, boolean][] = [
    ['', { x: 'y' }, true],
    ['x=y', { x: 'y' }, true],
    ['x=y,z=w', { x: 'y', z: 'w' }, true],
    ['x!=y,z!=w', { x: 'z', z: 'a' }, true],
    ['notin=in', { notin: 'in' }, true],
    ['x', { x: 'z' }, true],
    ['!x', { y: 'z' }, true],
    ['x>1', { x: '2' }, true],
    ['x<1', { x: '0' }, true],
    ['x<1', { x: '-5' }, true],
    ['x=z', {}, false],
    ['x=y', { x: 'z' }, false],
    ['x=y,z=w', { x: 'w', z: 'w' }, false],
    ['x!=y,z!=w', { x: 'z', z: 'w' }, false],
    ['x', { y: 'z' }, false],
    ['!x', { x: 'z' }, false],
    ['x>1', { x: '0' }, false],
    ['x<1', { x: '2' }, false],
    ['x>1', { x: 'v2' }, false],
    ['x>1', {}, false],
    ['x=', {}, false],
    ['x=', { x: '' }, true],
    ['x!=a', {}, true],
    ['x notin ()', { y: '' }, true],
    ['x notin (),y', { y: '' }, true],
    ['x in ()', { y: 'baz' }, false],
    ['x in (foo),y notin (alpha)', { x: 'foo', y: 'baz' }, true],
    ['x in (foo),y in (alpha)', { x: 'foo', y: 'baz' }, false],
    ['!x,y', { y: '' }, true],
    ['x notin (),!y', { y: '' }, false],
    ['foo=bar', labelset, true],
    ['baz=blah', labelset, true],
    ['foo=bar,baz=blah', labelset, true],
    ['foo=blah', labelset, false],
    ['baz=bar', labelset, false],
    ['foo=bar,foobar=bar,baz=blah', labelset, false],
  ];
  for (const [sel, labels, want] of cases) {
    it(`${JSON.stringify(sel)} on ${JSON.stringify(labels)}`, () => assert.equal(parseSelector(sel).matches(labels), want));
  }

  it('treats missing labels as the empty set', () => {
    assert.equal(parseSelector('!x').matches(undefined), true);
    assert.equal(parseSelector('x').matches(null), false);
  });

  it('does not see inherited properties as labels', () => {
    assert.equal(parseSelector('toString').matches({}), false);
    assert.equal(parseSelector('!constructor').matches({}), true);
  });
});

describe('everything, nothing, selectorFromSet', () => {
  it('everything matches all and is empty', () => {
    assert.equal(everything().matches({ x: 'y' }), true);
    assert.equal(everything().isEmpty(), true);
    assert.equal(everything().toString(), '');
  });

  it('nothing matches none and is not empty', () => {
    assert.equal(nothing().matches({}), false);
    assert.equal(nothing().isEmpty(), false);
    assert.equal(nothing().isNothing(), true);
    assert.equal(nothing().add(new Requirement('a', Operator.Exists, [])).matches({ a: '' }), false);
  });

  it('selectorFromSet', () => {
    const labelset = { foo: 'bar', baz: 'blah' };
    const sets: Record<string, string>[] = [{}, { foo: 'bar' }, { baz: 'blah' }, { foo: 'bar', baz: 'blah' }];
    for (const set of sets) {
      assert.equal(selectorFromSet(set).matches(labelset), true, JSON.stringify(set));
    }
    assert.equal(selectorFromSet({ foo: 'baz' }).matches(labelset), false);
    assert.equal(selectorFromSet({ b: '2', a: '1' }).toString(), 'a=1,b=2');
    assert.equal(selectorFromSet(undefined).isEmpty(), true);
    assert.equal(selectorFromSet({}).isEmpty(), true);
    // as upstream, no validation
    assert.equal(selectorFromSet({ 'bad key': 'x' }).toString(), 'bad key=x');
  });

  it('validatedSelectorFromSet validates', () => {
    assert.throws(() => validatedSelectorFromSet({ x: 'a b' }), { message: `values[0][x]: Invalid value: "a b": ${LABEL_VALUE_MSG}` });
    assert.equal(validatedSelectorFromSet({ x: 'a' }).toString(), 'x=a');
  });

  it('add keeps the key order', () => {
    const s = parseSelector('key in (value)').add(new Requirement('a', Operator.Equals, ['1']));
    assert.equal(s.toString(), 'a=1,key in (value)');
  });

  it('requiresExactMatch', () => {
    const s = parseSelector('a=1,b in (2),c in (3,4),d!=5,e==6');
    assert.equal(s.requiresExactMatch('a'), '1');
    assert.equal(s.requiresExactMatch('b'), '2');
    assert.equal(s.requiresExactMatch('c'), undefined);
    assert.equal(s.requiresExactMatch('d'), undefined);
    assert.equal(s.requiresExactMatch('e'), '6');
    assert.equal(s.requiresExactMatch('zzz'), undefined);
  });

  it('labelsToString and formatLabels', () => {
    assert.equal(labelsToString({ b: '2', a: '1' }), 'a=1,b=2');
    assert.equal(formatLabels({}), '<none>');
    assert.equal(formatLabels({ app: 'web' }), 'app=web');
  });
});

describe('Requirement', () => {
  it('toString forms', () => {
    const cases: [Requirement, string][] = [
      [new Requirement('x', Operator.In, ['def', 'abc']), 'x in (abc,def)'],
      [new Requirement('y', Operator.NotIn, ['jkl']), 'y notin (jkl)'],
      [new Requirement('z', Operator.Exists, []), 'z'],
      [new Requirement('z', Operator.DoesNotExist, []), '!z'],
      [new Requirement('y', Operator.NotEquals, ['jkl']), 'y!=jkl'],
      [new Requirement('z', Operator.NotIn, ['']), 'z notin ()'],
      [new Requirement('y', Operator.DoubleEquals, ['jkl']), 'y==jkl'],
      [new Requirement('x', Operator.GreaterThan, ['2']), 'x>2'],
      [new Requirement('y', Operator.LessThan, ['8']), 'y<8'],
      [new Requirement('x', Operator.In, ['b', 'a', 'b']), 'x in (a,b,b)'],
    ];
    for (const [r, s] of cases) assert.equal(r.toString(), s);
  });

  it('newRequirement errors', () => {
    const cases: [string, string, string[], string][] = [
      ['x1', Operator.In, [], "values: Invalid value: []string{}: for 'in', 'notin' operators, values set can't be empty"],
      ['x5', Operator.Equals, ['bar', 'foo'], 'values: Invalid value: []string{"bar", "foo"}: exact-match compatibility requires one single value'],
      ['x8', Operator.Exists, ['foo'], 'values: Invalid value: []string{"foo"}: values set must be empty for exists and does not exist'],
      ['x9', Operator.GreaterThan, ['1', '2'], 'values: Invalid value: []string{"1", "2"}: for \'Gt\', \'Lt\' operators, exactly one value is required'],
      ['x10', Operator.LessThan, ['a'], 'values[0]: Invalid value: "a": for \'Gt\', \'Lt\' operators, the value must be an integer'],
      ['x17', Operator.Equals, ['a b'], `values[0][x17]: Invalid value: "a b": ${LABEL_VALUE_MSG}`],
      ['x18', 'unsupportedOp', [], 'operator: Unsupported value: "unsupportedOp": supported values: "in", "notin", "=", "==", "!=", "gt", "lt", "exists", "!"'],
      [
        '-k',
        Operator.In,
        [],
        `[key: Invalid value: "-k": ${NAME_PART_MSG}, values: Invalid value: []string{}: for 'in', 'notin' operators, values set can't be empty]`,
      ],
    ];
    for (const [key, op, values, message] of cases) {
      assert.throws(() => newRequirement(key, op, values), { message }, key);
    }
  });

  it('valueSet de-duplicates and sorts', () => {
    assert.deepEqual(new Requirement('x', Operator.In, ['b', 'a', 'b']).valueSet(), ['a', 'b']);
  });
});

describe('labelSelectorAsSelector', () => {
  it('null matches nothing, an empty struct everything', () => {
    assert.equal(labelSelectorAsSelector(null).matches({ a: 'b' }), false);
    assert.equal(labelSelectorAsSelector(undefined).matches({}), false);
    assert.equal(labelSelectorAsSelector({}).matches({ a: 'b' }), true);
    assert.equal(labelSelectorAsSelector({ matchLabels: {}, matchExpressions: [] }).isEmpty(), true);
    assert.equal(selectorOrDefault(null, true).matches({}), true);
    assert.equal(selectorOrDefault(null).matches({}), false);
  });

  it('converts matchLabels and matchExpressions', () => {
    const ls: LabelSelector = {
      matchLabels: { app: 'web' },
      matchExpressions: [
        { key: 'tier', operator: 'In', values: ['front', 'back'] },
        { key: 'env', operator: 'NotIn', values: ['prod'] },
        { key: 'canary', operator: 'DoesNotExist' },
        { key: 'team', operator: 'Exists' },
      ],
    };
    const s = labelSelectorAsSelector(ls);
    assert.equal(s.toString(), 'app=web,!canary,env notin (prod),team,tier in (back,front)');
    assert.equal(s.matches({ app: 'web', tier: 'front', team: 'a' }), true);
    assert.equal(s.matches({ app: 'web', tier: 'front', team: 'a', env: 'prod' }), false);
    assert.equal(s.matches({ app: 'web', tier: 'front', team: 'a', canary: '' }), false);
    assert.equal(s.matches({ app: 'web', tier: 'mid', team: 'a' }), false);
  });

  it('rejects invalid selectors with upstream messages', () => {
    const cases: [LabelSelector, string][] = [
      [{ matchExpressions: [{ key: 'x', operator: 'Foo' }] }, '"Foo" is not a valid label selector operator'],
      [{ matchExpressions: [{ key: 'x', operator: 'In' }] }, "values: Invalid value: []string(nil): for 'in', 'notin' operators, values set can't be empty"],
      [{ matchExpressions: [{ key: 'x', operator: 'In', values: [] }] }, "values: Invalid value: []string(nil): for 'in', 'notin' operators, values set can't be empty"],
      [{ matchExpressions: [{ key: 'x', operator: 'Exists', values: ['a'] }] }, 'values: Invalid value: []string{"a"}: values set must be empty for exists and does not exist'],
      [{ matchLabels: { '-x': 'a' } }, `key: Invalid value: "-x": ${NAME_PART_MSG}`],
      [{ matchLabels: { x: 'a b' } }, `values[0][x]: Invalid value: "a b": ${LABEL_VALUE_MSG}`],
    ];
    for (const [ls, message] of cases) assert.throws(() => labelSelectorAsSelector(ls), { message }, JSON.stringify(ls));
  });
});

describe('validateLabelSelector', () => {
  const path = FieldPath.root('spec').child('selector');
  const msgs = (ls: LabelSelector | null, opts = {}) => validateLabelSelector(ls, opts, path).map((e) => e.message());

  it('accepts valid selectors and null', () => {
    assert.deepEqual(msgs(null), []);
    assert.deepEqual(msgs({}), []);
    assert.deepEqual(msgs({ matchLabels: { app: 'x' }, matchExpressions: [{ key: 'a', operator: 'In', values: ['b'] }] }), []);
  });

  it('reports upstream messages', () => {
    const cases: [LabelSelector, string[]][] = [
      [
        { matchExpressions: [{ key: 'a', operator: 'In' }] },
        ["spec.selector.matchExpressions[0].values: Required value: must be specified when `operator` is 'In' or 'NotIn'"],
      ],
      [
        { matchExpressions: [{ key: 'a', operator: 'NotIn', values: [] }] },
        ["spec.selector.matchExpressions[0].values: Required value: must be specified when `operator` is 'In' or 'NotIn'"],
      ],
      [
        { matchExpressions: [{ key: 'a', operator: 'Exists', values: ['x'] }] },
        ["spec.selector.matchExpressions[0].values: Forbidden: may not be specified when `operator` is 'Exists' or 'DoesNotExist'"],
      ],
      [
        { matchExpressions: [{ key: 'a', operator: 'Equals', values: ['x'] }] },
        ['spec.selector.matchExpressions[0].operator: Invalid value: "Equals": not a valid selector operator'],
      ],
      [
        { matchExpressions: [{ key: 'ok', operator: 'In', values: ['x'] }, { key: '-a', operator: 'In', values: ['a b'] }] },
        [
          `spec.selector.matchExpressions[1].key: Invalid value: "-a": ${NAME_PART_MSG}`,
          `spec.selector.matchExpressions[1].values[0]: Invalid value: "a b": ${LABEL_VALUE_MSG}`,
        ],
      ],
      [{ matchLabels: { app: 'a b' } }, [`spec.selector.matchLabels: Invalid value: "a b": ${LABEL_VALUE_MSG}`]],
      [{ matchLabels: { '-app': 'a' } }, [`spec.selector.matchLabels: Invalid value: "-app": ${NAME_PART_MSG}`]],
    ];
    for (const [ls, want] of cases) assert.deepEqual(msgs(ls), want, JSON.stringify(ls));
  });

  it('honours the options', () => {
    const ls: LabelSelector = { matchExpressions: [{ key: 'a', operator: 'Weird', values: ['a b'] }] };
    assert.equal(msgs(ls).length, 2);
    assert.deepEqual(msgs(ls, { allowUnknownOperatorInRequirement: true, allowInvalidLabelValueInSelector: true }), []);
    assert.equal(labelSelectorHasInvalidLabelValue(ls), true);
    assert.equal(labelSelectorHasInvalidLabelValue({ matchExpressions: [{ key: 'a', operator: 'In', values: ['ok'] }] }), false);
    assert.equal(labelSelectorHasInvalidLabelValue(null), false);
  });

  it('carries the error type and field for Status causes', () => {
    const [e] = validateLabelSelector({ matchExpressions: [{ key: 'a', operator: 'In' }] }, {}, path);
    assert.equal(e!.type, 'FieldValueRequired');
    assert.equal(e!.field, 'spec.selector.matchExpressions[0].values');
    assert.equal(e!.body(), "Required value: must be specified when `operator` is 'In' or 'NotIn'");
  });
});
