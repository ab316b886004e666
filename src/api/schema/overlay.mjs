// Hand-written input to scripts/gen-schema.mjs: what neither npm package gets right for
// Kubernetes 1.32. client-node 1.1.x gives every type and field but no semantics; the 1.22
// swagger gives semantics, but only for what existed in 1.22 and as it was then. This file
// holds the facts for the rest: definition names, list/map types and patch strategies added
// or changed after 1.22, strings that are Quantities, and the meta types neither package
// models. The facts were checked against the 1.32 OpenAPI spec as kubernetes publishes it
// (api/openapi-spec/swagger.json, the copy the kubernetes-client/python v32.0.1 release was
// generated from): `node scripts/gen-schema.mjs --compare swagger.json` reports no
// difference in structure, required fields or semantics. Nothing here is upstream text.
//
// Patch semantics (see applyPatch in gen-schema.mjs): a key set to null is removed from the
// generated schema, any other value replaces it; `properties` entries patch single fields.

const QUANTITY = 'io.k8s.apimachinery.pkg.api.resource.Quantity';
const RAW_EXTENSION = 'io.k8s.apimachinery.pkg.runtime.RawExtension';
const META = 'io.k8s.apimachinery.pkg.apis.meta.v1';

// Server-side apply: the list is replaced whole.
const atomic = { 'x-kubernetes-list-type': 'atomic' };
// Server-side apply: a list of unique scalars, merged by value.
const set = { 'x-kubernetes-list-type': 'set' };
// ...and strategic merge patch merges it by value too.
const mergeSet = { ...set, 'x-kubernetes-patch-strategy': 'merge' };
// Server-side apply: items are identified by the values of these fields.
const mapList = (...keys) => ({ 'x-kubernetes-list-type': 'map', 'x-kubernetes-list-map-keys': keys });
// Strategic merge patch: items are merged by this field.
const mergeOn = (key) => ({ 'x-kubernetes-patch-strategy': 'merge', 'x-kubernetes-patch-merge-key': key });
// Both, keyed the same way (the merge key is the first map key).
const mergeMap = (...keys) => ({ ...mapList(...keys), ...mergeOn(keys[0]) });
// As mergeMap, and a patched item drops the fields the patch does not mention (unions).
const mergeRetainMap = (key) => ({
  ...mapList(key),
  'x-kubernetes-patch-strategy': 'merge,retainKeys',
  'x-kubernetes-patch-merge-key': key,
});
// A struct or map that is replaced whole.
const atomicMap = { 'x-kubernetes-map-type': 'atomic' };
const quantity = { $ref: QUANTITY, type: null, format: null };
const quantityMap = { additionalProperties: { $ref: QUANTITY } };
const rawExtension = { $ref: RAW_EXTENSION, type: null };

const str = { type: 'string' };
const int32 = { type: 'integer', format: 'int32' };
const ref = (name) => ({ $ref: name });
const arrayOf = (items) => ({ type: 'array', items });

export const overlay = {
  /** client-node's group prefixes on class names it had to disambiguate (`CoreV1Event`). */
  prefixGroups: {
    Admissionregistration: 'admissionregistration.k8s.io',
    Apiextensions: 'apiextensions.k8s.io',
    Apiregistration: 'apiregistration.k8s.io',
    Authentication: 'authentication.k8s.io',
    Core: '',
    Discovery: 'discovery.k8s.io',
    Events: 'events.k8s.io',
    Flowcontrol: 'flowcontrol.apiserver.k8s.io',
    Rbac: 'rbac.authorization.k8s.io',
    Storage: 'storage.k8s.io',
  },

  /** Classes whose upstream name the generator cannot derive. */
  renames: {
    VersionInfo: 'io.k8s.apimachinery.pkg.version.Info',
    // new in 1.31, in meta/v1 although only authorization/v1 refers to it
    V1FieldSelectorRequirement: `${META}.FieldSelectorRequirement`,
  },

  /**
   * Classes client-node 1.1.x still ships from older releases: versions 1.32 no longer
   * serves (flowcontrol v1beta3, resource v1alpha2, networking v1alpha1 IPAddress and
   * ServiceCIDR, authentication v1alpha1, admissionregistration v1alpha1 validating
   * policies) and a type 1.32 dropped (ClaimSource).
   */
  skipClassPatterns: ['^V1beta3', '^V1alpha2(?!LeaseCandidate)', '^V1alpha1(IPAddress|ServiceCIDR|ParentReference|SelfSubjectReview)'],
  skipClasses: [
    'V1ClaimSource',
    'V1alpha1AuditAnnotation',
    'V1alpha1ExpressionWarning',
    'V1alpha1TypeChecking',
    'V1alpha1ValidatingAdmissionPolicy',
    'V1alpha1ValidatingAdmissionPolicyBinding',
    'V1alpha1ValidatingAdmissionPolicyBindingList',
    'V1alpha1ValidatingAdmissionPolicyBindingSpec',
    'V1alpha1ValidatingAdmissionPolicyList',
    'V1alpha1ValidatingAdmissionPolicySpec',
    'V1alpha1ValidatingAdmissionPolicyStatus',
    'V1alpha1Validation',
  ],

  /** Definitions client-node has no class for, unchanged since 1.22: taken from that swagger. */
  fromSwagger: [
    `${META}.MicroTime`,
    `${META}.Time`,
    `${META}.FieldsV1`,
    `${META}.Patch`,
    RAW_EXTENSION,
    QUANTITY,
    'io.k8s.apimachinery.pkg.util.intstr.IntOrString',
    'io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.CustomResourceSubresourceStatus',
    'io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.JSON',
    'io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.JSONSchemaPropsOrArray',
    'io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.JSONSchemaPropsOrBool',
    'io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.JSONSchemaPropsOrStringArray',
    'io.k8s.api.apiserverinternal.v1alpha1.StorageVersionSpec',
  ],

  /**
   * meta.k8s.io types the apiserver returns that upstream's OpenAPI does not publish
   * (server-side printing and metadata-only lists), so neither package has them.
   */
  definitions: {
    [`${META}.Table`]: {
      type: 'object',
      required: ['columnDefinitions', 'rows'],
      properties: {
        apiVersion: str,
        kind: str,
        metadata: ref(`${META}.ListMeta`),
        columnDefinitions: { ...arrayOf(ref(`${META}.TableColumnDefinition`)), ...atomic },
        rows: { ...arrayOf(ref(`${META}.TableRow`)), ...atomic },
      },
      'x-kubernetes-group-version-kind': [
        { group: 'meta.k8s.io', kind: 'Table', version: 'v1' },
        { group: 'meta.k8s.io', kind: 'Table', version: 'v1beta1' },
      ],
    },
    [`${META}.TableColumnDefinition`]: {
      type: 'object',
      required: ['name', 'type', 'format', 'description', 'priority'],
      properties: { name: str, type: str, format: str, description: str, priority: int32 },
    },
    [`${META}.TableRow`]: {
      type: 'object',
      required: ['cells'],
      properties: {
        cells: { ...arrayOf({ type: 'object' }), ...atomic },
        conditions: { ...arrayOf(ref(`${META}.TableRowCondition`)), ...atomic },
        object: ref(RAW_EXTENSION),
      },
    },
    [`${META}.TableRowCondition`]: {
      type: 'object',
      required: ['type', 'status'],
      properties: { type: str, status: str, reason: str, message: str },
    },
    [`${META}.PartialObjectMetadata`]: {
      type: 'object',
      properties: { apiVersion: str, kind: str, metadata: ref(`${META}.ObjectMeta`) },
      'x-kubernetes-group-version-kind': [
        { group: 'meta.k8s.io', kind: 'PartialObjectMetadata', version: 'v1' },
        { group: 'meta.k8s.io', kind: 'PartialObjectMetadata', version: 'v1beta1' },
      ],
    },
    [`${META}.PartialObjectMetadataList`]: {
      type: 'object',
      required: ['items'],
      properties: {
        apiVersion: str,
        kind: str,
        metadata: ref(`${META}.ListMeta`),
        items: arrayOf(ref(`${META}.PartialObjectMetadata`)),
      },
      'x-kubernetes-group-version-kind': [
        { group: 'meta.k8s.io', kind: 'PartialObjectMetadataList', version: 'v1' },
        { group: 'meta.k8s.io', kind: 'PartialObjectMetadataList', version: 'v1beta1' },
      ],
    },
  },

  /** Whole-definition semantics added after 1.22. */
  typeSemantics: {
    'io.k8s.api.admissionregistration.v1.MatchResources': atomicMap,
    'io.k8s.api.admissionregistration.v1.NamedRuleWithOperations': atomicMap,
    'io.k8s.api.admissionregistration.v1.ParamKind': atomicMap,
    'io.k8s.api.admissionregistration.v1.ParamRef': atomicMap,
    'io.k8s.api.admissionregistration.v1.Variable': atomicMap,
    'io.k8s.api.admissionregistration.v1alpha1.MatchResources': atomicMap,
    'io.k8s.api.admissionregistration.v1alpha1.NamedRuleWithOperations': atomicMap,
    'io.k8s.api.admissionregistration.v1alpha1.ParamKind': atomicMap,
    'io.k8s.api.admissionregistration.v1alpha1.ParamRef': atomicMap,
    'io.k8s.api.admissionregistration.v1beta1.MatchResources': atomicMap,
    'io.k8s.api.admissionregistration.v1beta1.NamedRuleWithOperations': atomicMap,
    'io.k8s.api.admissionregistration.v1beta1.ParamKind': atomicMap,
    'io.k8s.api.admissionregistration.v1beta1.ParamRef': atomicMap,
    'io.k8s.api.admissionregistration.v1beta1.Variable': atomicMap,
    'io.k8s.api.networking.v1.ServiceBackendPort': atomicMap,
    // discriminated unions: the discriminator field names which member is set
    'io.k8s.api.core.v1.AppArmorProfile': {
      'x-kubernetes-unions': [{ discriminator: 'type', 'fields-to-discriminateBy': { localhostProfile: 'LocalhostProfile' } }],
    },
    'io.k8s.api.flowcontrol.v1.LimitResponse': {
      'x-kubernetes-unions': [{ discriminator: 'type', 'fields-to-discriminateBy': { queuing: 'Queuing' } }],
    },
    'io.k8s.api.flowcontrol.v1.PriorityLevelConfigurationSpec': {
      'x-kubernetes-unions': [{ discriminator: 'type', 'fields-to-discriminateBy': { exempt: 'Exempt', limited: 'Limited' } }],
    },
    'io.k8s.api.flowcontrol.v1.Subject': {
      'x-kubernetes-unions': [
        {
          discriminator: 'kind',
          'fields-to-discriminateBy': { group: 'Group', serviceAccount: 'ServiceAccount', user: 'User' },
        },
      ],
    },
  },

  /**
   * Group-versions whose scheme registers the shared meta kinds below (`DeleteOptions`,
   * `WatchEvent`) in 1.32: every group-version the 1.32 apiserver binary knows, served or not.
   */
  everyGroupVersion: {
    '': ['v1'],
    'admission.k8s.io': ['v1', 'v1beta1'],
    'admissionregistration.k8s.io': ['v1', 'v1alpha1', 'v1beta1'],
    'apiextensions.k8s.io': ['v1', 'v1beta1'],
    'apiregistration.k8s.io': ['v1', 'v1beta1'],
    apps: ['v1', 'v1beta1', 'v1beta2'],
    'authentication.k8s.io': ['v1', 'v1alpha1', 'v1beta1'],
    'authorization.k8s.io': ['v1', 'v1beta1'],
    autoscaling: ['v1', 'v2', 'v2beta1', 'v2beta2'],
    batch: ['v1', 'v1beta1'],
    'certificates.k8s.io': ['v1', 'v1alpha1', 'v1beta1'],
    'coordination.k8s.io': ['v1', 'v1alpha2', 'v1beta1'],
    'discovery.k8s.io': ['v1', 'v1beta1'],
    'events.k8s.io': ['v1', 'v1beta1'],
    extensions: ['v1beta1'],
    'flowcontrol.apiserver.k8s.io': ['v1', 'v1beta1', 'v1beta2', 'v1beta3'],
    'imagepolicy.k8s.io': ['v1alpha1'],
    'internal.apiserver.k8s.io': ['v1alpha1'],
    'networking.k8s.io': ['v1', 'v1alpha1', 'v1beta1'],
    'node.k8s.io': ['v1', 'v1alpha1', 'v1beta1'],
    policy: ['v1', 'v1beta1'],
    'rbac.authorization.k8s.io': ['v1', 'v1alpha1', 'v1beta1'],
    'resource.k8s.io': ['v1alpha3', 'v1beta1'],
    'scheduling.k8s.io': ['v1', 'v1alpha1', 'v1beta1'],
    'storage.k8s.io': ['v1', 'v1alpha1', 'v1beta1'],
    'storagemigration.k8s.io': ['v1alpha1'],
  },
  kindsInEveryGroupVersion: [`${META}.DeleteOptions`, `${META}.WatchEvent`],

  /**
   * Field semantics added or changed after 1.22 (most lists were marked atomic or map-keyed
   * between 1.23 and 1.32), fields of new types, and strings client-node cannot tell are
   * Quantities or embedded objects.
   */
  fieldSemantics: {
  'io.k8s.api.admissionregistration.v1.MatchResources': {
    properties: {
      excludeResourceRules: atomic,
      resourceRules: atomic,
    },
  },
  'io.k8s.api.admissionregistration.v1.MutatingWebhook': {
    properties: {
      admissionReviewVersions: atomic,
      matchConditions: mergeMap('name'),
      rules: atomic,
    },
  },
  'io.k8s.api.admissionregistration.v1.MutatingWebhookConfiguration': {
    properties: {
      webhooks: mergeMap('name'),
    },
  },
  'io.k8s.api.admissionregistration.v1.NamedRuleWithOperations': {
    properties: {
      apiGroups: atomic,
      apiVersions: atomic,
      operations: atomic,
      resourceNames: atomic,
      resources: atomic,
    },
  },
  'io.k8s.api.admissionregistration.v1.RuleWithOperations': {
    properties: {
      apiGroups: atomic,
      apiVersions: atomic,
      operations: atomic,
      resources: atomic,
    },
  },
  'io.k8s.api.admissionregistration.v1.TypeChecking': { properties: { expressionWarnings: atomic } },
  'io.k8s.api.admissionregistration.v1.ValidatingAdmissionPolicyBindingSpec': {
    properties: {
      validationActions: set,
    },
  },
  'io.k8s.api.admissionregistration.v1.ValidatingAdmissionPolicySpec': {
    properties: {
      auditAnnotations: atomic,
      matchConditions: mergeMap('name'),
      validations: atomic,
      variables: mergeMap('name'),
    },
  },
  'io.k8s.api.admissionregistration.v1.ValidatingAdmissionPolicyStatus': {
    properties: {
      conditions: mapList('type'),
    },
  },
  'io.k8s.api.admissionregistration.v1.ValidatingWebhook': {
    properties: {
      admissionReviewVersions: atomic,
      matchConditions: mergeMap('name'),
      rules: atomic,
    },
  },
  'io.k8s.api.admissionregistration.v1.ValidatingWebhookConfiguration': {
    properties: {
      webhooks: mergeMap('name'),
    },
  },
  'io.k8s.api.admissionregistration.v1alpha1.MatchResources': {
    properties: {
      excludeResourceRules: atomic,
      resourceRules: atomic,
    },
  },
  'io.k8s.api.admissionregistration.v1alpha1.MutatingAdmissionPolicySpec': {
    properties: {
      matchConditions: mergeMap('name'),
      mutations: atomic,
      variables: atomic,
    },
  },
  'io.k8s.api.admissionregistration.v1alpha1.NamedRuleWithOperations': {
    properties: {
      apiGroups: atomic,
      apiVersions: atomic,
      operations: atomic,
      resourceNames: atomic,
      resources: atomic,
    },
  },
  'io.k8s.api.admissionregistration.v1beta1.MatchResources': {
    properties: {
      excludeResourceRules: atomic,
      resourceRules: atomic,
    },
  },
  'io.k8s.api.admissionregistration.v1beta1.NamedRuleWithOperations': {
    properties: {
      apiGroups: atomic,
      apiVersions: atomic,
      operations: atomic,
      resourceNames: atomic,
      resources: atomic,
    },
  },
  'io.k8s.api.admissionregistration.v1beta1.TypeChecking': { properties: { expressionWarnings: atomic } },
  'io.k8s.api.admissionregistration.v1beta1.ValidatingAdmissionPolicyBindingSpec': {
    properties: {
      validationActions: set,
    },
  },
  'io.k8s.api.admissionregistration.v1beta1.ValidatingAdmissionPolicySpec': {
    properties: {
      auditAnnotations: atomic,
      matchConditions: mergeMap('name'),
      validations: atomic,
      variables: mergeMap('name'),
    },
  },
  'io.k8s.api.admissionregistration.v1beta1.ValidatingAdmissionPolicyStatus': {
    properties: {
      conditions: mapList('type'),
    },
  },
  'io.k8s.api.apiserverinternal.v1alpha1.ServerStorageVersion': { properties: { servedVersions: set } },
  'io.k8s.api.apps.v1.DaemonSetStatus': { properties: { conditions: mergeMap('type') } },
  'io.k8s.api.apps.v1.DeploymentStatus': { properties: { conditions: mergeMap('type') } },
  'io.k8s.api.apps.v1.ReplicaSetStatus': { properties: { conditions: mergeMap('type') } },
  'io.k8s.api.apps.v1.StatefulSetSpec': { properties: { volumeClaimTemplates: atomic } },
  'io.k8s.api.apps.v1.StatefulSetStatus': { properties: { conditions: mergeMap('type') } },
  'io.k8s.api.authentication.v1.TokenRequestSpec': { properties: { audiences: atomic } },
  'io.k8s.api.authentication.v1.TokenReviewSpec': { properties: { audiences: atomic } },
  'io.k8s.api.authentication.v1.TokenReviewStatus': { properties: { audiences: atomic } },
  'io.k8s.api.authentication.v1.UserInfo': { properties: { groups: atomic } },
  'io.k8s.api.authorization.v1.FieldSelectorAttributes': {
    properties: {
      requirements: { ...atomic, items: { $ref: 'io.k8s.apimachinery.pkg.apis.meta.v1.FieldSelectorRequirement' } },
    },
  },
  'io.k8s.api.authorization.v1.LabelSelectorAttributes': { properties: { requirements: atomic } },
  'io.k8s.api.authorization.v1.NonResourceRule': { properties: { nonResourceURLs: atomic, verbs: atomic } },
  'io.k8s.api.authorization.v1.ResourceRule': {
    properties: {
      apiGroups: atomic,
      resourceNames: atomic,
      resources: atomic,
      verbs: atomic,
    },
  },
  'io.k8s.api.authorization.v1.SubjectAccessReviewSpec': { properties: { groups: atomic } },
  'io.k8s.api.authorization.v1.SubjectRulesReviewStatus': {
    properties: {
      nonResourceRules: atomic,
      resourceRules: atomic,
    },
  },
  'io.k8s.api.autoscaling.v2.HPAScalingRules': { properties: { policies: atomic } },
  'io.k8s.api.autoscaling.v2.HorizontalPodAutoscalerSpec': { properties: { metrics: atomic } },
  'io.k8s.api.autoscaling.v2.HorizontalPodAutoscalerStatus': {
    properties: {
      conditions: mergeMap('type'),
      currentMetrics: atomic,
    },
  },
  'io.k8s.api.autoscaling.v2.MetricTarget': { properties: { averageValue: quantity, value: quantity } },
  'io.k8s.api.autoscaling.v2.MetricValueStatus': { properties: { averageValue: quantity, value: quantity } },
  'io.k8s.api.batch.v1.PodFailurePolicy': { properties: { rules: atomic } },
  'io.k8s.api.batch.v1.PodFailurePolicyOnExitCodesRequirement': { properties: { values: set } },
  'io.k8s.api.batch.v1.PodFailurePolicyRule': { properties: { onPodConditions: atomic } },
  'io.k8s.api.batch.v1.SuccessPolicy': { properties: { rules: atomic } },
  'io.k8s.api.core.v1.Capabilities': { properties: { add: atomic, drop: atomic } },
  'io.k8s.api.core.v1.CephFSPersistentVolumeSource': { properties: { monitors: atomic } },
  'io.k8s.api.core.v1.CephFSVolumeSource': { properties: { monitors: atomic } },
  'io.k8s.api.core.v1.ComponentStatus': { properties: { conditions: mergeMap('type') } },
  'io.k8s.api.core.v1.ConfigMapProjection': { properties: { items: atomic } },
  'io.k8s.api.core.v1.ConfigMapVolumeSource': { properties: { items: atomic } },
  'io.k8s.api.core.v1.Container': {
    properties: {
      args: atomic,
      command: atomic,
      env: mergeMap('name'),
      envFrom: atomic,
      resizePolicy: atomic,
      volumeDevices: mergeMap('devicePath'),
      volumeMounts: mergeMap('mountPath'),
    },
  },
  'io.k8s.api.core.v1.ContainerImage': { properties: { names: atomic } },
  'io.k8s.api.core.v1.ContainerStatus': {
    properties: {
      allocatedResources: quantityMap,
      allocatedResourcesStatus: mergeMap('name'),
      volumeMounts: mergeMap('mountPath'),
    },
  },
  'io.k8s.api.core.v1.DownwardAPIProjection': { properties: { items: atomic } },
  'io.k8s.api.core.v1.DownwardAPIVolumeSource': { properties: { items: atomic } },
  'io.k8s.api.core.v1.EndpointSubset': {
    properties: {
      addresses: atomic,
      notReadyAddresses: atomic,
      ports: atomic,
    },
  },
  'io.k8s.api.core.v1.Endpoints': { properties: { subsets: atomic } },
  'io.k8s.api.core.v1.EphemeralContainer': {
    properties: {
      args: atomic,
      command: atomic,
      env: mergeMap('name'),
      envFrom: atomic,
      ports: mergeMap('containerPort', 'protocol'),
      resizePolicy: atomic,
      volumeDevices: mergeMap('devicePath'),
      volumeMounts: mergeMap('mountPath'),
    },
  },
  'io.k8s.api.core.v1.ExecAction': { properties: { command: atomic } },
  'io.k8s.api.core.v1.FCVolumeSource': { properties: { targetWWNs: atomic, wwids: atomic } },
  'io.k8s.api.core.v1.HTTPGetAction': { properties: { httpHeaders: atomic } },
  'io.k8s.api.core.v1.HostAlias': { properties: { hostnames: atomic } },
  'io.k8s.api.core.v1.ISCSIPersistentVolumeSource': { properties: { portals: atomic } },
  'io.k8s.api.core.v1.ISCSIVolumeSource': { properties: { portals: atomic } },
  'io.k8s.api.core.v1.LimitRangeSpec': { properties: { limits: atomic } },
  'io.k8s.api.core.v1.LinuxContainerUser': { properties: { supplementalGroups: atomic } },
  'io.k8s.api.core.v1.LoadBalancerStatus': { properties: { ingress: atomic } },
  'io.k8s.api.core.v1.NamespaceSpec': { properties: { finalizers: atomic } },
  'io.k8s.api.core.v1.NamespaceStatus': { properties: { conditions: mergeMap('type') } },
  'io.k8s.api.core.v1.NodeAffinity': {
    properties: {
      preferredDuringSchedulingIgnoredDuringExecution: atomic,
    },
  },
  'io.k8s.api.core.v1.NodeSelector': { properties: { nodeSelectorTerms: atomic } },
  'io.k8s.api.core.v1.NodeSelectorRequirement': { properties: { values: atomic } },
  'io.k8s.api.core.v1.NodeSelectorTerm': { properties: { matchExpressions: atomic, matchFields: atomic } },
  'io.k8s.api.core.v1.NodeSpec': { properties: { podCIDRs: mergeSet, taints: atomic } },
  'io.k8s.api.core.v1.NodeStatus': {
    properties: {
      addresses: mergeMap('type'),
      conditions: mergeMap('type'),
      images: atomic,
      runtimeHandlers: atomic,
      volumesAttached: atomic,
      volumesInUse: atomic,
    },
  },
  'io.k8s.api.core.v1.PersistentVolumeClaimSpec': { properties: { accessModes: atomic } },
  'io.k8s.api.core.v1.PersistentVolumeClaimStatus': {
    properties: {
      accessModes: atomic,
      allocatedResourceStatuses: { 'x-kubernetes-map-type': 'granular' },
      allocatedResources: quantityMap,
      conditions: mergeMap('type'),
    },
  },
  'io.k8s.api.core.v1.PersistentVolumeSpec': {
    properties: {
      accessModes: atomic,
      claimRef: { 'x-kubernetes-map-type': 'granular' },
      mountOptions: atomic,
    },
  },
  'io.k8s.api.core.v1.PodAffinity': {
    properties: {
      preferredDuringSchedulingIgnoredDuringExecution: atomic,
      requiredDuringSchedulingIgnoredDuringExecution: atomic,
    },
  },
  'io.k8s.api.core.v1.PodAffinityTerm': {
    properties: {
      matchLabelKeys: atomic,
      mismatchLabelKeys: atomic,
      namespaces: atomic,
    },
  },
  'io.k8s.api.core.v1.PodAntiAffinity': {
    properties: {
      preferredDuringSchedulingIgnoredDuringExecution: atomic,
      requiredDuringSchedulingIgnoredDuringExecution: atomic,
    },
  },
  'io.k8s.api.core.v1.PodDNSConfig': {
    properties: {
      nameservers: atomic,
      options: atomic,
      searches: atomic,
    },
  },
  'io.k8s.api.core.v1.PodSecurityContext': { properties: { supplementalGroups: atomic, sysctls: atomic } },
  'io.k8s.api.core.v1.PodSpec': {
    properties: {
      containers: mergeMap('name'),
      ephemeralContainers: mergeMap('name'),
      hostAliases: mergeMap('ip'),
      imagePullSecrets: mergeMap('name'),
      initContainers: mergeMap('name'),
      readinessGates: atomic,
      resourceClaims: mergeRetainMap('name'),
      schedulingGates: mergeMap('name'),
      tolerations: atomic,
      volumes: mergeRetainMap('name'),
    },
  },
  'io.k8s.api.core.v1.PodStatus': {
    properties: {
      conditions: mergeMap('type'),
      containerStatuses: atomic,
      ephemeralContainerStatuses: atomic,
      hostIPs: { ...atomic, ...mergeOn('ip') },
      initContainerStatuses: atomic,
      podIPs: mergeMap('ip'),
      resourceClaimStatuses: mergeRetainMap('name'),
    },
  },
  'io.k8s.api.core.v1.ProjectedVolumeSource': { properties: { sources: atomic } },
  'io.k8s.api.core.v1.RBDPersistentVolumeSource': { properties: { monitors: atomic } },
  'io.k8s.api.core.v1.RBDVolumeSource': { properties: { monitors: atomic } },
  'io.k8s.api.core.v1.ReplicationControllerStatus': { properties: { conditions: mergeMap('type') } },
  'io.k8s.api.core.v1.ResourceQuotaSpec': { properties: { scopes: atomic } },
  'io.k8s.api.core.v1.ResourceRequirements': { properties: { claims: mapList('name') } },
  'io.k8s.api.core.v1.ResourceStatus': { properties: { resources: mapList('resourceID') } },
  'io.k8s.api.core.v1.ScopeSelector': { properties: { matchExpressions: atomic } },
  'io.k8s.api.core.v1.ScopedResourceSelectorRequirement': { properties: { values: atomic } },
  'io.k8s.api.core.v1.SecretProjection': { properties: { items: atomic } },
  'io.k8s.api.core.v1.SecretVolumeSource': { properties: { items: atomic } },
  'io.k8s.api.core.v1.ServiceAccount': {
    properties: {
      imagePullSecrets: atomic,
      secrets: mergeMap('name'),
    },
  },
  'io.k8s.api.core.v1.ServiceSpec': {
    properties: {
      externalIPs: atomic,
      loadBalancerSourceRanges: atomic,
    },
  },
  'io.k8s.api.core.v1.TopologySelectorLabelRequirement': { properties: { values: atomic } },
  'io.k8s.api.core.v1.TopologySelectorTerm': { properties: { matchLabelExpressions: atomic } },
  'io.k8s.api.core.v1.TopologySpreadConstraint': { properties: { matchLabelKeys: atomic } },
  'io.k8s.api.core.v1.VolumeResourceRequirements': {
    properties: {
      limits: quantityMap,
      requests: quantityMap,
    },
  },
  'io.k8s.api.flowcontrol.v1.FlowSchemaSpec': { properties: { rules: atomic } },
  'io.k8s.api.flowcontrol.v1.FlowSchemaStatus': { properties: { conditions: mergeMap('type') } },
  'io.k8s.api.flowcontrol.v1.NonResourcePolicyRule': { properties: { nonResourceURLs: set, verbs: set } },
  'io.k8s.api.flowcontrol.v1.PolicyRulesWithSubjects': {
    properties: {
      nonResourceRules: atomic,
      resourceRules: atomic,
      subjects: atomic,
    },
  },
  'io.k8s.api.flowcontrol.v1.PriorityLevelConfigurationStatus': {
    properties: {
      conditions: mergeMap('type'),
    },
  },
  'io.k8s.api.flowcontrol.v1.ResourcePolicyRule': {
    properties: {
      apiGroups: set,
      namespaces: set,
      resources: set,
      verbs: set,
    },
  },
  'io.k8s.api.networking.v1.IPBlock': { properties: { except: atomic } },
  'io.k8s.api.networking.v1.IngressLoadBalancerIngress': { properties: { ports: atomic } },
  'io.k8s.api.networking.v1.IngressLoadBalancerStatus': { properties: { ingress: atomic } },
  'io.k8s.api.networking.v1.NetworkPolicyEgressRule': { properties: { ports: atomic, to: atomic } },
  'io.k8s.api.networking.v1.NetworkPolicyIngressRule': { properties: { from: atomic, ports: atomic } },
  'io.k8s.api.networking.v1.NetworkPolicySpec': {
    properties: {
      egress: atomic,
      ingress: atomic,
      policyTypes: atomic,
    },
  },
  'io.k8s.api.networking.v1beta1.ServiceCIDRSpec': { properties: { cidrs: atomic } },
  'io.k8s.api.networking.v1beta1.ServiceCIDRStatus': { properties: { conditions: mergeMap('type') } },
  'io.k8s.api.rbac.v1.AggregationRule': { properties: { clusterRoleSelectors: atomic } },
  'io.k8s.api.rbac.v1.ClusterRole': { properties: { rules: atomic } },
  'io.k8s.api.rbac.v1.ClusterRoleBinding': { properties: { subjects: atomic } },
  'io.k8s.api.rbac.v1.PolicyRule': {
    properties: {
      apiGroups: atomic,
      nonResourceURLs: atomic,
      resourceNames: atomic,
      resources: atomic,
      verbs: atomic,
    },
  },
  'io.k8s.api.rbac.v1.Role': { properties: { rules: atomic } },
  'io.k8s.api.rbac.v1.RoleBinding': { properties: { subjects: atomic } },
  'io.k8s.api.resource.v1alpha3.AllocatedDeviceStatus': {
    properties: {
      conditions: mapList('type'),
      data: rawExtension,
    },
  },
  'io.k8s.api.resource.v1alpha3.BasicDevice': { properties: { capacity: quantityMap } },
  'io.k8s.api.resource.v1alpha3.DeviceAllocationConfiguration': { properties: { requests: atomic } },
  'io.k8s.api.resource.v1alpha3.DeviceAllocationResult': { properties: { config: atomic, results: atomic } },
  'io.k8s.api.resource.v1alpha3.DeviceClaim': {
    properties: {
      config: atomic,
      constraints: atomic,
      requests: atomic,
    },
  },
  'io.k8s.api.resource.v1alpha3.DeviceClaimConfiguration': { properties: { requests: atomic } },
  'io.k8s.api.resource.v1alpha3.DeviceClassSpec': { properties: { config: atomic, selectors: atomic } },
  'io.k8s.api.resource.v1alpha3.DeviceConstraint': { properties: { requests: atomic } },
  'io.k8s.api.resource.v1alpha3.DeviceRequest': { properties: { selectors: atomic } },
  'io.k8s.api.resource.v1alpha3.NetworkDeviceData': { properties: { ips: atomic } },
  'io.k8s.api.resource.v1alpha3.OpaqueDeviceConfiguration': { properties: { parameters: rawExtension } },
  'io.k8s.api.resource.v1alpha3.ResourceClaimStatus': {
    properties: {
      devices: mapList('driver', 'device', 'pool'),
      reservedFor: mergeMap('uid'),
    },
  },
  'io.k8s.api.resource.v1alpha3.ResourceSliceSpec': { properties: { devices: atomic } },
  'io.k8s.api.resource.v1beta1.AllocatedDeviceStatus': {
    properties: {
      conditions: mapList('type'),
      data: rawExtension,
    },
  },
  'io.k8s.api.resource.v1beta1.DeviceAllocationConfiguration': { properties: { requests: atomic } },
  'io.k8s.api.resource.v1beta1.DeviceAllocationResult': { properties: { config: atomic, results: atomic } },
  'io.k8s.api.resource.v1beta1.DeviceCapacity': { properties: { value: quantity } },
  'io.k8s.api.resource.v1beta1.DeviceClaim': {
    properties: {
      config: atomic,
      constraints: atomic,
      requests: atomic,
    },
  },
  'io.k8s.api.resource.v1beta1.DeviceClaimConfiguration': { properties: { requests: atomic } },
  'io.k8s.api.resource.v1beta1.DeviceClassSpec': { properties: { config: atomic, selectors: atomic } },
  'io.k8s.api.resource.v1beta1.DeviceConstraint': { properties: { requests: atomic } },
  'io.k8s.api.resource.v1beta1.DeviceRequest': { properties: { selectors: atomic } },
  'io.k8s.api.resource.v1beta1.NetworkDeviceData': { properties: { ips: atomic } },
  'io.k8s.api.resource.v1beta1.OpaqueDeviceConfiguration': { properties: { parameters: rawExtension } },
  'io.k8s.api.resource.v1beta1.ResourceClaimStatus': {
    properties: {
      devices: mapList('driver', 'device', 'pool'),
      reservedFor: mergeMap('uid'),
    },
  },
  'io.k8s.api.resource.v1beta1.ResourceSliceSpec': { properties: { devices: atomic } },
  'io.k8s.api.storage.v1.CSINodeDriver': { properties: { topologyKeys: atomic } },
  'io.k8s.api.storage.v1.CSINodeSpec': { properties: { drivers: mergeMap('name') } },
  'io.k8s.api.storage.v1.CSIStorageCapacity': {
    properties: {
      capacity: quantity,
      maximumVolumeSize: quantity,
    },
  },
  'io.k8s.api.storage.v1.StorageClass': { properties: { mountOptions: atomic } },
  'io.k8s.api.storagemigration.v1alpha1.StorageVersionMigrationList': {
    properties: {
      items: mergeMap('type'),
    },
  },
  'io.k8s.api.storagemigration.v1alpha1.StorageVersionMigrationStatus': {
    properties: {
      conditions: mergeMap('type'),
    },
  },
  'io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.CustomResourceDefinitionNames': {
    properties: {
      categories: atomic,
      shortNames: atomic,
    },
  },
  'io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.CustomResourceDefinitionSpec': {
    properties: {
      versions: atomic,
    },
  },
  'io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.CustomResourceDefinitionStatus': {
    properties: {
      storedVersions: atomic,
    },
  },
  'io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.CustomResourceDefinitionVersion': {
    properties: {
      additionalPrinterColumns: atomic,
      selectableFields: atomic,
    },
  },
  'io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.JSONSchemaProps': {
    properties: {
      allOf: atomic,
      anyOf: atomic,
      enum: atomic,
      oneOf: atomic,
      required: atomic,
      'x-kubernetes-list-map-keys': atomic,
      'x-kubernetes-validations': mergeMap('rule'),
    },
  },
  'io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.WebhookConversion': {
    properties: {
      conversionReviewVersions: atomic,
    },
  },
  'io.k8s.apimachinery.pkg.apis.meta.v1.APIGroup': {
    properties: {
      serverAddressByClientCIDRs: atomic,
      versions: atomic,
    },
  },
  'io.k8s.apimachinery.pkg.apis.meta.v1.APIGroupList': { properties: { groups: atomic } },
  'io.k8s.apimachinery.pkg.apis.meta.v1.APIResource': {
    properties: {
      categories: atomic,
      shortNames: atomic,
    },
  },
  'io.k8s.apimachinery.pkg.apis.meta.v1.APIResourceList': { properties: { resources: atomic } },
  'io.k8s.apimachinery.pkg.apis.meta.v1.APIVersions': {
    properties: {
      serverAddressByClientCIDRs: atomic,
      versions: atomic,
    },
  },
  'io.k8s.apimachinery.pkg.apis.meta.v1.DeleteOptions': { properties: { dryRun: atomic } },
  'io.k8s.apimachinery.pkg.apis.meta.v1.FieldSelectorRequirement': { properties: { values: atomic } },
  'io.k8s.apimachinery.pkg.apis.meta.v1.LabelSelector': { properties: { matchExpressions: atomic } },
  'io.k8s.apimachinery.pkg.apis.meta.v1.LabelSelectorRequirement': {
    properties: {
      key: { 'x-kubernetes-patch-strategy': null, 'x-kubernetes-patch-merge-key': null },
      values: atomic,
    },
  },
  'io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta': {
    properties: {
      finalizers: mergeSet,
      managedFields: atomic,
      ownerReferences: mergeMap('uid'),
    },
  },
  'io.k8s.apimachinery.pkg.apis.meta.v1.Status': { properties: { details: atomic } },
  'io.k8s.apimachinery.pkg.apis.meta.v1.StatusDetails': { properties: { causes: atomic } },
  },

  /** k8ts' own one-line descriptions of the kinds it serves (shown by `kubectl explain`). */
  descriptions: {
    'io.k8s.api.core.v1.Binding': 'Assigns a pod to a node; created by the scheduler through pods/binding.',
    'io.k8s.api.core.v1.ComponentStatus': 'Health of a control-plane component (deprecated upstream).',
    'io.k8s.api.core.v1.ConfigMap': 'Non-secret configuration data as string or binary key-value pairs.',
    'io.k8s.api.core.v1.Endpoints': 'The addresses and ports that back a Service.',
    'io.k8s.api.core.v1.Event': 'A report of something that happened to an object.',
    'io.k8s.api.core.v1.LimitRange': 'Default and bounding resource limits per object in a namespace.',
    'io.k8s.api.core.v1.Namespace': 'A scope for names; most objects live in one.',
    'io.k8s.api.core.v1.Node': 'A machine that runs pods.',
    'io.k8s.api.core.v1.PersistentVolume': 'A piece of storage provisioned for the cluster.',
    'io.k8s.api.core.v1.PersistentVolumeClaim': 'A request for storage, bound to a PersistentVolume.',
    'io.k8s.api.core.v1.Pod': 'A group of containers scheduled together on one node.',
    'io.k8s.api.core.v1.PodTemplate': 'A stored template for creating pods.',
    'io.k8s.api.core.v1.ReplicationController': 'Keeps a number of pod replicas running (superseded by ReplicaSet).',
    'io.k8s.api.core.v1.ResourceQuota': 'Caps the total resources used in a namespace.',
    'io.k8s.api.core.v1.Secret': 'Sensitive data as key-value pairs.',
    'io.k8s.api.core.v1.Service': 'A stable network endpoint in front of a set of pods.',
    'io.k8s.api.core.v1.ServiceAccount': 'An identity for processes running in pods.',
    'io.k8s.api.admissionregistration.v1.MutatingWebhookConfiguration': 'Webhooks called to change objects on admission.',
    'io.k8s.api.admissionregistration.v1.ValidatingAdmissionPolicy': 'CEL rules that accept or reject objects on admission.',
    'io.k8s.api.admissionregistration.v1.ValidatingAdmissionPolicyBinding': 'Applies a ValidatingAdmissionPolicy to matching objects.',
    'io.k8s.api.admissionregistration.v1.ValidatingWebhookConfiguration': 'Webhooks called to accept or reject objects on admission.',
    'io.k8s.kube-aggregator.pkg.apis.apiregistration.v1.APIService': 'Registers a group-version served by this or another server.',
    'io.k8s.api.apps.v1.ControllerRevision': 'An immutable snapshot of a workload template, kept for rollbacks.',
    'io.k8s.api.apps.v1.DaemonSet': 'Runs one copy of a pod on each eligible node.',
    'io.k8s.api.apps.v1.Deployment': 'Declarative updates of replicated pods through ReplicaSets.',
    'io.k8s.api.apps.v1.ReplicaSet': 'Keeps a number of identical pod replicas running.',
    'io.k8s.api.apps.v1.StatefulSet': 'Pods with stable names and storage, created and updated in order.',
    'io.k8s.api.authentication.v1.SelfSubjectReview': 'Tells the caller how the server authenticated them.',
    'io.k8s.api.authentication.v1.TokenRequest': 'Asks for a token for a service account.',
    'io.k8s.api.authentication.v1.TokenReview': 'Asks the server to authenticate a token.',
    'io.k8s.api.authorization.v1.LocalSubjectAccessReview': 'Checks whether a user may act in one namespace.',
    'io.k8s.api.authorization.v1.SelfSubjectAccessReview': 'Checks whether the caller may perform an action.',
    'io.k8s.api.authorization.v1.SelfSubjectRulesReview': 'Lists what the caller may do in a namespace.',
    'io.k8s.api.authorization.v1.SubjectAccessReview': 'Checks whether a user may perform an action.',
    'io.k8s.api.autoscaling.v1.HorizontalPodAutoscaler': 'Scales a workload by observed CPU use.',
    'io.k8s.api.autoscaling.v1.Scale': 'The replica count of a scalable resource.',
    'io.k8s.api.autoscaling.v2.HorizontalPodAutoscaler': 'Scales a workload by observed metrics.',
    'io.k8s.api.batch.v1.CronJob': 'Creates Jobs on a schedule.',
    'io.k8s.api.batch.v1.Job': 'Runs pods until a number of them complete.',
    'io.k8s.api.certificates.v1.CertificateSigningRequest': 'A request for a signed X.509 certificate.',
    'io.k8s.api.coordination.v1.Lease': 'A lock with a holder and an expiry, used for leader election and heartbeats.',
    'io.k8s.api.discovery.v1.EndpointSlice': 'A subset of the endpoints of a Service.',
    'io.k8s.api.events.v1.Event': 'A report of something that happened to an object.',
    'io.k8s.api.flowcontrol.v1.FlowSchema': 'Classifies requests into priority levels.',
    'io.k8s.api.flowcontrol.v1.PriorityLevelConfiguration': 'Concurrency share and queuing of a priority level.',
    'io.k8s.api.networking.v1.Ingress': 'HTTP routing from outside the cluster to Services.',
    'io.k8s.api.networking.v1.IngressClass': 'Names the controller that implements an Ingress.',
    'io.k8s.api.networking.v1.NetworkPolicy': 'Which traffic may reach or leave selected pods.',
    'io.k8s.api.node.v1.RuntimeClass': 'A container runtime configuration pods can select.',
    'io.k8s.api.policy.v1.Eviction': 'Asks to evict a pod, subject to its disruption budgets.',
    'io.k8s.api.policy.v1.PodDisruptionBudget': 'Limits how many pods of a set may be down at once.',
    'io.k8s.api.rbac.v1.ClusterRole': 'A set of permissions across the cluster.',
    'io.k8s.api.rbac.v1.ClusterRoleBinding': 'Grants a ClusterRole to subjects across the cluster.',
    'io.k8s.api.rbac.v1.Role': 'A set of permissions within a namespace.',
    'io.k8s.api.rbac.v1.RoleBinding': 'Grants a Role or ClusterRole to subjects within a namespace.',
    'io.k8s.api.scheduling.v1.PriorityClass': 'Maps a priority class name to a pod priority value.',
    'io.k8s.api.storage.v1.CSIDriver': 'How the cluster talks to a CSI volume driver.',
    'io.k8s.api.storage.v1.CSINode': 'The CSI drivers installed on a node.',
    'io.k8s.api.storage.v1.CSIStorageCapacity': 'Storage capacity a CSI driver reports for a topology segment.',
    'io.k8s.api.storage.v1.StorageClass': 'A class of dynamically provisioned storage.',
    'io.k8s.api.storage.v1.VolumeAttachment': 'Attaching a volume to a node.',
    'io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.CustomResourceDefinition': 'Defines a custom resource type served by the API.',
  },
};
