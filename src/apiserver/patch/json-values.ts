/**
 * Helpers over plain JSON values (the shapes `JSON.parse` produces): objects with own
 * enumerable string keys, arrays, strings, finite numbers, booleans and null.
 *
 * Every accessor here looks at own properties only, so keys such as `__proto__` or
 * `constructor` that arrive in a patch are data, never prototype lookups or prototype writes.
 */

export type JsonObject = { [key: string]: unknown };

export function isJsonObject(v: unknown): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function hasKey(o: JsonObject, key: string): boolean {
  return Object.prototype.hasOwnProperty.call(o, key);
}

/** The own value at `key`, or undefined when the key is absent. */
export function getKey(o: JsonObject, key: string): unknown {
  return hasKey(o, key) ? o[key] : undefined;
}

/** Sets an own data property, even for `__proto__`. */
export function setKey(o: JsonObject, key: string, value: unknown): void {
  if (key === '__proto__') {
    Object.defineProperty(o, key, { value, writable: true, enumerable: true, configurable: true });
  } else {
    o[key] = value;
  }
}

export function deleteKey(o: JsonObject, key: string): void {
  if (hasKey(o, key)) delete o[key];
}

/** A deep copy; the patch functions copy their inputs so callers' values are never mutated. */
export function cloneJson<T>(v: T): T {
  if (Array.isArray(v)) return v.map((e) => cloneJson(e)) as T;
  if (isJsonObject(v)) {
    const out: JsonObject = {};
    for (const k of Object.keys(v)) setKey(out, k, cloneJson(v[k]));
    return out as T;
  }
  return v;
}

/** Structural equality of JSON values; object key order is irrelevant. */
export function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    return a.every((e, i) => jsonEqual(e, b[i]));
  }
  if (isJsonObject(a)) {
    if (!isJsonObject(b)) return false;
    const ka = Object.keys(a);
    if (ka.length !== Object.keys(b).length) return false;
    return ka.every((k) => hasKey(b, k) && jsonEqual(a[k], b[k]));
  }
  return false;
}

/**
 * Go's `==` on two `interface{}` values holding decoded JSON: primitives compare by value,
 * null equals null (Go's nil; an absent key reads as nil too). Go panics comparing maps or
 * slices; here they are only equal to themselves.
 */
export function goEqual(a: unknown, b: unknown): boolean {
  const na = a === undefined ? null : a;
  const nb = b === undefined ? null : b;
  return na === nb;
}
