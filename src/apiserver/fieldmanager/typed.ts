import { isAtomicMap, resolve, type Schema } from '../../api/schema/index.js';
import { FieldSet } from './fieldset.js';

/**
 * How server-side apply sees a value's type (structured-merge-diff's schema kinds): scalars
 * and atomic values are owned whole; structs and granular maps field by field; lists by
 * their x-kubernetes-list-type — `map` items by key, `set` items by value, `atomic` whole.
 * Without a schema (unknown fields, preserve-unknown-fields) objects are granular maps and
 * lists atomic, as upstream's deduced type.
 */
export type Shape =
  | { kind: 'scalar' }
  | { kind: 'atomic' }
  | { kind: 'struct'; fields: Record<string, Schema>; required: ReadonlySet<string>; extra?: Schema }
  | { kind: 'map'; values?: Schema }
  | { kind: 'list-map'; keys: readonly string[]; items?: Schema }
  | { kind: 'list-set' };

export function shapeOf(field: Schema | undefined, v: unknown): Shape {
  if (!field) return deduced(v);
  let s: Schema;
  try {
    s = resolve(field);
  } catch {
    return deduced(v);
  }
  if (s['x-kubernetes-int-or-string'] || s.format === 'int-or-string') return { kind: 'scalar' };
  if (s.type === 'array' || s.items) {
    const listType = field['x-kubernetes-list-type'] ?? s['x-kubernetes-list-type'];
    const keys = field['x-kubernetes-list-map-keys'] ?? s['x-kubernetes-list-map-keys'];
    const strategy = String(field['x-kubernetes-patch-strategy'] ?? '');
    const mergeKey = field['x-kubernetes-patch-merge-key'];
    if (listType === 'map' && keys?.length) return { kind: 'list-map', keys, items: s.items };
    if (listType === 'set') return { kind: 'list-set' };
    if (listType === undefined && strategy.split(',').includes('merge')) {
      if (mergeKey) return { kind: 'list-map', keys: [mergeKey], items: s.items };
      return { kind: 'list-set' };
    }
    return { kind: 'atomic' };
  }
  if (s.type === 'object' || s.properties || s.additionalProperties) {
    if (isAtomicMap(field)) return { kind: 'atomic' };
    if (s['x-kubernetes-embedded-resource'] || (s['x-kubernetes-preserve-unknown-fields'] && !s.properties)) return deduced(v);
    if (s.properties) {
      const extra = typeof s.additionalProperties === 'object' ? s.additionalProperties : undefined;
      return { kind: 'struct', fields: s.properties, required: new Set(s.required ?? []), extra };
    }
    return { kind: 'map', values: typeof s.additionalProperties === 'object' ? s.additionalProperties : undefined };
  }
  if (s.type === undefined && !s.properties && !s.items) return deduced(v);
  return { kind: 'scalar' };
}

function deduced(v: unknown): Shape {
  if (v !== null && typeof v === 'object' && !Array.isArray(v)) return { kind: 'map' };
  if (Array.isArray(v)) return { kind: 'atomic' };
  return { kind: 'scalar' };
}

const isObj = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);

/** The schema of a struct field or map value. */
export function childSchema(shape: Shape, key: string): Schema | undefined {
  if (shape.kind === 'struct') return shape.fields[key] ?? shape.extra;
  if (shape.kind === 'map') return shape.values;
  return undefined;
}

/** The element naming a list item, or undefined if it cannot be named (an invalid item). */
export function itemElement(shape: Shape, item: unknown): string | undefined {
  if (shape.kind === 'list-set') return `v:${JSON.stringify(item)}`;
  if (shape.kind !== 'list-map' || !isObj(item)) return undefined;
  const key: Record<string, unknown> = {};
  const itemShape = shapeOf(shape.items, item);
  for (const k of [...shape.keys].sort()) {
    let v = item[k];
    if (v === undefined && itemShape.kind === 'struct') v = (itemShape.fields[k] ? resolve(itemShape.fields[k]!) : undefined)?.default;
    // Port lists are keyed by protocol too, which upstream's schema defaults to TCP.
    if (v === undefined && k === 'protocol') v = 'TCP';
    if (v !== undefined) key[k] = v;
  }
  return `k:${JSON.stringify(key)}`;
}

/**
 * The fields a value sets, as server-side apply counts an applied configuration
 * (structured-merge-diff's ToFieldSet): scalars and atomic values; list items themselves
 * (and what they contain); map keys; empty or null structs. Containers that only hold other
 * members are not members themselves.
 */
export function fieldSetOf(v: unknown, schema: Schema | undefined, ignore?: (path: readonly string[]) => boolean): FieldSet {
  const out = new FieldSet();
  collect(v, shapeOf(schema, v), [], out, ignore);
  return out;
}

function collect(v: unknown, shape: Shape, path: string[], out: FieldSet, ignore?: (path: readonly string[]) => boolean): void {
  if (shape.kind === 'struct' || shape.kind === 'map') {
    if (!isObj(v)) return;
    for (const [k, child] of Object.entries(v)) {
      const p = [...path, `f:${k}`];
      if (ignore?.(p)) continue;
      const cs = childSchema(shape, k);
      const cShape = shapeOf(cs, child);
      const isField = shape.kind === 'struct' && k in shape.fields;
      if (child === null || child === undefined || (isObj(child) && Object.keys(child).length === 0) || !isField || isLeaf(cShape)) {
        out.insert(p);
      }
      if (!isLeaf(cShape)) collect(child, cShape, p, out, ignore);
    }
    return;
  }
  if (shape.kind === 'list-map' || shape.kind === 'list-set') {
    if (!Array.isArray(v)) return;
    for (const item of v) {
      const el = itemElement(shape, item);
      if (!el) continue;
      const p = [...path, el];
      out.insert(p);
      if (shape.kind === 'list-map') collect(item, shapeOf(shape.items, item), p, out, ignore);
    }
  }
}

export const isLeaf = (s: Shape): boolean => s.kind === 'scalar' || s.kind === 'atomic';

/** Every path of a value, containers included (what an added subtree contributes to an update). */
function collectAll(v: unknown, shape: Shape, path: string[], out: FieldSet, ignore?: (path: readonly string[]) => boolean): void {
  if (path.length) out.insert(path);
  if (isLeaf(shape)) return;
  if (shape.kind === 'struct' || shape.kind === 'map') {
    if (!isObj(v)) return;
    for (const [k, child] of Object.entries(v)) {
      const p = [...path, `f:${k}`];
      if (ignore?.(p)) continue;
      collectAll(child, shapeOf(childSchema(shape, k), child), p, out, ignore);
    }
    return;
  }
  if (!Array.isArray(v)) return;
  for (const item of v) {
    const el = itemElement(shape, item);
    if (!el) continue;
    const p = [...path, el];
    if (shape.kind === 'list-map') collectAll(item, shapeOf(shape.items, item), p, out, ignore);
    else out.insert(p);
  }
}

/** Marks a struct field that exists (empty) in Go's zero value of its parent: required fields. */
const ZERO = Symbol('zero');

export interface Comparison {
  /** Paths added or whose value changed (an added container counts with everything in it). */
  changed: FieldSet;
  /** Paths removed, with everything that was below them. */
  removed: FieldSet;
}

/**
 * What changed from `before` to `after`, as server-side apply attributes an update to its
 * manager. `before` undefined means a create: then the object is compared with the zero
 * value of its type, where top-level structs and required struct/list fields exist empty
 * (as Go's zero structs serialize), so they are not counted as added containers.
 */
export function compare(
  before: unknown,
  after: unknown,
  schema: Schema | undefined,
  ignore?: (path: readonly string[]) => boolean,
): Comparison {
  const res: Comparison = { changed: new FieldSet(), removed: new FieldSet() };
  const shape = shapeOf(schema, after ?? before);
  cmp(before === undefined && isObj(after) ? ZERO : before, after, shape, [], res, ignore);
  return res;
}

// Struct fields Go serializes even when empty (value structs rather than pointers): these exist
// in a type's zero value, so filling them in is not "adding" them.
const VALUE_STRUCTS = new Set(['metadata', 'spec', 'status', 'template', 'strategy', 'updateStrategy', 'resources']);

function cmp(a: unknown, b: unknown, shape: Shape, path: string[], res: Comparison, ignore?: (path: readonly string[]) => boolean): void {
  if (a === undefined && b === undefined) return;
  if (a === undefined) {
    collectAll(b, shape, path, res.changed, ignore);
    return;
  }
  if (b === undefined) {
    collectAll(a === ZERO ? undefined : a, shape, path, res.removed, ignore);
    if (path.length) res.removed.insert(path);
    return;
  }
  if (isLeaf(shape)) {
    if (a === ZERO || !deepEqual(a, b)) res.changed.insert(path);
    return;
  }
  if (shape.kind === 'struct' || shape.kind === 'map') {
    const ao = a === ZERO || a === null ? {} : a;
    if (!isObj(ao) || !isObj(b)) {
      if (!deepEqual(a, b)) res.changed.insert(path);
      return;
    }
    if (a === ZERO && Object.keys(b).length === 0) {
      res.changed.insert(path);
      return;
    }
    for (const k of new Set([...Object.keys(ao), ...Object.keys(b)])) {
      const p = [...path, `f:${k}`];
      if (ignore?.(p)) continue;
      const cs = childSchema(shape, k);
      const cShape = shapeOf(cs, b[k] ?? ao[k]);
      let av = ao[k];
      if (a === ZERO && av === undefined && shape.kind === 'struct' && !isLeaf(cShape)) {
        if ((shape.required.has(k) && cShape.kind !== 'map') || (cShape.kind === 'struct' && VALUE_STRUCTS.has(k))) av = ZERO;
      }
      cmp(av, b[k], cShape, p, res, ignore);
    }
    return;
  }
  const al = a === ZERO || a === null ? [] : a;
  if (!Array.isArray(al) || !Array.isArray(b)) {
    if (!deepEqual(a, b)) res.changed.insert(path);
    return;
  }
  const items = (list: unknown[]) => {
    const m = new Map<string, unknown>();
    for (const it of list) {
      const el = itemElement(shape, it);
      if (el && !m.has(el)) m.set(el, it);
    }
    return m;
  };
  const am = items(al);
  const bm = items(b);
  for (const [el, bv] of bm) {
    const p = [...path, el];
    if (!am.has(el)) {
      if (shape.kind === 'list-map') collectAll(bv, shapeOf(shape.items, bv), p, res.changed, ignore);
      else res.changed.insert(p);
    } else if (shape.kind === 'list-map') {
      cmp(am.get(el), bv, shapeOf(shape.items, bv), p, res, ignore);
    }
  }
  for (const [el, av] of am) {
    if (bm.has(el)) continue;
    const p = [...path, el];
    if (shape.kind === 'list-map') collectAll(av, shapeOf(shape.items, av), p, res.removed, ignore);
    res.removed.insert(p);
  }
}

export function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== typeof b || a === null || b === null || typeof a !== 'object') return false;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    return a.every((x, i) => deepEqual(x, b[i]));
  }
  if (Array.isArray(b)) return false;
  const ak = Object.keys(a as object);
  const bk = Object.keys(b as object);
  if (ak.length !== bk.length) return false;
  return ak.every((k) => Object.prototype.hasOwnProperty.call(b, k) && deepEqual((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
}

/**
 * Merges an applied configuration into the live object (not modified), as server-side
 * apply: structs and granular maps key by key, keyed lists item by item (live order kept,
 * new items appended), sets as unions, everything atomic replaced.
 */
export function mergeApplied(live: unknown, config: unknown, schema: Schema | undefined): unknown {
  return merge(live, config, shapeOf(schema, config ?? live));
}

function merge(live: unknown, config: unknown, shape: Shape): unknown {
  if (config === undefined) return clone(live);
  if (config === null || isLeaf(shape)) return clone(config);
  if (shape.kind === 'struct' || shape.kind === 'map') {
    if (!isObj(config)) return clone(config);
    const out: Record<string, unknown> = isObj(live) ? (clone(live) as Record<string, unknown>) : {};
    for (const [k, cv] of Object.entries(config)) {
      const merged = merge(isObj(live) ? live[k] : undefined, cv, shapeOf(childSchema(shape, k), cv));
      out[k] = merged;
    }
    return out;
  }
  if (!Array.isArray(config)) return clone(config);
  const out = Array.isArray(live) ? live.map(clone) : [];
  const index = new Map<string, number>();
  out.forEach((it, i) => {
    const el = itemElement(shape, it);
    if (el && !index.has(el)) index.set(el, i);
  });
  for (const cv of config) {
    const el = itemElement(shape, cv);
    const at = el === undefined ? undefined : index.get(el);
    if (at === undefined) {
      out.push(clone(cv));
      if (el) index.set(el, out.length - 1);
    } else if (shape.kind === 'list-map') {
      out[at] = merge(out[at], cv, shapeOf(shape.items, cv));
    }
  }
  return out;
}

/** Removes the value at `path` from `obj` in place (a no-op where the path does not lead). */
export function removePath(obj: unknown, path: readonly string[], schema: Schema | undefined): void {
  let cur: unknown = obj;
  let shape = shapeOf(schema, obj);
  for (let i = 0; i < path.length; i++) {
    const el = path[i]!;
    const last = i === path.length - 1;
    if (el.startsWith('f:')) {
      if (!isObj(cur)) return;
      const k = el.slice(2);
      if (last) {
        delete cur[k];
        return;
      }
      const next = cur[k];
      shape = shapeOf(childSchema(shape, k), next);
      cur = next;
      continue;
    }
    if (!Array.isArray(cur)) return;
    const list = cur;
    const idx = el.startsWith('i:') ? Number(el.slice(2)) : list.findIndex((it) => itemElement(shape, it) === el);
    if (idx < 0 || idx >= list.length) return;
    if (last) {
      list.splice(idx, 1);
      return;
    }
    const next = list[idx];
    shape = shape.kind === 'list-map' ? shapeOf(shape.items, next) : deduced(next);
    cur = next;
  }
}

function clone<T>(v: T): T {
  return v === undefined ? v : (JSON.parse(JSON.stringify(v)) as T);
}
