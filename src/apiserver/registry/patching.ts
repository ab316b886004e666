import { definition, definitionForKind } from '../../api/schema/index.js';
import type { Schema } from '../../api/schema/types.js';
import { errors } from '../../apimachinery/status.js';
import { applyPatch, decodePatchBody } from '../patch/index.js';

/** The patch types of PATCH requests. */
export type PatchKind = 'json-patch' | 'merge-patch' | 'strategic-merge-patch' | 'apply-patch';

const MODULE_KIND = { 'json-patch': 'json', 'merge-patch': 'merge', 'strategic-merge-patch': 'strategic' } as const;

/** The schema strategic merge patch reads for a kind (undefined for types without one). */
export function schemaForKind(group: string, version: string, kind: string): Schema | undefined {
  return definitionForKind(group, version, kind)?.schema;
}

/** Decodes a raw PATCH body (400 for malformed ones, as upstream). Apply patches are YAML. */
export function decodePatch(kind: PatchKind, raw: Uint8Array, fieldValidation?: string): { body: unknown; strictErrors: string[] } {
  if (kind === 'apply-patch') throw errors.unsupportedMediaType(['application/json-patch+json', 'application/merge-patch+json', 'application/strategic-merge-patch+json']);
  return decodePatchBody(MODULE_KIND[kind], raw, (fieldValidation ?? '') as 'Strict' | 'Warn' | 'Ignore' | '');
}

/**
 * Applies a decoded patch body to `current` (not modified). Strategic merge patch follows the
 * schema's patch strategies and merge keys; `schema` absent (custom resources) means plain
 * merge semantics for lists.
 */
export function applyPatchBody(kind: PatchKind, current: unknown, patch: unknown, schema?: Schema): unknown {
  if (kind === 'apply-patch') {
    throw errors.unsupportedMediaType(['application/json-patch+json', 'application/merge-patch+json', 'application/strategic-merge-patch+json']);
  }
  return applyPatch(MODULE_KIND[kind], current, patch, { schema, resolve: (ref) => definition(ref) });
}
