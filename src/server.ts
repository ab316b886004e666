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
import { CONTROLLERS, ControllerManager, pdbEvictionCheck } from './controllers/index.js';
import { SimulatedNodes } from './kubelet/simulated/index.js';
import { CRD_STRATEGY, CrdManager } from './apiserver/crd/index.js';
import { BUILTIN_RESOURCES } from './api/resources.js';
import { Scheduler } from './scheduler/index.js';
import { registryLister } from './apiserver/admission/lister.js';
import { DefaultTolerationSeconds, PriorityAdmission, ServiceAccountAdmission } from './apiserver/admission/plugins/pods.js';
import {
  DefaultIngressClass,
  DefaultStorageClass,
  StorageObjectInUseProtection,
  TaintNodesByCondition,
} from './apiserver/admission/plugins/storage-and-nodes.js';
import { LimitRanger } from './apiserver/admission/plugins/limit-ranger.js';
import { ResourceQuotaAdmission } from './apiserver/admission/plugins/resource-quota.js';
import { systemContext } from './apiserver/registry/context.js';
import { errors as apiErrors } from './apimachinery/status.js';
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
  /** kwok-style simulated nodes to register (named k8ts-sim-0, k8ts-sim-1, ...). */
  simulatedNodes?: number;
  /** A node agent for this machine, simulated for now (named `nodeName`, default the hostname). */
  localNode?: 'simulated';
  nodeName?: string;
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
  let crdRun: Promise<void> | undefined;
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
      new LimitRanger(lister),
      new ServiceAccountAdmission(lister),
      new TaintNodesByCondition(),
      new PriorityAdmission(lister),
      new DefaultTolerationSeconds(),
      new DefaultStorageClass(lister),
      new StorageObjectInUseProtection(),
      new DefaultIngressClass(lister),
      new ResourceQuotaAdmission(
        lister,
        async (quota, used) => {
          const rs = registry!.preferred('', 'resourcequotas')!;
          const { namespace, name, resourceVersion } = quota.metadata!;
          await rs.update(systemContext('system:apiserver:resourcequota'), namespace!, name!, (cur) => {
            if (!cur || cur.metadata?.resourceVersion !== resourceVersion) throw apiErrors.modified({ group: '', resource: 'resourcequotas' }, name!);
            return { ...cur, status: { ...((cur.status as object | undefined) ?? {}), used } };
          }, { subresource: 'status' });
        },
        async (namespace) => (await registry!.preferred('', 'resourcequotas')!.list(namespace, {})).items.map((s) => s.obj),
      ),
    ]);
    registry = new Registry({ store, clock, admission, behaviours: builtinBehaviours(store, [...BUILTIN_STRATEGIES, CRD_STRATEGY]) });
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
    const pdbStore = () => registry!.preferred('policy', 'poddisruptionbudgets')!;
    const evictionCheck = pdbEvictionCheck({
      list: async (ns) => (await pdbStore().list(ns, {})).items.map((s) => s.obj),
      updateStatus: async (pdb) => {
        const { namespace, name, resourceVersion } = pdb.metadata!;
        await pdbStore().update(systemContext('system:apiserver:eviction'), namespace!, name!, (cur) => {
          if (!cur || cur.metadata?.resourceVersion !== resourceVersion) throw apiErrors.modified({ group: 'policy', resource: 'poddisruptionbudgets' }, name!);
          return { ...cur, status: pdb.status };
        }, { subresource: 'status' });
      },
      now: () => clock.now(),
    });
    api = new ApiServer({
      subresources: { evictionCheck },
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
    const crdClient = new InProcessClient(registry, { name: 'system:apiserver', groups: ['system:masters', 'system:authenticated'] }, clock);
    const crds = new CrdManager({
      registry,
      client: crdClient,
      clock,
      onChange: () => api!.refreshDiscovery(),
      builtinNames: (group, plural) => BUILTIN_RESOURCES.some((r) => r.group === group && r.resource === plural),
    });
    const crdsReady = new Promise<void>((resolve) => {
      crdRun = crds.run(abort.signal, resolve).catch((e: unknown) => log.error('CRD manager failed', { error: e }));
      void crdRun.then(resolve);
    });
    await crdsReady;
    const url = wildcard ? `https://127.0.0.1:${port}` : listened;
    const kubeconfigPath = join(dataDir, 'kubeconfig.yaml');
    const tmp = `${kubeconfigPath}.tmp`;
    writeFileSync(tmp, kubeconfigYaml({ server: url, caPem: pki.ca.certPem, client: pki.admin }), { mode: 0o600 });
    renameSync(tmp, kubeconfigPath);
    const components: Promise<void>[] = [];
    const controllerNames = opts.controllers ?? Object.keys(CONTROLLERS);
    if (controllerNames.length) {
      const cmClient = new InProcessClient(registry, { name: 'system:kube-controller-manager', groups: ['system:authenticated'] }, clock, evictionCheck);
      const manager = new ControllerManager({
        client: cmClient,
        controllers: CONTROLLERS,
        enabled: controllerNames,
        discovery: async () =>
          registry!
            .descriptors()
            .filter((d) => d.version === d.info.versions[0] && !d.info.storedAs)
            .map((d) => ({ group: d.group, version: d.version, resource: d.resource, kind: d.kind, namespaced: d.namespaced, verbs: d.info.verbs })),
        rootCaPem: pki.ca.certPem,
        dataDir,
        clock,
        host: hostname(),
        leaderElection: opts.leaderElection === false ? undefined : { identity: `${hostname()}_${randomUUID()}` },
      });
      components.push(manager.run(abort.signal).catch((e: unknown) => log.error('controller-manager failed', { error: e })));
    }
    if (opts.scheduler !== false) {
      const schedClient = new InProcessClient(registry, { name: 'system:kube-scheduler', groups: ['system:authenticated'] }, clock, evictionCheck);
      const scheduler = new Scheduler({
        client: schedClient,
        clock,
        host: hostname(),
        leaderElection: opts.leaderElection === false ? undefined : { identity: `${hostname()}_${randomUUID()}` },
      });
      components.push(scheduler.run(abort.signal).catch((e: unknown) => log.error('scheduler failed', { error: e })));
    }
    const nodeNames: string[] = [];
    if (opts.localNode === 'simulated') nodeNames.push(opts.nodeName ?? hostname().toLowerCase());
    for (let i = 0; i < (opts.simulatedNodes ?? 0); i++) nodeNames.push(`k8ts-sim-${i}`);
    if (nodeNames.length) {
      const nodesClient = new InProcessClient(registry, { name: 'system:node:simulated', groups: ['system:nodes', 'system:authenticated'] }, clock);
      const sim = new SimulatedNodes({ client: nodesClient, names: nodeNames, clock });
      components.push(sim.run(abort.signal).catch((e: unknown) => log.error('simulated nodes failed', { error: e })));
    }
    ready = true;

    let stopping: Promise<void> | undefined;
    const stop = () =>
      (stopping ??= (async () => {
        ready = false;
        abort.abort();
        await Promise.all(components);
        await crdRun;
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
