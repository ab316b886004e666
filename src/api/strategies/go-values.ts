/**
 * Go `%#v` renderings of values that upstream's validation puts into field errors as the
 * bad value (maps, typed slices, structs). kube-apiserver prints these with fmt, so a
 * client sees e.g. `map[string]string{"app":"x"}` or
 * `rbac.RoleRef{APIGroup:"rbac.authorization.k8s.io", Kind:"Role", Name:"r"}`.
 */
import { rendered, type RenderedValue } from '../../apimachinery/field-errors.js';
import { compareGoStrings, goQuote } from '../../apimachinery/go-format.js';
import { Quantity } from '../../apimachinery/quantity.js';

/** A Go value already in `%#v` form. */
export type GoText = string;

/** `%#v` of a map with string keys: keys sorted as fmt sorts them; `map[K]V(nil)` for null. */
export function goMap(type: string, m: Readonly<Record<string, unknown>> | null | undefined, value: (v: unknown) => GoText = goScalar): GoText {
  if (m == null) return `${type}(nil)`;
  const keys = Object.keys(m).sort(compareGoStrings);
  return `${type}{${keys.map((k) => `${goQuote(k)}:${value(m[k])}`).join(', ')}}`;
}

/** `%#v` of a slice: `[]T{a, b}`, or `[]T(nil)` for null/undefined. */
export function goSlice(type: string, values: readonly unknown[] | null | undefined, value: (v: unknown) => GoText = goScalar): GoText {
  if (values == null) return `${type}(nil)`;
  return `${type}{${values.map(value).join(', ')}}`;
}

/** `%#v` of a struct from its fields in declaration order, each already rendered. */
export function goStruct(type: string, fields: readonly (readonly [string, GoText])[]): GoText {
  return `${type}{${fields.map(([k, v]) => `${k}:${v}`).join(', ')}}`;
}

/** `%#v` of a scalar: strings quoted, numbers and booleans plain, nil for null. */
export function goScalar(v: unknown): GoText {
  if (typeof v === 'string') return goQuote(v);
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  if (v === null || v === undefined) return 'nil';
  return JSON.stringify(v);
}

/** `%#v` of a nil pointer of type `T`: `(*T)(nil)`. */
export const goNilPointer = (type: string): GoText => `(*${type})(nil)`;

/** Wraps a Go rendering as a field error's bad value. */
export const goValue = (text: GoText): RenderedValue => rendered(text);

/** `map[string]string{...}` as a bad value. */
export const goStringMapValue = (m: Readonly<Record<string, string>> | null | undefined): RenderedValue =>
  rendered(goMap('map[string]string', m));

/**
 * `%#v` of a resource.Quantity value as upstream's field errors print one (the struct,
 * since Quantity's String method has a pointer receiver): its int64 amount and scale,
 * the cached string and the format. Best effort for quantities beyond int64.
 */
export function goQuantity(text: string): GoText {
  let q: Quantity;
  try {
    q = Quantity.parse(text);
  } catch {
    return goQuote(text);
  }
  const canonical = q.toString();
  // Upstream keeps the amount as parsed: the digits and the scale of the suffix.
  const m = /^([+-]?)(\d*)(?:\.(\d+))?(.*)$/.exec(text) ?? ['', '', text, '', ''];
  const digits = (m[2] ?? '') + (m[3] ?? '');
  const decimalSuffix: Record<string, number> = { n: -9, u: -6, m: -3, '': 0, k: 3, M: 6, G: 9, T: 12, P: 15, E: 18 };
  const suffix = m[4] ?? '';
  let value: string;
  let scale: number;
  if (suffix in decimalSuffix) {
    value = String(BigInt((m[1] === '-' ? '-' : '') + (digits || '0')));
    scale = decimalSuffix[suffix]! - (m[3] ?? '').length;
  } else {
    value = String(q.valueBig());
    scale = 0;
  }
  const format = q.format;
  return `resource.Quantity{i:resource.int64Amount{value:${value}, scale:${scale}}, d:resource.infDecAmount{Dec:(*inf.Dec)(nil)}, s:${goQuote(canonical === text ? text : '')}, Format:${goQuote(format)}}`;
}
