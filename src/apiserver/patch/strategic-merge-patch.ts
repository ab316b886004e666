/**
 * Strategic merge patch (`application/strategic-merge-patch+json`) as kube-apiserver 1.32
 * applies it (apimachinery's strategicpatch.StrategicMergeMapPatch), driven by k8ts' schema
 * model instead of Go struct tags.
 *
 * Semantics, as upstream:
 * - Maps merge recursively; a `null` value deletes the key. A value that lands where the
 *   original had nothing (or a value of another type) is taken from the patch with its null
 *   members dropped and its `$patch`-marked maps and list elements removed.
 * - Lists whose field has patch strategy `merge` merge: lists of maps element-wise by the
 *   field's merge key (a patch element merges into the original element with the same key,
 *   elements with new keys are added), lists of scalars as a set union. Other lists (no
 *   strategy, `replace`, unknown schema) are replaced by the patch's list.
 * - Order of a merged list: patch elements keep their relative order, original-only elements
 *   keep theirs, and the two are interleaved by their positions in the original. Elements the
 *   original did not have therefore come before the original-only elements that follow them,
 *   so a new element lands first unless `$setElementOrder` says otherwise.
 * - Directives: `$patch: replace` (a map becomes the patch's map; in a list of maps, the list
 *   becomes the patch's other elements), `$patch: delete` (a map becomes empty; in a list of
 *   maps, the elements with that merge key are removed), `$retainKeys: [...]` (keys of the
 *   original map not listed are cleared; it applies wherever it appears, and every non-null
 *   key of the patch map must be listed), `$deleteFromPrimitiveList/<field>: [...]` (removes
 *   those values from a list of scalars, whatever its strategy), `$setElementOrder/<field>:
 *   [...]` (orders the merged list: listed elements in that order, interleaved with the
 *   original-only ones). `$patch: merge` is rejected, as upstream rejects it.
 * - The patch strategy `merge,retainKeys` behaves as `merge` when applying: `$retainKeys` is
 *   honoured wherever a client sends it. `x-kubernetes-list-type` plays no part, as upstream
 *   strategic merge patch reads only the patch-strategy and merge-key metadata.
 * - Where the schema knows nothing of a field (no schema, unknown field, free-form object),
 *   the subtree is merged with no list strategies: maps merge, lists are replaced, which is
 *   JSON merge patch behaviour (directives there are still honoured).
 *
 * Unlike upstream's in-place map function, the result never contains directive keys: where
 * upstream leaves one inside a value taken wholesale from the patch (which its typed decoding
 * then drops), it is removed here.
 *
 * Errors carry upstream's messages and status codes: malformed directives are 400
 * (`invalid patch format of retainKeys`, `invalid patch format of setElementOrder list`,
 * `invalid patch format of primitive list`), lists of lists 422, and the rest are errors
 * upstream does not translate, answered as 500 with the bare message (`unknown patch type:
 * foo in map: map[$patch:foo]`, `map: map[...] does not contain declared merge key: name`,
 * `expected a []interface {}, but received a string`, ...).
 */
import type { Schema } from '../../api/schema/types.js';
import { errors } from '../../apimachinery/status.js';
import { goJsonKind, goS, goTypeForS, goTypeName, goV } from './go-format.js';
import { cloneJson, deleteKey, getKey, goEqual, hasKey, isJsonObject, setKey, type JsonObject } from './json-values.js';
import { patchBadRequest, patchInvalid, patchUnconverted } from './patch-errors.js';

/** Resolves a `$ref` (as it appears in the schema) to its definition. */
export type SchemaResolver = (ref: string) => Schema | undefined;

const DIRECTIVE_MARKER = '$patch';
const DELETE_DIRECTIVE = 'delete';
const REPLACE_DIRECTIVE = 'replace';
const MERGE_DIRECTIVE = 'merge';
const RETAIN_KEYS_STRATEGY = 'retainKeys';
const RETAIN_KEYS_DIRECTIVE = '$retainKeys';
const DELETE_FROM_PRIMITIVE_LIST_PREFIX = '$deleteFromPrimitiveList';
const SET_ELEMENT_ORDER_PREFIX = '$setElementOrder';

const MAP_TYPE = 'map[string]interface {}';
const SLICE_TYPE = '[]interface {}';

/** Upstream's messages for malformed directives (answered 400). */
export const SMP_ERROR_MESSAGES = {
  badRetainKeys: 'invalid patch format of retainKeys',
  badSetElementOrder: 'invalid patch format of setElementOrder list',
  badPrimitiveList: 'invalid patch format of primitive list',
  listOfLists: 'lists of lists are not supported',
} as const;

/**
 * Applies strategic merge patch `patch` to `original`, an object of the type `schema`
 * describes (a `$ref` or the definition itself), resolving `$ref`s through `resolve`.
 * Pure: neither argument is modified. A null patch changes nothing.
 * Throws StatusError with upstream's code and message for a patch it cannot apply.
 */
export function strategicMergePatch(
  original: unknown,
  patch: unknown,
  schema: Schema | undefined,
  resolve: SchemaResolver,
): JsonObject {
  if (original !== null && original !== undefined && !isJsonObject(original)) {
    throw errors.internal(new Error('invalid JSON document'));
  }
  if (patch !== null && patch !== undefined && !isJsonObject(patch)) {
    throw patchBadRequest(`json: cannot unmarshal ${goJsonKind(patch)} into Go value of type map[string]interface {}`);
  }
  const base = isJsonObject(original) ? cloneJson(original) : {};
  if (!isJsonObject(patch)) return base;
  return mergeMap(base, cloneJson(patch), SchemaCursor.root(schema, resolve));
}

// ---------------------------------------------------------------------------------------
// Patch metadata from the schema.

interface PatchMeta {
  strategies: string[];
  mergeKey: string;
}

const NO_META: PatchMeta = { strategies: [], mergeKey: '' };

/** A position in the schema: the (resolved) schema of the value being merged, if known. */
class SchemaCursor {
  private constructor(
    private readonly schema: Schema | undefined,
    /** The definition's short name (`PodSpec`), for upstream's error messages. */
    private readonly typeName: string,
    private readonly resolve: SchemaResolver,
  ) {}

  static root(schema: Schema | undefined, resolve: SchemaResolver): SchemaCursor {
    return SchemaCursor.at(schema, resolve);
  }

  private static at(schema: Schema | undefined, resolve: SchemaResolver): SchemaCursor {
    let cur = schema;
    let name = '';
    for (let hops = 0; cur !== undefined && hops < 64; hops++) {
      const allOf = cur['allOf'];
      if (Array.isArray(allOf) && allOf.length > 0 && cur.$ref === undefined) {
        cur = allOf[0] as Schema;
        continue;
      }
      if (typeof cur.$ref === 'string') {
        const ref = cur.$ref;
        name = shortName(ref);
        const next = resolve(ref);
        if (next === undefined) throw patchUnconverted(`unable to resolve ${ref}`);
        cur = next;
        continue;
      }
      break;
    }
    return new SchemaCursor(cur, name, resolve);
  }

  private static unknown(resolve: SchemaResolver): SchemaCursor {
    return new SchemaCursor(undefined, '', resolve);
  }

  /** Go's reflect kind name of the type here, as upstream's messages print it. */
  get kindName(): string {
    return this.isMap() ? 'map' : 'struct';
  }

  private isMap(): boolean {
    const s = this.schema;
    return s !== undefined && s.properties === undefined && isJsonObject(s.additionalProperties);
  }

  /** The field's own schema (unresolved, where the patch metadata lives), if known. */
  private field(key: string): Schema | undefined {
    const s = this.schema;
    if (s === undefined) return undefined;
    if (s.properties !== undefined && hasKey(s.properties, key)) return s.properties[key];
    if (isJsonObject(s.additionalProperties)) return s.additionalProperties as Schema;
    return undefined;
  }

  /** Metadata and schema for a map-valued field (LookupPatchMetadataForStruct). */
  forStruct(key: string): { sub: SchemaCursor; meta: PatchMeta } {
    const f = this.field(key);
    if (f === undefined) return { sub: SchemaCursor.unknown(this.resolve), meta: NO_META };
    return { sub: SchemaCursor.at(f, this.resolve), meta: metaOf(f) };
  }

  /** Metadata for a list-valued field, and the schema of its elements (LookupPatchMetadataForSlice). */
  forSlice(key: string): { sub: SchemaCursor; meta: PatchMeta } {
    const f = this.field(key);
    if (f === undefined) return { sub: SchemaCursor.unknown(this.resolve), meta: NO_META };
    const list = SchemaCursor.at(f, this.resolve).schema;
    return { sub: SchemaCursor.at(list?.items, this.resolve), meta: metaOf(f) };
  }

  /**
   * forSlice for the field a `$setElementOrder` directive names. Upstream looks the field up
   * in the Go type before anything else there, so a field the type does not have, or one that
   * cannot be a list, fails with the lookup's error.
   */
  forOrderedSlice(key: string): { sub: SchemaCursor; meta: PatchMeta } {
    const s = this.schema;
    if (s !== undefined && s['x-kubernetes-preserve-unknown-fields'] !== true) {
      if (this.isMap()) {
        throw patchUnconverted('merging an object in json but data type is not struct, instead is: map');
      }
      if (s.properties !== undefined && !hasKey(s.properties, key)) {
        throw patchUnconverted(`unable to find api field in struct ${this.typeName} for the json field ${JSON.stringify(key)}`);
      }
      const f = this.field(key);
      const t = f === undefined ? undefined : SchemaCursor.at(f, this.resolve).schema?.type;
      if (t === 'string' || t === 'integer' || t === 'number' || t === 'boolean') {
        throw patchUnconverted(`expected slice or array type, but got: ${this.kindName}`);
      }
    }
    return this.forSlice(key);
  }
}

function metaOf(field: Schema): PatchMeta {
  const strategy = field['x-kubernetes-patch-strategy'];
  const mergeKey = field['x-kubernetes-patch-merge-key'];
  return {
    strategies: typeof strategy === 'string' ? strategy.split(',') : [],
    mergeKey: typeof mergeKey === 'string' ? mergeKey : '',
  };
}

/** `io.k8s.api.core.v1.PodSpec` or `#/definitions/io.k8s.api.core.v1.PodSpec` -> `PodSpec`. */
function shortName(ref: string): string {
  const last = ref.split('/').pop() ?? ref;
  return last.split('.').pop() ?? last;
}

/** Splits a field's strategies into "has retainKeys" and the other one. */
function extractRetainKeysPatchStrategy(strategies: readonly string[]): { retainKeys: boolean; strategy: string } {
  switch (strategies.length) {
    case 0:
      return { retainKeys: false, strategy: '' };
    case 1:
      return strategies[0] === RETAIN_KEYS_STRATEGY
        ? { retainKeys: true, strategy: '' }
        : { retainKeys: false, strategy: strategies[0]! };
    case 2:
      if (strategies[0] === RETAIN_KEYS_STRATEGY) return { retainKeys: true, strategy: strategies[1]! };
      if (strategies[1] === RETAIN_KEYS_STRATEGY) return { retainKeys: true, strategy: strategies[0]! };
      break;
  }
  throw patchUnconverted(`unexpected patch strategy: ${goV(strategies)}`);
}

// ---------------------------------------------------------------------------------------
// Errors with upstream's wording.

const errBadArgType = (expected: string, actual: unknown) =>
  patchUnconverted(`expected a ${expected}, but received a ${goTypeForS(actual)}`);

const errNoMergeKey = (m: unknown, key: string) =>
  patchUnconverted(`map: ${goV(m)} does not contain declared merge key: ${key}`);

const errBadPatchType = (t: unknown, m: unknown) => patchUnconverted(`unknown patch type: ${goS(t)} in map: ${goV(m)}`);

// ---------------------------------------------------------------------------------------
// Directive helpers.

function isDirectiveKey(k: string): boolean {
  return (
    k === DIRECTIVE_MARKER ||
    k === RETAIN_KEYS_DIRECTIVE ||
    k.startsWith(SET_ELEMENT_ORDER_PREFIX) ||
    k.startsWith(DELETE_FROM_PRIMITIVE_LIST_PREFIX)
  );
}

/**
 * A value taken wholesale from the patch: directive keys left in it are dropped (upstream
 * leaves them for its typed decoding to drop). Modifies `v`, which belongs to the patch copy.
 */
function fromPatch<T>(v: T): T {
  if (Array.isArray(v)) {
    for (const e of v) fromPatch(e);
  } else if (isJsonObject(v)) {
    for (const k of Object.keys(v)) {
      if (isDirectiveKey(k)) delete v[k];
      else fromPatch(v[k]);
    }
  }
  return v;
}

/** Drops maps that carry `$patch` (and list elements that are such maps); `keep` is false for `v` itself being one. */
function removeDirectives(v: unknown): { value: unknown; keep: boolean } {
  if (isJsonObject(v)) {
    if (hasKey(v, DIRECTIVE_MARKER)) return { value: null, keep: false };
    for (const k of Object.keys(v)) {
      const r = removeDirectives(v[k]);
      if (r.keep) setKey(v, k, r.value);
      else delete v[k];
    }
    return { value: v, keep: true };
  }
  if (Array.isArray(v)) {
    const out: unknown[] = [];
    for (const e of v) {
      const r = removeDirectives(e);
      if (r.keep) out.push(r.value);
    }
    return { value: out, keep: true };
  }
  return { value: v, keep: true };
}

/** Drops null members of maps, recursively (also inside lists). */
function discardNullValues(v: unknown): void {
  if (isJsonObject(v)) {
    for (const k of Object.keys(v)) {
      if (v[k] === null) delete v[k];
      else discardNullValues(v[k]);
    }
  } else if (Array.isArray(v)) {
    for (const e of v) discardNullValues(e);
  }
}

function containsDirectiveMarker(v: unknown): boolean {
  return isJsonObject(v) && hasKey(v, DIRECTIVE_MARKER);
}

/** `$setElementOrder/containers` -> `containers`; a malformed key is a 400. */
function extractKey(s: string, prefix: string): string {
  const slash = s.indexOf('/');
  if (slash < 0 || s.slice(0, slash) !== prefix) {
    throw patchBadRequest(
      prefix === DELETE_FROM_PRIMITIVE_LIST_PREFIX ? SMP_ERROR_MESSAGES.badPrimitiveList : SMP_ERROR_MESSAGES.badSetElementOrder,
    );
  }
  return s.slice(slash + 1);
}

// ---------------------------------------------------------------------------------------
// Maps.

/** Merges `patch` into `original` (both owned by this call) and returns the merged map. */
function mergeMap(original: JsonObject, patch: JsonObject, cursor: SchemaCursor): JsonObject {
  if (hasKey(patch, DIRECTIVE_MARKER)) return handleDirectiveInMergeMap(patch[DIRECTIVE_MARKER], patch);

  applyRetainKeysDirective(original, patch);
  mergePatchIntoOriginal(original, patch, cursor);

  for (const patchKey of Object.keys(patch)) {
    const patchV = patch[patchKey];
    let k = patchKey;
    let isDeleteList = false;
    if (patchKey.startsWith(DELETE_FROM_PRIMITIVE_LIST_PREFIX)) {
      const listKey = extractKey(patchKey, DELETE_FROM_PRIMITIVE_LIST_PREFIX);
      isDeleteList = true;
      if (listKey.length > 0) k = listKey;
    }

    if (patchV === null) {
      deleteKey(original, k);
      continue;
    }

    const originalV = getKey(original, k);
    if (!hasKey(original, k) || goTypeName(originalV) !== goTypeName(patchV)) {
      // Not in the original (or of another type): take the patch's value, unless it only
      // lists deletions.
      if (!isDeleteList) {
        discardNullValues(patchV);
        const r = removeDirectives(patchV);
        if (r.keep) setKey(original, k, fromPatch(r.value));
        else deleteKey(original, k);
      }
      continue;
    }

    if (isJsonObject(originalV)) {
      const { sub, meta } = cursor.forStruct(k);
      const { strategy } = extractRetainKeysPatchStrategy(meta.strategies);
      const p = patchV as JsonObject;
      setKey(original, k, strategy === REPLACE_DIRECTIVE ? fromPatch(p) : mergeMap(originalV, p, sub));
    } else if (Array.isArray(originalV)) {
      const { sub, meta } = cursor.forSlice(k);
      const { strategy } = extractRetainKeysPatchStrategy(meta.strategies);
      setKey(original, k, mergeSliceHandler(originalV, patchV as unknown[], sub, strategy, meta.mergeKey, isDeleteList));
    } else {
      setKey(original, k, patchV);
    }
  }
  return original;
}

function handleDirectiveInMergeMap(directive: unknown, patch: JsonObject): JsonObject {
  if (directive === REPLACE_DIRECTIVE) {
    delete patch[DIRECTIVE_MARKER];
    return fromPatch(patch);
  }
  if (directive === DELETE_DIRECTIVE) return {};
  throw errBadPatchType(directive, patch);
}

/**
 * `$retainKeys`: every non-null key of the patch map must be listed, and keys of the
 * original map that are not listed are cleared.
 */
function applyRetainKeysDirective(original: JsonObject, patch: JsonObject): void {
  if (!hasKey(patch, RETAIN_KEYS_DIRECTIVE)) return;
  const list = patch[RETAIN_KEYS_DIRECTIVE];
  delete patch[RETAIN_KEYS_DIRECTIVE];
  if (!Array.isArray(list)) throw patchBadRequest(SMP_ERROR_MESSAGES.badRetainKeys);
  const retained = (k: string) => list.some((e) => e === k);
  for (const k of Object.keys(patch)) {
    if (patch[k] === null || k.startsWith(DELETE_FROM_PRIMITIVE_LIST_PREFIX) || k.startsWith(SET_ELEMENT_ORDER_PREFIX)) {
      continue;
    }
    if (!retained(k)) throw patchBadRequest(SMP_ERROR_MESSAGES.badRetainKeys);
  }
  for (const k of Object.keys(original)) {
    if (!retained(k)) delete original[k];
  }
}

/**
 * Processes every `$setElementOrder/<field>` of the patch map together with the field's
 * patch list: merges the list and orders the result by the directive. The directive and the
 * list are removed from the patch, so the main merge does not see them again.
 */
function mergePatchIntoOriginal(original: JsonObject, patch: JsonObject, cursor: SchemaCursor): void {
  for (const key of Object.keys(patch)) {
    if (!key.startsWith(SET_ELEMENT_ORDER_PREFIX) || !hasKey(patch, key)) continue;
    const order = patch[key];
    delete patch[key];
    if (!Array.isArray(order)) throw errBadArgType(SLICE_TYPE, order);
    const originalKey = extractKey(key, SET_ELEMENT_ORDER_PREFIX);

    const foundOriginal = hasKey(original, originalKey);
    const foundPatch = hasKey(patch, originalKey);
    let originalList: unknown[] = [];
    let patchList: unknown[] = [];
    if (foundOriginal) {
      const v = original[originalKey];
      if (!Array.isArray(v)) throw errBadArgType(SLICE_TYPE, v);
      originalList = v;
    }
    if (foundPatch) {
      const v = patch[originalKey];
      if (!Array.isArray(v)) throw errBadArgType(SLICE_TYPE, v);
      patchList = v;
    }
    const { sub, meta } = cursor.forOrderedSlice(originalKey);
    const { strategy } = extractRetainKeysPatchStrategy(meta.strategies);
    const mergeKey = meta.mergeKey;
    validatePatchWithSetOrderList(patchList, order, mergeKey);

    let merged: unknown[];
    if (foundOriginal && !foundPatch) {
      merged = originalList;
    } else if (!foundOriginal && foundPatch) {
      merged = fromPatch(removeDirectives(patchList).value as unknown[]);
    } else if (foundOriginal && foundPatch) {
      // The original list is copied: upstream keeps reading it (for element types and
      // positions) after merging.
      merged = mergeSliceHandler(originalList.slice(), patchList, sub, strategy, mergeKey, false);
    } else {
      continue;
    }

    const { inList: patchItems, notInList: serverOnly } =
      mergeKey === '' ? partitionScalars(merged, order) : partitionMaps(merged, order, mergeKey);
    const kind = sliceElementKind([originalList, patchList]);
    setKey(original, originalKey, normalizeElementOrder(patchItems, serverOnly, order, originalList, mergeKey, kind));
    delete patch[originalKey];
  }
}

/**
 * Checks that the patch list's elements (deletions and directive elements aside) appear in
 * the `$setElementOrder` list, in the same relative order.
 */
function validatePatchWithSetOrderList(patchList: unknown[], order: unknown[], mergeKey: string): void {
  if (order.length === 0 || patchList.length === 0) return;
  const nonDelete = mergeKey !== '' ? extractToDeleteItems(patchList).keep : patchList;
  let p = 0;
  let o = 0;
  while (p < nonDelete.length && o < order.length) {
    if (containsDirectiveMarker(nonDelete[p])) {
      p++;
      continue;
    }
    if (mergeKeyValueEqual(nonDelete[p], order[o], mergeKey)) p++;
    o++;
  }
  if (p < nonDelete.length && o >= order.length) {
    throw patchUnconverted(
      `The order in patch list:\n${goV(patchList)}\n doesn't match ${SET_ELEMENT_ORDER_PREFIX} list:\n${goV(order)}\n`,
    );
  }
}

function mergeKeyValueEqual(left: unknown, right: unknown, mergeKey: string): boolean {
  if (mergeKey === '') return goEqual(left, right);
  if (!isJsonObject(left)) throw errBadArgType(MAP_TYPE, left);
  if (!isJsonObject(right)) throw errBadArgType(MAP_TYPE, right);
  if (!hasKey(left, mergeKey)) throw errNoMergeKey(left, mergeKey);
  if (!hasKey(right, mergeKey)) throw errNoMergeKey(right, mergeKey);
  return goEqual(left[mergeKey], right[mergeKey]);
}

// ---------------------------------------------------------------------------------------
// Lists.

type ElementKind = 'map' | 'scalar';

function mergeSliceHandler(
  original: unknown[],
  patch: unknown[],
  cursor: SchemaCursor,
  strategy: string,
  mergeKey: string,
  isDeleteList: boolean,
): unknown[] {
  // Deletion lists apply whatever the field's strategy is.
  if (strategy === MERGE_DIRECTIVE || isDeleteList) return mergeSlice(original, patch, cursor, mergeKey, isDeleteList);
  return fromPatch(patch);
}

function mergeSlice(
  original: unknown[],
  patch: unknown[],
  cursor: SchemaCursor,
  mergeKey: string,
  isDeleteList: boolean,
): unknown[] {
  if (original.length === 0 && patch.length === 0) return original;
  const kind = sliceElementKind([original, patch]);

  let serverOrder = original;
  let patchItemsOrder = patch;
  let merged: unknown[];
  if (kind !== 'map') {
    if (isDeleteList) return deleteFromSlice(original, patch);
    merged = deduplicateScalars([...original, ...patch]);
  } else {
    if (mergeKey === '') throw patchUnconverted(`cannot merge lists without merge key for ${cursor.kindName}`);
    const special = mergeSliceWithSpecialElements(original, patch, mergeKey);
    serverOrder = special.original;
    patchItemsOrder = special.patch;
    merged = mergeSliceWithoutSpecialElements(serverOrder, patchItemsOrder, mergeKey, cursor);
  }

  const { inList, notInList } =
    mergeKey === '' ? partitionScalars(merged, patchItemsOrder) : partitionMaps(merged, patchItemsOrder, mergeKey);
  return normalizeElementOrder(inList, notInList, patchItemsOrder, serverOrder, mergeKey, kind);
}

/**
 * The common element type of the lists: all must be maps, or all scalars of one Go type.
 * Lists of lists are a 422 upstream.
 */
function sliceElementKind(lists: unknown[][]): ElementKind {
  let prev: string | null | undefined;
  let seen = false;
  for (const list of lists) {
    for (const v of list) {
      const t = goTypeName(v);
      if (!seen) {
        // Upstream dereferences the nil type of a leading null element and panics.
        if (t === null) throw patchUnconverted('runtime error: invalid memory address or nil pointer dereference');
        if (t === SLICE_TYPE) throw patchInvalid(SMP_ERROR_MESSAGES.listOfLists);
        prev = t;
        seen = true;
      } else if (prev !== t) {
        throw patchUnconverted(`list element types are not identical: ${goV(lists)}`);
      }
    }
  }
  if (!seen) throw patchUnconverted('no elements in any of the given slices');
  return prev === MAP_TYPE ? 'map' : 'scalar';
}

/**
 * Applies the `$patch` elements of a list-of-maps patch: deletions remove matching original
 * elements, `replace` makes the other patch elements the whole list. Returns the original to
 * merge into and the patch elements left to merge.
 */
function mergeSliceWithSpecialElements(
  original: unknown[],
  patch: unknown[],
  mergeKey: string,
): { original: unknown[]; patch: unknown[] } {
  const plain: unknown[] = [];
  let replace = false;
  let remaining = original;
  for (const v of patch) {
    const m = v as JsonObject;
    if (!hasKey(m, DIRECTIVE_MARKER)) {
      plain.push(v);
      continue;
    }
    const directive = m[DIRECTIVE_MARKER];
    if (directive === DELETE_DIRECTIVE) {
      if (!hasKey(m, mergeKey)) throw errNoMergeKey(m, mergeKey);
      const mergeValue = m[mergeKey];
      remaining = remaining.filter((e) => !(isJsonObject(e) && hasKey(e, mergeKey) && goEqual(e[mergeKey], mergeValue)));
    } else if (directive === REPLACE_DIRECTIVE) {
      // Later elements are still scanned, so every other directive element is dropped too.
      replace = true;
    } else if (directive === MERGE_DIRECTIVE) {
      throw patchUnconverted('merging lists cannot yet be specified in the patch');
    } else {
      throw errBadPatchType(directive, m);
    }
  }
  if (replace) return { original: fromPatch(plain), patch: [] };
  return { original: remaining, patch: plain };
}

/** Merges each patch element into the original element with its merge key, or adds it. */
function mergeSliceWithoutSpecialElements(
  original: unknown[],
  patch: unknown[],
  mergeKey: string,
  cursor: SchemaCursor,
): unknown[] {
  const out = original.slice();
  for (const v of patch) {
    const m = v as JsonObject;
    if (!hasKey(m, mergeKey)) throw errNoMergeKey(m, mergeKey);
    const i = findMapByKeyValue(out, mergeKey, m[mergeKey]);
    if (i >= 0) out[i] = mergeMap(out[i] as JsonObject, m, cursor);
    else out.push(fromPatch(m));
  }
  return out;
}

/** Index of the first map in `list` whose `key` equals `value`; -1 if none. */
function findMapByKeyValue(list: unknown[], key: string, value: unknown): number {
  for (let i = 0; i < list.length; i++) {
    const e = list[i];
    if (!isJsonObject(e)) throw patchUnconverted(`value for key ${i} is not a map`);
    if (hasKey(e, key) && goEqual(e[key], value)) return i;
  }
  return -1;
}

function deleteFromSlice(current: unknown[], toDelete: unknown[]): unknown[] {
  return current.filter((v) => !toDelete.some((d) => goEqual(d, v)));
}

/** Upstream's in-place de-duplication (it reorders; the final order is normalized afterwards). */
function deduplicateScalars(input: unknown[]): unknown[] {
  let s = input.slice();
  let length = s.length - 1;
  for (let i = 0; i < length; i++) {
    for (let j = i + 1; j <= length; j++) {
      if (goEqual(s[i], s[j])) {
        s[j] = s[length];
        s = s.slice(0, length);
        length--;
        j--;
      }
    }
  }
  return s;
}

function partitionScalars(list: unknown[], by: unknown[]): { inList: unknown[]; notInList: unknown[] } {
  const inList: unknown[] = [];
  const notInList: unknown[] = [];
  for (const v of list) (by.some((b) => goEqual(b, v)) ? inList : notInList).push(v);
  return { inList, notInList };
}

function partitionMaps(list: unknown[], by: unknown[], mergeKey: string): { inList: unknown[]; notInList: unknown[] } {
  const inList: unknown[] = [];
  const notInList: unknown[] = [];
  for (const v of list) {
    if (!isJsonObject(v)) throw errBadArgType(MAP_TYPE, v);
    if (!hasKey(v, mergeKey)) throw errNoMergeKey(v, mergeKey);
    (findMapByKeyValue(by, mergeKey, v[mergeKey]) >= 0 ? inList : notInList).push(v);
  }
  return { inList, notInList };
}

/** Splits a list of maps into elements to keep and `$patch: delete` elements. */
function extractToDeleteItems(list: unknown[]): { keep: unknown[]; remove: unknown[] } {
  const keep: unknown[] = [];
  const remove: unknown[] = [];
  for (const v of list) {
    if (!isJsonObject(v)) throw errBadArgType(MAP_TYPE, v);
    (getKey(v, DIRECTIVE_MARKER) === DELETE_DIRECTIVE ? remove : keep).push(v);
  }
  return { keep, remove };
}

/** Position of `v` in `list`: by merge key for maps, by value for scalars; -1 if absent. */
function indexIn(list: unknown[], v: unknown, mergeKey: string, kind: ElementKind): number {
  const valueOf = (e: unknown): unknown => (kind === 'map' ? (isJsonObject(e) ? getKey(e, mergeKey) : undefined) : e);
  const target = valueOf(v);
  return list.findIndex((e) => goEqual(valueOf(e), target));
}

/**
 * Orders `patchItems` by `patchOrder` and `serverOnly` by `serverOrder`, then interleaves the
 * two, keeping each one's relative order.
 */
function normalizeElementOrder(
  patchItems: unknown[],
  serverOnly: unknown[],
  patchOrder: unknown[],
  serverOrder: unknown[],
  mergeKey: string,
  kind: ElementKind,
): unknown[] {
  const p = normalizeSliceOrder(patchItems, patchOrder, mergeKey, kind);
  const s = normalizeSliceOrder(serverOnly, serverOrder, mergeKey, kind);
  return mergeSortedSlices(s, p, serverOrder, mergeKey, kind);
}

function normalizeSliceOrder(toSort: unknown[], order: unknown[], mergeKey: string, kind: ElementKind): unknown[] {
  let items = toSort;
  let deletions: unknown[] = [];
  if (kind === 'map') {
    for (const list of [toSort, order]) {
      for (const item of list) {
        if (!isJsonObject(item)) throw errBadArgType(MAP_TYPE, item);
        if (!hasKey(item, mergeKey)) throw errNoMergeKey(item, mergeKey);
      }
    }
    const split = extractToDeleteItems(toSort);
    items = split.keep;
    deletions = split.remove;
  }
  const positioned = items.map((item, i) => ({ item, i, at: indexIn(order, item, mergeKey, kind) }));
  positioned.sort((a, b) => (a.at >= 0 && b.at >= 0 ? a.at - b.at : 0) || a.i - b.i);
  return [...positioned.map((e) => e.item), ...deletions];
}

/**
 * Interleaves `left` (server-only elements) into `right` (patch elements): at each step the
 * left element goes first only when both are found in `serverOrder` and it comes earlier there.
 */
function mergeSortedSlices(
  left: unknown[],
  right: unknown[],
  serverOrder: unknown[],
  mergeKey: string,
  kind: ElementKind,
): unknown[] {
  const out: unknown[] = [];
  let i = 0;
  let j = 0;
  while (i < left.length || j < right.length) {
    if (i >= left.length) {
      out.push(right[j++]);
    } else if (j >= right.length) {
      out.push(left[i++]);
    } else {
      const li = indexIn(serverOrder, left[i], mergeKey, kind);
      const ri = indexIn(serverOrder, right[j], mergeKey, kind);
      if (li >= 0 && ri >= 0 && li < ri) out.push(left[i++]);
      else out.push(right[j++]);
    }
  }
  return out;
}
