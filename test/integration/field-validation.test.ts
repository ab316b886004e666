import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startTestCluster, type TestCluster } from '../helpers/cluster.js';

type Obj = Record<string, any>;
const DEP = '/apis/apps/v1/namespaces/default/deployments';

const deployment = (name: string, extra: Obj = {}) => ({
  metadata: { name },
  spec: {
    replicas: 1,
    selector: { matchLabels: { app: name } },
    template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'c', image: 'busybox' }] } },
    ...extra,
  },
});

describe('apiserver: typed decoding and fieldValidation', () => {
  let c: TestCluster;
  before(async () => {
    c = await startTestCluster();
  });
  after(async () => {
    await c.stop();
  });

  it('refuses unknown fields under Strict, warns under Warn (the default), drops them under Ignore', async () => {
    const strict = await c.req('POST', `${DEP}?fieldValidation=Strict`, deployment('s', { bogus: 1 }));
    assert.equal(strict.status, 400);
    assert.equal(strict.json<Obj>().message, 'Deployment in version "v1" cannot be handled as a Deployment: strict decoding error: unknown field "spec.bogus"');
    const warn = await c.req('POST', DEP, { ...deployment('w'), extraTop: true });
    assert.equal(warn.status, 201);
    assert.match(String(warn.headers.warning), /unknown field \\"extraTop\\"/);
    assert.equal(warn.json<Obj>().extraTop, undefined);
    const ignore = await c.req('POST', `${DEP}?fieldValidation=Ignore`, deployment('i', { bogus: 1 }));
    assert.equal(ignore.status, 201);
    assert.equal(ignore.headers.warning, undefined);
    assert.equal(ignore.json<Obj>().spec.bogus, undefined);
    const nested = await c.req('POST', `${DEP}?fieldValidation=Strict`, {
      ...deployment('n'),
      spec: { ...deployment('n').spec, template: { metadata: { labels: { app: 'n' } }, spec: { containers: [{ name: 'c', image: 'x', imagePullPolicyy: 'Always' }] } } },
    });
    assert.equal(nested.json<Obj>().message, 'Deployment in version "v1" cannot be handled as a Deployment: strict decoding error: unknown field "spec.template.spec.containers[0].imagePullPolicyy"');
  });

  it('answers wrong JSON types as upstream does', async () => {
    const r = await c.req('POST', DEP, deployment('t', { replicas: '3' }));
    assert.equal(r.status, 400);
    assert.equal(
      r.json<Obj>().message,
      'Deployment in version "v1" cannot be handled as a Deployment: json: cannot unmarshal string into Go struct field DeploymentSpec.spec.replicas of type int32',
    );
    const labels = await c.req('POST', '/api/v1/namespaces/default/configmaps', { metadata: { name: 'x', labels: { a: 1 } } });
    assert.equal(labels.status, 400);
    assert.match(labels.json<Obj>().message, /cannot unmarshal number into Go struct field ObjectMeta.metadata.labels of type string/);
  });

  it('stores quantities and timestamps in canonical form and treats nulls as absent', async () => {
    const pod = (await c.req('POST', '/api/v1/namespaces/default/pods', {
      metadata: { name: 'q', creationTimestamp: null, labels: null },
      spec: { containers: [{ name: 'c', image: 'busybox', resources: { requests: { cpu: '0.5', memory: '1024Mi' }, limits: { cpu: 1 } } }] },
    })).json<Obj>();
    assert.deepEqual(pod.spec.containers[0].resources.requests, { cpu: '500m', memory: '1Gi' });
    assert.equal(pod.spec.containers[0].resources.limits.cpu, '1');
    assert.equal(pod.metadata.labels, undefined);
  });
});
