import { runBench } from './bench.js';
import { runServer } from './server.js';
import { runControllerManager } from './controller-manager.js';
import { KUBERNETES_VERSION } from '../version.js';
import { UsageError } from './flags.js';

const USAGE = `k8ts — Kubernetes, written in TypeScript

Usage:
  k8ts server [flags]                     run the control plane (and a node agent) on this machine
  k8ts agent --server URL --token TOKEN   run a node that joins an existing server
  k8ts controller-manager --kubeconfig P  run the controllers against an API server (leader-elected)
  k8ts bench SUITE                        run a benchmark suite (storage)
  k8ts version                            print the version

Run 'k8ts COMMAND --help' for a command's flags.
`;

/** Runs the CLI; resolves to the process exit code. */
export async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  try {
    switch (command) {
      case 'server':
        return await runServer(rest);
      case 'agent':
        process.stderr.write('k8ts agent: joining nodes to a server is not built yet (see issue: real nodes)\n');
        return 2;
      case 'controller-manager':
        return await runControllerManager(rest);
      case 'bench':
        return await runBench(rest);
      case 'version':
      case '--version':
        process.stdout.write(`k8ts version ${KUBERNETES_VERSION.gitVersion}\n`);
        return 0;
      case undefined:
      case 'help':
      case '--help':
      case '-h':
        process.stdout.write(USAGE);
        return command === undefined ? 2 : 0;
      default:
        process.stderr.write(`k8ts: unknown command "${command}"\n\n${USAGE}`);
        return 2;
    }
  } catch (e: unknown) {
    if (e instanceof UsageError) {
      process.stderr.write(`k8ts ${command}: ${e.message}\n`);
      return 2;
    }
    process.stderr.write(`k8ts ${command}: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    return 1;
  }
}
