import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadKubeconfig, RestClient, type RestRequest, type RestResponse } from '../../src/client/index.js';
import { startServer, type RunningServer, type ServerOptions } from '../../src/server.js';

export interface TestCluster {
  server: RunningServer;
  client: RestClient;
  dataDir: string;
  kubeconfig: string;
  /** Sends a request and returns the response (never throws for HTTP errors). */
  req(method: string, path: string, body?: unknown, opts?: Partial<RestRequest>): Promise<RestResponse>;
  stop(): Promise<void>;
}

/** Starts an in-process k8ts server (memory store, free port) for a test file. */
export async function startTestCluster(opts: ServerOptions = {}): Promise<TestCluster> {
  const dataDir = mkdtempSync(join(tmpdir(), 'k8ts-it-'));
  // The API server alone (as envtest) unless a test asks for controllers or the scheduler.
  const server = await startServer({ dataDir, datastore: 'memory', port: 0, controllers: [], scheduler: false, ...opts });
  const client = new RestClient(loadKubeconfig(server.kubeconfigPath));
  return {
    server,
    client,
    dataDir,
    kubeconfig: server.kubeconfigPath,
    req: (method, path, body, o = {}) => client.request({ method, path, body, ...o }),
    async stop() {
      client.close();
      await server.stop();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
