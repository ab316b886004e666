/**
 * Which printer shows which kind, as kube-apiserver 1.32 wires its registries: kinds with a
 * built-in printer get its columns; the rest (Role, ClusterRole, LimitRange,
 * CustomResourceDefinition, ...) get the default NAME / CREATED AT table.
 */

import type { KubeObject } from '../../apimachinery/types.js';
import { controllerRevisionPrinter, daemonSetPrinter, deploymentPrinter, replicaSetPrinter, statefulSetPrinter } from './apps.js';
import { hpaFromV1, horizontalPodAutoscalerPrinter } from './autoscaling.js';
import { cronJobPrinter, jobPrinter } from './batch.js';
import {
  certificateSigningRequestPrinter,
  clusterRoleBindingPrinter,
  leasePrinter,
  podDisruptionBudgetPrinter,
  priorityClassPrinter,
  roleBindingPrinter,
  runtimeClassPrinter,
} from './cluster.js';
import {
  apiServicePrinter,
  flowSchemaPrinter,
  mutatingWebhookConfigurationPrinter,
  priorityLevelConfigurationPrinter,
  validatingAdmissionPolicyBindingPrinter,
  validatingAdmissionPolicyPrinter,
  validatingWebhookConfigurationPrinter,
} from './control-plane.js';
import {
  componentStatusPrinter,
  configMapPrinter,
  coreEventFromEventsV1,
  endpointsPrinter,
  eventPrinter,
  namespacePrinter,
  nodePrinter,
  persistentVolumeClaimPrinter,
  persistentVolumePrinter,
  podPrinter,
  podTemplatePrinter,
  replicationControllerPrinter,
  resourceQuotaPrinter,
  secretPrinter,
  serviceAccountPrinter,
  servicePrinter,
} from './core.js';
import { endpointSlicePrinter, ingressClassPrinter, ingressPrinter, networkPolicyPrinter } from './networking.js';
import { csiDriverPrinter, csiNodePrinter, csiStorageCapacityPrinter, storageClassPrinter, volumeAttachmentPrinter } from './storage.js';
import type { Printer } from './types.js';

const key = (group: string, kind: string) => `${group}/${kind}`;

const PRINTERS: ReadonlyMap<string, Printer> = new Map<string, Printer>([
  [key('', 'Pod'), podPrinter],
  [key('', 'PodTemplate'), podTemplatePrinter],
  [key('', 'ReplicationController'), replicationControllerPrinter],
  [key('', 'Service'), servicePrinter],
  [key('', 'Endpoints'), endpointsPrinter],
  [key('', 'Node'), nodePrinter],
  [key('', 'Event'), eventPrinter],
  [key('events.k8s.io', 'Event'), eventPrinter],
  [key('', 'Namespace'), namespacePrinter],
  [key('', 'Secret'), secretPrinter],
  [key('', 'ServiceAccount'), serviceAccountPrinter],
  [key('', 'PersistentVolume'), persistentVolumePrinter],
  [key('', 'PersistentVolumeClaim'), persistentVolumeClaimPrinter],
  [key('', 'ComponentStatus'), componentStatusPrinter],
  [key('', 'ConfigMap'), configMapPrinter],
  [key('', 'ResourceQuota'), resourceQuotaPrinter],
  [key('apps', 'Deployment'), deploymentPrinter],
  [key('apps', 'ReplicaSet'), replicaSetPrinter],
  [key('apps', 'StatefulSet'), statefulSetPrinter],
  [key('apps', 'DaemonSet'), daemonSetPrinter],
  [key('apps', 'ControllerRevision'), controllerRevisionPrinter],
  [key('batch', 'Job'), jobPrinter],
  [key('batch', 'CronJob'), cronJobPrinter],
  [key('autoscaling', 'HorizontalPodAutoscaler'), horizontalPodAutoscalerPrinter],
  [key('policy', 'PodDisruptionBudget'), podDisruptionBudgetPrinter],
  [key('networking.k8s.io', 'Ingress'), ingressPrinter],
  [key('networking.k8s.io', 'IngressClass'), ingressClassPrinter],
  [key('networking.k8s.io', 'NetworkPolicy'), networkPolicyPrinter],
  [key('discovery.k8s.io', 'EndpointSlice'), endpointSlicePrinter],
  [key('rbac.authorization.k8s.io', 'RoleBinding'), roleBindingPrinter],
  [key('rbac.authorization.k8s.io', 'ClusterRoleBinding'), clusterRoleBindingPrinter],
  [key('certificates.k8s.io', 'CertificateSigningRequest'), certificateSigningRequestPrinter],
  [key('coordination.k8s.io', 'Lease'), leasePrinter],
  [key('scheduling.k8s.io', 'PriorityClass'), priorityClassPrinter],
  [key('node.k8s.io', 'RuntimeClass'), runtimeClassPrinter],
  [key('storage.k8s.io', 'StorageClass'), storageClassPrinter],
  [key('storage.k8s.io', 'CSIDriver'), csiDriverPrinter],
  [key('storage.k8s.io', 'CSINode'), csiNodePrinter],
  [key('storage.k8s.io', 'CSIStorageCapacity'), csiStorageCapacityPrinter],
  [key('storage.k8s.io', 'VolumeAttachment'), volumeAttachmentPrinter],
  [key('admissionregistration.k8s.io', 'MutatingWebhookConfiguration'), mutatingWebhookConfigurationPrinter],
  [key('admissionregistration.k8s.io', 'ValidatingWebhookConfiguration'), validatingWebhookConfigurationPrinter],
  [key('admissionregistration.k8s.io', 'ValidatingAdmissionPolicy'), validatingAdmissionPolicyPrinter],
  [key('admissionregistration.k8s.io', 'ValidatingAdmissionPolicyBinding'), validatingAdmissionPolicyBindingPrinter],
  [key('flowcontrol.apiserver.k8s.io', 'FlowSchema'), flowSchemaPrinter],
  [key('flowcontrol.apiserver.k8s.io', 'PriorityLevelConfiguration'), priorityLevelConfigurationPrinter],
  [key('apiregistration.k8s.io', 'APIService'), apiServicePrinter],
]);

/** The built-in printer of a kind, or undefined when upstream serves the default table. */
export function printerFor(group: string, kind: string): Printer | undefined {
  return PRINTERS.get(key(group, kind));
}

/**
 * How an object of a served version is reshaped before printing, where the printer reads
 * another shape (upstream prints the internal type, converted from any version).
 */
export function adapterFor(group: string, version: string, kind: string): ((obj: KubeObject) => KubeObject) | undefined {
  if (group === 'events.k8s.io' && kind === 'Event') return coreEventFromEventsV1;
  if (group === 'autoscaling' && version === 'v1' && kind === 'HorizontalPodAutoscaler') return hpaFromV1;
  return undefined;
}
