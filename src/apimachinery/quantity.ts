/**
 * resource.Quantity with upstream's semantics (k8s.io/apimachinery pkg/api/resource, 1.32):
 * exact fixed-point numbers written as `<signedNumber><suffix>`, where the suffix is a
 * binary SI suffix (Ki Mi Gi Ti Pi Ei), a decimal SI suffix (n u m "" k M G T P E) or a
 * decimal exponent (e3, E-6).
 *
 * Representation: value = unscaled × 10^exponent, unscaled a bigint, so nothing is ever
 * rounded by floating point. Quantities are immutable; arithmetic returns new ones.
 *
 * Parsing (as upstream's ParseQuantity):
 * - the suffix decides the format (BinarySI, DecimalSI or DecimalExponent), which is kept
 *   for printing;
 * - values with more than 9 fractional decimal digits are rounded away from zero to 1n
 *   (`0.5n` → `1n`, `1.1E-9` → `2e-9`);
 * - binary values beyond 2^63-1 are capped there (`9Ei`); decimal values are not capped;
 * - a binary value strictly between -1 and 1 (after that rounding) becomes DecimalSI
 *   (`0.000000000001Ki` → `2n`).
 *
 * Canonical form (what toString()/toJSON() print, as upstream's String()):
 * - zero is `0`;
 * - DecimalSI / DecimalExponent: trailing zeros move into the exponent, which is then
 *   lowered to a multiple of 3 (`1.5` → `1500m`, `1000m` → `1`, `1e3` stays `1e3` because
 *   its format is DecimalExponent, `1000` → `1k`, `0.1` → `100m`). DecimalSI prints the SI
 *   suffix for that exponent; for exponents outside n..E upstream prints NO suffix (so
 *   `1000E` prints `1`) and so does this implementation;
 * - BinarySI: values with |v| < 1024 or not an integer print as DecimalSI (`5`, `1536`,
 *   `.001Ki` → `1024m`); otherwise factors of 1024 move into the suffix (`1024Mi` → `1Gi`,
 *   `1.5Gi` → `1536Mi`);
 * - a string that was parsed in canonical form is printed back verbatim — upstream's
 *   short-cut, which also keeps its quirks: `+1`, `01`, `1.` and `1e+3` round-trip as
 *   written (see `parse`).
 */

/** The three ways a quantity prints. */
export const QuantityFormat = {
  DecimalExponent: 'DecimalExponent',
  BinarySI: 'BinarySI',
  DecimalSI: 'DecimalSI',
} as const;
export type QuantityFormat = (typeof QuantityFormat)[keyof typeof QuantityFormat];

/** Base-10 scales for scaledValue (upstream's resource.Scale). */
export const Scale = { Nano: -9, Micro: -6, Milli: -3, Kilo: 3, Mega: 6, Giga: 9, Tera: 12, Peta: 15, Exa: 18 } as const;

const SPLIT_RE_STRING = '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$';

/** Upstream's parse error texts. */
export const QUANTITY_ERRORS = {
  formatWrong: `quantities must match the regular expression '${SPLIT_RE_STRING}'`,
  numeric: 'unable to parse numeric part of quantity',
  suffix: "unable to parse quantity's suffix",
} as const;

export class QuantityError extends Error {
  override readonly name = 'QuantityError';
}

const MAX_INT64 = 2n ** 63n - 1n;
const MIN_INT64 = -(2n ** 63n);
/** The largest exponent shift arithmetic will materialize (guards against `1e999999999 + 1`). */
const MAX_SHIFT = 100_000;

const DECIMAL_SUFFIXES: ReadonlyMap<string, number> = new Map([
  ['n', -9],
  ['u', -6],
  ['m', -3],
  ['', 0],
  ['k', 3],
  ['M', 6],
  ['G', 9],
  ['T', 12],
  ['P', 15],
  ['E', 18],
]);
const DECIMAL_SUFFIX_BY_EXP: ReadonlyMap<number, string> = new Map([...DECIMAL_SUFFIXES].map(([s, e]) => [e, s]));
const BINARY_SUFFIXES: ReadonlyMap<string, number> = new Map([
  ['Ki', 10],
  ['Mi', 20],
  ['Gi', 30],
  ['Ti', 40],
  ['Pi', 50],
  ['Ei', 60],
]);
const BINARY_SUFFIX_BY_EXP: ReadonlyMap<number, string> = new Map([...BINARY_SUFFIXES].map(([s, e]) => [e, s]));

const abs = (v: bigint) => (v < 0n ? -v : v);
const digits = (v: bigint) => (v === 0n ? 0 : abs(v).toString().length);
const pow10 = (n: number) => 10n ** BigInt(n);

/** Divides by 10^shift, rounding away from zero (upstream's "round up" for quantities). */
function divRoundAway(v: bigint, shift: number): { q: bigint; exact: boolean } {
  if (v === 0n) return { q: 0n, exact: true };
  if (shift > digits(v)) return { q: v > 0n ? 1n : -1n, exact: false };
  const d = pow10(shift);
  const q = v / d;
  if (q * d === v) return { q, exact: true };
  return { q: v > 0n ? q + 1n : q - 1n, exact: false };
}

interface Split {
  positive: boolean;
  value: string;
  num: string;
  denom: string;
  suffix: string;
}

const isDigit = (c: string | undefined) => c !== undefined && c >= '0' && c <= '9';
const SUFFIX_CHARS = 'eEinumkKMGTP';

/** Upstream's parseQuantityString: splits sign, integer digits, fraction digits and suffix. */
function splitQuantity(str: string): Split {
  let positive = true;
  let pos = 0;
  const end = str.length;
  if (pos < end) {
    if (str[0] === '-') {
      positive = false;
      pos++;
    } else if (str[0] === '+') pos++;
  }
  // Leading zeros; a string of only zeros (or nothing) after the sign is zero.
  for (let i = pos; ; i++) {
    if (i >= end) return { positive, value: '0', num: '0', denom: '', suffix: '' };
    if (str[i] === '0') pos++;
    else break;
  }
  let num: string;
  let i = pos;
  while (i < end && isDigit(str[i])) i++;
  if (i >= end) return { positive, value: str, num: str.slice(pos), denom: '', suffix: '' };
  num = str.slice(pos, i) || '0';
  pos = i;
  let denom = '';
  if (pos < end && str[pos] === '.') {
    pos++;
    i = pos;
    while (i < end && isDigit(str[i])) i++;
    denom = str.slice(pos, i);
    if (i >= end) return { positive, value: str, num, denom, suffix: '' };
    pos = i;
  }
  const value = str.slice(0, pos);
  const suffixStart = pos;
  i = pos;
  while (i < end && SUFFIX_CHARS.includes(str[i]!)) i++;
  if (i >= end) return { positive, value, num, denom, suffix: str.slice(suffixStart) };
  pos = i;
  if (str[pos] === '-' || str[pos] === '+') pos++;
  i = pos;
  while (i < end && isDigit(str[i])) i++;
  if (i >= end) return { positive, value, num, denom, suffix: str.slice(suffixStart) };
  throw new QuantityError(QUANTITY_ERRORS.formatWrong);
}

interface Interpreted {
  base: 2 | 10;
  exponent: number;
  format: QuantityFormat;
}

/** Upstream's suffixer.interpret. */
function interpretSuffix(s: string): Interpreted | undefined {
  const dec = DECIMAL_SUFFIXES.get(s);
  if (dec !== undefined) return { base: 10, exponent: dec, format: QuantityFormat.DecimalSI };
  const bin = BINARY_SUFFIXES.get(s);
  if (bin !== undefined) return { base: 2, exponent: bin, format: QuantityFormat.BinarySI };
  if (s.length > 1 && (s[0] === 'e' || s[0] === 'E')) {
    const rest = s.slice(1);
    if (!/^[+-]?[0-9]+$/.test(rest)) return undefined;
    const v = BigInt(rest);
    if (v < MIN_INT64 || v > MAX_INT64) return undefined;
    // as upstream: the exponent is parsed as int64 and then truncated to int32
    return { base: 10, exponent: Number(BigInt.asIntN(32, v)), format: QuantityFormat.DecimalExponent };
  }
  return undefined;
}

/** Parses `[+-]digits[.digits]` (at least one digit) as inf.Dec's SetString does. */
function parseDecimal(value: string): { unscaled: bigint; exponent: number } | undefined {
  const m = /^([+-]?)([0-9]*)(?:\.([0-9]*))?$/.exec(value);
  if (!m || (m[2]!.length === 0 && (m[3] ?? '').length === 0)) return undefined;
  const frac = m[3] ?? '';
  const unscaled = BigInt((m[1] === '-' ? '-' : '') + (m[2]! + frac || '0'));
  return { unscaled, exponent: -frac.length };
}

export class Quantity {
  /** value = unscaled × 10^exponent; unscaled has no trailing zeros (0 has exponent 0). */
  private readonly unscaled: bigint;
  private readonly exponent: number;

  private constructor(
    unscaled: bigint,
    exponent: number,
    readonly format: QuantityFormat,
    /** The parsed text when upstream would print it back verbatim. */
    private readonly cached?: string,
  ) {
    if (unscaled === 0n) {
      exponent = 0;
    } else {
      while (unscaled % 10n === 0n) {
        unscaled /= 10n;
        exponent++;
      }
    }
    this.unscaled = unscaled;
    this.exponent = exponent;
  }

  /**
   * Parses a quantity string as upstream's ParseQuantity. Throws QuantityError with
   * upstream's message (`quantities must match the regular expression '...'`, `unable to
   * parse quantity's suffix`, `unable to parse numeric part of quantity`). No whitespace
   * is allowed (JSON decoding trims it first; see fromJSON).
   *
   * Upstream quirks kept: `.`, `-`, `+`, `e3`, `Ki`, `m` all parse as zero; the text is
   * kept verbatim for printing when it was parsed on the fast path and looks canonical
   * (so `+1` and `01` print as written).
   */
  static parse(str: string): Quantity {
    if (str.length === 0) throw new QuantityError(QUANTITY_ERRORS.formatWrong);
    if (str === '0') return new Quantity(0n, 0, QuantityFormat.DecimalSI, '0');

    const { positive, value, num, denom, suffix } = splitQuantity(str);
    const it = interpretSuffix(suffix);
    if (!it) throw new QuantityError(QUANTITY_ERRORS.suffix);
    const { base, exponent, format } = it;

    // The fast path (upstream's int64 representation): taken when the digits fit in an
    // int64 without losing precision; only this path may keep the input text.
    let precision: number;
    let scale: number;
    let mantissa = 1n;
    if (format === QuantityFormat.BinarySI) {
      scale = 0;
      if (exponent >= 0 && denom.length === 0) {
        mantissa = 1n << BigInt(exponent);
        precision = 15 - num.length - Math.trunc((exponent * 3) / 10) - 1;
      } else {
        precision = -1;
      }
    } else {
      scale = exponent;
      precision = 18 - (num.length + denom.length);
    }
    if (precision >= 0) {
      scale -= denom.length;
      if (scale >= Scale.Nano) {
        const shifted = num + denom;
        const v = BigInt(shifted);
        const product = v * mantissa;
        if (product <= MAX_INT64) {
          const result = positive ? product : -product;
          let keep = false;
          if (format === QuantityFormat.BinarySI) keep = exponent % 10 === 0 && (v & 7n) !== 0n;
          else keep = scale % 3 === 0 && !shifted.endsWith('000') && shifted[0] !== '0';
          return new Quantity(result, scale, format, keep ? str : undefined);
        }
      }
    }

    // The slow path (upstream's inf.Dec representation).
    const dec = parseDecimal(value);
    if (!dec) throw new QuantityError(QUANTITY_ERRORS.numeric);
    let unscaled = dec.unscaled;
    let exp = dec.exponent;
    if (base === 10) exp += exponent;
    else unscaled *= 1n << BigInt(exponent);

    const negative = unscaled < 0n;
    unscaled = abs(unscaled);
    let fmt = format;
    if (unscaled !== 0n && exp < Scale.Nano) {
      unscaled = divRoundAway(unscaled, Scale.Nano - exp).q;
      exp = Scale.Nano;
    }
    if (fmt === QuantityFormat.BinarySI) {
      if (cmpMagnitude(unscaled, exp, MAX_INT64, 0) > 0) {
        unscaled = MAX_INT64;
        exp = 0;
      }
      if (unscaled !== 0n && cmpMagnitude(unscaled, exp, 1n, 0) < 0) fmt = QuantityFormat.DecimalSI;
    }
    return new Quantity(negative ? -unscaled : unscaled, exp, fmt);
  }

  /**
   * Decodes a quantity from a JSON value as upstream's UnmarshalJSON: null is zero, a
   * string is trimmed and parsed, a number is parsed from its JavaScript rendering (Go
   * sees the raw JSON text instead, so `1e-7` vs `0.0000001` may pick a different format).
   */
  static fromJSON(v: unknown): Quantity {
    if (v === null || v === undefined) return new Quantity(0n, 0, QuantityFormat.DecimalSI);
    if (typeof v === 'number' || typeof v === 'bigint') return Quantity.parse(String(v));
    if (typeof v === 'string') return Quantity.parse(v.trim());
    throw new QuantityError(QUANTITY_ERRORS.formatWrong);
  }

  /** `value` in `format` (upstream's NewQuantity). */
  static of(value: number | bigint, format: QuantityFormat = QuantityFormat.DecimalSI): Quantity {
    return new Quantity(toBigInt(value), 0, format);
  }

  /** `value`/1000 in `format` (upstream's NewMilliQuantity). */
  static milli(value: number | bigint, format: QuantityFormat = QuantityFormat.DecimalSI): Quantity {
    return new Quantity(toBigInt(value), -3, format);
  }

  /** `value`×10^scale as DecimalSI (upstream's NewScaledQuantity). */
  static scaled(value: number | bigint, scale: number): Quantity {
    return new Quantity(toBigInt(value), scale, QuantityFormat.DecimalSI);
  }

  static zero(format: QuantityFormat = QuantityFormat.DecimalSI): Quantity {
    return new Quantity(0n, 0, format);
  }

  isZero(): boolean {
    return this.unscaled === 0n;
  }

  /** -1, 0 or 1. */
  sign(): number {
    return this.unscaled === 0n ? 0 : this.unscaled > 0n ? 1 : -1;
  }

  /** -1, 0 or 1 as this is less than, equal to or greater than `other` (exact). */
  cmp(other: Quantity): number {
    return cmpExact(this.unscaled, this.exponent, other.unscaled, other.exponent);
  }

  cmpInt64(v: number | bigint): number {
    return cmpExact(this.unscaled, this.exponent, toBigInt(v), 0);
  }

  equals(other: Quantity): boolean {
    return this.cmp(other) === 0;
  }

  /** this + other; a zero receiver takes other's format (as upstream's Add). */
  add(other: Quantity): Quantity {
    const [a, b, exp] = Quantity.align(this, other);
    return new Quantity(a + b, exp, this.isZero() ? other.format : this.format);
  }

  /** this − other; a zero receiver takes other's format (as upstream's Sub). */
  sub(other: Quantity): Quantity {
    const [a, b, exp] = Quantity.align(this, other);
    return new Quantity(a - b, exp, this.isZero() ? other.format : this.format);
  }

  neg(): Quantity {
    return new Quantity(-this.unscaled, this.exponent, this.format);
  }

  /** this × n (exact). */
  mul(n: number | bigint): Quantity {
    return new Quantity(this.unscaled * toBigInt(n), this.exponent, this.format);
  }

  /**
   * Rounds away from zero to a multiple of 10^scale (upstream's RoundUp); `exact` is false
   * when precision was lost.
   */
  roundUp(scale: number): { quantity: Quantity; exact: boolean } {
    if (this.exponent >= scale) return { quantity: this, exact: true };
    const { q, exact } = divRoundAway(this.unscaled, scale - this.exponent);
    return { quantity: new Quantity(q, scale, this.format), exact };
  }

  /**
   * ceil(|q| / 10^scale) with q's sign (rounded away from zero), saturated to the int64
   * range. Upstream rounds the same way for ordinary values but silently overflows beyond
   * int64 (and, for negative values with more than 18 digits, rounds toward +∞).
   */
  scaledValueBig(scale: number): bigint {
    if (this.unscaled === 0n) return 0n;
    let v: bigint;
    if (this.exponent >= scale) {
      if (digits(this.unscaled) + this.exponent - scale > 19) return this.unscaled > 0n ? MAX_INT64 : MIN_INT64;
      v = this.unscaled * pow10(this.exponent - scale);
    } else {
      v = divRoundAway(this.unscaled, scale - this.exponent).q;
    }
    return v > MAX_INT64 ? MAX_INT64 : v < MIN_INT64 ? MIN_INT64 : v;
  }

  /** The value rounded away from zero to an integer (upstream's Value()), as a bigint. */
  valueBig(): bigint {
    return this.scaledValueBig(0);
  }

  /** ceil(q × 1000) away from zero (upstream's MilliValue()), as a bigint. */
  milliValueBig(): bigint {
    return this.scaledValueBig(Scale.Milli);
  }

  /** As valueBig, as a number (exact up to 2^53). */
  value(): number {
    return Number(this.valueBig());
  }

  /** As milliValueBig, as a number (exact up to 2^53). */
  milliValue(): number {
    return Number(this.milliValueBig());
  }

  /** As scaledValueBig, as a number. */
  scaledValue(scale: number): number {
    return Number(this.scaledValueBig(scale));
  }

  /** The nearest float (upstream's AsApproximateFloat64 / AsFloat64Slow). */
  asApproximateFloat64(): number {
    return this.unscaled === 0n ? 0 : Number.parseFloat(`${this.unscaled}e${this.exponent}`);
  }

  /** The canonical text (see the module comment). */
  toString(): string {
    if (this.cached !== undefined) return this.cached;
    if (this.unscaled === 0n) return '0';
    let format = this.format;
    let rounded: bigint | undefined;
    if (format === QuantityFormat.BinarySI) {
      if (this.cmpInt64(-1024) > 0 && this.cmpInt64(1024) < 0) {
        format = QuantityFormat.DecimalSI;
      } else {
        const r = this.roundUp(0);
        if (r.exact) rounded = r.quantity.unscaled * pow10(r.quantity.exponent);
        else format = QuantityFormat.DecimalSI;
      }
    }
    if (rounded !== undefined) {
      let times = 0;
      while (rounded % 1024n === 0n) {
        rounded /= 1024n;
        times++;
      }
      return rounded.toString() + (BINARY_SUFFIX_BY_EXP.get(times * 10) ?? '');
    }
    // Lower the exponent to a multiple of 3 (the mantissa has no trailing zeros).
    let mantissa = this.unscaled;
    let exp = this.exponent;
    const r = ((exp % 3) + 3) % 3;
    if (r !== 0) {
      mantissa *= pow10(r);
      exp -= r;
    }
    let suffix: string;
    if (format === QuantityFormat.DecimalExponent) suffix = exp === 0 ? '' : `e${exp}`;
    else suffix = DECIMAL_SUFFIX_BY_EXP.get(exp) ?? '';
    return mantissa.toString() + suffix;
  }

  toJSON(): string {
    return this.toString();
  }

  /** Both unscaled values at the smaller exponent. */
  private static align(x: Quantity, y: Quantity): [bigint, bigint, number] {
    if (x.unscaled === 0n) return [0n, y.unscaled, y.exponent];
    if (y.unscaled === 0n) return [x.unscaled, 0n, x.exponent];
    const exp = Math.min(x.exponent, y.exponent);
    const shiftX = x.exponent - exp;
    const shiftY = y.exponent - exp;
    if (shiftX > MAX_SHIFT || shiftY > MAX_SHIFT) {
      throw new RangeError('quantity arithmetic between values this far apart in magnitude is not supported');
    }
    return [x.unscaled * pow10(shiftX), y.unscaled * pow10(shiftY), exp];
  }
}

function toBigInt(v: number | bigint): bigint {
  if (typeof v === 'bigint') return v;
  if (!Number.isInteger(v)) throw new RangeError(`quantity value must be an integer, got ${v}`);
  return BigInt(v);
}

/** Compares |a|·10^ae with |b|·10^be for non-negative a, b. */
function cmpMagnitude(a: bigint, ae: number, b: bigint, be: number): number {
  if (a === 0n || b === 0n) return a === b ? 0 : a === 0n ? -1 : 1;
  const la = digits(a) + ae;
  const lb = digits(b) + be;
  if (la !== lb) return la < lb ? -1 : 1;
  // Same magnitude: the exponent gap is bounded by the digit counts.
  if (ae > be) a *= pow10(ae - be);
  else if (be > ae) b *= pow10(be - ae);
  return a === b ? 0 : a < b ? -1 : 1;
}

function cmpExact(a: bigint, ae: number, b: bigint, be: number): number {
  const sa = a === 0n ? 0 : a > 0n ? 1 : -1;
  const sb = b === 0n ? 0 : b > 0n ? 1 : -1;
  if (sa !== sb) return sa < sb ? -1 : 1;
  if (sa === 0) return 0;
  const m = cmpMagnitude(abs(a), ae, abs(b), be);
  return sa > 0 ? m : -m;
}

/** Parses a quantity (Quantity.parse). */
export const parseQuantity = (s: string) => Quantity.parse(s);

/** Parses a quantity, throwing with upstream's MustParse text on failure (for constants and tests). */
export function mustParseQuantity(s: string): Quantity {
  try {
    return Quantity.parse(s);
  } catch (e: unknown) {
    throw new Error(`cannot parse '${s}': ${e instanceof Error ? e.message : String(e)}`);
  }
}
