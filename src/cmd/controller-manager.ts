import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import { HttpClient, loadKubeconfig, RestClient } from '../client/index.js';
import { CONTROLLERS, ControllerManager, httpDiscovery } from '../controllers/index.js';
import { parseFlags, stringFlag, UsageError, type FlagSpec } from './flags.js';

const USAGE = `Usage: k8ts controller-manager --kubeconfig PATH [flags]

Runs the controllers against a k8ts (or any Kubernetes) API server, as kube-controller-manager.
With leader election (the default) several instances may run: only the one holding the Lease
kube-system/kube-controller-manager acts; the others stand by and take over when it goes.

Flags:
  --kubeconfig PATH                  credentials and server to use (required)
  --controllers LIST                 comma-separated names, '*' for all, '-name' to disable one (default '*')
  --leader-elect BOOL                use leader election (default true)
  --leader-elect-lease-duration D    e.g. 15s (default)
  --leader-elect-renew-deadline D    e.g. 10s (default)
  --leader-elect-retry-period D      e.g. 2s (default)
  --identity NAME                    this instance's identity in the Lease (default hostname_uuid)
`;

const FLAGS = {
  kubeconfig: { type: 'string' },
  controllers: { type: 'string' },
  'leader-elect': { type: 'string' },
  'leader-elect-lease-duration': { type: 'string' },
  'leader-elect-renew-deadline': { type: 'string' },
  'leader-elect-retry-period': { type: 'string' },
  identity: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} satisfies Record<string, FlagSpec>;

/** A Go-style duration ("15s", "500ms", "1m30s") in milliseconds. */
export function parseDuration(flag: string, s: string): number {
  const re = /(\d+(?:\.\d+)?)(ms|s|m|h)/g;
  let total = 0;
  let consumed = 0;
  for (const m of s.matchAll(re)) {
    if (m.index !== consumed) break;
    consumed += m[0].length;
    total += Number(m[1]) * { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[m[2] as 'ms' | 's' | 'm' | 'h'];
  }
  if (!s || consumed !== s.length) throw new UsageError(`--${flag}: invalid duration "${s}"`);
  return total;
}

/** The controllers named by a kube-controller-manager style --controllers value. */
export function selectControllers(spec: string, known: readonly string[]): string[] {
  const parts = spec.split(',').map((p) => p.trim()).filter(Boolean);
  const all = parts.includes('*');
  const enabled = new Set(all ? known : []);
  for (const p of parts) {
    if (p === '*') continue;
    const name = p.startsWith('-') ? p.slice(1) : p;
    if (!known.includes(name)) throw new UsageError(`--controllers: unknown controller "${name}" (known: ${known.join(', ')})`);
    if (p.startsWith('-')) enabled.delete(name);
    else enabled.add(name);
  }
  return known.filter((n) => enabled.has(n));
}

export async function runControllerManager(argv: string[]): Promise<number> {
  const { values, positionals } = parseFlags(argv, FLAGS);
  if (values.help) {
    process.stdout.write(USAGE);
    return 0;
  }
  if (positionals.length) throw new UsageError(`unexpected argument "${positionals[0]}"`);
  const kubeconfig = stringFlag(values, 'kubeconfig');
  if (!kubeconfig) throw new UsageError('--kubeconfig is required');
  const leaderElect = (stringFlag(values, 'leader-elect') ?? 'true') !== 'false';
  const enabled = selectControllers(stringFlag(values, 'controllers') ?? '*', Object.keys(CONTROLLERS));
  const identity = stringFlag(values, 'identity') ?? `${hostname()}_${randomUUID()}`;
  const dur = (flag: string, def: number) => {
    const v = stringFlag(values, flag);
    return v === undefined ? def : parseDuration(flag, v);
  };
  const leaseMs = dur('leader-elect-lease-duration', 15_000);
  const rest = new RestClient(loadKubeconfig(kubeconfig));
  const manager = new ControllerManager({
    client: new HttpClient(rest),
    discovery: httpDiscovery(rest),
    rootCaPem: loadKubeconfig(kubeconfig).caPem,
    controllers: CONTROLLERS,
    enabled,
    host: hostname(),
    leaderElection: leaderElect
      ? {
          identity,
          leaseDurationSeconds: Math.max(1, Math.round(leaseMs / 1000)),
          renewDeadlineMs: dur('leader-elect-renew-deadline', 10_000),
          retryPeriodMs: dur('leader-elect-retry-period', 2_000),
        }
      : undefined,
  });
  const abort = new AbortController();
  const onSignal = (sig: NodeJS.Signals) => {
    process.stderr.write(`k8ts controller-manager: ${sig} received, shutting down\n`);
    abort.abort();
  };
  process.once('SIGTERM', onSignal);
  process.once('SIGINT', onSignal);
  process.stdout.write(`k8ts controller-manager: started as ${identity} (${enabled.length} controllers${leaderElect ? ', leader election on' : ''})\n`);
  await manager.run(abort.signal);
  rest.close();
  return 0;
}
