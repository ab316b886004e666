import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startTestCluster, type TestCluster } from '../helpers/cluster.js';

async function until<T>(fn: () => Promise<T | undefined | false>, what: string, ms = 15_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v !== undefined && v !== false) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

interface Obj {
  metadata: { name: string; uid: string; finalizers?: string[]; deletionTimestamp?: string; ownerReferences?: { uid: string }[]; annotations?: Record<string, string> };
  data?: Record<string, string>;
  status?: { phase?: string; conditions?: { type: string; status: string; message: string }[] };
}

describe('garbage collector, namespace, serviceaccount and root CA controllers', () => {
  let c: TestCluster;
  const CM = (ns: string) => `/api/v1/namespaces/${ns}/configmaps`;
  const exists = async (path: string) => (await c.req('GET', path)).status === 200;

  before(async () => {
    c = await startTestCluster({ controllers: ['garbage-collector', 'namespace', 'serviceaccount', 'root-ca-certificate-publisher'] });
    await c.req('POST', '/api/v1/namespaces', { metadata: { name: 'gc' } });
  });
  after(() => c.stop());

  async function family(owner: string, block = true): Promise<Obj> {
    const o = (await c.req('POST', CM('gc'), { metadata: { name: owner } })).json<Obj>();
    for (const child of ['a', 'b']) {
      const r = await c.req('POST', CM('gc'), {
        metadata: { name: `${owner}-${child}`, ownerReferences: [{ apiVersion: 'v1', kind: 'ConfigMap', name: owner, uid: o.metadata.uid, blockOwnerDeletion: block, controller: child === 'a' }] },
      });
      assert.equal(r.status, 201, r.text());
    }
    return o;
  }

  it('deletes dependents in the background once their owner is gone', async () => {
    await family('bg');
    assert.equal((await c.req('DELETE', `${CM('gc')}/bg`, { propagationPolicy: 'Background' })).status, 200);
    await until(async () => !(await exists(`${CM('gc')}/bg-a`)) && !(await exists(`${CM('gc')}/bg-b`)), 'dependents to go');
  });

  it('deletes in the foreground: the owner waits (foregroundDeletion) until its blocking dependents are gone', async () => {
    await family('fg');
    const del = await c.req('DELETE', `${CM('gc')}/fg`, { propagationPolicy: 'Foreground' });
    assert.equal(del.status, 200);
    const marked = del.json<Obj>();
    assert.ok(marked.metadata.deletionTimestamp);
    assert.deepEqual(marked.metadata.finalizers, ['foregroundDeletion']);
    await until(async () => !(await exists(`${CM('gc')}/fg`)), 'the owner to go after its dependents');
    assert.equal(await exists(`${CM('gc')}/fg-a`), false);
    assert.equal(await exists(`${CM('gc')}/fg-b`), false);
  });

  it('orphans: dependents stay and lose the owner reference', async () => {
    await family('or');
    assert.equal((await c.req('DELETE', `${CM('gc')}/or`, { propagationPolicy: 'Orphan' })).status, 200);
    await until(async () => !(await exists(`${CM('gc')}/or`)), 'the owner to go');
    for (const child of ['or-a', 'or-b']) {
      const o = (await c.req('GET', `${CM('gc')}/${child}`)).json<Obj>();
      assert.equal(o.metadata.ownerReferences, undefined, child);
    }
  });

  it('removes only the dangling reference of a dependent that has another live owner', async () => {
    const a = (await c.req('POST', CM('gc'), { metadata: { name: 'two-a' } })).json<Obj>();
    const b = (await c.req('POST', CM('gc'), { metadata: { name: 'two-b' } })).json<Obj>();
    await c.req('POST', CM('gc'), {
      metadata: {
        name: 'shared',
        ownerReferences: [
          { apiVersion: 'v1', kind: 'ConfigMap', name: 'two-a', uid: a.metadata.uid },
          { apiVersion: 'v1', kind: 'ConfigMap', name: 'two-b', uid: b.metadata.uid },
        ],
      },
    });
    await c.req('DELETE', `${CM('gc')}/two-a`);
    const shared = await until(async () => {
      const o = (await c.req('GET', `${CM('gc')}/shared`)).json<Obj>();
      return o.metadata.ownerReferences?.length === 1 ? o : undefined;
    }, 'the dangling reference to go');
    assert.equal(shared.metadata.ownerReferences![0]!.uid, b.metadata.uid);
  });

  it('gives every namespace a default ServiceAccount and the kube-root-ca.crt ConfigMap, restoring them', async () => {
    await c.req('POST', '/api/v1/namespaces', { metadata: { name: 'fresh' } });
    await until(() => exists('/api/v1/namespaces/fresh/serviceaccounts/default'), 'the default ServiceAccount');
    const ca = await until(async () => {
      const r = await c.req('GET', `${CM('fresh')}/kube-root-ca.crt`);
      return r.status === 200 ? r.json<Obj>() : undefined;
    }, 'kube-root-ca.crt');
    assert.match(ca.data!['ca.crt']!, /^-----BEGIN CERTIFICATE-----/);
    assert.match(ca.metadata.annotations!['kubernetes.io/description']!, /^Contains a CA bundle/);
    await c.req('DELETE', '/api/v1/namespaces/fresh/serviceaccounts/default');
    await c.req('PATCH', `${CM('fresh')}/kube-root-ca.crt`, { data: { 'ca.crt': 'tampered' } }, { contentType: 'application/merge-patch+json' });
    await until(() => exists('/api/v1/namespaces/fresh/serviceaccounts/default'), 'the ServiceAccount to come back');
    await until(async () => (await c.req('GET', `${CM('fresh')}/kube-root-ca.crt`)).json<Obj>().data?.['ca.crt'] === ca.data!['ca.crt'], 'the CA to be restored');
  });

  it('deletes a namespace with its content, reporting what remains while finalizers hold it', async () => {
    await c.req('POST', '/api/v1/namespaces', { metadata: { name: 'doomed' } });
    await c.req('POST', CM('doomed'), { metadata: { name: 'plain' } });
    await c.req('POST', CM('doomed'), { metadata: { name: 'held', finalizers: ['example.com/hold'] } });
    await c.req('POST', '/api/v1/namespaces/doomed/secrets', { metadata: { name: 's' } });
    assert.equal((await c.req('DELETE', '/api/v1/namespaces/doomed')).status, 200);
    const ns = await until(async () => {
      const o = (await c.req('GET', '/api/v1/namespaces/doomed')).json<Obj>();
      return o.status?.conditions?.some((x) => x.type === 'NamespaceFinalizersRemaining' && x.status === 'True') ? o : undefined;
    }, 'conditions naming the remaining content');
    assert.equal(ns.status!.phase, 'Terminating');
    const remaining = ns.status!.conditions!.find((x) => x.type === 'NamespaceContentRemaining')!;
    assert.equal(remaining.message, 'Some resources are remaining: configmaps has 1 resource instances');
    assert.equal(await exists(`${CM('doomed')}/plain`), false);
    assert.equal(await exists('/api/v1/namespaces/doomed/secrets/s'), false);
    await c.req('PATCH', `${CM('doomed')}/held`, { metadata: { finalizers: null } }, { contentType: 'application/merge-patch+json' });
    await until(async () => !(await exists('/api/v1/namespaces/doomed')), 'the namespace to go');
  });
});
