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
