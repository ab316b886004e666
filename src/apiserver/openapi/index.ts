/**
 * Pure builders of the OpenAPI documents kube-apiserver serves — /openapi/v3 (root and one
 * document per group-version) and /openapi/v2 (JSON and gnostic protobuf) — from a list of
 * served resources and the schema definitions of their kinds. Built-in resources come from
 * src/api; custom resources can be added by passing their resources and definitions too.
 * The HTTP handlers that serve these documents live elsewhere in src/apiserver/.
 */
export {
  discoveryRoutes,
  groupVersionPrefix,
  groupVersionRoutes,
  groupVersionTag,
  operationGroupName,
  parseGroupVersion,
  PATCH_CONTENT_TYPES,
  type HttpMethod,
  type KubernetesAction,
  type OpenAPIResource,
  type Route,
  type RouteOperation,
  type RouteParam,
} from './routes.js';
export { renderDefinitions, toV2Definition, toV3Definition } from './schemas.js';
export {
  buildOpenAPIV3,
  buildOpenAPIV3Set,
  contentHash,
  defaultInfoVersion,
  openAPIV3Key,
  type OpenAPIOptions,
  type OpenAPIV3Document,
  type OpenAPIV3Set,
} from './v3.js';
export { buildOpenAPIV2, type SwaggerDocument, type SwaggerOperation, type SwaggerParameter, type SwaggerPathItem } from './v2.js';
export { decodeOpenAPIV2Proto, encodeOpenAPIV2Proto, openAPIV2Message, OPENAPI_V2_PROTOBUF, OPENAPI_V2_PROTOBUF_RESPONSE } from './v2-proto.js';
