import { isObject, type KubeObject } from '../../apimachinery/types.js';
import type { Store } from '../../storage/index.js';
import { serviceBehaviour } from './core/services.js';
import { CONVERSIONS } from './conversions.js';
import type { TypeBehaviour } from './registry.js';
import type { NameRule, StrategyOverlay, TypeStrategy } from './strategy.js';

const str = (v: unknown): string => (v === undefined || v === null ? '' : String(v));
const get = (o: KubeObject, path: string): unknown => {
  let cur: unknown = o;
  for (const p of path.split('.')) {
    if (!isObject(cur)) return undefined;
    cur = cur[p];
  }
  return cur;
};

/** Selectable fields built from dotted paths (values rendered as strings, '' when absent). */
function fields(...paths: string[]): (o: KubeObject) => Record<string, string> {
  return (o) => Object.fromEntries(paths.map((p) => [p, str(get(o, p))]));
}

/** Resources whose objects carry metadata.generation (bumped on spec changes), as upstream. */
const GENERATION = [
  'apps/deployments',
  'apps/replicasets',
  'apps/statefulsets',
  'apps/daemonsets',
  'batch/jobs',
  'batch/cronjobs',
  'autoscaling/horizontalpodautoscalers',
  'policy/poddisruptionbudgets',
  'networking.k8s.io/ingresses',
  'networking.k8s.io/networkpolicies',
  '/replicationcontrollers',
  'admissionregistration.k8s.io/validatingadmissionpolicies',
  'flowcontrol.apiserver.k8s.io/flowschemas',
  'flowcontrol.apiserver.k8s.io/prioritylevelconfigurations',
];

/** Name validation per resource where it is not a DNS subdomain (upstream's ValidateNameFunc). */
const NAME_RULES: Record<string, NameRule> = {
  '/namespaces': 'dns-label',
  '/services': 'dns1035-label',
  'rbac.authorization.k8s.io/roles': 'path-segment',
  'rbac.authorization.k8s.io/rolebindings': 'path-segment',
  'rbac.authorization.k8s.io/clusterroles': 'path-segment',
  'rbac.authorization.k8s.io/clusterrolebindings': 'path-segment',
  'flowcontrol.apiserver.k8s.io/flowschemas': 'path-segment',
  'flowcontrol.apiserver.k8s.io/prioritylevelconfigurations': 'path-segment',
  'authentication.k8s.io/tokenreviews': 'path-segment',
};

/** PUT creates missing objects for these, as upstream's AllowCreateOnUpdate. */
const CREATE_ON_UPDATE = ['/endpoints', '/events', 'events.k8s.io/events', 'coordination.k8s.io/leases', 'discovery.k8s.io/endpointslices', '/limitranges'];

const SPECIFIC: Record<string, Partial<TypeStrategy>> = {
  '/pods': {
    returnDeletedObject: true,
    selectableFields: fields(
      'spec.nodeName',
      'spec.restartPolicy',
      'spec.schedulerName',
      'spec.serviceAccountName',
      'spec.hostNetwork',
      'status.phase',
      'status.podIP',
      'status.nominatedNodeName',
    ),
    gracePeriod(pod, opts) {
      // As upstream's pod strategy: unscheduled or finished pods go at once; otherwise the
      // client's grace period, else the pod's own (default 30 s).
      const spec = isObject(pod.spec) ? pod.spec : {};
      const phase = isObject(pod.status) ? pod.status.phase : undefined;
      if (!spec.nodeName || phase === 'Succeeded' || phase === 'Failed') return 0;
      if (opts.gracePeriodSeconds !== undefined) return opts.gracePeriodSeconds;
      return typeof spec.terminationGracePeriodSeconds === 'number' ? spec.terminationGracePeriodSeconds : 30;
    },
  },
  '/namespaces': {
    returnDeletedObject: true,
    selectableFields: fields('status.phase'),
    prepareForCreate(ns) {
      ns.status = { phase: 'Active' };
      const spec = (isObject(ns.spec) ? ns.spec : (ns.spec = {})) as Record<string, unknown>;
      if (!Array.isArray(spec.finalizers)) spec.finalizers = ['kubernetes'];
    },
    deletionPending: (ns) => Array.isArray((ns.spec as Record<string, unknown> | undefined)?.finalizers) && ((ns.spec as { finalizers: string[] }).finalizers.length > 0),
    markDeleting(ns) {
      ns.status = { ...(isObject(ns.status) ? ns.status : {}), phase: 'Terminating' };
    },
  },
  '/nodes': { selectableFields: fields('spec.unschedulable') },
  '/secrets': { selectableFields: fields('type') },
  '/events': {
    selectableFields: fields(
      'involvedObject.kind',
      'involvedObject.namespace',
      'involvedObject.name',
      'involvedObject.uid',
      'involvedObject.apiVersion',
      'involvedObject.resourceVersion',
      'involvedObject.fieldPath',
      'reason',
      'reportingComponent',
      'source',
      'type',
    ),
  },
  '/replicationcontrollers': { selectableFields: fields('status.replicas') },
  'apps/replicasets': { selectableFields: fields('status.replicas') },
  'batch/jobs': { selectableFields: fields('status.successful') },
  'certificates.k8s.io/certificatesigningrequests': { selectableFields: fields('spec.signerName') },
  '/persistentvolumeclaims': { selectableFields: fields('status.phase') },
  '/persistentvolumes': { selectableFields: fields('status.phase') },
  '/serviceaccounts': {},
};


/**
 * The behaviour of every built-in resource: generic flags plus the specific pieces above
 * and whatever overlays (defaulting and validation per type) are passed in.
 */
export function builtinBehaviours(store: Store, overlays: StrategyOverlay[] = []): Record<string, TypeBehaviour> {
  const out: Record<string, TypeBehaviour> = {};
  const keys = new Set([...Object.keys(CONVERSIONS), ...GENERATION, ...Object.keys(NAME_RULES), ...CREATE_ON_UPDATE, ...Object.keys(SPECIFIC), ...overlays.flatMap((o) => Object.keys(o))]);
  const svc = serviceBehaviour(store);
  keys.add('/services');
  for (const key of keys) {
    const strategy: TypeStrategy = {};
    if (GENERATION.includes(key)) strategy.generation = true;
    if (NAME_RULES[key]) strategy.nameRule = NAME_RULES[key];
    if (CREATE_ON_UPDATE.includes(key)) strategy.allowCreateOnUpdate = true;
    Object.assign(strategy, SPECIFIC[key]);
    if (key === '/services') Object.assign(strategy, svc.strategy);
    for (const o of overlays) {
      const extra = o[key];
      if (!extra) continue;
      for (const [k, v] of Object.entries(extra) as [keyof TypeStrategy, unknown][]) {
        const prev = strategy[k];
        // Hooks present on both sides run one after the other; validators concatenate.
        if (typeof prev === 'function' && typeof v === 'function') {
          (strategy as Record<string, unknown>)[k] = (...args: unknown[]) => {
            const a = (prev as (...x: unknown[]) => unknown)(...args);
            const b = (v as (...x: unknown[]) => unknown)(...args);
            if (Array.isArray(a) && Array.isArray(b)) return [...a, ...b];
            if (isObject(a) && isObject(b)) return { ...a, ...b };
            return b ?? a;
          };
        } else {
          (strategy as Record<string, unknown>)[k] = v;
        }
      }
    }
    out[key] = { strategy, hooks: key === '/services' ? svc.hooks : undefined, conversions: CONVERSIONS[key] };
  }
  return out;
}
