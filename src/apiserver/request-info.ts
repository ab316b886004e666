/**
 * Parses a request path into what the handler chain needs to know, as kube-apiserver's
 * RequestInfoFactory does: whether it names a resource, and then which verb, group, version,
 * namespace, resource, subresource and name.
 *
 *   /api/v1/namespaces/ns/pods/name/status   -> get pods/status "name" in ns
 *   /apis/apps/v1/deployments?watch=true     -> watch deployments (all namespaces)
 *   /healthz, /openapi/v3, /version          -> non-resource requests
 */
export interface RequestInfo {
  isResourceRequest: boolean;
  /** The URL path without the query string. */
  path: string;
  /** get, list, watch, create, update, patch, delete, deletecollection; for non-resource requests the lowercased method. */
  verb: string;
  /** 'api' or 'apis'. */
  apiPrefix: string;
  apiGroup: string;
  apiVersion: string;
  namespace: string;
  resource: string;
  subresource: string;
  name: string;
  /** The path segments after the group-version (resource, name, subresource, ...). */
  parts: string[];
}

const WATCH_PREFIX = 'watch';
const NAMESPACE_SUBRESOURCES = new Set(['status', 'finalize']);

function methodVerb(method: string): string {
  switch (method) {
    case 'POST':
      return 'create';
    case 'GET':
    case 'HEAD':
      return 'get';
    case 'PUT':
      return 'update';
    case 'PATCH':
      return 'patch';
    case 'DELETE':
      return 'delete';
    default:
      return method.toLowerCase();
  }
}

export function parseRequestInfo(method: string, path: string, query: URLSearchParams): RequestInfo {
  const info: RequestInfo = {
    isResourceRequest: false,
    path,
    verb: method.toLowerCase(),
    apiPrefix: '',
    apiGroup: '',
    apiVersion: '',
    namespace: '',
    resource: '',
    subresource: '',
    name: '',
    parts: [],
  };
  let segs = path.split('/').filter((s) => s !== '');
  if (segs.length === 0) return info;
  const prefix = segs[0]!;
  if (prefix !== 'api' && prefix !== 'apis') return info;
  info.apiPrefix = prefix;
  segs = segs.slice(1);
  if (prefix === 'apis') {
    if (segs.length < 1) return info;
    info.apiGroup = segs[0]!;
    segs = segs.slice(1);
  }
  if (segs.length < 1) return info;
  info.apiVersion = segs[0]!;
  segs = segs.slice(1);
  if (segs.length < 1) return info; // discovery of a group-version
  info.isResourceRequest = true;
  info.verb = methodVerb(method);

  // The deprecated /watch/ path prefix.
  if (segs[0] === WATCH_PREFIX) {
    info.verb = 'watch';
    segs = segs.slice(1);
  }
  // Namespaced paths: namespaces/{ns}/{resource}... ; `namespaces/{ns}` alone is the namespace itself.
  // As upstream, `namespaces/{ns}` (and its status and finalize subresources) is the namespace
  // object itself, whose "namespace" is its own name.
  if (segs[0] === 'namespaces' && segs.length > 1) {
    info.namespace = segs[1]!;
    if (segs.length > 2 && !NAMESPACE_SUBRESOURCES.has(segs[2]!)) segs = segs.slice(2);
  }
  info.parts = segs;
  info.resource = segs[0] ?? '';
  if (segs.length >= 2) info.name = segs[1]!;
  if (segs.length >= 3) info.subresource = segs[2]!;

  if (info.verb === 'get' && !info.name) {
    info.verb = isTrue(query.get('watch')) ? 'watch' : 'list';
  } else if (info.verb === 'watch' && info.name) {
    // /watch/namespaces/ns/pods/name watches one object.
  }
  if (info.verb === 'delete' && !info.name) info.verb = 'deletecollection';
  return info;
}

export function isTrue(v: string | null): boolean {
  return v === 'true' || v === '1';
}
