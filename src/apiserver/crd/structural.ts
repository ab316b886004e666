import type { Schema } from '../../api/schema/types.js';
import { fieldErrors, type FieldError } from '../../apimachinery/field-errors.js';
import { goQuote } from '../../apimachinery/go-format.js';

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => v !== null && typeof v === 'object' && !Array.isArray(v);

const typeName = (v: unknown): string => (v === null ? 'null' : Array.isArray(v) ? 'array' : typeof v === 'number' ? (Number.isInteger(v) ? 'integer' : 'number') : typeof v);

/**
 * Validation of a custom resource against its CRD's structural schema, as the apiextensions
 * apiserver's OpenAPI validator: types, nullable, required, enum, pattern, bounds, lengths,
 * item counts, uniqueness, property counts, formats (int32, int64, date-time, ...),
 * int-or-string, and duplicate keys of x-kubernetes-list-type map/set lists. Messages and
 * field paths as upstream's (e.g. `spec.replicas: Invalid value: 11: spec.replicas in body
 * should be less than or equal to 10`). Only `spec`, `status` and other top-level fields are
 * walked here; metadata is validated as for every object.
 */
export function validateStructural(obj: Obj, schema: Schema): FieldError[] {
  const errs: FieldError[] = [];
  for (const [k, v] of Object.entries(obj)) {
    if (k === 'apiVersion' || k === 'kind' || k === 'metadata') continue;
    const s = schema.properties?.[k];
    if (s) walk(v, s, k, errs);
  }
  for (const r of schema.required ?? []) {
    if (r === 'apiVersion' || r === 'kind' || r === 'metadata') continue;
    if (obj[r] === undefined) errs.push(fieldErrors.required(r, ''));
  }
  return errs;
}

function walk(v: unknown, s: Schema, path: string, errs: FieldError[]): void {
  if (v === null) {
    if (!s.nullable) errs.push(fieldErrors.invalid(path, null, `${path} in body must be of type ${s.type ?? 'object'}: "null"`));
    return;
  }
  if (s['x-kubernetes-int-or-string']) {
    if (typeof v !== 'string' && !(typeof v === 'number' && Number.isInteger(v))) errs.push(fieldErrors.invalid(path, v, `${path} in body must be of type integer,string: "${typeName(v)}"`));
    return;
  }
  const t = s.type;
  if (t) {
    const actual = typeName(v);
    const ok = t === actual || (t === 'number' && actual === 'integer') || (t === 'object' && actual === 'object') || (t === 'array' && actual === 'array');
    if (!ok) {
      errs.push(fieldErrors.invalid(path, v, `${path} in body must be of type ${t}: "${actual}"`));
      return;
    }
  }
  if (s.enum && !s.enum.some((e) => JSON.stringify(e) === JSON.stringify(v))) {
    errs.push(fieldErrors.notSupported(path, v, s.enum.map((e) => (typeof e === 'string' ? e : JSON.stringify(e)))));
  }
  if (typeof v === 'string') {
    if (typeof s.maxLength === 'number' && [...v].length > s.maxLength) errs.push(fieldErrors.tooLong(path, v, s.maxLength));
    if (typeof s.minLength === 'number' && [...v].length < s.minLength) errs.push(fieldErrors.invalid(path, v, `${path} in body should be at least ${s.minLength} chars long`));
    if (typeof s.pattern === 'string' && !new RegExp(s.pattern, 'u').test(v)) errs.push(fieldErrors.invalid(path, v, `${path} in body should match '${s.pattern}'`));
    const fmt = s.format;
    if (fmt === 'date-time' && Number.isNaN(Date.parse(v))) errs.push(fieldErrors.invalid(path, v, `${path} in body must be of type date-time: ${goQuote(v)}`));
    if (fmt === 'date' && !/^\d{4}-\d{2}-\d{2}$/.test(v)) errs.push(fieldErrors.invalid(path, v, `${path} in body must be of type date: ${goQuote(v)}`));
    if (fmt === 'email' && !/^[^@\s]+@[^@\s]+$/.test(v)) errs.push(fieldErrors.invalid(path, v, `${path} in body must be of type email: ${goQuote(v)}`));
    if ((fmt === 'ipv4' || fmt === 'ip') && !/^(\d{1,3}\.){3}\d{1,3}$/.test(v)) errs.push(fieldErrors.invalid(path, v, `${path} in body must be of type ${fmt}: ${goQuote(v)}`));
    if (fmt === 'uuid' && !/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(v)) errs.push(fieldErrors.invalid(path, v, `${path} in body must be of type uuid: ${goQuote(v)}`));
  }
  if (typeof v === 'number') {
    if (typeof s.maximum === 'number') {
      if (s.exclusiveMaximum === true ? v >= s.maximum : v > s.maximum) errs.push(fieldErrors.invalid(path, v, `${path} in body should be less than ${s.exclusiveMaximum === true ? '' : 'or equal to '}${s.maximum}`));
    }
    if (typeof s.minimum === 'number') {
      if (s.exclusiveMinimum === true ? v <= s.minimum : v < s.minimum) errs.push(fieldErrors.invalid(path, v, `${path} in body should be greater than ${s.exclusiveMinimum === true ? '' : 'or equal to '}${s.minimum}`));
    }
    if (typeof s.multipleOf === 'number' && v % s.multipleOf !== 0) errs.push(fieldErrors.invalid(path, v, `${path} in body should be a multiple of ${s.multipleOf}`));
    if (s.format === 'int32' && (v > 2147483647 || v < -2147483648)) errs.push(fieldErrors.invalid(path, v, `${path} in body must be of type int32: "${v}"`));
  }
  if (Array.isArray(v)) {
    if (typeof s.maxItems === 'number' && v.length > s.maxItems) errs.push(fieldErrors.tooMany(path, v.length, s.maxItems));
    if (typeof s.minItems === 'number' && v.length < s.minItems) errs.push(fieldErrors.invalid(path, v, `${path} in body should have at least ${s.minItems} items`));
    if (s.uniqueItems === true || s['x-kubernetes-list-type'] === 'set') {
      const seen = new Set<string>();
      v.forEach((item, i) => {
        const key = JSON.stringify(item);
        if (seen.has(key)) errs.push(fieldErrors.duplicate(`${path}[${i}]`, item));
        seen.add(key);
      });
    }
    if (s['x-kubernetes-list-type'] === 'map') {
      const keys = s['x-kubernetes-list-map-keys'] ?? [];
      const seen = new Set<string>();
      v.forEach((item, i) => {
        if (!isObj(item)) return;
        const key = JSON.stringify(keys.map((k) => item[k]));
        if (seen.has(key)) errs.push(fieldErrors.duplicate(`${path}[${i}]`, Object.fromEntries(keys.map((k) => [k, item[k]]))));
        seen.add(key);
      });
    }
    if (s.items) v.forEach((item, i) => walk(item, s.items!, `${path}[${i}]`, errs));
    return;
  }
  if (isObj(v)) {
    if (s['x-kubernetes-embedded-resource']) {
      if (typeof v.apiVersion !== 'string' || !v.apiVersion) errs.push(fieldErrors.required(`${path}.apiVersion`, 'must not be empty'));
      if (typeof v.kind !== 'string' || !v.kind) errs.push(fieldErrors.required(`${path}.kind`, 'must not be empty'));
    }
    const n = Object.keys(v).length;
    if (typeof s.maxProperties === 'number' && n > s.maxProperties) errs.push(fieldErrors.tooMany(path, n, s.maxProperties));
    if (typeof s.minProperties === 'number' && n < s.minProperties) errs.push(fieldErrors.invalid(path, n, `${path} in body should have at least ${s.minProperties} properties`));
    for (const r of s.required ?? []) if (v[r] === undefined) errs.push(fieldErrors.required(`${path}.${r}`, ''));
    for (const [k, child] of Object.entries(v)) {
      const cs = s.properties?.[k] ?? (typeof s.additionalProperties === 'object' ? s.additionalProperties : undefined);
      if (cs) walk(child, cs, `${path}.${k}`, errs);
    }
  }
}

/**
 * Applies the schema's `default`s where a value is absent, recursively (as the apiextensions
 * apiserver defaults on decode): object properties, map values and list items.
 */
export function applyDefaults(v: unknown, s: Schema | undefined): void {
  if (!s || !isObj(v)) {
    if (s && Array.isArray(v) && s.items) for (const item of v) applyDefaults(item, s.items);
    return;
  }
  for (const [k, ps] of Object.entries(s.properties ?? {})) {
    if (v[k] === undefined && ps.default !== undefined) v[k] = JSON.parse(JSON.stringify(ps.default));
    if (v[k] !== undefined) applyDefaults(v[k], ps);
  }
  if (typeof s.additionalProperties === 'object') for (const child of Object.values(v)) applyDefaults(child, s.additionalProperties);
}

/**
 * Removes fields the schema does not know (upstream's pruning), except under
 * x-kubernetes-preserve-unknown-fields and in embedded resources' metadata. Returns the
 * dropped paths.
 */
export function prune(v: unknown, s: Schema | undefined, path = '', dropped: string[] = []): string[] {
  if (!s) return dropped;
  if (Array.isArray(v)) {
    if (s.items) v.forEach((item, i) => prune(item, s.items, `${path}[${i}]`, dropped));
    return dropped;
  }
  if (!isObj(v) || s['x-kubernetes-preserve-unknown-fields']) return dropped;
  for (const k of Object.keys(v)) {
    const cs = s.properties?.[k] ?? (typeof s.additionalProperties === 'object' ? s.additionalProperties : s.additionalProperties === true ? {} : undefined);
    const p = path ? `${path}.${k}` : k;
    if (!cs) {
      if (s['x-kubernetes-embedded-resource'] && (k === 'apiVersion' || k === 'kind' || k === 'metadata')) continue;
      delete v[k];
      dropped.push(p);
      continue;
    }
    prune(v[k], cs, p, dropped);
  }
  return dropped;
}
