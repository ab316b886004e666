/**
 * The protobuf encoding of the swagger 2.0 document, as gnostic's `openapi.v2.Document`: what
 * kube-apiserver returns to `Accept: application/com.github.proto-openapi.spec.v2@v1.0+protobuf`
 * and what client-go's `OpenAPISchema()` (kubectl) asks for.
 *
 * Vendor extensions, defaults and enum values travel as YAML text; k8ts writes JSON, which
 * is valid YAML. Schema keywords swagger 2.0 does not have (anyOf, oneOf, not, nullable) are
 * dropped, as upstream drops them from v2.
 */
import protobuf from 'protobufjs';
import { fileURLToPath } from 'node:url';
import type { Schema } from '../../api/schema/index.js';
import type { SwaggerDocument, SwaggerOperation, SwaggerParameter, SwaggerPathItem } from './v2.js';

/** The media type client-go asks /openapi/v2 for (in `Accept`). */
export const OPENAPI_V2_PROTOBUF = 'application/com.github.proto-openapi.spec.v2@v1.0+protobuf';

/**
 * The `Content-Type` to answer it with. The requested form is not a valid media type (`@`),
 * and client-go's response decoding fails on it ("mime: unexpected content after media
 * subtype"); as kube-apiserver does, answer with the `.v1.0` spelling.
 */
export const OPENAPI_V2_PROTOBUF_RESPONSE = 'application/com.github.proto-openapi.spec.v2.v1.0+protobuf';

let documentType: protobuf.Type | undefined;

function docType(): protobuf.Type {
  if (!documentType) {
    const root = new protobuf.Root().loadSync(fileURLToPath(new URL('./openapiv2.proto', import.meta.url)), { keepCase: true });
    documentType = root.lookupType('openapi.v2.Document');
  }
  return documentType;
}

type Msg = Record<string, unknown>;

const anyOf = (value: unknown): Msg => ({ yaml: `${JSON.stringify(value)}\n` });

function extensions(obj: Record<string, unknown>): Msg[] {
  return Object.keys(obj)
    .filter((k) => k.startsWith('x-'))
    .sort()
    .map((name) => ({ name, value: anyOf(obj[name]) }));
}

const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch'] as const;

const INT_KEYWORDS = ['maxLength', 'minLength', 'maxItems', 'minItems', 'maxProperties', 'minProperties'] as const;
const FLOAT_KEYWORDS = ['multipleOf', 'maximum', 'minimum'] as const;
const snake = (k: string) => k.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);

function schemaMsg(s: Schema): Msg {
  const m: Msg = {};
  if (typeof s.$ref === 'string') m._ref = s.$ref;
  for (const k of ['format', 'title', 'description', 'pattern', 'discriminator'] as const) {
    if (typeof s[k] === 'string') m[k] = s[k];
  }
  for (const k of ['exclusiveMaximum', 'exclusiveMinimum', 'uniqueItems', 'readOnly'] as const) {
    if (typeof s[k] === 'boolean') m[snake(k)] = s[k];
  }
  for (const k of [...INT_KEYWORDS, ...FLOAT_KEYWORDS]) if (typeof s[k] === 'number') m[snake(k)] = s[k];
  if (s.default !== undefined) m.default = anyOf(s.default);
  if (s.example !== undefined) m.example = anyOf(s.example);
  if (Array.isArray(s.required) && s.required.length) m.required = s.required;
  if (Array.isArray(s.enum)) m.enum = s.enum.map(anyOf);
  if (s.type !== undefined) m.type = { value: Array.isArray(s.type) ? s.type : [s.type] };
  if (s.items) m.items = { schema: (Array.isArray(s.items) ? s.items : [s.items]).map(schemaMsg) };
  if (Array.isArray(s.allOf)) m.all_of = (s.allOf as Schema[]).map(schemaMsg);
  if (s.properties) {
    m.properties = { additional_properties: Object.entries(s.properties).map(([name, v]) => ({ name, value: schemaMsg(v) })) };
  }
  if (typeof s.additionalProperties === 'boolean') m.additional_properties = { boolean: s.additionalProperties };
  else if (s.additionalProperties) m.additional_properties = { schema: schemaMsg(s.additionalProperties) };
  const ext = extensions(s);
  if (ext.length) m.vendor_extension = ext;
  return m;
}

function paramMsg(p: SwaggerParameter): Msg {
  if (p.in === 'body') {
    return {
      parameter: {
        body_parameter: {
          name: p.name,
          in: p.in,
          ...(p.description ? { description: p.description } : {}),
          ...(p.required ? { required: true } : {}),
          ...(p.schema ? { schema: schemaMsg(p.schema) } : {}),
        },
      },
    };
  }
  const sub = {
    name: p.name,
    in: p.in,
    ...(p.description ? { description: p.description } : {}),
    ...(p.required ? { required: true } : {}),
    ...(p.type ? { type: p.type } : {}),
    ...(p.uniqueItems ? { unique_items: true } : {}),
  };
  return {
    parameter: {
      non_body_parameter: p.in === 'path' ? { path_parameter_sub_schema: sub } : { query_parameter_sub_schema: sub },
    },
  };
}

function operationMsg(op: SwaggerOperation): Msg {
  return {
    ...(op.tags ? { tags: op.tags } : {}),
    ...(op.description ? { description: op.description } : {}),
    operation_id: op.operationId,
    ...(op.produces ? { produces: op.produces } : {}),
    ...(op.consumes ? { consumes: op.consumes } : {}),
    ...(op.parameters ? { parameters: op.parameters.map(paramMsg) } : {}),
    responses: {
      response_code: Object.entries(op.responses).map(([name, r]) => ({
        name,
        value: { response: { description: r.description, ...(r.schema ? { schema: { schema: schemaMsg(r.schema) } } : {}) } },
      })),
    },
    ...(op.schemes ? { schemes: op.schemes } : {}),
    vendor_extension: extensions(op as unknown as Record<string, unknown>),
  };
}

function pathItemMsg(item: SwaggerPathItem): Msg {
  const m: Msg = {};
  for (const method of METHODS) {
    const op = item[method];
    if (op) m[method] = operationMsg(op);
  }
  if (item.parameters) m.parameters = item.parameters.map(paramMsg);
  return m;
}

/** The gnostic message object for a swagger document (before encoding). */
export function openAPIV2Message(doc: SwaggerDocument): Msg {
  return {
    swagger: doc.swagger,
    info: { title: doc.info.title, version: doc.info.version },
    paths: { path: Object.entries(doc.paths).map(([name, item]) => ({ name, value: pathItemMsg(item) })) },
    definitions: {
      additional_properties: Object.entries(doc.definitions).map(([name, s]) => ({ name, value: schemaMsg(s) })),
    },
    security: doc.security.map((req) => ({
      additional_properties: Object.entries(req).map(([name, scopes]) => ({ name, value: { value: scopes } })),
    })),
    security_definitions: {
      additional_properties: Object.entries(doc.securityDefinitions).map(([name, d]) => ({
        name,
        value: { api_key_security: { type: d.type, name: d.name, in: d.in, ...(d.description ? { description: d.description } : {}) } },
      })),
    },
  };
}

/** Encodes a swagger document as gnostic's `openapi.v2.Document` protobuf. */
export function encodeOpenAPIV2Proto(doc: SwaggerDocument): Uint8Array {
  const type = docType();
  const msg = openAPIV2Message(doc);
  const err = type.verify(msg);
  if (err) throw new Error(`openapi: swagger document does not fit openapi.v2.Document: ${err}`);
  return type.encode(type.fromObject(msg)).finish();
}

/**
 * Decodes bytes of `openapi.v2.Document` into the message object (field names as in the
 * .proto, 64-bit integers as numbers). For tests and diagnostics.
 */
export function decodeOpenAPIV2Proto(bytes: Uint8Array): Msg {
  const type = docType();
  return type.toObject(type.decode(bytes), { longs: Number, defaults: false, arrays: false, oneofs: false }) as Msg;
}
