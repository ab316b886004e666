import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import {
  atoi,
  getScaledValueFromIntOrPercent,
  goIntOrString,
  intOrPercentValue,
  intOrStringValue,
  IntOrStringError,
  isIntOrPercent,
  isNotMoreThan100Percent,
  parseIntOrString,
  validatePositiveIntOrPercent,
} from './intstr.js';

describe('getScaledValueFromIntOrPercent', () => {
  // [value, total, roundUp, expected]
  const cases: [number | string, number, boolean, number][] = [
    [5, 100, true, 5],
    [5, 100, false, 5],
    ['25%', 10, true, 3],
    ['25%', 10, false, 2],
    ['25%', 4, true, 1],
    ['25%', 4, false, 1],
    ['0%', 10, true, 0],
    ['100%', 7, false, 7],
    ['200%', 3, false, 6],
    ['33%', 3, true, 1],
    ['33%', 3, false, 0],
    ['+10%', 10, false, 1],
    ['-10%', 10, true, -1],
    ['-10%', 15, false, -2],
  ];
  for (const [value, total, roundUp, want] of cases) {
    it(`${JSON.stringify(value)} of ${total} (roundUp=${roundUp})`, () => assert.equal(getScaledValueFromIntOrPercent(value, total, roundUp), want));
  }

  const errors: [unknown, string][] = [
    [null, 'nil value for IntOrString'],
    [undefined, 'nil value for IntOrString'],
    ['5', 'invalid value for IntOrString: invalid type: string is not a percentage'],
    ['abc', 'invalid value for IntOrString: invalid type: string is not a percentage'],
    ['abc%', 'invalid value for IntOrString: invalid value "abc%": strconv.Atoi: parsing "abc": invalid syntax'],
    ['%', 'invalid value for IntOrString: invalid value "%": strconv.Atoi: parsing "": invalid syntax'],
    ['1.5%', 'invalid value for IntOrString: invalid value "1.5%": strconv.Atoi: parsing "1.5": invalid syntax'],
    [
      '99999999999999999999%',
      'invalid value for IntOrString: invalid value "99999999999999999999%": strconv.Atoi: parsing "99999999999999999999": value out of range',
    ],
    [true, 'invalid value for IntOrString: invalid type: neither int nor percentage'],
  ];
  for (const [value, message] of errors) {
    it(`rejects ${JSON.stringify(value)}`, () => {
      assert.throws(
        () => getScaledValueFromIntOrPercent(value as string, 10, true),
        (e: unknown) => e instanceof IntOrStringError && e.message === message,
      );
    });
  }
});

describe('IntOrString helpers', () => {
  it('atoi', () => {
    assert.equal(atoi('42'), 42);
    assert.equal(atoi('-7'), -7);
    assert.equal(atoi('+7'), 7);
    assert.throws(() => atoi(' 1'), { message: 'strconv.Atoi: parsing " 1": invalid syntax' });
  });

  it('parseIntOrString keeps non-int32 strings', () => {
    assert.equal(parseIntOrString('80'), 80);
    assert.equal(parseIntOrString('-2147483648'), -2147483648);
    assert.equal(parseIntOrString('2147483648'), '2147483648');
    assert.equal(parseIntOrString('http'), 'http');
    assert.equal(parseIntOrString('25%'), '25%');
  });

  it('intOrStringValue and intOrPercentValue', () => {
    assert.equal(intOrStringValue(3), 3);
    assert.equal(intOrStringValue('12'), 12);
    assert.equal(intOrStringValue('x'), 0);
    assert.equal(intOrPercentValue('25%'), 25);
    assert.equal(intOrPercentValue(4), 4);
    assert.equal(intOrPercentValue('bad%'), 0);
  });

  it('goIntOrString renders as upstream %#v', () => {
    assert.equal(goIntOrString('25%'), 'intstr.IntOrString{Type:1, IntVal:0, StrVal:"25%"}');
    assert.equal(goIntOrString(3), 'intstr.IntOrString{Type:0, IntVal:3, StrVal:""}');
  });
});

describe('int-or-percent validation', () => {
  it('isIntOrPercent', () => {
    assert.deepEqual(isIntOrPercent(1), []);
    assert.deepEqual(isIntOrPercent('10%'), []);
    assert.deepEqual(isIntOrPercent('10'), [
      "a valid percent string must be a numeric string followed by an ending '%' (e.g. '1%',  or '93%', regex used for validation is '[0-9]+%')",
    ]);
    assert.deepEqual(isIntOrPercent(1.5), ["must be an integer or percentage (e.g '5%%')"]);
    assert.deepEqual(isIntOrPercent(null), ["must be an integer or percentage (e.g '5%%')"]);
  });

  it('validatePositiveIntOrPercent', () => {
    const p = 'spec.strategy.rollingUpdate.maxSurge';
    assert.deepEqual(validatePositiveIntOrPercent('25%', p), []);
    assert.deepEqual(validatePositiveIntOrPercent(0, p), []);
    assert.deepEqual(
      validatePositiveIntOrPercent('25', p).map((e) => e.message()),
      [
        `${p}: Invalid value: intstr.IntOrString{Type:1, IntVal:0, StrVal:"25"}: a valid percent string must be a numeric string followed by an ending '%' (e.g. '1%',  or '93%', regex used for validation is '[0-9]+%')`,
      ],
    );
    assert.deepEqual(
      validatePositiveIntOrPercent(-1, p).map((e) => e.message()),
      [`${p}: Invalid value: -1: must be greater than or equal to 0`],
    );
  });

  it('isNotMoreThan100Percent', () => {
    const p = 'spec.strategy.rollingUpdate.maxUnavailable';
    assert.deepEqual(isNotMoreThan100Percent('100%', p), []);
    assert.deepEqual(isNotMoreThan100Percent(200, p), []);
    assert.deepEqual(
      isNotMoreThan100Percent('101%', p).map((e) => e.message()),
      [`${p}: Invalid value: intstr.IntOrString{Type:1, IntVal:0, StrVal:"101%"}: must not be greater than 100%`],
    );
  });
});
