import { errors } from '../../apimachinery/status.js';
import { readBody } from '../http.js';
import { bodyKind, decodeBody } from '../negotiation.js';
import { decodeKubernetesProtobuf, PROTOBUF_MEDIA_TYPE } from '../protobuf/index.js';
import type { RequestContext } from '../registry/context.js';
import { decodePatch, type PatchKind } from '../registry/patching.js';
import type { ResourceRequest } from './resources.js';

const OBJECT_MEDIA_TYPES = ['application/json', 'application/yaml', PROTOBUF_MEDIA_TYPE];
const PATCH_MEDIA_TYPES = [
  'application/json-patch+json',
  'application/merge-patch+json',
  'application/strategic-merge-patch+json',
  'application/apply-patch+yaml',
];

/** int64 values beyond 2^53 arrive as bigint from protobuf; JSON clients get numbers, so do we. */
function withoutBigInts(v: unknown): unknown {
  if (typeof v === 'bigint') return Number(v);
  if (Array.isArray(v)) return v.map(withoutBigInts);
  if (v !== null && typeof v === 'object') {
    for (const [k, x] of Object.entries(v)) {
      if (typeof x === 'bigint' || (x !== null && typeof x === 'object')) (v as Record<string, unknown>)[k] = withoutBigInts(x);
    }
  }
  return v;
}

/**
 * Reads an object body of a create/update: JSON, YAML (1.1, as Kubernetes' decoder) or
 * Kubernetes protobuf (what kubectl's typed clients send). Undefined for an empty body.
 */
export async function readObjectBody(r: ResourceRequest): Promise<unknown> {
  const raw = await readBody(r.req);
  const ct = r.req.headers['content-type'];
  if (ct && ct.split(';')[0]!.trim().toLowerCase() === PROTOBUF_MEDIA_TYPE) {
    if (raw.length === 0) return undefined;
    return withoutBigInts(decodeKubernetesProtobuf(raw).object);
  }
  const kind = bodyKind(ct) ?? (raw.length === 0 || !ct ? 'json' : undefined);
  if (kind !== 'json' && kind !== 'yaml') throw errors.unsupportedMediaType(OBJECT_MEDIA_TYPES);
  if (raw.length === 0) return undefined;
  return decodeBody(raw, kind);
}

/** Reads and decodes a PATCH body; strict-decoding findings become warnings (Warn) or a 400 (Strict). */
export async function readPatchBody(r: ResourceRequest, ctx: RequestContext): Promise<{ kind: PatchKind; patch: unknown }> {
  const raw = await readBody(r.req);
  const kind = bodyKind(r.req.headers['content-type']);
  if (kind !== 'json-patch' && kind !== 'merge-patch' && kind !== 'strategic-merge-patch' && kind !== 'apply-patch') {
    throw errors.unsupportedMediaType(PATCH_MEDIA_TYPES);
  }
  if (kind === 'apply-patch') return { kind, patch: decodeBody(raw, 'yaml') };
  const { body, strictErrors } = decodePatch(kind, raw, ctx.fieldValidation);
  if (strictErrors.length) {
    if (ctx.fieldValidation === 'Strict') throw errors.badRequest(`strict decoding error: ${strictErrors.join(', ')}`);
    if (ctx.fieldValidation === 'Warn') ctx.warnings.push(...strictErrors);
  }
  return { kind, patch: body };
}
