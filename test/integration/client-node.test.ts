/**
 * The official JavaScript client (@kubernetes/client-node 1.1, the 1.32 client) against
 * k8ts over HTTPS with the admin kubeconfig: list, watch, its informer (whose cache must
 * stay in sync across a server restart), every patch type, and custom resources.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import * as k8s from '@kubernetes/client-node';
import { startServer, type RunningServer } from '../../src/server.js';

async function until(cond: () => boolean | Promise<boolean>, what: string, ms = 15_000): Promise<void> {
  const end = Date.now() + ms;
  while (!(await cond())) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('@kubernetes/client-node against k8ts', () => {
  let dataDir: string;
  let server: RunningServer;
  let port: number;
  let kc: k8s.KubeConfig;
  let core: k8s.CoreV1Api;
  const ns = 'client-node';

  before(async () => {
    dataDir = mkdtempSync(join(tmpdir(), 'k8ts-client-node-'));
    server = await startServer({ dataDir, datastore: 'sqlite', port: 0, controllers: [] });
    port = Number(new URL(server.url).port);
    kc = new k8s.KubeConfig();
    kc.loadFromFile(server.kubeconfigPath);
    core = kc.makeApiClient(k8s.CoreV1Api);
    await core.createNamespace({ body: { metadata: { name: ns } } });
  });
  after(async () => {
    await server.stop();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('lists, creates and reads typed objects', async () => {
    const namespaces = await core.listNamespace();
    const names = namespaces.items.map((n) => n.metadata!.name);
    for (const n of ['default', 'kube-system', 'kube-public', 'kube-node-lease', ns]) assert.ok(names.includes(n), n);
    const created = await core.createNamespacedConfigMap({ namespace: ns, body: { metadata: { name: 'one' }, data: { a: '1' } } });
    assert.ok(created.metadata!.uid);
    assert.ok(created.metadata!.creationTimestamp instanceof Date);
    const read = await core.readNamespacedConfigMap({ namespace: ns, name: 'one' });
    assert.deepEqual(read.data, { a: '1' });
    const svc = await core.readNamespacedService({ namespace: 'default', name: 'kubernetes' });
    assert.equal(svc.spec!.clusterIP, '10.96.0.1');
    await assert.rejects(core.readNamespacedConfigMap({ namespace: ns, name: 'absent' }), (e: unknown) => (e as { code?: number }).code === 404);
  });

  it('patches with JSON patch, merge patch, strategic merge patch and server-side apply', async () => {
    const opts = (type: string) => k8s.setHeaderOptions('Content-Type', type);
    await core.createNamespacedPod({
      namespace: ns,
      body: { metadata: { name: 'p' }, spec: { containers: [{ name: 'a', image: 'busybox' }, { name: 'b', image: 'busybox' }] } },
    });
    let pod = await core.patchNamespacedPod({ namespace: ns, name: 'p', body: [{ op: 'add', path: '/metadata/labels', value: { via: 'json' } }] }, opts(k8s.PatchStrategy.JsonPatch));
    assert.deepEqual(pod.metadata!.labels, { via: 'json' });
    pod = await core.patchNamespacedPod({ namespace: ns, name: 'p', body: { metadata: { labels: { merge: 'yes' } } } }, opts(k8s.PatchStrategy.MergePatch));
    assert.deepEqual(pod.metadata!.labels, { via: 'json', merge: 'yes' });
    // Strategic merge patch merges the containers list by name instead of replacing it.
    pod = await core.patchNamespacedPod(
      { namespace: ns, name: 'p', body: { spec: { containers: [{ name: 'b', image: 'busybox:1.36' }] } } },
      opts(k8s.PatchStrategy.StrategicMergePatch),
    );
    assert.deepEqual(pod.spec!.containers.map((c) => `${c.name}=${c.image}`), ['a=busybox', 'b=busybox:1.36']);
    const applied = await core.patchNamespacedConfigMap(
      { namespace: ns, name: 'applied', fieldManager: 'client-node-test', body: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'applied' }, data: { k: 'v' } } },
      opts(k8s.PatchStrategy.ServerSideApply),
    );
    assert.deepEqual(applied.data, { k: 'v' });
    assert.equal(applied.metadata!.managedFields![0]!.manager, 'client-node-test');
    assert.equal(applied.metadata!.managedFields![0]!.operation, 'Apply');
  });

  it('watches a namespace from a resourceVersion', async () => {
    const list = await core.listNamespacedConfigMap({ namespace: ns });
    const events: string[] = [];
    const watch = new k8s.Watch(kc);
    const req = await watch.watch(
      `/api/v1/namespaces/${ns}/configmaps`,
      { resourceVersion: list.metadata!.resourceVersion, allowWatchBookmarks: true },
      (type: string, obj: k8s.V1ConfigMap) => {
        if (type !== 'BOOKMARK') events.push(`${type} ${obj.metadata!.name}`);
      },
      () => {},
    );
    await core.createNamespacedConfigMap({ namespace: ns, body: { metadata: { name: 'watched' } } });
    await core.deleteNamespacedConfigMap({ namespace: ns, name: 'watched' });
    await until(() => events.length >= 2, 'the watch events');
    req.abort();
    assert.deepEqual(events, ['ADDED watched', 'DELETED watched']);
  });

  it('creates, reads and lists a custom resource', async () => {
    const ext = kc.makeApiClient(k8s.ApiextensionsV1Api);
    // client-node's typed model names the schema keyword 'default' `_default`.
    await ext.createCustomResourceDefinition({
      body: {
        metadata: { name: 'gadgets.example.io' },
        spec: {
          group: 'example.io',
          scope: 'Namespaced',
          names: { plural: 'gadgets', singular: 'gadget', kind: 'Gadget' },
          versions: [{ name: 'v1', served: true, storage: true, schema: { openAPIV3Schema: { type: 'object', properties: { spec: { type: 'object', properties: { size: { type: 'integer', _default: 1 } } } } } } }],
        },
      },
    });
    await until(async () => {
      const crd = await ext.readCustomResourceDefinition({ name: 'gadgets.example.io' });
      return !!crd.status?.conditions?.some((c) => c.type === 'Established' && c.status === 'True');
    }, 'the CRD to be established');
    const custom = kc.makeApiClient(k8s.CustomObjectsApi);
    const created = (await custom.createNamespacedCustomObject({ group: 'example.io', version: 'v1', namespace: ns, plural: 'gadgets', body: { apiVersion: 'example.io/v1', kind: 'Gadget', metadata: { name: 'g1' }, spec: {} } })) as { spec: { size: number } };
    assert.equal(created.spec.size, 1, 'defaulted from the schema');
    const list = (await custom.listNamespacedCustomObject({ group: 'example.io', version: 'v1', namespace: ns, plural: 'gadgets' })) as { items: { metadata: { name: string } }[] };
    assert.deepEqual(list.items.map((i) => i.metadata.name), ['g1']);
  });

  it('keeps an informer cache in sync, across a server restart', async () => {
    // makeInformer returns a ListWatch, which is also the ObjectCache its typings leave out.
    const informer = k8s.makeInformer(kc, `/api/v1/namespaces/${ns}/configmaps`, () => core.listNamespacedConfigMap({ namespace: ns })) as k8s.Informer<k8s.V1ConfigMap> & k8s.ObjectCache<k8s.V1ConfigMap>;
    let stopped = false;
    // As client-node documents: an informer stops on a watch error and is restarted by its user.
    informer.on('error', () => {
      if (!stopped) setTimeout(() => void informer.start().catch(() => {}), 200);
    });
    const names = () => informer.list().map((c) => c.metadata!.name).sort();
    await informer.start();
    await until(() => names().includes('one') && names().includes('applied'), 'the initial list');
    await core.createNamespacedConfigMap({ namespace: ns, body: { metadata: { name: 'before-restart' } } });
    await until(() => names().includes('before-restart'), 'the add before the restart');

    await server.stop();
    server = await startServer({ dataDir, datastore: 'sqlite', port, controllers: [] });
    await core.deleteNamespacedConfigMap({ namespace: ns, name: 'before-restart' });
    await core.createNamespacedConfigMap({ namespace: ns, body: { metadata: { name: 'after-restart' } } });
    await core.patchNamespacedConfigMap(
      { namespace: ns, name: 'one', body: { data: { a: '2' } } },
      k8s.setHeaderOptions('Content-Type', k8s.PatchStrategy.MergePatch),
    );
    await until(
      () => names().includes('after-restart') && !names().includes('before-restart') && informer.get('one', ns)?.data?.a === '2',
      'the informer to catch up after the restart',
    );
    const live = (await core.listNamespacedConfigMap({ namespace: ns })).items.map((c) => c.metadata!.name).sort();
    assert.deepEqual(names(), live);
    stopped = true;
    await informer.stop();
  });
});
