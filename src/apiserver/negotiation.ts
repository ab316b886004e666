import { parse as parseYaml, stringify as stringifyYaml } from 'yaml';
import { errors } from '../apimachinery/status.js';

/** One entry of an Accept header. */
export interface MediaRange {
  type: string;
  subtype: string;
  params: Record<string, string>;
}

export function parseMediaRanges(header: string | undefined): MediaRange[] {
  if (!header) return [];
  const out: MediaRange[] = [];
  for (const part of header.split(',')) {
    const [mt, ...ps] = part.trim().split(';');
    if (!mt) continue;
    const [type, subtype] = mt.trim().toLowerCase().split('/');
    if (!type || !subtype) continue;
    const params: Record<string, string> = {};
    for (const p of ps) {
      const i = p.indexOf('=');
      if (i > 0) params[p.slice(0, i).trim().toLowerCase()] = p.slice(i + 1).trim().replace(/^"|"$/g, '');
    }
    out.push({ type, subtype, params });
  }
  return out;
}

/** What a response should be encoded as. */
export interface Output {
  format: 'json' | 'yaml';
  /** A meta.k8s.io transformation (`as=` parameter) the client asked for. */
  as?: 'Table' | 'PartialObjectMetadata' | 'PartialObjectMetadataList';
  /** meta.k8s.io version of the transformation (v1 or v1beta1). */
  asVersion?: string;
}

export interface OutputOptions {
  /** Allow `as=Table` (resource get/list/watch). */
  table?: boolean;
  /** Allow `as=PartialObjectMetadata[List]`. */
  partial?: boolean;
}

export const SERVED_MEDIA_TYPES = ['application/json', 'application/yaml', 'application/vnd.kubernetes.protobuf'];

/**
 * Picks the first acceptable representation, as kube-apiserver's negotiation does: the
 * first media range it can serve wins; protobuf ranges are skipped (k8ts answers JSON),
 * and no Accept header means JSON. Nothing acceptable: 406.
 */
export function negotiateOutput(accept: string | undefined, opts: OutputOptions = {}): Output {
  const ranges = parseMediaRanges(accept);
  if (ranges.length === 0) return { format: 'json' };
  for (const r of ranges) {
    const as = r.params['as'];
    if (as) {
      const g = r.params['g'];
      const v = r.params['v'];
      if (g !== 'meta.k8s.io' || (v !== 'v1' && v !== 'v1beta1')) continue;
      if (r.subtype !== 'json' && r.subtype !== '*') continue;
      if (as === 'Table' && opts.table) return { format: 'json', as: 'Table', asVersion: v };
      if ((as === 'PartialObjectMetadata' || as === 'PartialObjectMetadataList') && opts.partial) {
        return { format: 'json', as, asVersion: v };
      }
      continue;
    }
    if (r.type === '*' || (r.type === 'application' && (r.subtype === '*' || r.subtype === 'json'))) return { format: 'json' };
    if (r.type === 'application' && r.subtype === 'yaml') return { format: 'yaml' };
  }
  throw errors.notAcceptable(SERVED_MEDIA_TYPES);
}

export type BodyKind = 'json' | 'yaml' | 'json-patch' | 'merge-patch' | 'strategic-merge-patch' | 'apply-patch';

const BODY_TYPES: Record<string, BodyKind> = {
  'application/json': 'json',
  'application/yaml': 'yaml',
  'application/json-patch+json': 'json-patch',
  'application/merge-patch+json': 'merge-patch',
  'application/strategic-merge-patch+json': 'strategic-merge-patch',
  'application/apply-patch+yaml': 'apply-patch',
};

/** The kind of a request body from its Content-Type (parameters ignored); undefined if unknown. */
export function bodyKind(contentType: string | undefined): BodyKind | undefined {
  if (!contentType) return undefined;
  const mt = contentType.split(';')[0]!.trim().toLowerCase();
  return BODY_TYPES[mt];
}

/**
 * Decodes a JSON or YAML request body. YAML is parsed as YAML 1.1, as Kubernetes' YAML
 * decoder does (so `yes`/`on` are booleans). Malformed input is a 400.
 */
export function decodeBody(raw: Buffer, kind: 'json' | 'yaml'): unknown {
  const text = raw.toString('utf8');
  if (kind === 'json') {
    try {
      return JSON.parse(text);
    } catch (e: unknown) {
      throw errors.badRequest(`the object provided is unrecognized or the server could not decode it: ${(e as Error).message}`);
    }
  }
  try {
    return parseYaml(text, { version: '1.1', prettyErrors: false, maxAliasCount: 100 });
  } catch (e: unknown) {
    throw errors.badRequest(`error converting YAML to JSON: ${(e as Error).message}`);
  }
}

export function encode(obj: unknown, format: 'json' | 'yaml'): string {
  if (format === 'yaml') return stringifyYaml(obj, { version: '1.1', lineWidth: 0, aliasDuplicateObjects: false });
  return JSON.stringify(obj);
}

export function contentTypeOf(format: 'json' | 'yaml'): string {
  return format === 'yaml' ? 'application/yaml' : 'application/json';
}
