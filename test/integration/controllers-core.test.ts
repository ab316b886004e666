/**
 * The core controllers of kube-controller-manager against a real in-process server:
 * garbage collector, namespace, serviceaccount, root-ca-certificate-publisher, endpoints,
 * endpointslice.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { HttpClient } from '../../src/client/index.js';
import { ControllerManager, httpDiscovery } from '../../src/controllers/index.js';
import { GarbageCollector } from '../../src/controllers/garbagecollector/index.js';
import { NamespaceController } from '../../src/controllers/namespace/index.js';
import { startTestCluster, type TestCluster } from '../helpers/cluster.js';

async function until<T>(fn: () => Promise<T | undefined | false>, what: string, ms = 20_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v !== undefined && v !== false) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

interface Meta {
  name: string;
  namespace?: string;
  uid: string;
  resourceVersion?: string;
  finalizers?: string[];
  deletionTimestamp?: string;
  ownerReferences?: { uid: string; apiVersion: string; kind: string; name: string; controller?: boolean; blockOwnerDeletion?: boolean }[];
  annotations?: Record<string, string>;
  labels?: Record<string, string>;
  generateName?: string;
}
interface Obj {
  metadata: Meta;
  data?: Record<string, string>;
  status?: { phase?: string; conditions?: { type: string; status: string; reason: string; message: string; lastTransitionTime?: string }[] };
  subsets?: { addresses?: Record<string, unknown>[]; notReadyAddresses?: Record<string, unknown>[]; ports?: Record<string, unknown>[] }[];
  endpoints?: { addresses: string[]; conditions: Record<string, boolean>; targetRef?: { name: string; uid: string }; hostname?: string; nodeName?: string }[];
  ports?: Record<string, unknown>[];
  addressType?: string;
  items?: Obj[];
  reason?: string;
  message?: string;
  involvedObject?: { name: string; uid: string };
}

describe('core controllers', () => {
  let c: TestCluster;
  const CM = (ns: string) => `/api/v1/namespaces/${ns}/configmaps`;
  const exists = async (path: string) => (await c.req('GET', path)).status === 200;
  const get = async (path: string) => (await c.req('GET', path)).json<Obj>();
  const post = async (path: string, body: unknown) => {
    const r = await c.req('POST', path, body);
    assert.equal(r.status, 201, `${path}: ${r.text()}`);
    return r.json<Obj>();
  };
  const merge = (path: string, body: unknown) => c.req('PATCH', path, body, { contentType: 'application/merge-patch+json' });
  const gone = (path: string, what = path) => until(async () => !(await exists(path)), `${what} to be deleted`);
  const ref = (o: Obj, kind = 'ConfigMap', apiVersion = 'v1', block = true) => ({ apiVersion, kind, name: o.metadata.name, uid: o.metadata.uid, blockOwnerDeletion: block });
  const newNamespace = async (name: string) => {
    await post('/api/v1/namespaces', { metadata: { name } });
    await until(() => exists(`/api/v1/namespaces/${name}/serviceaccounts/default`), `the default ServiceAccount of ${name}`);
  };

  before(async () => {
    c = await startTestCluster({
      controllers: ['garbage-collector', 'namespace', 'serviceaccount', 'root-ca-certificate-publisher', 'endpoints', 'endpointslice'],
    });
    await newNamespace('gc');
  });
  after(() => c.stop());

  describe('garbage collector', () => {
    async function family(owner: string, block = true): Promise<Obj> {
      const o = await post(CM('gc'), { metadata: { name: owner } });
      for (const child of ['a', 'b']) await post(CM('gc'), { metadata: { name: `${owner}-${child}`, ownerReferences: [ref(o, 'ConfigMap', 'v1', block)] } });
      return o;
    }

    it('background: dependents go once their owner is gone', async () => {
      await family('bg');
      assert.equal((await c.req('DELETE', `${CM('gc')}/bg`, { propagationPolicy: 'Background' })).status, 200);
      await gone(`${CM('gc')}/bg-a`);
      await gone(`${CM('gc')}/bg-b`);
    });

    it('foreground: the owner (foregroundDeletion) waits for its blocking dependents, then goes', async () => {
      await family('fg');
      const del = await c.req('DELETE', `${CM('gc')}/fg`, { propagationPolicy: 'Foreground' });
      const marked = del.json<Obj>();
      assert.ok(marked.metadata.deletionTimestamp);
      assert.deepEqual(marked.metadata.finalizers, ['foregroundDeletion']);
      await gone(`${CM('gc')}/fg`);
      assert.equal(await exists(`${CM('gc')}/fg-a`), false);
      assert.equal(await exists(`${CM('gc')}/fg-b`), false);
    });

    it('foreground: an owner is held while a blocking dependent is held by its own finalizer', async () => {
      const o = await post(CM('gc'), { metadata: { name: 'held-owner' } });
      await post(CM('gc'), { metadata: { name: 'held-child', finalizers: ['example.com/hold'], ownerReferences: [ref(o)] } });
      await c.req('DELETE', `${CM('gc')}/held-owner`, { propagationPolicy: 'Foreground' });
      await until(async () => !!(await get(`${CM('gc')}/held-child`)).metadata.deletionTimestamp, 'the dependent to be deleted');
      await new Promise((r) => setTimeout(r, 300));
      assert.deepEqual((await get(`${CM('gc')}/held-owner`)).metadata.finalizers, ['foregroundDeletion']);
      await merge(`${CM('gc')}/held-child`, { metadata: { finalizers: null } });
      await gone(`${CM('gc')}/held-owner`);
    });

    it('foreground cascades through a chain of owners', async () => {
      const a = await post(CM('gc'), { metadata: { name: 'chain-a' } });
      const b = await post(CM('gc'), { metadata: { name: 'chain-b', ownerReferences: [ref(a)] } });
      await post(CM('gc'), { metadata: { name: 'chain-c', ownerReferences: [ref(b)] } });
      await c.req('DELETE', `${CM('gc')}/chain-a`, { propagationPolicy: 'Foreground' });
      await gone(`${CM('gc')}/chain-a`);
      assert.equal(await exists(`${CM('gc')}/chain-b`), false);
      assert.equal(await exists(`${CM('gc')}/chain-c`), false);
    });

    it('orphan: dependents stay and lose the reference to the owner', async () => {
      const o = await family('or');
      assert.equal((await c.req('DELETE', `${CM('gc')}/or`, { propagationPolicy: 'Orphan' })).status, 200);
      await gone(`${CM('gc')}/or`);
      for (const child of ['or-a', 'or-b']) {
        const d = await get(`${CM('gc')}/${child}`);
        assert.ok(!(d.metadata.ownerReferences ?? []).some((r) => r.uid === o.metadata.uid), child);
      }
    });

    it('removes only the dangling reference of a dependent that has another live owner', async () => {
      const a = await post(CM('gc'), { metadata: { name: 'two-a' } });
      const b = await post(CM('gc'), { metadata: { name: 'two-b' } });
      await post(CM('gc'), { metadata: { name: 'shared', ownerReferences: [ref(a), ref(b)] } });
      await c.req('DELETE', `${CM('gc')}/two-a`);
      const shared = await until(async () => {
        const o = await get(`${CM('gc')}/shared`);
        return o.metadata.ownerReferences?.length === 1 ? o : undefined;
      }, 'the dangling reference to go');
      assert.equal(shared.metadata.ownerReferences![0]!.uid, b.metadata.uid);
    });

    it('deletes a dependent whose owner never existed, or exists under another uid', async () => {
      await post(CM('gc'), { metadata: { name: 'real-owner' } });
      await post(CM('gc'), {
        metadata: { name: 'ghost-child', ownerReferences: [{ apiVersion: 'v1', kind: 'ConfigMap', name: 'nobody', uid: '00000000-0000-0000-0000-000000000001' }] },
      });
      await post(CM('gc'), {
        metadata: { name: 'wrong-uid-child', ownerReferences: [{ apiVersion: 'v1', kind: 'ConfigMap', name: 'real-owner', uid: '00000000-0000-0000-0000-000000000002' }] },
      });
      await gone(`${CM('gc')}/ghost-child`);
      await gone(`${CM('gc')}/wrong-uid-child`);
      assert.equal(await exists(`${CM('gc')}/real-owner`), true);
    });

    it('a cluster-scoped owner owns namespaced dependents', async () => {
      const role = await post('/apis/rbac.authorization.k8s.io/v1/clusterroles', { metadata: { name: 'gc-owner-role' }, rules: [] });
      await post(CM('gc'), { metadata: { name: 'owned-by-role', ownerReferences: [ref(role, 'ClusterRole', 'rbac.authorization.k8s.io/v1')] } });
      await new Promise((r) => setTimeout(r, 300));
      assert.equal(await exists(`${CM('gc')}/owned-by-role`), true, 'a live cluster-scoped owner keeps it');
      await c.req('DELETE', '/apis/rbac.authorization.k8s.io/v1/clusterroles/gc-owner-role');
      await gone(`${CM('gc')}/owned-by-role`);
    });

    it('an owner in another namespace does not count: the dependent goes, with an OwnerRefInvalidNamespace event', async () => {
      await newNamespace('gc-other');
      const owner = await post(CM('gc'), { metadata: { name: 'elsewhere-owner' } });
      const child = await post(CM('gc-other'), { metadata: { name: 'cross-ns-child', ownerReferences: [ref(owner)] } });
      await gone(`${CM('gc-other')}/cross-ns-child`);
      assert.equal(await exists(`${CM('gc')}/elsewhere-owner`), true);
      const ev = await until(async () => {
        const list = await get('/api/v1/namespaces/gc-other/events');
        return list.items!.find((e) => e.reason === 'OwnerRefInvalidNamespace' && e.involvedObject?.uid === child.metadata.uid);
      }, 'the OwnerRefInvalidNamespace event');
      assert.equal(ev.message, `ownerRef [v1/ConfigMap, namespace: gc-other, name: elsewhere-owner, uid: ${owner.metadata.uid}] does not exist in namespace "gc-other"`);
    });

    it('a cluster-scoped dependent naming a namespaced owner kind is left alone', async () => {
      const owner = await post(CM('gc'), { metadata: { name: 'ns-owner-of-cluster' } });
      await post('/apis/rbac.authorization.k8s.io/v1/clusterroles', { metadata: { name: 'gc-invalid-dependent', ownerReferences: [ref(owner)] }, rules: [] });
      await c.req('DELETE', `${CM('gc')}/ns-owner-of-cluster`);
      await new Promise((r) => setTimeout(r, 500));
      assert.equal(await exists('/apis/rbac.authorization.k8s.io/v1/clusterroles/gc-invalid-dependent'), true);
    });

    it('pods owned by a ReplicaSet go with it', async () => {
      const rs = await post('/apis/apps/v1/namespaces/gc/replicasets', {
        metadata: { name: 'web' },
        spec: { replicas: 0, selector: { matchLabels: { app: 'web' } }, template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'c', image: 'nginx' }] } } },
      });
      for (const n of ['web-1', 'web-2']) {
        await post('/api/v1/namespaces/gc/pods', {
          metadata: { name: n, labels: { app: 'web' }, ownerReferences: [{ ...ref(rs, 'ReplicaSet', 'apps/v1'), controller: true }] },
          spec: { containers: [{ name: 'c', image: 'nginx' }] },
        });
      }
      await c.req('DELETE', '/apis/apps/v1/namespaces/gc/replicasets/web', { propagationPolicy: 'Background' });
      await gone('/api/v1/namespaces/gc/pods/web-1');
      await gone('/api/v1/namespaces/gc/pods/web-2');
    });
  });

  describe('serviceaccount and root CA publisher', () => {
    it('give every namespace a default ServiceAccount and kube-root-ca.crt, restoring them', async () => {
      await post('/api/v1/namespaces', { metadata: { name: 'fresh' } });
      await until(() => exists('/api/v1/namespaces/fresh/serviceaccounts/default'), 'the default ServiceAccount');
      const ca = await until(async () => {
        const r = await c.req('GET', `${CM('fresh')}/kube-root-ca.crt`);
        return r.status === 200 ? r.json<Obj>() : undefined;
      }, 'kube-root-ca.crt');
      assert.deepEqual(Object.keys(ca.data!), ['ca.crt']);
      assert.match(ca.data!['ca.crt']!, /^-----BEGIN CERTIFICATE-----/);
      assert.equal(
        ca.metadata.annotations!['kubernetes.io/description'],
        'Contains a CA bundle that can be used to verify the kube-apiserver when using internal endpoints such as the internal service IP or kubernetes.default.svc. No other usage is guaranteed across distributions of Kubernetes clusters.',
      );
      await c.req('DELETE', '/api/v1/namespaces/fresh/serviceaccounts/default');
      await merge(`${CM('fresh')}/kube-root-ca.crt`, { data: { 'ca.crt': 'tampered', extra: 'x' } });
      await until(() => exists('/api/v1/namespaces/fresh/serviceaccounts/default'), 'the ServiceAccount to come back');
      await until(async () => JSON.stringify((await get(`${CM('fresh')}/kube-root-ca.crt`)).data) === JSON.stringify(ca.data), 'the CA to be restored');
      await c.req('DELETE', `${CM('fresh')}/kube-root-ca.crt`);
      await until(() => exists(`${CM('fresh')}/kube-root-ca.crt`), 'kube-root-ca.crt to come back');
    });
  });

  describe('namespace controller', () => {
    it('deletes a namespace with its content, reporting what remains while finalizers hold it', async () => {
      await newNamespace('doomed');
      await post(CM('doomed'), { metadata: { name: 'plain' } });
      await post(CM('doomed'), { metadata: { name: 'held', finalizers: ['example.com/hold'] } });
      await post('/api/v1/namespaces/doomed/secrets', { metadata: { name: 's' } });
      await post('/apis/apps/v1/namespaces/doomed/deployments', {
        metadata: { name: 'd' },
        spec: { selector: { matchLabels: { a: 'b' } }, template: { metadata: { labels: { a: 'b' } }, spec: { containers: [{ name: 'c', image: 'x' }] } } },
      });
      assert.equal((await c.req('DELETE', '/api/v1/namespaces/doomed')).status, 200);
      const ns = await until(async () => {
        const o = await get('/api/v1/namespaces/doomed');
        return o.status?.conditions?.some((x) => x.type === 'NamespaceFinalizersRemaining' && x.status === 'True') ? o : undefined;
      }, 'conditions naming the remaining content');
      assert.equal(ns.status!.phase, 'Terminating');
      const conds = Object.fromEntries(ns.status!.conditions!.map((x) => [x.type, [x.status, x.reason, x.message]]));
      assert.deepEqual(conds, {
        NamespaceDeletionDiscoveryFailure: ['False', 'ResourcesDiscovered', 'All resources successfully discovered'],
        NamespaceDeletionGroupVersionParsingFailure: ['False', 'ParsedGroupVersions', 'All legacy kube types successfully parsed'],
        NamespaceDeletionContentFailure: ['False', 'ContentDeleted', 'All content successfully deleted, may be waiting on finalization'],
        NamespaceContentRemaining: ['True', 'SomeResourcesRemain', 'Some resources are remaining: configmaps. has 1 resource instances'],
        NamespaceFinalizersRemaining: ['True', 'SomeFinalizersRemain', 'Some content in the namespace has finalizers remaining: example.com/hold in 1 resource instances'],
      });
      for (const p of [`${CM('doomed')}/plain`, '/api/v1/namespaces/doomed/secrets/s', '/apis/apps/v1/namespaces/doomed/deployments/d', '/api/v1/namespaces/doomed/serviceaccounts/default']) {
        assert.equal(await exists(p), false, p);
      }
      // New content is refused while it terminates.
      assert.equal((await c.req('POST', CM('doomed'), { metadata: { name: 'late' } })).status, 403);
      await merge(`${CM('doomed')}/held`, { metadata: { finalizers: null } });
      await gone('/api/v1/namespaces/doomed', 'the namespace');
    });
  });

  describe('endpoints and endpointslice controllers', () => {
    const P = (name: string) => `/api/v1/namespaces/svc/pods/${name}`;
    const now = () => new Date(Math.floor(Date.now() / 1000) * 1000).toISOString().replace('.000Z', 'Z');
    async function runningPod(name: string, ip: string, ready: boolean, extra: Record<string, unknown> = {}, labels = { app: 'web' }, finalizers?: string[]) {
      await post('/api/v1/namespaces/svc/pods', {
        metadata: { name, labels, finalizers },
        spec: { containers: [{ name: 'c', image: 'nginx', ports: [{ name: 'http', containerPort: 8080 }] }], ...extra },
      });
      const r = await merge(`${P(name)}/status`, {
        status: { phase: 'Running', podIP: ip, podIPs: [{ ip }], conditions: [{ type: 'Ready', status: ready ? 'True' : 'False', lastTransitionTime: now() }] },
      });
      assert.equal(r.status, 200, r.text());
    }
    const slicesOf = async (svc: string) =>
      (await get(`/apis/discovery.k8s.io/v1/namespaces/svc/endpointslices?labelSelector=kubernetes.io/service-name=${svc}`)).items!;

    before(async () => {
      await newNamespace('svc');
    });

    it('lists ready and not-ready pods with named target ports, and follows readiness', async () => {
      const svc = await post('/api/v1/namespaces/svc/services', {
        metadata: { name: 'web', labels: { team: 'a' } },
        spec: { selector: { app: 'web' }, ports: [{ name: 'http', port: 80, targetPort: 'http' }] },
      });
      await runningPod('web-1', '10.244.0.11', true);
      await runningPod('web-2', '10.244.0.12', false);
      await runningPod('other', '10.244.0.13', true, {}, { app: 'other' } as { app: string });
      const ep = await until(async () => {
        const e = await c.req('GET', '/api/v1/namespaces/svc/endpoints/web');
        const o = e.status === 200 ? e.json<Obj>() : undefined;
        return o?.subsets?.[0]?.addresses?.length === 1 && o.subsets[0].notReadyAddresses?.length === 1 ? o : undefined;
      }, 'the Endpoints');
      assert.deepEqual(ep.metadata.labels, { team: 'a' });
      assert.ok(ep.metadata.annotations?.['endpoints.kubernetes.io/last-change-trigger-time']);
      const pod1 = await get(P('web-1'));
      assert.deepEqual(ep.subsets, [
        {
          addresses: [{ ip: '10.244.0.11', targetRef: { kind: 'Pod', namespace: 'svc', name: 'web-1', uid: pod1.metadata.uid } }],
          notReadyAddresses: [{ ip: '10.244.0.12', targetRef: { kind: 'Pod', namespace: 'svc', name: 'web-2', uid: (await get(P('web-2'))).metadata.uid } }],
          ports: [{ name: 'http', port: 8080, protocol: 'TCP' }],
        },
      ]);

      const slice = await until(async () => {
        const items = await slicesOf('web');
        return items.length === 1 && items[0]!.endpoints?.length === 2 ? items[0] : undefined;
      }, 'the EndpointSlice');
      assert.match(slice.metadata.name, /^web-[a-z0-9]{5}$/);
      assert.deepEqual(slice.metadata.labels, {
        team: 'a',
        'kubernetes.io/service-name': 'web',
        'endpointslice.kubernetes.io/managed-by': 'endpointslice-controller.k8s.io',
      });
      assert.deepEqual(slice.metadata.ownerReferences, [{ apiVersion: 'v1', kind: 'Service', name: 'web', uid: svc.metadata.uid, controller: true, blockOwnerDeletion: true }]);
      assert.equal(slice.addressType, 'IPv4');
      assert.deepEqual(slice.ports, [{ name: 'http', port: 8080, protocol: 'TCP' }]);
      const byName = Object.fromEntries(slice.endpoints!.map((e) => [e.targetRef!.name, [e.addresses, e.conditions]]));
      assert.deepEqual(byName, {
        'web-1': [['10.244.0.11'], { ready: true, serving: true, terminating: false }],
        'web-2': [['10.244.0.12'], { ready: false, serving: false, terminating: false }],
      });

      // web-2 becomes ready.
      await merge(`${P('web-2')}/status`, { status: { conditions: [{ type: 'Ready', status: 'True', lastTransitionTime: now() }] } });
      await until(async () => (await get('/api/v1/namespaces/svc/endpoints/web')).subsets?.[0]?.addresses?.length === 2, 'both addresses ready');
      await until(async () => (await slicesOf('web'))[0]!.endpoints!.every((e) => e.conditions.ready), 'both slice endpoints ready');
    });

    it('excludes terminating pods from Endpoints but keeps them in slices as terminating', async () => {
      await runningPod('web-3', '10.244.0.14', true, {}, { app: 'web' }, ['example.com/hold']);
      await until(async () => (await get('/api/v1/namespaces/svc/endpoints/web')).subsets?.[0]?.addresses?.length === 3, 'three addresses');
      await c.req('DELETE', P('web-3'));
      await until(async () => (await get('/api/v1/namespaces/svc/endpoints/web')).subsets?.[0]?.addresses?.length === 2, 'the terminating pod out of Endpoints');
      const ep = await until(async () => (await slicesOf('web'))[0]!.endpoints!.find((e) => e.targetRef?.name === 'web-3' && e.conditions.terminating), 'a terminating endpoint');
      assert.deepEqual(ep.conditions, { ready: false, serving: true, terminating: true });
      await merge(P('web-3'), { metadata: { finalizers: null } });
      await until(async () => (await slicesOf('web'))[0]!.endpoints!.length === 2, 'the pod gone from the slice');
    });

    it('headless: hostnames for the subdomain, the headless label, publishNotReadyAddresses', async () => {
      await post('/api/v1/namespaces/svc/services', {
        metadata: { name: 'db' },
        spec: { clusterIP: 'None', publishNotReadyAddresses: true, selector: { app: 'db' }, ports: [{ port: 5432 }] },
      });
      await runningPod('db-0', '10.244.1.10', false, { hostname: 'db-0', subdomain: 'db' }, { app: 'db' });
      const ep = await until(async () => {
        const r = await c.req('GET', '/api/v1/namespaces/svc/endpoints/db');
        const o = r.status === 200 ? r.json<Obj>() : undefined;
        return o?.subsets?.length ? o : undefined;
      }, 'the headless Endpoints');
      assert.deepEqual(ep.metadata.labels, { 'service.kubernetes.io/headless': '' });
      assert.equal(ep.subsets![0]!.addresses![0]!.hostname, 'db-0');
      assert.deepEqual(ep.subsets![0]!.ports, [{ port: 5432, protocol: 'TCP' }]);
      const slice = await until(async () => (await slicesOf('db')).find((s) => s.endpoints?.length), 'the headless slice');
      assert.equal(slice.metadata.labels!['service.kubernetes.io/headless'], '');
      assert.deepEqual(slice.endpoints![0]!.conditions, { ready: true, serving: false, terminating: false });
      assert.equal(slice.endpoints![0]!.hostname, 'db-0');
      assert.deepEqual(slice.ports, [{ name: '', port: 5432, protocol: 'TCP' }]);
    });

    it('a Service without pods gets an empty Endpoints and one placeholder slice; a deleted Service takes them along', async () => {
      await post('/api/v1/namespaces/svc/services', { metadata: { name: 'empty' }, spec: { selector: { app: 'none' }, ports: [{ port: 80 }] } });
      const ep = await until(async () => {
        const r = await c.req('GET', '/api/v1/namespaces/svc/endpoints/empty');
        return r.status === 200 ? r.json<Obj>() : undefined;
      }, 'the empty Endpoints');
      assert.equal(ep.subsets, undefined);
      const slices = await until(async () => {
        const s = await slicesOf('empty');
        return s.length ? s : undefined;
      }, 'the placeholder slice');
      assert.equal(slices.length, 1);
      assert.deepEqual(slices[0]!.endpoints ?? [], []);
      await c.req('DELETE', '/api/v1/namespaces/svc/services/empty');
      await gone('/api/v1/namespaces/svc/endpoints/empty');
      await until(async () => (await slicesOf('empty')).length === 0, 'the slice to be collected');
    });

    it('leaves Services without a selector (and the kubernetes Service) alone', async () => {
      await post('/api/v1/namespaces/svc/services', { metadata: { name: 'manual' }, spec: { ports: [{ port: 80 }] } });
      await post('/api/v1/namespaces/svc/endpoints', { metadata: { name: 'manual' }, subsets: [{ addresses: [{ ip: '192.0.2.1' }], ports: [{ port: 80 }] }] });
      await new Promise((r) => setTimeout(r, 300));
      assert.equal((await get('/api/v1/namespaces/svc/endpoints/manual')).subsets![0]!.addresses![0]!.ip, '192.0.2.1');
      assert.equal((await slicesOf('manual')).length, 0);
      const k = await get('/api/v1/namespaces/default/endpoints/kubernetes');
      assert.equal(k.subsets!.length, 1);
    });
  });
});

describe('garbage collector and namespace controller over HTTPS, with custom resources', () => {
  let c: TestCluster;
  const abort = new AbortController();
  let manager: Promise<void>;
  const get = async (path: string) => c.req('GET', path);
  const post = async (path: string, body: unknown) => {
    const r = await c.req('POST', path, body);
    assert.equal(r.status, 201, `${path}: ${r.text()}`);
    return r.json<Obj>();
  };
  const WIDGETS = (ns: string) => `/apis/example.com/v1/namespaces/${ns}/widgets`;

  before(async () => {
    c = await startTestCluster();
    // As `k8ts controller-manager` runs them: HTTPS client, HTTP discovery; short periods.
    const rest = c.client;
    const cm = new ControllerManager({
      client: new HttpClient(rest),
      discovery: httpDiscovery(rest),
      controllers: {
        'garbage-collector': (ctx) => new GarbageCollector(ctx, { resyncMs: 300 }),
        namespace: (ctx) => new NamespaceController(ctx, { deletionGraceMs: 0 }),
      },
    });
    manager = cm.run(abort.signal);
    await post('/api/v1/namespaces', { metadata: { name: 'crs' } });
    await post('/apis/apiextensions.k8s.io/v1/customresourcedefinitions', {
      metadata: { name: 'widgets.example.com' },
      spec: {
        group: 'example.com',
        scope: 'Namespaced',
        names: { plural: 'widgets', singular: 'widget', kind: 'Widget', listKind: 'WidgetList' },
        versions: [{ name: 'v1', served: true, storage: true, schema: { openAPIV3Schema: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true } } }],
      },
    });
    await until(async () => (await get(WIDGETS('crs'))).status === 200, 'the Widget resource to be served');
  });
  after(async () => {
    abort.abort();
    await manager;
    await c.stop();
  });

  it('collects custom resources owned by a ConfigMap, and ConfigMaps owned by a custom resource', async () => {
    const owner = await post('/api/v1/namespaces/crs/configmaps', { metadata: { name: 'cm-owner' } });
    await post(WIDGETS('crs'), {
      apiVersion: 'example.com/v1',
      kind: 'Widget',
      metadata: { name: 'w-dep', ownerReferences: [{ apiVersion: 'v1', kind: 'ConfigMap', name: 'cm-owner', uid: owner.metadata.uid, blockOwnerDeletion: true }] },
    });
    const w = await post(WIDGETS('crs'), { apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w-owner' } });
    await post('/api/v1/namespaces/crs/configmaps', {
      metadata: { name: 'cm-dep', ownerReferences: [{ apiVersion: 'example.com/v1', kind: 'Widget', name: 'w-owner', uid: w.metadata.uid }] },
    });
    // Foreground through a custom resource: its finalizer is removed by the collector.
    await c.req('DELETE', '/api/v1/namespaces/crs/configmaps/cm-owner', { propagationPolicy: 'Foreground' });
    await c.req('DELETE', `${WIDGETS('crs')}/w-owner`, { propagationPolicy: 'Orphan' });
    await until(async () => (await get(`${WIDGETS('crs')}/w-dep`)).status === 404, 'the Widget dependent to be collected');
    await until(async () => (await get('/api/v1/namespaces/crs/configmaps/cm-owner')).status === 404, 'the foreground owner to go');
    await until(async () => (await get(`${WIDGETS('crs')}/w-owner`)).status === 404, 'the orphaning Widget to go');
    const dep = (await get('/api/v1/namespaces/crs/configmaps/cm-dep')).json<Obj>();
    assert.ok(!(dep.metadata.ownerReferences ?? []).some((r) => r.uid === w.metadata.uid));
  });

  it('orphans a custom resource (no strategic merge patch for custom resources: JSON merge patch instead)', async () => {
    const owner = await post('/api/v1/namespaces/crs/configmaps', { metadata: { name: 'cm-orphaner' } });
    await post(WIDGETS('crs'), {
      apiVersion: 'example.com/v1',
      kind: 'Widget',
      metadata: {
        name: 'w-orphan',
        ownerReferences: [
          { apiVersion: 'v1', kind: 'ConfigMap', name: 'cm-orphaner', uid: owner.metadata.uid },
          { apiVersion: 'v1', kind: 'ConfigMap', name: 'cm-owner-2', uid: '00000000-0000-0000-0000-00000000000f' },
        ],
      },
    });
    const strategic = await c.req('PATCH', `${WIDGETS('crs')}/w-orphan`, { metadata: { labels: { a: 'b' } } }, { contentType: 'application/strategic-merge-patch+json' });
    assert.equal(strategic.status, 415, strategic.text());
    // The reference to an owner that never existed goes first (the other owner is alive)...
    await until(async () => (await get(`${WIDGETS('crs')}/w-orphan`)).json<Obj>().metadata.ownerReferences?.length === 1, 'the dangling reference to be removed');
    // ...then orphaning removes the other: the widget stays, owned by nobody.
    await c.req('DELETE', '/api/v1/namespaces/crs/configmaps/cm-orphaner', { propagationPolicy: 'Orphan' });
    await until(async () => (await get('/api/v1/namespaces/crs/configmaps/cm-orphaner')).status === 404, 'the orphaning owner to go');
    const w = (await get(`${WIDGETS('crs')}/w-orphan`)).json<Obj>();
    assert.ok(!(w.metadata.ownerReferences ?? []).length, JSON.stringify(w.metadata.ownerReferences));
  });

  it('deletes the custom resources of a namespace being deleted', async () => {
    await post('/api/v1/namespaces', { metadata: { name: 'crs-gone' } });
    await post(WIDGETS('crs-gone'), { apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name: 'w' } });
    await c.req('DELETE', '/api/v1/namespaces/crs-gone');
    await until(async () => (await get('/api/v1/namespaces/crs-gone')).status === 404, 'the namespace to go');
  });
});
