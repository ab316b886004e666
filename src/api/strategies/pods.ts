/**
 * Strategies of core/v1 pods and pod templates, as kube-apiserver 1.32's pod and
 * podtemplate registries (pkg/registry/core/pod, pkg/registry/core/podtemplate) with the
 * validation of pkg/apis/core/validation.
 */
import { fieldErrors, type FieldError } from '../../apimachinery/field-errors.js';
import { FieldPath } from '../../apimachinery/field-path.js';
import { Quantity } from '../../apimachinery/quantity.js';
import { isObject, type KubeObject, type ObjectMeta } from '../../apimachinery/types.js';
import {
  FIELD_IMMUTABLE_ERROR_MSG,
  isDNS1123Label,
  isQualifiedName,
  isValidIP,
  isValidIPv4Address,
  nameIsDNSSubdomain,
} from '../../apimachinery/validation.js';
import type { StrategyOverlay, TypeStrategy } from '../strategy.js';
import { asArr, asNum, asObj, asStr, deepClone, objAt, semanticEqual, type Json } from './pod-json.js';
import {
  APPARMOR_ANNOTATION_PREFIX,
  MIRROR_POD_ANNOTATION,
  defaultPod,
  defaultPodTemplateSpec,
  dropDisabledPodSpecFields,
  podValidationOptions,
  validateAnnotationsMatchFields,
  validateContainerOnlyForPod,
  validatePodSpec,
  validatePodSpecificAnnotations,
  validatePodTemplateSpec,
  validateTolerations,
  type PodValidationOptions,
} from './pod-spec.js';
import { podSpecWarnings } from './pod-warnings.js';

const SPEC = FieldPath.root('spec');
const METADATA = FieldPath.root('metadata');
const STATUS = FieldPath.root('status');

const specOf = (o: KubeObject): Json => objAt(o as Json, 'spec');
const statusOf = (o: KubeObject): Json => objAt(o as Json, 'status');

// ---------------------------------------------------------------------------------------
// Quality of service

function addTo(sum: Map<string, Quantity>, name: string, q: Quantity): void {
  const prev = sum.get(name);
  sum.set(name, prev ? prev.add(q) : q);
}

/**
 * The pod's QoS class as upstream's ComputePodQOS: BestEffort without any cpu/memory
 * request or limit, Guaranteed when every container limits both and requests equal limits,
 * else Burstable. Init containers count; ephemeral ones do not.
 */
export function computePodQOS(spec: Json): 'BestEffort' | 'Burstable' | 'Guaranteed' {
  const requests = new Map<string, Quantity>();
  const limits = new Map<string, Quantity>();
  let guaranteed = true;
  for (const raw of [...asArr(spec.containers), ...asArr(spec.initContainers)]) {
    const res = asObj(asObj(raw)?.resources) ?? {};
    for (const [name, v] of Object.entries(asObj(res.requests) ?? {})) {
      if (name !== 'cpu' && name !== 'memory') continue;
      const q = parseQ(v);
      if (q && q.sign() > 0) addTo(requests, name, q);
    }
    const found = new Set<string>();
    for (const [name, v] of Object.entries(asObj(res.limits) ?? {})) {
      if (name !== 'cpu' && name !== 'memory') continue;
      const q = parseQ(v);
      if (q && q.sign() > 0) {
        found.add(name);
        addTo(limits, name, q);
      }
    }
    if (!found.has('cpu') || !found.has('memory')) guaranteed = false;
  }
  if (requests.size === 0 && limits.size === 0) return 'BestEffort';
  if (guaranteed) {
    for (const [name, req] of requests) {
      const lim = limits.get(name);
      if (!lim || lim.cmp(req) !== 0) {
        guaranteed = false;
        break;
      }
    }
  }
  return guaranteed && requests.size === limits.size ? 'Guaranteed' : 'Burstable';
}

function parseQ(v: unknown): Quantity | undefined {
  try {
    return Quantity.fromJSON(v);
  } catch {
    return undefined;
  }
}

// ---------------------------------------------------------------------------------------
// Create-time mutations

/** As upstream's applyMatchLabelKeysAndMismatchLabelKeys (MatchLabelKeysInPodAffinity, on in 1.32). */
function mutatePodAffinity(spec: Json, labels: Record<string, string>): void {
  const affinity = asObj(spec.affinity);
  if (!affinity) return;
  const apply = (term: unknown) => {
    const t = asObj(term);
    const selector = asObj(t?.labelSelector);
    if (!t || !selector) return;
    const add = (keys: unknown, operator: 'In' | 'NotIn') => {
      for (const key of asArr(keys).map(String)) {
        if (!(key in labels)) continue;
        const exprs = Array.isArray(selector.matchExpressions) ? selector.matchExpressions : (selector.matchExpressions = []);
        exprs.push({ key, operator, values: [labels[key]] });
      }
    };
    add(t.matchLabelKeys, 'In');
    add(t.mismatchLabelKeys, 'NotIn');
  };
  for (const kind of ['podAffinity', 'podAntiAffinity']) {
    const a = asObj(affinity[kind]);
    if (!a) continue;
    for (const t of asArr(a.requiredDuringSchedulingIgnoredDuringExecution)) apply(t);
    for (const w of asArr(a.preferredDuringSchedulingIgnoredDuringExecution)) apply(asObj(w)?.podAffinityTerm);
  }
}

function appArmorAnnotationFor(profile: Json): string {
  switch (asStr(profile.type)) {
    case 'RuntimeDefault':
      return 'runtime/default';
    case 'Unconfined':
      return 'unconfined';
    case 'Localhost':
      return `localhost/${asStr(profile.localhostProfile)}`;
    default:
      return '';
  }
}

function appArmorFieldFor(annotation: string): Json | undefined {
  if (annotation === 'runtime/default') return { type: 'RuntimeDefault' };
  if (annotation === 'unconfined') return { type: 'Unconfined' };
  if (annotation.startsWith('localhost/')) {
    const p = annotation.slice('localhost/'.length);
    return p.trim() === p && p !== '' ? { type: 'Localhost', localhostProfile: p } : undefined;
  }
  return undefined;
}

/** As upstream's applyAppArmorVersionSkew: AppArmor fields and the deprecated annotations kept in sync. */
function applyAppArmorVersionSkew(pod: KubeObject, spec: Json): void {
  if (asStr(asObj(spec.os)?.name) === 'windows') return;
  const meta = (pod.metadata ??= {});
  const podProfile = asObj(asObj(spec.securityContext)?.appArmorProfile);
  for (const kind of ['initContainers', 'containers', 'ephemeralContainers']) {
    for (const raw of asArr(spec[kind])) {
      const c = asObj(raw);
      if (!c) continue;
      const key = APPARMOR_ANNOTATION_PREFIX + asStr(c.name);
      const annotation = meta.annotations?.[key];
      const containerProfile = asObj(asObj(c.securityContext)?.appArmorProfile);
      if (annotation === undefined) {
        const profile = containerProfile ?? podProfile;
        const value = profile ? appArmorAnnotationFor(profile) : '';
        if (value) (meta.annotations ??= {})[key] = value;
      } else if (!containerProfile) {
        const field = appArmorFieldFor(annotation);
        if (field && !semanticEqual(field, podProfile)) objAt(c, 'securityContext').appArmorProfile = field;
      }
    }
  }
}

function preparePodForCreate(pod: KubeObject): void {
  const spec = specOf(pod);
  dropDisabledPodSpecFields(spec);
  // requests default from limits before the QoS class is computed (upstream defaults on decode)
  defaultPod(pod as Json);
  const status: Json = { phase: 'Pending', qosClass: computePodQOS(spec) };
  if (asArr(spec.schedulingGates).length > 0) {
    status.conditions = [
      {
        type: 'PodScheduled',
        status: 'False',
        lastProbeTime: null,
        lastTransitionTime: null,
        reason: 'SchedulingGated',
        message: 'Scheduling is blocked due to non-empty scheduling gates',
      },
    ];
  }
  pod.status = status;
  mutatePodAffinity(spec, pod.metadata?.labels ?? {});
  applyAppArmorVersionSkew(pod, spec);
}

// ---------------------------------------------------------------------------------------
// Validation

/** Pod-only rules on top of the spec (upstream's validatePodMetadataAndSpec minus ObjectMeta). */
function validatePodMetadataAndSpec(pod: KubeObject, opts: PodValidationOptions): FieldError[] {
  const meta = pod.metadata ?? {};
  const spec = asObj(pod.spec) ?? {};
  const errs = [
    ...validatePodSpecificAnnotations(meta.annotations, spec, METADATA.child('annotations'), opts),
    ...validatePodSpec(spec, meta, SPEC, opts),
  ];
  if (!asStr(spec.serviceAccountName)) {
    asArr(spec.volumes).forEach((v, vi) => {
      asArr(asObj(asObj(v)?.projected)?.sources).forEach((s, si) => {
        if (asObj(s)?.serviceAccountToken != null) {
          errs.push(
            fieldErrors.forbidden(
              SPEC.child('volumes').index(vi).child('projected').child('sources').index(si).child('serviceAccountToken'),
              'must not be specified when serviceAccountName is not set',
            ),
          );
        }
      });
    });
  }
  for (const kind of ['containers', 'initContainers']) {
    asArr(spec[kind]).forEach((c, i) => errs.push(...validateContainerOnlyForPod(asObj(c) ?? {}, SPEC.child(kind).index(i))));
  }
  return errs;
}

/** As upstream's ValidatePodCreate (metadata itself is validated by the registry). */
export function validatePodCreate(pod: KubeObject): FieldError[] {
  const spec = asObj(pod.spec) ?? {};
  // Upstream computes the QoS class after mutating admission (which may set resources);
  // here admission runs between defaulting and validation, so the class is refreshed.
  const status = asObj(pod.status);
  if (status?.phase === 'Pending' && typeof status.qosClass === 'string') status.qosClass = computePodQOS(spec);
  const opts = { ...podValidationOptions(spec), resourceIsPod: true };
  const errs = validatePodMetadataAndSpec(pod, opts);
  if (asArr(spec.ephemeralContainers).length > 0) errs.push(fieldErrors.forbidden(SPEC.child('ephemeralContainers'), 'cannot be set on create'));
  if (asStr(spec.nodeName) && asArr(spec.schedulingGates).length > 0) {
    errs.push(fieldErrors.forbidden(SPEC.child('nodeName'), 'cannot be set until all schedulingGates have been cleared'));
  }
  errs.push(...validateAnnotationsMatchFields(pod.metadata?.annotations, spec, SPEC));
  return errs;
}

function validatePodSpecificAnnotationUpdates(pod: KubeObject, old: KubeObject, opts: PodValidationOptions): FieldError[] {
  const path = METADATA.child('annotations');
  const next = pod.metadata?.annotations ?? {};
  const prev = old.metadata?.annotations ?? {};
  const errs: FieldError[] = [];
  for (const [k, v] of Object.entries(prev)) {
    if (k in next && next[k] === v) continue;
    if (k.startsWith(APPARMOR_ANNOTATION_PREFIX)) errs.push(fieldErrors.forbidden(path.key(k), 'may not remove or update AppArmor annotations'));
    if (k === MIRROR_POD_ANNOTATION) errs.push(fieldErrors.forbidden(path.key(k), 'may not remove or update mirror pod annotation'));
  }
  for (const k of Object.keys(next)) {
    if (k in prev) continue;
    if (k.startsWith(APPARMOR_ANNOTATION_PREFIX)) errs.push(fieldErrors.forbidden(path.key(k), 'may not add AppArmor annotations'));
    if (k === MIRROR_POD_ANNOTATION) errs.push(fieldErrors.forbidden(path.key(k), 'may not add mirror pod annotation'));
  }
  errs.push(...validatePodSpecificAnnotations(next, asObj(pod.spec) ?? {}, path, opts));
  return errs;
}

function validateContainerUpdates(next: unknown, prev: unknown, path: FieldPath): { errs: FieldError[]; stop: boolean } {
  const n = asArr(next);
  if (n.length !== asArr(prev).length) return { errs: [fieldErrors.forbidden(path, 'pod updates may not add or remove containers')], stop: true };
  const errs: FieldError[] = [];
  n.forEach((c, i) => {
    const image = asStr(asObj(c)?.image);
    if (!image) errs.push(fieldErrors.required(path.index(i).child('image'), ''));
    if (image.trim().length !== image.length) errs.push(fieldErrors.invalid(path.index(i).child('image'), image, 'must not have leading or trailing whitespace'));
  });
  return { errs, stop: false };
}

const UPDATABLE_POD_SPEC_FIELDS = [
  '`spec.containers[*].image`',
  '`spec.initContainers[*].image`',
  '`spec.activeDeadlineSeconds`',
  '`spec.tolerations` (only additions to existing tolerations)',
  '`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)',
];

const goFieldName = (k: string) => k.charAt(0).toUpperCase() + k.slice(1);

/**
 * A rendering of what differs between two pod specs in the spirit of the go-cmp diff
 * upstream appends (`-` old, `+` new, one line per differing top-level field). Upstream's
 * exact text depends on Go's internal types and is not reproduced.
 */
function specDiff(old: Json, next: Json): string {
  const lines = ['  core.PodSpec{'];
  for (const k of new Set([...Object.keys(old), ...Object.keys(next)])) {
    if (semanticEqual(old[k], next[k])) continue;
    if (old[k] !== undefined) lines.push(`- \t${goFieldName(k)}: ${JSON.stringify(old[k])},`);
    if (next[k] !== undefined) lines.push(`+ \t${goFieldName(k)}: ${JSON.stringify(next[k])},`);
  }
  lines.push('  }');
  return lines.join('\n') + '\n';
}

function tolerationOnlyAdded(next: unknown, prev: unknown, path: FieldPath): FieldError[] {
  const n = asArr(next).map((t) => asObj(t) ?? {});
  for (const o of asArr(prev)) {
    const old = asObj(o) ?? {};
    const found = n.some((t) => semanticEqual({ ...old, tolerationSeconds: t.tolerationSeconds }, t));
    if (!found) return [fieldErrors.forbidden(path, 'existing toleration can not be modified except its tolerationSeconds')];
  }
  return validateTolerations(next, path);
}

/** As upstream's ValidatePodUpdate: only images, activeDeadlineSeconds, added tolerations and removed gates may change. */
export function validatePodUpdate(pod: KubeObject, old: KubeObject): FieldError[] {
  const spec = asObj(pod.spec) ?? {};
  const oldSpec = asObj(old.spec) ?? {};
  const opts = { ...podValidationOptions(spec, oldSpec, old.metadata as ObjectMeta), resourceIsPod: true };
  const errs = [...validatePodMetadataAndSpec(pod, opts), ...validatePodSpecificAnnotationUpdates(pod, old, opts)];
  for (const kind of ['containers', 'initContainers']) {
    const r = validateContainerUpdates(spec[kind], oldSpec[kind], SPEC.child(kind));
    errs.push(...r.errs);
    if (r.stop) return errs;
  }
  const newADS = asNum(spec.activeDeadlineSeconds);
  const oldADS = asNum(oldSpec.activeDeadlineSeconds);
  if (spec.activeDeadlineSeconds != null) {
    const v = newADS ?? 0;
    if (v < 0 || v > 2147483647) {
      errs.push(fieldErrors.invalid(SPEC.child('activeDeadlineSeconds'), v, 'must be between 0 and 2147483647, inclusive'));
      return errs;
    }
    if (oldADS !== undefined && oldADS < v) {
      errs.push(fieldErrors.invalid(SPEC.child('activeDeadlineSeconds'), v, 'must be less than or equal to previous value'));
      return errs;
    }
  } else if (oldSpec.activeDeadlineSeconds != null) {
    errs.push(fieldErrors.invalid(SPEC.child('activeDeadlineSeconds'), null, 'must not update from a positive integer to nil value'));
  }
  errs.push(...tolerationOnlyAdded(spec.tolerations, oldSpec.tolerations, SPEC.child('tolerations')));
  const oldGates = new Set(asArr(oldSpec.schedulingGates).map((g) => asStr(asObj(g)?.name)));
  asArr(spec.schedulingGates).forEach((g, i) => {
    const name = asStr(asObj(g)?.name);
    if (!oldGates.has(name)) {
      errs.push(fieldErrors.forbidden(SPEC.child('schedulingGates').index(i).child('name'), `only deletion is allowed, but found new scheduling gate '${name}'`));
    }
  });
  if (semanticEqual(spec, oldSpec)) return errs;
  const munged = deepClone(spec);
  for (const kind of ['containers', 'initContainers']) {
    const prev = asArr(oldSpec[kind]);
    asArr(munged[kind]).forEach((c, i) => {
      if (isObject(c)) c.image = asObj(prev[i])?.image;
    });
  }
  munged.activeDeadlineSeconds = oldSpec.activeDeadlineSeconds;
  munged.schedulingGates = oldSpec.schedulingGates;
  munged.tolerations = oldSpec.tolerations;
  const oldGrace = asNum(oldSpec.terminationGracePeriodSeconds);
  if (oldGrace !== undefined && oldGrace < 0 && munged.terminationGracePeriodSeconds === 1) munged.terminationGracePeriodSeconds = oldGrace;
  if (!semanticEqual(munged, oldSpec)) {
    errs.push(fieldErrors.forbidden(SPEC, `pod updates may not change fields other than ${UPDATABLE_POD_SPEC_FIELDS.join(',')}\n${specDiff(oldSpec, munged)}`));
  }
  return errs;
}

function containerStateTransitions(next: unknown, prev: unknown, path: FieldPath, restartPolicy: string, initContainers?: unknown): FieldError[] {
  if (restartPolicy === 'Always') return [];
  const errs: FieldError[] = [];
  const restartable = new Set(
    asArr(initContainers)
      .map((c) => asObj(c) ?? {})
      .filter((c) => c.restartPolicy === 'Always')
      .map((c) => asStr(c.name)),
  );
  asArr(prev).forEach((o, i) => {
    const old = asObj(o) ?? {};
    const terminated = asObj(asObj(old.state)?.terminated);
    if (!terminated) return;
    if ((asNum(terminated.exitCode) ?? 0) !== 0 && restartPolicy === 'OnFailure') return;
    if (restartable.has(asStr(old.name))) return;
    for (const n of asArr(next)) {
      const s = asObj(n) ?? {};
      if (asStr(s.name) === asStr(old.name) && asObj(asObj(s.state)?.terminated) === undefined) {
        errs.push(fieldErrors.forbidden(path.index(i).child('state'), 'may not be transitioned to non-terminated state'));
      }
    }
  });
  return errs;
}

function validateIPList(list: unknown, path: FieldPath, hostIP?: string): FieldError[] {
  const ips = asArr(list).map((x) => asStr(asObj(x)?.ip));
  const errs: FieldError[] = [];
  if (hostIP !== undefined && ips.length > 0 && ips[0] !== hostIP) errs.push(fieldErrors.invalid(path.index(0).child('ip'), ips[0], 'must be equal to `hostIP`'));
  ips.forEach((ip, i) => {
    for (const m of isValidIP(ip)) errs.push(fieldErrors.invalid(path.index(i), ip, m));
  });
  if (ips.length > 1) {
    const v4 = ips.filter((ip) => isValidIPv4Address(ip).length === 0).length;
    const dual = ips.length === 2 && v4 === 1;
    const seen = new Set<string>();
    ips.forEach((ip, i) => {
      if (seen.has(ip)) errs.push(fieldErrors.duplicate(path.index(i), asArr(list)[i]));
      seen.add(ip);
    });
    if (!dual) errs.push(fieldErrors.invalid(path, list, 'may specify no more than one IP for each IP family'));
  }
  return errs;
}

/** As upstream's ValidatePodStatusUpdate. */
export function validatePodStatusUpdate(pod: KubeObject, old: KubeObject): FieldError[] {
  const spec = asObj(pod.spec) ?? {};
  const oldSpec = asObj(old.spec) ?? {};
  const status = asObj(pod.status) ?? {};
  const oldStatus = asObj(old.status) ?? {};
  const opts = { ...podValidationOptions(spec, oldSpec, old.metadata as ObjectMeta), resourceIsPod: true };
  const errs = validatePodSpecificAnnotationUpdates(pod, old, opts);
  const system = new Set(['PodScheduled', 'Ready', 'Initialized']);
  asArr(status.conditions).forEach((c, i) => {
    const type = asStr(asObj(c)?.type);
    if (system.has(type)) return;
    for (const m of isQualifiedName(type)) errs.push(fieldErrors.invalid(METADATA.child('conditions').index(i).child('Type'), type, m));
  });
  if (asStr(spec.nodeName) !== asStr(oldSpec.nodeName)) errs.push(fieldErrors.forbidden(STATUS.child('nodeName'), 'may not be changed directly'));
  const nominated = asStr(status.nominatedNodeName);
  if (nominated && nominated !== asStr(oldStatus.nominatedNodeName)) {
    for (const m of nameIsDNSSubdomain(nominated, false)) errs.push(fieldErrors.invalid(STATUS.child('nominatedNodeName'), nominated, m));
  }
  if (asStr(status.qosClass) !== asStr(oldStatus.qosClass)) {
    errs.push(fieldErrors.invalid(STATUS.child('qosClass'), asStr(status.qosClass), FIELD_IMMUTABLE_ERROR_MSG));
  }
  const restartPolicy = asStr(oldSpec.restartPolicy);
  errs.push(...containerStateTransitions(status.containerStatuses, oldStatus.containerStatuses, STATUS.child('containerStatuses'), restartPolicy));
  errs.push(...containerStateTransitions(status.initContainerStatuses, oldStatus.initContainerStatuses, STATUS.child('initContainerStatuses'), restartPolicy, oldSpec.initContainers));
  errs.push(...containerStateTransitions(status.ephemeralContainerStatuses, oldStatus.ephemeralContainerStatuses, STATUS.child('ephemeralContainerStatuses'), 'Never'));
  errs.push(...validateIPList(status.podIPs, STATUS.child('podIPs')));
  if (asArr(status.hostIPs).length > 0) errs.push(...validateIPList(status.hostIPs, STATUS.child('hostIPs'), asStr(status.hostIP)));
  return errs;
}

function podWarnings(pod: KubeObject): string[] {
  const out: string[] = [];
  const name = pod.metadata?.name ?? '';
  const msgs = isDNS1123Label(name);
  if (msgs.length) out.push(`metadata.name: this is used in the Pod's hostname, which can result in surprising behavior; a DNS label is recommended: [${msgs.join(' ')}]`);
  out.push(...podSpecWarnings(asObj(pod.spec) ?? {}, pod.metadata));
  return out;
}

const podStrategy: Partial<TypeStrategy> = {
  prepareForCreate: preparePodForCreate,
  prepareForUpdate(pod, old) {
    dropDisabledPodSpecFields(specOf(pod), asObj(old.spec));
  },
  prepareForStatusUpdate(pod, old) {
    const status = statusOf(pod);
    if (!asStr(status.qosClass) && asObj(old.status)?.qosClass !== undefined) status.qosClass = asObj(old.status)?.qosClass;
  },
  default(pod) {
    defaultPod(pod as Json);
  },
  validate: validatePodCreate,
  validateUpdate: validatePodUpdate,
  validateStatusUpdate: validatePodStatusUpdate,
  // as upstream: warnings on create only (updates are mostly machine-made)
  warnings: (pod, old) => (old ? [] : podWarnings(pod)),
};

// ---------------------------------------------------------------------------------------
// Pod templates

const TEMPLATE = FieldPath.root('template');

function templateOptions(obj: KubeObject, old?: KubeObject): PodValidationOptions {
  const spec = asObj(asObj(obj.template)?.spec);
  const oldTemplate = old ? asObj(old.template) : undefined;
  return podValidationOptions(spec, asObj(oldTemplate?.spec), asObj(oldTemplate?.metadata) as ObjectMeta | undefined);
}

const podTemplateStrategy: Partial<TypeStrategy> = {
  generation: true,
  prepareForCreate(obj) {
    dropDisabledPodSpecFields(objAt(objAt(obj as Json, 'template'), 'spec'));
  },
  prepareForUpdate(obj, old) {
    dropDisabledPodSpecFields(objAt(objAt(obj as Json, 'template'), 'spec'), asObj(asObj(old.template)?.spec));
  },
  default(obj) {
    defaultPodTemplateSpec(objAt(obj as Json, 'template'));
  },
  validate: (obj) => validatePodTemplateSpec(obj.template, TEMPLATE, templateOptions(obj)),
  validateUpdate: (obj, old) => validatePodTemplateSpec(obj.template, TEMPLATE, templateOptions(obj, old)),
  warnings(obj, old) {
    const tpl = asObj(obj.template) ?? {};
    if (old && semanticEqual(obj.template, old.template)) return [];
    return podSpecWarnings(asObj(tpl.spec) ?? {}, asObj(tpl.metadata) as ObjectMeta | undefined, TEMPLATE);
  },
};

/** The core/v1 pod and pod template strategies. */
export const POD_STRATEGIES: StrategyOverlay = {
  '/pods': podStrategy,
  '/podtemplates': podTemplateStrategy,
};
