/**
 * `k8ts bench api`: the API server under load, over HTTPS with keep-alive, against a
 * `k8ts server` child process (sqlite datastore, fsync on every commit) started by the bench.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { setMaxListeners } from 'node:events';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { intFlag, parseFlags, UsageError } from '../src/cmd/flags.js';
import { loadKubeconfig, RestClient } from '../src/client/index.js';
import { fmt, sleep, summarize, table } from './stats.js';

const BIN = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'bin', 'k8ts.js');
const BIN_SRC = join(dirname(fileURLToPath(import.meta.url)), '..', 'bin', 'k8ts.js');

interface Server {
  child: ChildProcess;
  kubeconfig: string;
  url: string;
  coldStartMs: number;
}

async function startServer(dataDir: string): Promise<Server> {
  let bin = BIN;
  try {
    readFileSync(bin);
  } catch {
    bin = BIN_SRC;
  }
  const t0 = performance.now();
  const child = spawn(process.execPath, [bin, 'server', '--data-dir', dataDir, '--port', '0', '--disable-agent'], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, K8TS_LOG: 'warn' },
  });
  let err = '';
  child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  const lines = createInterface({ input: child.stdout! });
  const ready = await new Promise<{ kubeconfig: string; url: string }>((resolve, reject) => {
    lines.on('line', (l) => {
      const m = /^k8ts ready: kubeconfig=(\S+) server=(\S+)$/.exec(l);
      if (m) resolve({ kubeconfig: m[1]!, url: m[2]! });
    });
    child.once('exit', (code) => reject(new Error(`server exited (${code}): ${err}`)));
  });
  // Cold start: process spawn until /readyz answers 200.
  const client = new RestClient(loadKubeconfig(ready.kubeconfig));
  for (;;) {
    const r = await client.request({ path: '/readyz' }).catch(() => undefined);
    if (r?.status === 200) break;
    await sleep(5);
  }
  const coldStartMs = performance.now() - t0;
  client.close();
  return { child, ...ready, coldStartMs };
}

function rssMb(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const m = /VmRSS:\s+(\d+) kB/.exec(status);
  return m ? Number(m[1]) / 1024 : NaN;
}

async function parallel(n: number, total: number, op: (i: number) => Promise<void>) {
  const lat: number[] = [];
  let next = 0;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: n }, async () => {
      for (;;) {
        const i = next++;
        if (i >= total) return;
        const s = performance.now();
        await op(i);
        lat.push(performance.now() - s);
      }
    }),
  );
  return { perSec: total / ((performance.now() - t0) / 1000), ...summarize(lat) };
}

export async function runApiBench(argv: string[]): Promise<number> {
  const { values, positionals } = parseFlags(argv, {
    creates: { type: 'string' },
    clients: { type: 'string' },
    watchers: { type: 'string' },
    help: { type: 'boolean', short: 'h' },
  });
  if (values.help) {
    process.stdout.write('Usage: k8ts bench api [--creates N] [--clients N] [--watchers N]\n');
    return 0;
  }
  if (positionals.length) throw new UsageError(`unexpected argument "${positionals[0]}"`);
  const creates = intFlag('creates', values.creates, 100, 1_000_000) ?? 10_000;
  const clients = intFlag('clients', values.clients, 1, 1024) ?? 32;
  const watchers = intFlag('watchers', values.watchers, 1, 10_000) ?? 1000;
  const log = (s: string) => process.stderr.write(s + '\n');
  const dir = mkdtempSync(join(tmpdir(), 'k8ts-bench-api-'));
  let server: Server | undefined;
  const rows: string[][] = [];
  try {
    server = await startServer(dir);
    log(`server ready in ${server.coldStartMs.toFixed(0)} ms`);
    await sleep(1000);
    const idleRss = rssMb(server.child.pid!);
    const rest = new RestClient(loadKubeconfig(server.kubeconfig), { maxSockets: watchers + clients + 16 });
    await rest.request({ method: 'POST', path: '/api/v1/namespaces', body: { metadata: { name: 'bench' } } });
    const NS = '/api/v1/namespaces/bench/configmaps';

    log(`creates: ${creates} ConfigMaps from ${clients} clients`);
    const c = await parallel(clients, creates, async (i) => {
      const r = await rest.request({ method: 'POST', path: NS, body: { metadata: { name: `cm-${i}`, labels: { bench: 'api' } }, data: { key: 'x'.repeat(100) } } });
      if (r.status !== 201) throw new Error(`create failed: ${r.status} ${r.text()}`);
    });
    rows.push([`creates/s (${clients} clients)`, fmt(c.perSec), '>= 3,000']);
    rows.push(['create p50 ms', fmt(c.p50), '']);
    rows.push(['create p99 ms', fmt(c.p99), '< 50 (SLO: 1,000)']);

    log('gets');
    const g = await parallel(clients, creates, async (i) => {
      const r = await rest.request({ path: `${NS}/cm-${i % creates}` });
      if (r.status !== 200) throw new Error(`get failed: ${r.status}`);
    });
    rows.push([`gets/s (${clients} clients)`, fmt(g.perSec), '']);
    rows.push(['get p99 ms', fmt(g.p99), '']);

    log('server-side apply');
    const applies = Math.max(1000, Math.floor(creates / 5));
    const fiftyFields = (i: number) => {
      const data: Record<string, string> = {};
      for (let f = 0; f < 48; f++) data[`field-${f}`] = f === 0 ? `v${i}` : `value-${f}`;
      return JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: `ssa-${i % 200}`, labels: { bench: 'ssa', owner: 'bench' } }, data });
    };
    const a = await parallel(clients, applies, async (i) => {
      const r = await rest.request({
        method: 'PATCH',
        path: `${NS}/ssa-${i % 200}`,
        query: { fieldManager: 'bench' },
        body: fiftyFields(i),
        contentType: 'application/apply-patch+yaml',
      });
      if (r.status !== 200 && r.status !== 201) throw new Error(`apply failed: ${r.status} ${r.text()}`);
    });
    rows.push([`server-side applies/s, 50-field object (${clients} clients)`, fmt(a.perSec), '']);
    rows.push(['apply p99 ms', fmt(a.p99), '']);

    log('list');
    const listN = Math.min(creates, 10_000);
    const times: number[] = [];
    for (let i = 0; i < 5; i++) {
      const s = performance.now();
      const r = await rest.request({ path: NS });
      const n = r.json<{ items: unknown[] }>().items.length;
      times.push(performance.now() - s);
      if (n < listN) throw new Error(`list returned ${n}`);
    }
    rows.push([`list ${creates.toLocaleString('en-US')} ConfigMaps ms`, fmt(summarize(times).p50), '']);

    log(`watch fan-out: ${watchers} watchers`);
    const lat: number[] = [];
    const sent = new Map<string, number>();
    const ac = new AbortController();
    setMaxListeners(0, ac.signal);
    const rv = rest.request({ path: NS, query: { limit: 1 } }).then((r) => r.json<{ metadata: { resourceVersion: string } }>().metadata.resourceVersion);
    const startRv = await rv;
    let opened = 0;
    const streams = Array.from({ length: watchers }, async () => {
      try {
        const it = rest.stream<{ type: string; object: { metadata: { name: string } } }>({
          path: NS,
          query: { watch: 1, resourceVersion: startRv, labelSelector: 'bench=watch' },
          signal: ac.signal,
        });
        opened++;
        for await (const e of it) {
          const t = sent.get(e.object.metadata.name);
          if (t !== undefined) lat.push(performance.now() - t);
        }
      } catch {
        // aborted
      }
    });
    while (opened < watchers) await sleep(50);
    await sleep(2000);
    const writes = 50;
    for (let i = 0; i < writes; i++) {
      const name = `w-${i}`;
      sent.set(name, performance.now());
      await rest.request({ method: 'POST', path: NS, body: { metadata: { name, labels: { bench: 'watch' } } } });
      await sleep(20);
    }
    const deadline = Date.now() + 20_000;
    while (lat.length < writes * watchers && Date.now() < deadline) await sleep(50);
    ac.abort();
    await Promise.allSettled(streams);
    const w = summarize(lat);
    rows.push([`watch fan-out (${watchers} watchers) delivered`, `${lat.length}/${writes * watchers}`, '']);
    rows.push(['watch delivery p50 ms', fmt(w.p50), '']);
    rows.push(['watch delivery p99 ms', fmt(w.p99), '']);
    rows.push(['cold start to /readyz ms', fmt(server.coldStartMs, 0), '< 1,000 (envtest: 5,000-15,000)']);
    rows.push(['idle RSS MB', fmt(idleRss, 0), '< 150 (k3s server: ~1,500)']);
    rows.push(['RSS after load MB', fmt(rssMb(server.child.pid!), 0), '']);
    rest.close();
    process.stdout.write(`\nk8ts bench api (HTTPS, keep-alive, sqlite datastore)\n${table(['metric', 'k8ts', 'goal / anchor'], rows)}\n`);
    return 0;
  } finally {
    if (server) {
      server.child.kill('SIGTERM');
      await new Promise((r) => server!.child.once('exit', r));
    }
    rmSync(dir, { recursive: true, force: true });
  }
}
