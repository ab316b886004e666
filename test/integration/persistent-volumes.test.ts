import assert from 'node:assert/strict';
import { existsSync, statSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import { startTestCluster, type TestCluster } from '../helpers/cluster.js';
import { until } from '../helpers/wait.js';


interface Obj {
  metadata: { name: string; annotations?: Record<string, string> };
  spec: { volumeName?: string; claimRef?: { name: string }; hostPath?: { path: string }; nodeAffinity?: unknown; persistentVolumeReclaimPolicy?: string };
  status: { phase?: string; capacity?: Record<string, string> };
}

describe('persistent volume binder and local-path provisioner', () => {
  let c: TestCluster;
  const NS = '/api/v1/namespaces/default';
  const pvc = (name: string, size: string, cls?: string) => ({
    metadata: { name },
    spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: size } }, ...(cls !== undefined ? { storageClassName: cls } : {}) },
  });
  const get = async (path: string) => (await c.req('GET', path)).json<Obj>();

  before(async () => {
    c = await startTestCluster({ controllers: ['persistentvolume-binder', 'node-lifecycle'], scheduler: true, simulatedNodes: 1 });
  });
  after(() => c.stop());

  it('binds a claim to the smallest fitting static volume of its class', async () => {
    for (const [name, size] of [['big', '10Gi'], ['small', '2Gi'], ['tiny', '500Mi']] as const) {
      await c.req('POST', '/api/v1/persistentvolumes', { metadata: { name }, spec: { capacity: { storage: size }, accessModes: ['ReadWriteOnce'], storageClassName: 'manual', hostPath: { path: `/tmp/${name}` } } });
    }
    await c.req('POST', `${NS}/persistentvolumeclaims`, pvc('claim', '1Gi', 'manual'));
    const bound = await until(async () => {
      const x = await get(`${NS}/persistentvolumeclaims/claim`);
      return x.status.phase === 'Bound' ? x : undefined;
    }, 'the claim to bind');
    assert.equal(bound.spec.volumeName, 'small');
    assert.deepEqual(bound.status.capacity, { storage: '2Gi' });
    assert.equal(bound.metadata.annotations?.['pv.kubernetes.io/bind-completed'], 'yes');
    const pv = await until(async () => {
      const x = await get('/api/v1/persistentvolumes/small');
      return x.status.phase === 'Bound' ? x : undefined;
    }, 'the volume to be Bound');
    assert.equal(pv.spec.claimRef?.name, 'claim');
    // Retain: the volume outlives its claim as Released.
    await c.req('DELETE', `${NS}/persistentvolumeclaims/claim`);
    await until(async () => (await get('/api/v1/persistentvolumes/small')).status.phase === 'Released', 'Released');
  });

  it('provisions a local-path volume for the first consumer, on its node, and deletes it with the claim', async () => {
    const sc = await until(async () => {
      const r = await c.req('GET', '/apis/storage.k8s.io/v1/storageclasses/local-path');
      return r.status === 200 ? r.json<{ metadata: { annotations: Record<string, string> }; volumeBindingMode: string }>() : undefined;
    }, 'the local-path class');
    assert.equal(sc.metadata.annotations['storageclass.kubernetes.io/is-default-class'], 'true');
    assert.equal(sc.volumeBindingMode, 'WaitForFirstConsumer');
    // No class given: the DefaultStorageClass admission picks local-path.
    await c.req('POST', `${NS}/persistentvolumeclaims`, pvc('data', '1Gi'));
    await new Promise((r) => setTimeout(r, 300));
    assert.equal((await get(`${NS}/persistentvolumeclaims/data`)).status.phase, 'Pending', 'waits for a consumer');
    await c.req('POST', `${NS}/pods`, { metadata: { name: 'user' }, spec: { containers: [{ name: 'c', image: 'busybox' }], volumes: [{ name: 'd', persistentVolumeClaim: { claimName: 'data' } }] } });
    const claim = await until(async () => {
      const x = await get(`${NS}/persistentvolumeclaims/data`);
      return x.status.phase === 'Bound' ? x : undefined;
    }, 'provisioning and binding');
    assert.equal(claim.metadata.annotations?.['volume.kubernetes.io/selected-node'], 'k8ts-sim-0');
    const pv = await get(`/api/v1/persistentvolumes/${claim.spec.volumeName}`);
    assert.ok(pv.spec.nodeAffinity);
    assert.equal(pv.spec.persistentVolumeReclaimPolicy, 'Delete');
    const dir = pv.spec.hostPath!.path;
    assert.ok(dir.startsWith(c.dataDir) && statSync(dir).isDirectory(), dir);
    await c.req('DELETE', `${NS}/pods/user`, { gracePeriodSeconds: 0 });
    await c.req('DELETE', `${NS}/persistentvolumeclaims/data`);
    await until(async () => (await c.req('GET', `/api/v1/persistentvolumes/${claim.spec.volumeName}`)).status === 404, 'the volume deleted');
    assert.equal(existsSync(dir), false);
  });
});
