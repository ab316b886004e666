import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Reader, WireError, WireType, Writer } from './wire.js';

const hex = (b: Uint8Array) => Buffer.from(b).toString('hex');
const fromHex = (h: string) => Uint8Array.from(Buffer.from(h, 'hex'));

describe('varints', () => {
  const int64Cases: [string, number | bigint, string][] = [
    ['zero', 0, '00'],
    ['one byte max', 127, '7f'],
    ['two bytes', 300, 'ac02'],
    ['2^32', 4294967296, '8080808010'],
    ['max safe integer', Number.MAX_SAFE_INTEGER, 'ffffffffffffff0f'],
    ['2^53 becomes bigint', 2n ** 53n, '8080808080808010'],
    ['max int64', 2n ** 63n - 1n, 'ffffffffffffffff7f'],
    ['minus one', -1, 'ffffffffffffffffff01'],
    ['min safe integer', Number.MIN_SAFE_INTEGER, '81808080808080f0ff01'],
    ['-(2^53) becomes bigint', -(2n ** 53n), '80808080808080f0ff01'],
    ['min int64', -(2n ** 63n), '80808080808080808001'],
  ];
  for (const [name, value, wire] of int64Cases) {
    it(`int64 ${name}`, () => {
      assert.equal(hex(new Writer().int64(value).finish()), wire);
      assert.equal(new Reader(fromHex(wire)).int64(), value);
    });
  }

  it('int32 negatives are sign-extended to ten bytes, as Go writes them', () => {
    const b = new Writer().int32(-5).finish();
    assert.equal(hex(b), 'fbffffffffffffffff01');
    assert.equal(new Reader(b).int32(), -5);
  });

  it('int32 keeps the low 32 bits of a wider varint', () => {
    assert.equal(new Reader(fromHex('ffffffff0f')).int32(), -1);
    assert.equal(new Reader(fromHex('8080808010')).int32(), 0);
  });

  it('bool reads any non-zero varint as true', () => {
    assert.equal(new Reader(fromHex('00')).bool(), false);
    assert.equal(new Reader(fromHex('01')).bool(), true);
    assert.equal(new Reader(fromHex('8080808010')).bool(), true);
  });

  it('rejects truncated and over-long varints', () => {
    assert.throws(() => new Reader(fromHex('80')).int64(), WireError);
    assert.throws(() => new Reader(fromHex('ffffffffffffffffffff01')).int64(), /overflows/);
  });
});

describe('length-delimited and skipping', () => {
  it('round-trips strings and bytes', () => {
    const w = new Writer().tag(1, WireType.LengthDelimited).string('héllo').tag(2, WireType.LengthDelimited).bytes(Uint8Array.of(0, 255));
    const r = new Reader(w.finish());
    assert.deepEqual(r.tag(), [1, WireType.LengthDelimited]);
    assert.equal(r.string(), 'héllo');
    assert.deepEqual(r.tag(), [2, WireType.LengthDelimited]);
    assert.deepEqual([...r.bytes()], [0, 255]);
    assert.equal(r.done, true);
  });

  it('rejects a length running past the end', () => {
    assert.throws(() => new Reader(fromHex('0a05616263')).skip(2), WireError);
    const r = new Reader(fromHex('0a05616263'));
    r.tag();
    assert.throws(() => r.bytes(), /past the end/);
  });

  it('skips every wire type, groups included', () => {
    const w = new Writer()
      .tag(1, WireType.Varint).varint(300)
      .tag(2, WireType.Fixed64).raw(new Uint8Array(8))
      .tag(3, WireType.Fixed32).raw(new Uint8Array(4))
      .tag(4, WireType.StartGroup).tag(1, WireType.Varint).varint(1).tag(4, WireType.EndGroup)
      .tag(5, WireType.LengthDelimited).string('end');
    const r = new Reader(w.finish());
    for (let i = 0; i < 4; i++) {
      const [f, wt] = r.tag();
      r.skip(wt, f);
    }
    r.tag();
    assert.equal(r.string(), 'end');
  });

  it('rejects field number zero and unknown wire types', () => {
    assert.throws(() => new Reader(fromHex('00')).tag(), /field number 0/);
    assert.throws(() => new Reader(fromHex('')).skip(7), /illegal wire type/);
  });

  it('grows its buffer past the initial size', () => {
    const big = 'x'.repeat(10_000);
    const r = new Reader(new Writer().string(big).finish());
    assert.equal(r.string(), big);
  });
});
