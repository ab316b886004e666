/**
 * The schemas of Kubernetes 1.32's built-in types, keyed by upstream OpenAPI definition name
 * (`io.k8s.api.core.v1.PodSpec`), and lookups over them: by kind, along a field path, and the
 * list/map/patch semantics that strategic merge patch and server-side apply need.
 *
 * The definitions are generated at build time by scripts/gen-schema.mjs into
 * `generated/definitions.json` beside this module, read on first use and shared, deeply
 * frozen, by every caller: never mutate them (copy first).
 */
import { readFileSync } from 'node:fs';
import type { Schema, SchemaDefinitions } from './types.js';

export type { Schema, SchemaDefinitions } from './types.js';

export const QUANTITY = 'io.k8s.apimachinery.pkg.api.resource.Quantity';
export const INT_OR_STRING = 'io.k8s.apimachinery.pkg.util.intstr.IntOrString';
export const TIME = 'io.k8s.apimachinery.pkg.apis.meta.v1.Time';
export const MICRO_TIME = 'io.k8s.apimachinery.pkg.apis.meta.v1.MicroTime';

const DEFINITIONS_URL = new URL('./generated/definitions.json', import.meta.url);

let loaded: SchemaDefinitions | undefined;
let byKind: Map<string, string> | undefined;

function deepFreeze<T>(v: T): T {
  if (v && typeof v === 'object' && !Object.isFrozen(v)) {
    Object.freeze(v);
    for (const child of Object.values(v)) deepFreeze(child);
  }
  return v;
}

/** All built-in definitions. Loaded once; later calls return the same frozen object. */
export function definitions(): SchemaDefinitions {
  if (!loaded) {
    let text: string;
    try {
      text = readFileSync(DEFINITIONS_URL, 'utf8');
    } catch (e: unknown) {
      throw new Error(
        `k8ts: built-in schema definitions missing at ${DEFINITIONS_URL.pathname}; ` +
          `run \`node scripts/gen-schema.mjs\` (part of \`npm run build\`)`,
        { cause: e },
      );
    }
    loaded = deepFreeze(JSON.parse(text) as SchemaDefinitions);
  }
  return loaded;
}

/** The definition with this name, if any. */
export function definition(name: string, defs: SchemaDefinitions = definitions()): Schema | undefined {
  return Object.hasOwn(defs, name) ? defs[name] : undefined;
}

const gvkKey = (group: string, version: string, kind: string) => `${group}/${version}/${kind}`;

/**
 * The definition served as this group/version/kind (per `x-kubernetes-group-version-kind`).
 * Kinds every group-version carries (DeleteOptions, WatchEvent) resolve to the meta type.
 */
export function definitionForKind(
  group: string,
  version: string,
  kind: string,
  defs: SchemaDefinitions = definitions(),
): { name: string; schema: Schema } | undefined {
  let index: Map<string, string>;
  if (defs === loaded) {
    byKind ??= indexKinds(defs);
    index = byKind;
  } else {
    index = indexKinds(defs);
  }
  const name = index.get(gvkKey(group, version, kind));
  return name === undefined ? undefined : { name, schema: defs[name] };
}

function indexKinds(defs: SchemaDefinitions): Map<string, string> {
  const index = new Map<string, string>();
  for (const [name, schema] of Object.entries(defs)) {
    for (const gvk of schema['x-kubernetes-group-version-kind'] ?? []) {
      index.set(gvkKey(gvk.group, gvk.version, gvk.kind), name);
    }
  }
  return index;
}

/** The definition name a `$ref` (bare, `#/definitions/X` or `#/components/schemas/X`) names. */
export function refName(ref: string): string {
  const i = ref.lastIndexOf('/');
  return i < 0 ? ref : ref.slice(i + 1);
}

/**
 * Follows `$ref` (and a single-element `allOf` wrapping one, the OpenAPI v3 idiom) to the
 * schema it names. Keywords beside the reference are not merged in. Throws on a dangling
 * or cyclic reference chain.
 */
export function resolve(schema: Schema, defs: SchemaDefinitions = definitions()): Schema {
  let s = schema;
  for (let hops = 0; ; hops++) {
    const ref = s.$ref ?? singleAllOfRef(s);
    if (ref === undefined) return s;
    if (hops > 32) throw new Error(`schema: $ref chain too long at ${ref}`);
    const target = definition(refName(ref), defs);
    if (!target) throw new Error(`schema: dangling $ref ${ref}`);
    s = target;
  }
}

function singleAllOfRef(s: Schema): string | undefined {
  const allOf = s.allOf;
  if (!Array.isArray(allOf) || allOf.length !== 1) return undefined;
  const only = allOf[0] as Schema | undefined;
  return typeof only?.$ref === 'string' ? only.$ref : undefined;
}

/**
 * The schema at a field path below `root`, as `kubectl explain` walks it: each segment names
 * a property, or a key of a map (`additionalProperties`). Lists are transparent — a segment
 * applied to a list applies to its items — and a numeric or `*` segment selects the items
 * explicitly. Returns the schema as found (possibly a `$ref`; `resolve` it to read its
 * properties), or undefined where the path leaves the schema.
 */
export function schemaAt(root: Schema, path: readonly string[], defs: SchemaDefinitions = definitions()): Schema | undefined {
  let current: Schema = root;
  for (const segment of path) {
    let s = resolve(current, defs);
    if (s.items) {
      if (segment === '*' || /^\d+$/.test(segment)) {
        current = s.items;
        continue;
      }
      s = resolve(s.items, defs);
    }
    if (s.properties && Object.hasOwn(s.properties, segment)) {
      current = s.properties[segment];
    } else if (s.additionalProperties && typeof s.additionalProperties === 'object') {
      current = s.additionalProperties;
    } else {
      return undefined;
    }
  }
  return current;
}

/** How a list field merges, for strategic merge patch and server-side apply. */
export interface ListSemantics {
  /**
   * Server-side apply's view; upstream's default for an unmarked list is atomic, so this is
   * `atomic` unless the schema says otherwise.
   */
  listType: 'atomic' | 'set' | 'map';
  /** For `listType: 'map'`: the item fields that identify an item. */
  mapKeys: readonly string[];
  /** Strategic merge patch strategies (`merge`, `retainKeys`, `replace`); empty = replace. */
  patchStrategy: readonly string[];
  /** For strategic merge patch's `merge` strategy on lists of objects: the identifying field. */
  patchMergeKey?: string;
}

/** The list semantics declared on a field's schema (the property, not its items). */
export function listSemantics(field: Schema): ListSemantics {
  const strategy = field['x-kubernetes-patch-strategy'];
  return {
    listType: field['x-kubernetes-list-type'] ?? 'atomic',
    mapKeys: field['x-kubernetes-list-map-keys'] ?? [],
    patchStrategy: strategy ? strategy.split(',') : [],
    ...(field['x-kubernetes-patch-merge-key'] ? { patchMergeKey: field['x-kubernetes-patch-merge-key'] } : {}),
  };
}

/**
 * Whether a struct or map is replaced whole by server-side apply (`x-kubernetes-map-type:
 * atomic`), declared on the field or on the definition it references.
 */
export function isAtomicMap(field: Schema, defs: SchemaDefinitions = definitions()): boolean {
  if (field['x-kubernetes-map-type']) return field['x-kubernetes-map-type'] === 'atomic';
  return resolve(field, defs)['x-kubernetes-map-type'] === 'atomic';
}

/** Whether a value may be an integer or a string: IntOrString, or a CRD schema so marked. */
export function isIntOrString(schema: Schema, defs: SchemaDefinitions = definitions()): boolean {
  if (refOf(schema) === INT_OR_STRING) return true;
  const s = resolve(schema, defs);
  return s['x-kubernetes-int-or-string'] === true || s.format === 'int-or-string';
}

/** Whether a value is a resource Quantity (`"500m"`, `"1Gi"`, or a number). */
export function isQuantity(schema: Schema, defs: SchemaDefinitions = definitions()): boolean {
  return refOf(schema) === QUANTITY || schema === definition(QUANTITY, defs);
}

function refOf(s: Schema): string | undefined {
  const ref = s.$ref ?? singleAllOfRef(s);
  return ref === undefined ? undefined : refName(ref);
}

/**
 * The names of the definitions `roots` reference, directly or transitively, including the
 * roots themselves, in sorted order.
 */
export function referencedDefinitions(roots: Iterable<string>, defs: SchemaDefinitions = definitions()): string[] {
  const seen = new Set<string>();
  const stack = [...roots];
  while (stack.length) {
    const name = stack.pop()!;
    if (seen.has(name)) continue;
    const schema = definition(name, defs);
    if (!schema) throw new Error(`schema: unknown definition ${name}`);
    seen.add(name);
    collectRefs(schema, stack);
  }
  return [...seen].sort();
}

function collectRefs(v: unknown, out: string[]): void {
  if (!v || typeof v !== 'object') return;
  if (Array.isArray(v)) {
    for (const x of v) collectRefs(x, out);
    return;
  }
  for (const [k, x] of Object.entries(v)) {
    if (k === '$ref' && typeof x === 'string') out.push(refName(x));
    else if (k !== 'x-kubernetes-group-version-kind' && k !== 'enum' && k !== 'default') collectRefs(x, out);
  }
}
