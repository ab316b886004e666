/**
 * Real kubectl 1.32 against `k8ts server`: pods land on nodes (the NODE column of
 * `get pods -o wide`), and `describe pod` shows why an unschedulable pod is pending.
 * There is no kubelet here (--disable-agent): the test registers Node objects itself.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { kubectl, kubectlOk, startServerProcess, tempDir, type ServerProcess } from './helpers.js';

async function until<T>(fn: () => Promise<T | undefined>, what: string, ms = 20_000): Promise<T> {
  const end = Date.now() + ms;
  for (;;) {
    const v = await fn();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** The first row of a kubectl table, cut at the header's column starts. */
function columns(table: string): Record<string, string> {
  const [header, row] = table.split('\n');
  const starts = [...header!.matchAll(/\S+(?: \S+)*/g)].map((m) => [m[0], m.index!] as const);
  return Object.fromEntries(starts.map(([name, at], i) => [name, row!.slice(at, starts[i + 1]?.[1] ?? row!.length).trim()]));
}

describe('kube-scheduler seen through kubectl', () => {
  let srv: ServerProcess;
  let dir: ReturnType<typeof tempDir>;
  let kc: string;
  const ok = (args: string[], opts?: Parameters<typeof kubectl>[2]) => kubectlOk(kc, args, opts);

  before(async () => {
    dir = tempDir();
    srv = await startServerProcess(['--data-dir', dir.path, '--port', '0', '--disable-agent']);
    kc = srv.kubeconfig;
    for (const name of ['worker-1', 'worker-2']) {
      await ok(['apply', '-f', '-'], {
        stdin: JSON.stringify({ apiVersion: 'v1', kind: 'Node', metadata: { name, labels: { 'kubernetes.io/hostname': name } } }),
      });
      const res = { cpu: '2', memory: '4Gi', pods: '110' };
      await ok(['patch', 'node', name, '--subresource=status', '--type=merge', '-p', JSON.stringify({ status: { capacity: res, allocatable: res, conditions: [{ type: 'Ready', status: 'True' }] } })]);
      // The node lifecycle controller drops the not-ready taint once the node is Ready; it may
      // or may not have done so yet, so clear taints idempotently.
      await ok(['patch', 'node', name, '--type=merge', '-p', '{"spec":{"taints":null}}']);
    }
  });
  after(async () => {
    await srv.stop();
    dir.remove();
  });

  const podYaml = (name: string, cpu: string) =>
    JSON.stringify({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name },
      spec: { containers: [{ name: 'app', image: 'nginx:1.25', resources: { requests: { cpu } } }] },
    });

  it('get pods -o wide shows the node the scheduler chose', async () => {
    await ok(['apply', '-f', '-'], { stdin: podYaml('web', '500m') });
    const row = await until(async () => {
      const out = await ok(['get', 'pods', 'web', '-o', 'wide']);
      const line = out.split('\n')[1] ?? '';
      return /\bworker-[12]\b/.test(line) ? out : undefined;
    }, 'web placed');
    assert.match(row.split('\n')[0]!, /^NAME\s+READY\s+STATUS\s+RESTARTS\s+AGE\s+IP\s+NODE\s+NOMINATED NODE\s+READINESS GATES$/);
    const cols = columns(row);
    assert.equal(cols.NAME, 'web');
    assert.match(cols.NODE!, /^worker-[12]$/, 'NODE column');
    assert.equal(cols['NOMINATED NODE'], '<none>', 'NOMINATED NODE column');
    const pod = JSON.parse(await ok(['get', 'pod', 'web', '-o', 'json']));
    const cond = pod.status.conditions.find((c: { type: string }) => c.type === 'PodScheduled');
    assert.equal(cond.status, 'True');
    const events = await ok(['get', 'events', '--field-selector', 'involvedObject.name=web', '-o', 'json']);
    const scheduled = JSON.parse(events).items.find((e: { reason: string }) => e.reason === 'Scheduled');
    assert.equal(scheduled.message, `Successfully assigned default/web to ${cols.NODE}`);
  });

  it('describe pod shows the FailedScheduling event of an unschedulable pod', async () => {
    await ok(['apply', '-f', '-'], { stdin: podYaml('huge', '16') });
    const want = '0/2 nodes are available: 2 Insufficient cpu. preemption: 0/2 nodes are available: 2 No preemption victims found for incoming pod.';
    const out = await until(async () => {
      const d = await ok(['describe', 'pod', 'huge']);
      return d.includes('FailedScheduling') ? d : undefined;
    }, 'FailedScheduling in describe');
    assert.match(out, /^Node:\s+<none>$/m);
    assert.match(out, /^\s+PodScheduled\s+False\s*$/m);
    const line = out.split('\n').find((l) => l.includes('FailedScheduling'))!;
    assert.match(line, /^\s+Warning\s+FailedScheduling\s+\S+\s+default-scheduler\s+/);
    assert.ok(line.trimEnd().endsWith(want), JSON.stringify(line));
    const wide = columns(await ok(['get', 'pods', 'huge', '-o', 'wide']));
    assert.equal(wide.NODE, '<none>');
    assert.equal(wide['NOMINATED NODE'], '<none>');
  });
});
