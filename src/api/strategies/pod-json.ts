/**
 * Small helpers for reading and mutating objects as plain JSON in the pod and workload
 * strategies: typed decoding normally guarantees shapes, but hooks also see objects that
 * skipped it, so every accessor tolerates the wrong type.
 */
import { isObject } from '../../apimachinery/types.js';

export type Json = Record<string, unknown>;

/** The value when it is an object. */
export const asObj = (v: unknown): Json | undefined => (isObject(v) ? v : undefined);

/** The value when it is an array, else an empty one. */
export const asArr = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);

/** The value when it is a string, else ''. */
export const asStr = (v: unknown): string => (typeof v === 'string' ? v : '');

/** The value when it is a number, else undefined. */
export const asNum = (v: unknown): number | undefined => (typeof v === 'number' ? v : undefined);

/** `o[key]` as an object, created (replacing anything that is not an object) when absent. */
export function objAt(o: Json, key: string): Json {
  const cur = o[key];
  if (isObject(cur)) return cur;
  const fresh: Json = {};
  o[key] = fresh;
  return fresh;
}

/** `o[key]` as an object if it is one. */
export const getObj = (o: Json | undefined, key: string): Json | undefined => (o ? asObj(o[key]) : undefined);

/** Sets `o[key] = value` when the field is absent or null (Go's "nil pointer" defaulting). */
export function setIfAbsent(o: Json, key: string, value: unknown): void {
  if (o[key] === undefined || o[key] === null) o[key] = value;
}

/** Sets `o[key] = value` when the field is absent, null, 0 or '' (Go's zero-value defaulting). */
export function setIfZero(o: Json, key: string, value: unknown): void {
  const cur = o[key];
  if (cur === undefined || cur === null || cur === 0 || cur === '') o[key] = value;
}

export function deepClone<T>(v: T): T {
  return v === undefined ? v : (JSON.parse(JSON.stringify(v)) as T);
}

/** Absent, null, an empty list or an empty object: what Go decodes to nil or an empty value. */
function isNil(v: unknown): boolean {
  return v === undefined || v === null || (Array.isArray(v) && v.length === 0) || (isObject(v) && Object.keys(v).length === 0);
}

/**
 * Equality as upstream's apiequality.Semantic.DeepEqual on decoded objects: absent, null
 * and empty lists or objects are alike (Go decodes them to nil or empty values, which that
 * comparison treats as equal, and an empty object here is almost always a map or an
 * all-default struct on both sides), everything else structurally.
 */
export function semanticEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (isNil(a) && isNil(b)) return true;
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b) || a.length !== b.length) return false;
    return a.every((x, i) => semanticEqual(x, b[i]));
  }
  if (isObject(a) && isObject(b)) {
    for (const k of new Set([...Object.keys(a), ...Object.keys(b)])) {
      if (!semanticEqual(a[k], b[k])) return false;
    }
    return true;
  }
  return false;
}
