/**
 * Go `fmt` renderings of decoded JSON values, for error messages that must read exactly as
 * kube-apiserver's. Upstream decodes JSON into `interface{}` with integers preserved as
 * int64 and other numbers as float64; here an integral JS number stands for int64 and any
 * other number for float64.
 */
import { isJsonObject } from './json-values.js';

/** `reflect.TypeOf(v).String()`, or null for Go's nil type. */
export function goTypeName(v: unknown): string | null {
  if (v === null || v === undefined) return null;
  if (Array.isArray(v)) return '[]interface {}';
  if (isJsonObject(v)) return 'map[string]interface {}';
  switch (typeof v) {
    case 'string':
      return 'string';
    case 'boolean':
      return 'bool';
    case 'number':
      return Number.isInteger(v) ? 'int64' : 'float64';
    default:
      return typeof v;
  }
}

/** `fmt.Sprintf("%s", t)` for a reflect.Type that may be nil. */
export function goTypeForS(v: unknown): string {
  return goTypeName(v) ?? '%!s(<nil>)';
}

/** `fmt.Sprintf("%v", v)`. Maps print with their keys sorted, as Go's fmt does. */
export function goV(v: unknown): string {
  if (v === null || v === undefined) return '<nil>';
  if (Array.isArray(v)) return `[${v.map(goV).join(' ')}]`;
  if (isJsonObject(v)) return `map[${sortedKeys(v).map((k) => `${k}:${goV(v[k])}`).join(' ')}]`;
  if (typeof v === 'number') return Number.isInteger(v) ? intString(v) : goFloat(v);
  return String(v);
}

/** `fmt.Sprintf("%s", v)`: strings verbatim, other scalars as `%!s(type=value)`. */
export function goS(v: unknown): string {
  if (v === null || v === undefined) return '%!s(<nil>)';
  if (typeof v === 'string') return v;
  if (Array.isArray(v)) return `[${v.map(goS).join(' ')}]`;
  if (isJsonObject(v)) return `map[${sortedKeys(v).map((k) => `${k}:${goS(v[k])}`).join(' ')}]`;
  return `%!s(${goTypeName(v)}=${goV(v)})`;
}

/** Go sorts string map keys bytewise (UTF-8), not by UTF-16 code units. */
function sortedKeys(o: Record<string, unknown>): string[] {
  return Object.keys(o).sort((a, b) => Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8')));
}

function intString(n: number): string {
  return Number.isSafeInteger(n) ? String(n) : BigInt(n).toString();
}

/** `%v` of a float64: Go's shortest `%g`, in exponent form when the decimal exponent is below -4 or at least 6. */
export function goFloat(n: number): string {
  if (Number.isNaN(n)) return 'NaN';
  if (!Number.isFinite(n)) return n > 0 ? '+Inf' : '-Inf';
  if (n === 0) return Object.is(n, -0) ? '-0' : '0';
  const [mantissa, expPart] = n.toExponential().split('e') as [string, string];
  const exp = Number(expPart);
  // as Go's strconv 'g' with shortest precision: %e when exp < -4 || exp >= 6
  if (exp < -4 || exp >= 6) {
    const sign = exp < 0 ? '-' : '+';
    const abs = Math.abs(exp);
    return `${mantissa}e${sign}${abs < 10 ? `0${abs}` : String(abs)}`;
  }
  return n.toString();
}

/** The JSON kind names Go's decoding errors use. */
export function goJsonKind(v: unknown): string {
  if (Array.isArray(v)) return 'array';
  if (v === null || v === undefined) return 'null';
  switch (typeof v) {
    case 'string':
      return 'string';
    case 'number':
      return 'number';
    case 'boolean':
      return 'bool';
    default:
      return 'object';
  }
}
