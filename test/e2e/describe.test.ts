/**
 * kubectl describe for pods, services and namespaces against a full `k8ts server` (one
 * simulated node, all controllers): the sections kubectl prints come from the server's
 * defaults, controllers, scheduler and events.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { kubectl, kubectlOk, startServerProcess, tempDir, type ServerProcess } from './helpers.js';

describe('kubectl describe', () => {
  let srv: ServerProcess;
  let dir: ReturnType<typeof tempDir>;
  let kc: string;
  const ok = (args: string[], opts?: Parameters<typeof kubectl>[2]) => kubectlOk(kc, args, opts);

  before(async () => {
    dir = tempDir();
    srv = await startServerProcess(['--data-dir', dir.path, '--port', '0', '--disable-agent', '--simulated-nodes', '1']);
    kc = srv.kubeconfig;
    await ok(['create', 'namespace', 'desc']);
    await ok(['-n', 'desc', 'run', 'web', '--image=nginx:1.27', '--labels=app=web', '--port=80']);
    await ok(['-n', 'desc', 'expose', 'pod', 'web', '--port=80', '--target-port=80']);
    await ok(['-n', 'desc', 'wait', '--for=condition=Ready', 'pod/web', '--timeout=30s']);
  });
  after(async () => {
    await srv.stop();
    dir.remove();
  });

  it('describes a pod: node, status, IP, container, conditions, QoS, events', async () => {
    const out = await ok(['-n', 'desc', 'describe', 'pod', 'web']);
    assert.match(out, /^Name:\s+web$/m);
    assert.match(out, /^Namespace:\s+desc$/m);
    assert.match(out, /^Service Account:\s+default$/m);
    assert.match(out, /^Node:\s+k8ts-sim-0\/172\.30\.\d+\.\d+$/m);
    assert.match(out, /^Status:\s+Running$/m);
    assert.match(out, /^IP:\s+10\.244\.\d+\.\d+$/m);
    assert.match(out, /^\s+Image:\s+nginx:1\.27$/m);
    assert.match(out, /^\s+Port:\s+80\/TCP$/m);
    assert.match(out, /^\s+State:\s+Running$/m);
    assert.match(out, /^\s+Ready:\s+True$/m);
    assert.match(out, /^QoS Class:\s+BestEffort$/m);
    assert.match(out, /^\s+PodScheduled\s+True\s*$/m);
    assert.match(out, /Normal\s+Scheduled\s+\S+\s+default-scheduler\s+Successfully assigned desc\/web to k8ts-sim-0/);
  });

  it('describes a service: type, IPs, ports, endpoints, session affinity', async () => {
    const out = await ok(['-n', 'desc', 'describe', 'service', 'web']);
    assert.match(out, /^Selector:\s+app=web$/m);
    assert.match(out, /^Type:\s+ClusterIP$/m);
    assert.match(out, /^IP Family Policy:\s+SingleStack$/m);
    assert.match(out, /^IP:\s+10\.\d+\.\d+\.\d+$/m);
    assert.match(out, /^Port:\s+<unset>\s+80\/TCP$/m);
    assert.match(out, /^TargetPort:\s+80\/TCP$/m);
    assert.match(out, /^Endpoints:\s+10\.244\.\d+\.\d+:80$/m);
    assert.match(out, /^Session Affinity:\s+None$/m);
  });

  it('describes a namespace: status, quota and limit range sections', async () => {
    await ok(['-n', 'desc', 'create', 'quota', 'q', '--hard=pods=10']);
    const until = Date.now() + 10_000;
    let out = '';
    while (Date.now() < until) {
      out = await ok(['describe', 'namespace', 'desc']);
      if (/pods\s+1\s+10/.test(out)) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    assert.match(out, /^Name:\s+desc$/m);
    assert.match(out, /^Status:\s+Active$/m);
    assert.match(out, /^Resource Quotas\n\s+Name:\s+q\n\s+Resource\s+Used\s+Hard\n\s+-+\s+-+\s+-+\n\s+pods\s+1\s+10$/m);
    assert.match(out, /^No LimitRange resource\.$/m);
  });
});
