import { homedir } from 'node:os';
import { join } from 'node:path';
import { startServer } from '../server.js';
import { Datastore } from '../storage/index.js';
import { intFlag, parseFlags, stringFlag, UsageError, type FlagSpec } from './flags.js';

const SERVER_USAGE = `Usage: k8ts server [flags]

Flags:
  --data-dir DIR            where everything is written (default ~/.k8ts)
  --bind-address ADDR       address to serve on (default 127.0.0.1)
  --port N                  port to serve on (default 6443; 0 picks a free port)
  --datastore KIND          sqlite (default, in DATA_DIR), etcd or memory
  --etcd-endpoints URLS     comma-separated etcd client URLs (with --datastore etcd)
  --simulated-nodes N       register N simulated nodes (kwok-style)
  --runtime KIND            auto (default), containerd or simulated
  --disable-agent           run the control plane only, no node on this machine
  --node-name NAME          this machine's node name (default: the hostname)
  --disable-controller-manager  run no controllers in this process (e.g. with 'k8ts controller-manager')
`;

const FLAGS = {
  'data-dir': { type: 'string' },
  'bind-address': { type: 'string' },
  port: { type: 'string' },
  datastore: { type: 'string' },
  'etcd-endpoints': { type: 'string' },
  'simulated-nodes': { type: 'string' },
  runtime: { type: 'string' },
  'disable-agent': { type: 'boolean' },
  'node-name': { type: 'string' },
  'disable-controller-manager': { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} satisfies Record<string, FlagSpec>;

export async function runServer(argv: string[]): Promise<number> {
  const { values, positionals } = parseFlags(argv, FLAGS);
  if (values.help) {
    process.stdout.write(SERVER_USAGE);
    return 0;
  }
  if (positionals.length > 0) throw new UsageError(`unexpected argument "${positionals[0]}"`);
  const datastore = stringFlag(values, 'datastore') ?? 'sqlite';
  if (!Object.values(Datastore).includes(datastore as Datastore)) {
    throw new UsageError(`--datastore must be sqlite, etcd or memory, got "${datastore}"`);
  }
  const etcdEndpoints = stringFlag(values, 'etcd-endpoints')?.split(',').map((s) => s.trim()).filter(Boolean);
  if (datastore === 'etcd' && !etcdEndpoints?.length) throw new UsageError('--datastore etcd needs --etcd-endpoints');
  const port = intFlag('port', values.port, 0, 65535) ?? 6443;
  const simulated = intFlag('simulated-nodes', values['simulated-nodes'], 0, 10_000) ?? 0;
  const runtime = stringFlag(values, 'runtime') ?? 'auto';
  if (!['auto', 'containerd', 'simulated'].includes(runtime)) {
    throw new UsageError(`--runtime must be auto, containerd or simulated, got "${runtime}"`);
  }
  if (runtime === 'containerd') throw new UsageError('--runtime containerd: the containerd node agent is not built yet; use --runtime simulated');

  const dataDir = stringFlag(values, 'data-dir') ?? join(homedir(), '.k8ts');
  const server = await startServer({
    dataDir,
    bindAddress: stringFlag(values, 'bind-address') ?? '127.0.0.1',
    port,
    datastore: datastore as Datastore,
    etcdEndpoints,
    ...(values['disable-controller-manager'] ? { controllers: [] } : {}),
    simulatedNodes: simulated,
    ...(values['disable-agent'] ? {} : { localNode: 'simulated' as const, nodeName: stringFlag(values, 'node-name') }),
  });
  if (!values['disable-agent'] && runtime === 'auto') {
    process.stderr.write('k8ts: the containerd node agent is not built yet; this machine runs a simulated node (pods run without containers)\n');
  }
  process.stdout.write(`k8ts ready: kubeconfig=${server.kubeconfigPath} server=${server.url}\n`);

  await new Promise<void>((resolve) => {
    const onSignal = (sig: NodeJS.Signals) => {
      process.stderr.write(`k8ts: ${sig} received, shutting down\n`);
      process.off('SIGTERM', onSignal);
      process.off('SIGINT', onSignal);
      resolve();
    };
    process.on('SIGTERM', onSignal);
    process.on('SIGINT', onSignal);
  });
  await server.stop();
  return 0;
}
