import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { InProcessClient } from '../../src/apiserver/index.js';
import { HttpClient, gvr, type ApiClient } from '../../src/client/index.js';
import { isConflict, isNotFound, StatusError } from '../../src/apimachinery/status.js';
import { realClock } from '../../src/util/clock.js';
import { startTestCluster, type TestCluster } from '../helpers/cluster.js';

const CM = gvr('v1', 'configmaps');
const DEPLOY = gvr('apps/v1', 'deployments');
const PODS = gvr('v1', 'pods');

/** One behaviour, two transports: the in-process and the HTTPS client must agree. */
function clientSuite(name: string, make: (c: TestCluster) => ApiClient) {
  describe(`ApiClient: ${name}`, () => {
    let c: TestCluster;
    let api: ApiClient;
    before(async () => {
      c = await startTestCluster();
      api = make(c);
    });
    after(async () => {
      await c.stop();
    });

    it('creates, gets, updates with conflicts, patches and deletes', async () => {
      const created = await api.create(CM, 'default', { metadata: { name: 'x' }, data: { a: '1' } });
      assert.equal(created.kind, 'ConfigMap');
      const got = await api.get(CM, 'default', 'x');
      assert.equal(got.metadata?.resourceVersion, created.metadata?.resourceVersion);
      const updated = await api.update(CM, 'default', { ...got, data: { a: '2' } });
      await assert.rejects(api.update(CM, 'default', { ...got, data: { a: '3' } }), (e: unknown) => isConflict(e));
      const patched = await api.patch(CM, 'default', 'x', 'merge', { data: { b: '1' } });
      assert.deepEqual(patched.data, { a: '2', b: '1' });
      assert.notEqual(patched.metadata?.resourceVersion, updated.metadata?.resourceVersion);
      await api.delete(CM, 'default', 'x');
      await assert.rejects(api.get(CM, 'default', 'x'), (e: unknown) => isNotFound(e) && e instanceof StatusError);
    });

    it('lists with selectors and watches changes', async () => {
      await api.create(CM, 'default', { metadata: { name: 'l1', labels: { t: 'a' } } });
      await api.create(CM, 'default', { metadata: { name: 'l2', labels: { t: 'b' } } });
      const list = await api.list(CM, 'default', { labelSelector: 't=a' });
      assert.equal(list.kind, 'ConfigMapList');
      assert.deepEqual(list.items.map((i) => i.metadata?.name), ['l1']);
      const w = await api.watch(CM, 'default', { resourceVersion: list.metadata.resourceVersion, labelSelector: 't=a' });
      await api.patch(CM, 'default', 'l1', 'merge', { data: { z: '1' } });
      await api.delete(CM, 'default', 'l1');
      const seen: string[] = [];
      for await (const e of w) {
        seen.push(`${e.type} ${e.object.metadata?.name}`);
        if (seen.length === 2) break;
      }
      w.close();
      assert.deepEqual(seen, ['MODIFIED l1', 'DELETED l1']);
    });

    it('writes status and scale subresources, and binds pods', async () => {
      const d = await api.create(DEPLOY, 'default', {
        metadata: { name: 'd' },
        spec: {
          replicas: 1,
          selector: { matchLabels: { a: 'd' } },
          template: { metadata: { labels: { a: 'd' } }, spec: { containers: [{ name: 'c', image: 'busybox' }] } },
        },
      });
      const withStatus = await api.update(DEPLOY, 'default', { ...d, status: { replicas: 1, observedGeneration: 1 } }, { subresource: 'status' });
      assert.equal((withStatus.status as Record<string, unknown>).observedGeneration, 1);
      const scale = await api.get(DEPLOY, 'default', 'd', { subresource: 'scale' });
      assert.equal((scale.spec as Record<string, unknown>).replicas, 1);
      await api.update(DEPLOY, 'default', { ...scale, spec: { replicas: 3 } }, { subresource: 'scale' });
      assert.equal(((await api.get(DEPLOY, 'default', 'd')).spec as Record<string, unknown>).replicas, 3);
      await api.create(PODS, 'default', { metadata: { name: 'p' }, spec: { containers: [{ name: 'c', image: 'busybox' }] } });
      await api.create(PODS, 'default', { metadata: { name: 'p' }, target: { kind: 'Node', name: 'n1' } }, { subresource: 'binding' });
      assert.equal(((await api.get(PODS, 'default', 'p')).spec as Record<string, unknown>).nodeName, 'n1');
    });
  });
}

clientSuite('in-process', (c) => new InProcessClient(c.server.registry, { name: 'test', groups: ['system:masters'] }, realClock));
clientSuite('https', (c) => new HttpClient(c.client));
