import assert from 'node:assert/strict';
import { describe, it } from 'node:test';

import { compareGoStrings, goQuote, goStringSlice, isGoPrintable } from './go-format.js';

describe('goQuote (strconv.Quote)', () => {
  const cases: [string, string][] = [
    ['', '""'],
    ['abc', '"abc"'],
    ['a"b', '"a\\"b"'],
    ['a\\b', '"a\\\\b"'],
    ['a\nb\tc\rd', '"a\\nb\\tc\\rd"'],
    ['\u0007\u0008\u000b\u000c', '"\\a\\b\\v\\f"'],
    ['\u0000\u001f\u007f', '"\\x00\\x1f\\x7f"'],
    ['\u0085', '"\\u0085"'],
    ['\u00a0', '"\\u00a0"'],
    ['\u200b', '"\\u200b"'],
    ['rā Māori 数 😀', '"rā Māori 数 😀"'],
    ['\ud800', '"\ufffd"'],
    ['\u{e0001}', '"\\U000e0001"'],
  ];
  for (const [input, want] of cases) it(JSON.stringify(input), () => assert.equal(goQuote(input), want));

  it('isGoPrintable', () => {
    assert.equal(isGoPrintable(0x20), true);
    assert.equal(isGoPrintable(0x41), true);
    assert.equal(isGoPrintable(0x09), false);
    assert.equal(isGoPrintable(0xa0), false);
    assert.equal(isGoPrintable(0xe9), true);
  });
});

describe('goStringSlice', () => {
  it('renders %#v of []string', () => {
    assert.equal(goStringSlice(['a', 'b"c']), '[]string{"a", "b\\"c"}');
    assert.equal(goStringSlice([]), '[]string{}');
    assert.equal(goStringSlice(null), '[]string(nil)');
  });
});

describe('compareGoStrings', () => {
  it('orders by code point like Go', () => {
    assert.equal(compareGoStrings('a', 'b'), -1);
    assert.equal(compareGoStrings('b', 'a'), 1);
    assert.equal(compareGoStrings('a', 'a'), 0);
    assert.ok(compareGoStrings('a', 'ab') < 0);
    // U+FF61 sorts before U+1F600 by code point, after it by UTF-16 unit
    assert.ok(compareGoStrings('\uff61', '😀') < 0);
    assert.ok('\uff61' > '😀');
  });
});
