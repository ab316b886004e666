/**
 * `k8ts controller-manager` as its own processes: with leader election exactly one instance
 * holds the kube-system/kube-controller-manager Lease; a stopped leader releases it and a
 * standby takes over at once; a killed leader is replaced once its lease expires.
 */
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { after, before, describe, it } from 'node:test';
import { K8TS_BIN, kubectl, startServerProcess, tempDir, type ServerProcess } from './helpers.js';

describe('k8ts controller-manager processes', () => {
  let srv: ServerProcess;
  let dir: ReturnType<typeof tempDir>;
  const procs = new Map<string, ChildProcess>();

  const start = (identity: string) => {
    const child = spawn(
      process.execPath,
      [
        K8TS_BIN,
        'controller-manager',
        '--kubeconfig',
        srv.kubeconfig,
        '--identity',
        identity,
        '--leader-elect-lease-duration',
        '3s',
        '--leader-elect-renew-deadline',
        '2s',
        '--leader-elect-retry-period',
        '250ms',
      ],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    child.stdout!.resume();
    child.stderr!.resume();
    procs.set(identity, child);
    return child;
  };
  const holder = async (): Promise<string> => {
    const r = await kubectl(srv.kubeconfig, ['get', 'lease', 'kube-controller-manager', '-n', 'kube-system', '-o', 'jsonpath={.spec.holderIdentity}']);
    return r.code === 0 ? r.stdout : '';
  };
  const until = async (cond: (h: string) => boolean, what: string, ms = 15_000): Promise<string> => {
    const end = Date.now() + ms;
    for (;;) {
      const h = await holder();
      if (cond(h)) return h;
      if (Date.now() > end) throw new Error(`timed out waiting for ${what} (holder "${h}")`);
      await new Promise((r) => setTimeout(r, 100));
    }
  };
  const exited = (c: ChildProcess) => new Promise<number | null>((r) => (c.exitCode !== null ? r(c.exitCode) : c.once('exit', (code) => r(code))));

  before(async () => {
    dir = tempDir();
    srv = await startServerProcess(['--data-dir', dir.path, '--port', '0', '--disable-agent', '--disable-controller-manager']);
  });
  after(async () => {
    for (const c of procs.values()) if (c.exitCode === null) c.kill('SIGKILL');
    await srv.stop();
    dir.remove();
  });

  it('elects one leader, hands over on a clean stop, and replaces a killed leader after the lease expires', async () => {
    start('cm-a');
    start('cm-b');
    const first = await until((h) => h === 'cm-a' || h === 'cm-b', 'a leader');
    // Leadership is stable while the leader lives.
    await new Promise((r) => setTimeout(r, 1500));
    assert.equal(await holder(), first);
    const standby = first === 'cm-a' ? 'cm-b' : 'cm-a';
    const leader = procs.get(first)!;
    leader.kill('SIGTERM');
    assert.equal(await exited(leader), 0);
    await until((h) => h === standby, 'the standby to take over');

    start('cm-c');
    await new Promise((r) => setTimeout(r, 1000));
    assert.equal(await holder(), standby, 'a new instance waits while the leader renews');
    procs.get(standby)!.kill('SIGKILL');
    await until((h) => h === 'cm-c', 'cm-c to take over the expired lease');
    const transitions = await kubectl(srv.kubeconfig, ['get', 'lease', 'kube-controller-manager', '-n', 'kube-system', '-o', 'jsonpath={.spec.leaseTransitions}']);
    assert.ok(Number(transitions.stdout) >= 2, transitions.stdout);
  });
});
