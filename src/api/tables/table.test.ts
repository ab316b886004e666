import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { BUILTIN_RESOURCES } from '../resources.js';
import { isBadRequest, StatusError } from '../../apimachinery/status.js';
import type { KubeObject } from '../../apimachinery/types.js';
import { buildCustomResourceTable, buildTable, columnDefinitions, DEFAULT_COLUMNS, hasPrinter } from './index.js';

const NOW = Date.UTC(2024, 5, 1, 12, 0, 0);

const pod = (name: string): KubeObject => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: {
    name,
    namespace: 'default',
    uid: `uid-${name}`,
    resourceVersion: '42',
    creationTimestamp: '2024-06-01T11:59:00Z',
    labels: { app: 'web' },
    managedFields: [{ manager: 'kubectl', operation: 'Update' }],
  },
  spec: { containers: [{ name: 'app', image: 'nginx' }] },
  status: { phase: 'Running' },
});

describe('buildTable', () => {
  it('returns a meta.k8s.io/v1 Table with the list metadata and every column', () => {
    const table = buildTable('Pod', '', 'v1', [pod('a'), pod('b')], {
      now: NOW,
      resourceVersion: '1234',
      continue: 'eyJ2IjoibWV0YS5rOHMuaW8vdjEifQ',
      remainingItemCount: 7,
    });
    assert.equal(table.kind, 'Table');
    assert.equal(table.apiVersion, 'meta.k8s.io/v1');
    assert.deepEqual(table.metadata, { resourceVersion: '1234', continue: 'eyJ2IjoibWV0YS5rOHMuaW8vdjEifQ', remainingItemCount: 7 });
    assert.deepEqual(
      table.columnDefinitions!.map((c) => [c.name, c.type, c.format, c.priority]),
      [
        ['Name', 'string', 'name', 0],
        ['Ready', 'string', '', 0],
        ['Status', 'string', '', 0],
        ['Restarts', 'string', '', 0],
        ['Age', 'string', '', 0],
        ['IP', 'string', '', 1],
        ['Node', 'string', '', 1],
        ['Nominated Node', 'string', '', 1],
        ['Readiness Gates', 'string', '', 1],
      ],
    );
    assert.ok(table.columnDefinitions!.every((c) => c.description.length > 0));
    assert.deepEqual(
      table.rows!.map((r) => r.cells.slice(0, 5)),
      [
        ['a', '0/1', 'Running', '0', '60s'],
        ['b', '0/1', 'Running', '0', '60s'],
      ],
    );
    // Key order as upstream serializes a Table.
    assert.deepEqual(Object.keys(table), ['kind', 'apiVersion', 'metadata', 'columnDefinitions', 'rows']);
  });

  it('leaves out empty list metadata', () => {
    assert.deepEqual(buildTable('Pod', '', 'v1', [], { now: NOW }).metadata, {});
  });

  it('accepts a Date for now', () => {
    const table = buildTable('Pod', '', 'v1', [pod('a')], { now: new Date(NOW + 60_000) });
    assert.equal(table.rows![0]!.cells[4], '2m');
  });

  describe('includeObject', () => {
    it('defaults to PartialObjectMetadata with the whole metadata', () => {
      for (const includeObject of [undefined, '', 'Metadata']) {
        const row = buildTable('Pod', '', 'v1', [pod('a')], { now: NOW, includeObject }).rows![0]!;
        assert.deepEqual(row.object, { kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: pod('a').metadata });
        assert.deepEqual(Object.keys(row), ['cells', 'object']);
      }
    });
    it('carries the full object for Object', () => {
      const row = buildTable('Pod', '', 'v1', [pod('a')], { now: NOW, includeObject: 'Object' }).rows![0]!;
      assert.deepEqual(row.object, pod('a'));
    });
    it('fills apiVersion and kind of a bare object for Object', () => {
      const { apiVersion: _a, kind: _k, ...bare } = pod('a');
      const row = buildTable('Deployment', 'apps', 'v1', [bare], { now: NOW, includeObject: 'Object' }).rows![0]!;
      assert.equal((row.object as KubeObject).apiVersion, 'apps/v1');
      assert.equal((row.object as KubeObject).kind, 'Deployment');
    });
    it('serializes the object as null for None', () => {
      const row = buildTable('Pod', '', 'v1', [pod('a')], { now: NOW, includeObject: 'None' }).rows![0]!;
      assert.equal(row.object, null);
      assert.equal(JSON.stringify(row).endsWith('"object":null}'), true);
    });
    it('rejects other values with 400 BadRequest', () => {
      assert.throws(
        () => buildTable('Pod', '', 'v1', [pod('a')], { now: NOW, includeObject: 'Everything' }),
        (e: unknown) => isBadRequest(e) && (e as StatusError).message === 'unrecognized includeObject value: "Everything"',
      );
    });
    it('uses the negotiated table version for the partial metadata', () => {
      const table = buildTable('Pod', '', 'v1', [pod('a')], { now: NOW, tableVersion: 'v1beta1' });
      assert.equal(table.apiVersion, 'meta.k8s.io/v1beta1');
      assert.equal((table.rows![0]!.object as KubeObject).apiVersion, 'meta.k8s.io/v1beta1');
    });
    it('keeps the served object for converted kinds', () => {
      const event: KubeObject = {
        apiVersion: 'events.k8s.io/v1',
        kind: 'Event',
        metadata: { name: 'e', namespace: 'default' },
        regarding: { kind: 'Pod', name: 'p' },
        note: 'hello',
      };
      const row = buildTable('Event', 'events.k8s.io', 'v1', [event], { now: NOW, includeObject: 'Object' }).rows![0]!;
      assert.deepEqual(row.object, event);
      assert.equal(row.cells[3], 'pod/p');
    });
  });

  it('drops the wide columns and cells when not wide', () => {
    const table = buildTable('Pod', '', 'v1', [pod('a')], { now: NOW, wide: false });
    assert.deepEqual(table.columnDefinitions!.map((c) => c.name), ['Name', 'Ready', 'Status', 'Restarts', 'Age']);
    assert.equal(table.rows![0]!.cells.length, 5);
  });

  it('leaves out the column definitions for noHeaders', () => {
    assert.equal(buildTable('Pod', '', 'v1', [pod('a')], { now: NOW, noHeaders: true }).columnDefinitions, null);
    assert.equal(buildTable('Role', 'rbac.authorization.k8s.io', 'v1', [], { now: NOW, noHeaders: true }).columnDefinitions, null);
    // kube-aggregator's APIService table always has its columns.
    assert.equal(buildTable('APIService', 'apiregistration.k8s.io', 'v1', [], { now: NOW, noHeaders: true }).columnDefinitions!.length, 4);
  });

  it('returns an empty row list for an empty list of a printed kind', () => {
    assert.deepEqual(buildTable('Pod', '', 'v1', [], { now: NOW }).rows, []);
  });

  it('orders flow schemas by precedence, then name', () => {
    const fs = (name: string, matchingPrecedence: number): KubeObject => ({
      metadata: { name },
      spec: { priorityLevelConfiguration: { name: 'x' }, matchingPrecedence },
    });
    const table = buildTable(
      'FlowSchema',
      'flowcontrol.apiserver.k8s.io',
      'v1',
      [fs('global-default', 9900), fs('system-leader-election', 100), fs('catch-all', 10000), fs('probes', 2), fs('exempt', 1), fs('endpoint-controller', 150), fs('b', 100)],
      { now: NOW },
    );
    assert.deepEqual(
      table.rows!.map((r) => r.cells[0]),
      ['exempt', 'probes', 'b', 'system-leader-election', 'endpoint-controller', 'global-default', 'catch-all'],
    );
  });

  it('reports an unprintable object as an internal error', () => {
    const revision: KubeObject = {
      metadata: { name: 'r', ownerReferences: [{ apiVersion: 'a/b/c', kind: 'X', name: 'x', uid: 'u', controller: true }] },
      revision: 1,
    };
    assert.throws(
      () => buildTable('ControllerRevision', 'apps', 'v1', [revision], { now: NOW }),
      (e: unknown) => e instanceof StatusError && e.code === 500 && /unexpected GroupVersion string: a\/b\/c/.test(e.message),
    );
  });
});

describe('default table', () => {
  it('prints NAME and CREATED AT for kinds without a printer', () => {
    const role: KubeObject = {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'Role',
      metadata: { name: 'pod-reader', namespace: 'default', creationTimestamp: '2024-05-31T10:20:30Z' },
      rules: [],
    };
    const table = buildTable('Role', 'rbac.authorization.k8s.io', 'v1', [role, { metadata: { name: 'fresh' } }], { now: NOW, resourceVersion: '9' });
    assert.deepEqual(
      table.columnDefinitions!.map((c) => [c.name, c.type, c.format, c.priority]),
      [
        ['Name', 'string', 'name', 0],
        ['Created At', 'date', '', 0],
      ],
    );
    assert.deepEqual(
      table.rows!.map((r) => r.cells),
      [
        ['pod-reader', '2024-05-31T10:20:30Z'],
        ['fresh', '0001-01-01T00:00:00Z'],
      ],
    );
    assert.deepEqual(table.rows![0]!.object, { kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: role.metadata });
    assert.deepEqual(table.metadata, { resourceVersion: '9' });
  });

  it('has null rows for an empty list, as upstream', () => {
    assert.equal(buildTable('LimitRange', '', 'v1', [], { now: NOW }).rows, null);
  });
});

describe('coverage of the built-in resources', () => {
  // As kube-apiserver 1.32 wires its registries: these get the default table.
  const defaultTable = new Set([
    'Binding',
    'LimitRange',
    'Role',
    'ClusterRole',
    'SelfSubjectReview',
    'TokenReview',
    'LocalSubjectAccessReview',
    'SelfSubjectAccessReview',
    'SelfSubjectRulesReview',
    'SubjectAccessReview',
    // kubectl get crd: NAME, CREATED AT.
    'CustomResourceDefinition',
  ]);

  for (const r of BUILTIN_RESOURCES) {
    it(`${r.kind}.${r.group || 'core'}`, () => {
      assert.equal(hasPrinter(r.group, r.kind), !defaultTable.has(r.kind));
      const columns = columnDefinitions(r.group, r.kind);
      if (!hasPrinter(r.group, r.kind)) assert.equal(columns, DEFAULT_COLUMNS);
      assert.ok(columns.some((c) => c.name === 'Name' && c.format === 'name'), 'has a name column');

      // Invariant: a wide row has one cell per column, even for a bare object.
      for (const version of r.versions) {
        const bare: KubeObject = { metadata: { name: 'x', creationTimestamp: '2024-06-01T11:00:00Z' } };
        const table = buildTable(r.kind, r.group, version, [bare], { now: NOW });
        assert.equal(table.rows![0]!.cells.length, table.columnDefinitions!.length);
        assert.equal(table.rows![0]!.cells[columns.findIndex((c) => c.format === 'name')], 'x');
      }
    });
  }

  it('narrow rows match the narrow columns, except for upstream\'s quirks', () => {
    const bare: KubeObject = { metadata: { name: 'x' } };
    for (const r of BUILTIN_RESOURCES) {
      if (!hasPrinter(r.group, r.kind)) continue;
      const table = buildTable(r.kind, r.group, r.versions[0]!, [bare], { now: NOW, wide: false });
      const extra = table.rows![0]!.cells.length - table.columnDefinitions!.length;
      // Upstream's quirks: PV and PVC always carry VOLUMEMODE; PriorityClass fills its
      // priority-0 PREEMPTIONPOLICY column only in wide rows.
      const want = r.kind === 'PersistentVolume' || r.kind === 'PersistentVolumeClaim' ? 1 : r.kind === 'PriorityClass' ? -1 : 0;
      assert.equal(extra, want, r.kind);
    }
  });
});

describe('custom resource table without printer columns', () => {
  it('prints NAME and a human AGE', () => {
    const widget = (name: string, creationTimestamp?: string): KubeObject => ({
      apiVersion: 'example.com/v1',
      kind: 'Widget',
      metadata: { name, namespace: 'default', ...(creationTimestamp === undefined ? {} : { creationTimestamp }) },
    });
    const table = buildCustomResourceTable(
      'Widget',
      'example.com',
      'v1',
      [widget('a', '2024-06-01T11:55:00Z'), widget('b'), widget('c', 'soon'), widget('d', '0001-01-01T00:00:00Z')],
      { now: NOW, resourceVersion: '5' },
    );
    assert.deepEqual(
      table.columnDefinitions!.map((c) => [c.name, c.type, c.format, c.priority]),
      [
        ['Name', 'string', 'name', 0],
        ['Age', 'date', '', 0],
      ],
    );
    assert.deepEqual(
      table.rows!.map((r) => r.cells),
      [
        ['a', '5m'],
        ['b', null],
        ['c', '<invalid>'],
        ['d', '<unknown>'],
      ],
    );
    assert.deepEqual(table.metadata, { resourceVersion: '5' });
    assert.deepEqual(buildCustomResourceTable('Widget', 'example.com', 'v1', [], { now: NOW }).rows, []);
  });
});
