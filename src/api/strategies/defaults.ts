import { Quantity } from '../../apimachinery/quantity.js';
import type { KubeObject } from '../../apimachinery/types.js';
import type { StrategyOverlay } from '../strategy.js';

/**
 * Upstream 1.32's defaulting of the built-in types (the SetDefaults_* functions of
 * pkg/apis/<group>/v1, run by the apiserver after decoding), so that objects read back look
 * as upstream stores them. Each function mutates in place and is idempotent.
 */

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => v !== null && typeof v === 'object' && !Array.isArray(v);
const objAt = (o: Obj, k: string): Obj => (isObj(o[k]) ? (o[k] as Obj) : (o[k] = {}));
const setIfUnset = (o: Obj, k: string, v: unknown): void => {
  if (o[k] === undefined || o[k] === null) o[k] = v;
};
const list = (v: unknown): Obj[] => (Array.isArray(v) ? (v.filter(isObj) as Obj[]) : []);

// ---- pods ----

/** imagePullPolicy as upstream: Always for `:latest` or an untagged image, else IfNotPresent (digests too). */
export function defaultPullPolicy(image: string): string {
  if (image.includes('@')) return 'IfNotPresent';
  const lastSlash = image.lastIndexOf('/');
  const colon = image.indexOf(':', lastSlash + 1);
  const tag = colon >= 0 ? image.slice(colon + 1) : '';
  return tag === '' || tag === 'latest' ? 'Always' : 'IfNotPresent';
}

function defaultProbe(p: unknown): void {
  if (!isObj(p)) return;
  setIfUnset(p, 'timeoutSeconds', 1);
  setIfUnset(p, 'periodSeconds', 10);
  setIfUnset(p, 'successThreshold', 1);
  setIfUnset(p, 'failureThreshold', 3);
  if (isObj(p.httpGet)) setIfUnset(p.httpGet, 'scheme', 'HTTP');
  if (isObj(p.grpc)) setIfUnset(p.grpc, 'service', '');
}

function defaultLifecycleHandler(h: unknown): void {
  if (isObj(h) && isObj(h.httpGet)) setIfUnset(h.httpGet, 'scheme', 'HTTP');
}

function defaultContainer(c: Obj, hostNetwork: boolean): void {
  setIfUnset(c, 'terminationMessagePath', '/dev/termination-log');
  setIfUnset(c, 'terminationMessagePolicy', 'File');
  if (typeof c.image === 'string') setIfUnset(c, 'imagePullPolicy', defaultPullPolicy(c.image));
  const res = objAt(c, 'resources');
  // Requests default to limits where only limits are given.
  if (isObj(res.limits)) {
    const requests = isObj(res.requests) ? res.requests : {};
    for (const [k, v] of Object.entries(res.limits)) if (requests[k] === undefined) requests[k] = v;
    if (Object.keys(requests).length) res.requests = requests;
  }
  for (const port of list(c.ports)) {
    setIfUnset(port, 'protocol', 'TCP');
    if (hostNetwork && (port.hostPort === undefined || port.hostPort === 0)) port.hostPort = port.containerPort;
  }
  for (const e of list(c.env)) {
    const fr = isObj(e.valueFrom) ? e.valueFrom.fieldRef : undefined;
    if (isObj(fr)) setIfUnset(fr, 'apiVersion', 'v1');
  }
  defaultProbe(c.livenessProbe);
  defaultProbe(c.readinessProbe);
  defaultProbe(c.startupProbe);
  if (isObj(c.lifecycle)) {
    defaultLifecycleHandler(c.lifecycle.postStart);
    defaultLifecycleHandler(c.lifecycle.preStop);
  }
}

function defaultVolume(v: Obj): void {
  const sources = ['hostPath', 'emptyDir', 'gcePersistentDisk', 'awsElasticBlockStore', 'gitRepo', 'secret', 'nfs', 'iscsi', 'glusterfs', 'persistentVolumeClaim', 'rbd', 'flexVolume', 'cinder', 'cephfs', 'flocker', 'downwardAPI', 'fc', 'azureFile', 'configMap', 'vsphereVolume', 'quobyte', 'azureDisk', 'photonPersistentDisk', 'projected', 'portworxVolume', 'scaleIO', 'storageos', 'csi', 'ephemeral', 'image'];
  if (!sources.some((s) => v[s] !== undefined)) v.emptyDir = {};
  if (isObj(v.hostPath)) setIfUnset(v.hostPath, 'type', '');
  if (isObj(v.secret)) setIfUnset(v.secret, 'defaultMode', 420);
  if (isObj(v.configMap)) setIfUnset(v.configMap, 'defaultMode', 420);
  if (isObj(v.downwardAPI)) {
    setIfUnset(v.downwardAPI, 'defaultMode', 420);
    for (const it of list(v.downwardAPI.items)) if (isObj(it.fieldRef)) setIfUnset(it.fieldRef, 'apiVersion', 'v1');
  }
  if (isObj(v.projected)) {
    setIfUnset(v.projected, 'defaultMode', 420);
    for (const s of list(v.projected.sources)) {
      if (isObj(s.serviceAccountToken)) setIfUnset(s.serviceAccountToken, 'expirationSeconds', 3600);
      if (isObj(s.downwardAPI)) for (const it of list(s.downwardAPI.items)) if (isObj(it.fieldRef)) setIfUnset(it.fieldRef, 'apiVersion', 'v1');
    }
  }
  if (isObj(v.iscsi)) {
    setIfUnset(v.iscsi, 'iscsiInterface', 'default');
  }
  if (isObj(v.rbd)) {
    setIfUnset(v.rbd, 'pool', 'rbd');
    setIfUnset(v.rbd, 'user', 'admin');
    setIfUnset(v.rbd, 'keyring', '/etc/ceph/keyring');
  }
  if (isObj(v.azureDisk)) {
    setIfUnset(v.azureDisk, 'cachingMode', 'ReadWrite');
    setIfUnset(v.azureDisk, 'fsType', 'ext4');
    setIfUnset(v.azureDisk, 'readOnly', false);
    setIfUnset(v.azureDisk, 'kind', 'Shared');
  }
  if (isObj(v.scaleIO)) {
    setIfUnset(v.scaleIO, 'storageMode', 'ThinProvisioned');
    setIfUnset(v.scaleIO, 'fsType', 'xfs');
  }
  if (isObj(v.ephemeral) && isObj(v.ephemeral.volumeClaimTemplate)) {
    const spec = v.ephemeral.volumeClaimTemplate.spec;
    if (isObj(spec)) setIfUnset(spec, 'volumeMode', 'Filesystem');
  }
}

/** SetDefaults_PodSpec and everything below it (containers, probes, volumes). */
export function defaultPodSpec(spec: Obj): void {
  setIfUnset(spec, 'restartPolicy', 'Always');
  setIfUnset(spec, 'terminationGracePeriodSeconds', 30);
  setIfUnset(spec, 'dnsPolicy', 'ClusterFirst');
  setIfUnset(spec, 'securityContext', {});
  setIfUnset(spec, 'schedulerName', 'default-scheduler');
  setIfUnset(spec, 'enableServiceLinks', true);
  const hostNetwork = spec.hostNetwork === true;
  for (const c of [...list(spec.initContainers), ...list(spec.containers), ...list(spec.ephemeralContainers)]) defaultContainer(c, hostNetwork);
  for (const v of list(spec.volumes)) defaultVolume(v);
  if (isObj(spec.affinity)) {
    // nothing to default
  }
  for (const t of list(spec.tolerations)) if (t.operator === undefined && t.key === undefined) t.operator = 'Exists';
}

export function defaultPodTemplateSpec(tpl: unknown): void {
  if (!isObj(tpl)) return;
  defaultPodSpec(objAt(tpl, 'spec'));
}

/** The QoS class of a pod as upstream computes status.qosClass. */
export function qosClassOf(spec: Obj): 'Guaranteed' | 'Burstable' | 'BestEffort' {
  const containers = [...list(spec.initContainers), ...list(spec.containers)];
  let any = false;
  let guaranteed = true;
  for (const c of containers) {
    const r = isObj(c.resources) ? c.resources : {};
    const req = isObj(r.requests) ? r.requests : {};
    const lim = isObj(r.limits) ? r.limits : {};
    const relevant = (m: Obj) => Object.entries(m).filter(([k]) => k === 'cpu' || k === 'memory');
    if (relevant(req).length || relevant(lim).length) any = true;
    for (const k of ['cpu', 'memory']) {
      if (lim[k] === undefined) {
        guaranteed = false;
        continue;
      }
      if (req[k] !== undefined) {
        try {
          if (Quantity.parse(String(req[k])).cmp(Quantity.parse(String(lim[k]))) !== 0) guaranteed = false;
        } catch {
          guaranteed = false;
        }
      }
    }
  }
  if (!any) return 'BestEffort';
  return guaranteed ? 'Guaranteed' : 'Burstable';
}

// ---- workloads ----

function defaultReplicas(spec: Obj): void {
  setIfUnset(spec, 'replicas', 1);
}

function defaultDeployment(o: KubeObject): void {
  const spec = objAt(o, 'spec');
  defaultReplicas(spec);
  const strategy = objAt(spec, 'strategy');
  setIfUnset(strategy, 'type', 'RollingUpdate');
  if (strategy.type === 'RollingUpdate') {
    const ru = objAt(strategy, 'rollingUpdate');
    setIfUnset(ru, 'maxUnavailable', '25%');
    setIfUnset(ru, 'maxSurge', '25%');
  }
  setIfUnset(spec, 'revisionHistoryLimit', 10);
  setIfUnset(spec, 'progressDeadlineSeconds', 600);
  defaultPodTemplateSpec(spec.template);
}

function defaultReplicaSet(o: KubeObject): void {
  const spec = objAt(o, 'spec');
  defaultReplicas(spec);
  defaultPodTemplateSpec(spec.template);
}

function defaultReplicationController(o: KubeObject): void {
  const spec = objAt(o, 'spec');
  const tpl = isObj(spec.template) ? spec.template : undefined;
  const tplLabels = tpl && isObj(tpl.metadata) && isObj(tpl.metadata.labels) ? tpl.metadata.labels : undefined;
  // As upstream: the selector and the RC's labels default to the template's labels.
  if (tplLabels && (!isObj(spec.selector) || Object.keys(spec.selector).length === 0)) spec.selector = { ...tplLabels };
  const meta = o.metadata!;
  if (tplLabels && (!meta.labels || Object.keys(meta.labels).length === 0)) meta.labels = { ...(tplLabels as Record<string, string>) };
  defaultReplicas(spec);
  defaultPodTemplateSpec(spec.template);
}

function defaultStatefulSet(o: KubeObject): void {
  const spec = objAt(o, 'spec');
  defaultReplicas(spec);
  setIfUnset(spec, 'podManagementPolicy', 'OrderedReady');
  const us = objAt(spec, 'updateStrategy');
  setIfUnset(us, 'type', 'RollingUpdate');
  if (us.type === 'RollingUpdate') {
    const ru = objAt(us, 'rollingUpdate');
    setIfUnset(ru, 'partition', 0);
  }
  setIfUnset(spec, 'revisionHistoryLimit', 10);
  const retention = objAt(spec, 'persistentVolumeClaimRetentionPolicy');
  setIfUnset(retention, 'whenDeleted', 'Retain');
  setIfUnset(retention, 'whenScaled', 'Retain');
  for (const t of list(spec.volumeClaimTemplates)) {
    setIfUnset(t, 'apiVersion', 'v1');
    setIfUnset(t, 'kind', 'PersistentVolumeClaim');
    const ts = objAt(t, 'spec');
    setIfUnset(ts, 'volumeMode', 'Filesystem');
    const st = objAt(t, 'status');
    setIfUnset(st, 'phase', 'Pending');
  }
  defaultPodTemplateSpec(spec.template);
}

function defaultDaemonSet(o: KubeObject): void {
  const spec = objAt(o, 'spec');
  const us = objAt(spec, 'updateStrategy');
  setIfUnset(us, 'type', 'RollingUpdate');
  if (us.type === 'RollingUpdate') {
    const ru = objAt(us, 'rollingUpdate');
    setIfUnset(ru, 'maxUnavailable', 1);
    setIfUnset(ru, 'maxSurge', 0);
  }
  setIfUnset(spec, 'revisionHistoryLimit', 10);
  defaultPodTemplateSpec(spec.template);
}

function defaultJob(o: KubeObject): void {
  const spec = objAt(o, 'spec');
  if ((spec.completions === undefined || spec.completions === null) && (spec.parallelism === undefined || spec.parallelism === null)) {
    spec.completions = 1;
    spec.parallelism = 1;
  }
  setIfUnset(spec, 'parallelism', 1);
  setIfUnset(spec, 'backoffLimit', spec.backoffLimitPerIndex !== undefined && spec.backoffLimitPerIndex !== null ? 2147483647 : 6);
  setIfUnset(spec, 'completionMode', 'NonIndexed');
  setIfUnset(spec, 'suspend', false);
  setIfUnset(spec, 'manualSelector', undefined);
  if (spec.manualSelector === undefined) delete spec.manualSelector;
  setIfUnset(spec, 'podReplacementPolicy', isObj(spec.podFailurePolicy) ? 'Failed' : 'TerminatingOrFailed');
  defaultPodTemplateSpec(spec.template);
}

/**
 * As upstream's Job strategy on create: unless spec.manualSelector, the selector is generated
 * from the Job's uid and the pod template gets the matching labels (both the current
 * batch.kubernetes.io/ names and the legacy ones).
 */
function generateJobSelector(o: KubeObject): void {
  const spec = objAt(o, 'spec');
  if (spec.manualSelector === true) return;
  const uid = o.metadata?.uid;
  const name = o.metadata?.name;
  if (!uid || !name) return;
  const tpl = objAt(spec, 'template');
  const meta = objAt(tpl, 'metadata');
  const labels = (isObj(meta.labels) ? meta.labels : (meta.labels = {})) as Record<string, string>;
  labels['batch.kubernetes.io/controller-uid'] = uid;
  labels['batch.kubernetes.io/job-name'] = name;
  labels['controller-uid'] = uid;
  labels['job-name'] = name;
  spec.selector = { matchLabels: { 'batch.kubernetes.io/controller-uid': uid } };
}

function defaultCronJob(o: KubeObject): void {
  const spec = objAt(o, 'spec');
  setIfUnset(spec, 'concurrencyPolicy', 'Allow');
  setIfUnset(spec, 'suspend', false);
  setIfUnset(spec, 'successfulJobsHistoryLimit', 3);
  setIfUnset(spec, 'failedJobsHistoryLimit', 1);
  const jt = isObj(spec.jobTemplate) ? spec.jobTemplate : undefined;
  if (jt && isObj(jt.spec)) defaultPodTemplateSpec(jt.spec.template);
}

// ---- core ----

function defaultService(o: KubeObject): void {
  const spec = objAt(o, 'spec');
  setIfUnset(spec, 'type', 'ClusterIP');
  setIfUnset(spec, 'sessionAffinity', 'None');
  if (spec.sessionAffinity === 'ClientIP') {
    const cfg = objAt(spec, 'sessionAffinityConfig');
    const cip = objAt(cfg, 'clientIP');
    setIfUnset(cip, 'timeoutSeconds', 10800);
  }
  for (const p of list(spec.ports)) {
    setIfUnset(p, 'protocol', 'TCP');
    if (p.targetPort === undefined || p.targetPort === 0 || p.targetPort === '') p.targetPort = p.port;
  }
  if (spec.type !== 'ExternalName') setIfUnset(spec, 'internalTrafficPolicy', 'Cluster');
  if (spec.type === 'NodePort' || spec.type === 'LoadBalancer') setIfUnset(spec, 'externalTrafficPolicy', 'Cluster');
  if (spec.type === 'LoadBalancer') setIfUnset(spec, 'allocateLoadBalancerNodePorts', true);
}

function defaultPvcSpec(spec: Obj): void {
  setIfUnset(spec, 'volumeMode', 'Filesystem');
}

function defaultPersistentVolume(o: KubeObject): void {
  const spec = objAt(o, 'spec');
  setIfUnset(spec, 'persistentVolumeReclaimPolicy', 'Retain');
  setIfUnset(spec, 'volumeMode', 'Filesystem');
  if (isObj(spec.hostPath)) setIfUnset(spec.hostPath, 'type', '');
}

function defaultEndpoints(o: KubeObject): void {
  for (const s of list(o.subsets)) for (const p of list(s.ports)) setIfUnset(p, 'protocol', 'TCP');
}

function defaultLimitRange(o: KubeObject): void {
  for (const item of list(objAt(o, 'spec').limits)) {
    if (item.type !== 'Container') continue;
    const def = (isObj(item.default) ? item.default : {}) as Obj;
    for (const [k, v] of Object.entries(isObj(item.max) ? item.max : {})) if (def[k] === undefined) def[k] = v;
    if (Object.keys(def).length) item.default = def;
    const defReq = (isObj(item.defaultRequest) ? item.defaultRequest : {}) as Obj;
    for (const [k, v] of Object.entries(def)) if (defReq[k] === undefined) defReq[k] = v;
    for (const [k, v] of Object.entries(isObj(item.min) ? item.min : {})) if (defReq[k] === undefined) defReq[k] = v;
    if (Object.keys(defReq).length) item.defaultRequest = defReq;
  }
}

// ---- other groups ----

function defaultSubjects(o: KubeObject): void {
  for (const s of list(o.subjects)) {
    if (s.apiGroup !== undefined) continue;
    if (s.kind === 'ServiceAccount') s.apiGroup = '';
    else if (s.kind === 'User' || s.kind === 'Group') s.apiGroup = 'rbac.authorization.k8s.io';
  }
}

function defaultNetworkPolicy(o: KubeObject): void {
  const spec = objAt(o, 'spec');
  for (const r of [...list(spec.ingress), ...list(spec.egress)]) for (const p of list(r.ports)) setIfUnset(p, 'protocol', 'TCP');
  if (!Array.isArray(spec.policyTypes) || spec.policyTypes.length === 0) {
    const types = ['Ingress'];
    if (Array.isArray(spec.egress) && spec.egress.length) types.push('Egress');
    spec.policyTypes = types;
  }
}

function defaultWebhooks(mutating: boolean) {
  return (o: KubeObject) => {
    for (const w of list(o.webhooks)) {
      setIfUnset(w, 'failurePolicy', 'Fail');
      setIfUnset(w, 'matchPolicy', 'Equivalent');
      setIfUnset(w, 'namespaceSelector', {});
      setIfUnset(w, 'objectSelector', {});
      setIfUnset(w, 'timeoutSeconds', 10);
      if (mutating) setIfUnset(w, 'reinvocationPolicy', 'Never');
      for (const r of list(w.rules)) setIfUnset(r, 'scope', '*');
      const cc = isObj(w.clientConfig) ? w.clientConfig : undefined;
      if (cc && isObj(cc.service)) setIfUnset(cc.service, 'port', 443);
    }
  };
}

function defaultHpa(o: KubeObject): void {
  setIfUnset(objAt(o, 'spec'), 'minReplicas', 1);
}

function defaultEndpointSlice(o: KubeObject): void {
  for (const p of list(o.ports)) {
    setIfUnset(p, 'protocol', 'TCP');
    setIfUnset(p, 'name', '');
  }
}

export const DEFAULTS: StrategyOverlay = {
  '/pods': {
    default: (o) => defaultPodSpec(objAt(o, 'spec')),
    prepareForCreate: (o) => {
      // As upstream's pod strategy: a new pod starts Pending, with its QoS class.
      o.status = { phase: 'Pending', qosClass: qosClassOf(isObj(o.spec) ? o.spec : {}) };
    },
  },
  '/podtemplates': { default: (o) => defaultPodTemplateSpec(o.template) },
  '/replicationcontrollers': { default: defaultReplicationController },
  'apps/deployments': { default: defaultDeployment },
  'apps/replicasets': { default: defaultReplicaSet },
  'apps/statefulsets': { default: defaultStatefulSet },
  'apps/daemonsets': { default: defaultDaemonSet },
  'batch/jobs': { default: defaultJob, prepareForCreate: generateJobSelector },
  'batch/cronjobs': { default: defaultCronJob },
  '/services': { default: defaultService },
  '/secrets': { default: (o) => setIfUnset(o, 'type', 'Opaque') },
  '/persistentvolumeclaims': {
    default: (o) => defaultPvcSpec(objAt(o, 'spec')),
    prepareForCreate: (o) => {
      o.status = { phase: 'Pending' };
    },
  },
  '/persistentvolumes': {
    default: defaultPersistentVolume,
    prepareForCreate: (o) => {
      o.status = { phase: 'Pending' };
    },
  },
  '/endpoints': { default: defaultEndpoints },
  '/limitranges': { default: defaultLimitRange },
  'rbac.authorization.k8s.io/rolebindings': { default: defaultSubjects },
  'rbac.authorization.k8s.io/clusterrolebindings': { default: defaultSubjects },
  'networking.k8s.io/networkpolicies': { default: defaultNetworkPolicy },
  'storage.k8s.io/storageclasses': {
    default: (o) => {
      setIfUnset(o, 'reclaimPolicy', 'Delete');
      setIfUnset(o, 'volumeBindingMode', 'Immediate');
    },
  },
  'scheduling.k8s.io/priorityclasses': { default: (o) => setIfUnset(o, 'preemptionPolicy', 'PreemptLowerPriority') },
  'admissionregistration.k8s.io/validatingwebhookconfigurations': { default: defaultWebhooks(false) },
  'admissionregistration.k8s.io/mutatingwebhookconfigurations': { default: defaultWebhooks(true) },
  'autoscaling/horizontalpodautoscalers': { default: defaultHpa },
  'discovery.k8s.io/endpointslices': { default: defaultEndpointSlice },
};
