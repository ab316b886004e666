/**
 * `k8ts bench scheduler`: kube-scheduler throughput, as upstream's scheduler_perf
 * SchedulingBasic: N nodes, some pods already placed, then M more pods created as fast as
 * the API takes them; reports pods scheduled per second (creation of the first measured
 * pod until the last one is bound) and each pod's create-to-bound latency.
 *
 * Runs the control plane in this process (memory datastore, no controllers) so the figure
 * is the scheduler's, not the network's.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InProcessClient } from '../src/apiserver/index.js';
import { intFlag, parseFlags, UsageError } from '../src/cmd/flags.js';
import { gvr, type ApiClient } from '../src/client/index.js';
import { startServer } from '../src/server.js';
import { realClock } from '../src/util/clock.js';
import { setLogLevel } from '../src/util/log.js';
import { fmt, summarize, table } from './stats.js';

const PODS = gvr('v1', 'pods');
const NODES = gvr('v1', 'nodes');
const NS = 'default';

/** Upstream scheduler_perf's minimum average for SchedulingBasic 5000Nodes_10000Pods (performance-config.yaml). */
const UPSTREAM_THRESHOLD_PODS_PER_S = 680;

async function createNodes(api: ApiClient, n: number): Promise<void> {
  const res = { cpu: '4', memory: '32Gi', pods: '110' };
  for (let i = 0; i < n; i++) {
    const name = `node-${i}`;
    await api.create(NODES, '', { apiVersion: 'v1', kind: 'Node', metadata: { name, labels: { 'kubernetes.io/hostname': name } } });
    await api.patch(NODES, '', name, 'merge', { status: { capacity: res, allocatable: res, conditions: [{ type: 'Ready', status: 'True' }] } }, { subresource: 'status' });
    await api.patch(NODES, '', name, 'merge', { spec: { taints: null } });
  }
}

const podOf = (name: string) => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name, namespace: NS },
  spec: { containers: [{ name: 'pause', image: 'registry.k8s.io/pause:3.10', resources: { requests: { cpu: '100m', memory: '500Mi' } } }] },
});

/** Creates `names` and resolves with each pod's create-to-bound latency once all are bound. */
async function schedule(api: ApiClient, names: string[]): Promise<{ seconds: number; latencies: number[] }> {
  const created = new Map<string, number>();
  const latencies: number[] = [];
  const watch = await api.watch(PODS, NS, { resourceVersion: (await api.list(PODS, NS, { limit: 1 })).metadata.resourceVersion });
  const t0 = performance.now();
  const done = (async () => {
    for await (const ev of watch) {
      const name = ev.object.metadata?.name ?? '';
      const nodeName = (ev.object.spec as { nodeName?: string } | undefined)?.nodeName;
      const at = created.get(name);
      if (nodeName && at !== undefined) {
        latencies.push(performance.now() - at);
        created.delete(name);
        if (latencies.length === names.length) break;
      }
    }
  })();
  for (const n of names) {
    created.set(n, performance.now());
    await api.create(PODS, NS, podOf(n));
  }
  await done;
  watch.close();
  return { seconds: (performance.now() - t0) / 1000, latencies };
}

export async function runSchedulerBench(argv: string[]): Promise<number> {
  const { values, positionals } = parseFlags(argv, {
    nodes: { type: 'string' },
    'init-pods': { type: 'string' },
    pods: { type: 'string' },
    help: { type: 'boolean', short: 'h' },
  });
  if (values.help) {
    process.stdout.write('Usage: k8ts bench scheduler [--nodes N (500)] [--init-pods N (500)] [--pods N (1000)]\n');
    return 0;
  }
  if (positionals.length) throw new UsageError(`unexpected arguments: ${positionals.join(' ')}`);
  const nodes = intFlag('nodes', values.nodes, 1, 100_000) ?? 500;
  const initPods = intFlag('init-pods', values['init-pods'], 0, 1_000_000) ?? 500;
  const pods = intFlag('pods', values.pods, 1, 1_000_000) ?? 1000;
  setLogLevel('warn');
  const dataDir = mkdtempSync(join(tmpdir(), 'k8ts-bench-sched-'));
  const server = await startServer({ dataDir, datastore: 'memory', port: 0, controllers: [], leaderElection: false });
  try {
    const api = new InProcessClient(server.registry, { name: 'bench', groups: ['system:masters'] }, realClock);
    process.stdout.write(`creating ${nodes} nodes ...\n`);
    await createNodes(api, nodes);
    if (initPods) await schedule(api, Array.from({ length: initPods }, (_, i) => `init-${i}`));
    process.stdout.write(`scheduling ${pods} pods on ${nodes} nodes (${initPods} already placed) ...\n`);
    const r = await schedule(api, Array.from({ length: pods }, (_, i) => `measured-${i}`));
    const s = summarize(r.latencies);
    process.stdout.write(
      table(
        ['figure', 'k8ts', 'upstream anchor'],
        [
          ['throughput (pods/s)', fmt(pods / r.seconds, 1), `${UPSTREAM_THRESHOLD_PODS_PER_S} (scheduler_perf SchedulingBasic 5000 nodes threshold)`],
          ['create-to-bound p50 (ms)', fmt(s.p50), ''],
          ['create-to-bound p99 (ms)', fmt(s.p99), ''],
          ['create-to-bound max (ms)', fmt(s.max), ''],
        ],
      ) + '\n',
    );
    return 0;
  } finally {
    await server.stop();
    rmSync(dataDir, { recursive: true, force: true });
  }
}
