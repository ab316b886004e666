import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startTestCluster, type TestCluster } from '../helpers/cluster.js';

async function until<T>(fn: () => Promise<T | undefined>, what: string, ms = 10_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

interface Obj {
  metadata: { name: string; annotations?: Record<string, string> };
  spec: { containers: { resources: { requests?: Record<string, string>; limits?: Record<string, string> } }[] };
  status?: { hard?: Record<string, string>; used?: Record<string, string> };
  message?: string;
  reason?: string;
}

describe('LimitRanger and ResourceQuota', () => {
  let c: TestCluster;
  const NS = '/api/v1/namespaces/quota';
  const pod = (name: string, resources: object = {}) => ({ metadata: { name }, spec: { containers: [{ name: 'c', image: 'busybox', resources }] } });

  before(async () => {
    c = await startTestCluster({ controllers: ['resourcequota'] });
    await c.req('POST', '/api/v1/namespaces', { metadata: { name: 'quota' } });
  });
  after(() => c.stop());

  it('defaults container resources from a LimitRange and enforces its maximum', async () => {
    const lr = await c.req('POST', `${NS}/limitranges`, {
      metadata: { name: 'lr' },
      spec: { limits: [{ type: 'Container', default: { cpu: '500m' }, defaultRequest: { cpu: '100m' }, max: { cpu: '1' } }] },
    });
    assert.equal(lr.status, 201, lr.text());
    const p = await c.req('POST', `${NS}/pods`, pod('defaulted'));
    assert.equal(p.status, 201, p.text());
    const got = p.json<Obj>();
    assert.deepEqual(got.spec.containers[0]!.resources, { limits: { cpu: '500m' }, requests: { cpu: '100m' } });
    assert.equal(got.metadata.annotations?.['kubernetes.io/limit-ranger'], 'LimitRanger plugin set: cpu request for container c; cpu limit for container c');
    const big = await c.req('POST', `${NS}/pods`, pod('too-big', { limits: { cpu: '2' } }));
    assert.equal(big.status, 403);
    assert.equal(big.json<Obj>().message, 'pods "too-big" is forbidden: maximum cpu usage per Container is 1, but limit is 2');
    await c.req('DELETE', `${NS}/pods/defaulted`, { gracePeriodSeconds: 0 });
    await c.req('DELETE', `${NS}/limitranges/lr`);
  });

  it('tracks usage in status, refuses what exceeds a quota, and frees usage when objects go', async () => {
    const q = await c.req('POST', `${NS}/resourcequotas`, { metadata: { name: 'q' }, spec: { hard: { pods: '2', 'count/configmaps': '100' } } });
    assert.equal(q.status, 201, q.text());
    await until(async () => {
      const s = (await c.req('GET', `${NS}/resourcequotas/q`)).json<Obj>().status;
      return s?.used?.pods === '0' ? s : undefined;
    }, 'the controller to fill in status.used');
    assert.equal((await c.req('POST', `${NS}/pods`, pod('a'))).status, 201);
    assert.equal((await c.req('POST', `${NS}/pods`, pod('b'))).status, 201);
    const third = await c.req('POST', `${NS}/pods`, pod('c'));
    assert.equal(third.status, 403);
    assert.equal(third.json<Obj>().reason, 'Forbidden');
    assert.equal(third.json<Obj>().message, 'pods "c" is forbidden: exceeded quota: q, requested: pods=1, used: pods=2, limited: pods=2');
    const status = (await c.req('GET', `${NS}/resourcequotas/q`)).json<Obj>().status!;
    assert.equal(status.used!.pods, '2');
    assert.equal(status.hard!.pods, '2');
    // A dry run is checked but not charged.
    await c.req('DELETE', `${NS}/pods/a`, { gracePeriodSeconds: 0 });
    await until(async () => ((await c.req('GET', `${NS}/resourcequotas/q`)).json<Obj>().status?.used?.pods === '1' ? true : undefined), 'usage to drop');
    const dry = await c.req('POST', `${NS}/pods`, pod('dry'), { query: { dryRun: 'All' } });
    assert.equal(dry.status, 201);
    assert.equal((await c.req('GET', `${NS}/resourcequotas/q`)).json<Obj>().status?.used?.pods, '1');
    assert.equal((await c.req('POST', `${NS}/pods`, pod('c'))).status, 201);
  });

  it('requires pods to declare resources a quota limits', async () => {
    const q = await c.req('POST', `${NS}/resourcequotas`, { metadata: { name: 'compute' }, spec: { hard: { 'requests.memory': '1Gi', 'limits.memory': '2Gi' } } });
    assert.equal(q.status, 201);
    await until(async () => ((await c.req('GET', `${NS}/resourcequotas/compute`)).json<Obj>().status?.used ? true : undefined), 'status');
    await c.req('DELETE', `${NS}/resourcequotas/q`);
    const bare = await c.req('POST', `${NS}/pods`, pod('bare'));
    assert.equal(bare.status, 403);
    assert.equal(bare.json<Obj>().message, 'pods "bare" is forbidden: failed quota: compute: must specify limits.memory for: c; requests.memory for: c');
    const ok = await c.req('POST', `${NS}/pods`, pod('sized', { requests: { memory: '600Mi' }, limits: { memory: '1Gi' } }));
    assert.equal(ok.status, 201, ok.text());
    const over = await c.req('POST', `${NS}/pods`, pod('over', { requests: { memory: '600Mi' }, limits: { memory: '1Gi' } }));
    assert.equal(over.status, 403);
    assert.equal(over.json<Obj>().message, 'pods "over" is forbidden: exceeded quota: compute, requested: requests.memory=600Mi, used: requests.memory=600Mi, limited: requests.memory=1Gi');
  });
});
