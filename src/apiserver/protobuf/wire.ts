/**
 * The protobuf wire format, as much of it as Kubernetes' generated.proto files use: varints
 * (int32, int64, bool), length-delimited fields (string, bytes, messages, packed repeated
 * scalars), and skipping of the other wire types for unknown fields.
 */

export const WireType = {
  Varint: 0,
  Fixed64: 1,
  LengthDelimited: 2,
  StartGroup: 3,
  EndGroup: 4,
  Fixed32: 5,
} as const;
export type WireType = (typeof WireType)[keyof typeof WireType];

/** Malformed input; the message says where. */
export class WireError extends Error {
  override readonly name = 'WireError';
}

const TWO_32 = 4294967296;
const utf8 = new TextDecoder('utf-8');

/**
 * Reads one buffer front to back. Every read checks bounds and throws WireError rather than
 * returning garbage, so a truncated or hostile body fails cleanly.
 */
export class Reader {
  pos: number;
  readonly end: number;

  constructor(readonly buf: Uint8Array, start = 0, end = buf.length) {
    this.pos = start;
    this.end = end;
  }

  get done(): boolean {
    return this.pos >= this.end;
  }

  /** A varint as two unsigned 32-bit halves [lo, hi]. */
  varint64(): [number, number] {
    let lo = 0;
    let hi = 0;
    let shift = 0;
    for (let i = 0; i < 10; i++) {
      if (this.pos >= this.end) throw new WireError('unexpected end of data in varint');
      const b = this.buf[this.pos++]!;
      if (shift < 28) lo |= (b & 0x7f) << shift;
      else if (shift === 28) {
        lo |= (b & 0x0f) << 28;
        hi |= (b & 0x7f) >>> 4;
      } else hi |= (b & 0x7f) << (shift - 32);
      if ((b & 0x80) === 0) return [lo >>> 0, hi >>> 0];
      shift += 7;
    }
    throw new WireError('varint overflows 64 bits');
  }

  /** A varint known to be a length, tag or other small non-negative number. */
  uint32(): number {
    const [lo, hi] = this.varint64();
    if (hi !== 0) throw new WireError('varint out of range for a length or tag');
    return lo;
  }

  /** int32 as Go reads it: the low 32 bits, two's complement. */
  int32(): number {
    return this.varint64()[0] | 0;
  }

  /** int64: a Number when it is a safe integer, otherwise an exact bigint. */
  int64(): number | bigint {
    const [lo, hi] = this.varint64();
    const hiSigned = hi | 0;
    const n = hiSigned * TWO_32 + lo;
    if (Number.isSafeInteger(n)) return n;
    return (BigInt(hiSigned) << 32n) + BigInt(lo);
  }

  bool(): boolean {
    const [lo, hi] = this.varint64();
    return lo !== 0 || hi !== 0;
  }

  /** The body of a length-delimited field (a view, not a copy). */
  bytes(): Uint8Array {
    const len = this.uint32();
    if (len > this.end - this.pos) throw new WireError('length-delimited field runs past the end of data');
    const out = this.buf.subarray(this.pos, this.pos + len);
    this.pos += len;
    return out;
  }

  string(): string {
    return utf8.decode(this.bytes());
  }

  /** A field key: [field number, wire type]. */
  tag(): [number, number] {
    const key = this.uint32();
    const field = key >>> 3;
    if (field === 0) throw new WireError('illegal field number 0');
    return [field, key & 7];
  }

  /** Skips one value of the given wire type (unknown fields are ignored, as Go does). */
  skip(wireType: number, field = 0): void {
    switch (wireType) {
      case WireType.Varint:
        this.varint64();
        return;
      case WireType.Fixed64:
        this.advance(8);
        return;
      case WireType.LengthDelimited:
        this.bytes();
        return;
      case WireType.Fixed32:
        this.advance(4);
        return;
      case WireType.StartGroup:
        for (;;) {
          if (this.done) throw new WireError('unterminated group');
          const [f, wt] = this.tag();
          if (wt === WireType.EndGroup) {
            if (f !== field) throw new WireError('mismatched end of group');
            return;
          }
          this.skip(wt, f);
        }
      default:
        throw new WireError(`illegal wire type ${wireType}`);
    }
  }

  private advance(n: number): void {
    if (n > this.end - this.pos) throw new WireError('unexpected end of data');
    this.pos += n;
  }
}

const utf8Encoder = new TextEncoder();

/** Appends to a growing buffer; `finish()` returns the bytes written so far. */
export class Writer {
  private buf = new Uint8Array(256);
  private len = 0;

  private ensure(n: number): void {
    if (this.len + n <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.len + n) size *= 2;
    const next = new Uint8Array(size);
    next.set(this.buf.subarray(0, this.len));
    this.buf = next;
  }

  /** A non-negative integer below 2^53, or any 64-bit value as a bigint (two's complement). */
  varint(v: number | bigint): this {
    if (typeof v === 'number' && v >= 0 && v < TWO_32) {
      this.ensure(5);
      let n = v;
      while (n >= 0x80) {
        this.buf[this.len++] = (n & 0x7f) | 0x80;
        n = Math.floor(n / 128);
      }
      this.buf[this.len++] = n;
      return this;
    }
    let u = BigInt.asUintN(64, BigInt(v));
    this.ensure(10);
    while (u >= 0x80n) {
      this.buf[this.len++] = Number(u & 0x7fn) | 0x80;
      u >>= 7n;
    }
    this.buf[this.len++] = Number(u);
    return this;
  }

  tag(field: number, wireType: number): this {
    return this.varint(field * 8 + wireType);
  }

  /** int32 as Go writes it: negative values sign-extended to ten bytes. */
  int32(v: number): this {
    return v >= 0 ? this.varint(v) : this.varint(BigInt(v));
  }

  int64(v: number | bigint): this {
    return this.varint(v);
  }

  bool(v: boolean): this {
    return this.varint(v ? 1 : 0);
  }

  bytes(b: Uint8Array): this {
    this.varint(b.length);
    this.raw(b);
    return this;
  }

  string(s: string): this {
    return this.bytes(utf8Encoder.encode(s));
  }

  raw(b: Uint8Array): this {
    this.ensure(b.length);
    this.buf.set(b, this.len);
    this.len += b.length;
    return this;
  }

  finish(): Uint8Array {
    return this.buf.slice(0, this.len);
  }
}
