import { definition, INT_OR_STRING, MICRO_TIME, QUANTITY, refName, TIME } from '../../api/schema/index.js';
import type { Schema } from '../../api/schema/types.js';
import { Quantity } from '../../apimachinery/quantity.js';
import { errors } from '../../apimachinery/status.js';
import { formatMicroTime, formatTime, parseMicroTime, parseTime } from '../../apimachinery/time.js';
import type { KubeObject } from '../../apimachinery/types.js';
import type { FieldValidation } from './context.js';

/**
 * Decodes a request object against its type's schema the way kube-apiserver's typed JSON
 * decoding does: fields the type does not have are unknown (dropped; reported as warnings
 * under fieldValidation=Warn, a 400 `strict decoding error` under Strict), values of the
 * wrong JSON type are a 400 (`json: cannot unmarshal string into Go struct field
 * DeploymentSpec.spec.replicas of type int32`), nulls are zero values (dropped), and
 * quantities and timestamps come out in their canonical forms.
 */
export interface DecodeContext {
  /** Kind and version for messages: `Deployment in version "v1" cannot be handled as a Deployment`. */
  kind: string;
  version: string;
  fieldValidation: FieldValidation;
  warnings: string[];
}

class DecodeFailure extends Error {}

function jsonType(v: unknown): string {
  if (Array.isArray(v)) return 'array';
  if (v === null) return 'null';
  if (typeof v === 'boolean') return 'bool';
  return typeof v;
}

function goType(s: Schema, ref: string | undefined): string {
  if (ref) {
    const short = ref.split('.');
    return `${short[short.length - 2]}.${short[short.length - 1]}`;
  }
  switch (s.type) {
    case 'integer':
      return s.format === 'int32' ? 'int32' : 'int64';
    case 'number':
      return 'float64';
    case 'boolean':
      return 'bool';
    case 'string':
      return s.format === 'byte' ? '[]uint8' : 'string';
    case 'array':
      return '[]' + (s.items ? goType(s.items.$ref ? definition(refName(s.items.$ref)) ?? {} : s.items, s.items.$ref && refName(s.items.$ref)) : 'interface {}');
    case 'object':
      return 'map[string]' + (s.additionalProperties && typeof s.additionalProperties === 'object' ? goType(s.additionalProperties, s.additionalProperties.$ref && refName(s.additionalProperties.$ref)) : 'interface {}');
    default:
      return 'interface {}';
  }
}

const INT32 = { min: -(2 ** 31), max: 2 ** 31 - 1 };

interface Walk {
  ctx: DecodeContext;
  unknown: string[];
}

/** Decodes `obj` (mutated in place and returned); throws a 400 StatusError on type errors. */
export function decodeTyped(obj: KubeObject, root: Schema, ctx: DecodeContext): KubeObject {
  const w: Walk = { ctx, unknown: [] };
  const structName = root.$ref ? refName(root.$ref).split('.').pop()! : ctx.kind;
  try {
    const out = walk(obj, root, '', '', structName, w);
    if (w.unknown.length) {
      const findings = w.unknown.map((p) => `unknown field "${p}"`);
      // As upstream's transformDecodeError: the kind and version prefix the strict decoder's text.
      if (ctx.fieldValidation === 'Strict') {
        throw errors.badRequest(`${ctx.kind} in version "${ctx.version}" cannot be handled as a ${ctx.kind}: strict decoding error: ${findings.join(', ')}`);
      }
      if (ctx.fieldValidation === 'Warn') ctx.warnings.push(...findings);
    }
    return out as KubeObject;
  } catch (e: unknown) {
    if (e instanceof DecodeFailure) {
      throw errors.badRequest(`${ctx.kind} in version "${ctx.version}" cannot be handled as a ${ctx.kind}: ${e.message}`);
    }
    throw e;
  }
}

function fail(v: unknown, goPath: string, struct: string, expected: string): never {
  throw new DecodeFailure(`json: cannot unmarshal ${jsonType(v)} into Go struct field ${struct}.${goPath} of type ${expected}`);
}

/**
 * Walks one value. `path` is the field path with list indices (for unknown-field reports),
 * `goPath` the dotted field names (for Go's type-error messages), `struct` the innermost
 * Go struct name. Returns the decoded value; undefined means "leave the field out".
 */
function walk(v: unknown, schema: Schema, path: string, goPath: string, struct: string, w: Walk): unknown {
  let s = schema;
  let ref: string | undefined;
  for (let hops = 0; s.$ref || (Array.isArray(s.allOf) && s.allOf.length === 1); hops++) {
    ref = refName(s.$ref ?? (s.allOf as Schema[])[0]!.$ref!);
    const target = definition(ref);
    if (!target || hops > 32) return v;
    s = target;
  }
  // undefined can only come from in-process callers (JSON has no such value): treat as absent.
  if (v === null || v === undefined) return undefined;
  if (ref === QUANTITY) {
    if (typeof v !== 'string' && typeof v !== 'number') fail(v, goPath, struct, 'resource.Quantity');
    try {
      return Quantity.parse(String(v)).toString();
    } catch (e: unknown) {
      throw new DecodeFailure((e as Error).message);
    }
  }
  if (ref === INT_OR_STRING) {
    if (typeof v === 'number') {
      if (!Number.isInteger(v)) fail(v, goPath, struct, 'int32');
      return v;
    }
    if (typeof v !== 'string') fail(v, goPath, struct, 'intstr.IntOrString');
    return v;
  }
  if (ref === TIME || ref === MICRO_TIME) {
    if (typeof v !== 'string') fail(v, goPath, struct, ref === TIME ? 'v1.Time' : 'v1.MicroTime');
    if (v === '') return undefined;
    try {
      return ref === TIME ? formatTime(parseTime(v)) : formatMicroTime(parseMicroTime(v));
    } catch (e: unknown) {
      throw new DecodeFailure((e as Error).message);
    }
  }
  if (s['x-kubernetes-preserve-unknown-fields'] || s['x-kubernetes-embedded-resource']) return v;
  const nextStruct = ref ? ref.split('.').pop()! : struct;
  switch (s.type) {
    case 'object': {
      if (typeof v !== 'object' || Array.isArray(v)) fail(v, goPath, struct, goType(s, ref));
      const o = v as Record<string, unknown>;
      if (s.properties) {
        for (const key of Object.keys(o)) {
          const ps = s.properties[key];
          const childPath = path ? `${path}.${key}` : key;
          const childGo = goPath ? `${goPath}.${key}` : key;
          if (!ps) {
            // apiVersion/kind are read separately and never unknown.
            if (path !== '' || (key !== 'apiVersion' && key !== 'kind')) w.unknown.push(childPath);
            delete o[key];
            continue;
          }
          const out = walk(o[key], ps, childPath, childGo, nextStruct, w);
          if (out === undefined) delete o[key];
          else o[key] = out;
        }
        return o;
      }
      const ap = s.additionalProperties;
      if (ap && typeof ap === 'object') {
        for (const key of Object.keys(o)) {
          const out = walk(o[key], ap, `${path}[${key}]`, goPath, struct, w);
          if (out === undefined) {
            // Go decodes null map values to the zero value.
            o[key] = zeroOf(ap);
          } else o[key] = out;
        }
      }
      return o;
    }
    case 'array': {
      if (!Array.isArray(v)) fail(v, goPath, struct, goType(s, ref));
      if (!s.items) return v;
      return v.map((item, i) => {
        const out = walk(item, s.items!, `${path}[${i}]`, goPath, struct, w);
        return out === undefined ? zeroOf(s.items!) : out;
      });
    }
    case 'string':
      if (typeof v !== 'string') fail(v, goPath, struct, goType(s, ref));
      if (s.format === 'byte' && !/^[A-Za-z0-9+/]*={0,2}$/.test(v.replace(/\s/g, ''))) {
        throw new DecodeFailure(`illegal base64 data at input byte ${firstBadBase64(v)}`);
      }
      return v;
    case 'integer':
      if (typeof v !== 'number' || !Number.isInteger(v)) {
        if (typeof v === 'number') throw new DecodeFailure(`json: cannot unmarshal number ${v} into Go struct field ${struct}.${goPath} of type ${goType(s, ref)}`);
        fail(v, goPath, struct, goType(s, ref));
      }
      if (s.format === 'int32' && (v < INT32.min || v > INT32.max)) {
        throw new DecodeFailure(`json: cannot unmarshal number ${v} into Go struct field ${struct}.${goPath} of type int32`);
      }
      return v;
    case 'number':
      if (typeof v !== 'number') fail(v, goPath, struct, 'float64');
      return v;
    case 'boolean':
      if (typeof v !== 'boolean') fail(v, goPath, struct, 'bool');
      return v;
    default:
      return v;
  }
}

function zeroOf(s: Schema): unknown {
  const r = s.$ref ? (definition(refName(s.$ref)) ?? {}) : s;
  switch (r.type) {
    case 'string':
      return '';
    case 'integer':
    case 'number':
      return 0;
    case 'boolean':
      return false;
    case 'object':
      return {};
    default:
      return null;
  }
}

function firstBadBase64(v: string): number {
  for (let i = 0; i < v.length; i++) if (!/[A-Za-z0-9+/=\s]/.test(v[i]!)) return i;
  return v.length;
}
