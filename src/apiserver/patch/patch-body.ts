/**
 * Decoding a PATCH request body the way kube-apiserver 1.32 decodes it before applying it,
 * with the same 400 messages for malformed bodies and the same strict-decoding findings.
 *
 * As upstream, the fieldValidation directive decides the decoding: unset means Warn; Warn and
 * Strict decode strictly first (JSON patch into its operation struct, the other kinds into a
 * map), which reports duplicate keys (and unknown operation fields) as findings and rejects
 * some malformed bodies earlier, prefixing `error decoding patch: ` for JSON and merge patches.
 * What the caller does with the findings (warnings, or a 422 after applying) is its business.
 */
import { goJsonKind } from './go-format.js';
import { GoJsonSyntaxError, decodeUtf8, goJsonDecode } from './go-json.js';
import { strictJsonPatchErrors } from './json-patch.js';
import { INVALID_MERGE_PATCH_MESSAGE } from './merge-patch.js';
import { patchBadRequest } from './patch-errors.js';
import type { PatchKind } from './types.js';

/** The `fieldValidation` query parameter of a PATCH (empty or absent means Warn). */
export type FieldValidation = 'Strict' | 'Warn' | 'Ignore' | '';

export interface DecodedPatchBody {
  /** The decoded body, for `applyPatch`. */
  body: unknown;
  /**
   * Strict-decoding findings, e.g. `duplicate field "metadata.labels"` or, for JSON patches,
   * `json patch unknown field "[0].foo"`. Empty when fieldValidation is Ignore.
   */
  strictErrors: string[];
}

/** Most findings upstream's strict decoder collects. */
const MAX_STRICT_ERRORS = 100;

/**
 * Decodes `raw` (UTF-8 bytes or text) as a patch body of `kind`.
 * Throws StatusError 400 with upstream's message when upstream's decoding would fail.
 */
export function decodePatchBody(
  kind: PatchKind,
  raw: Uint8Array | string,
  fieldValidation: FieldValidation | undefined = '',
): DecodedPatchBody {
  const text = typeof raw === 'string' ? raw : decodeUtf8(raw);
  const strict = fieldValidation !== 'Ignore';

  let body: unknown;
  let duplicates: string[];
  try {
    ({ value: body, duplicateFields: duplicates } = goJsonDecode(text));
  } catch (e: unknown) {
    if (!(e instanceof GoJsonSyntaxError)) throw e;
    switch (kind) {
      case 'json':
        throw patchBadRequest(strict ? `error decoding patch: ${e.message}` : e.message);
      case 'merge':
        throw patchBadRequest(strict ? `error decoding patch: ${e.message}` : INVALID_MERGE_PATCH_MESSAGE);
      case 'strategic':
        throw patchBadRequest(e.message);
    }
  }

  const toMap = `json: cannot unmarshal ${goJsonKind(body)} into Go value of type map[string]interface {}`;
  const isMapOrNull = body === null || (typeof body === 'object' && !Array.isArray(body));
  let strictErrors: string[] = [];
  switch (kind) {
    case 'json':
      if (strict) strictErrors = strictJsonPatchErrors(body, duplicates);
      break;
    case 'merge':
      if (strict) {
        if (!isMapOrNull) throw patchBadRequest(`error decoding patch: ${toMap}`);
        strictErrors = duplicates.map((p) => `duplicate field ${JSON.stringify(p)}`);
      }
      break;
    case 'strategic':
      if (!isMapOrNull) throw patchBadRequest(toMap);
      if (strict) strictErrors = duplicates.map((p) => `duplicate field ${JSON.stringify(p)}`);
      break;
  }
  return { body, strictErrors: strictErrors.slice(0, MAX_STRICT_ERRORS) };
}
