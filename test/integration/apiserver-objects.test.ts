import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startTestCluster, type TestCluster } from '../helpers/cluster.js';

type Obj = Record<string, any>;
const CM = '/api/v1/namespaces/default/configmaps';

describe('apiserver: object semantics', () => {
  let c: TestCluster;
  before(async () => {
    c = await startTestCluster();
  });
  after(async () => {
    await c.stop();
  });

  it('creates with uid, creationTimestamp and resourceVersion, and refuses duplicates', async () => {
    const r = await c.req('POST', CM, { metadata: { name: 'one' }, data: { a: '1' } });
    assert.equal(r.status, 201);
    const o = r.json<Obj>();
    assert.equal(o.kind, 'ConfigMap');
    assert.equal(o.apiVersion, 'v1');
    assert.match(o.metadata.uid, /^[0-9a-f-]{36}$/);
    assert.match(o.metadata.creationTimestamp, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    assert.match(o.metadata.resourceVersion, /^\d+$/);
    assert.equal(o.metadata.namespace, 'default');
    const dup = await c.req('POST', CM, { metadata: { name: 'one' } });
    assert.equal(dup.status, 409);
    assert.equal(dup.json<Obj>().reason, 'AlreadyExists');
    assert.equal(dup.json<Obj>().message, 'configmaps "one" already exists');
  });

  it('generates names from generateName', async () => {
    const r = (await c.req('POST', CM, { metadata: { generateName: 'gen-' } })).json<Obj>();
    assert.match(r.metadata.name, /^gen-[bcdfghjklmnpqrstvwxz2456789]{5}$/);
  });

  it('validates names and reports 422 with field causes', async () => {
    const r = await c.req('POST', CM, { metadata: { name: 'Bad_Name' } });
    assert.equal(r.status, 422);
    const s = r.json<Obj>();
    assert.equal(s.reason, 'Invalid');
    assert.match(s.message, /^ConfigMap "Bad_Name" is invalid: metadata.name: Invalid value: "Bad_Name": a lowercase RFC 1123 subdomain/);
    assert.equal(s.details.causes[0].field, 'metadata.name');
    assert.equal(s.details.causes[0].reason, 'FieldValueInvalid');
    const none = await c.req('POST', CM, { metadata: {} });
    assert.equal(none.status, 422);
    assert.match(none.json<Obj>().message, /metadata.name: Required value: name or generateName is required/);
  });

  it('updates with optimistic concurrency: a stale resourceVersion is a 409 Conflict', async () => {
    const created = (await c.req('POST', CM, { metadata: { name: 'occ' }, data: { v: '1' } })).json<Obj>();
    const upd = await c.req('PUT', `${CM}/occ`, { ...created, data: { v: '2' } });
    assert.equal(upd.status, 200);
    const updated = upd.json<Obj>();
    assert.ok(Number(updated.metadata.resourceVersion) > Number(created.metadata.resourceVersion));
    const stale = await c.req('PUT', `${CM}/occ`, { ...created, data: { v: '3' } });
    assert.equal(stale.status, 409);
    assert.equal(
      stale.json<Obj>().message,
      'Operation cannot be fulfilled on configmaps "occ": the object has been modified; please apply your changes to the latest version and try again',
    );
    // Without a resourceVersion the update is unconditional.
    const { resourceVersion: _, ...meta } = updated.metadata;
    const uncond = await c.req('PUT', `${CM}/occ`, { ...updated, metadata: meta, data: { v: '4' } });
    assert.equal(uncond.status, 200);
    // A no-op update does not write.
    const same = (await c.req('PUT', `${CM}/occ`, uncond.json<Obj>())).json<Obj>();
    assert.equal(same.metadata.resourceVersion, uncond.json<Obj>().metadata.resourceVersion);
    // System fields cannot be changed by clients.
    const sneaky = (await c.req('PUT', `${CM}/occ`, { ...same, metadata: { ...same.metadata, uid: undefined, creationTimestamp: '2000-01-01T00:00:00Z' } })).json<Obj>();
    assert.equal(sneaky.metadata.creationTimestamp, created.metadata.creationTimestamp);
    const mismatch = await c.req('PUT', `${CM}/occ`, { ...same, metadata: { ...same.metadata, name: 'other' } });
    assert.equal(mismatch.status, 400);
  });

  it('keeps status and spec apart when a /status subresource exists, and bumps generation on spec changes', async () => {
    const DEP = '/apis/apps/v1/namespaces/default/deployments';
    const d = {
      metadata: { name: 'gen' },
      spec: {
        replicas: 1,
        selector: { matchLabels: { app: 'gen' } },
        template: { metadata: { labels: { app: 'gen' } }, spec: { containers: [{ name: 'c', image: 'busybox' }] } },
      },
      status: { replicas: 99 },
    };
    const created = (await c.req('POST', DEP, d)).json<Obj>();
    assert.equal(created.metadata.generation, 1);
    assert.equal(created.status?.replicas, undefined, 'status is dropped on create');
    const withStatus = (await c.req('PUT', `${DEP}/gen`, { ...created, status: { replicas: 5 } })).json<Obj>();
    assert.equal(withStatus.status?.replicas, undefined, 'the main resource ignores status');
    assert.equal(withStatus.metadata.generation, 1, 'no spec change, no new generation');
    const st = await c.req('PUT', `${DEP}/gen/status`, { ...withStatus, spec: { ...withStatus.spec, replicas: 7 }, status: { replicas: 3 } });
    assert.equal(st.status, 200);
    assert.equal(st.json<Obj>().status.replicas, 3);
    assert.equal(st.json<Obj>().spec.replicas, 1, '/status ignores spec');
    const scaled = (await c.req('PUT', `${DEP}/gen`, { ...st.json<Obj>(), spec: { ...st.json<Obj>().spec, replicas: 2 } })).json<Obj>();
    assert.equal(scaled.metadata.generation, 2);
    assert.equal(scaled.status.replicas, 3);
    const scale = (await c.req('GET', `${DEP}/gen/scale`)).json<Obj>();
    assert.deepEqual(scale.spec, { replicas: 2 });
    assert.equal(scale.status.selector, 'app=gen');
    const rescaled = await c.req('PATCH', `${DEP}/gen/scale`, { spec: { replicas: 4 } }, { contentType: 'application/merge-patch+json' });
    assert.equal(rescaled.status, 200, rescaled.text());
    assert.equal((await c.req('GET', `${DEP}/gen`)).json<Obj>().spec.replicas, 4);
  });

  it('deletes with finalizers: marked deleting until the last finalizer goes', async () => {
    await c.req('POST', CM, { metadata: { name: 'fin', finalizers: ['example.com/hold'] } });
    const del = await c.req('DELETE', `${CM}/fin`);
    assert.equal(del.status, 200);
    const marked = (await c.req('GET', `${CM}/fin`)).json<Obj>();
    assert.ok(marked.metadata.deletionTimestamp);
    assert.equal(marked.metadata.deletionGracePeriodSeconds, 0);
    const r = await c.req('PATCH', `${CM}/fin`, { metadata: { finalizers: null } }, { contentType: 'application/merge-patch+json' });
    assert.equal(r.status, 200, r.text());
    assert.equal((await c.req('GET', `${CM}/fin`)).status, 404);
  });

  it('returns a Success status from DELETE, and honours preconditions', async () => {
    const o = (await c.req('POST', CM, { metadata: { name: 'gone' } })).json<Obj>();
    const bad = await c.req('DELETE', `${CM}/gone`, { preconditions: { uid: 'nope' } });
    assert.equal(bad.status, 409);
    const r = await c.req('DELETE', `${CM}/gone`, { preconditions: { uid: o.metadata.uid } });
    assert.equal(r.status, 200);
    const s = r.json<Obj>();
    assert.equal(s.kind, 'Status');
    assert.equal(s.status, 'Success');
    assert.deepEqual(s.details, { name: 'gone', kind: 'configmaps', uid: o.metadata.uid });
    assert.equal((await c.req('DELETE', `${CM}/gone`)).status, 404);
  });

  it('deletes pods gracefully once they are on a node', async () => {
    const PODS = '/api/v1/namespaces/default/pods';
    const pod = { metadata: { name: 'p' }, spec: { nodeName: 'n1', containers: [{ name: 'c', image: 'busybox' }] } };
    assert.equal((await c.req('POST', PODS, pod)).status, 201);
    const first = await c.req('DELETE', `${PODS}/p`);
    assert.equal(first.json<Obj>().kind, 'Pod', 'pods return the object');
    const terminating = (await c.req('GET', `${PODS}/p`)).json<Obj>();
    assert.ok(terminating.metadata.deletionTimestamp);
    assert.equal(terminating.metadata.deletionGracePeriodSeconds, 30);
    const now = await c.req('DELETE', `${PODS}/p?gracePeriodSeconds=0`);
    assert.equal(now.status, 200);
    assert.equal((await c.req('GET', `${PODS}/p`)).status, 404);
    // An unscheduled pod goes at once.
    await c.req('POST', PODS, { metadata: { name: 'q' }, spec: { containers: [{ name: 'c', image: 'busybox' }] } });
    await c.req('DELETE', `${PODS}/q`);
    assert.equal((await c.req('GET', `${PODS}/q`)).status, 404);
  });

  it('binds pods to nodes once', async () => {
    const PODS = '/api/v1/namespaces/default/pods';
    await c.req('POST', PODS, { metadata: { name: 'b' }, spec: { containers: [{ name: 'c', image: 'busybox' }] } });
    const r = await c.req('POST', `${PODS}/b/binding`, { metadata: { name: 'b' }, target: { kind: 'Node', name: 'node-1' } });
    assert.equal(r.status, 201, r.text());
    const p = (await c.req('GET', `${PODS}/b`)).json<Obj>();
    assert.equal(p.spec.nodeName, 'node-1');
    assert.equal(p.status.conditions.find((x: Obj) => x.type === 'PodScheduled').status, 'True');
    const again = await c.req('POST', `${PODS}/b/binding`, { metadata: { name: 'b' }, target: { kind: 'Node', name: 'node-2' } });
    assert.equal(again.status, 409);
  });

  it('allocates ClusterIPs and NodePorts and releases them', async () => {
    const SVC = '/api/v1/namespaces/default/services';
    const a = (await c.req('POST', SVC, { metadata: { name: 'a' }, spec: { ports: [{ port: 80 }], selector: { app: 'a' } } })).json<Obj>();
    assert.match(a.spec.clusterIP, /^10\.(9[6-9]|10[0-9]|11[01])\.\d+\.\d+$/);
    assert.deepEqual(a.spec.clusterIPs, [a.spec.clusterIP]);
    const fixed = await c.req('POST', SVC, { metadata: { name: 'dns' }, spec: { clusterIP: '10.96.0.10', ports: [{ port: 53 }] } });
    assert.equal(fixed.status, 201, fixed.text());
    const taken = await c.req('POST', SVC, { metadata: { name: 'dns2' }, spec: { clusterIP: '10.96.0.10', ports: [{ port: 53 }] } });
    assert.equal(taken.status, 422);
    assert.match(taken.json<Obj>().message, /provided IP is already allocated/);
    const outside = await c.req('POST', SVC, { metadata: { name: 'out' }, spec: { clusterIP: '192.168.0.1', ports: [{ port: 53 }] } });
    assert.equal(outside.status, 422);
    assert.match(outside.json<Obj>().message, /not in the valid range. The range of valid IPs is 10.96.0.0\/12/);
    const np = (await c.req('POST', SVC, { metadata: { name: 'np' }, spec: { type: 'NodePort', ports: [{ port: 80 }] } })).json<Obj>();
    const port = np.spec.ports[0].nodePort;
    assert.ok(port >= 30000 && port <= 32767);
    const clash = await c.req('POST', SVC, { metadata: { name: 'np2' }, spec: { type: 'NodePort', ports: [{ port: 80, nodePort: port }] } });
    assert.equal(clash.status, 422);
    await c.req('DELETE', `${SVC}/np`);
    await c.req('DELETE', `${SVC}/dns`);
    assert.equal((await c.req('POST', SVC, { metadata: { name: 'np3' }, spec: { type: 'NodePort', ports: [{ port: 80, nodePort: port }] } })).status, 201);
    assert.equal((await c.req('POST', SVC, { metadata: { name: 'dns3' }, spec: { clusterIP: '10.96.0.10', ports: [{ port: 53 }] } })).status, 201);
    const headless = (await c.req('POST', SVC, { metadata: { name: 'hl' }, spec: { clusterIP: 'None', ports: [{ port: 80 }] } })).json<Obj>();
    assert.deepEqual(headless.spec.clusterIPs, ['None']);
  });

  it('refuses new objects in missing and terminating namespaces, and protects system namespaces', async () => {
    const missing = await c.req('POST', '/api/v1/namespaces/nowhere/configmaps', { metadata: { name: 'x' } });
    assert.equal(missing.status, 404);
    assert.equal(missing.json<Obj>().message, 'namespaces "nowhere" not found');
    await c.req('POST', '/api/v1/namespaces', { metadata: { name: 'doomed' } });
    await c.req('DELETE', '/api/v1/namespaces/doomed');
    const ns = (await c.req('GET', '/api/v1/namespaces/doomed')).json<Obj>();
    assert.equal(ns.status.phase, 'Terminating');
    const refused = await c.req('POST', '/api/v1/namespaces/doomed/configmaps', { metadata: { name: 'x' } });
    assert.equal(refused.status, 403);
    assert.match(refused.json<Obj>().message, /unable to create new content in namespace doomed because it is being terminated/);
    const kube = await c.req('DELETE', '/api/v1/namespaces/kube-system');
    assert.equal(kube.status, 403);
    assert.match(kube.json<Obj>().message, /this namespace may not be deleted/);
  });

  it('supports dryRun=All without persisting', async () => {
    const r = await c.req('POST', `${CM}?dryRun=All`, { metadata: { name: 'dry' } });
    assert.equal(r.status, 201);
    assert.equal(r.json<Obj>().metadata.name, 'dry');
    assert.equal((await c.req('GET', `${CM}/dry`)).status, 404);
    const bad = await c.req('POST', `${CM}?dryRun=Some`, { metadata: { name: 'dry' } });
    assert.equal(bad.status, 400);
  });
});
