import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { volumeClock } from './core-volumes.js';
import { created, runCreate, runStatusUpdate, runUpdate } from './test-util.js';

volumeClock.now = () => Date.parse('2024-05-01T10:00:00Z');

const pv = (spec: Record<string, unknown>) => ({ apiVersion: 'v1', kind: 'PersistentVolume', metadata: { name: 'pv1' }, spec });
const hostPathSpec = { capacity: { storage: '1Gi' }, accessModes: ['ReadWriteOnce'], hostPath: { path: '/data' } };

describe('PersistentVolume', () => {
  it('defaults a hostPath volume and starts it Pending with a transition time', () => {
    const out = runCreate('/persistentvolumes', pv(hostPathSpec));
    assert.deepEqual(out.errors, []);
    assert.deepEqual(out.obj.spec, {
      capacity: { storage: '1Gi' },
      accessModes: ['ReadWriteOnce'],
      hostPath: { path: '/data', type: '' },
      persistentVolumeReclaimPolicy: 'Retain',
      volumeMode: 'Filesystem',
    });
    assert.deepEqual(out.obj.status, { phase: 'Pending', lastPhaseTransitionTime: '2024-05-01T10:00:00Z' });
  });

  const cases: [string, Record<string, unknown>, string[]][] = [
    [
      'a volume without capacity',
      { accessModes: ['ReadWriteOnce'], hostPath: { path: '/d' } },
      ['spec.capacity: Required value', 'spec.capacity: Unsupported value: core.ResourceList(nil): supported values: "storage"'],
    ],
    ['a volume without access modes', { capacity: { storage: '1Gi' }, hostPath: { path: '/d' } }, ['spec.accessModes: Required value']],
    ['a volume without a source', { capacity: { storage: '1Gi' }, accessModes: ['ReadWriteOnce'] }, ['spec: Required value: must specify a volume type']],
    [
      'two sources',
      { ...hostPathSpec, nfs: { server: 'nfs.example.com', path: '/exports' } },
      ['spec.nfs: Forbidden: may not specify more than 1 volume type'],
    ],
    [
      'a local volume without node affinity',
      { capacity: { storage: '1Gi' }, accessModes: ['ReadWriteOnce'], local: { path: '/mnt/disk' } },
      ['spec.nodeAffinity: Required value: Local volume requires node affinity'],
    ],
    [
      'an unknown access mode',
      { ...hostPathSpec, accessModes: ['ReadWriteSometimes'] },
      ['spec.accessModes: Unsupported value: "ReadWriteSometimes": supported values: "ReadOnlyMany", "ReadWriteMany", "ReadWriteOnce", "ReadWriteOncePod"'],
    ],
  ];
  for (const [name, spec, expected] of cases) {
    it(`rejects ${name}`, () => assert.deepEqual(runCreate('/persistentvolumes', pv(spec)).errors, expected));
  }

  it('keeps the volume source immutable', () => {
    const old = created('/persistentvolumes', pv(hostPathSpec));
    const errs = runUpdate('/persistentvolumes', pv({ ...hostPathSpec, hostPath: { path: '/other' } }), old).errors;
    assert.equal(errs.length, 1);
    assert.match(errs[0]!, /^spec\.persistentvolumesource: Forbidden: spec\.persistentvolumesource is immutable after creation\n/);
    assert.deepEqual(runUpdate('/persistentvolumes', pv({ ...hostPathSpec, persistentVolumeReclaimPolicy: 'Delete' }), old).errors, []);
  });

  it('warns about the Recycle policy', () => {
    assert.deepEqual(runCreate('/persistentvolumes', pv({ ...hostPathSpec, persistentVolumeReclaimPolicy: 'Recycle' })).warnings, [
      'spec.persistentVolumeReclaimPolicy: The Recycle reclaim policy is deprecated. Instead, the recommended approach is to use dynamic provisioning.',
    ]);
  });

  it('records phase transitions on /status', () => {
    const old = created('/persistentvolumes', pv(hostPathSpec));
    volumeClock.now = () => Date.parse('2024-05-01T11:00:00Z');
    const out = runStatusUpdate('/persistentvolumes', { ...old, status: { phase: 'Available' } }, old);
    assert.deepEqual(out.obj.status, { phase: 'Available', lastPhaseTransitionTime: '2024-05-01T11:00:00Z' });
  });
});

const pvc = (spec: Record<string, unknown>, status?: Record<string, unknown>) => ({
  apiVersion: 'v1',
  kind: 'PersistentVolumeClaim',
  metadata: { name: 'data', namespace: 'default' },
  spec,
  ...(status ? { status } : {}),
});
const claimSpec = { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } };

describe('PersistentVolumeClaim', () => {
  it('defaults the volume mode and starts Pending', () => {
    const out = runCreate('/persistentvolumeclaims', pvc(claimSpec));
    assert.deepEqual(out.errors, []);
    assert.equal((out.obj.spec as Record<string, unknown>).volumeMode, 'Filesystem');
    assert.deepEqual(out.obj.status, { phase: 'Pending' });
  });

  const cases: [string, Record<string, unknown>, string[]][] = [
    ['a claim without access modes', { resources: { requests: { storage: '1Gi' } } }, ['spec.accessModes: Required value: at least 1 access mode is required']],
    ['a claim without a storage request', { accessModes: ['ReadWriteOnce'] }, ['spec.resources[storage]: Required value']],
    ['a zero request', { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '0' } } }, ['spec.resources[storage]: Invalid value: "0": must be greater than zero']],
    [
      'a data source of the core group that is no claim',
      { ...claimSpec, dataSource: { kind: 'Pod', name: 'p' } },
      [
        "spec.dataSource: Invalid value: \"Pod\": must be 'PersistentVolumeClaim' when referencing the default apiGroup",
        "spec.dataSourceRef: Invalid value: \"Pod\": must be 'PersistentVolumeClaim' when referencing the default apiGroup",
      ],
    ],
  ];
  for (const [name, spec, expected] of cases) {
    it(`rejects ${name}`, () => assert.deepEqual(runCreate('/persistentvolumeclaims', pvc(spec)).errors, expected));
  }

  it('mirrors dataSource into dataSourceRef', () => {
    const out = runCreate('/persistentvolumeclaims', pvc({ ...claimSpec, dataSource: { kind: 'PersistentVolumeClaim', name: 'src' } }));
    assert.deepEqual(out.errors, []);
    assert.deepEqual((out.obj.spec as Record<string, unknown>).dataSourceRef, { kind: 'PersistentVolumeClaim', name: 'src' });
  });

  it('lets a bound claim grow but keeps the rest of the spec', () => {
    const old: Record<string, unknown> = { ...created('/persistentvolumeclaims', pvc(claimSpec)), status: { phase: 'Bound', capacity: { storage: '1Gi' } } };
    const grown = { ...old, spec: { ...(old.spec as object), resources: { requests: { storage: '2Gi' } } } };
    assert.deepEqual(runUpdate('/persistentvolumeclaims', grown, old).errors, []);
    const changed = { ...old, spec: { ...(old.spec as object), accessModes: ['ReadWriteMany'] } };
    const errs = runUpdate('/persistentvolumeclaims', changed, old).errors;
    assert.equal(errs.length, 1);
    assert.match(errs[0]!, /^spec: Forbidden: spec is immutable after creation except resources\.requests and volumeAttributesClassName for bound claims\n/);
  });

  it('refuses shrinking below the capacity', () => {
    const old: Record<string, unknown> = { ...created('/persistentvolumeclaims', pvc({ ...claimSpec, resources: { requests: { storage: '2Gi' } } })), status: { phase: 'Bound', capacity: { storage: '2Gi' } } };
    const shrunk = { ...old, spec: { ...(old.spec as object), resources: { requests: { storage: '1Gi' } } } };
    assert.deepEqual(runUpdate('/persistentvolumeclaims', shrunk, old).errors, ['spec.resources.requests.storage: Forbidden: field can not be less than status.capacity']);
  });

  it('warns about fractional byte requests', () => {
    assert.deepEqual(runCreate('/persistentvolumeclaims', pvc({ accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1.5' } } })).warnings, [
      'spec.resources.requests[storage]: fractional byte value "1500m" is invalid, must be an integer',
    ]);
  });
});
