import { mkdirSync, writeFileSync, renameSync } from 'node:fs';
import { homedir, hostname, networkInterfaces } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import {
  AdmissionChain,
  ApiServer,
  bootstrapCluster,
  builtinBehaviours,
  MastersAuthorizer,
  NamespaceLifecycle,
  PublicInfoAuthorizer,
  Registry,
  UnionAuthenticator,
  UnionAuthorizer,
  X509Authenticator,
  InProcessClient,
} from './apiserver/index.js';
import { CONTROLLERS, ControllerManager } from './controllers/index.js';
import { Scheduler } from './scheduler/index.js';
import { registryLister } from './apiserver/admission/lister.js';
import { DefaultTolerationSeconds, PriorityAdmission, ServiceAccountAdmission } from './apiserver/admission/plugins/pods.js';
import {
  DefaultIngressClass,
  DefaultStorageClass,
  StorageObjectInUseProtection,
  TaintNodesByCondition,
} from './apiserver/admission/plugins/storage-and-nodes.js';
import { ensureClusterPki, kubeconfigYaml } from './pki/index.js';
import { BUILTIN_STRATEGIES } from './api/strategies/index.js';
import { Compactor, openStore, type Datastore, type Store } from './storage/index.js';
import { realClock, type Clock } from './util/clock.js';
import { logger } from './util/log.js';

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
  clock?: Clock;
  /**
   * Controllers to run (names from CONTROLLERS; default all of them). An empty list runs
   * no controller-manager at all.
   */
  controllers?: readonly string[];
  /** Lease-based leader election for the controller-manager (default on, as upstream). */
  leaderElection?: boolean;
  /** Run kube-scheduler (default true); it elects a leader on Lease kube-system/kube-scheduler unless leaderElection is false. */
  scheduler?: boolean;
}

export interface RunningServer {
  readonly url: string;
  readonly kubeconfigPath: string;
  readonly store: Store;
  readonly registry: Registry;
  /** Stops every component and closes the store; idempotent. */
  stop(): Promise<void>;
}

const log = logger('server');

function primaryIPv4(): string | undefined {
  for (const addrs of Object.values(networkInterfaces())) {
    for (const a of addrs ?? []) if (a.family === 'IPv4' && !a.internal) return a.address;
  }
  return undefined;
}

/** Starts the control plane in this process and resolves once it is ready (as /readyz). */
export async function startServer(opts: ServerOptions = {}): Promise<RunningServer> {
  const clock = opts.clock ?? realClock;
  const dataDir = opts.dataDir ?? join(homedir(), '.k8ts');
  mkdirSync(dataDir, { recursive: true });
  const bindAddress = opts.bindAddress ?? '127.0.0.1';
  const wildcard = bindAddress === '0.0.0.0' || bindAddress === '::';
  const advertiseAddress = wildcard ? (primaryIPv4() ?? '127.0.0.1') : bindAddress;
  const hosts = [
    '127.0.0.1',
    'localhost',
    hostname(),
    'kubernetes',
    'kubernetes.default',
    'kubernetes.default.svc',
    'kubernetes.default.svc.cluster.local',
    '10.96.0.1',
    advertiseAddress,
    ...(wildcard ? [] : [bindAddress]),
  ];
  const [pki, store] = await Promise.all([
    ensureClusterPki(join(dataDir, 'pki'), [...new Set(hosts)]),
    openStore({ datastore: opts.datastore ?? 'sqlite', dataDir, etcdEndpoints: opts.etcdEndpoints, clock }),
  ]);
  const abort = new AbortController();
  let registry: Registry | undefined;
  let api: ApiServer | undefined;
  let compacting: Promise<void> | undefined;
  let ready = false;
  try {
    const namespaces = () => registry!.preferred('', 'namespaces')!;
    const lister = registryLister(() => registry!);
    // Upstream's default plugin order.
    const admission = new AdmissionChain([
      new NamespaceLifecycle(async (name) => {
        // As upstream: the watch cache first, a live read when it does not know the namespace.
        for (const resourceVersion of ['0', undefined]) {
          try {
            return (await namespaces().get('', name, { resourceVersion })).obj;
          } catch {
            // not found here; try the next source
          }
        }
        return undefined;
      }),
      new ServiceAccountAdmission(lister),
      new TaintNodesByCondition(),
      new PriorityAdmission(lister),
      new DefaultTolerationSeconds(),
      new DefaultStorageClass(lister),
      new StorageObjectInUseProtection(),
      new DefaultIngressClass(lister),
    ]);
    registry = new Registry({ store, clock, admission, behaviours: builtinBehaviours(store, BUILTIN_STRATEGIES) });
    await registry.start();
    const compactor = new Compactor(store, {
      intervalMs: opts.compactionIntervalMs,
      clock,
      onCompact: (r) => {
        if ('error' in r) log.warn('compaction failed', { error: r.error });
        else log.debug('compacted', { revision: r.revision });
      },
    });
    compacting = compactor.run(abort.signal);
    api = new ApiServer({
      registry,
      clock,
      authenticator: new UnionAuthenticator([new X509Authenticator()]),
      authorizer: new UnionAuthorizer([new MastersAuthorizer(), new PublicInfoAuthorizer()]),
      tls: { certPem: pki.server.certPem, keyPem: pki.server.keyPem, caPem: pki.ca.certPem },
      bindAddress,
      port: opts.port ?? 0,
      readyChecks: { 'informer-sync': () => ready, 'poststarthook/bootstrap-controller': () => ready },
    });
    const listened = await api.listen();
    const port = Number(new URL(listened).port);
    await bootstrapCluster(registry, { advertiseAddress, port });
    const url = wildcard ? `https://127.0.0.1:${port}` : listened;
    const kubeconfigPath = join(dataDir, 'kubeconfig.yaml');
    const tmp = `${kubeconfigPath}.tmp`;
    writeFileSync(tmp, kubeconfigYaml({ server: url, caPem: pki.ca.certPem, client: pki.admin }), { mode: 0o600 });
    renameSync(tmp, kubeconfigPath);
    const components: Promise<void>[] = [];
    const controllerNames = opts.controllers ?? Object.keys(CONTROLLERS);
    if (controllerNames.length) {
      const cmClient = new InProcessClient(registry, { name: 'system:kube-controller-manager', groups: ['system:authenticated'] }, clock);
      const manager = new ControllerManager({
        client: cmClient,
        controllers: CONTROLLERS,
        enabled: controllerNames,
        clock,
        host: hostname(),
        leaderElection: opts.leaderElection === false ? undefined : { identity: `${hostname()}_${randomUUID()}` },
      });
      components.push(manager.run(abort.signal).catch((e: unknown) => log.error('controller-manager failed', { error: e })));
    }
    if (opts.scheduler !== false) {
      const schedClient = new InProcessClient(registry, { name: 'system:kube-scheduler', groups: ['system:authenticated'] }, clock);
      const scheduler = new Scheduler({
        client: schedClient,
        clock,
        host: hostname(),
        leaderElection: opts.leaderElection === false ? undefined : { identity: `${hostname()}_${randomUUID()}` },
      });
      components.push(scheduler.run(abort.signal).catch((e: unknown) => log.error('scheduler failed', { error: e })));
    }
    ready = true;

    let stopping: Promise<void> | undefined;
    const stop = () =>
      (stopping ??= (async () => {
        ready = false;
        abort.abort();
        await Promise.all(components);
        await api!.close();
        await registry!.stop();
        await compacting;
        await store.close();
      })());
    return { url, kubeconfigPath, store, registry, stop };
  } catch (e: unknown) {
    abort.abort();
    await api?.close().catch(() => {});
    await registry?.stop().catch(() => {});
    await compacting;
    await store.close().catch(() => {});
    throw e;
  }
}
