/**
 * `k8ts bench storage`: the same workload against the embedded SQLite store and a real etcd
 * started by the bench on this machine, printed side by side.
 *
 * Durability is equal: the SQLite store acknowledges a write only after its group commit's
 * fsync (synchronous=FULL), and etcd only after its raft log entry is fsynced.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseFlags, intFlag, UsageError } from '../src/cmd/flags.js';
import { EtcdStore, etcdBinary, SqliteStore, startEtcd, type Store } from '../src/storage/index.js';
import { fmt, summarize, table } from './stats.js';

interface Figures {
  [metric: string]: number;
}

interface Config {
  writesSerial: number;
  writesParallel: number;
  writers: number;
  listKeys: number;
  watchWrites: number;
  valueBytes: number;
}

const value = (n: number, i: number) => {
  const b = Buffer.alloc(n, 'x');
  b.write(`{"i":${i}}`);
  return b;
};

async function writeLoad(store: Store, prefix: string, total: number, writers: number, bytes: number) {
  const latencies: number[] = [];
  let next = 0;
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: writers }, async () => {
      for (;;) {
        const i = next++;
        if (i >= total) return;
        const s = performance.now();
        await store.create(`${prefix}${i}`, value(bytes, i));
        latencies.push(performance.now() - s);
      }
    }),
  );
  const secs = (performance.now() - t0) / 1000;
  return { perSec: total / secs, ...summarize(latencies) };
}

async function listLoad(store: Store, prefix: string, keys: number, bytes: number) {
  await writeLoad(store, prefix, keys, 64, bytes);
  const times: number[] = [];
  for (let i = 0; i < 7; i++) {
    const s = performance.now();
    const res = await store.list(prefix);
    times.push(performance.now() - s);
    if (res.kvs.length !== keys) throw new Error(`list returned ${res.kvs.length} of ${keys} keys`);
  }
  return summarize(times).p50;
}

async function watchLoad(store: Store, prefix: string, writes: number, bytes: number) {
  const acked = new Map<string, number>();
  const seen = new Map<string, number>();
  const latencies: number[] = [];
  const record = (key: string) => {
    const a = acked.get(key);
    const e = seen.get(key);
    // An event may arrive before the writer sees its acknowledgement; that counts as 0.
    if (a !== undefined && e !== undefined) latencies.push(Math.max(0, e - a));
  };
  const w = store.watch(prefix);
  await new Promise((r) => setTimeout(r, 200));
  const consumer = (async () => {
    for await (const e of w) {
      if (e.type === 'progress') continue;
      seen.set(e.kv.key, performance.now());
      record(e.kv.key);
      if (seen.size === writes) return;
    }
  })();
  let next = 0;
  await Promise.all(
    Array.from({ length: 4 }, async () => {
      for (;;) {
        const i = next++;
        if (i >= writes) return;
        const key = `${prefix}${i}`;
        await store.create(key, value(bytes, i));
        acked.set(key, performance.now());
        record(key);
      }
    }),
  );
  await consumer;
  w.close();
  return summarize(latencies);
}

async function measure(store: Store, cfg: Config, log: (s: string) => void): Promise<Figures> {
  const f: Figures = {};
  log(`  ${store.backend}: 1 writer`);
  const one = await writeLoad(store, '/registry/bench/serial/', cfg.writesSerial, 1, cfg.valueBytes);
  f['writes/s, 1 writer'] = one.perSec;
  f['write p50 ms, 1 writer'] = one.p50;
  f['write p99 ms, 1 writer'] = one.p99;
  log(`  ${store.backend}: ${cfg.writers} writers`);
  const many = await writeLoad(store, '/registry/bench/parallel/', cfg.writesParallel, cfg.writers, cfg.valueBytes);
  f[`writes/s, ${cfg.writers} writers`] = many.perSec;
  f[`write p50 ms, ${cfg.writers} writers`] = many.p50;
  f[`write p99 ms, ${cfg.writers} writers`] = many.p99;
  log(`  ${store.backend}: list of ${cfg.listKeys} keys`);
  f[`list ${cfg.listKeys} keys ms`] = await listLoad(store, '/registry/bench/list/', cfg.listKeys, cfg.valueBytes);
  log(`  ${store.backend}: watch delivery`);
  const watch = await watchLoad(store, '/registry/bench/watch/', cfg.watchWrites, cfg.valueBytes);
  f['watch delivery p50 ms'] = watch.p50;
  f['watch delivery p99 ms'] = watch.p99;
  return f;
}

const HIGHER_IS_BETTER = (metric: string) => metric.includes('/s');

export async function runStorageBench(argv: string[]): Promise<number> {
  const { values, positionals } = parseFlags(argv, {
    writes: { type: 'string' },
    writers: { type: 'string' },
    'list-keys': { type: 'string' },
    'value-bytes': { type: 'string' },
    help: { type: 'boolean', short: 'h' },
  });
  if (values.help) {
    process.stdout.write(
      'Usage: k8ts bench storage [--writes N] [--writers N] [--list-keys N] [--value-bytes N]\n',
    );
    return 0;
  }
  if (positionals.length) throw new UsageError(`unexpected argument "${positionals[0]}"`);
  const writes = intFlag('writes', values.writes, 100, 10_000_000) ?? 20_000;
  const cfg: Config = {
    writesSerial: Math.max(100, Math.floor(writes / 10)),
    writesParallel: writes,
    writers: intFlag('writers', values.writers, 1, 1024) ?? 32,
    listKeys: intFlag('list-keys', values['list-keys'], 1, 1_000_000) ?? 10_000,
    watchWrites: Math.max(100, Math.floor(writes / 10)),
    valueBytes: intFlag('value-bytes', values['value-bytes'], 16, 1_000_000) ?? 1024,
  };
  if (!etcdBinary()) {
    process.stderr.write('k8ts bench storage: etcd is not installed; run scripts/install-deps.sh (Debian package etcd-server)\n');
    return 1;
  }
  const log = (s: string) => process.stderr.write(s + '\n');
  const dir = mkdtempSync(join(tmpdir(), 'k8ts-bench-storage-'));
  try {
    log(`k8ts bench storage: ${cfg.valueBytes}-byte values, data in ${dir}`);
    const sqlite = await SqliteStore.open({ path: join(dir, 'sqlite', 'state.db') });
    let sq: Figures;
    try {
      sq = await measure(sqlite, cfg, log);
    } finally {
      await sqlite.close();
    }
    const etcdProc = await startEtcd({ dataDir: join(dir, 'etcd') });
    const etcd = new EtcdStore({ endpoints: [etcdProc.endpoint] });
    let et: Figures;
    try {
      et = await measure(etcd, cfg, log);
    } finally {
      await etcd.close();
      await etcdProc.stop();
    }
    const rows = Object.keys(sq).map((metric) => {
      const a = sq[metric]!;
      const b = et[metric]!;
      const ratio = HIGHER_IS_BETTER(metric) ? a / b : b / a;
      return [metric, fmt(a), fmt(b), `${fmt(ratio)}x`];
    });
    process.stdout.write(
      `\nk8ts bench storage (${cfg.valueBytes}-byte values; both fsync before acknowledging)\n` +
        table(['metric', 'sqlite', 'etcd 3.4', 'sqlite advantage'], rows) +
        '\n\n' +
        `goals: sqlite writes/s at ${cfg.writers} writers >= 3x etcd: ${
          sq[`writes/s, ${cfg.writers} writers`]! >= 3 * et[`writes/s, ${cfg.writers} writers`]! ? 'met' : 'NOT met'
        }; sqlite watch delivery p99 < 5 ms: ${sq['watch delivery p99 ms']! < 5 ? 'met' : 'NOT met'}\n`,
    );
    return 0;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
