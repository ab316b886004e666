/**
 * PodDisruptionBudgets with real kubectl 1.32 on simulated nodes: the disruption controller's
 * status, `kubectl drain` refused by the eviction API while the budget allows no disruption,
 * then succeeding (and the Deployment's pods moving to the other node) once it does.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { kubectl, kubectlOk, startServerProcess, tempDir, type ServerProcess } from './helpers.js';

describe('kubectl drain with a PodDisruptionBudget', () => {
  let srv: ServerProcess;
  let dir: ReturnType<typeof tempDir>;
  let kc: string;
  const ok = (args: string[], opts?: Parameters<typeof kubectl>[2]) => kubectlOk(kc, args, opts);
  const k = (args: string[]) => kubectl(kc, args);
  const until = async (cond: () => Promise<boolean>, what: string, ms = 30_000) => {
    const end = Date.now() + ms;
    while (!(await cond())) {
      if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  };

  before(async () => {
    dir = tempDir();
    srv = await startServerProcess(['--data-dir', dir.path, '--port', '0', '--disable-agent', '--simulated-nodes', '2']);
    kc = srv.kubeconfig;
  });
  after(async () => {
    await srv.stop();
    dir.remove();
  });

  it('shows simulated nodes Ready, with the columns kubectl prints', async () => {
    await until(async () => (await ok(['get', 'nodes'])).split('\n').filter((l) => /\sReady\s/.test(l)).length === 2, 'two Ready nodes');
    const wide = await ok(['get', 'nodes', '-o', 'wide']);
    assert.match(wide, /^NAME\s+STATUS\s+ROLES\s+AGE\s+VERSION\s+INTERNAL-IP\s+EXTERNAL-IP\s+OS-IMAGE\s+KERNEL-VERSION\s+CONTAINER-RUNTIME$/m);
    assert.match(wide, /^k8ts-sim-0\s+Ready\s+<none>\s+\S+\s+v1\.32\.\d+\s+172\.30\.\d+\.\d+\s+<none>\s+k8ts simulated node\s+\S+\s+k8ts-simulated:\/\/1\.0\.0$/m);
    const describe = await ok(['describe', 'node', 'k8ts-sim-0']);
    assert.match(describe, /^\s+Ready\s+True\s+.*KubeletReady\s+kubelet is posting ready status$/m);
    assert.match(describe, /^Taints:\s+<none>$/m);
  });

  it('refuses to drain while the budget allows no disruption, then drains', async () => {
    await ok(['create', 'deployment', 'web', '--image=nginx', '--replicas=2']);
    await ok(['rollout', 'status', 'deployment/web', '--timeout=60s']);
    await ok(['create', 'pdb', 'web', '--selector=app=web', '--min-available=2']);
    await until(async () => (await ok(['get', 'pdb', 'web', '-o', 'jsonpath={.status.currentHealthy}'])) === '2', 'the PDB status');
    assert.match(await ok(['get', 'pdb', 'web']), /^web\s+2\s+N\/A\s+0\s+\S+$/m);
    const nodes = (await ok(['get', 'pods', '-l', 'app=web', '-o', 'jsonpath={.items[*].spec.nodeName}'])).split(' ');
    const target = nodes[0]!;
    const refused = await k(['drain', target, '--timeout=3s']);
    assert.notEqual(refused.code, 0);
    assert.match(refused.stderr + refused.stdout, /Cannot evict pod as it would violate the pod's disruption budget/);
    assert.match(await ok(['get', 'node', target]), /Ready,SchedulingDisabled/);
    await ok(['patch', 'pdb', 'web', '--type=merge', '-p', '{"spec":{"minAvailable":1}}']);
    await until(async () => (await ok(['get', 'pdb', 'web', '-o', 'jsonpath={.status.disruptionsAllowed}'])) !== '0', 'a disruption allowed');
    const drained = await k(['drain', target, '--timeout=60s']);
    assert.equal(drained.code, 0, drained.stderr);
    assert.match(drained.stdout, new RegExp(`node/${target} drained`));
    await ok(['rollout', 'status', 'deployment/web', '--timeout=60s']);
    await until(async () => {
      const placed = (await ok(['get', 'pods', '-l', 'app=web', '--field-selector=status.phase=Running', '-o', 'jsonpath={.items[*].spec.nodeName}'])).split(' ').filter(Boolean);
      return placed.length === 2 && placed.every((n) => n !== target);
    }, 'both pods off the drained node');
  });
});
