import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { mkdirSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { Compactor, openStore, type Datastore, type Store } from './storage/index.js';
import { logger } from './util/log.js';
import { versionInfo } from './version.js';

export interface ServerOptions {
  /** Everything the server writes lives here. Default ~/.k8ts. */
  dataDir?: string;
  /** Default 127.0.0.1. */
  bindAddress?: string;
  /** Default 0 (a free port) for the library; the CLI defaults to 6443. */
  port?: number;
  /** Default sqlite. */
  datastore?: Datastore;
  etcdEndpoints?: string[];
  /** How often history is compacted (default 5 minutes, as kube-apiserver). */
  compactionIntervalMs?: number;
}

export interface RunningServer {
  readonly url: string;
  readonly kubeconfigPath: string;
  readonly store: Store;
  /** Stops every component and closes the store; idempotent. */
  stop(): Promise<void>;
}

const log = logger('server');

/** Starts the control plane in this process and resolves once it is ready. */
export async function startServer(opts: ServerOptions = {}): Promise<RunningServer> {
  const dataDir = opts.dataDir ?? join(homedir(), '.k8ts');
  mkdirSync(dataDir, { recursive: true });
  const store = await openStore({
    datastore: opts.datastore ?? 'sqlite',
    dataDir,
    etcdEndpoints: opts.etcdEndpoints,
  });
  const abort = new AbortController();
  const compactor = new Compactor(store, {
    intervalMs: opts.compactionIntervalMs,
    onCompact: (r) => {
      if ('error' in r) log.warn('compaction failed', { error: r.error });
      else log.debug('compacted', { revision: r.revision });
    },
  });
  const compacting = compactor.run(abort.signal);

  let ready = false;
  const server: Server = createServer((req, res) => handle(req, res, () => ready));
  const bindAddress = opts.bindAddress ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, bindAddress, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const addr = server.address();
  const port = typeof addr === 'object' && addr ? addr.port : 0;
  const host = bindAddress.includes(':') ? `[${bindAddress}]` : bindAddress;
  const url = `http://${host}:${port}`;
  ready = true;

  let stopping: Promise<void> | undefined;
  const stop = () =>
    (stopping ??= (async () => {
      ready = false;
      abort.abort();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      await compacting;
      await store.close();
    })());

  return { url, kubeconfigPath: join(dataDir, 'kubeconfig.yaml'), store, stop };
}

function handle(req: IncomingMessage, res: ServerResponse, isReady: () => boolean): void {
  const path = (req.url ?? '/').split('?')[0];
  const text = (code: number, body: string) => {
    res.writeHead(code, { 'content-type': 'text/plain; charset=utf-8' });
    res.end(body);
  };
  switch (path) {
    case '/healthz':
    case '/livez':
      return text(200, 'ok');
    case '/readyz':
      return isReady() ? text(200, 'ok') : text(500, 'not ready');
    case '/version':
      res.writeHead(200, { 'content-type': 'application/json' });
      return void res.end(JSON.stringify(versionInfo(), null, 2));
    default:
      return text(404, '404 page not found');
  }
}
