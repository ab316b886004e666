/**
 * Tolerant accessors for objects as they reach strategies: plain JSON that has passed typed
 * decoding (so values have their schema types when present) but whose optional parts may be
 * absent. Readers never throw; `child`/`list` attach what they create only when asked to.
 */
import { isObject } from '../../apimachinery/types.js';

export type Obj = Record<string, unknown>;

/** `o[key]` when it is an object, else a fresh detached `{}` (reading never mutates). */
export function sub(o: unknown, key: string): Obj {
  if (!isObject(o)) return {};
  const v = o[key];
  return isObject(v) ? v : {};
}

/** `o[key]` as an object, created and attached when absent. */
export function child(o: Obj, key: string): Obj {
  const v = o[key];
  if (isObject(v)) return v;
  const fresh: Obj = {};
  o[key] = fresh;
  return fresh;
}

/** `o[key]` when it is an array, else []. */
export function list(o: unknown, key: string): unknown[] {
  if (!isObject(o)) return [];
  const v = o[key];
  return Array.isArray(v) ? v : [];
}

/** The object elements of `o[key]` (non-objects skipped). */
export function objects(o: unknown, key: string): Obj[] {
  return list(o, key).filter(isObject);
}

/** `o[key]` as a string, '' when absent or not a string (Go's zero value). */
export function str(o: unknown, key: string): string {
  if (!isObject(o)) return '';
  const v = o[key];
  return typeof v === 'string' ? v : '';
}

/** `o[key]` as a number, 0 when absent (Go's zero value). */
export function num(o: unknown, key: string): number {
  if (!isObject(o)) return 0;
  const v = o[key];
  return typeof v === 'number' ? v : 0;
}

/** `o[key]` when present and not null (a Go pointer that is set). */
export function has(o: unknown, key: string): boolean {
  return isObject(o) && o[key] !== undefined && o[key] !== null;
}

/** The string entries of a map-typed field (`labels`, `selector`, `data`), {} when absent. */
export function stringMap(o: unknown, key: string): Record<string, string> {
  const m = sub(o, key);
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(m)) if (typeof v === 'string') out[k] = v;
  return out;
}

/** The string elements of `o[key]`. */
export function strings(o: unknown, key: string): string[] {
  return list(o, key).filter((v): v is string => typeof v === 'string');
}

/** Sets `o[key] = value` unless it already holds a value (Go's `if x == nil { x = ... }`). */
export function setDefault(o: Obj, key: string, value: unknown): void {
  if (o[key] === undefined || o[key] === null) o[key] = value;
}

/** Sets a string field when it is absent or '' (Go's `if x == "" { x = ... }`). */
export function setDefaultString(o: Obj, key: string, value: string): void {
  if (o[key] === undefined || o[key] === null || o[key] === '') o[key] = value;
}
