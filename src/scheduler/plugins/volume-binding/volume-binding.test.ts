import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { KubeObject } from '../../../apimachinery/types.js';
import { Code, type NodeInfo, type Pod } from '../../framework/index.js';
import { filterAll, makeNode, makePod, newTestFramework, nodeInfoOf } from '../../testing.js';
import {
  ANN_BIND_COMPLETED,
  ANN_SELECTED_NODE,
  ERR_REASON_BIND_CONFLICT,
  ERR_REASON_NODE_CONFLICT,
  ERR_REASON_PV_NOT_EXIST,
  ERR_UNBOUND_IMMEDIATE,
  type VolumeBinding,
} from './volume-binding.js';

const claimPod = (...claims: string[]) => makePod('p', { spec: { volumes: claims.map((c) => ({ name: c, persistentVolumeClaim: { claimName: c } })) } });
const pvc = (name: string, o: { class?: string; volumeName?: string; bound?: boolean; size?: string } = {}): KubeObject => ({
  apiVersion: 'v1',
  kind: 'PersistentVolumeClaim',
  metadata: { name, namespace: 'default', uid: `uid-${name}`, resourceVersion: '5', annotations: o.bound ? { [ANN_BIND_COMPLETED]: 'yes' } : {} },
  spec: { storageClassName: o.class, volumeName: o.volumeName, accessModes: ['ReadWriteOnce'], resources: { requests: { storage: o.size ?? '1Gi' } } },
});
const pv = (name: string, o: { class?: string; zone?: string; size?: string; claim?: string } = {}): KubeObject => ({
  apiVersion: 'v1',
  kind: 'PersistentVolume',
  metadata: { name, resourceVersion: '3' },
  spec: {
    storageClassName: o.class ?? '',
    capacity: { storage: o.size ?? '1Gi' },
    accessModes: ['ReadWriteOnce'],
    claimRef: o.claim ? { namespace: 'default', name: o.claim } : undefined,
    nodeAffinity: o.zone ? { required: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'zone', operator: 'In', values: [o.zone] }] }] } } : undefined,
  },
  status: { phase: o.claim ? 'Bound' : 'Available' },
});
const sc = (name: string, mode: string, provisioner = 'example.com/csi', allowedZones?: string[]): KubeObject => ({
  apiVersion: 'storage.k8s.io/v1',
  kind: 'StorageClass',
  metadata: { name },
  provisioner,
  volumeBindingMode: mode,
  allowedTopologies: allowedZones ? [{ matchLabelExpressions: [{ key: 'zone', values: allowedZones }] }] : undefined,
});
const zoneNodes = () => [nodeInfoOf(makeNode('a', { labels: { zone: 'a' } })), nodeInfoOf(makeNode('b', { labels: { zone: 'b' } }))];

interface Case {
  name: string;
  pod: Pod;
  objects: KubeObject[];
  nodes?: NodeInfo[];
  preFilter?: [Code, string];
  want?: Record<string, 'fits' | [Code, string]>;
}

const cases: Case[] = [
  { name: 'a missing claim', pod: claimPod('data'), objects: [], preFilter: [Code.UnschedulableAndUnresolvable, 'persistentvolumeclaim "data" not found'] },
  {
    name: 'an unbound claim of an Immediate class',
    pod: claimPod('data'),
    objects: [sc('fast', 'Immediate'), pvc('data', { class: 'fast' })],
    preFilter: [Code.UnschedulableAndUnresolvable, ERR_UNBOUND_IMMEDIATE],
  },
  {
    name: "a bound claim: only nodes its PV's node affinity admits",
    pod: claimPod('data'),
    objects: [pvc('data', { volumeName: 'pv1', bound: true }), pv('pv1', { zone: 'a', claim: 'data' })],
    want: { a: 'fits', b: [Code.UnschedulableAndUnresolvable, ERR_REASON_NODE_CONFLICT] },
  },
  {
    name: 'a claim bound to a PV that does not exist',
    pod: claimPod('data'),
    objects: [pvc('data', { volumeName: 'gone', bound: true })],
    want: { a: [Code.UnschedulableAndUnresolvable, ERR_REASON_PV_NOT_EXIST] },
  },
  {
    name: 'WaitForFirstConsumer with a matching available PV in one zone and no provisioner',
    pod: claimPod('data'),
    objects: [sc('local', 'WaitForFirstConsumer', 'kubernetes.io/no-provisioner'), pvc('data', { class: 'local' }), pv('pv-a', { class: 'local', zone: 'a' })],
    want: { a: 'fits', b: [Code.UnschedulableAndUnresolvable, ERR_REASON_BIND_CONFLICT] },
  },
  {
    name: 'WaitForFirstConsumer ignores PVs that are too small',
    pod: claimPod('data'),
    objects: [sc('local', 'WaitForFirstConsumer', 'kubernetes.io/no-provisioner'), pvc('data', { class: 'local', size: '5Gi' }), pv('pv-a', { class: 'local', zone: 'a', size: '1Gi' })],
    want: { a: [Code.UnschedulableAndUnresolvable, ERR_REASON_BIND_CONFLICT] },
  },
  {
    name: 'WaitForFirstConsumer provisioning limited by allowedTopologies',
    pod: claimPod('data'),
    objects: [sc('zonal', 'WaitForFirstConsumer', 'example.com/csi', ['b']), pvc('data', { class: 'zonal' })],
    want: { a: [Code.UnschedulableAndUnresolvable, ERR_REASON_BIND_CONFLICT], b: 'fits' },
  },
];

describe('VolumeBinding', () => {
  for (const c of cases) {
    it(c.name, () => {
      const nodes = c.nodes ?? zoneNodes();
      const { fwk } = newTestFramework({ plugins: [{ name: 'VolumeBinding' }], nodeInfos: nodes, objects: c.objects });
      const { preFilter, byNode } = filterAll(fwk, c.pod, nodes);
      if (c.preFilter) {
        assert.deepEqual([preFilter?.code, preFilter?.message()], c.preFilter);
        return;
      }
      assert.equal(preFilter, undefined, preFilter?.message());
      for (const [n, want] of Object.entries(c.want ?? {})) {
        const got = byNode.get(n);
        if (want === 'fits') assert.equal(got, undefined, `${n}: ${got?.message()}`);
        else assert.deepEqual([got?.code, got?.message()], want, n);
      }
    });
  }

  it('is skipped for pods without claims', () => {
    const { fwk } = newTestFramework({ plugins: [{ name: 'VolumeBinding' }] });
    const { state } = filterAll(fwk, makePod('p'), []);
    assert.ok(state.skipFilterPlugins.has('VolumeBinding'));
  });

  it('Reserve assumes the selected node on claims to provision and PreBind writes it', async () => {
    const nodes = zoneNodes();
    const { fwk, client, informers, clock } = newTestFramework({
      plugins: [{ name: 'VolumeBinding' }],
      nodeInfos: nodes,
      objects: [sc('wffc', 'WaitForFirstConsumer'), pvc('data', { class: 'wffc' })],
    });
    // The API holds the claim too (PreBind updates it there).
    const created = await client.create({ group: '', version: 'v1', resource: 'persistentvolumeclaims' }, 'default', pvc('data', { class: 'wffc' }));
    informers.informerFor({ group: '', version: 'v1', resource: 'persistentvolumeclaims' }).indexer.update(created);
    const pod = claimPod('data');
    const { state } = filterAll(fwk, pod, nodes);
    const vb = fwk.plugins.find((p) => p.name === 'VolumeBinding') as VolumeBinding;
    assert.equal(vb.reserve(state, pod, 'b'), undefined);
    const ac = new AbortController();
    const bind = vb.preBind(state, pod, 'b', ac.signal);
    await clock.advance(0);
    const written = await client.get({ group: '', version: 'v1', resource: 'persistentvolumeclaims' }, 'default', 'data');
    assert.equal(written.metadata?.annotations?.[ANN_SELECTED_NODE], 'b');
    ac.abort();
    const s = await bind;
    assert.match(s?.message() ?? '', /binding volumes/);
    vb.unreserve(state, pod, 'b');
  });
});
