import { randomUUID } from 'node:crypto';
import { release } from 'node:os';
import { isAlreadyExists, isConflict, isNotFound } from '../../apimachinery/status.js';
import type { KubeObject } from '../../apimachinery/types.js';
import { gvr, type ApiClient } from '../../client/api-client.js';
import { isTombstone } from '../../client/indexer.js';
import { SharedInformer } from '../../client/informer.js';
import { microTime, rfc3339 } from '../../client/time-format.js';
import { realClock, type Clock } from '../../util/clock.js';
import { logger } from '../../util/log.js';
import { KUBERNETES_VERSION } from '../../version.js';
import { finishedStatus, runningStatus, scriptedExit, type NodeInfo } from './pod-status.js';

const log = logger('simulated-nodes');
const NODES = gvr('v1', 'nodes');
const PODS = gvr('v1', 'pods');
const LEASES = gvr('coordination.k8s.io/v1', 'leases');
const LEASE_SECONDS = 40;
const RENEW_MS = 10_000;
const STATUS_MS = 60_000;

export interface SimulatedNodesOptions {
  client: ApiClient;
  /** Node names (e.g. k8ts-sim-0...). */
  names: readonly string[];
  /** Index of the first node, for podCIDR and address allocation (10.244.<i>.0/24, 172.30.<i/250>.<i%250+2>). */
  firstIndex?: number;
  clock?: Clock;
  capacity?: Record<string, string>;
  /** Extra labels on every node. */
  labels?: Record<string, string>;
}

interface SimNode extends NodeInfo {
  index: number;
  podCIDR: string;
  nextIP: number;
}

/**
 * kwok-style nodes: Node objects with capacity, addresses and node info, Ready conditions
 * kept fresh, a Lease per node renewed every 10 s (as kubelets do), and pods bound to them
 * driven through their lifecycle without processes: Running and Ready at once (with a pod IP
 * from the node's podCIDR), Succeeded/Failed when scripted by annotations
 * (k8ts.io/simulated-exit-code, k8ts.io/simulated-run-seconds; restartPolicy Never or
 * OnFailure), and removed (a zero-grace delete, as the kubelet confirms) once deleted.
 */
export class SimulatedNodes {
  private readonly clock: Clock;
  private readonly nodes = new Map<string, SimNode>();
  private readonly timers = new Set<() => void>();

  constructor(private readonly opts: SimulatedNodesOptions) {
    this.clock = opts.clock ?? realClock;
    const first = opts.firstIndex ?? 0;
    opts.names.forEach((name, i) => {
      const index = first + i;
      this.nodes.set(name, { name, index, internalIP: `172.30.${Math.floor(index / 250)}.${(index % 250) + 2}`, podCIDR: `10.244.${index % 256}.0/24`, nextIP: 2 });
    });
  }

  async run(signal: AbortSignal): Promise<void> {
    for (const n of this.nodes.values()) await this.register(n);
    const pods = new SharedInformer({ client: this.opts.client, gvr: PODS, clock: this.clock });
    pods.addEventHandler({
      onAdd: (p) => void this.handle(p),
      onUpdate: (_a, p) => void this.handle(p),
      onDelete: (o) => {
        const p = isTombstone(o) ? o.obj : o;
        if (p?.metadata?.uid) this.started.delete(p.metadata.uid);
      },
    });
    const informing = pods.run(signal);
    const loops = [this.loop(signal, RENEW_MS, () => this.renewLeases()), this.loop(signal, STATUS_MS, () => this.heartbeat())];
    await Promise.all([informing, ...loops]);
    for (const cancel of this.timers) cancel();
  }

  private async loop(signal: AbortSignal, every: number, fn: () => Promise<void>): Promise<void> {
    while (!signal.aborted) {
      try {
        await this.clock.sleep(every, signal);
      } catch {
        return;
      }
      try {
        await fn();
      } catch (e: unknown) {
        if (!signal.aborted) log.warn('simulated node update failed', { error: e });
      }
    }
  }

  private nodeObject(n: SimNode): KubeObject {
    return {
      apiVersion: 'v1',
      kind: 'Node',
      metadata: {
        name: n.name,
        labels: {
          'beta.kubernetes.io/arch': 'amd64',
          'beta.kubernetes.io/os': 'linux',
          'kubernetes.io/arch': 'amd64',
          'kubernetes.io/hostname': n.name,
          'kubernetes.io/os': 'linux',
          'k8ts.io/simulated': 'true',
          ...(this.opts.labels ?? {}),
        },
        annotations: { 'node.alpha.kubernetes.io/ttl': '0' },
      },
      spec: { podCIDR: n.podCIDR, podCIDRs: [n.podCIDR] },
    };
  }

  private nodeStatus(n: SimNode, prev?: Record<string, unknown>): Record<string, unknown> {
    const now = rfc3339(this.clock.now());
    const capacity = this.opts.capacity ?? { cpu: '32', memory: '256Gi', pods: '110', 'ephemeral-storage': '100Gi' };
    const prevConds = ((prev?.conditions as { type: string; status: string; lastTransitionTime?: string }[] | undefined) ?? []);
    const cond = (type: string, status: string, reason: string, message: string) => {
      const p = prevConds.find((c) => c.type === type);
      return { type, status, lastHeartbeatTime: now, lastTransitionTime: p && p.status === status ? p.lastTransitionTime : now, reason, message };
    };
    return {
      capacity,
      allocatable: capacity,
      conditions: [
        cond('MemoryPressure', 'False', 'KubeletHasSufficientMemory', 'kubelet has sufficient memory available'),
        cond('DiskPressure', 'False', 'KubeletHasNoDiskPressure', 'kubelet has no disk pressure'),
        cond('PIDPressure', 'False', 'KubeletHasSufficientPID', 'kubelet has sufficient PID available'),
        cond('Ready', 'True', 'KubeletReady', 'kubelet is posting ready status'),
      ],
      addresses: [
        { type: 'InternalIP', address: n.internalIP },
        { type: 'Hostname', address: n.name },
      ],
      daemonEndpoints: { kubeletEndpoint: { Port: 10250 } },
      nodeInfo: {
        machineID: (prev?.nodeInfo as Record<string, string> | undefined)?.machineID ?? randomUUID().replace(/-/g, ''),
        systemUUID: (prev?.nodeInfo as Record<string, string> | undefined)?.systemUUID ?? randomUUID(),
        bootID: (prev?.nodeInfo as Record<string, string> | undefined)?.bootID ?? randomUUID(),
        kernelVersion: release(),
        osImage: 'k8ts simulated node',
        containerRuntimeVersion: 'k8ts-simulated://1.0.0',
        kubeletVersion: KUBERNETES_VERSION.gitVersion.replace(/\+.*$/, ''),
        kubeProxyVersion: KUBERNETES_VERSION.gitVersion.replace(/\+.*$/, ''),
        operatingSystem: 'linux',
        architecture: 'amd64',
      },
    };
  }

  private async register(n: SimNode): Promise<void> {
    let node: KubeObject;
    try {
      node = await this.opts.client.create(NODES, '', this.nodeObject(n));
    } catch (e: unknown) {
      if (!isAlreadyExists(e)) throw e;
      node = await this.opts.client.get(NODES, '', n.name);
    }
    const podCIDR = (node.spec as { podCIDR?: string } | undefined)?.podCIDR;
    if (podCIDR) n.podCIDR = podCIDR;
    await this.writeStatus(n, node);
    await this.renewLease(n);
  }

  private async writeStatus(n: SimNode, node?: KubeObject): Promise<void> {
    for (let attempt = 0; attempt < 5; attempt++) {
      const cur = node ?? (await this.opts.client.get(NODES, '', n.name));
      node = undefined;
      try {
        await this.opts.client.update(NODES, '', { ...cur, status: this.nodeStatus(n, cur.status as Record<string, unknown>) }, { subresource: 'status' });
        return;
      } catch (e: unknown) {
        if (!isConflict(e)) throw e;
      }
    }
  }

  private async heartbeat(): Promise<void> {
    for (const n of this.nodes.values()) await this.writeStatus(n);
  }

  private async renewLeases(): Promise<void> {
    for (const n of this.nodes.values()) await this.renewLease(n);
  }

  private async renewLease(n: SimNode): Promise<void> {
    const now = microTime(this.clock.now());
    try {
      const cur = await this.opts.client.get(LEASES, 'kube-node-lease', n.name);
      await this.opts.client.update(LEASES, 'kube-node-lease', { ...cur, spec: { ...((cur.spec as object) ?? {}), holderIdentity: n.name, leaseDurationSeconds: LEASE_SECONDS, renewTime: now } });
    } catch (e: unknown) {
      if (!isNotFound(e)) throw e;
      const node = await this.opts.client.get(NODES, '', n.name);
      await this.opts.client.create(LEASES, 'kube-node-lease', {
        apiVersion: 'coordination.k8s.io/v1',
        kind: 'Lease',
        metadata: { name: n.name, ownerReferences: [{ apiVersion: 'v1', kind: 'Node', name: n.name, uid: node.metadata!.uid! }] },
        spec: { holderIdentity: n.name, leaseDurationSeconds: LEASE_SECONDS, renewTime: now },
      });
    }
  }

  private readonly started = new Set<string>();

  private async handle(pod: KubeObject): Promise<void> {
    const nodeName = (pod.spec as { nodeName?: string } | undefined)?.nodeName;
    const n = nodeName ? this.nodes.get(nodeName) : undefined;
    if (!n) return;
    const uid = pod.metadata!.uid!;
    const ns = pod.metadata!.namespace!;
    const name = pod.metadata!.name!;
    try {
      if (pod.metadata?.deletionTimestamp) {
        // As the kubelet: containers are stopped, then the deletion is confirmed with grace 0.
        await this.opts.client.delete(PODS, ns, name, { gracePeriodSeconds: 0, preconditions: { uid } });
        this.started.delete(uid);
        return;
      }
      const phase = (pod.status as { phase?: string } | undefined)?.phase;
      if (phase === 'Succeeded' || phase === 'Failed' || this.started.has(uid)) return;
      if (phase === 'Running') {
        this.started.add(uid);
        this.scheduleExit(pod);
        return;
      }
      this.started.add(uid);
      const ip = `${n.podCIDR.split('.').slice(0, 3).join('.')}.${n.nextIP}`;
      n.nextIP = n.nextIP >= 254 ? 2 : n.nextIP + 1;
      const now = rfc3339(this.clock.now());
      const updated = await this.opts.client.update(PODS, ns, { ...pod, status: runningStatus(pod, n, ip, now) }, { subresource: 'status' });
      this.scheduleExit(updated);
    } catch (e: unknown) {
      if (isNotFound(e)) return;
      this.started.delete(uid);
      if (!isConflict(e)) log.warn('simulated pod update failed', { pod: `${ns}/${name}`, error: e });
    }
  }

  private scheduleExit(pod: KubeObject): void {
    const exit = scriptedExit(pod);
    if (!exit) return;
    const cancel = this.clock.setTimer(() => {
      this.timers.delete(cancel);
      void (async () => {
        try {
          const cur = await this.opts.client.get(PODS, pod.metadata!.namespace!, pod.metadata!.name!);
          if (cur.metadata?.uid !== pod.metadata?.uid || cur.metadata?.deletionTimestamp) return;
          await this.opts.client.update(PODS, cur.metadata!.namespace!, { ...cur, status: finishedStatus(cur, exit.exitCode, rfc3339(this.clock.now())) }, { subresource: 'status' });
        } catch (e: unknown) {
          if (!isNotFound(e)) log.warn('simulated pod exit failed', { error: e });
        }
      })();
    }, exit.afterMs);
    this.timers.add(cancel);
  }
}
