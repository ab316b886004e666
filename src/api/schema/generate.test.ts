import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import {
  generateDefinitions,
  groupVersionOfPackage,
  loadInputs,
  packageOf,
  type ClientField,
  type GeneratorOverlay,
} from '../../../scripts/gen-schema.mjs';

const f = (name: string, type: string, format = '', required = false): ClientField => ({ name, type, format, required });

const emptyOverlay: GeneratorOverlay = {
  prefixGroups: { Core: '' },
  renames: {},
  skipClassPatterns: [],
  skipClasses: [],
  fromSwagger: [],
  definitions: {},
  typeSemantics: {},
  fieldSemantics: {},
  everyGroupVersion: {},
  kindsInEveryGroupVersion: [],
  descriptions: {},
};

// A miniature of the three inputs: client-node classes, a "1.22" swagger and an overlay.
const META = 'io.k8s.apimachinery.pkg.apis.meta.v1';
const swagger = {
  definitions: {
    [`${META}.ObjectMeta`]: { properties: { name: { type: 'string' } } },
    [`${META}.Time`]: { type: 'string', format: 'date-time' },
    'io.k8s.apimachinery.pkg.api.resource.Quantity': { type: 'string' },
    'io.k8s.api.core.v1.Widget': {
      description: 'upstream text that must not be copied',
      properties: {
        parts: {
          description: 'more upstream text',
          type: 'array',
          items: { $ref: '#/definitions/io.k8s.api.core.v1.Part' },
          'x-kubernetes-patch-strategy': 'merge',
          'x-kubernetes-patch-merge-key': 'name',
        },
        size: { $ref: '#/definitions/io.k8s.apimachinery.pkg.api.resource.Quantity' },
      },
      'x-kubernetes-group-version-kind': [{ group: '', kind: 'Widget', version: 'v1' }],
    },
    'io.k8s.api.core.v1.Part': { properties: { name: { type: 'string' } } },
    'io.k8s.api.apps.v1.Part': { properties: { name: { type: 'string' } } },
  },
};
const classes = new Map<string, ClientField[]>([
  ['V1ObjectMeta', [f('name', 'string'), f('creationTimestamp', 'Date', 'date-time')]],
  [
    'V1Widget',
    [
      f('apiVersion', 'string'),
      f('kind', 'string'),
      f('metadata', 'V1ObjectMeta'),
      f('parts', 'Array<V1Part>', '', true),
      f('size', 'string'),
      f('gadgets', 'Array<V1Gadget>'),
      f('limits', '{ [key: string]: string; }'),
    ],
  ],
  ['V1Part', [f('name', 'string', '', true)]],
  ['V1Gadget', [f('id', 'number', 'int32')]],
  ['V1Stale', [f('x', 'string')]],
]);
const apiUsage = new Map([['V1Widget', new Set(['/v1'])], ['V1Part', new Set(['/v1', 'apps/v1'])]]);
const overlay: GeneratorOverlay = {
  ...emptyOverlay,
  skipClasses: ['V1Stale'],
  fromSwagger: [`${META}.Time`, 'io.k8s.apimachinery.pkg.api.resource.Quantity'],
  fieldSemantics: {
    'io.k8s.api.core.v1.Widget': {
      properties: {
        parts: { 'x-kubernetes-list-type': 'map', 'x-kubernetes-list-map-keys': ['name'] },
        gadgets: { 'x-kubernetes-list-type': 'atomic' },
        limits: { additionalProperties: { $ref: 'io.k8s.apimachinery.pkg.api.resource.Quantity' } },
      },
    },
  },
  descriptions: { 'io.k8s.api.core.v1.Widget': 'A widget.' },
};

describe('gen-schema: generateDefinitions', () => {
  const defs = generateDefinitions({ classes, apiUsage, swagger, overlay });
  const widget = defs['io.k8s.api.core.v1.Widget'];

  it('names classes after the swagger, and new classes after the package that references them', () => {
    assert.deepEqual(Object.keys(defs).sort(), [
      'io.k8s.api.core.v1.Gadget',
      'io.k8s.api.core.v1.Part',
      'io.k8s.api.core.v1.Widget',
      'io.k8s.apimachinery.pkg.api.resource.Quantity',
      `${META}.ObjectMeta`,
      `${META}.Time`,
    ]);
  });

  it('takes structure and required fields from client-node, semantics from swagger and overlay', () => {
    assert.deepEqual(widget.properties!.parts, {
      type: 'array',
      items: { $ref: 'io.k8s.api.core.v1.Part' },
      'x-kubernetes-list-map-keys': ['name'],
      'x-kubernetes-list-type': 'map',
      'x-kubernetes-patch-merge-key': 'name',
      'x-kubernetes-patch-strategy': 'merge',
    });
    assert.deepEqual(widget.properties!.size, { $ref: 'io.k8s.apimachinery.pkg.api.resource.Quantity' });
    assert.deepEqual(widget.properties!.limits, {
      type: 'object',
      additionalProperties: { $ref: 'io.k8s.apimachinery.pkg.api.resource.Quantity' },
    });
    assert.deepEqual(widget.required, ['parts']);
    assert.deepEqual(defs[`${META}.ObjectMeta`].properties!.creationTimestamp, { $ref: `${META}.Time` });
    assert.deepEqual(defs['io.k8s.api.core.v1.Gadget'].properties!.id, { type: 'integer', format: 'int32' });
  });

  it('copies no upstream descriptions, only the overlay’s own', () => {
    assert.equal(widget.description, 'A widget.');
    assert.doesNotMatch(JSON.stringify(defs), /upstream text/);
  });

  it('derives the GVK of top-level kinds', () => {
    assert.deepEqual(widget['x-kubernetes-group-version-kind'], [{ group: '', kind: 'Widget', version: 'v1' }]);
    assert.equal(defs['io.k8s.api.core.v1.Part']['x-kubernetes-group-version-kind'], undefined);
  });

  it('fails loudly on overlay entries that match nothing and on dangling references', () => {
    const bad = { ...overlay, fieldSemantics: { 'io.k8s.api.core.v1.Widget': { properties: { nope: {} } } } };
    assert.throws(() => generateDefinitions({ classes, apiUsage, swagger, overlay: bad }), /unknown field io.k8s.api.core.v1.Widget.nope/);
    assert.throws(
      () => generateDefinitions({ classes, apiUsage, swagger, overlay: { ...overlay, fromSwagger: [] } }),
      /dangling \$ref/,
    );
  });

  it('refuses a class it cannot name', () => {
    const orphan = new Map([...classes, ['V2Orphan', [f('x', 'string')]]]);
    assert.throws(() => generateDefinitions({ classes: orphan, apiUsage, swagger, overlay }), /no definition name for V2Orphan/);
  });
});

describe('gen-schema: packages', () => {
  const cases: [string, string, string][] = [
    ['', 'v1', 'io.k8s.api.core.v1'],
    ['apps', 'v1', 'io.k8s.api.apps.v1'],
    ['rbac.authorization.k8s.io', 'v1', 'io.k8s.api.rbac.v1'],
    ['flowcontrol.apiserver.k8s.io', 'v1', 'io.k8s.api.flowcontrol.v1'],
    ['internal.apiserver.k8s.io', 'v1alpha1', 'io.k8s.api.apiserverinternal.v1alpha1'],
    ['apiextensions.k8s.io', 'v1', 'io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1'],
    ['apiregistration.k8s.io', 'v1', 'io.k8s.kube-aggregator.pkg.apis.apiregistration.v1'],
  ];
  for (const [group, version, pkg] of cases) {
    it(`${group || 'core'}/${version} <-> ${pkg}`, () => {
      assert.equal(packageOf(group, version), pkg);
      assert.deepEqual(groupVersionOfPackage(pkg), { group, version });
    });
  }
});

describe('gen-schema: the real inputs', () => {
  it('regenerates exactly the definitions the build wrote', async () => {
    const defs = generateDefinitions(await loadInputs());
    const built = readFileSync(new URL('./generated/definitions.json', import.meta.url), 'utf8');
    assert.equal(`${JSON.stringify(defs)}\n`, built);
  });
});
