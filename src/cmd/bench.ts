import { runApiBench } from '../../bench/api.js';
import { runSchedulerBench } from '../../bench/scheduler.js';
import { runStorageBench } from '../../bench/storage.js';
import { runDensityBench } from '../../bench/density.js';
import { parseFlags, UsageError } from './flags.js';

const SUITES: Record<string, { about: string; run: (argv: string[]) => Promise<number> }> = {
  storage: { about: 'the SQLite store against a real etcd: writes, lists, watch delivery', run: runStorageBench },
  api: { about: 'the API server over HTTPS: creates, gets, lists, watch fan-out, cold start, RSS', run: runApiBench },
  density: { about: 'the whole control plane with simulated nodes: a Deployment of M pods to Running, scheduling throughput, RSS', run: runDensityBench },
  scheduler: { about: 'kube-scheduler throughput and create-to-bound latency (scheduler_perf SchedulingBasic)', run: runSchedulerBench },
};

const PLANNED = ['pod-startup'];

export async function runBench(argv: string[]): Promise<number> {
  const [suite, ...rest] = argv;
  if (!suite || suite === '--help' || suite === '-h') {
    parseFlags([], {});
    process.stdout.write(
      'Usage: k8ts bench SUITE [flags]\n\nSuites:\n' +
        Object.entries(SUITES)
          .map(([name, s]) => `  ${name.padEnd(12)} ${s.about}\n`)
          .join(''),
    );
    return suite ? 0 : 2;
  }
  const s = SUITES[suite];
  if (!s) {
    if (PLANNED.includes(suite)) {
      process.stderr.write(`k8ts bench: the "${suite}" suite is not built yet\n`);
      return 2;
    }
    throw new UsageError(`unknown suite "${suite}" (have: ${Object.keys(SUITES).join(', ')})`);
  }
  return s.run(rest);
}
