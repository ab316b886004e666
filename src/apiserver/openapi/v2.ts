/**
 * The swagger 2.0 document kube-apiserver serves at /openapi/v2: every served route and the
 * definitions they reference. client-go's discovery fetches it (as protobuf, see v2-proto.ts)
 * for kubectl's strategic-merge-patch and validation lookups.
 */
import { referencedDefinitions, type Schema, type SchemaDefinitions } from '../../api/schema/index.js';
import {
  discoveryRoutes,
  groupVersionRoutes,
  routeRefs,
  type OpenAPIResource,
  type Route,
  type RouteBody,
  type RouteOperation,
  type RouteParam,
} from './routes.js';
import { renderDefinitions } from './schemas.js';
import { defaultInfoVersion, type OpenAPIOptions } from './v3.js';

export interface SwaggerParameter {
  name: string;
  in: 'query' | 'path' | 'body';
  description?: string;
  required?: boolean;
  type?: string;
  uniqueItems?: boolean;
  schema?: Schema;
}

export interface SwaggerOperation {
  description?: string;
  consumes?: string[];
  produces?: string[];
  schemes?: string[];
  tags?: string[];
  operationId: string;
  parameters?: SwaggerParameter[];
  responses: Record<string, { description: string; schema?: Schema }>;
  'x-kubernetes-action'?: string;
  'x-kubernetes-group-version-kind'?: { group: string; kind: string; version: string };
}

export type SwaggerPathItem = Partial<Record<'get' | 'put' | 'post' | 'delete' | 'options' | 'head' | 'patch', SwaggerOperation>> & {
  parameters?: SwaggerParameter[];
};

export interface SwaggerDocument {
  swagger: '2.0';
  info: { title: string; version: string };
  paths: Record<string, SwaggerPathItem>;
  definitions: Record<string, Schema>;
  securityDefinitions: Record<string, { type: string; name: string; in: string; description?: string }>;
  security: Record<string, string[]>[];
}

const STATUS_TEXT: Record<string, string> = { '200': 'OK', '201': 'Created', '202': 'Accepted', '401': 'Unauthorized' };

function v2Param(p: RouteParam): SwaggerParameter {
  return {
    ...(p.description ? { description: p.description } : {}),
    in: p.in,
    name: p.name,
    ...(p.required ? { required: true } : {}),
    type: p.type,
    uniqueItems: true,
  };
}

function v2Body(body: RouteBody): Schema {
  return 'ref' in body ? { $ref: `#/definitions/${body.ref}` } : { type: 'string' };
}

function v2Operation(op: RouteOperation): SwaggerOperation {
  const parameters: SwaggerParameter[] = [];
  if (op.requestBody) {
    parameters.push({
      in: 'body',
      name: 'body',
      ...(op.requestBody.required ? { required: true } : {}),
      schema: v2Body(op.requestBody.schema),
    });
  }
  parameters.push(...op.params.map(v2Param));
  const responses: SwaggerOperation['responses'] = {};
  for (const [code, body] of Object.entries(op.responses)) {
    if (body) responses[code] = { description: STATUS_TEXT[code], schema: v2Body(body) };
  }
  responses['401'] = { description: STATUS_TEXT['401'] };
  return {
    description: op.description,
    consumes: [...op.consumes],
    produces: [...op.produces],
    schemes: ['https'],
    tags: op.tags,
    operationId: op.operationId,
    ...(parameters.length ? { parameters } : {}),
    responses,
    ...(op.action ? { 'x-kubernetes-action': op.action } : {}),
    ...(op.gvk ? { 'x-kubernetes-group-version-kind': { group: op.gvk.group, kind: op.gvk.kind, version: op.gvk.version } } : {}),
  };
}

/**
 * The swagger 2.0 document for every group-version `resources` serve, with the discovery
 * routes and every definition the routes reference, transitively. Throws if a served kind
 * has no definition.
 */
export function buildOpenAPIV2(
  resources: readonly OpenAPIResource[],
  definitions: SchemaDefinitions,
  options: OpenAPIOptions = {},
): SwaggerDocument {
  const gvs = new Map<string, { group: string; version: string }>();
  for (const r of resources) for (const version of r.versions) gvs.set(`${r.group}/${version}`, { group: r.group, version });
  const routes: Route[] = discoveryRoutes([...new Set(resources.map((r) => r.group))]);
  for (const { group, version } of gvs.values()) routes.push(...groupVersionRoutes(group, version, resources, definitions));

  const paths: Record<string, SwaggerPathItem> = {};
  for (const route of [...routes].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0))) {
    const item: SwaggerPathItem = {};
    for (const op of route.operations) item[op.method] = v2Operation(op);
    if (route.params.length) item.parameters = route.params.map(v2Param);
    paths[route.path] = item;
  }
  return {
    swagger: '2.0',
    info: { title: 'Kubernetes', version: options.version ?? defaultInfoVersion() },
    paths,
    definitions: renderDefinitions(referencedDefinitions(routeRefs(routes), definitions), definitions, 'v2'),
    securityDefinitions: {
      BearerToken: { type: 'apiKey', name: 'authorization', in: 'header', description: 'a bearer token in the Authorization header' },
    },
    security: [{ BearerToken: [] }],
  };
}
