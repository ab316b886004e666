import { errors } from '../../apimachinery/status.js';
import { isObject } from '../../apimachinery/types.js';
/** The patch types of PATCH requests. */
export type PatchKind = 'json-patch' | 'merge-patch' | 'strategic-merge-patch' | 'apply-patch';

/** RFC 7386 JSON merge patch. */
export function mergePatch(target: unknown, patch: unknown): unknown {
  if (!isObject(patch)) return patch;
  const out: Record<string, unknown> = isObject(target) ? { ...target } : {};
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) delete out[k];
    else out[k] = mergePatch(out[k], v);
  }
  return out;
}

/** Applies a patch body of the given kind to a copy of `current`. */
export function applyPatchBody(kind: PatchKind, current: unknown, patch: unknown): unknown {
  switch (kind) {
    case 'merge-patch':
    case 'strategic-merge-patch':
      return mergePatch(current, patch);
    default:
      throw errors.unsupportedMediaType(['application/merge-patch+json', 'application/strategic-merge-patch+json']);
  }
}
