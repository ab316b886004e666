import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { definitionForKind } from '../../api/schema/index.js';
import { isStatusError } from '../../apimachinery/status.js';
import type { KubeObject } from '../../apimachinery/types.js';
import { FieldSet, pathString } from './fieldset.js';
import { applyConfig, trackUpdate, type TrackOptions } from './manager.js';

const podSchema = definitionForKind('', 'v1', 'Pod')!.schema;
const deploySchema = definitionForKind('apps', 'v1', 'Deployment')!.schema;
const cmSchema = definitionForKind('', 'v1', 'ConfigMap')!.schema;

const opts = (manager: string, schema = deploySchema, extra: Partial<TrackOptions> = {}): TrackOptions => ({
  manager,
  apiVersion: schema === deploySchema ? 'apps/v1' : 'v1',
  subresource: '',
  now: '2026-11-22T10:00:00Z',
  schema,
  hasStatusSubresource: schema !== cmSchema,
  ...extra,
});

describe('FieldSet', () => {
  it('round-trips FieldsV1 with "." members and renders paths', () => {
    const v1 = { 'f:metadata': { 'f:labels': { '.': {}, 'f:app': {} } }, 'f:spec': { 'f:containers': { 'k:{"name":"web"}': { '.': {}, 'f:image': {} } } } };
    const s = FieldSet.fromFieldsV1(v1);
    assert.deepEqual(s.toFieldsV1(), v1);
    assert.deepEqual([...s.paths()].map(pathString), [
      '.metadata.labels',
      '.metadata.labels.app',
      '.spec.containers[name="web"]',
      '.spec.containers[name="web"].image',
    ]);
    assert.equal(pathString(['f:metadata', 'f:finalizers', 'v:"a/b"']), '.metadata.finalizers[="a/b"]');
  });

  it('computes unions, differences and intersections', () => {
    const a = FieldSet.fromPaths([['f:a'], ['f:b', 'f:c']]);
    const b = FieldSet.fromPaths([['f:b', 'f:c'], ['f:d']]);
    assert.deepEqual([...a.union(b).paths()], [['f:a'], ['f:b', 'f:c'], ['f:d']]);
    assert.deepEqual([...a.difference(b).paths()], [['f:a']]);
    assert.deepEqual([...a.intersection(b).paths()], [['f:b', 'f:c']]);
    assert.equal(a.hasPrefix(['f:b']), true);
    assert.equal(a.hasPrefix(['f:d']), false);
  });
});

describe('trackUpdate', () => {
  it('attributes a created pod as upstream does for kubectl run (containers item members, no spec/metadata members)', () => {
    const pod: KubeObject = {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: 'web', namespace: 'default', labels: { run: 'web' } },
      spec: {
        containers: [
          {
            name: 'web',
            image: 'nginx',
            imagePullPolicy: 'Always',
            ports: [{ containerPort: 80, protocol: 'TCP' }],
            resources: {},
            terminationMessagePath: '/dev/termination-log',
            terminationMessagePolicy: 'File',
          },
        ],
        dnsPolicy: 'ClusterFirst',
        enableServiceLinks: true,
        restartPolicy: 'Always',
        schedulerName: 'default-scheduler',
        securityContext: {},
        terminationGracePeriodSeconds: 30,
      },
      status: { phase: 'Pending' },
    };
    const mf = trackUpdate(undefined, pod, undefined, opts('kubectl-run', podSchema));
    assert.equal(mf.length, 1);
    assert.deepEqual(mf[0], {
      manager: 'kubectl-run',
      operation: 'Update',
      apiVersion: 'v1',
      time: '2026-11-22T10:00:00Z',
      fieldsType: 'FieldsV1',
      fieldsV1: {
        'f:metadata': { 'f:labels': { '.': {}, 'f:run': {} } },
        'f:spec': {
          'f:containers': {
            'k:{"name":"web"}': {
              '.': {},
              'f:image': {},
              'f:imagePullPolicy': {},
              'f:name': {},
              'f:ports': { '.': {}, 'k:{"containerPort":80,"protocol":"TCP"}': { '.': {}, 'f:containerPort': {}, 'f:protocol': {} } },
              'f:resources': {},
              'f:terminationMessagePath': {},
              'f:terminationMessagePolicy': {},
            },
          },
          'f:dnsPolicy': {},
          'f:enableServiceLinks': {},
          'f:restartPolicy': {},
          'f:schedulerName': {},
          'f:securityContext': {},
          'f:terminationGracePeriodSeconds': {},
        },
      },
    });
  });

  it('moves changed fields to the writer and drops removed ones from everyone', () => {
    const v1: KubeObject = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c' }, data: { a: '1', b: '2' } };
    const mf1 = trackUpdate(undefined, v1, undefined, opts('alice', cmSchema));
    const v2: KubeObject = { ...v1, data: { a: '9', c: '3' } };
    const mf2 = trackUpdate(v1, v2, mf1, { ...opts('bob', cmSchema), now: '2026-11-22T11:00:00Z' });
    assert.deepEqual(
      mf2.map((e) => [e.manager, e.fieldsV1]),
      [
        ['alice', { 'f:data': {} }],
        ['bob', { 'f:data': { 'f:a': {}, 'f:c': {} } }],
      ],
    );
  });
});

describe('applyConfig', () => {
  const base = (replicas: number, image = 'nginx:1'): KubeObject => ({
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web', labels: { app: 'web' } },
    spec: {
      replicas,
      selector: { matchLabels: { app: 'web' } },
      template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'web', image }] } },
    },
  });

  it('owns exactly the applied fields, conflicts with another manager on a changed value, and takes over with force', () => {
    const first = applyConfig(undefined, base(2), opts('alice'));
    assert.deepEqual(first.managedFields[0]!.fieldsV1, {
      'f:metadata': { 'f:labels': { 'f:app': {} } },
      'f:spec': {
        'f:replicas': {},
        'f:selector': {},
        'f:template': { 'f:metadata': { 'f:labels': { 'f:app': {} } }, 'f:spec': { 'f:containers': { 'k:{"name":"web"}': { '.': {}, 'f:image': {}, 'f:name': {} } } } },
      },
    });
    const live = { ...first.obj, metadata: { ...first.obj.metadata, uid: 'u1', resourceVersion: '5' } };
    // Same values: shared ownership, no conflict.
    const shared = applyConfig(live, base(2), opts('bob'));
    assert.equal(shared.managedFields.length, 2);
    // Different replicas: a conflict naming alice and the field.
    let err: unknown;
    try {
      applyConfig(live, base(3), opts('bob'));
    } catch (e: unknown) {
      err = e;
    }
    assert.ok(isStatusError(err));
    assert.equal(err.code, 409);
    assert.equal(err.status.message, 'Apply failed with 1 conflict: conflict with "alice" using apps/v1: .spec.replicas');
    assert.deepEqual(err.status.details?.causes, [{ reason: 'FieldManagerConflict', message: 'conflict with "alice" using apps/v1', field: '.spec.replicas' }]);
    const forced = applyConfig(live, base(3, 'nginx:2'), { ...opts('bob'), force: true });
    assert.equal((forced.obj.spec as { replicas: number }).replicas, 3);
    const alice = forced.managedFields.find((e) => e.manager === 'alice')!;
    assert.equal(FieldSet.fromFieldsV1(alice.fieldsV1).has(['f:spec', 'f:replicas']), false);
    assert.equal(forced.obj.metadata!.uid, 'u1');
  });

  it('removes fields the manager stops applying unless someone else owns them', () => {
    const cm = (data: Record<string, string>): KubeObject => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c' }, data });
    const a1 = applyConfig(undefined, cm({ x: '1', y: '2' }), { ...opts('alice', cmSchema), force: false });
    const b1 = applyConfig(a1.obj, cm({ y: '2' }), { ...opts('bob', cmSchema), force: false });
    const a2 = applyConfig(b1.obj, cm({}), { ...opts('alice', cmSchema), force: false });
    assert.deepEqual(a2.obj.data, { y: '2' });
    const b2 = applyConfig(a2.obj, { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c' } }, { ...opts('bob', cmSchema), force: false });
    assert.equal(b2.obj.data, undefined);
  });

  it('merges keyed lists item by item', () => {
    const live = applyConfig(undefined, base(1), opts('alice')).obj;
    const sidecar: KubeObject = {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'web' },
      spec: { template: { spec: { containers: [{ name: 'log', image: 'busybox' }] } } },
    };
    const r = applyConfig(live, sidecar, { ...opts('bob'), force: false });
    const containers = ((r.obj.spec as Record<string, any>).template.spec.containers as { name: string }[]).map((c) => c.name);
    assert.deepEqual(containers, ['web', 'log']);
  });
});
