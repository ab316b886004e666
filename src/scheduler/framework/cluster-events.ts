/**
 * Cluster events: what changed in the cluster, as the scheduling queue uses them to decide
 * which unschedulable pods deserve another attempt (upstream's ClusterEvent, ActionType and
 * queueing hints).
 */
import type { KubeObject } from '../../apimachinery/types.js';
import type { Node, Pod } from './api.js';
import { podRequests } from './resources.js';

/** Bit flags; a registration matches an incoming event when they share a bit. */
export const ActionType = {
  Add: 1 << 0,
  Delete: 1 << 1,
  UpdateNodeAllocatable: 1 << 2,
  UpdateNodeLabel: 1 << 3,
  UpdateNodeTaint: 1 << 4,
  UpdateNodeCondition: 1 << 5,
  UpdateNodeAnnotation: 1 << 6,
  UpdatePodLabel: 1 << 7,
  UpdatePodScaleDown: 1 << 8,
  UpdatePodToleration: 1 << 9,
  UpdatePodSchedulingGatesEliminated: 1 << 10,
  /** Any other update; only registrations for the whole Update see it. */
  UpdateOther: 1 << 11,
  Update: (1 << 2) | (1 << 3) | (1 << 4) | (1 << 5) | (1 << 6) | (1 << 7) | (1 << 8) | (1 << 9) | (1 << 10) | (1 << 11),
  All: (1 << 12) - 1,
} as const;

export const EventResource = {
  /** Any pod: matches AssignedPod and UnscheduledPod registrations' events. */
  Pod: 'Pod',
  AssignedPod: 'AssignedPod',
  UnscheduledPod: 'UnscheduledPod',
  Node: 'Node',
  PersistentVolume: 'PersistentVolume',
  PersistentVolumeClaim: 'PersistentVolumeClaim',
  StorageClass: 'storage.k8s.io/StorageClass',
  CSINode: 'storage.k8s.io/CSINode',
  WildCard: '*',
} as const;
export type EventResource = (typeof EventResource)[keyof typeof EventResource];

export interface ClusterEvent {
  resource: EventResource;
  actionType: number;
  /** A name for logs, e.g. "NodeAdd" or "UnschedulableTimeout". */
  label?: string;
}

export const QueueingHint = { Queue: 'Queue', QueueSkip: 'QueueSkip' } as const;
export type QueueingHint = (typeof QueueingHint)[keyof typeof QueueingHint];

/** Whether an event might make `pod` schedulable for the plugin that registered it. Throwing means Queue. */
export type QueueingHintFn = (pod: Pod, oldObj: KubeObject | undefined, newObj: KubeObject | undefined) => QueueingHint;

export interface ClusterEventWithHint {
  event: ClusterEvent;
  /** Absent: always Queue. */
  hint?: QueueingHintFn;
}

/** Events that move every unschedulable pod regardless of plugins. */
export const UnschedulableTimeout: ClusterEvent = { resource: EventResource.WildCard, actionType: ActionType.All, label: 'UnschedulableTimeout' };
export const ForceActivate: ClusterEvent = { resource: EventResource.WildCard, actionType: ActionType.All, label: 'ForceActivate' };

export const isWildCard = (e: ClusterEvent): boolean => e.resource === EventResource.WildCard && e.actionType === ActionType.All;

/** Whether a registration `registered` covers the `incoming` event. */
export function eventMatches(registered: ClusterEvent, incoming: ClusterEvent): boolean {
  if (isWildCard(registered)) return true;
  const resourceOk =
    registered.resource === EventResource.WildCard ||
    registered.resource === incoming.resource ||
    (registered.resource === EventResource.Pod && (incoming.resource === EventResource.AssignedPod || incoming.resource === EventResource.UnscheduledPod));
  // As upstream, a generic incoming update (many bits) matches only registrations that
  // cover at least as much; a specific one matches any registration sharing its bit.
  return resourceOk && (registered.actionType & incoming.actionType) !== 0 && incoming.actionType <= registered.actionType;
}

const same = (a: unknown, b: unknown): boolean => JSON.stringify(a ?? null) === JSON.stringify(b ?? null);

const sortedTaints = (n: Node) => [...(n.spec?.taints ?? [])].map((t) => `${t.key}=${t.value ?? ''}:${t.effect}`).sort();
const conditionStatuses = (n: Node) =>
  [...(n.status?.conditions ?? [])].map((c) => `${c.type}=${c.status}`).sort();

/** The scheduling-relevant changes of a node update, one event each (none when nothing relevant changed). */
export function nodeSchedulingPropertiesChange(newNode: Node, oldNode: Node): ClusterEvent[] {
  const out: ClusterEvent[] = [];
  const ev = (actionType: number, label: string) => out.push({ resource: EventResource.Node, actionType, label });
  // A node turning schedulable is reported as a taint change, as upstream (the spec field mirrors a taint).
  if (!!newNode.spec?.unschedulable !== !!oldNode.spec?.unschedulable && !newNode.spec?.unschedulable) ev(ActionType.UpdateNodeTaint, 'NodeSpecUnschedulableChange');
  if (!same(newNode.status?.allocatable, oldNode.status?.allocatable)) ev(ActionType.UpdateNodeAllocatable, 'NodeAllocatableChange');
  if (!same(newNode.metadata?.labels, oldNode.metadata?.labels)) ev(ActionType.UpdateNodeLabel, 'NodeLabelChange');
  if (!same(sortedTaints(newNode), sortedTaints(oldNode))) ev(ActionType.UpdateNodeTaint, 'NodeTaintChange');
  if (!same(conditionStatuses(newNode), conditionStatuses(oldNode))) ev(ActionType.UpdateNodeCondition, 'NodeConditionChange');
  if (!same(newNode.metadata?.annotations, oldNode.metadata?.annotations)) ev(ActionType.UpdateNodeAnnotation, 'NodeAnnotationChange');
  return out;
}

function scaledDown(newPod: Pod, oldPod: Pod): boolean {
  const n = podRequests(newPod);
  const o = podRequests(oldPod);
  for (const [k, v] of o) if ((n.get(k) ?? 0) < v) return true;
  return false;
}

/** The scheduling-relevant changes of a pod update (a generic UpdateOther when none is specific). */
export function podSchedulingPropertiesChange(newPod: Pod, oldPod: Pod): ClusterEvent[] {
  const resource = newPod.spec?.nodeName ? EventResource.AssignedPod : EventResource.UnscheduledPod;
  const out: ClusterEvent[] = [];
  const ev = (actionType: number, label: string) => out.push({ resource, actionType, label });
  if (!same(newPod.metadata?.labels, oldPod.metadata?.labels)) ev(ActionType.UpdatePodLabel, 'PodLabelChange');
  if (scaledDown(newPod, oldPod)) ev(ActionType.UpdatePodScaleDown, 'PodRequestScaledDown');
  if ((oldPod.spec?.schedulingGates ?? []).length > 0 && (newPod.spec?.schedulingGates ?? []).length === 0) {
    ev(ActionType.UpdatePodSchedulingGatesEliminated, 'PodSchedulingGateEliminatedChange');
  }
  if (!same(newPod.spec?.tolerations, oldPod.spec?.tolerations)) ev(ActionType.UpdatePodToleration, 'PodTolerationChange');
  if (out.length === 0) ev(ActionType.UpdateOther, 'PodUpdate');
  return out;
}
