/**
 * OpenAPI v3 documents as kube-apiserver serves them under /openapi/v3: one document per
 * group-version (`apis/apps/v1`), small ones for the discovery paths (`api`, `apis`,
 * `apis/apps`), and a root listing each with a content hash so clients can cache by URL.
 */
import { createHash } from 'node:crypto';
import { referencedDefinitions, type Schema, type SchemaDefinitions } from '../../api/schema/index.js';
import { KUBERNETES_VERSION } from '../../version.js';
import {
  discoveryRoutes,
  groupVersionRoutes,
  parseGroupVersion,
  routeRefs,
  type OpenAPIResource,
  type Route,
  type RouteBody,
  type RouteOperation,
  type RouteParam,
} from './routes.js';
import { renderDefinitions } from './schemas.js';

export interface OpenAPIOptions {
  /** `info.version`; defaults to the Kubernetes version k8ts reports. */
  version?: string;
}

/** What upstream puts in `info.version`: the git version up to its first `-`. */
export function defaultInfoVersion(): string {
  return KUBERNETES_VERSION.gitVersion.split('-')[0];
}

export interface OpenAPIV3Document {
  openapi: '3.0.0';
  info: { title: string; version: string };
  paths: Record<string, Record<string, unknown>>;
  components: { schemas: Record<string, Schema>; securitySchemes: Record<string, unknown> };
  security: Record<string, string[]>[];
}

const SECURITY = {
  securitySchemes: {
    BearerToken: { type: 'apiKey', name: 'authorization', in: 'header', description: 'a bearer token in the Authorization header' },
  },
  security: [{ BearerToken: [] }],
};

const STATUS_TEXT: Record<string, string> = { '200': 'OK', '201': 'Created', '202': 'Accepted' };

function v3Param(p: RouteParam): Record<string, unknown> {
  return {
    ...(p.description ? { description: p.description } : {}),
    in: p.in,
    name: p.name,
    ...(p.required ? { required: true } : {}),
    schema: { type: p.type, uniqueItems: true },
  };
}

function v3Body(body: RouteBody): Schema {
  return 'ref' in body ? { $ref: `#/components/schemas/${body.ref}` } : { type: 'string' };
}

function v3Operation(op: RouteOperation): Record<string, unknown> {
  const responses: Record<string, unknown> = {};
  for (const [code, body] of Object.entries(op.responses)) {
    if (!body) continue;
    const schema = v3Body(body);
    responses[code] = {
      description: STATUS_TEXT[code],
      content: Object.fromEntries(op.produces.map((mt) => [mt, { schema }])),
    };
  }
  responses['401'] = { description: 'Unauthorized' };
  return {
    tags: op.tags,
    description: op.description,
    operationId: op.operationId,
    ...(op.params.length ? { parameters: op.params.map(v3Param) } : {}),
    ...(op.requestBody
      ? {
          requestBody: {
            content: Object.fromEntries(op.requestBody.contentTypes.map((mt) => [mt, { schema: v3Body(op.requestBody!.schema) }])),
            ...(op.requestBody.required ? { required: true } : {}),
          },
        }
      : {}),
    responses,
    ...(op.action ? { 'x-kubernetes-action': op.action } : {}),
    ...(op.gvk ? { 'x-kubernetes-group-version-kind': { group: op.gvk.group, kind: op.gvk.kind, version: op.gvk.version } } : {}),
  };
}

function v3Paths(routes: readonly Route[]): Record<string, Record<string, unknown>> {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const route of routes) {
    const item: Record<string, unknown> = {};
    for (const op of route.operations) item[op.method] = v3Operation(op);
    if (route.params.length) item.parameters = route.params.map(v3Param);
    paths[route.path] = item;
  }
  return paths;
}

function document(routes: readonly Route[], defs: SchemaDefinitions, options: OpenAPIOptions): OpenAPIV3Document {
  const schemas = renderDefinitions(referencedDefinitions(routeRefs(routes), defs), defs, 'v3');
  return {
    openapi: '3.0.0',
    info: { title: 'Kubernetes', version: options.version ?? defaultInfoVersion() },
    paths: v3Paths(routes),
    components: { schemas, securitySchemes: SECURITY.securitySchemes },
    security: SECURITY.security,
  };
}

/**
 * The v3 document of one group-version (`v1` for core, `apps/v1`): its discovery path and
 * every route of the resources serving that version, with the definitions those routes
 * reference, transitively. `resources` may list other group-versions' resources; they are
 * skipped. Throws if a served kind has no definition.
 */
export function buildOpenAPIV3(
  groupVersion: string,
  resources: readonly OpenAPIResource[],
  definitions: SchemaDefinitions,
  options: OpenAPIOptions = {},
): OpenAPIV3Document {
  const { group, version } = parseGroupVersion(groupVersion);
  return document(groupVersionRoutes(group, version, resources, definitions), definitions, options);
}

/** The `/openapi/v3` key of a group-version's document: `api/v1`, `apis/apps/v1`. */
export function openAPIV3Key(groupVersion: string): string {
  const { group, version } = parseGroupVersion(groupVersion);
  return group === '' ? `api/${version}` : `apis/${group}/${version}`;
}

/** A document's cache key: SHA-512 of its serialized bytes, in upper-case hex, as upstream. */
export function contentHash(bytes: string | Uint8Array): string {
  return createHash('sha512').update(bytes).digest('hex').toUpperCase();
}

export interface OpenAPIV3Set {
  /** The body of `GET /openapi/v3`. */
  root: { paths: Record<string, { serverRelativeURL: string }> };
  /** Serialized documents by key (`apis/apps/v1`), each with its hash. */
  documents: Map<string, { json: string; hash: string }>;
}

/**
 * Every v3 document for `resources` — one per served group-version, plus the discovery
 * documents `api`, `apis` and `apis/<group>` — serialized, hashed, and the root that lists
 * them (`serverRelativeURL: /openapi/v3/<key>?hash=<HASH>`).
 */
export function buildOpenAPIV3Set(
  resources: readonly OpenAPIResource[],
  definitions: SchemaDefinitions,
  options: OpenAPIOptions = {},
): OpenAPIV3Set {
  const gvs = new Set<string>();
  for (const r of resources) for (const v of r.versions) gvs.add(r.group === '' ? v : `${r.group}/${v}`);
  const groups = [...new Set(resources.map((r) => r.group))];
  const docs = new Map<string, OpenAPIV3Document>();
  for (const gv of gvs) docs.set(openAPIV3Key(gv), buildOpenAPIV3(gv, resources, definitions, options));
  for (const route of discoveryRoutes(groups)) {
    if (route.path === '/version/') continue;
    const key = route.path.slice(1, -1);
    docs.set(key, document([route], definitions, options));
  }
  const documents = new Map<string, { json: string; hash: string }>();
  const root: OpenAPIV3Set['root'] = { paths: {} };
  for (const key of [...docs.keys()].sort()) {
    const json = JSON.stringify(docs.get(key));
    const hash = contentHash(json);
    documents.set(key, { json, hash });
    root.paths[key] = { serverRelativeURL: `/openapi/v3/${key}?hash=${hash}` };
  }
  return { root, documents };
}
