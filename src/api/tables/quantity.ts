/**
 * Canonical rendering of resource quantities, as upstream's Quantity.String() prints them in
 * table cells (PV capacity, quota usage, HPA targets): `1024Mi` is `1Gi`, `1.5Gi` is
 * `1536Mi`, `2000m` is `2`, `0.5` is `500m`.
 */

// Go's quantity grammar: a signed decimal number, then an optional suffix.
const QUANTITY = /^([+-]?)(\d*)(?:\.(\d*))?([a-zA-Z]*[-+]?\d*)$/;

const DECIMAL_SUFFIX_EXPONENT: Readonly<Record<string, number>> = {
  n: -9,
  u: -6,
  m: -3,
  '': 0,
  k: 3,
  M: 6,
  G: 9,
  T: 12,
  P: 15,
  E: 18,
};
const BINARY_SUFFIX_POWER: Readonly<Record<string, number>> = { Ki: 1, Mi: 2, Gi: 3, Ti: 4, Pi: 5, Ei: 6 };
const BINARY_SUFFIXES = ['', 'Ki', 'Mi', 'Gi', 'Ti', 'Pi', 'Ei'];

type Format = 'DecimalSI' | 'BinarySI' | 'DecimalExponent';

/** value = mantissa * 10^exponent, exactly. */
interface Parsed {
  mantissa: bigint;
  exponent: number;
  format: Format;
}

function parse(text: string): Parsed | null {
  const m = QUANTITY.exec(text.trim());
  if (!m) return null;
  const [, sign, whole = '', fraction = '', suffix = ''] = m;
  if (whole === '' && fraction === '') return null;

  let mantissa = BigInt((whole + fraction).replace(/^0+(?=.)/, '') || '0');
  let exponent = -fraction.length;
  let format: Format;
  if (suffix in DECIMAL_SUFFIX_EXPONENT) {
    exponent += DECIMAL_SUFFIX_EXPONENT[suffix]!;
    format = 'DecimalSI';
  } else if (suffix in BINARY_SUFFIX_POWER) {
    mantissa *= 1024n ** BigInt(BINARY_SUFFIX_POWER[suffix]!);
    format = 'BinarySI';
  } else if (/^[eE][-+]?\d+$/.test(suffix)) {
    exponent += Number(suffix.slice(1));
    format = 'DecimalExponent';
  } else {
    return null;
  }

  // As upstream: anything finer than a nano rounds up (away from zero) to the next nano.
  if (exponent < -9 && mantissa !== 0n) {
    const divisor = 10n ** BigInt(-9 - exponent);
    mantissa = (mantissa + divisor - 1n) / divisor;
    exponent = -9;
  }
  if (sign === '-') mantissa = -mantissa;
  // Binary quantities strictly between -1 and 1 are shown in decimal.
  if (format === 'BinarySI' && mantissa !== 0n && absLess(mantissa, exponent, 1n)) format = 'DecimalSI';
  return { mantissa, exponent, format };
}

/** |mantissa * 10^exponent| < limit. */
function absLess(mantissa: bigint, exponent: number, limit: bigint): boolean {
  const abs = mantissa < 0n ? -mantissa : mantissa;
  return exponent >= 0 ? abs * 10n ** BigInt(exponent) < limit : abs < limit * 10n ** BigInt(-exponent);
}

function decimalCanonical(mantissa: bigint, exponent: number, format: Format): string {
  let m = mantissa;
  let e = exponent;
  while (m % 10n === 0n) {
    m /= 10n;
    e++;
  }
  while (((e % 3) + 3) % 3 !== 0) {
    m *= 10n;
    e--;
  }
  if (format === 'DecimalExponent') return e === 0 ? `${m}` : `${m}e${e}`;
  const suffix = Object.keys(DECIMAL_SUFFIX_EXPONENT).find((k) => DECIMAL_SUFFIX_EXPONENT[k] === e);
  return suffix === undefined ? `${m}e${e}` : `${m}${suffix}`;
}

/**
 * The canonical string of a serialized quantity (upstream: Quantity.String()). Absent is
 * `0`, as a zero Quantity prints; text that is not a quantity is returned unchanged.
 */
export function formatQuantity(value: unknown): string {
  if (value === undefined || value === null) return '0';
  const text = typeof value === 'number' ? String(value) : typeof value === 'string' ? value : null;
  if (text === null) return String(value);
  const q = parse(text);
  if (!q) return text;
  if (q.mantissa === 0n) return '0';

  if (q.format === 'BinarySI') {
    const integral = q.exponent >= 0 || q.mantissa % 10n ** BigInt(-q.exponent) === 0n;
    // Small magnitudes and fractions are shown in decimal to avoid rounding.
    if (absLess(q.mantissa, q.exponent, 1024n) || !integral) return decimalCanonical(q.mantissa, q.exponent, 'DecimalSI');
    let n = q.exponent >= 0 ? q.mantissa * 10n ** BigInt(q.exponent) : q.mantissa / 10n ** BigInt(-q.exponent);
    let power = 0;
    while (n % 1024n === 0n && power < BINARY_SUFFIXES.length - 1) {
      n /= 1024n;
      power++;
    }
    return `${n}${BINARY_SUFFIXES[power]}`;
  }
  return decimalCanonical(q.mantissa, q.exponent, q.format);
}

/**
 * `formatQuantity` for a field that may be absent on purpose: a missing Go *Quantity prints
 * as `<nil>` (upstream calls String() on the nil pointer).
 */
export function formatQuantityPointer(value: unknown): string {
  return value === undefined || value === null ? '<nil>' : formatQuantity(value);
}
