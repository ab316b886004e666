/**
 * Builders and a ready-made framework for the scheduler's unit tests (as upstream's
 * scheduler testing package). Not exported from index.ts.
 */
import { gvr } from '../client/api-client.js';
import { FakeApiClient } from '../client/fake-api-client.js';
import { SharedInformerFactory } from '../client/informer-factory.js';
import type { KubeObject } from '../apimachinery/types.js';
import { FakeClock } from '../util/clock.js';
import {
  CycleState,
  Framework,
  NodeInfo,
  Snapshot,
  type Container,
  type Node,
  type NodeScore,
  type PluginConfig,
  type PluginFactory,
  type Pod,
  type PodSpec,
  type SchedulerEventRecorder,
  type Status,
  type Taint,
} from './framework/index.js';
import { IN_TREE_PLUGINS } from './plugins/index.js';

export interface PodOptions {
  namespace?: string;
  uid?: string;
  labels?: Record<string, string>;
  /** Requests of one container, e.g. { cpu: '500m', memory: '1Gi' }. */
  requests?: Record<string, string>;
  containers?: Container[];
  priority?: number;
  nodeName?: string;
  startTime?: string;
  deleting?: boolean;
  spec?: Partial<PodSpec>;
  ownerReferences?: { apiVersion: string; kind: string; name: string; uid: string; controller?: boolean }[];
}

export function makePod(name: string, o: PodOptions = {}): Pod {
  const containers = o.containers ?? [{ name: 'c', image: 'img', resources: o.requests ? { requests: o.requests } : {} }];
  const pod: Pod = {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: o.namespace ?? 'default', uid: o.uid ?? `uid-${name}`, labels: o.labels, resourceVersion: '1' },
    spec: { containers, ...(o.priority !== undefined ? { priority: o.priority } : {}), ...(o.nodeName ? { nodeName: o.nodeName } : {}), ...o.spec },
    status: { phase: 'Pending', ...(o.startTime ? { startTime: o.startTime } : {}) },
  };
  if (o.deleting) pod.metadata.deletionTimestamp = '2026-01-01T00:00:00Z';
  if (o.ownerReferences) pod.metadata.ownerReferences = o.ownerReferences;
  return pod;
}

export interface NodeOptions {
  labels?: Record<string, string>;
  /** Allocatable (and capacity); default cpu 4, memory 8Gi, pods 110. */
  allocatable?: Record<string, string>;
  taints?: Taint[];
  unschedulable?: boolean;
}

export function makeNode(name: string, o: NodeOptions = {}): Node {
  const alloc = o.allocatable ?? { cpu: '4', memory: '8Gi', pods: '110' };
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: { name, uid: `uid-${name}`, labels: { 'kubernetes.io/hostname': name, ...o.labels }, resourceVersion: '1' },
    spec: { taints: o.taints, unschedulable: o.unschedulable },
    status: { capacity: alloc, allocatable: alloc },
  };
}

/** A NodeInfo of `node` with `pods` placed on it (their spec.nodeName set). */
export function nodeInfoOf(node: Node, ...pods: Pod[]): NodeInfo {
  return new NodeInfo(node, ...pods.map((p) => ({ ...p, spec: { ...p.spec, nodeName: node.metadata.name } })));
}

/** An event recorder that keeps what it was given. */
export class RecordingRecorder implements SchedulerEventRecorder {
  readonly events: { regarding: Pod; related?: Pod; type: string; reason: string; action: string; note: string }[] = [];
  eventf(regarding: Pod, related: Pod | undefined, type: 'Normal' | 'Warning', reason: string, action: string, note: string): void {
    this.events.push({ regarding, related, type, reason, action, note });
  }
}

export interface TestFrameworkOptions {
  plugins: PluginConfig[];
  registry?: Record<string, PluginFactory>;
  nodeInfos?: NodeInfo[];
  /** Objects preloaded into the informers' caches (by apiVersion/kind -> resource). */
  objects?: KubeObject[];
  random?: () => number;
}

const RESOURCE_OF: Record<string, [string, string]> = {
  Namespace: ['v1', 'namespaces'],
  Service: ['v1', 'services'],
  ReplicationController: ['v1', 'replicationcontrollers'],
  ReplicaSet: ['apps/v1', 'replicasets'],
  StatefulSet: ['apps/v1', 'statefulsets'],
  PersistentVolumeClaim: ['v1', 'persistentvolumeclaims'],
  PersistentVolume: ['v1', 'persistentvolumes'],
  StorageClass: ['storage.k8s.io/v1', 'storageclasses'],
  PodDisruptionBudget: ['policy/v1', 'poddisruptionbudgets'],
  Node: ['v1', 'nodes'],
};

export function newTestFramework(o: TestFrameworkOptions) {
  const clock = new FakeClock();
  const client = new FakeApiClient({ clock });
  const informers = new SharedInformerFactory({ client, clock });
  const recorder = new RecordingRecorder();
  const fwk = new Framework({
    profileName: 'default-scheduler',
    registry: o.registry ?? IN_TREE_PLUGINS,
    plugins: o.plugins,
    client,
    informers,
    clock,
    recorder,
    random: o.random ?? (() => 0),
  });
  const snapshot = Snapshot.of(o.nodeInfos ?? []);
  fwk.setSnapshot(snapshot);
  for (const obj of o.objects ?? []) {
    if (obj.kind === 'Pod') {
      informers.informerFor(gvr('v1', 'pods'), { fieldSelector: 'status.phase!=Succeeded,status.phase!=Failed' }).indexer.add(obj);
      continue;
    }
    const [v, r] = RESOURCE_OF[obj.kind ?? ''] ?? [];
    if (!v) throw new Error(`testing: no resource for kind ${obj.kind}`);
    informers.informerFor(gvr(v, r!)).indexer.add(obj);
  }
  return { fwk, snapshot, clock, client, informers, recorder };
}

/** PreFilter then Filter on every node: the status per node name (undefined = fits), or the PreFilter rejection. */
export function filterAll(fwk: Framework, pod: Pod, nodeInfos: NodeInfo[]): { preFilter?: Status; byNode: Map<string, Status | undefined>; state: CycleState } {
  const state = new CycleState();
  const pre = fwk.runPreFilterPlugins(state, pod, nodeInfos);
  const byNode = new Map<string, Status | undefined>();
  if (pre.status) return { preFilter: pre.status, byNode, state };
  for (const ni of nodeInfos) byNode.set(ni.name, fwk.runFilterPlugins(state, pod, ni) ?? undefined);
  return { byNode, state };
}

/** PreScore + Score (normalized, unweighted when the profile weight is 1) of a single plugin profile. */
export function scoreAll(fwk: Framework, pod: Pod, nodeInfos: NodeInfo[]): NodeScore[] {
  const state = new CycleState();
  fwk.runPreFilterPlugins(state, pod, nodeInfos);
  const pre = fwk.runPreScorePlugins(state, pod, nodeInfos);
  if (pre) throw new Error(`PreScore failed: ${pre.message()}`);
  const r = fwk.runScorePlugins(state, pod, nodeInfos);
  if (!Array.isArray(r)) throw new Error(`Score failed: ${r.message()}`);
  return r.map((s) => ({ name: s.name, score: s.totalScore }));
}
