import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { compareKeys, decodeContinue, encodeContinue, prefixEnd } from './keys.js';
import { isStorageError } from './errors.js';

describe('keys', () => {
  it('computes the end of a prefix range', () => {
    const cases: [string, string | undefined][] = [
      ['/registry/pods/', '/registry/pods0'],
      ['a', 'b'],
      ['', undefined],
      ['a\uffff', 'b'],
    ];
    for (const [prefix, end] of cases) assert.equal(prefixEnd(prefix), end, prefix);
  });

  it('orders keys by UTF-8 bytes', () => {
    const cases: [string, string, number][] = [
      ['a', 'b', -1],
      ['b', 'a', 1],
      ['a', 'a', 0],
      ['/x/', '/x/a', -1],
      // U+FF5E (3 UTF-8 bytes, EF BD 9E) sorts before U+1F600 (4 bytes, F0 ...) in UTF-8,
      // though its UTF-16 code unit is greater than the surrogate D83D.
      ['\uff5e', '\u{1f600}', -1],
    ];
    for (const [a, b, want] of cases) assert.equal(Math.sign(compareKeys(a, b)), want, `${a} vs ${b}`);
  });

  it('round-trips continue tokens and rejects foreign or corrupt ones', () => {
    const tok = encodeContinue({ rev: 42, start: '/registry/pods/default/b\x00', prefix: '/registry/pods/' });
    assert.deepEqual(decodeContinue(tok, '/registry/pods/'), {
      rev: 42,
      start: '/registry/pods/default/b\x00',
      prefix: '/registry/pods/',
    });
    for (const bad of ['', 'not-base64-json', Buffer.from('{"v":1,"r":-1,"s":"","p":""}').toString('base64url')]) {
      assert.throws(() => decodeContinue(bad, ''), isStorageError, bad);
    }
    assert.throws(() => decodeContinue(tok, '/registry/services/'), isStorageError);
  });
});
