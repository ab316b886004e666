/**
 * The REST routes a group-version serves, described once and rendered by the OpenAPI v2 and
 * v3 builders. Paths, operation ids, tags, parameters and `x-kubernetes-action` follow the
 * conventions of kube-apiserver's generated OpenAPI, so clients that key off them (kubectl's
 * server-side-validation probe, generated clients) see what they expect.
 */
import { definitionForKind, type SchemaDefinitions } from '../../api/schema/index.js';
import type { GroupVersionKind } from '../../apimachinery/types.js';

/** The part of a served resource the OpenAPI builders read (BuiltinResource fits; so will CRDs). */
export interface OpenAPIResource {
  group: string;
  /** Versions served; routes are built for the one asked for. */
  versions: readonly string[];
  resource: string;
  kind: string;
  namespaced: boolean;
  verbs: readonly string[];
  subresources?: readonly { name: string; verbs: readonly string[]; kind?: GroupVersionKind }[];
  /** Whether the resource can be sent as protobuf (false for custom resources). Default true. */
  protobuf?: boolean;
  /**
   * Whether DELETE answers with the deleted object rather than a Status. Defaults to what
   * upstream's registry does for the built-in resource (see DELETE_RETURNS_OBJECT).
   */
  deleteReturnsObject?: boolean;
}

/** Built-in resources (`group/resource`) whose DELETE returns the object, as upstream's registries do. */
const DELETE_RETURNS_OBJECT = new Set([
  '/pods',
  '/services',
  '/persistentvolumes',
  '/persistentvolumeclaims',
  '/podtemplates',
  '/resourcequotas',
  '/serviceaccounts',
  'storage.k8s.io/csidrivers',
  'storage.k8s.io/csinodes',
  'storage.k8s.io/storageclasses',
  'storage.k8s.io/volumeattachments',
]);

export type ParamType = 'string' | 'integer' | 'boolean';

export interface RouteParam {
  name: string;
  in: 'query' | 'path';
  type: ParamType;
  required?: boolean;
  description?: string;
}

export type HttpMethod = 'get' | 'put' | 'post' | 'delete' | 'options' | 'head' | 'patch';

export type KubernetesAction =
  | 'get'
  | 'list'
  | 'put'
  | 'patch'
  | 'post'
  | 'delete'
  | 'deletecollection'
  | 'watch'
  | 'watchlist'
  | 'connect';

/** A response body: a definition by name, or a plain string (logs, connect streams). */
export type RouteBody = { ref: string } | { type: 'string' };

export interface RouteOperation {
  method: HttpMethod;
  operationId: string;
  description: string;
  tags: string[];
  /** Absent on discovery operations, which are not about a kind. */
  action?: KubernetesAction;
  gvk?: GroupVersionKind;
  /** Parameters particular to this operation (the route holds those all its operations share). */
  params: RouteParam[];
  /** Request body, with the media types it may be sent as. */
  requestBody?: { schema: RouteBody; required: boolean; contentTypes: readonly string[] };
  consumes: readonly string[];
  produces: readonly string[];
  /** Status code -> body; every operation also answers 401. */
  responses: Partial<Record<'200' | '201' | '202', RouteBody>>;
}

export interface Route {
  path: string;
  /** Parameters every operation of the path takes, hoisted as upstream does. */
  params: RouteParam[];
  operations: RouteOperation[];
}

// Media types, as upstream lists them for built-in resources (without CBOR, which k8ts does
// not serve).
const JSON_YAML = ['application/json', 'application/yaml'] as const;
const PROTOBUF = 'application/vnd.kubernetes.protobuf';
const WATCH_STREAMS = ['application/json;stream=watch', `${PROTOBUF};stream=watch`] as const;
export const PATCH_CONTENT_TYPES = [
  'application/json-patch+json',
  'application/merge-patch+json',
  'application/strategic-merge-patch+json',
  'application/apply-patch+yaml',
] as const;
const ANY = ['*/*'] as const;

const q = (name: string, type: ParamType = 'string'): RouteParam => ({ name, in: 'query', type });
const pathParam = (name: string, description?: string): RouteParam => ({
  name,
  in: 'path',
  type: 'string',
  required: true,
  ...(description ? { description } : {}),
});

const PRETTY = q('pretty');
const NAMESPACE = pathParam('namespace', 'the namespace of the object');
const LIST_PARAMS: readonly RouteParam[] = [
  q('allowWatchBookmarks', 'boolean'),
  q('continue'),
  q('fieldSelector'),
  q('labelSelector'),
  q('limit', 'integer'),
  q('resourceVersion'),
  q('resourceVersionMatch'),
  q('sendInitialEvents', 'boolean'),
  q('timeoutSeconds', 'integer'),
  q('watch', 'boolean'),
];
const WRITE_PARAMS: readonly RouteParam[] = [q('dryRun'), q('fieldManager'), q('fieldValidation')];
const PATCH_PARAMS: readonly RouteParam[] = [...WRITE_PARAMS, q('force', 'boolean')];
const DELETE_PARAMS: readonly RouteParam[] = [
  q('dryRun'),
  q('gracePeriodSeconds', 'integer'),
  q('ignoreStoreReadErrorWithClusterBreakingPotential', 'boolean'),
  q('orphanDependents', 'boolean'),
  q('propagationPolicy'),
];
const DELETE_COLLECTION_PARAMS: readonly RouteParam[] = [
  ...DELETE_PARAMS,
  ...LIST_PARAMS.filter((p) => p.name !== 'watch' && p.name !== 'allowWatchBookmarks'),
];

/**
 * Connect-style subresources, whose routes are not derived from verbs: methods, query
 * parameters and the options kind upstream documents for each.
 */
const CONNECT_SUBRESOURCES: Record<string, { methods: HttpMethod[]; params: RouteParam[]; kindSuffix: string; withPath?: boolean }> = {
  attach: {
    methods: ['get', 'post'],
    params: [q('container'), q('stderr', 'boolean'), q('stdin', 'boolean'), q('stdout', 'boolean'), q('tty', 'boolean')],
    kindSuffix: 'AttachOptions',
  },
  exec: {
    methods: ['get', 'post'],
    params: [q('command'), q('container'), q('stderr', 'boolean'), q('stdin', 'boolean'), q('stdout', 'boolean'), q('tty', 'boolean')],
    kindSuffix: 'ExecOptions',
  },
  portforward: { methods: ['get', 'post'], params: [q('ports', 'integer')], kindSuffix: 'PortForwardOptions' },
  proxy: {
    methods: ['delete', 'get', 'head', 'options', 'patch', 'post', 'put'],
    params: [q('path')],
    kindSuffix: 'ProxyOptions',
    withPath: true,
  },
};

/** Query parameters of pods/log. */
const LOG_PARAMS: readonly RouteParam[] = [
  q('container'),
  q('follow', 'boolean'),
  q('insecureSkipTLSVerifyBackend', 'boolean'),
  q('limitBytes', 'integer'),
  q('previous', 'boolean'),
  q('sinceSeconds', 'integer'),
  q('stream'),
  q('tailLines', 'integer'),
  q('timestamps', 'boolean'),
];

/** `apps/v1` -> { group: 'apps', version: 'v1' }; `v1` -> the core group. */
export function parseGroupVersion(groupVersion: string): { group: string; version: string } {
  const i = groupVersion.indexOf('/');
  return i < 0 ? { group: '', version: groupVersion } : { group: groupVersion.slice(0, i), version: groupVersion.slice(i + 1) };
}

/** The URL prefix a group-version is served under: `/api/v1` or `/apis/apps/v1`. */
export function groupVersionPrefix(group: string, version: string): string {
  return group === '' ? `/api/${version}` : `/apis/${group}/${version}`;
}

const upperFirst = (s: string) => (s ? s[0].toUpperCase() + s.slice(1) : s);
const lowerFirst = (s: string) => (s ? s[0].toLowerCase() + s.slice(1) : s);

/**
 * The group's part of operation ids, as upstream derives it: `Core`, `Apps`,
 * `RbacAuthorization` (rbac.authorization.k8s.io), `StableExampleCom` (stable.example.com).
 */
export function operationGroupName(group: string): string {
  if (group === '') return 'Core';
  return group
    .replace(/\.k8s\.io$/, '')
    .split(/[.-]/)
    .map(upperFirst)
    .join('');
}

/** The tag upstream gives a group-version's operations: `core_v1`, `rbacAuthorization_v1`. */
export function groupVersionTag(group: string, version: string): string {
  return `${lowerFirst(operationGroupName(group))}_${version}`;
}

/** The definition name a kind is served as; throws when the definitions lack it. */
function kindRef(defs: SchemaDefinitions, gvk: GroupVersionKind): string {
  const found = definitionForKind(gvk.group, gvk.version, gvk.kind, defs);
  if (!found) throw new Error(`openapi: no definition for ${gvk.group || 'core'}/${gvk.version} ${gvk.kind}`);
  return found.name;
}

const META = 'io.k8s.apimachinery.pkg.apis.meta.v1';

/**
 * Every route a group-version serves for `resources` (those not in the group or not serving
 * the version are skipped), plus the group-version's discovery route, sorted by path.
 */
export function groupVersionRoutes(
  group: string,
  version: string,
  resources: readonly OpenAPIResource[],
  defs: SchemaDefinitions,
): Route[] {
  const prefix = groupVersionPrefix(group, version);
  const G = operationGroupName(group);
  const V = upperFirst(version);
  const tags = [groupVersionTag(group, version)];
  const discoveryMedia = [...JSON_YAML, PROTOBUF];
  const byPath = new Map<string, Route>();
  const add = (path: string, op: RouteOperation) => {
    let route = byPath.get(path);
    if (!route) byPath.set(path, (route = { path, params: [], operations: [] }));
    route.operations.push(op);
  };

  add(`${prefix}/`, {
    method: 'get',
    operationId: `get${G}${V}APIResources`,
    description: `discover the resources ${group ? `${group}/` : ''}${version} serves`,
    tags,
    params: [],
    consumes: discoveryMedia,
    produces: discoveryMedia,
    responses: { '200': { ref: `${META}.APIResourceList` } },
  });

  for (const r of resources) {
    if (r.group !== group || !r.versions.includes(version)) continue;
    const gvk: GroupVersionKind = { group, version, kind: r.kind };
    const objRef = { ref: kindRef(defs, gvk) };
    const media = r.protobuf === false ? [...JSON_YAML] : [...JSON_YAML, PROTOBUF];
    const streams = r.protobuf === false ? [...media, WATCH_STREAMS[0]] : [...media, ...WATCH_STREAMS];
    const ns = r.namespaced ? 'Namespaced' : '';
    const base = r.namespaced ? `${prefix}/namespaces/{namespace}/${r.resource}` : `${prefix}/${r.resource}`;
    const scope = r.namespaced ? [NAMESPACE] : [];
    const nameParam = pathParam('name', `the name of the ${r.kind}`);
    const item = `${base}/{name}`;
    const has = (verb: string) => r.verbs.includes(verb);
    const common = { tags, gvk, consumes: ANY, produces: media };
    const statusRef = { ref: `${META}.Status` };
    const deletedRef = (r.deleteReturnsObject ?? DELETE_RETURNS_OBJECT.has(`${group}/${r.resource}`)) ? objRef : statusRef;

    if (has('list')) {
      const listRef = { ref: kindRef(defs, { ...gvk, kind: `${r.kind}List` }) };
      const list = { ...common, method: 'get' as const, action: 'list' as const, produces: streams, responses: { '200': listRef } };
      add(base, {
        ...list,
        operationId: `list${G}${V}${ns}${r.kind}`,
        description: `list ${r.kind} objects (watch them with ?watch=true)`,
        params: [...scope, ...LIST_PARAMS, PRETTY],
      });
      if (r.namespaced) {
        add(`${prefix}/${r.resource}`, {
          ...list,
          operationId: `list${G}${V}${r.kind}ForAllNamespaces`,
          description: `list ${r.kind} objects in every namespace (watch them with ?watch=true)`,
          params: [...LIST_PARAMS, PRETTY],
        });
      }
    }
    if (has('watch')) {
      const watch = { ...common, method: 'get' as const, produces: streams, responses: { '200': { ref: `${META}.WatchEvent` } } };
      const watchBase = r.namespaced ? `${prefix}/watch/namespaces/{namespace}/${r.resource}` : `${prefix}/watch/${r.resource}`;
      add(watchBase, {
        ...watch,
        action: 'watchlist',
        operationId: `watch${G}${V}${ns}${r.kind}List`,
        description: `watch ${r.kind} objects (deprecated path: list with ?watch=true instead)`,
        params: [...scope, ...LIST_PARAMS, PRETTY],
      });
      add(`${watchBase}/{name}`, {
        ...watch,
        action: 'watch',
        operationId: `watch${G}${V}${ns}${r.kind}`,
        description: `watch one ${r.kind} object (deprecated path: list with ?watch=true and a metadata.name field selector instead)`,
        params: [nameParam, ...scope, ...LIST_PARAMS, PRETTY],
      });
      if (r.namespaced) {
        add(`${prefix}/watch/${r.resource}`, {
          ...watch,
          action: 'watchlist',
          operationId: `watch${G}${V}${r.kind}ListForAllNamespaces`,
          description: `watch ${r.kind} objects in every namespace (deprecated path: list with ?watch=true instead)`,
          params: [...LIST_PARAMS, PRETTY],
        });
      }
    }
    if (has('create')) {
      add(base, {
        ...common,
        method: 'post',
        action: 'post',
        operationId: `create${G}${V}${ns}${r.kind}`,
        description: `create a ${r.kind} object`,
        params: [...scope, ...WRITE_PARAMS, PRETTY],
        requestBody: { schema: objRef, required: true, contentTypes: ANY },
        responses: { '200': objRef, '201': objRef, '202': objRef },
      });
    }
    if (has('deletecollection')) {
      add(base, {
        ...common,
        method: 'delete',
        action: 'deletecollection',
        operationId: `delete${G}${V}Collection${ns}${r.kind}`,
        description: `delete the ${r.kind} objects the selectors match`,
        params: [...scope, ...DELETE_COLLECTION_PARAMS, PRETTY],
        requestBody: { schema: { ref: `${META}.DeleteOptions` }, required: false, contentTypes: ANY },
        responses: { '200': statusRef },
      });
    }
    const itemParams = [nameParam, ...scope, PRETTY];
    if (has('get')) {
      add(item, {
        ...common,
        method: 'get',
        action: 'get',
        operationId: `read${G}${V}${ns}${r.kind}`,
        description: `get one ${r.kind} object`,
        params: itemParams,
        responses: { '200': objRef },
      });
    }
    if (has('update')) {
      add(item, {
        ...common,
        method: 'put',
        action: 'put',
        operationId: `replace${G}${V}${ns}${r.kind}`,
        description: `update a ${r.kind} object, replacing it whole`,
        params: [...itemParams, ...WRITE_PARAMS],
        requestBody: { schema: objRef, required: true, contentTypes: ANY },
        responses: { '200': objRef, '201': objRef },
      });
    }
    if (has('patch')) {
      add(item, {
        ...common,
        method: 'patch',
        action: 'patch',
        operationId: `patch${G}${V}${ns}${r.kind}`,
        description: `patch a ${r.kind} object`,
        consumes: PATCH_CONTENT_TYPES,
        params: [...itemParams, ...PATCH_PARAMS],
        requestBody: { schema: { ref: `${META}.Patch` }, required: true, contentTypes: PATCH_CONTENT_TYPES },
        responses: { '200': objRef, '201': objRef },
      });
    }
    if (has('delete')) {
      add(item, {
        ...common,
        method: 'delete',
        action: 'delete',
        operationId: `delete${G}${V}${ns}${r.kind}`,
        description: `delete a ${r.kind} object`,
        params: [...itemParams, ...DELETE_PARAMS],
        requestBody: { schema: { ref: `${META}.DeleteOptions` }, required: false, contentTypes: ANY },
        responses: deletedRef === statusRef ? { '200': statusRef, '202': statusRef } : { '200': objRef, '202': objRef },
      });
    }

    for (const sub of r.subresources ?? []) {
      const S = upperFirst(sub.name);
      const subPath = `${item}/${sub.name}`;
      const subParams = [nameParam, ...scope];
      const connect = CONNECT_SUBRESOURCES[sub.name];
      if (connect) {
        const cgvk = sub.kind ?? { group, version, kind: `${r.kind}${connect.kindSuffix}` };
        const routes = connect.withPath ? [subPath, `${subPath}/{path}`] : [subPath];
        for (const path of routes) {
          const withPath = path.endsWith('{path}');
          for (const method of connect.methods) {
            add(path, {
              method,
              action: 'connect',
              gvk: cgvk,
              tags,
              operationId: `connect${G}${V}${upperFirst(method)}${ns}${r.kind}${S}${withPath ? 'WithPath' : ''}`,
              description: `forward ${method.toUpperCase()} requests to the ${sub.name} subresource of a ${r.kind}`,
              params: [...subParams, ...(withPath ? [pathParam('path', 'the path to forward the request to')] : []), ...connect.params],
              consumes: ANY,
              produces: ANY,
              responses: { '200': { type: 'string' } },
            });
          }
        }
        continue;
      }
      if (sub.name === 'log') {
        add(subPath, {
          method: 'get',
          action: 'get',
          gvk,
          tags,
          operationId: `read${G}${V}${ns}${r.kind}Log`,
          description: `read the log of a container of a ${r.kind}`,
          params: [...subParams, ...LOG_PARAMS, PRETTY],
          consumes: ANY,
          produces: ['text/plain', ...media],
          responses: { '200': { type: 'string' } },
        });
        continue;
      }
      const sgvk = sub.kind ?? gvk;
      const subRef = { ref: kindRef(defs, sgvk) };
      const subCommon = { tags, gvk: sgvk, consumes: ANY, produces: media };
      const subItemParams = [...subParams, PRETTY];
      if (sub.verbs.includes('get')) {
        add(subPath, {
          ...subCommon,
          method: 'get',
          action: 'get',
          operationId: `read${G}${V}${ns}${r.kind}${S}`,
          description: `get the ${sub.name} of a ${r.kind}`,
          params: subItemParams,
          responses: { '200': subRef },
        });
      }
      if (sub.verbs.includes('create')) {
        add(subPath, {
          ...subCommon,
          method: 'post',
          action: 'post',
          operationId: `create${G}${V}${ns}${r.kind}${S}`,
          description: `create the ${sub.name} of a ${r.kind}`,
          params: [...subItemParams, ...WRITE_PARAMS],
          requestBody: { schema: subRef, required: true, contentTypes: ANY },
          responses: { '200': subRef, '201': subRef, '202': subRef },
        });
      }
      if (sub.verbs.includes('update')) {
        add(subPath, {
          ...subCommon,
          method: 'put',
          action: 'put',
          operationId: `replace${G}${V}${ns}${r.kind}${S}`,
          description: `update the ${sub.name} of a ${r.kind}, replacing it whole`,
          params: [...subItemParams, ...WRITE_PARAMS],
          requestBody: { schema: subRef, required: true, contentTypes: ANY },
          responses: { '200': subRef, '201': subRef },
        });
      }
      if (sub.verbs.includes('patch')) {
        add(subPath, {
          ...subCommon,
          method: 'patch',
          action: 'patch',
          operationId: `patch${G}${V}${ns}${r.kind}${S}`,
          description: `patch the ${sub.name} of a ${r.kind}`,
          consumes: PATCH_CONTENT_TYPES,
          params: [...subItemParams, ...PATCH_PARAMS],
          requestBody: { schema: { ref: `${META}.Patch` }, required: true, contentTypes: PATCH_CONTENT_TYPES },
          responses: { '200': subRef, '201': subRef },
        });
      }
    }
  }

  return [...byPath.values()].map(hoistCommonParams).sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

/**
 * The discovery routes outside any group-version: `/api/`, `/apis/`, `/apis/<group>/` for each
 * group, and `/version/`.
 */
export function discoveryRoutes(groups: readonly string[]): Route[] {
  const media = [...JSON_YAML, PROTOBUF];
  const op = (operationId: string, tag: string, ref: string, m: readonly string[] = media): RouteOperation => ({
    method: 'get',
    operationId,
    description: ref.endsWith('Info') ? "report the server's version" : 'list the API versions served',
    tags: [tag],
    params: [],
    consumes: m,
    produces: m,
    responses: { '200': { ref } },
  });
  const routes: Route[] = [];
  if (groups.includes('')) routes.push({ path: '/api/', params: [], operations: [op('getCoreAPIVersions', 'core', `${META}.APIVersions`)] });
  const named = groups.filter((g) => g !== '');
  if (named.length) routes.push({ path: '/apis/', params: [], operations: [op('getAPIVersions', 'apis', `${META}.APIGroupList`)] });
  for (const g of named) {
    const name = lowerFirst(operationGroupName(g));
    routes.push({
      path: `/apis/${g}/`,
      params: [],
      operations: [{ ...op(`get${operationGroupName(g)}APIGroup`, name, `${META}.APIGroup`), description: 'describe an API group and its versions' }],
    });
  }
  routes.push({
    path: '/version/',
    params: [],
    operations: [op('getCodeVersion', 'version', 'io.k8s.apimachinery.pkg.version.Info', ['application/json'])],
  });
  return routes.sort((a, b) => (a.path < b.path ? -1 : 1));
}

const paramKey = (p: RouteParam) => `${p.in}:${p.name}`;
const byName = (a: RouteParam, b: RouteParam) => (a.name < b.name ? -1 : a.name > b.name ? 1 : a.in < b.in ? -1 : 1);

/**
 * Moves the parameters every operation of a route takes up to the route, as upstream's
 * builder does; each list ends up sorted by name.
 */
function hoistCommonParams(route: Route): Route {
  const [first, ...rest] = route.operations;
  const shared = first.params.filter((p) =>
    rest.every((op) => op.params.some((o) => paramKey(o) === paramKey(p) && o.type === p.type)),
  );
  const sharedKeys = new Set(shared.map(paramKey));
  const methodOrder: HttpMethod[] = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch'];
  return {
    path: route.path,
    params: [...route.params, ...shared].sort(byName),
    operations: route.operations
      .map((op) => ({ ...op, params: op.params.filter((p) => !sharedKeys.has(paramKey(p))).sort(byName) }))
      .sort((a, b) => methodOrder.indexOf(a.method) - methodOrder.indexOf(b.method)),
  };
}

/** The definition names a set of routes references (bodies and responses). */
export function routeRefs(routes: readonly Route[]): string[] {
  const refs = new Set<string>();
  for (const route of routes) {
    for (const op of route.operations) {
      if (op.requestBody && 'ref' in op.requestBody.schema) refs.add(op.requestBody.schema.ref);
      for (const body of Object.values(op.responses)) if (body && 'ref' in body) refs.add(body.ref);
    }
  }
  return [...refs].sort();
}
