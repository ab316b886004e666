import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { intFlag, parseFlags, UsageError } from '../src/cmd/flags.js';
import { HttpClient, loadKubeconfig, RestClient, gvr } from '../src/client/index.js';
import { startServer } from '../src/server.js';
import { fmt, summarize, table } from './stats.js';

const PODS = gvr('v1', 'pods');
const DEPLOYMENTS = gvr('apps/v1', 'deployments');

/**
 * `k8ts bench density`: the whole control plane (apiserver, controller-manager, scheduler)
 * in one process with N kwok-style simulated nodes; a Deployment of M replicas is created and
 * the time until every pod is scheduled and Running is measured, with scheduling throughput,
 * pod startup latency (created -> Running as reported) and memory. The anchor is upstream's
 * density SLO: pod startup p99 <= 5 s (for stateless pods, excluding image pulls).
 */
export async function runDensityBench(argv: string[]): Promise<number> {
  const { values, positionals } = parseFlags(argv, {
    nodes: { type: 'string' },
    pods: { type: 'string' },
    help: { type: 'boolean', short: 'h' },
  });
  if (values.help) {
    process.stdout.write('Usage: k8ts bench density [--nodes N] [--pods M]\n');
    return 0;
  }
  if (positionals.length) throw new UsageError(`unexpected argument "${positionals[0]}"`);
  const nodes = intFlag('nodes', values.nodes, 1, 5000) ?? 100;
  const pods = intFlag('pods', values.pods, 1, 100_000) ?? 3000;
  const log = (s: string) => process.stderr.write(s + '\n');
  const dir = mkdtempSync(join(tmpdir(), 'k8ts-bench-density-'));
  const t0 = performance.now();
  const server = await startServer({ dataDir: dir, datastore: 'sqlite', port: 0, simulatedNodes: nodes, leaderElection: false });
  const startMs = performance.now() - t0;
  const rest = new RestClient(loadKubeconfig(server.kubeconfigPath));
  const api = new HttpClient(rest);
  const rows: string[][] = [];
  try {
    log(`waiting for ${nodes} ready nodes`);
    for (;;) {
      const list = await api.list(gvr('v1', 'nodes'), '');
      const ready = list.items.filter(
        (n) => !((n.spec as { taints?: unknown[] } | undefined)?.taints?.length) && ((n.status as { conditions?: { type: string; status: string }[] } | undefined)?.conditions ?? []).some((c) => c.type === 'Ready' && c.status === 'True'),
      );
      if (ready.length >= nodes) break;
      await new Promise((r) => setTimeout(r, 200));
    }
    log(`creating a Deployment of ${pods} replicas`);
    const created = performance.now();
    await api.create(DEPLOYMENTS, 'default', {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'density' },
      spec: {
        replicas: pods,
        selector: { matchLabels: { app: 'density' } },
        template: { metadata: { labels: { app: 'density' } }, spec: { containers: [{ name: 'c', image: 'registry.k8s.io/pause:3.10', resources: { requests: { cpu: '10m', memory: '16Mi' } } }] } },
      },
    });
    let allRunningMs = 0;
    let scheduledMs = 0;
    for (;;) {
      const list = await api.list(PODS, 'default', { labelSelector: 'app=density' });
      const scheduled = list.items.filter((p) => (p.spec as { nodeName?: string }).nodeName).length;
      const running = list.items.filter((p) => (p.status as { phase?: string } | undefined)?.phase === 'Running').length;
      if (!scheduledMs && scheduled >= pods) scheduledMs = performance.now() - created;
      if (running >= pods) {
        allRunningMs = performance.now() - created;
        const startup = list.items.map((p) => {
          const c = Date.parse(p.metadata!.creationTimestamp!);
          const r = ((p.status as { conditions?: { type: string; lastTransitionTime?: string }[] }).conditions ?? []).find((x) => x.type === 'Ready');
          return r?.lastTransitionTime ? Math.max(0, Date.parse(r.lastTransitionTime) - c) : 0;
        });
        const s = summarize(startup);
        rows.push(['pods Running', `${running}/${pods}`, '']);
        rows.push(['all scheduled s', fmt(scheduledMs / 1000), '']);
        rows.push(['all Running s', fmt(allRunningMs / 1000), '']);
        rows.push(['scheduling throughput pods/s', fmt(pods / (scheduledMs / 1000), 0), 'kube-scheduler: ~100-300 pods/s']);
        rows.push(['pod startup p50 s (1 s resolution)', fmt(s.p50 / 1000), '']);
        rows.push(['pod startup p99 s (1 s resolution)', fmt(s.p99 / 1000), '<= 5 (upstream SLO)']);
        break;
      }
      if (performance.now() - created > 600_000) throw new Error(`only ${running}/${pods} pods Running after 10 minutes`);
      await new Promise((r) => setTimeout(r, 500));
    }
    rows.unshift(['control plane start to ready ms', fmt(startMs, 0), '']);
    rows.push(['RSS MB (server, same process)', fmt(process.memoryUsage().rss / 1024 / 1024, 0), '']);
    process.stdout.write(`\nk8ts bench density (${nodes} simulated nodes, ${pods} pods, whole control plane in one process, sqlite)\n${table(['metric', 'k8ts', 'anchor'], rows)}\n`);
    return 0;
  } finally {
    rest.close();
    await server.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}
