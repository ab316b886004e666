import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { created, runCreate, runUpdate } from './test-util.js';

const S = 'storage.k8s.io';

describe('StorageClass', () => {
  const sc = (extra: Record<string, unknown>) => ({ apiVersion: 'storage.k8s.io/v1', kind: 'StorageClass', metadata: { name: 'fast' }, provisioner: 'example.com/disk', ...extra });

  it('defaults the reclaim policy and binding mode', () => {
    const out = runCreate(`${S}/storageclasses`, sc({}));
    assert.deepEqual(out.errors, []);
    assert.equal((out.obj as Record<string, unknown>).reclaimPolicy, 'Delete');
    assert.equal((out.obj as Record<string, unknown>).volumeBindingMode, 'Immediate');
  });

  const cases: [string, Record<string, unknown>, string[]][] = [
    ['a missing provisioner', { provisioner: '' }, ['provisioner: Required value']],
    ['an unknown reclaim policy', { reclaimPolicy: 'Recycle' }, ['reclaimPolicy: Unsupported value: "Recycle": supported values: "Delete", "Retain"']],
    ['an unknown binding mode', { volumeBindingMode: 'Later' }, ['volumeBindingMode: Unsupported value: "Later": supported values: "Immediate", "WaitForFirstConsumer"']],
    [
      'duplicate topology values',
      { allowedTopologies: [{ matchLabelExpressions: [{ key: 'topology.kubernetes.io/zone', values: ['a', 'a'] }] }] },
      ['allowedTopologies[0].matchLabelExpressions[0].values[1]: Duplicate value: "a"'],
    ],
  ];
  for (const [name, extra, expected] of cases) {
    it(`rejects ${name}`, () => assert.deepEqual(runCreate(`${S}/storageclasses`, sc(extra)).errors, expected));
  }

  it('forbids changing parameters, provisioner, reclaim policy and binding mode', () => {
    const old = created(`${S}/storageclasses`, sc({ parameters: { type: 'ssd' } }));
    const next = sc({ provisioner: 'example.com/other', parameters: { type: 'hdd' }, reclaimPolicy: 'Retain', volumeBindingMode: 'WaitForFirstConsumer' });
    assert.deepEqual(runUpdate(`${S}/storageclasses`, next, old).errors, [
      'parameters: Forbidden: updates to parameters are forbidden.',
      'provisioner: Forbidden: updates to provisioner are forbidden.',
      'reclaimPolicy: Forbidden: updates to reclaimPolicy are forbidden.',
      'volumeBindingMode: Invalid value: "WaitForFirstConsumer": field is immutable',
    ]);
    assert.deepEqual(runUpdate(`${S}/storageclasses`, sc({ parameters: { type: 'ssd' }, allowVolumeExpansion: true }), old).errors, []);
  });

  it('warns about deprecated node labels in topologies', () => {
    const out = runCreate(`${S}/storageclasses`, sc({ allowedTopologies: [{ matchLabelExpressions: [{ key: 'failure-domain.beta.kubernetes.io/zone', values: ['a'] }] }] }));
    assert.deepEqual(out.warnings, ['allowedTopologies[0].matchLabelExpressions[0].key: deprecated since v1.17; use "topology.kubernetes.io/zone" instead']);
  });
});

describe('CSIDriver', () => {
  const driver = (spec: Record<string, unknown>) => ({ metadata: { name: 'csi.example.com' }, spec });

  it('defaults every optional switch', () => {
    const out = runCreate(`${S}/csidrivers`, driver({}));
    assert.deepEqual(out.errors, []);
    assert.deepEqual(out.obj.spec, {
      attachRequired: true,
      podInfoOnMount: false,
      storageCapacity: false,
      fsGroupPolicy: 'ReadWriteOnceWithFSType',
      volumeLifecycleModes: ['Persistent'],
      requiresRepublish: false,
      seLinuxMount: false,
    });
  });

  const cases: [string, Record<string, unknown>, string[]][] = [
    ['an unknown fsGroupPolicy', { fsGroupPolicy: 'Always' }, ['spec.fsGroupPolicy: Unsupported value: "Always": supported values: "File", "None", "ReadWriteOnceWithFSType"']],
    ['an unknown lifecycle mode', { volumeLifecycleModes: ['Forever'] }, ['spec.volumeLifecycleModes: Unsupported value: "Forever": supported values: "Persistent", "Ephemeral"']],
    [
      'short token lifetimes and duplicate audiences',
      { tokenRequests: [{ audience: 'a', expirationSeconds: 60 }, { audience: 'a' }] },
      ['spec.tokenRequests[0].expirationSeconds: Invalid value: 60: may not specify a duration less than 10 minutes', 'spec.tokenRequests[1].audience: Duplicate value: "a"'],
    ],
  ];
  for (const [name, spec, expected] of cases) {
    it(`rejects ${name}`, () => assert.deepEqual(runCreate(`${S}/csidrivers`, driver(spec)).errors, expected));
  }

  it('keeps attachRequired and the lifecycle modes immutable', () => {
    const old = created(`${S}/csidrivers`, driver({}));
    assert.deepEqual(runUpdate(`${S}/csidrivers`, driver({ attachRequired: false, volumeLifecycleModes: ['Ephemeral'] }), old).errors, [
      'spec.attachedRequired: Invalid value: false: field is immutable',
      'spec.volumeLifecycleModes: Invalid value: []storage.VolumeLifecycleMode{"Ephemeral"}: field is immutable',
    ]);
    assert.deepEqual(runUpdate(`${S}/csidrivers`, driver({ podInfoOnMount: true }), old).errors, []);
  });
});

describe('CSINode', () => {
  const node = (drivers: unknown[]) => ({ metadata: { name: 'n1' }, spec: { drivers } });

  it('rejects drivers without node ID and duplicate drivers', () => {
    assert.deepEqual(runCreate(`${S}/csinodes`, node([{ name: 'csi.example.com', nodeID: '' }, { name: 'csi.example.com', nodeID: 'x' }])).errors, [
      'spec.drivers[0].nodeID: Required value',
      'spec.drivers[1].name: Duplicate value: "csi.example.com"',
    ]);
  });
});

describe('VolumeAttachment', () => {
  const va = (spec: Record<string, unknown>) => ({ metadata: { name: 'va' }, spec });
  const valid = { attacher: 'csi.example.com', nodeName: 'n1', source: { persistentVolumeName: 'pv1' } };

  it('starts detached', () => {
    const out = runCreate(`${S}/volumeattachments`, va(valid));
    assert.deepEqual(out.errors, []);
    assert.deepEqual(out.obj.status, { attached: false });
  });

  it('requires exactly one source', () => {
    assert.deepEqual(runCreate(`${S}/volumeattachments`, va({ ...valid, source: {} })).errors, [
      'spec.source: Required value: must specify exactly one of inlineVolumeSpec and persistentVolumeName',
    ]);
  });

  it('keeps the spec immutable', () => {
    const old = created(`${S}/volumeattachments`, va(valid));
    const errs = runUpdate(`${S}/volumeattachments`, va({ ...valid, nodeName: 'n2' }), old).errors;
    assert.deepEqual(errs, [
      'spec: Invalid value: storage.VolumeAttachmentSpec{Attacher:"csi.example.com", Source:storage.VolumeAttachmentSource{PersistentVolumeName:(*string)(0xc000010000), InlineVolumeSpec:(*core.PersistentVolumeSpec)(nil)}, NodeName:"n2"}: field is immutable',
    ]);
  });
});

describe('CSIStorageCapacity', () => {
  it('keeps storageClassName immutable', () => {
    const cap = (sc: string) => ({ metadata: { name: 'c', namespace: 'default' }, storageClassName: sc, capacity: '10Gi' });
    const old = created(`${S}/csistoragecapacities`, cap('fast'));
    assert.deepEqual(runUpdate(`${S}/csistoragecapacities`, cap('slow'), old).errors, ['storageClassName: Invalid value: "slow": field is immutable']);
    assert.deepEqual(runCreate(`${S}/csistoragecapacities`, { ...cap('fast'), capacity: '-1' }).errors, ['capacity: Invalid value: "-1": must be greater than or equal to 0']);
  });
});
