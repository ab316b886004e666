import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startTestCluster, type TestCluster } from '../helpers/cluster.js';

type Obj = Record<string, any>;
const PODS = '/api/v1/namespaces/default/pods';

describe('apiserver: built-in admission plugins', () => {
  let c: TestCluster;
  before(async () => {
    c = await startTestCluster();
  });
  after(async () => {
    await c.stop();
  });

  it('gives pods the default tolerations, service account and its token volume', async () => {
    const p = (await c.req('POST', PODS, { metadata: { name: 'a' }, spec: { containers: [{ name: 'c', image: 'busybox' }] } })).json<Obj>();
    assert.deepEqual(
      p.spec.tolerations.map((t: Obj) => `${t.key}:${t.effect}:${t.tolerationSeconds}`),
      ['node.kubernetes.io/not-ready:NoExecute:300', 'node.kubernetes.io/unreachable:NoExecute:300'],
    );
    assert.equal(p.spec.serviceAccountName, 'default');
    const vol = p.spec.volumes.find((v: Obj) => v.name.startsWith('kube-api-access-'));
    assert.ok(vol, 'a projected token volume');
    assert.deepEqual(vol.projected.sources[0], { serviceAccountToken: { expirationSeconds: 3607, path: 'token' } });
    assert.deepEqual(p.spec.containers[0].volumeMounts, [
      { name: vol.name, readOnly: true, mountPath: '/var/run/secrets/kubernetes.io/serviceaccount' },
    ]);
    assert.equal(p.spec.priority, 0);
    const opted = (await c.req('POST', PODS, {
      metadata: { name: 'b' },
      spec: {
        automountServiceAccountToken: false,
        tolerations: [{ operator: 'Exists' }],
        containers: [{ name: 'c', image: 'busybox' }],
      },
    })).json<Obj>();
    assert.equal(opted.spec.volumes, undefined);
    assert.deepEqual(opted.spec.tolerations, [{ operator: 'Exists' }], 'tolerating everything already');
  });

  it('resolves priority classes, and refuses unknown ones', async () => {
    const crit = (await c.req('POST', PODS, { metadata: { name: 'crit' }, spec: { priorityClassName: 'system-cluster-critical', containers: [{ name: 'c', image: 'busybox' }] } })).json<Obj>();
    assert.equal(crit.spec.priority, 2000000000);
    assert.equal(crit.spec.preemptionPolicy, 'PreemptLowerPriority');
    const bad = await c.req('POST', PODS, { metadata: { name: 'bad' }, spec: { priorityClassName: 'nope', containers: [{ name: 'c', image: 'busybox' }] } });
    assert.equal(bad.status, 403);
    assert.match(bad.json<Obj>().message, /no PriorityClass with name nope was found/);
    await c.req('POST', '/apis/scheduling.k8s.io/v1/priorityclasses', { metadata: { name: 'default-prio' }, value: 42, globalDefault: true });
    const dflt = (await c.req('POST', PODS, { metadata: { name: 'dflt' }, spec: { containers: [{ name: 'c', image: 'busybox' }] } })).json<Obj>();
    assert.equal(dflt.spec.priorityClassName, 'default-prio');
    assert.equal(dflt.spec.priority, 42);
  });

  it('protects PVCs and PVs with finalizers and gives PVCs the default storage class', async () => {
    await c.req('POST', '/apis/storage.k8s.io/v1/storageclasses', {
      metadata: { name: 'std', annotations: { 'storageclass.kubernetes.io/is-default-class': 'true' } },
      provisioner: 'example.com/p',
    });
    const pvc = (await c.req('POST', '/api/v1/namespaces/default/persistentvolumeclaims', {
      metadata: { name: 'data' },
      spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } },
    })).json<Obj>();
    assert.deepEqual(pvc.metadata.finalizers, ['kubernetes.io/pvc-protection']);
    assert.equal(pvc.spec.storageClassName, 'std');
    const pv = (await c.req('POST', '/api/v1/persistentvolumes', {
      metadata: { name: 'pv1' },
      spec: { capacity: { storage: '1Gi' }, accessModes: ['ReadWriteOnce'], hostPath: { path: '/tmp/pv1' } },
    })).json<Obj>();
    assert.deepEqual(pv.metadata.finalizers, ['kubernetes.io/pv-protection']);
  });

  it('taints new nodes not-ready until they report Ready', async () => {
    const n = (await c.req('POST', '/api/v1/nodes', { metadata: { name: 'n1' } })).json<Obj>();
    assert.deepEqual(n.spec.taints, [{ key: 'node.kubernetes.io/not-ready', effect: 'NoSchedule' }]);
  });
});
