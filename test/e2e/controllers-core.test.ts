/**
 * The core controllers of `k8ts server` seen through real kubectl 1.32: kubectl delete
 * --cascade=background|foreground|orphan (garbage collector), kubectl delete namespace
 * (namespace controller), the default ServiceAccount and kube-root-ca.crt of a new
 * namespace, and kubectl get endpoints,endpointslices for a Service whose pods are marked
 * Ready through the status subresource.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { kubectl, kubectlOk, startServerProcess, tempDir, type ServerProcess } from './helpers.js';

describe('core controllers with kubectl', () => {
  let srv: ServerProcess;
  let dir: ReturnType<typeof tempDir>;
  let kc: string;
  const ok = (args: string[], opts?: Parameters<typeof kubectl>[2]) => kubectlOk(kc, args, opts);
  const k = (args: string[]) => kubectl(kc, args);
  const until = async (cond: () => Promise<boolean>, what: string, ms = 20_000) => {
    const end = Date.now() + ms;
    while (!(await cond())) {
      if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  };
  const names = async (kind: string, ns: string) =>
    (await ok(['get', kind, '-n', ns, '-o', 'jsonpath={.items[*].metadata.name}'])).split(' ').filter(Boolean).sort();
  const apply = (ns: string, obj: unknown) => ok(['apply', '-n', ns, '-f', '-'], { stdin: JSON.stringify(obj) });
  const patchRetrying = async (args: string[]) => {
    for (let attempt = 0; ; attempt++) {
      const r = await k(args);
      if (r.code === 0) return;
      if (attempt >= 5 || !/\(Conflict\)/.test(r.stderr)) throw new Error(`kubectl ${args.join(' ')} exited ${r.code}:\n${r.stderr}`);
    }
  };

  before(async () => {
    dir = tempDir();
    srv = await startServerProcess(['--data-dir', dir.path, '--port', '0', '--disable-agent']);
    kc = srv.kubeconfig;
    await ok(['create', 'namespace', 'cascade']);
  });
  after(async () => {
    await srv.stop();
    dir.remove();
  });

  async function family(owner: string): Promise<string> {
    await ok(['create', 'configmap', owner, '-n', 'cascade']);
    const uid = await ok(['get', 'cm', owner, '-n', 'cascade', '-o', 'jsonpath={.metadata.uid}']);
    for (const child of ['a', 'b']) {
      await apply('cascade', {
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: { name: `${owner}-${child}`, ownerReferences: [{ apiVersion: 'v1', kind: 'ConfigMap', name: owner, uid, blockOwnerDeletion: true }] },
      });
    }
    return uid;
  }

  it('kubectl delete --cascade=foreground returns once the owner went after its dependents', async () => {
    await family('fg');
    assert.equal((await ok(['delete', 'cm', 'fg', '-n', 'cascade', '--cascade=foreground'])).trim(), 'configmap "fg" deleted');
    assert.deepEqual((await names('cm', 'cascade')).filter((n) => n.startsWith('fg')), []);
  });

  it('kubectl delete --cascade=background: the collector removes the dependents afterwards', async () => {
    await family('bg');
    await ok(['delete', 'cm', 'bg', '-n', 'cascade', '--cascade=background']);
    await until(async () => !(await names('cm', 'cascade')).some((n) => n.startsWith('bg')), 'background collection');
  });

  it('kubectl delete --cascade=orphan keeps the dependents without the owner reference', async () => {
    const uid = await family('or');
    await ok(['delete', 'cm', 'or', '-n', 'cascade', '--cascade=orphan']);
    assert.deepEqual((await names('cm', 'cascade')).filter((n) => n.startsWith('or')), ['or-a', 'or-b']);
    for (const child of ['or-a', 'or-b']) {
      const refs = await ok(['get', 'cm', child, '-n', 'cascade', '-o', 'jsonpath={.metadata.ownerReferences}']);
      assert.ok(!refs.includes(uid), `${child}: ${refs}`);
    }
  });

  it('a ReplicaSet deleted in the foreground takes its pods first', async () => {
    await apply('cascade', {
      apiVersion: 'apps/v1',
      kind: 'ReplicaSet',
      metadata: { name: 'web' },
      spec: { replicas: 2, selector: { matchLabels: { app: 'web' } }, template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'c', image: 'nginx' }] } } },
    });
    await until(async () => (await names('pods', 'cascade')).length === 2, 'the ReplicaSet to create its pods');
    const owners = await ok(['get', 'pods', '-n', 'cascade', '-o', 'jsonpath={.items[*].metadata.ownerReferences[0].kind}']);
    assert.equal(owners, 'ReplicaSet ReplicaSet');
    assert.equal((await ok(['delete', 'rs', 'web', '-n', 'cascade', '--cascade=foreground'])).trim(), 'replicaset.apps "web" deleted');
    assert.deepEqual(await names('pods', 'cascade'), []);
  });

  it('a new namespace gets the default ServiceAccount and kube-root-ca.crt; kubectl delete namespace removes it with its content', async () => {
    await ok(['create', 'namespace', 'gone']);
    await until(async () => (await k(['get', 'sa', 'default', '-n', 'gone'])).code === 0, 'the default ServiceAccount');
    await until(async () => (await k(['get', 'cm', 'kube-root-ca.crt', '-n', 'gone'])).code === 0, 'kube-root-ca.crt');
    const ca = await ok(['get', 'cm', 'kube-root-ca.crt', '-n', 'gone', '-o', 'jsonpath={.data.ca\\.crt}']);
    assert.match(ca, /^-----BEGIN CERTIFICATE-----/);
    await ok(['create', 'configmap', 'x', '-n', 'gone']);
    await ok(['create', 'secret', 'generic', 'y', '-n', 'gone', '--from-literal=a=b']);
    await ok(['create', 'deployment', 'd', '-n', 'gone', '--image=nginx']);
    assert.equal((await ok(['delete', 'namespace', 'gone', '--timeout=60s'])).trim(), 'namespace "gone" deleted');
    const res = await k(['get', 'namespace', 'gone']);
    assert.equal(res.code, 1);
    assert.match(res.stderr, /namespaces "gone" not found/);
  });

  it('kubectl get endpoints,endpointslices lists the pods marked Ready through the status subresource', async () => {
    await ok(['create', 'namespace', 'svc']);
    await until(async () => (await k(['get', 'sa', 'default', '-n', 'svc'])).code === 0, 'the default ServiceAccount');
    await apply('svc', {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: { name: 'web' },
      spec: { selector: { app: 'web' }, ports: [{ name: 'http', port: 80, targetPort: 'http' }] },
    });
    const ts = new Date(Math.floor(Date.now() / 1000) * 1000).toISOString().replace('.000Z', 'Z');
    for (const [i, ready] of [
      [1, 'True'],
      [2, 'True'],
      [3, 'False'],
    ] as const) {
      await apply('svc', {
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: { name: `web-${i}`, labels: { app: 'web' } },
        spec: { containers: [{ name: 'c', image: 'nginx', ports: [{ name: 'http', containerPort: 8080 }] }] },
      });
      const ip = `10.244.0.${10 + i}`;
      // Played kubelet. The scheduler may write the pod (PodScheduled=False, no nodes) at the
      // same moment; the server answers such a race with 409 (see report), so retry.
      await patchRetrying([
        'patch',
        'pod',
        `web-${i}`,
        '-n',
        'svc',
        '--subresource=status',
        '--type=merge',
        '-p',
        JSON.stringify({ status: { phase: 'Running', podIP: ip, podIPs: [{ ip }], conditions: [{ type: 'Ready', status: ready, lastTransitionTime: ts }] } }),
      ]);
    }
    await until(async () => (await ok(['get', 'endpoints', 'web', '-n', 'svc', '-o', 'jsonpath={.subsets[0].addresses[*].ip}'])) === '10.244.0.11 10.244.0.12', 'the ready addresses');
    assert.equal(await ok(['get', 'endpoints', 'web', '-n', 'svc', '-o', 'jsonpath={.subsets[0].notReadyAddresses[*].ip}']), '10.244.0.13');
    assert.equal(await ok(['get', 'endpoints', 'web', '-n', 'svc', '-o', 'jsonpath={.subsets[0].ports[0].port}']), '8080');

    const table = await ok(['get', 'endpoints,endpointslices', '-n', 'svc']);
    const lines = table.split('\n');
    assert.ok(lines.some((l) => /^endpoints\/web\s+10\.244\.0\.11:8080,10\.244\.0\.12:8080\s+/.test(l)), table);
    assert.ok(lines.some((l) => /^endpointslice\.discovery\.k8s\.io\/web-[a-z0-9]{5}\s+IPv4\s+8080\s+10\.244\.0\.11,10\.244\.0\.12,10\.244\.0\.13\s+/.test(l)), table);

    const conditions = await ok([
      'get',
      'endpointslices',
      '-n',
      'svc',
      '-l',
      'kubernetes.io/service-name=web',
      '-o',
      'jsonpath={range .items[0].endpoints[*]}{.targetRef.name}={.conditions.ready}{" "}{end}',
    ]);
    assert.deepEqual(conditions.trim().split(' ').sort(), ['web-1=true', 'web-2=true', 'web-3=false']);
    const owner = await ok(['get', 'endpointslices', '-n', 'svc', '-l', 'kubernetes.io/service-name=web', '-o', 'jsonpath={.items[0].metadata.ownerReferences[0].kind}/{.items[0].metadata.labels.endpointslice\\.kubernetes\\.io/managed-by}']);
    assert.equal(owner, 'Service/endpointslice-controller.k8s.io');
  });
});
