import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { BUILTIN_RESOURCES } from '../../api/resources.js';
import { definitionForKind, definitions, type Schema, type SchemaDefinitions } from '../../api/schema/index.js';
import {
  buildOpenAPIV2,
  buildOpenAPIV3,
  buildOpenAPIV3Set,
  contentHash,
  decodeOpenAPIV2Proto,
  encodeOpenAPIV2Proto,
  groupVersionRoutes,
  openAPIV2Message,
  openAPIV3Key,
  type OpenAPIResource,
  type OpenAPIV3Document,
  type SwaggerDocument,
} from './index.js';

const defs = definitions();
const gvOf = (group: string, version: string) => (group === '' ? version : `${group}/${version}`);
const servedGVs = [...new Set(BUILTIN_RESOURCES.flatMap((r) => r.versions.map((v) => gvOf(r.group, v))))].sort();

/** Every `$ref` string anywhere in a JSON value. */
function refsIn(v: unknown, out: string[] = []): string[] {
  if (Array.isArray(v)) v.forEach((x) => refsIn(x, out));
  else if (v && typeof v === 'object') {
    for (const [k, x] of Object.entries(v)) {
      if (k === '$ref' && typeof x === 'string') out.push(x);
      else refsIn(x, out);
    }
  }
  return out;
}

type AnyOp = {
  operationId: string;
  parameters?: { name: string; in: string }[];
  'x-kubernetes-action'?: string;
  'x-kubernetes-group-version-kind'?: { group: string; version: string; kind: string };
};
const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch'];
function operations(paths: Record<string, Record<string, unknown>>): { path: string; method: string; op: AnyOp }[] {
  const out: { path: string; method: string; op: AnyOp }[] = [];
  for (const [path, item] of Object.entries(paths)) {
    for (const method of METHODS) if (item[method]) out.push({ path, method, op: item[method] as AnyOp });
  }
  return out;
}

describe('openapi v3: per group-version documents', () => {
  for (const gv of servedGVs) {
    it(`${gv} is self-contained and covers every served kind`, () => {
      const doc = buildOpenAPIV3(gv, BUILTIN_RESOURCES, defs);
      assert.equal(doc.openapi, '3.0.0');
      const schemas = doc.components.schemas;
      for (const ref of refsIn(doc)) {
        assert.match(ref, /^#\/components\/schemas\//);
        assert.ok(schemas[ref.slice('#/components/schemas/'.length)], `${gv}: dangling ${ref}`);
      }
      const [group, version] = gv.includes('/') ? gv.split('/') : ['', gv];
      for (const r of BUILTIN_RESOURCES.filter((x) => x.group === group && x.versions.includes(version))) {
        const name = definitionForKind(group, version, r.kind)!.name;
        assert.deepEqual(schemas[name]?.['x-kubernetes-group-version-kind'], [{ group, kind: r.kind, version }]);
        const prefix = group === '' ? `/api/${version}` : `/apis/${group}/${version}`;
        const base = r.namespaced ? `${prefix}/namespaces/{namespace}/${r.resource}` : `${prefix}/${r.resource}`;
        assert.ok(doc.paths[base], `${gv}: no path ${base}`);
      }
      const ids = operations(doc.paths).map((o) => o.op.operationId);
      assert.equal(new Set(ids).size, ids.length, 'operation ids are unique');
    });
  }

  it('lists fieldValidation and the GVK on every PATCH, as kubectl probes for', () => {
    for (const gv of servedGVs) {
      const doc = buildOpenAPIV3(gv, BUILTIN_RESOURCES, defs);
      // connect operations (proxy) take PATCH too, but are not object patches
      const patches = operations(doc.paths).filter((o) => o.method === 'patch' && o.op['x-kubernetes-action'] !== 'connect');
      for (const { path, op } of patches) {
        const names = (op.parameters ?? []).filter((p) => p.in === 'query').map((p) => p.name);
        for (const n of ['dryRun', 'fieldManager', 'fieldValidation', 'force']) assert.ok(names.includes(n), `${path}: ${n}`);
        assert.equal(op['x-kubernetes-action'], 'patch');
        assert.ok(op['x-kubernetes-group-version-kind'], path);
      }
    }
    const apps = buildOpenAPIV3('apps/v1', BUILTIN_RESOURCES, defs);
    const patch = apps.paths['/apis/apps/v1/namespaces/{namespace}/deployments/{name}'].patch as AnyOp;
    assert.deepEqual(patch['x-kubernetes-group-version-kind'], { group: 'apps', kind: 'Deployment', version: 'v1' });
  });

  it('renders IntOrString and Quantity in their v3 shapes', () => {
    const s = buildOpenAPIV3('apps/v1', BUILTIN_RESOURCES, defs).components.schemas;
    assert.deepEqual(s['io.k8s.apimachinery.pkg.util.intstr.IntOrString'], {
      format: 'int-or-string',
      oneOf: [{ type: 'integer' }, { type: 'string' }],
    });
    assert.deepEqual(s['io.k8s.apimachinery.pkg.api.resource.Quantity'], { oneOf: [{ type: 'string' }, { type: 'number' }] });
    assert.equal(s['io.k8s.apimachinery.pkg.apis.meta.v1.Time'].format, 'date-time');
  });

  it('wraps references that carry sibling keywords in allOf', () => {
    const s = buildOpenAPIV3('apps/v1', BUILTIN_RESOURCES, defs).components.schemas;
    assert.deepEqual(s['io.k8s.api.apps.v1.DeploymentSpec'].properties!.strategy, {
      allOf: [{ $ref: '#/components/schemas/io.k8s.api.apps.v1.DeploymentStrategy' }],
      'x-kubernetes-patch-strategy': 'retainKeys',
    });
    assert.deepEqual(s['io.k8s.api.apps.v1.DeploymentSpec'].properties!.template, {
      $ref: '#/components/schemas/io.k8s.api.core.v1.PodTemplateSpec',
    });
    const containers = s['io.k8s.api.core.v1.PodSpec'].properties!.containers;
    assert.equal(containers['x-kubernetes-patch-merge-key'], 'name');
    assert.deepEqual(containers['x-kubernetes-list-map-keys'], ['name']);
  });

  it('carries only the definitions a group-version references', () => {
    const s = buildOpenAPIV3('coordination.k8s.io/v1', BUILTIN_RESOURCES, defs).components.schemas;
    assert.ok(s['io.k8s.api.coordination.v1.Lease']);
    assert.ok(s['io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta']);
    assert.equal(s['io.k8s.api.core.v1.PodSpec'], undefined);
  });
});

describe('openapi v3: root and hashes', () => {
  const set = buildOpenAPIV3Set(BUILTIN_RESOURCES, defs);

  it('lists every group-version and discovery document with its content hash', () => {
    const keys = Object.keys(set.root.paths);
    for (const gv of servedGVs) assert.ok(keys.includes(openAPIV3Key(gv)), gv);
    for (const k of ['api', 'apis', 'apis/apps', 'api/v1', 'apis/apps/v1', 'apis/autoscaling/v1', 'apis/autoscaling/v2']) {
      assert.ok(keys.includes(k), k);
    }
    for (const [key, { serverRelativeURL }] of Object.entries(set.root.paths)) {
      const doc = set.documents.get(key)!;
      assert.equal(serverRelativeURL, `/openapi/v3/${key}?hash=${doc.hash}`);
      assert.equal(doc.hash, contentHash(doc.json));
      assert.match(doc.hash, /^[0-9A-F]{128}$/);
    }
  });

  it('is deterministic, and a change of content changes the hash', () => {
    const again = buildOpenAPIV3Set(BUILTIN_RESOURCES, defs);
    assert.deepEqual(again.root, set.root);
    const other = buildOpenAPIV3Set(BUILTIN_RESOURCES, defs, { version: 'v1.32.4' });
    assert.notEqual(other.documents.get('apis/apps/v1')!.hash, set.documents.get('apis/apps/v1')!.hash);
  });

  it('serves the discovery paths in their own documents', () => {
    const apps = JSON.parse(set.documents.get('apis/apps')!.json) as OpenAPIV3Document;
    assert.deepEqual(Object.keys(apps.paths), ['/apis/apps/']);
    const api = JSON.parse(set.documents.get('api')!.json) as OpenAPIV3Document;
    assert.ok(api.components.schemas['io.k8s.apimachinery.pkg.apis.meta.v1.APIVersions']);
  });
});

describe('openapi routes: upstream operation ids and actions', () => {
  const all = servedGVs.flatMap((gv) => {
    const [group, version] = gv.includes('/') ? gv.split('/') : ['', gv];
    return groupVersionRoutes(group, version, BUILTIN_RESOURCES, defs);
  });
  const find = (path: string, method: string) => all.find((r) => r.path === path)?.operations.find((o) => o.method === method);
  const cases: [string, string, string, string][] = [
    ['/api/v1/namespaces/{namespace}/pods', 'get', 'listCoreV1NamespacedPod', 'list'],
    ['/api/v1/pods', 'get', 'listCoreV1PodForAllNamespaces', 'list'],
    ['/api/v1/namespaces/{namespace}/pods', 'delete', 'deleteCoreV1CollectionNamespacedPod', 'deletecollection'],
    ['/api/v1/namespaces/{namespace}/pods/{name}/exec', 'post', 'connectCoreV1PostNamespacedPodExec', 'connect'],
    ['/api/v1/namespaces/{namespace}/pods/{name}/log', 'get', 'readCoreV1NamespacedPodLog', 'get'],
    ['/api/v1/namespaces/{namespace}/pods/{name}/eviction', 'post', 'createCoreV1NamespacedPodEviction', 'post'],
    ['/api/v1/namespaces/{namespace}/bindings', 'post', 'createCoreV1NamespacedBinding', 'post'],
    ['/api/v1/namespaces/{name}/finalize', 'put', 'replaceCoreV1NamespaceFinalize', 'put'],
    ['/api/v1/nodes/{name}/proxy/{path}', 'get', 'connectCoreV1GetNodeProxyWithPath', 'connect'],
    ['/api/v1/watch/namespaces/{namespace}/pods', 'get', 'watchCoreV1NamespacedPodList', 'watchlist'],
    ['/api/v1/watch/namespaces/{namespace}/pods/{name}', 'get', 'watchCoreV1NamespacedPod', 'watch'],
    ['/apis/apps/v1/namespaces/{namespace}/deployments/{name}/scale', 'patch', 'patchAppsV1NamespacedDeploymentScale', 'patch'],
    ['/apis/authorization.k8s.io/v1/selfsubjectaccessreviews', 'post', 'createAuthorizationV1SelfSubjectAccessReview', 'post'],
    ['/apis/rbac.authorization.k8s.io/v1/clusterroles', 'get', 'listRbacAuthorizationV1ClusterRole', 'list'],
    ['/apis/flowcontrol.apiserver.k8s.io/v1/flowschemas/{name}/status', 'put', 'replaceFlowcontrolApiserverV1FlowSchemaStatus', 'put'],
  ];
  for (const [path, method, id, action] of cases) {
    it(`${method.toUpperCase()} ${path} is ${id}`, () => {
      const op = find(path, method);
      assert.ok(op, 'operation exists');
      assert.equal(op.operationId, id);
      assert.equal(op.action, action);
    });
  }

  it('answers scale with autoscaling/v1 Scale and eviction with policy/v1 Eviction', () => {
    const scale = find('/apis/apps/v1/namespaces/{namespace}/deployments/{name}/scale', 'get')!;
    assert.deepEqual(scale.gvk, { group: 'autoscaling', version: 'v1', kind: 'Scale' });
    assert.deepEqual(scale.responses['200'], { ref: 'io.k8s.api.autoscaling.v1.Scale' });
    const eviction = find('/api/v1/namespaces/{namespace}/pods/{name}/eviction', 'post')!;
    assert.deepEqual(eviction.gvk, { group: 'policy', version: 'v1', kind: 'Eviction' });
  });

  it('hoists the parameters all operations of a path share', () => {
    const route = all.find((r) => r.path === '/apis/apps/v1/namespaces/{namespace}/deployments/{name}')!;
    assert.deepEqual(route.params.map((p) => p.name), ['name', 'namespace', 'pretty']);
    const get = route.operations.find((o) => o.method === 'get')!;
    assert.deepEqual(get.params, []);
    const del = route.operations.find((o) => o.method === 'delete')!;
    assert.deepEqual(del.params.map((p) => p.name), [
      'dryRun',
      'gracePeriodSeconds',
      'ignoreStoreReadErrorWithClusterBreakingPotential',
      'orphanDependents',
      'propagationPolicy',
    ]);
  });

  it('answers DELETE with the object where upstream does, else a Status', () => {
    assert.deepEqual(find('/api/v1/namespaces/{namespace}/pods/{name}', 'delete')!.responses['200'], { ref: 'io.k8s.api.core.v1.Pod' });
    assert.deepEqual(find('/apis/apps/v1/namespaces/{namespace}/deployments/{name}', 'delete')!.responses['200'], {
      ref: 'io.k8s.apimachinery.pkg.apis.meta.v1.Status',
    });
  });
});

describe('openapi: custom resources', () => {
  const crDefs: SchemaDefinitions = {
    ...defs,
    'com.example.stable.v1.CronTab': {
      type: 'object',
      properties: {
        apiVersion: { type: 'string' },
        kind: { type: 'string' },
        metadata: { $ref: 'io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta' },
        spec: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true },
      },
      'x-kubernetes-group-version-kind': [{ group: 'stable.example.com', kind: 'CronTab', version: 'v1' }],
    },
    'com.example.stable.v1.CronTabList': {
      type: 'object',
      properties: { items: { type: 'array', items: { $ref: 'com.example.stable.v1.CronTab' } } },
      'x-kubernetes-group-version-kind': [{ group: 'stable.example.com', kind: 'CronTabList', version: 'v1' }],
    },
  };
  const crontabs: OpenAPIResource = {
    group: 'stable.example.com',
    versions: ['v1'],
    resource: 'crontabs',
    kind: 'CronTab',
    namespaced: true,
    verbs: ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'],
    protobuf: false,
  };

  it('builds a document for a group-version added at runtime', () => {
    const doc = buildOpenAPIV3('stable.example.com/v1', [...BUILTIN_RESOURCES, crontabs], crDefs);
    const list = doc.paths['/apis/stable.example.com/v1/namespaces/{namespace}/crontabs'].get as AnyOp & {
      responses: Record<string, { content?: Record<string, unknown> }>;
    };
    assert.equal(list.operationId, 'listStableExampleComV1NamespacedCronTab');
    assert.deepEqual(Object.keys(list.responses['200'].content!), ['application/json', 'application/yaml', 'application/json;stream=watch']);
    assert.ok(doc.components.schemas['com.example.stable.v1.CronTab']);
  });

  it('rejects a served kind without a definition', () => {
    assert.throws(() => buildOpenAPIV3('stable.example.com/v1', [crontabs], defs), /no definition for stable.example.com\/v1 CronTab/);
  });
});

describe('openapi v2', () => {
  const doc = buildOpenAPIV2(BUILTIN_RESOURCES, defs);

  it('is a self-contained swagger 2.0 document of every served kind', () => {
    assert.equal(doc.swagger, '2.0');
    for (const ref of refsIn(doc)) {
      assert.match(ref, /^#\/definitions\//);
      assert.ok(doc.definitions[ref.slice('#/definitions/'.length)], `dangling ${ref}`);
    }
    for (const r of BUILTIN_RESOURCES) {
      for (const v of r.versions) {
        const name = definitionForKind(r.group, v, r.kind)!.name;
        assert.ok(doc.definitions[name], name);
      }
    }
    for (const p of ['/api/', '/apis/', '/apis/apps/', '/version/', '/api/v1/namespaces/{namespace}/pods/{name}']) assert.ok(doc.paths[p], p);
  });

  it('puts request bodies in body parameters', () => {
    const create = doc.paths['/apis/apps/v1/namespaces/{namespace}/deployments'].post!;
    assert.deepEqual(create.parameters!.find((p) => p.in === 'body'), {
      in: 'body',
      name: 'body',
      required: true,
      schema: { $ref: '#/definitions/io.k8s.api.apps.v1.Deployment' },
    });
    assert.ok(create.parameters!.some((p) => p.name === 'fieldValidation' && p.in === 'query'));
  });
});

describe('openapi v2: gnostic protobuf', () => {
  const doc = buildOpenAPIV2(BUILTIN_RESOURCES, defs);

  /** Drops empty arrays and objects, which protobuf does not distinguish from absent. */
  function normalize(v: unknown): unknown {
    if (Array.isArray(v)) return v.length ? v.map(normalize) : undefined;
    if (v && typeof v === 'object') {
      const out: Record<string, unknown> = {};
      for (const [k, x] of Object.entries(v)) {
        const n = normalize(x);
        if (n !== undefined) out[k] = n;
      }
      return Object.keys(out).length ? out : undefined;
    }
    return v === '' || v === false ? undefined : v;
  }

  it('round-trips through encoding', () => {
    const bytes = encodeOpenAPIV2Proto(doc);
    assert.ok(bytes.length > 100_000);
    assert.deepEqual(normalize(decodeOpenAPIV2Proto(bytes)), normalize(openAPIV2Message(doc)));
  });

  it('carries schemas, parameters and vendor extensions where client-go reads them', () => {
    const back = decodeOpenAPIV2Proto(encodeOpenAPIV2Proto(doc)) as {
      swagger: string;
      definitions: { additional_properties: { name: string; value: Record<string, unknown> }[] };
      paths: { path: { name: string; value: Record<string, { parameters?: unknown[]; vendor_extension?: unknown[] }> }[] };
    };
    assert.equal(back.swagger, '2.0');
    const podSpec = back.definitions.additional_properties.find((d) => d.name === 'io.k8s.api.core.v1.PodSpec')!.value as {
      properties: { additional_properties: { name: string; value: { vendor_extension?: { name: string; value: { yaml: string } }[]; type?: { value: string[] } } }[] };
    };
    const containers = podSpec.properties.additional_properties.find((p) => p.name === 'containers')!.value;
    assert.deepEqual(containers.type, { value: ['array'] });
    const ext = Object.fromEntries(containers.vendor_extension!.map((e) => [e.name, JSON.parse(e.value.yaml)]));
    assert.deepEqual(ext, {
      'x-kubernetes-list-map-keys': ['name'],
      'x-kubernetes-list-type': 'map',
      'x-kubernetes-patch-merge-key': 'name',
      'x-kubernetes-patch-strategy': 'merge',
    });
    const item = back.paths.path.find((p) => p.name === '/apis/apps/v1/namespaces/{namespace}/deployments/{name}')!.value;
    const patch = item.patch as { parameters: { parameter: { non_body_parameter?: { query_parameter_sub_schema?: { name: string } } } }[]; vendor_extension: { name: string; value: { yaml: string } }[] };
    const queryNames = patch.parameters.map((p) => p.parameter.non_body_parameter?.query_parameter_sub_schema?.name).filter(Boolean);
    assert.ok(queryNames.includes('fieldValidation'));
    const gvk = patch.vendor_extension.find((e) => e.name === 'x-kubernetes-group-version-kind')!;
    assert.deepEqual(JSON.parse(gvk.value.yaml), { group: 'apps', kind: 'Deployment', version: 'v1' });
  });

  it('rejects a document protobuf cannot carry', () => {
    const bad = { ...doc, info: { title: 5 as unknown as string, version: 'x' } } satisfies SwaggerDocument;
    assert.throws(() => encodeOpenAPIV2Proto(bad), /does not fit/);
  });

  it('encodes additionalProperties booleans and schemas', () => {
    const tiny: SwaggerDocument = {
      ...doc,
      paths: {},
      definitions: {
        A: { type: 'object', additionalProperties: true },
        B: { type: 'object', additionalProperties: { type: 'string' } as Schema },
      },
    };
    const back = decodeOpenAPIV2Proto(encodeOpenAPIV2Proto(tiny)) as {
      definitions: { additional_properties: { name: string; value: { additional_properties: unknown } }[] };
    };
    const [a, b] = back.definitions.additional_properties;
    assert.deepEqual(a.value.additional_properties, { boolean: true });
    assert.deepEqual(b.value.additional_properties, { schema: { type: { value: ['string'] } } });
  });
});
