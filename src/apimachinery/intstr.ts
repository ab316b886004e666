/**
 * IntOrString helpers with upstream's semantics (k8s.io/apimachinery pkg/util/intstr and the
 * int-or-percent validation of the apps API group, 1.32). In JSON an IntOrString is a
 * number or a string, so here it is `number | string`.
 */
import { fieldErrors, rendered, type FieldError } from './field-errors.js';
import type { FieldPath } from './field-path.js';
import { goQuote } from './go-format.js';
import { isPercent, validateNonnegativeField } from './validation.js';

export type IntOrString = number | string;

export class IntOrStringError extends Error {
  override readonly name = 'IntOrStringError';
}

const MAX_INT64 = 2n ** 63n - 1n;
const MIN_INT64 = -(2n ** 63n);

/**
 * Go's strconv.Atoi on a 64-bit platform: an optional sign and decimal digits. Throws with
 * Go's message (`strconv.Atoi: parsing "x": invalid syntax` / `value out of range`).
 */
export function atoi(s: string): number {
  if (!/^[+-]?[0-9]+$/.test(s)) throw new IntOrStringError(`strconv.Atoi: parsing ${goQuote(s)}: invalid syntax`);
  const v = BigInt(s);
  if (v > MAX_INT64 || v < MIN_INT64) throw new IntOrStringError(`strconv.Atoi: parsing ${goQuote(s)}: value out of range`);
  return Number(v);
}

/**
 * The int, or for a percentage `p%` the value p×total/100 rounded up or down (upstream's
 * GetScaledValueFromIntOrPercent). A string without a trailing '%' is an error (unlike
 * the deprecated GetValueFromIntOrPercent). Throws IntOrStringError with upstream's text,
 * e.g. `invalid value for IntOrString: invalid type: string is not a percentage`.
 */
export function getScaledValueFromIntOrPercent(
  value: IntOrString | null | undefined,
  total: number,
  roundUp: boolean,
): number {
  if (value === null || value === undefined) throw new IntOrStringError('nil value for IntOrString');
  if (typeof value === 'number') return value;
  if (typeof value !== 'string') {
    throw new IntOrStringError('invalid value for IntOrString: invalid type: neither int nor percentage');
  }
  if (!value.endsWith('%')) throw new IntOrStringError('invalid value for IntOrString: invalid type: string is not a percentage');
  let v: number;
  try {
    v = atoi(value.slice(0, -1));
  } catch (e: unknown) {
    throw new IntOrStringError(`invalid value for IntOrString: invalid value ${goQuote(value)}: ${(e as Error).message}`);
  }
  // as upstream: float64 arithmetic, then truncation to int
  const scaled = (v * total) / 100;
  return Math.trunc(roundUp ? Math.ceil(scaled) : Math.floor(scaled));
}

/**
 * A string holding an int32 becomes an int, anything else stays a string (upstream's
 * intstr.Parse).
 */
export function parseIntOrString(s: string): IntOrString {
  if (/^[+-]?[0-9]+$/.test(s)) {
    const v = BigInt(s);
    if (v >= -(2n ** 31n) && v < 2n ** 31n) return Number(v);
  }
  return s;
}

/** The int, or a string's Atoi value, or 0 when it is not a number (upstream's IntValue). */
export function intOrStringValue(v: IntOrString): number {
  if (typeof v === 'number') return v;
  try {
    return atoi(v);
  } catch {
    return 0;
  }
}

/** The value as upstream's `%#v` prints it in validation messages. */
export function goIntOrString(v: IntOrString): string {
  return typeof v === 'string'
    ? `intstr.IntOrString{Type:1, IntVal:0, StrVal:${goQuote(v)}}`
    : `intstr.IntOrString{Type:0, IntVal:${v}, StrVal:""}`;
}

/**
 * The problems with a value that must be an int or a percentage: a string must be a
 * valid percent (`25%`), a number an integer. Empty when valid.
 */
export function isIntOrPercent(v: unknown): string[] {
  if (typeof v === 'string') return isPercent(v);
  if (typeof v === 'number' && Number.isInteger(v)) return [];
  return ["must be an integer or percentage (e.g '5%%')"];
}

/**
 * As upstream's ValidatePositiveIntOrPercent (Deployment maxSurge/maxUnavailable and
 * others): a string must be a percent, a number must not be negative.
 */
export function validatePositiveIntOrPercent(v: IntOrString, path: FieldPath | string): FieldError[] {
  if (typeof v === 'string') return isPercent(v).map((m) => fieldErrors.invalid(path, rendered(goIntOrString(v)), m));
  if (typeof v === 'number') return validateNonnegativeField(v, path);
  // upstream's text has a literal '%%' (the detail is not a format string)
  return [fieldErrors.invalid(path, v, "must be an integer or percentage (e.g '5%%')")];
}

/** The percentage of a valid percent string, if it is one. */
function percentValue(v: IntOrString): number | undefined {
  if (typeof v !== 'string' || isPercent(v).length) return undefined;
  return intOrStringValue(v.slice(0, -1));
}

/** A percentage must not exceed 100% (upstream's IsNotMoreThan100Percent). */
export function isNotMoreThan100Percent(v: IntOrString, path: FieldPath | string): FieldError[] {
  const p = percentValue(v);
  if (p === undefined || p <= 100) return [];
  return [fieldErrors.invalid(path, rendered(goIntOrString(v)), 'must not be greater than 100%')];
}

/** The int, or the percentage number of a valid percent string (upstream's getIntOrPercentValue). */
export function intOrPercentValue(v: IntOrString): number {
  return percentValue(v) ?? intOrStringValue(v);
}
