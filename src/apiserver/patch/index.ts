/**
 * PATCH semantics of kube-apiserver 1.32: JSON patch, JSON merge patch and strategic merge
 * patch as pure functions over JSON values, the decoding of PATCH bodies, and the mapping
 * from Content-Type to patch kind. Errors are StatusErrors with upstream's codes and
 * messages, ready for the handler to return.
 */
import type { Schema } from '../../api/schema/types.js';
import { applyJsonPatch, type JsonPatchOptions } from './json-patch.js';
import { applyMergePatch } from './merge-patch.js';
import { strategicMergePatch, type SchemaResolver } from './strategic-merge-patch.js';
import { PatchContentType, type PatchKind } from './types.js';

export { PatchContentType, type PatchKind } from './types.js';
export {
  applyJsonPatch,
  strictJsonPatchErrors,
  DEFAULT_JSON_PATCH_MAX_COPY_BYTES,
  MAX_JSON_PATCH_OPERATIONS,
  type JsonPatchOptions,
} from './json-patch.js';
export { applyMergePatch, INVALID_MERGE_PATCH_MESSAGE } from './merge-patch.js';
export { strategicMergePatch, SMP_ERROR_MESSAGES, type SchemaResolver } from './strategic-merge-patch.js';
export { decodePatchBody, type DecodedPatchBody, type FieldValidation } from './patch-body.js';
export { GENERIC_INVALID_MESSAGE, patchErrorDetail } from './patch-errors.js';

/**
 * The media types a built-in resource's PATCH accepts, in upstream's order (the order its 415
 * message lists them in). The CBOR apply type joins them only behind a feature gate.
 */
export const BUILTIN_PATCH_CONTENT_TYPES: readonly PatchContentType[] = [
  PatchContentType.JSONPatch,
  PatchContentType.MergePatch,
  PatchContentType.StrategicMergePatch,
  PatchContentType.ApplyYAML,
];

/** Custom resources accept no strategic merge patch. */
export const CUSTOM_RESOURCE_PATCH_CONTENT_TYPES: readonly PatchContentType[] = [
  PatchContentType.JSONPatch,
  PatchContentType.MergePatch,
  PatchContentType.ApplyYAML,
];

const KIND_BY_CONTENT_TYPE: ReadonlyMap<string, PatchKind> = new Map<string, PatchKind>([
  [PatchContentType.JSONPatch, 'json'],
  [PatchContentType.MergePatch, 'merge'],
  [PatchContentType.StrategicMergePatch, 'strategic'],
]);

/** The Content-Type of each patch kind. */
export const CONTENT_TYPE_BY_KIND: Readonly<Record<PatchKind, PatchContentType>> = {
  json: PatchContentType.JSONPatch,
  merge: PatchContentType.MergePatch,
  strategic: PatchContentType.StrategicMergePatch,
};

/**
 * The media type of a PATCH Content-Type header, read as kube-apiserver reads it: everything
 * before the first `;` (when that is not the first character), compared exactly, without
 * trimming or case folding.
 */
export function patchMediaType(contentType: string): string {
  const semi = contentType.indexOf(';');
  return semi > 0 ? contentType.slice(0, semi) : contentType;
}

/** The patch kind of a Content-Type header; undefined for apply patches and unknown types. */
export function patchKindForContentType(contentType: string): PatchKind | undefined {
  return KIND_BY_CONTENT_TYPE.get(patchMediaType(contentType));
}

export interface PatchContext {
  /** Schema of the object's type (a `$ref` or the definition); strategic merge patch reads its patch metadata. */
  schema?: Schema;
  /** Resolves `$ref`s in `schema`. */
  resolve?: SchemaResolver;
  /** JSON patch limits; kube-apiserver's defaults when absent. */
  jsonPatch?: JsonPatchOptions;
}

const noDefinitions: SchemaResolver = () => undefined;

/**
 * Applies a decoded patch body (see `decodePatchBody`) of `kind` to `original` and returns
 * the patched value. Pure. For `json` and `merge` the result can be something other than an
 * object (a JSON patch may replace the document, a merge patch may be an array); rejecting
 * that is the caller's decoding step, as upstream's. Without a schema, a strategic merge
 * patch knows no list strategies and merges as a JSON merge patch would (directives apart).
 * Throws StatusError with upstream's code and message.
 */
export function applyPatch(kind: PatchKind, original: unknown, patchBody: unknown, ctx: PatchContext = {}): unknown {
  switch (kind) {
    case 'json':
      return applyJsonPatch(original, patchBody, ctx.jsonPatch);
    case 'merge':
      return applyMergePatch(original, patchBody);
    case 'strategic':
      return strategicMergePatch(original, patchBody, ctx.schema, ctx.resolve ?? noDefinitions);
  }
}
