/**
 * The built-in resources of Kubernetes 1.32 that k8ts serves: names, scope, verbs and
 * subresources as upstream's discovery reports them. Per-type behaviour (defaulting,
 * validation, tables, field selectors) hangs off `kind` elsewhere in src/api/.
 */

export const ALL_VERBS = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'] as const;
export type Verb = (typeof ALL_VERBS)[number];

export interface SubresourceInfo {
  name: string;
  verbs: readonly string[];
  /** Kind served by the subresource when it is not the parent's own (e.g. Scale). */
  kind?: { group: string; version: string; kind: string };
}

export interface BuiltinResource {
  group: string;
  /** Versions served, preferred first. */
  versions: readonly string[];
  resource: string;
  singular: string;
  kind: string;
  namespaced: boolean;
  verbs: readonly string[];
  shortNames?: readonly string[];
  categories?: readonly string[];
  subresources?: readonly SubresourceInfo[];
  /**
   * When another resource's storage holds these objects (served here in another shape),
   * as events.k8s.io/v1 events are core/v1 events.
   */
  storedAs?: { group: string; resource: string };
}

const crud = ALL_VERBS;
const createOnly = ['create'] as const;
const status: SubresourceInfo = { name: 'status', verbs: ['get', 'patch', 'update'] };
const scale: SubresourceInfo = {
  name: 'scale',
  verbs: ['get', 'patch', 'update'],
  kind: { group: 'autoscaling', version: 'v1', kind: 'Scale' },
};
const proxy: SubresourceInfo = { name: 'proxy', verbs: ['create', 'delete', 'get', 'patch', 'update'] };

const r = (
  group: string,
  versions: readonly string[],
  resource: string,
  kind: string,
  namespaced: boolean,
  extra: Partial<BuiltinResource> = {},
): BuiltinResource => ({
  group,
  versions,
  resource,
  singular: kind.toLowerCase(),
  kind,
  namespaced,
  verbs: crud,
  ...extra,
});

const v1 = ['v1'] as const;
const NS = true;
const CLUSTER = false;

export const BUILTIN_RESOURCES: readonly BuiltinResource[] = [
  // core/v1
  r('', v1, 'bindings', 'Binding', NS, { verbs: createOnly }),
  r('', v1, 'componentstatuses', 'ComponentStatus', CLUSTER, { verbs: ['get', 'list'], shortNames: ['cs'] }),
  r('', v1, 'configmaps', 'ConfigMap', NS, { shortNames: ['cm'] }),
  r('', v1, 'endpoints', 'Endpoints', NS, { shortNames: ['ep'], singular: 'endpoints' }),
  r('', v1, 'events', 'Event', NS, { shortNames: ['ev'] }),
  r('', v1, 'limitranges', 'LimitRange', NS, { shortNames: ['limits'] }),
  r('', v1, 'namespaces', 'Namespace', CLUSTER, {
    verbs: ['create', 'delete', 'get', 'list', 'patch', 'update', 'watch'],
    shortNames: ['ns'],
    subresources: [{ name: 'finalize', verbs: ['update'] }, status],
  }),
  r('', v1, 'nodes', 'Node', CLUSTER, { shortNames: ['no'], subresources: [proxy, status] }),
  r('', v1, 'persistentvolumeclaims', 'PersistentVolumeClaim', NS, { shortNames: ['pvc'], subresources: [status] }),
  r('', v1, 'persistentvolumes', 'PersistentVolume', CLUSTER, { shortNames: ['pv'], subresources: [status] }),
  r('', v1, 'pods', 'Pod', NS, {
    shortNames: ['po'],
    categories: ['all'],
    subresources: [
      { name: 'attach', verbs: ['create', 'get'] },
      { name: 'binding', verbs: ['create'], kind: { group: '', version: 'v1', kind: 'Binding' } },
      { name: 'ephemeralcontainers', verbs: ['get', 'patch', 'update'] },
      { name: 'eviction', verbs: ['create'], kind: { group: 'policy', version: 'v1', kind: 'Eviction' } },
      { name: 'exec', verbs: ['create', 'get'], kind: { group: '', version: 'v1', kind: 'PodExecOptions' } },
      { name: 'log', verbs: ['get'] },
      { name: 'portforward', verbs: ['create', 'get'], kind: { group: '', version: 'v1', kind: 'PodPortForwardOptions' } },
      { ...proxy, kind: { group: '', version: 'v1', kind: 'PodProxyOptions' } },
      status,
    ],
  }),
  r('', v1, 'podtemplates', 'PodTemplate', NS),
  r('', v1, 'replicationcontrollers', 'ReplicationController', NS, {
    shortNames: ['rc'],
    categories: ['all'],
    subresources: [scale, status],
  }),
  r('', v1, 'resourcequotas', 'ResourceQuota', NS, { shortNames: ['quota'], subresources: [status] }),
  r('', v1, 'secrets', 'Secret', NS),
  r('', v1, 'serviceaccounts', 'ServiceAccount', NS, {
    shortNames: ['sa'],
    subresources: [{ name: 'token', verbs: ['create'], kind: { group: 'authentication.k8s.io', version: 'v1', kind: 'TokenRequest' } }],
  }),
  r('', v1, 'services', 'Service', NS, {
    shortNames: ['svc'],
    categories: ['all'],
    subresources: [{ ...proxy, kind: { group: '', version: 'v1', kind: 'ServiceProxyOptions' } }, status],
  }),

  // admissionregistration.k8s.io/v1
  r('admissionregistration.k8s.io', v1, 'mutatingwebhookconfigurations', 'MutatingWebhookConfiguration', CLUSTER, {
    categories: ['api-extensions'],
  }),
  r('admissionregistration.k8s.io', v1, 'validatingadmissionpolicies', 'ValidatingAdmissionPolicy', CLUSTER, {
    categories: ['api-extensions'],
    subresources: [status],
  }),
  r('admissionregistration.k8s.io', v1, 'validatingadmissionpolicybindings', 'ValidatingAdmissionPolicyBinding', CLUSTER, {
    categories: ['api-extensions'],
  }),
  r('admissionregistration.k8s.io', v1, 'validatingwebhookconfigurations', 'ValidatingWebhookConfiguration', CLUSTER, {
    categories: ['api-extensions'],
  }),

  // apiextensions.k8s.io/v1
  r('apiextensions.k8s.io', v1, 'customresourcedefinitions', 'CustomResourceDefinition', CLUSTER, {
    shortNames: ['crd', 'crds'],
    categories: ['api-extensions'],
    subresources: [status],
  }),

  // apiregistration.k8s.io/v1
  r('apiregistration.k8s.io', v1, 'apiservices', 'APIService', CLUSTER, {
    categories: ['api-extensions'],
    subresources: [status],
  }),

  // apps/v1
  r('apps', v1, 'controllerrevisions', 'ControllerRevision', NS),
  r('apps', v1, 'daemonsets', 'DaemonSet', NS, { shortNames: ['ds'], categories: ['all'], subresources: [status] }),
  r('apps', v1, 'deployments', 'Deployment', NS, { shortNames: ['deploy'], categories: ['all'], subresources: [scale, status] }),
  r('apps', v1, 'replicasets', 'ReplicaSet', NS, { shortNames: ['rs'], categories: ['all'], subresources: [scale, status] }),
  r('apps', v1, 'statefulsets', 'StatefulSet', NS, { shortNames: ['sts'], categories: ['all'], subresources: [scale, status] }),

  // authentication.k8s.io/v1
  r('authentication.k8s.io', v1, 'selfsubjectreviews', 'SelfSubjectReview', CLUSTER, { verbs: createOnly }),
  r('authentication.k8s.io', v1, 'tokenreviews', 'TokenReview', CLUSTER, { verbs: createOnly }),

  // authorization.k8s.io/v1
  r('authorization.k8s.io', v1, 'localsubjectaccessreviews', 'LocalSubjectAccessReview', NS, { verbs: createOnly }),
  r('authorization.k8s.io', v1, 'selfsubjectaccessreviews', 'SelfSubjectAccessReview', CLUSTER, { verbs: createOnly }),
  r('authorization.k8s.io', v1, 'selfsubjectrulesreviews', 'SelfSubjectRulesReview', CLUSTER, { verbs: createOnly }),
  r('authorization.k8s.io', v1, 'subjectaccessreviews', 'SubjectAccessReview', CLUSTER, { verbs: createOnly }),

  // autoscaling/v2 (preferred) and v1, one storage
  r('autoscaling', ['v2', 'v1'], 'horizontalpodautoscalers', 'HorizontalPodAutoscaler', NS, {
    shortNames: ['hpa'],
    categories: ['all'],
    subresources: [status],
  }),

  // batch/v1
  r('batch', v1, 'cronjobs', 'CronJob', NS, { shortNames: ['cj'], categories: ['all'], subresources: [status] }),
  r('batch', v1, 'jobs', 'Job', NS, { categories: ['all'], subresources: [status] }),

  // certificates.k8s.io/v1
  r('certificates.k8s.io', v1, 'certificatesigningrequests', 'CertificateSigningRequest', CLUSTER, {
    shortNames: ['csr'],
    subresources: [{ name: 'approval', verbs: ['get', 'patch', 'update'] }, status],
  }),

  // coordination.k8s.io/v1
  r('coordination.k8s.io', v1, 'leases', 'Lease', NS),

  // discovery.k8s.io/v1
  r('discovery.k8s.io', v1, 'endpointslices', 'EndpointSlice', NS),

  // events.k8s.io/v1: the same objects as core/v1 events, in the newer shape
  r('events.k8s.io', v1, 'events', 'Event', NS, { shortNames: ['ev'], storedAs: { group: '', resource: 'events' } }),

  // flowcontrol.apiserver.k8s.io/v1
  r('flowcontrol.apiserver.k8s.io', v1, 'flowschemas', 'FlowSchema', CLUSTER, { subresources: [status] }),
  r('flowcontrol.apiserver.k8s.io', v1, 'prioritylevelconfigurations', 'PriorityLevelConfiguration', CLUSTER, {
    subresources: [status],
  }),

  // networking.k8s.io/v1
  r('networking.k8s.io', v1, 'ingressclasses', 'IngressClass', CLUSTER),
  r('networking.k8s.io', v1, 'ingresses', 'Ingress', NS, { shortNames: ['ing'], subresources: [status] }),
  r('networking.k8s.io', v1, 'networkpolicies', 'NetworkPolicy', NS, { shortNames: ['netpol'] }),

  // node.k8s.io/v1
  r('node.k8s.io', v1, 'runtimeclasses', 'RuntimeClass', CLUSTER),

  // policy/v1
  r('policy', v1, 'poddisruptionbudgets', 'PodDisruptionBudget', NS, { shortNames: ['pdb'], subresources: [status] }),

  // rbac.authorization.k8s.io/v1
  r('rbac.authorization.k8s.io', v1, 'clusterrolebindings', 'ClusterRoleBinding', CLUSTER),
  r('rbac.authorization.k8s.io', v1, 'clusterroles', 'ClusterRole', CLUSTER),
  r('rbac.authorization.k8s.io', v1, 'rolebindings', 'RoleBinding', NS),
  r('rbac.authorization.k8s.io', v1, 'roles', 'Role', NS),

  // scheduling.k8s.io/v1
  r('scheduling.k8s.io', v1, 'priorityclasses', 'PriorityClass', CLUSTER, { shortNames: ['pc'] }),

  // storage.k8s.io/v1
  r('storage.k8s.io', v1, 'csidrivers', 'CSIDriver', CLUSTER),
  r('storage.k8s.io', v1, 'csinodes', 'CSINode', CLUSTER),
  r('storage.k8s.io', v1, 'csistoragecapacities', 'CSIStorageCapacity', NS),
  r('storage.k8s.io', v1, 'storageclasses', 'StorageClass', CLUSTER, { shortNames: ['sc'] }),
  r('storage.k8s.io', v1, 'volumeattachments', 'VolumeAttachment', CLUSTER, { subresources: [status] }),
];

/** Groups in the order upstream's discovery lists them (core first, then by priority). */
export const GROUP_ORDER: readonly string[] = [
  '',
  'apiregistration.k8s.io',
  'apps',
  'events.k8s.io',
  'authentication.k8s.io',
  'authorization.k8s.io',
  'autoscaling',
  'batch',
  'certificates.k8s.io',
  'networking.k8s.io',
  'policy',
  'rbac.authorization.k8s.io',
  'storage.k8s.io',
  'admissionregistration.k8s.io',
  'apiextensions.k8s.io',
  'scheduling.k8s.io',
  'coordination.k8s.io',
  'node.k8s.io',
  'discovery.k8s.io',
  'flowcontrol.apiserver.k8s.io',
];

/**
 * The OpenAPI definition-name prefix of a group-version's types, as upstream names them
 * (`io.k8s.api.apps.v1.Deployment`).
 */
export function definitionPackage(group: string, version: string): string {
  if (group === '') return `io.k8s.api.core.${version}`;
  if (group === 'apiregistration.k8s.io') return `io.k8s.kube-aggregator.pkg.apis.apiregistration.${version}`;
  if (group === 'apiextensions.k8s.io') return `io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.${version}`;
  if (group === 'meta.k8s.io') return `io.k8s.apimachinery.pkg.apis.meta.${version}`;
  return `io.k8s.api.${group.split('.')[0]}.${version}`;
}
