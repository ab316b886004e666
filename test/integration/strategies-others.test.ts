/**
 * Validation and defaulting of the built-in types other than pods and workloads, over
 * HTTPS against a test cluster: realistic objects (from /work/shared/corpus where it has
 * them) are accepted and stored with upstream 1.32's defaults; invalid ones get 422 with
 * upstream's messages.
 */
import assert from 'node:assert/strict';
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { parseAllDocuments } from 'yaml';
import { startTestCluster, type TestCluster } from '../helpers/cluster.js';

const CORPUS = ['/work/shared/corpus', join(import.meta.dirname, '..', '..', '..', 'shared', 'corpus')].find((p) => {
  try {
    return statSync(p).isDirectory();
  } catch {
    return false;
  }
});

type Obj = Record<string, any>;

function corpusDocs(file: string): Obj[] {
  return parseAllDocuments(readFileSync(join(CORPUS!, file), 'utf8'))
    .map((d) => d.toJSON() as Obj)
    .filter((d) => d && typeof d === 'object');
}

describe('built-in type strategies (services, config, storage, networking, policy, ...)', { skip: CORPUS ? false : 'corpus missing' }, () => {
  let c: TestCluster;
  const NS = 'strat';
  const api = (group: string, resource: string, namespaced = true) =>
    `${group ? `/apis/${group}` : '/api/v1'}${namespaced ? `/namespaces/${NS}` : ''}/${resource}`;

  /** POSTs and asserts 201; returns the stored object. */
  async function create(path: string, body: unknown): Promise<Obj> {
    const res = await c.req('POST', path, body);
    assert.equal(res.status, 201, res.text());
    return res.json<Obj>();
  }
  /** Sends and asserts 422 with the given Status message. */
  async function invalid(method: string, path: string, body: unknown, message: string): Promise<void> {
    const res = await c.req(method, path, body);
    assert.equal(res.status, 422, res.text());
    assert.equal(res.json<Obj>().message, message);
  }

  before(async () => {
    c = await startTestCluster();
    assert.equal((await c.req('POST', '/api/v1/namespaces', { metadata: { name: NS } })).status, 201);
  });
  after(() => c.stop());

  it("stores microservices-demo's Services and ServiceAccounts with upstream's defaults", async () => {
    const docs = corpusDocs('microservices-demo/kubernetes-manifests.yaml');
    const services = docs.filter((d) => d.kind === 'Service');
    assert.ok(services.length >= 10);
    for (const sa of docs.filter((d) => d.kind === 'ServiceAccount')) await create(api('', 'serviceaccounts'), sa);
    for (const svc of services) {
      const got = await create(api('', 'services'), svc);
      const spec = got.spec;
      assert.match(spec.clusterIP, /^10\.(9[6-9]|10[0-9]|11[01])\./, `${svc.metadata.name} clusterIP`);
      assert.deepEqual(spec.clusterIPs, [spec.clusterIP]);
      assert.deepEqual(spec.ipFamilies, ['IPv4']);
      assert.equal(spec.ipFamilyPolicy, 'SingleStack');
      assert.equal(spec.sessionAffinity, 'None');
      assert.equal(spec.internalTrafficPolicy, 'Cluster');
      for (const p of spec.ports) {
        assert.equal(p.protocol, 'TCP');
        assert.ok(p.targetPort !== undefined);
      }
      assert.deepEqual(got.status, { loadBalancer: {} });
      if (spec.type === 'LoadBalancer') {
        assert.equal(spec.allocateLoadBalancerNodePorts, true);
        assert.equal(spec.externalTrafficPolicy, 'Cluster');
        assert.ok(spec.ports.every((p: Obj) => p.nodePort >= 30000 && p.nodePort <= 32767));
      } else {
        assert.equal(spec.type, 'ClusterIP');
        assert.equal(spec.externalTrafficPolicy, undefined);
      }
    }
  });

  it('refuses invalid Services and changes of the cluster IP', async () => {
    await invalid('POST', api('', 'services'), { metadata: { name: 'noports' }, spec: { selector: { app: 'x' } } }, 'Service "noports" is invalid: spec.ports: Required value');
    await invalid(
      'POST',
      api('', 'services'),
      { metadata: { name: 'badtype' }, spec: { type: 'Internal', ports: [{ port: 80 }] } },
      'Service "badtype" is invalid: spec.type: Unsupported value: "Internal": supported values: "ClusterIP", "ExternalName", "LoadBalancer", "NodePort"',
    );
    const svc = await create(api('', 'services'), { metadata: { name: 'fixed' }, spec: { ports: [{ port: 80 }] } });
    const moved = structuredClone(svc);
    const other = svc.spec.clusterIP === '10.96.0.250' ? '10.96.0.251' : '10.96.0.250';
    moved.spec.clusterIP = other;
    moved.spec.clusterIPs = [other];
    await invalid('PUT', `${api('', 'services')}/fixed`, moved, `Service "fixed" is invalid: spec.clusterIPs[0]: Invalid value: []string{"${other}"}: may not change once set`);
  });

  it('folds Secret stringData into data and checks per-type keys', async () => {
    const s = await create(api('', 'secrets'), { metadata: { name: 'creds' }, stringData: { user: 'admin' } });
    assert.equal(s.type, 'Opaque');
    assert.deepEqual(s.data, { user: Buffer.from('admin').toString('base64') });
    assert.equal(s.stringData, undefined);
    await invalid(
      'POST',
      api('', 'secrets'),
      { metadata: { name: 'tls' }, type: 'kubernetes.io/tls', data: {} },
      'Secret "tls" is invalid: [data[tls.crt]: Required value, data[tls.key]: Required value]',
    );
    const put = { ...s, type: 'kubernetes.io/basic-auth' };
    await invalid(
      'PUT',
      `${api('', 'secrets')}/creds`,
      put,
      'Secret "creds" is invalid: [type: Invalid value: "kubernetes.io/basic-auth": field is immutable, data[username]: Required value, data[password]: Required value]',
    );
  });

  it('keeps immutable ConfigMaps unchanged', async () => {
    const cm = await create(api('', 'configmaps'), { metadata: { name: 'frozen' }, data: { a: '1' }, immutable: true });
    await invalid('PUT', `${api('', 'configmaps')}/frozen`, { ...cm, data: { a: '2' } }, 'ConfigMap "frozen" is invalid: data: Forbidden: field is immutable when `immutable` is set');
  });

  it('stores the example Ingress and refuses a relative path', async () => {
    const [ing] = corpusDocs('kubernetes-examples/AI/model-serving-tensorflow/ingress.yaml');
    const got = await create(api('networking.k8s.io/v1', 'ingresses'), ing);
    assert.deepEqual(got.status, { loadBalancer: {} });
    assert.equal(got.metadata.generation, 1);
    const bad = structuredClone(ing!);
    bad.metadata.name = 'relative';
    bad.spec.rules[0].http.paths[0].path = 'tf';
    await invalid(
      'POST',
      api('networking.k8s.io/v1', 'ingresses'),
      bad,
      'Ingress.networking.k8s.io "relative" is invalid: spec.rules[0].http.paths[0].path: Invalid value: "tf": must be an absolute path',
    );
  });

  it('fills in the example HPA behavior and its zero status', async () => {
    const [hpa] = corpusDocs('kubernetes-examples/AI/vllm-deployment/hpa/horizontal-pod-autoscaler.yaml');
    const got = await create(api('autoscaling/v2', 'horizontalpodautoscalers'), hpa);
    assert.deepEqual(got.spec.behavior, {
      scaleDown: { stabilizationWindowSeconds: 30, selectPolicy: 'Max', policies: [{ type: 'Percent', value: 100, periodSeconds: 15 }] },
      scaleUp: { stabilizationWindowSeconds: 0, selectPolicy: 'Max', policies: [{ type: 'Pods', value: 4, periodSeconds: 15 }, { type: 'Percent', value: 100, periodSeconds: 15 }] },
    });
    assert.deepEqual(got.status, { desiredReplicas: 0 });
    await invalid(
      'POST',
      api('autoscaling/v2', 'horizontalpodautoscalers'),
      { metadata: { name: 'zero' }, spec: { scaleTargetRef: { kind: 'Deployment', name: 'x' }, maxReplicas: 0 } },
      'HorizontalPodAutoscaler.autoscaling "zero" is invalid: [spec.maxReplicas: Invalid value: 0: must be greater than 0, spec.maxReplicas: Invalid value: 0: must be greater than or equal to `minReplicas`]',
    );
  });

  it('stores the example NFS PersistentVolume and keeps its source', async () => {
    const [pv] = corpusDocs('kubernetes-examples/_archived/volumes/nfs/nfs-pv.yaml');
    const got = await create('/api/v1/persistentvolumes', pv);
    assert.equal(got.spec.persistentVolumeReclaimPolicy, 'Retain');
    assert.equal(got.spec.volumeMode, 'Filesystem');
    assert.equal(got.status.phase, 'Pending');
    assert.match(got.status.lastPhaseTransitionTime, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    const moved = structuredClone(got);
    moved.spec.nfs.path = '/other';
    const res = await c.req('PUT', '/api/v1/persistentvolumes/nfs', moved);
    assert.equal(res.status, 422);
    assert.match(res.json<Obj>().message, /^PersistentVolume "nfs" is invalid: spec\.persistentvolumesource: Forbidden: spec\.persistentvolumesource is immutable after creation\n/);
  });

  it('stores the example StorageClass and forbids parameter changes', async () => {
    const [sc] = corpusDocs('kubernetes-examples/_archived/volumes/vsphere/vsphere-volume-sc-fast.yaml');
    const got = await create('/apis/storage.k8s.io/v1/storageclasses', sc);
    assert.equal(got.reclaimPolicy, 'Delete');
    assert.equal(got.volumeBindingMode, 'Immediate');
    await invalid(
      'PUT',
      '/apis/storage.k8s.io/v1/storageclasses/fast',
      { ...got, parameters: { diskformat: 'thin' } },
      'StorageClass.storage.k8s.io "fast" is invalid: parameters: Forbidden: updates to parameters are forbidden.',
    );
  });

  it('refuses to change a RoleBinding roleRef', async () => {
    await create(api('rbac.authorization.k8s.io/v1', 'roles'), { metadata: { name: 'reader' }, rules: [{ apiGroups: [''], resources: ['pods'], verbs: ['get'] }] });
    const rb = await create(api('rbac.authorization.k8s.io/v1', 'rolebindings'), {
      metadata: { name: 'read' },
      roleRef: { kind: 'Role', name: 'reader' },
      subjects: [{ kind: 'User', name: 'jane' }],
    });
    assert.deepEqual(rb.roleRef, { kind: 'Role', name: 'reader', apiGroup: 'rbac.authorization.k8s.io' });
    assert.deepEqual(rb.subjects, [{ kind: 'User', name: 'jane', apiGroup: 'rbac.authorization.k8s.io' }]);
    await invalid(
      'PUT',
      `${api('rbac.authorization.k8s.io/v1', 'rolebindings')}/read`,
      { ...rb, roleRef: { ...rb.roleRef, name: 'writer' } },
      'RoleBinding.rbac.authorization.k8s.io "read" is invalid: roleRef: Invalid value: rbac.RoleRef{APIGroup:"rbac.authorization.k8s.io", Kind:"Role", Name:"writer"}: cannot change roleRef',
    );
  });

  it('checks PodDisruptionBudgets, PriorityClasses and NetworkPolicies', async () => {
    const pdb = await create(api('policy/v1', 'poddisruptionbudgets'), { metadata: { name: 'web' }, spec: { minAvailable: 1, selector: { matchLabels: { app: 'web' } } } });
    assert.deepEqual(pdb.status, { disruptionsAllowed: 0, currentHealthy: 0, desiredHealthy: 0, expectedPods: 0 });
    const both = await c.req('POST', api('policy/v1', 'poddisruptionbudgets'), { metadata: { name: 'both' }, spec: { minAvailable: 1, maxUnavailable: 1 } });
    assert.equal(both.status, 422);
    assert.match(both.json<Obj>().message, /: minAvailable and maxUnavailable cannot be both set$/);

    const pc = await create('/apis/scheduling.k8s.io/v1/priorityclasses', { metadata: { name: 'high' }, value: 1000 });
    assert.equal(pc.preemptionPolicy, 'PreemptLowerPriority');
    await invalid(
      'PUT',
      '/apis/scheduling.k8s.io/v1/priorityclasses/high',
      { ...pc, value: 2000 },
      'PriorityClass.scheduling.k8s.io "high" is invalid: value: Forbidden: may not be changed in an update.',
    );

    await invalid(
      'POST',
      api('networking.k8s.io/v1', 'networkpolicies'),
      { metadata: { name: 'np' }, spec: { podSelector: {}, ingress: [{ from: [{ ipBlock: { cidr: '10.0.0.0' } }] }] } },
      'NetworkPolicy.networking.k8s.io "np" is invalid: spec.ingress[0].from[0].ipBlock.cidr: Invalid value: "10.0.0.0": not a valid CIDR',
    );
  });

  it('stores PersistentVolumeClaims Pending and lets only requests grow', async () => {
    const [claim] = corpusDocs('kubernetes-examples/_archived/volumes/nfs/nfs-pvc.yaml');
    const got = await create(api('', 'persistentvolumeclaims'), claim);
    assert.equal(got.spec.volumeMode, 'Filesystem');
    assert.equal(got.status.phase, 'Pending');
    const res = await c.req('PUT', `${api('', 'persistentvolumeclaims')}/${got.metadata.name}`, { ...got, spec: { ...got.spec, accessModes: ['ReadWriteOnce'] } });
    assert.equal(res.status, 422);
    assert.match(res.json<Obj>().message, /is invalid: spec: Forbidden: spec is immutable after creation except resources\.requests and volumeAttributesClassName for bound claims/);
  });
});
