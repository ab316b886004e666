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

interface Endpoints {
  subsets?: { addresses?: { ip: string; targetRef: { name: string } }[]; notReadyAddresses?: { ip: string }[]; ports?: { name?: string; port: number; protocol: string }[] }[];
}
interface Slice {
  metadata: { labels: Record<string, string>; ownerReferences: { kind: string; name: string }[] };
  endpoints: { addresses: string[]; conditions: { ready: boolean; serving: boolean; terminating: boolean } }[];
  ports: { name: string; port: number }[];
}

describe('endpoints and endpointslice controllers', () => {
  let c: TestCluster;
  const NS = '/api/v1/namespaces/default';
  const setStatus = async (name: string, ip: string, ready: boolean) => {
    const now = new Date().toISOString().replace(/\.\d+Z$/, 'Z');
    const r = await c.req('PATCH', `${NS}/pods/${name}/status`, { status: { phase: 'Running', podIP: ip, podIPs: [{ ip }], conditions: [{ type: 'Ready', status: ready ? 'True' : 'False', lastTransitionTime: now }] } }, { contentType: 'application/merge-patch+json' });
    assert.equal(r.status, 200, r.text());
  };

  before(async () => {
    c = await startTestCluster({ controllers: ['endpoints', 'endpointslice'], scheduler: false });
  });
  after(() => c.stop());

  it('lists ready and not-ready pods with named target ports resolved, in Endpoints and EndpointSlices', async () => {
    for (const [name, port] of [['a', 8080], ['b', 9090]] as const) {
      await c.req('POST', `${NS}/pods`, { metadata: { name, labels: { app: 'web' } }, spec: { containers: [{ name: 'c', image: 'x', ports: [{ name: 'http', containerPort: port }] }] } });
    }
    await c.req('POST', `${NS}/pods`, { metadata: { name: 'other', labels: { app: 'db' } }, spec: { containers: [{ name: 'c', image: 'x' }] } });
    await setStatus('a', '10.244.0.5', true);
    await setStatus('b', '10.244.0.6', false);
    await setStatus('other', '10.244.0.7', true);
    await c.req('POST', `${NS}/services`, { metadata: { name: 'web' }, spec: { selector: { app: 'web' }, ports: [{ name: 'http', port: 80, targetPort: 'http' }] } });
    const ep = await until(async () => {
      const e = (await c.req('GET', `${NS}/endpoints/web`)).json<Endpoints>();
      return e.subsets?.length === 2 ? e : undefined;
    }, 'endpoints with two subsets');
    const byPort = Object.fromEntries(ep.subsets!.map((s) => [s.ports![0]!.port, s]));
    assert.deepEqual(byPort[8080]!.addresses!.map((a) => a.ip), ['10.244.0.5']);
    assert.deepEqual(byPort[8080]!.ports, [{ name: 'http', port: 8080, protocol: 'TCP' }]);
    assert.deepEqual(byPort[9090]!.notReadyAddresses!.map((a) => a.ip), ['10.244.0.6']);
    const slices = await until(async () => {
      const s = (await c.req('GET', '/apis/discovery.k8s.io/v1/namespaces/default/endpointslices', undefined, { query: { labelSelector: 'kubernetes.io/service-name=web' } })).json<{ items: Slice[] }>().items;
      return s.length === 2 ? s : undefined;
    }, 'two slices (one per port set)');
    for (const s of slices) {
      assert.equal(s.metadata.labels['endpointslice.kubernetes.io/managed-by'], 'endpointslice-controller.k8s.io');
      assert.equal(s.metadata.ownerReferences[0]!.kind, 'Service');
    }
    const notReady = slices.find((s) => s.ports[0]!.port === 9090)!;
    assert.deepEqual(notReady.endpoints[0]!.conditions, { ready: false, serving: false, terminating: false });
    // b turns ready: it moves to addresses.
    await setStatus('b', '10.244.0.6', true);
    await until(async () => {
      const e = (await c.req('GET', `${NS}/endpoints/web`)).json<Endpoints>();
      return e.subsets?.every((s) => !s.notReadyAddresses) ? e : undefined;
    }, 'b ready');
    // Deleting the Service deletes its Endpoints.
    await c.req('DELETE', `${NS}/services/web`);
    await until(async () => (await c.req('GET', `${NS}/endpoints/web`)).status === 404, 'endpoints gone');
  });
});
