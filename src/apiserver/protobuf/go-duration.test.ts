import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatGoDuration, parseGoDuration } from './go-duration.js';

// Expected strings are Go's time.Duration.String() for these values.
const formatCases: [bigint, string][] = [
  [0n, '0s'],
  [1n, '1ns'],
  [999n, '999ns'],
  [1_000n, '1µs'],
  [1_500n, '1.5µs'],
  [1_000_000n, '1ms'],
  [1_234_567n, '1.234567ms'],
  [1_000_000_000n, '1s'],
  [1_500_000_000n, '1.5s'],
  [60_000_000_000n, '1m0s'],
  [61_000_000_000n, '1m1s'],
  [3_600_000_000_000n, '1h0m0s'],
  [5_400_000_000_000n, '1h30m0s'],
  [90_061_000_000_001n, '25h1m1.000000001s'],
  [-5_000_000_000n, '-5s'],
  [-1n, '-1ns'],
  [(1n << 63n) - 1n, '2562047h47m16.854775807s'],
  [-(1n << 63n), '-2562047h47m16.854775808s'],
];

describe('formatGoDuration', () => {
  for (const [ns, text] of formatCases) {
    it(`${ns} -> ${text}`, () => assert.equal(formatGoDuration(ns), text));
  }
  it('takes plain numbers too', () => assert.equal(formatGoDuration(3_600_000_000_000), '1h0m0s'));
});

describe('parseGoDuration', () => {
  for (const [ns, text] of formatCases) {
    it(`${text} -> ${ns}`, () => assert.equal(parseGoDuration(text), ns));
  }
  const extra: [string, bigint][] = [
    ['0', 0n],
    ['+1h', 3_600_000_000_000n],
    ['1h30m', 5_400_000_000_000n],
    ['.5s', 500_000_000n],
    ['1.s', 1_000_000_000n],
    ['2us', 2_000n],
    ['2μs', 2_000n],
    ['1.0000000009s', 1_000_000_000n],
  ];
  for (const [text, ns] of extra) {
    it(`${text} -> ${ns}`, () => assert.equal(parseGoDuration(text), ns));
  }
  const bad: [string, RegExp][] = [
    ['', /invalid duration/],
    ['1', /missing unit/],
    ['1d', /unknown unit "d"/],
    ['.s', /invalid duration/],
    ['-', /invalid duration/],
    ['9223372036854775808ns', /invalid duration/],
  ];
  for (const [text, re] of bad) {
    it(`rejects ${JSON.stringify(text)}`, () => assert.throws(() => parseGoDuration(text), re));
  }
  it('accepts the most negative duration', () => assert.equal(parseGoDuration('-9223372036854775808ns'), -(1n << 63n)));
});
