import assert from 'node:assert/strict';
import { request } from 'node:https';
import { after, before, describe, it } from 'node:test';
import { startTestCluster, type TestCluster } from '../helpers/cluster.js';

type Obj = Record<string, any>;

describe('apiserver: serving, discovery and errors', () => {
  let c: TestCluster;
  before(async () => {
    c = await startTestCluster();
  });
  after(async () => {
    await c.stop();
  });

  it('answers health and version without credentials, and 401 for everything else', async () => {
    const anon = (path: string) =>
      new Promise<{ status: number; body: string }>((resolve, reject) => {
        const r = request(new URL(path, c.server.url), { rejectUnauthorized: false }, (res) => {
          let body = '';
          res.on('data', (d) => (body += d));
          res.on('end', () => resolve({ status: res.statusCode!, body }));
        });
        r.on('error', reject);
        r.end();
      });
    for (const p of ['/healthz', '/livez', '/readyz']) {
      const r = await anon(p);
      assert.equal(r.status, 200, p);
      assert.equal(r.body, 'ok');
    }
    const v = await anon('/version');
    assert.equal(JSON.parse(v.body).minor, '32');
    const denied = await anon('/api/v1/namespaces');
    assert.equal(denied.status, 401);
    assert.equal(JSON.parse(denied.body).reason, 'Unauthorized');
    const verbose = await c.req('GET', '/readyz?verbose');
    assert.match(verbose.text(), /\[\+\]ping ok/);
    assert.match(verbose.text(), /readyz check passed/);
  });

  it('serves /api, /apis, group-version resource lists and aggregated discovery', async () => {
    const api = (await c.req('GET', '/api')).json<Obj>();
    assert.deepEqual(api.versions, ['v1']);
    const apis = (await c.req('GET', '/apis')).json<Obj>();
    const names = apis.groups.map((g: Obj) => g.name);
    for (const g of ['apps', 'batch', 'rbac.authorization.k8s.io', 'autoscaling', 'coordination.k8s.io', 'flowcontrol.apiserver.k8s.io']) {
      assert.ok(names.includes(g), g);
    }
    const auto = apis.groups.find((g: Obj) => g.name === 'autoscaling');
    assert.equal(auto.preferredVersion.version, 'v2');
    const v1 = (await c.req('GET', '/api/v1')).json<Obj>();
    const pods = v1.resources.find((r: Obj) => r.name === 'pods');
    assert.deepEqual(pods.shortNames, ['po']);
    assert.equal(pods.namespaced, true);
    assert.ok(v1.resources.find((r: Obj) => r.name === 'pods/status'));
    const evict = v1.resources.find((r: Obj) => r.name === 'pods/eviction');
    assert.equal(evict.group, 'policy');
    assert.equal(evict.kind, 'Eviction');
    const agg = await c.req('GET', '/apis', undefined, {
      accept: 'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json',
    });
    assert.match(String(agg.headers['content-type']), /as=APIGroupDiscoveryList/);
    const apps = agg.json<Obj>().items.find((g: Obj) => g.metadata.name === 'apps');
    const deploy = apps.versions[0].resources.find((r: Obj) => r.resource === 'deployments');
    assert.equal(deploy.scope, 'Namespaced');
    assert.deepEqual(deploy.subresources.map((s: Obj) => s.subresource), ['scale', 'status']);
    assert.deepEqual(deploy.subresources.find((s: Obj) => s.subresource === 'scale').responseKind, {
      group: 'autoscaling',
      version: 'v1',
      kind: 'Scale',
    });
  });

  it('creates the system namespaces and the kubernetes Service', async () => {
    const ns = (await c.req('GET', '/api/v1/namespaces')).json<Obj>();
    assert.deepEqual(
      ns.items.map((n: Obj) => n.metadata.name),
      ['default', 'kube-node-lease', 'kube-public', 'kube-system'],
    );
    for (const n of ns.items) assert.equal(n.status.phase, 'Active');
    const svc = (await c.req('GET', '/api/v1/namespaces/default/services/kubernetes')).json<Obj>();
    assert.equal(svc.spec.clusterIP, '10.96.0.1');
    assert.equal(svc.spec.ports[0].port, 443);
  });

  it('answers bad requests with Status objects and upstream codes', async () => {
    const cases: [string, string, unknown, Partial<Parameters<TestCluster['req']>[3]>, number, string][] = [
      ['GET', '/api/v1/nosuchthings', undefined, {}, 404, 'NotFound'],
      ['GET', '/api/v1/namespaces/default/configmaps/missing', undefined, {}, 404, 'NotFound'],
      ['POST', '/api/v1/namespaces/default/configmaps', '{not json', { contentType: 'application/json' }, 400, 'BadRequest'],
      ['POST', '/api/v1/namespaces/default/configmaps', 'x', { contentType: 'text/plain' }, 415, 'UnsupportedMediaType'],
      ['GET', '/api/v1/namespaces/default/configmaps', undefined, { accept: 'text/html' }, 406, 'NotAcceptable'],
      [
        'POST',
        '/api/v1/namespaces/default/configmaps',
        JSON.stringify({ metadata: { name: 'big' }, data: { x: 'y'.repeat(3 * 1024 * 1024 + 10) } }),
        { contentType: 'application/json' },
        413,
        'RequestEntityTooLarge',
      ],
      ['PUT', '/api/v1/componentstatuses/x', {}, {}, 405, 'MethodNotAllowed'],
    ];
    for (const [method, path, body, opts, code, reason] of cases) {
      const r = await c.req(method, path, body, opts);
      assert.equal(r.status, code, `${method} ${path}: ${r.text().slice(0, 200)}`);
      const s = r.json<Obj>();
      assert.equal(s.kind, 'Status');
      assert.equal(s.reason, reason, `${method} ${path}`);
      assert.equal(s.code, code);
    }
    const nf = (await c.req('GET', '/apis/apps/v1/namespaces/default/deployments/nope')).json<Obj>();
    assert.equal(nf.message, 'deployments.apps "nope" not found');
    assert.deepEqual(nf.details, { name: 'nope', group: 'apps', kind: 'deployments' });
  });

  it('answers the review APIs without storing anything', async () => {
    const who = await c.req('POST', '/apis/authentication.k8s.io/v1/selfsubjectreviews', {
      apiVersion: 'authentication.k8s.io/v1',
      kind: 'SelfSubjectReview',
    });
    assert.equal(who.status, 201);
    assert.equal(who.json<Obj>().status.userInfo.username, 'admin');
    assert.ok(who.json<Obj>().status.userInfo.groups.includes('system:masters'));
    const can = await c.req('POST', '/apis/authorization.k8s.io/v1/selfsubjectaccessreviews', {
      spec: { resourceAttributes: { verb: 'create', resource: 'pods', namespace: 'default' } },
    });
    assert.equal(can.json<Obj>().status.allowed, true);
    const other = await c.req('POST', '/apis/authorization.k8s.io/v1/subjectaccessreviews', {
      spec: { user: 'bob', groups: [], resourceAttributes: { verb: 'get', resource: 'secrets', namespace: 'default' } },
    });
    assert.equal(other.json<Obj>().status.allowed, false);
    assert.equal((await c.req('GET', '/apis/authorization.k8s.io/v1/subjectaccessreviews')).status, 405);
  });
});
