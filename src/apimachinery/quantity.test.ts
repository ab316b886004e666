import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { mustParseQuantity, Quantity, QUANTITY_ERRORS, QuantityError, QuantityFormat, Scale } from './quantity.js';

const { BinarySI, DecimalSI, DecimalExponent } = QuantityFormat;
const q = (s: string) => Quantity.parse(s);

describe('Quantity.parse and toString', () => {
  // [input, canonical output, format]
  const table: [string, string, QuantityFormat][] = [
    ['0', '0', DecimalSI],
    ['0n', '0', DecimalSI],
    ['0m', '0', DecimalSI],
    ['0Ki', '0', BinarySI],
    ['0M', '0', DecimalSI],
    ['0Ti', '0', BinarySI],
    ['1', '1', DecimalSI],
    // binary suffixes
    ['1Ki', '1Ki', BinarySI],
    ['8Ki', '8Ki', BinarySI],
    ['7Mi', '7Mi', BinarySI],
    ['6Gi', '6Gi', BinarySI],
    ['5Ti', '5Ti', BinarySI],
    ['4Pi', '4Pi', BinarySI],
    ['3Ei', '3Ei', BinarySI],
    ['100Ti', '100Ti', BinarySI],
    ['1024Mi', '1Gi', BinarySI],
    ['1536Mi', '1536Mi', BinarySI],
    ['500Mi', '500Mi', BinarySI],
    ['1.5Gi', '1536Mi', BinarySI],
    ['1.5Ki', '1536', BinarySI],
    ['0.5Mi', '512Ki', BinarySI],
    ['1025Ki', '1025Ki', BinarySI],
    // decimal suffixes
    ['5n', '5n', DecimalSI],
    ['4u', '4u', DecimalSI],
    ['3m', '3m', DecimalSI],
    ['100m', '100m', DecimalSI],
    ['9', '9', DecimalSI],
    ['8k', '8k', DecimalSI],
    ['50k', '50k', DecimalSI],
    ['7M', '7M', DecimalSI],
    ['6G', '6G', DecimalSI],
    ['5T', '5T', DecimalSI],
    ['300T', '300T', DecimalSI],
    ['2P', '2P', DecimalSI],
    ['1E', '1E', DecimalSI],
    ['12E', '12E', DecimalSI],
    ['1000m', '1', DecimalSI],
    ['1000', '1k', DecimalSI],
    ['1000M', '1G', DecimalSI],
    ['1500m', '1500m', DecimalSI],
    // things that look like floating point
    ['0.5', '500m', DecimalSI],
    ['0.1', '100m', DecimalSI],
    ['1.5', '1500m', DecimalSI],
    ['0.001', '1m', DecimalSI],
    ['0.005', '5m', DecimalSI],
    ['0.05', '50m', DecimalSI],
    ['0.00050k', '500m', DecimalSI],
    ['0.50000', '500m', DecimalSI],
    ['9.01', '9010m', DecimalSI],
    ['8.1k', '8100', DecimalSI],
    ['2.000', '2', DecimalSI],
    ['.001', '1m', DecimalSI],
    ['.0001k', '100m', DecimalSI],
    ['-1', '-1', DecimalSI],
    ['-1.5', '-1500m', DecimalSI],
    // decimal exponents keep their format
    ['1e3', '1e3', DecimalExponent],
    ['2e3', '2e3', DecimalExponent],
    ['1e9', '1e9', DecimalExponent],
    ['1e14', '100e12', DecimalExponent],
    ['1e13', '10e12', DecimalExponent],
    ['1000e0', '1e3', DecimalExponent],
    ['0.5e0', '500e-3', DecimalExponent],
    ['0.5e-1', '50e-3', DecimalExponent],
    ['1.2e3', '1200', DecimalExponent],
    ['1.3E+6', '1300e3', DecimalExponent],
    ['1.40e9', '1400e6', DecimalExponent],
    // precision beyond nano rounds away from zero
    ['3.001n', '4n', DecimalSI],
    ['1.1E-9', '2e-9', DecimalExponent],
    ['0.0000000001', '1n', DecimalSI],
    ['0.0000000005', '1n', DecimalSI],
    ['0.5e-9', '1e-9', DecimalExponent],
    ['0.00000012345', '124n', DecimalSI],
    ['-0.00000012345', '-124n', DecimalSI],
    // binary values are capped at 2^63-1
    ['9Ei', '9223372036854775807', BinarySI],
    ['9223372036854775807Ki', '9223372036854775807', BinarySI],
    // fractional binary values
    ['100.035Ki', '102435840m', BinarySI],
    ['0.05Gi', '53687091200m', BinarySI],
    ['.001Ki', '1024m', BinarySI],
    ['.000001Ki', '1024u', DecimalSI],
    ['.000000001Ki', '1024n', DecimalSI],
    ['0.000000000001Ki', '2n', DecimalSI],
    // digits beyond int64 take the exact path
    ['12345678901234567890', '12345678901234567890', DecimalSI],
    ['123456789012345678900', '123456789012345678900', DecimalSI],
  ];
  for (const [input, canonical, format] of table) {
    it(`${input} -> ${canonical}`, () => {
      const v = q(input);
      assert.equal(v.toString(), canonical);
      assert.equal(v.format, format);
      assert.equal(JSON.stringify({ v }), `{"v":"${canonical}"}`);
    });
  }

  it('negated inputs print negated', () => {
    for (const [input, canonical] of table) {
      if (canonical === '0' || input.startsWith('-')) continue;
      assert.equal(q('-' + input).toString(), '-' + canonical, input);
    }
  });

  it('an explicit + parses to the same value', () => {
    for (const [input] of table) {
      if (!input.startsWith('-')) assert.equal(q('+' + input).cmp(q(input)), 0, input);
    }
  });

  // Upstream keeps the input text when it parsed on the fast path and looks canonical;
  // these are the visible consequences.
  const verbatim: [string, string][] = [
    ['+1', '+1'],
    ['01', '01'],
    ['1.', '1.'],
    ['1.G', '1.G'],
    ['1e+3', '1e+3'],
    ['1E6', '1E6'],
    ['1E-3', '1E-3'],
    ['1.234', '1.234'],
    ['100.035k', '100.035k'],
    ['7.123456M', '7.123456M'],
    ['+1Ki', '+1Ki'],
    ['-0', '0'],
    ['00', '0'],
    ['8Ki', '8Ki'],
  ];
  for (const [input, out] of verbatim) {
    it(`keeps ${input} as ${out}`, () => assert.equal(q(input).toString(), out));
  }

  it('arithmetic drops the verbatim text', () => {
    assert.equal(q('1E-3').add(Quantity.zero()).toString(), '1e-3');
    assert.equal(q('+1').add(Quantity.zero()).toString(), '1');
    assert.equal(q('1.234').add(Quantity.zero()).toString(), '1234m');
    assert.equal(q('100.035k').add(Quantity.zero()).toString(), '100035');
  });

  it('parses upstream oddities as zero', () => {
    for (const s of ['.', '-', '+', '-.', 'e3', 'Ki', 'm', '000']) assert.equal(q(s).isZero(), true, s);
  });

  it('prints no suffix for decimal exponents beyond E (upstream quirk)', () => {
    assert.equal(q('1000E').toString(), '1');
    assert.equal(q('1000E').cmp(q('1e21')), 0);
  });

  it('keeps huge exponents symbolic', () => {
    const big = q('1e1000000000');
    assert.equal(big.toString(), '10e999999999');
    assert.equal(big.cmp(q('1')), 1);
    assert.equal(big.neg().cmp(q('1')), -1);
    assert.equal(q('1e-1000000000').toString(), '1e-9');
  });
});

describe('Quantity.parse errors', () => {
  const cases: [string, string][] = [
    ['', QUANTITY_ERRORS.formatWrong],
    [' 1', QUANTITY_ERRORS.formatWrong],
    ['1 ', QUANTITY_ERRORS.formatWrong],
    ['1.1.M', QUANTITY_ERRORS.formatWrong],
    ['1+1.0M', QUANTITY_ERRORS.formatWrong],
    ['0.1am', QUANTITY_ERRORS.formatWrong],
    ['aoeu', QUANTITY_ERRORS.formatWrong],
    ['1KB', QUANTITY_ERRORS.formatWrong],
    ['1Gb', QUANTITY_ERRORS.formatWrong],
    ['abc', QUANTITY_ERRORS.formatWrong],
    ['0.1mi', QUANTITY_ERRORS.suffix],
    ['.5i', QUANTITY_ERRORS.suffix],
    ['1i', QUANTITY_ERRORS.suffix],
    ['1ki', QUANTITY_ERRORS.suffix],
    ['1e', QUANTITY_ERRORS.suffix],
    ['-3.01i', QUANTITY_ERRORS.suffix],
    ['-3.01e-', QUANTITY_ERRORS.suffix],
    ['1ee3', QUANTITY_ERRORS.suffix],
    ['1e99999999999999999999', QUANTITY_ERRORS.suffix],
    ['.e-10', QUANTITY_ERRORS.numeric],
    ['+e-10', QUANTITY_ERRORS.numeric],
  ];
  for (const [input, message] of cases) {
    it(JSON.stringify(input), () => {
      assert.throws(() => q(input), (e: unknown) => e instanceof QuantityError && e.message === message);
    });
  }

  it('has upstream texts', () => {
    assert.equal(QUANTITY_ERRORS.formatWrong, "quantities must match the regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'");
    assert.equal(QUANTITY_ERRORS.suffix, "unable to parse quantity's suffix");
    assert.equal(QUANTITY_ERRORS.numeric, 'unable to parse numeric part of quantity');
  });

  it('mustParseQuantity wraps the error like MustParse', () => {
    assert.throws(() => mustParseQuantity('Non-Numeric'), { message: `cannot parse 'Non-Numeric': ${QUANTITY_ERRORS.formatWrong}` });
  });
});

describe('Quantity.fromJSON', () => {
  const cases: [unknown, string][] = [
    [' 1', '1'],
    ['1 ', '1'],
    [1, '1'],
    [10, '10'],
    [-1, '-1'],
    [0.5, '500m'],
    [null, '0'],
  ];
  for (const [input, out] of cases) {
    it(JSON.stringify(input), () => assert.equal(Quantity.fromJSON(input).toString(), out));
  }
  it('rejects other types', () => assert.throws(() => Quantity.fromJSON({}), QuantityError));
});

describe('Quantity comparison', () => {
  const cases: [string, string, number][] = [
    ['0', '0', 0],
    ['100m', '50m', 1],
    ['50m', '100m', -1],
    ['10000T', '100Gi', 1],
    ['1Gi', '1073741824', 0],
    ['1k', '1e3', 0],
    ['0.1', '100m', 0],
    ['-1', '0', -1],
    ['-1', '-2', 1],
    ['1n', '0', 1],
    ['999999999999999999999', '1e21', -1],
    ['1e21', '999999999999999999999', 1],
    ['9.01', '9.009', 1],
    ['-9.01', '-9.009', -1],
  ];
  for (const [a, b, want] of cases) {
    it(`${a} vs ${b}`, () => {
      assert.equal(q(a).cmp(q(b)), want);
      assert.equal(q(b).cmp(q(a)), -want || 0);
      assert.equal(q(a).equals(q(b)), want === 0);
    });
  }

  it('cmpInt64', () => {
    assert.equal(q('1023').cmpInt64(1024), -1);
    assert.equal(q('1Ki').cmpInt64(1024), 0);
    assert.equal(q('1025').cmpInt64(1024n), 1);
  });
});

describe('Quantity arithmetic', () => {
  it('add and sub are exact and keep the receiver format', () => {
    const cases: [string, '+' | '-', string, string][] = [
      ['1Gi', '+', '512Mi', '1536Mi'],
      ['1', '+', '500m', '1500m'],
      ['100m', '+', '0', '100m'],
      ['0', '+', '100m', '100m'],
      ['0', '+', '1Gi', '1Gi'],
      ['1Gi', '+', '0', '1Gi'],
      ['10', '+', '1Ki', '1034'],
      ['1Ki', '+', '10', '1034'],
      ['1Ki', '+', '1Ki', '2Ki'],
      ['1', '-', '1', '0'],
      ['0', '-', '1Gi', '-1Gi'],
      ['100m', '-', '0', '100m'],
      ['1', '-', '1n', '999999999n'],
      ['0.1', '+', '0.2', '300m'],
      ['9223372036854775807', '+', '1', '9223372036854775808'],
    ];
    for (const [a, op, b, want] of cases) {
      const got = op === '+' ? q(a).add(q(b)) : q(a).sub(q(b));
      assert.equal(got.toString(), want, `${a} ${op} ${b}`);
    }
  });

  it('add/sub round-trips across scales', () => {
    let acc = Quantity.zero();
    const parts: Quantity[] = [];
    for (let k = -10; k <= 10; k++) {
      const p = Quantity.scaled(BigInt(k * 7919 + 104729) * 1000003n, k);
      parts.push(p);
      acc = acc.add(p);
    }
    for (const p of parts) acc = acc.sub(p);
    assert.equal(acc.isZero(), true);
  });

  it('neg, mul, sign', () => {
    assert.equal(q('9.01').neg().toString(), '-9010m');
    assert.equal(q('10').mul(-10).toString(), '-100');
    assert.equal(q('10Ki').mul(2).toString(), '20Ki');
    assert.equal(q('9223372036854775807').mul(10).toString(), '92233720368547758070');
    assert.equal(q('-5').sign(), -1);
    assert.equal(q('0').sign(), 0);
    assert.equal(q('5m').sign(), 1);
  });

  it('refuses alignments too large to materialize', () => {
    assert.throws(() => q('1e1000000000').add(q('1')), RangeError);
  });

  it('roundUp', () => {
    const cases: [string, number, string, boolean][] = [
      ['9.01', -3, '9010m', true],
      ['9.01', -2, '9010m', true],
      ['9.01', -1, '9100m', false],
      ['9.01', 0, '10', false],
      ['9.01', 1, '10', false],
      ['9.01', 2, '100', false],
      ['-9.01', -1, '-9100m', false],
      ['-9.01', 0, '-10', false],
      ['-9.01', 2, '-100', false],
    ];
    for (const [input, scale, want, exact] of cases) {
      const r = q(input).roundUp(scale);
      assert.equal(r.quantity.toString(), want, `${input} @${scale}`);
      assert.equal(r.exact, exact, `${input} @${scale}`);
    }
  });
});

describe('Quantity values', () => {
  it('value and milliValue round away from zero', () => {
    const cases: [string, number, number][] = [
      ['100m', 1, 100],
      ['1', 1, 1000],
      ['1.5', 2, 1500],
      ['-1.5', -2, -1500],
      ['1n', 1, 1],
      ['-1n', -1, -1],
      ['2.0001', 3, 2001],
      ['1Gi', 1073741824, 1073741824000],
      ['0', 0, 0],
      ['1e3', 1000, 1000000],
    ];
    for (const [input, value, milli] of cases) {
      assert.equal(q(input).value(), value, `${input}.value()`);
      assert.equal(q(input).milliValue(), milli, `${input}.milliValue()`);
    }
  });

  it('scaledValue between scales', () => {
    const cases: [number, number, number][] = [
      [Scale.Nano, Scale.Nano, 1],
      [Scale.Nano, Scale.Micro, 1],
      [Scale.Nano, 0, 1],
      [Scale.Micro, Scale.Nano, 1000],
      [Scale.Milli, Scale.Micro, 1000],
      [0, Scale.Nano, 1_000_000_000],
      [0, Scale.Milli, 1000],
      [2, -2, 10000],
    ];
    for (const [from, to, want] of cases) assert.equal(Quantity.scaled(1, from).scaledValue(to), want, `${from}->${to}`);
  });

  it('bigint values are exact and saturate at int64', () => {
    assert.equal(q('9Ei').valueBig(), 2n ** 63n - 1n);
    assert.equal(q('8Ei').valueBig(), 2n ** 63n - 1n, 'parse caps binary values');
    assert.equal(q('8Ei').toString(), '9223372036854775807');
    const twoTo63 = q('4Ei').add(q('4Ei'));
    assert.equal(twoTo63.toString(), '8Ei');
    assert.equal(twoTo63.valueBig(), 2n ** 63n - 1n, 'saturates');
    assert.equal(twoTo63.sub(q('1')).valueBig(), 2n ** 63n - 1n);
    assert.equal(twoTo63.sub(q('2')).valueBig(), 2n ** 63n - 2n);
    assert.equal(q('1e30').valueBig(), 2n ** 63n - 1n);
    assert.equal(q('-1e30').valueBig(), -(2n ** 63n));
    assert.equal(q('1e-1000').valueBig(), 1n);
    assert.equal(q('4Ei').milliValueBig(), 2n ** 63n - 1n);
  });

  it('asApproximateFloat64', () => {
    assert.equal(q('1.5').asApproximateFloat64(), 1.5);
    assert.equal(q('1Ki').asApproximateFloat64(), 1024);
    assert.equal(q('100m').asApproximateFloat64(), 0.1);
    assert.equal(q('0').asApproximateFloat64(), 0);
  });
});

describe('Quantity constructors', () => {
  it('of', () => {
    const cases: [number, QuantityFormat, string][] = [
      [1, DecimalSI, '1'],
      [1000, DecimalSI, '1k'],
      [1234000, DecimalSI, '1234k'],
      [1024, BinarySI, '1Ki'],
      [1000000, DecimalExponent, '1e6'],
      [1024 * 1024, BinarySI, '1Mi'],
    ];
    for (const [v, f, want] of cases) {
      const got = Quantity.of(v, f);
      assert.equal(got.toString(), want);
      assert.equal(q(want).value(), v);
    }
  });

  it('milli', () => {
    const cases: [number, QuantityFormat, string][] = [
      [1, DecimalSI, '1m'],
      [1000, DecimalSI, '1'],
      [1234000, DecimalSI, '1234'],
      [1024, BinarySI, '1024m'],
      [1000000, DecimalExponent, '1e3'],
      [1024 * 1024, BinarySI, '1048576m'],
    ];
    for (const [v, f, want] of cases) assert.equal(Quantity.milli(v, f).toString(), want);
  });

  it('scaled', () => {
    const cases: [number, number, string][] = [
      [1, Scale.Nano, '1n'],
      [1000, Scale.Nano, '1u'],
      [1, Scale.Micro, '1u'],
      [1000, Scale.Micro, '1m'],
      [1000, Scale.Milli, '1'],
      [0, Scale.Nano, '0'],
    ];
    for (const [v, s, want] of cases) {
      assert.equal(Quantity.scaled(v, s).toString(), want);
      assert.equal(q(want).scaledValue(s), v);
    }
  });

  it('rejects non-integers', () => assert.throws(() => Quantity.of(1.5), RangeError));
});
