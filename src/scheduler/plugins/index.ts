/**
 * The in-tree plugins and the default profile, as kube-scheduler 1.32's defaults (plugins
 * not implemented here — VolumeRestrictions, NodeVolumeLimits, VolumeZone, ImageLocality,
 * DynamicResources — are left out).
 */
import type { PluginConfig, PluginFactory } from '../framework/index.js';
import { newDefaultBinder } from './default-binder/default-binder.js';
import { newDefaultPreemption } from './default-preemption/default-preemption.js';
import { newInterPodAffinity } from './inter-pod-affinity/inter-pod-affinity.js';
import { Names } from './names.js';
import { newNodeAffinity } from './node-affinity/node-affinity.js';
import { newNodeName } from './node-name/node-name.js';
import { newNodePorts } from './node-ports/node-ports.js';
import { newNodeResourcesBalancedAllocation, newNodeResourcesFit } from './node-resources/index.js';
import { newNodeUnschedulable } from './node-unschedulable/node-unschedulable.js';
import { newPodTopologySpread } from './pod-topology-spread/pod-topology-spread.js';
import { newPrioritySort } from './priority-sort/priority-sort.js';
import { newSchedulingGates } from './scheduling-gates/scheduling-gates.js';
import { newTaintToleration } from './taint-toleration/taint-toleration.js';
import { newVolumeBinding } from './volume-binding/volume-binding.js';

export { Names } from './names.js';
export * from './default-binder/default-binder.js';
export * from './default-preemption/default-preemption.js';
export * from './inter-pod-affinity/inter-pod-affinity.js';
export * from './node-affinity/node-affinity.js';
export * from './node-name/node-name.js';
export * from './node-ports/node-ports.js';
export * from './node-resources/index.js';
export * from './node-unschedulable/node-unschedulable.js';
export * from './pod-topology-spread/pod-topology-spread.js';
export * from './priority-sort/priority-sort.js';
export * from './scheduling-gates/scheduling-gates.js';
export * from './taint-toleration/taint-toleration.js';
export * from './volume-binding/volume-binding.js';
export { defaultNormalizeScore } from './helper.js';

/** Every in-tree plugin by name. */
export const IN_TREE_PLUGINS: Record<string, PluginFactory> = {
  [Names.PrioritySort]: newPrioritySort,
  [Names.SchedulingGates]: newSchedulingGates,
  [Names.NodeUnschedulable]: newNodeUnschedulable,
  [Names.NodeName]: newNodeName,
  [Names.TaintToleration]: newTaintToleration,
  [Names.NodeAffinity]: newNodeAffinity,
  [Names.NodePorts]: newNodePorts,
  [Names.NodeResourcesFit]: () => newNodeResourcesFit(),
  [Names.VolumeBinding]: (h) => newVolumeBinding(h),
  [Names.PodTopologySpread]: (h) => newPodTopologySpread(h),
  [Names.InterPodAffinity]: (h) => newInterPodAffinity(h),
  [Names.DefaultPreemption]: (h) => newDefaultPreemption(h),
  [Names.NodeResourcesBalancedAllocation]: newNodeResourcesBalancedAllocation,
  [Names.DefaultBinder]: newDefaultBinder,
};

/** The default profile's plugins in upstream's order (which is also the Filter order), with score weights. */
export const DEFAULT_PLUGINS: readonly PluginConfig[] = [
  { name: Names.SchedulingGates },
  { name: Names.PrioritySort },
  { name: Names.NodeUnschedulable },
  { name: Names.NodeName },
  { name: Names.TaintToleration, weight: 3 },
  { name: Names.NodeAffinity, weight: 2 },
  { name: Names.NodePorts },
  { name: Names.NodeResourcesFit, weight: 1 },
  { name: Names.VolumeBinding },
  { name: Names.PodTopologySpread, weight: 2 },
  { name: Names.InterPodAffinity, weight: 2 },
  { name: Names.DefaultPreemption },
  { name: Names.NodeResourcesBalancedAllocation, weight: 1 },
  { name: Names.DefaultBinder },
];
