/**
 * kubectl delete --cascade=background|foreground|orphan and namespace deletion, with the
 * garbage collector and namespace controller of `k8ts server`.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { kubectl, kubectlOk, startServerProcess, tempDir, type ServerProcess } from './helpers.js';

describe('kubectl delete cascades', () => {
  let srv: ServerProcess;
  let dir: ReturnType<typeof tempDir>;
  let kc: string;
  const ok = (args: string[], opts?: Parameters<typeof kubectl>[2]) => kubectlOk(kc, args, opts);
  const k = (args: string[]) => kubectl(kc, args);

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

  async function family(owner: string): Promise<void> {
    await ok(['create', 'configmap', owner, '-n', 'cascade']);
    const uid = await ok(['get', 'cm', owner, '-n', 'cascade', '-o', 'jsonpath={.metadata.uid}']);
    for (const child of ['a', 'b']) {
      await ok(['apply', '-n', 'cascade', '-f', '-'], {
        stdin: JSON.stringify({
          apiVersion: 'v1',
          kind: 'ConfigMap',
          metadata: { name: `${owner}-${child}`, ownerReferences: [{ apiVersion: 'v1', kind: 'ConfigMap', name: owner, uid, blockOwnerDeletion: true }] },
        }),
      });
    }
  }
  const names = async () => (await ok(['get', 'cm', '-n', 'cascade', '-o', 'jsonpath={.items[*].metadata.name}'])).split(' ').filter(Boolean).sort();
  const until = async (cond: () => Promise<boolean>, what: string) => {
    const end = Date.now() + 15_000;
    while (!(await cond())) {
      if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  };

  it('--cascade=foreground waits for the dependents, background lets the collector remove them, orphan keeps them', async () => {
    await family('fg');
    assert.equal((await ok(['delete', 'cm', 'fg', '-n', 'cascade', '--cascade=foreground'])).trim(), 'configmap "fg" deleted');
    // kubectl waited for the owner, which went only after its dependents.
    assert.ok(!(await names()).some((n) => n.startsWith('fg')), String(await names()));

    await family('bg');
    await ok(['delete', 'cm', 'bg', '-n', 'cascade', '--cascade=background']);
    await until(async () => !(await names()).some((n) => n.startsWith('bg')), 'background collection');

    await family('or');
    await ok(['delete', 'cm', 'or', '-n', 'cascade', '--cascade=orphan']);
    await until(async () => !(await names()).includes('or'), 'the orphaning owner to go');
    assert.deepEqual((await names()).filter((n) => n.startsWith('or')), ['or-a', 'or-b']);
    assert.equal(await ok(['get', 'cm', 'or-a', '-n', 'cascade', '-o', 'jsonpath={.metadata.ownerReferences}']), '');
  });

  it('deletes a namespace and everything in it (kubectl waits), with the default ServiceAccount and root CA published meanwhile', async () => {
    await ok(['create', 'namespace', 'gone']);
    await until(async () => (await k(['get', 'sa', 'default', '-n', 'gone'])).code === 0, 'the default ServiceAccount');
    await until(async () => (await k(['get', 'cm', 'kube-root-ca.crt', '-n', 'gone'])).code === 0, 'kube-root-ca.crt');
    await ok(['create', 'configmap', 'x', '-n', 'gone']);
    await ok(['create', 'secret', 'generic', 'y', '-n', 'gone', '--from-literal=a=b']);
    assert.equal((await ok(['delete', 'namespace', 'gone', '--timeout=30s'])).trim(), 'namespace "gone" deleted');
    const res = await k(['get', 'namespace', 'gone']);
    assert.equal(res.code, 1);
    assert.match(res.stderr, /namespaces "gone" not found/);
  });
});
