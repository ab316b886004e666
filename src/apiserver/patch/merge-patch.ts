/**
 * JSON merge patch (RFC 7386, `application/merge-patch+json`) with the behaviour of the
 * library kube-apiserver 1.32 applies it with (evanphx/json-patch v4 `MergePatch`):
 *
 * - a patch object merges into the document key by key: `null` deletes the key, an object
 *   merges recursively into an object, anything else (arrays included) replaces the value;
 * - a value that lands where the document had nothing (or null, or a non-object) has its
 *   null members pruned recursively, also inside arrays (null array elements themselves stay);
 *   a non-object patch value replacing an existing object is taken as it is;
 * - a patch that is an array becomes the whole result (nulls pruned as above); the caller's
 *   decoding then rejects it, as upstream's does;
 * - a patch that is null, a string, a number or a boolean is rejected with 400
 *   `Invalid JSON Patch`.
 */
import { cloneJson, deleteKey, getKey, hasKey, isJsonObject, setKey, type JsonObject } from './json-values.js';
import { patchBadRequest, patchUnconverted } from './patch-errors.js';

/** Upstream's message for a merge patch body that is not a JSON object or array. */
export const INVALID_MERGE_PATCH_MESSAGE = 'Invalid JSON Patch';

/**
 * Applies `patch` to `doc` and returns the result. Pure: neither argument is modified.
 * Throws StatusError 400 for an unusable patch.
 */
export function applyMergePatch(doc: unknown, patch: unknown): unknown {
  if (patch === undefined || patch === null || (!isJsonObject(patch) && !Array.isArray(patch))) {
    throw patchBadRequest(INVALID_MERGE_PATCH_MESSAGE);
  }
  if (doc === null || doc === undefined) {
    // as upstream: a null document is "Invalid JSON Document", returned as a plain error (500)
    throw patchUnconverted('Invalid JSON Document');
  }
  const p = cloneJson(patch);
  if (Array.isArray(p)) return pruneArrayNulls(p);
  if (!isJsonObject(doc)) return pruneObjectNulls(p);
  const d = cloneJson(doc);
  mergeObjects(d, p);
  return d;
}

function mergeObjects(doc: JsonObject, patch: JsonObject): void {
  for (const k of Object.keys(patch)) {
    const v = patch[k];
    if (v === null) {
      deleteKey(doc, k);
      continue;
    }
    const cur = getKey(doc, k);
    if (!hasKey(doc, k) || cur === null) {
      setKey(doc, k, pruneNulls(v));
    } else {
      setKey(doc, k, mergeValue(cur, v));
    }
  }
}

function mergeValue(cur: unknown, patch: unknown): unknown {
  if (!isJsonObject(cur)) return pruneNulls(patch);
  if (!isJsonObject(patch)) return patch;
  mergeObjects(cur, patch);
  return cur;
}

function pruneNulls(v: unknown): unknown {
  if (isJsonObject(v)) return pruneObjectNulls(v);
  if (Array.isArray(v)) return pruneArrayNulls(v);
  return v;
}

function pruneObjectNulls(o: JsonObject): JsonObject {
  for (const k of Object.keys(o)) {
    if (o[k] === null) delete o[k];
    else pruneNulls(o[k]);
  }
  return o;
}

function pruneArrayNulls(a: unknown[]): unknown[] {
  for (const e of a) if (e !== null) pruneNulls(e);
  return a;
}
