/**
 * Renders k8ts' schema model (bare `$ref` names) as OpenAPI v2 definitions or v3 component
 * schemas. Pure: inputs are never modified.
 */
import { INT_OR_STRING, QUANTITY, refName, type Schema, type SchemaDefinitions } from '../../api/schema/index.js';

type RefStyle = 'v2' | 'v3';

const PREFIX: Record<RefStyle, string> = { v2: '#/definitions/', v3: '#/components/schemas/' };

/** Keywords whose value is a map of schemas, a schema, or a list of schemas. */
const SCHEMA_MAPS = new Set(['properties', 'patternProperties', 'definitions']);
const SCHEMA_VALUES = new Set(['additionalProperties', 'items', 'not', 'additionalItems']);
const SCHEMA_LISTS = new Set(['allOf', 'anyOf', 'oneOf']);

function convert(schema: Schema, style: RefStyle): Schema {
  const out: Schema = {};
  for (const [k, v] of Object.entries(schema)) {
    if (k === '$ref' && typeof v === 'string') out.$ref = PREFIX[style] + refName(v);
    else if (SCHEMA_MAPS.has(k) && v && typeof v === 'object') {
      out[k] = Object.fromEntries(Object.entries(v as Record<string, Schema>).map(([p, s]) => [p, convertProperty(s, style)]));
    } else if (SCHEMA_VALUES.has(k) && v && typeof v === 'object') {
      out[k] = Array.isArray(v) ? v.map((s: Schema) => convertProperty(s, style)) : convertProperty(v as Schema, style);
    } else if (SCHEMA_LISTS.has(k) && Array.isArray(v)) {
      out[k] = v.map((s: Schema) => convertProperty(s, style));
    } else {
      out[k] = v;
    }
  }
  return out;
}

/**
 * A schema in property position. In v3 a `$ref` with sibling keywords is wrapped as
 * `allOf: [{$ref}]`, since OpenAPI 3.0 ignores a reference's siblings (as kube-openapi's v3
 * builder does).
 */
function convertProperty(schema: Schema, style: RefStyle): Schema {
  const out = convert(schema, style);
  if (style === 'v3' && typeof out.$ref === 'string' && Object.keys(out).length > 1) {
    const { $ref, ...siblings } = out;
    return { allOf: [{ $ref }], ...siblings };
  }
  return out;
}

/** A definition as a swagger 2.0 `definitions` entry. */
export function toV2Definition(schema: Schema): Schema {
  return convert(schema, 'v2');
}

/**
 * A definition as an OpenAPI 3.0 component schema. IntOrString and Quantity take the v3 shape
 * upstream publishes: a `oneOf` of the JSON types they accept instead of `type: string`.
 */
export function toV3Definition(name: string, schema: Schema): Schema {
  const out = convert(schema, 'v3');
  if (name === INT_OR_STRING) {
    delete out.type;
    out.oneOf = [{ type: 'integer' }, { type: 'string' }];
  } else if (name === QUANTITY) {
    delete out.type;
    out.oneOf = [{ type: 'string' }, { type: 'number' }];
  }
  return out;
}

/** Converts the named definitions, in sorted order; throws on an unknown name. */
export function renderDefinitions(names: readonly string[], defs: SchemaDefinitions, style: RefStyle): Record<string, Schema> {
  const out: Record<string, Schema> = {};
  for (const name of [...names].sort()) {
    if (!Object.hasOwn(defs, name)) throw new Error(`openapi: unknown definition ${name}`);
    out[name] = style === 'v2' ? toV2Definition(defs[name]) : toV3Definition(name, defs[name]);
  }
  return out;
}
