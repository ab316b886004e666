import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { BUILTIN_RESOURCES, definitionPackage } from '../resources.js';
import {
  INT_OR_STRING,
  definition,
  definitionForKind,
  definitions,
  isAtomicMap,
  isIntOrString,
  isQuantity,
  listSemantics,
  referencedDefinitions,
  resolve,
  schemaAt,
  type Schema,
  type SchemaDefinitions,
} from './index.js';

const kindSchema = (group: string, version: string, kind: string): Schema => {
  const found = definitionForKind(group, version, kind);
  assert.ok(found, `no definition for ${group}/${version} ${kind}`);
  return found.schema;
};

const at = (gvk: [string, string, string], path: string): Schema => {
  const s = schemaAt(kindSchema(...gvk), path.split('.'));
  assert.ok(s, `no schema at ${gvk.join('/')} ${path}`);
  return s;
};

const POD: [string, string, string] = ['', 'v1', 'Pod'];
const SERVICE: [string, string, string] = ['', 'v1', 'Service'];
const DEPLOYMENT: [string, string, string] = ['apps', 'v1', 'Deployment'];

describe('schema: list semantics', () => {
  const cases: {
    name: string;
    gvk: [string, string, string];
    path: string;
    listType: 'atomic' | 'set' | 'map';
    mapKeys?: string[];
    patchStrategy?: string[];
    patchMergeKey?: string;
  }[] = [
    { name: 'pod containers', gvk: POD, path: 'spec.containers', listType: 'map', mapKeys: ['name'], patchStrategy: ['merge'], patchMergeKey: 'name' },
    { name: 'init containers', gvk: POD, path: 'spec.initContainers', listType: 'map', mapKeys: ['name'], patchStrategy: ['merge'], patchMergeKey: 'name' },
    { name: 'ephemeral containers', gvk: POD, path: 'spec.ephemeralContainers', listType: 'map', mapKeys: ['name'], patchStrategy: ['merge'], patchMergeKey: 'name' },
    {
      name: 'container ports',
      gvk: POD,
      path: 'spec.containers.ports',
      listType: 'map',
      mapKeys: ['containerPort', 'protocol'],
      patchStrategy: ['merge'],
      patchMergeKey: 'containerPort',
    },
    { name: 'container env', gvk: POD, path: 'spec.containers.env', listType: 'map', mapKeys: ['name'], patchStrategy: ['merge'], patchMergeKey: 'name' },
    { name: 'container args', gvk: POD, path: 'spec.containers.args', listType: 'atomic' },
    { name: 'container resizePolicy', gvk: POD, path: 'spec.containers.resizePolicy', listType: 'atomic' },
    { name: 'volume mounts', gvk: POD, path: 'spec.containers.volumeMounts', listType: 'map', mapKeys: ['mountPath'], patchStrategy: ['merge'], patchMergeKey: 'mountPath' },
    { name: 'tolerations', gvk: POD, path: 'spec.tolerations', listType: 'atomic' },
    { name: 'schedulingGates', gvk: POD, path: 'spec.schedulingGates', listType: 'map', mapKeys: ['name'], patchStrategy: ['merge'], patchMergeKey: 'name' },
    { name: 'hostAliases', gvk: POD, path: 'spec.hostAliases', listType: 'map', mapKeys: ['ip'], patchStrategy: ['merge'], patchMergeKey: 'ip' },
    {
      name: 'volumes',
      gvk: POD,
      path: 'spec.volumes',
      listType: 'map',
      mapKeys: ['name'],
      patchStrategy: ['merge', 'retainKeys'],
      patchMergeKey: 'name',
    },
    {
      name: 'resourceClaims',
      gvk: POD,
      path: 'spec.resourceClaims',
      listType: 'map',
      mapKeys: ['name'],
      patchStrategy: ['merge', 'retainKeys'],
      patchMergeKey: 'name',
    },
    { name: 'pod conditions', gvk: POD, path: 'status.conditions', listType: 'map', mapKeys: ['type'], patchStrategy: ['merge'], patchMergeKey: 'type' },
    { name: 'finalizers', gvk: POD, path: 'metadata.finalizers', listType: 'set', patchStrategy: ['merge'] },
    { name: 'ownerReferences', gvk: POD, path: 'metadata.ownerReferences', listType: 'map', mapKeys: ['uid'], patchStrategy: ['merge'], patchMergeKey: 'uid' },
    { name: 'managedFields', gvk: POD, path: 'metadata.managedFields', listType: 'atomic' },
    {
      name: 'service ports',
      gvk: SERVICE,
      path: 'spec.ports',
      listType: 'map',
      mapKeys: ['port', 'protocol'],
      patchStrategy: ['merge'],
      patchMergeKey: 'port',
    },
    { name: 'service ipFamilies', gvk: SERVICE, path: 'spec.ipFamilies', listType: 'atomic' },
    { name: 'service clusterIPs', gvk: SERVICE, path: 'spec.clusterIPs', listType: 'atomic' },
    {
      name: 'deployment template containers',
      gvk: DEPLOYMENT,
      path: 'spec.template.spec.containers',
      listType: 'map',
      mapKeys: ['name'],
      patchStrategy: ['merge'],
      patchMergeKey: 'name',
    },
    { name: 'selector matchExpressions', gvk: DEPLOYMENT, path: 'spec.selector.matchExpressions', listType: 'atomic' },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const sem = listSemantics(at(c.gvk, c.path));
      assert.equal(sem.listType, c.listType);
      assert.deepEqual(sem.mapKeys, c.mapKeys ?? []);
      assert.deepEqual(sem.patchStrategy, c.patchStrategy ?? []);
      assert.equal(sem.patchMergeKey, c.patchMergeKey);
    });
  }

  it('defaults an unmarked list to atomic with no patch strategy', () => {
    assert.deepEqual(listSemantics({ type: 'array', items: { type: 'string' } }), {
      listType: 'atomic',
      mapKeys: [],
      patchStrategy: [],
    });
  });
});

describe('schema: kinds', () => {
  const cases: { gvk: [string, string, string]; name: string }[] = [
    { gvk: DEPLOYMENT, name: 'io.k8s.api.apps.v1.Deployment' },
    { gvk: ['apps', 'v1', 'DeploymentList'], name: 'io.k8s.api.apps.v1.DeploymentList' },
    { gvk: POD, name: 'io.k8s.api.core.v1.Pod' },
    { gvk: ['', 'v1', 'PodList'], name: 'io.k8s.api.core.v1.PodList' },
    { gvk: ['autoscaling', 'v1', 'Scale'], name: 'io.k8s.api.autoscaling.v1.Scale' },
    { gvk: ['autoscaling', 'v2', 'HorizontalPodAutoscaler'], name: 'io.k8s.api.autoscaling.v2.HorizontalPodAutoscaler' },
    { gvk: ['policy', 'v1', 'Eviction'], name: 'io.k8s.api.policy.v1.Eviction' },
    { gvk: ['events.k8s.io', 'v1', 'Event'], name: 'io.k8s.api.events.v1.Event' },
    { gvk: ['', 'v1', 'Event'], name: 'io.k8s.api.core.v1.Event' },
    {
      gvk: ['apiextensions.k8s.io', 'v1', 'CustomResourceDefinition'],
      name: 'io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.CustomResourceDefinition',
    },
    { gvk: ['apiregistration.k8s.io', 'v1', 'APIService'], name: 'io.k8s.kube-aggregator.pkg.apis.apiregistration.v1.APIService' },
    { gvk: ['', 'v1', 'Status'], name: 'io.k8s.apimachinery.pkg.apis.meta.v1.Status' },
    { gvk: ['apps', 'v1', 'DeleteOptions'], name: 'io.k8s.apimachinery.pkg.apis.meta.v1.DeleteOptions' },
    { gvk: ['resource.k8s.io', 'v1beta1', 'WatchEvent'], name: 'io.k8s.apimachinery.pkg.apis.meta.v1.WatchEvent' },
    { gvk: ['meta.k8s.io', 'v1', 'Table'], name: 'io.k8s.apimachinery.pkg.apis.meta.v1.Table' },
    { gvk: ['meta.k8s.io', 'v1', 'PartialObjectMetadataList'], name: 'io.k8s.apimachinery.pkg.apis.meta.v1.PartialObjectMetadataList' },
    { gvk: ['resource.k8s.io', 'v1beta1', 'ResourceClaim'], name: 'io.k8s.api.resource.v1beta1.ResourceClaim' },
  ];
  for (const c of cases) {
    it(`${c.gvk.join('/')} -> ${c.name}`, () => {
      assert.equal(definitionForKind(...c.gvk)?.name, c.name);
    });
  }

  it('answers undefined for unknown kinds', () => {
    assert.equal(definitionForKind('apps', 'v1', 'Pod'), undefined);
    assert.equal(definitionForKind('', 'v2', 'Pod'), undefined);
  });

  it('has a definition, in the package upstream names, for every served kind and its list', () => {
    for (const r of BUILTIN_RESOURCES) {
      for (const v of r.versions) {
        const pkg = definitionPackage(r.group, v);
        assert.equal(definitionForKind(r.group, v, r.kind)?.name, `${pkg}.${r.kind}`, `${r.group}/${v} ${r.kind}`);
        if (r.verbs.includes('list')) {
          assert.equal(definitionForKind(r.group, v, `${r.kind}List`)?.name, `${pkg}.${r.kind}List`);
        }
      }
    }
  });

  it('carries the GVK extension on Deployment', () => {
    assert.deepEqual(definition('io.k8s.api.apps.v1.Deployment')?.['x-kubernetes-group-version-kind'], [
      { group: 'apps', kind: 'Deployment', version: 'v1' },
    ]);
  });
});

describe('schema: definitions', () => {
  it('loads once and is frozen', () => {
    const a = definitions();
    assert.equal(definitions(), a);
    assert.ok(Object.isFrozen(a));
    assert.ok(Object.isFrozen(a['io.k8s.api.core.v1.PodSpec']?.properties?.containers));
    assert.throws(() => {
      (a as Record<string, unknown>)['x'] = {};
    }, TypeError);
  });

  it('has every $ref resolvable and carries no upstream field documentation', () => {
    const defs = definitions();
    for (const [name, schema] of Object.entries(defs)) {
      for (const [field, prop] of Object.entries(schema.properties ?? {})) {
        assert.equal(prop.description, undefined, `${name}.${field} has a description`);
      }
    }
    assert.ok(referencedDefinitions(Object.keys(defs)).length === Object.keys(defs).length);
  });

  const shapes: { name: string; gvk: [string, string, string]; path: string; expect: Schema }[] = [
    { name: 'metadata is ObjectMeta', gvk: POD, path: 'metadata', expect: { $ref: 'io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta' } },
    { name: 'creationTimestamp is Time', gvk: POD, path: 'metadata.creationTimestamp', expect: { $ref: 'io.k8s.apimachinery.pkg.apis.meta.v1.Time' } },
    { name: 'replicas is int32', gvk: DEPLOYMENT, path: 'spec.replicas', expect: { type: 'integer', format: 'int32' } },
    { name: 'labels are a string map', gvk: POD, path: 'metadata.labels', expect: { type: 'object', additionalProperties: { type: 'string' } } },
    { name: 'a label value is a string', gvk: POD, path: 'metadata.labels.app', expect: { type: 'string' } },
    { name: 'a container by index', gvk: POD, path: 'spec.containers.0', expect: { $ref: 'io.k8s.api.core.v1.Container' } },
    { name: 'a resource limit is a Quantity', gvk: POD, path: 'spec.containers.resources.limits.cpu', expect: { $ref: 'io.k8s.apimachinery.pkg.api.resource.Quantity' } },
    { name: 'a probe port is IntOrString', gvk: POD, path: 'spec.containers.livenessProbe.httpGet.port', expect: { $ref: INT_OR_STRING } },
    { name: 'lease renewTime is MicroTime', gvk: ['coordination.k8s.io', 'v1', 'Lease'], path: 'spec.renewTime', expect: { $ref: 'io.k8s.apimachinery.pkg.apis.meta.v1.MicroTime' } },
    { name: 'secret data is bytes', gvk: ['', 'v1', 'Secret'], path: 'data.key', expect: { type: 'string', format: 'byte' } },
  ];
  for (const c of shapes) {
    it(c.name, () => assert.deepEqual(at(c.gvk, c.path), c.expect));
  }

  it('schemaAt answers undefined off the schema', () => {
    assert.equal(schemaAt(kindSchema(...POD), ['spec', 'nope']), undefined);
    assert.equal(schemaAt(kindSchema(...POD), ['spec', 'hostNetwork', 'x']), undefined);
  });

  it('marks required fields', () => {
    assert.deepEqual(resolve(at(POD, 'spec')).required, ['containers']);
    assert.deepEqual(resolve(at(POD, 'spec.containers.*')).required, ['name']);
    assert.deepEqual(resolve(at(DEPLOYMENT, 'spec')).required, ['selector', 'template']);
  });

  it('carries fields newer than 1.22', () => {
    const container = resolve(at(POD, 'spec.containers.*'));
    for (const f of ['resizePolicy', 'restartPolicy']) assert.ok(container.properties?.[f], f);
    const spec = resolve(at(POD, 'spec'));
    for (const f of ['schedulingGates', 'resourceClaims', 'hostUsers', 'os']) assert.ok(spec.properties?.[f], f);
  });

  it('marks atomic structs', () => {
    assert.equal(isAtomicMap(at(DEPLOYMENT, 'spec.selector')), true);
    assert.equal(isAtomicMap(at(POD, 'spec.affinity')), false);
    assert.equal(isAtomicMap(at(['', 'v1', 'PersistentVolume'], 'spec.claimRef')), false, 'claimRef overrides ObjectReference to granular');
  });
});

describe('schema: helpers', () => {
  const defs: SchemaDefinitions = {
    A: { $ref: 'B' },
    B: { type: 'object', properties: { n: { allOf: [{ $ref: '#/components/schemas/C' }], default: {} } } },
    C: { type: 'object', properties: { x: { type: 'string' } } },
    Loop: { $ref: 'Loop' },
    Dangling: { $ref: 'Nope' },
  };

  it('resolve follows $ref chains and single allOf wrappers', () => {
    assert.equal(resolve({ $ref: 'A' }, defs), defs.B);
    assert.equal(resolve(defs.B.properties!.n, defs), defs.C);
    assert.deepEqual(schemaAt({ $ref: 'A' }, ['n', 'x'], defs), { type: 'string' });
  });

  it('resolve rejects dangling and cyclic references', () => {
    assert.throws(() => resolve({ $ref: 'Dangling' }, defs), /dangling/);
    assert.throws(() => resolve({ $ref: 'Loop' }, defs), /too long/);
  });

  it('isIntOrString recognises the built-in type and CRD markers', () => {
    assert.equal(isIntOrString({ $ref: INT_OR_STRING }), true);
    assert.equal(isIntOrString({ allOf: [{ $ref: `#/definitions/${INT_OR_STRING}` }] }), true);
    assert.equal(isIntOrString({ 'x-kubernetes-int-or-string': true }), true);
    assert.equal(isIntOrString({ type: 'string' }), false);
    assert.equal(isIntOrString(at(DEPLOYMENT, 'spec.strategy.rollingUpdate.maxSurge')), true);
    assert.equal(isIntOrString(at(DEPLOYMENT, 'spec.replicas')), false);
  });

  it('isQuantity', () => {
    assert.equal(isQuantity(at(POD, 'spec.overhead.cpu')), true);
    assert.equal(isQuantity(at(POD, 'spec.nodeName')), false);
  });

  it('referencedDefinitions closes over references', () => {
    assert.deepEqual(referencedDefinitions(['A'], defs), ['A', 'B', 'C']);
    const scale = referencedDefinitions(['io.k8s.api.autoscaling.v1.Scale']);
    assert.ok(scale.includes('io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta'));
    assert.ok(scale.includes('io.k8s.api.autoscaling.v1.ScaleSpec'));
    assert.ok(!scale.includes('io.k8s.api.core.v1.PodSpec'));
  });
});
