/**
 * Strategies of the workload controllers' types as kube-apiserver 1.32 serves them:
 * core/v1 replicationcontrollers, apps/v1 deployments, replicasets, statefulsets,
 * daemonsets and controllerrevisions, batch/v1 jobs and cronjobs. Defaulting follows
 * pkg/apis/{core,apps,batch}/v1 (SetDefaults_* and the embedded pod template's defaults),
 * validation pkg/apis/{core,apps,batch}/validation, create/update preparation the
 * registries in pkg/registry/{apps,batch,core}.
 *
 * Common to all: status is initialized on create to what upstream stores for an empty
 * status (e.g. `{replicas: 0}`), the embedded pod template is defaulted like a PodTemplate,
 * and the selector must match the template's labels.
 */
import { FieldError, fieldErrors, rendered } from '../../apimachinery/field-errors.js';
import { FieldPath } from '../../apimachinery/field-path.js';
import { goQuote } from '../../apimachinery/go-format.js';
import {
  goIntOrString,
  intOrPercentValue,
  isNotMoreThan100Percent,
  validatePositiveIntOrPercent,
  type IntOrString,
} from '../../apimachinery/intstr.js';
import {
  LabelSelectorError,
  labelSelectorAsSelector,
  labelSelectorHasInvalidLabelValue,
  selectorFromSet,
  validateLabelSelector,
  type LabelSelector,
  type Selector,
} from '../../apimachinery/labels.js';
import { isObject, type KubeObject, type ObjectMeta } from '../../apimachinery/types.js';
import {
  FIELD_IMMUTABLE_ERROR_MSG,
  isDNS1123Label,
  isDNS1123Subdomain,
  isQualifiedName,
  regexError,
  validateAnnotations as validateTemplateAnnotations,
  validateLabels,
  validateNonnegativeField,
} from '../../apimachinery/validation.js';
import type { StrategyOverlay, TypeStrategy } from '../strategy.js';
import { isKnownTimeZone, scheduleError } from './cron-schedule.js';
import { labelsValue, selectorValue } from './pod-go-values.js';
import { asArr, asNum, asObj, asStr, deepClone, objAt, semanticEqual, setIfAbsent, type Json } from './pod-json.js';
import {
  defaultEmbeddedMeta,
  defaultPersistentVolumeClaimSpec,
  defaultPodTemplateSpec,
  defaultResourceList,
  dropDisabledPodSpecFields,
  podValidationOptions,
  validatePodSpecificAnnotations,
  validatePodTemplateSpec,
  type PodValidationOptions,
} from './pod-spec.js';
import { podSpecWarnings } from './pod-warnings.js';

const SPEC = FieldPath.root('spec');
const STATUS = FieldPath.root('status');
const METADATA = FieldPath.root('metadata');
const TEMPLATE_PATH = SPEC.child('template');

const specOf = (o: KubeObject): Json => objAt(o as Json, 'spec');
const templateOf = (o: KubeObject): Json => objAt(specOf(o), 'template');
const oldTemplateSpec = (old: KubeObject | undefined): Json | undefined => asObj(asObj(asObj(old?.spec)?.template)?.spec);

/** Validation options from the new and old template (upstream's GetValidationOptionsFromPodTemplate). */
function templateOptions(obj: KubeObject, old?: KubeObject): PodValidationOptions {
  const tpl = asObj(asObj(obj.spec)?.template);
  const oldTpl = asObj(asObj(old?.spec)?.template);
  return podValidationOptions(asObj(tpl?.spec), asObj(oldTpl?.spec), asObj(oldTpl?.metadata) as ObjectMeta | undefined);
}

function dropTemplateFields(obj: KubeObject, old?: KubeObject): void {
  dropDisabledPodSpecFields(objAt(templateOf(obj), 'spec'), oldTemplateSpec(old));
}

const nonneg = (v: unknown, path: FieldPath) => validateNonnegativeField(asNum(v) ?? 0, path);

/** The selector as labels.Selector, or the conversion error (upstream's LabelSelectorAsSelector). */
function selectorOf(ls: unknown): Selector | LabelSelectorError {
  try {
    return labelSelectorAsSelector(ls as LabelSelector | null | undefined);
  } catch (e: unknown) {
    if (e instanceof LabelSelectorError) return e;
    throw e;
  }
}

const templateLabelsMismatch = (path: FieldPath, labels: unknown) =>
  fieldErrors.invalid(path, labelsValue(labels), '`selector` does not match template `labels`');

/** Warnings of the pod template, on create or when the generation moved (as the apps registries). */
function templateWarnings(obj: KubeObject, old: KubeObject | undefined, path = TEMPLATE_PATH, template?: Json): string[] {
  if (old && obj.metadata?.generation === old.metadata?.generation) return [];
  const tpl = template ?? asObj(asObj(obj.spec)?.template) ?? {};
  return podSpecWarnings(asObj(tpl.spec) ?? {}, asObj(tpl.metadata) as ObjectMeta | undefined, path);
}

// ---------------------------------------------------------------------------------------
// Status validation shared by the replica-counting types

function replicaStatusErrors(status: Json, fields: readonly string[], path: FieldPath, availableVsReady: string): FieldError[] {
  const errs: FieldError[] = [];
  for (const f of fields) errs.push(...nonneg(status[f], path.child(f)));
  const replicas = asNum(status.replicas) ?? 0;
  const msg = 'cannot be greater than status.replicas';
  for (const f of fields) {
    if (f === 'replicas' || f === 'observedGeneration' || f === 'collisionCount' || f === 'unavailableReplicas') continue;
    if ((asNum(status[f]) ?? 0) > replicas) errs.push(fieldErrors.invalid(path.child(f), asNum(status[f]) ?? 0, msg));
  }
  if (fields.includes('availableReplicas') && (asNum(status.availableReplicas) ?? 0) > (asNum(status.readyReplicas) ?? 0)) {
    errs.push(fieldErrors.invalid(path.child('availableReplicas'), asNum(status.availableReplicas) ?? 0, availableVsReady));
  }
  return errs;
}

function collisionCountDecrement(obj: KubeObject, old: KubeObject): FieldError[] {
  const next = asNum(asObj(obj.status)?.collisionCount);
  const prev = asNum(asObj(old.status)?.collisionCount);
  if (prev !== undefined && (next === undefined || next < prev)) {
    return [fieldErrors.invalid(STATUS.child('collisionCount'), next ?? 0, 'cannot be decremented')];
  }
  return [];
}

// ---------------------------------------------------------------------------------------
// ReplicationControllers (core/v1)

function defaultReplicationController(rc: KubeObject): void {
  const spec = specOf(rc);
  const template = asObj(spec.template);
  const labels = asObj(template?.metadata)?.labels;
  if (isObject(labels)) {
    if (!isObject(spec.selector) || Object.keys(spec.selector).length === 0) spec.selector = { ...labels };
    const meta = (rc.metadata ??= {});
    if (!meta.labels || Object.keys(meta.labels).length === 0) meta.labels = { ...(labels as Record<string, string>) };
  }
  setIfAbsent(spec, 'replicas', 1);
  if (template) defaultPodTemplateSpec(template);
}

function validateReplicationControllerSpec(rc: KubeObject, opts: PodValidationOptions): FieldError[] {
  const spec = asObj(rc.spec) ?? {};
  const errs = [...nonneg(spec.minReadySeconds, SPEC.child('minReadySeconds'))];
  const selector = asObj(spec.selector) as Record<string, string> | undefined;
  if (!selector || Object.keys(selector).length === 0) errs.push(fieldErrors.required(SPEC.child('selector'), ''));
  errs.push(...nonneg(spec.replicas, SPEC.child('replicas')));
  const template = asObj(spec.template);
  if (!template) {
    errs.push(fieldErrors.required(TEMPLATE_PATH, ''));
    return errs;
  }
  const labels = asObj(asObj(template.metadata)?.labels);
  if (selector && Object.keys(selector).length > 0 && !selectorFromSet(selector).matches(labels as Record<string, string>)) {
    errs.push(templateLabelsMismatch(TEMPLATE_PATH.child('metadata', 'labels'), labels));
  }
  errs.push(...validatePodTemplateSpec(template, TEMPLATE_PATH, opts));
  const restartPolicy = asStr(asObj(template.spec)?.restartPolicy);
  if (restartPolicy !== 'Always') errs.push(fieldErrors.notSupported(TEMPLATE_PATH.child('spec', 'restartPolicy'), restartPolicy, ['Always']));
  if (asObj(template.spec)?.activeDeadlineSeconds != null) {
    errs.push(fieldErrors.forbidden(TEMPLATE_PATH.child('spec', 'activeDeadlineSeconds'), 'activeDeadlineSeconds in ReplicationController is not Supported'));
  }
  return errs;
}

const replicationControllerStrategy: Partial<TypeStrategy> = {
  prepareForCreate(rc) {
    rc.status = { replicas: 0 };
    if (isObject(asObj(rc.spec)?.template)) dropTemplateFields(rc);
  },
  prepareForUpdate(rc, old) {
    if (isObject(asObj(rc.spec)?.template)) dropTemplateFields(rc, old);
  },
  default: defaultReplicationController,
  validate: (rc) => validateReplicationControllerSpec(rc, templateOptions(rc)),
  validateUpdate: (rc, old) => validateReplicationControllerSpec(rc, templateOptions(rc, old)),
  validateStatusUpdate: (rc) =>
    replicaStatusErrors(asObj(rc.status) ?? {}, ['replicas', 'fullyLabeledReplicas', 'readyReplicas', 'availableReplicas', 'observedGeneration'], STATUS, 'cannot be greater than readyReplicas'),
  warnings: (rc, old) => (asObj(asObj(rc.spec)?.template) ? templateWarnings(rc, old) : []),
};

// ---------------------------------------------------------------------------------------
// Shared apps/v1 pieces

/**
 * The selector checks of deployments, replicasets and statefulsets: required, valid, not
 * empty, and matching the template's labels. Returns the errors and whether the selector
 * could be converted (callers skip template checks that need it otherwise).
 */
function validateSelectorAndTemplateLabels(spec: Json, emptyMessage: string, invalidDetail: string): FieldError[] {
  const errs: FieldError[] = [];
  const ls = spec.selector;
  if (ls == null) errs.push(fieldErrors.required(SPEC.child('selector'), ''));
  else {
    errs.push(...validateLabelSelector(ls as LabelSelector, {}, SPEC.child('selector')));
    const o = asObj(ls) ?? {};
    if (Object.keys(asObj(o.matchLabels) ?? {}).length + asArr(o.matchExpressions).length === 0) {
      errs.push(fieldErrors.invalid(SPEC.child('selector'), selectorValue(ls), emptyMessage));
    }
  }
  const selector = selectorOf(ls);
  if (selector instanceof LabelSelectorError) {
    errs.push(fieldErrors.invalid(SPEC.child('selector'), selectorValue(ls), invalidDetail));
    return errs;
  }
  const labels = asObj(asObj(asObj(spec.template)?.metadata)?.labels);
  if (!selector.isEmpty() && !selector.matches(labels as Record<string, string>)) {
    errs.push(templateLabelsMismatch(TEMPLATE_PATH.child('metadata', 'labels'), labels));
  }
  return errs;
}

/** As upstream's ValidatePodTemplateSpecForReplicaSet without the selector part. */
function validateReplicaSetTemplate(spec: Json, kind: string, opts: PodValidationOptions): FieldError[] {
  const template = asObj(spec.template) ?? {};
  const errs = validatePodTemplateSpec(template, TEMPLATE_PATH, opts);
  const restartPolicy = asStr(asObj(template.spec)?.restartPolicy);
  if (restartPolicy !== 'Always') errs.push(fieldErrors.notSupported(TEMPLATE_PATH.child('spec', 'restartPolicy'), restartPolicy, ['Always']));
  if (asObj(template.spec)?.activeDeadlineSeconds != null) {
    errs.push(fieldErrors.forbidden(TEMPLATE_PATH.child('spec', 'activeDeadlineSeconds'), `activeDeadlineSeconds in ${kind} is not Supported`));
  }
  return errs;
}

/** In apps/v1 the selector cannot change after creation (upstream checks it in the strategies). */
function selectorImmutable(obj: KubeObject, old: KubeObject): FieldError[] {
  const next = asObj(obj.spec)?.selector;
  const prev = asObj(old.spec)?.selector;
  return semanticEqual(next, prev) ? [] : [fieldErrors.invalid(SPEC.child('selector'), selectorValue(next), FIELD_IMMUTABLE_ERROR_MSG)];
}

function selectorOptions(opts: PodValidationOptions, old?: KubeObject): PodValidationOptions {
  return old ? { ...opts, allowInvalidLabelValueInSelector: labelSelectorHasInvalidLabelValue(asObj(old.spec)?.selector as LabelSelector) } : opts;
}

// ---------------------------------------------------------------------------------------
// Deployments

function defaultDeployment(d: KubeObject): void {
  const spec = specOf(d);
  setIfAbsent(spec, 'replicas', 1);
  const strategy = objAt(spec, 'strategy');
  if (!asStr(strategy.type)) strategy.type = 'RollingUpdate';
  if (strategy.type === 'RollingUpdate') {
    const ru = objAt(strategy, 'rollingUpdate');
    setIfAbsent(ru, 'maxUnavailable', '25%');
    setIfAbsent(ru, 'maxSurge', '25%');
  }
  setIfAbsent(spec, 'revisionHistoryLimit', 10);
  setIfAbsent(spec, 'progressDeadlineSeconds', 600);
  defaultPodTemplateSpec(objAt(spec, 'template'));
}

function validateDeploymentStrategy(strategy: Json, path: FieldPath): FieldError[] {
  const type = asStr(strategy.type);
  const ru = asObj(strategy.rollingUpdate);
  if (type === 'Recreate') {
    return strategy.rollingUpdate != null ? [fieldErrors.forbidden(path.child('rollingUpdate'), "may not be specified when strategy `type` is 'Recreate'")] : [];
  }
  if (type === 'RollingUpdate') {
    if (!ru) return [fieldErrors.required(path.child('rollingUpdate'), 'this should be defaulted and never be nil')];
    const p = path.child('rollingUpdate');
    const mu = (ru.maxUnavailable ?? 0) as IntOrString;
    const ms = (ru.maxSurge ?? 0) as IntOrString;
    const errs = [...validatePositiveIntOrPercent(mu, p.child('maxUnavailable')), ...validatePositiveIntOrPercent(ms, p.child('maxSurge'))];
    if (intOrPercentValue(mu) === 0 && intOrPercentValue(ms) === 0) {
      errs.push(fieldErrors.invalid(p.child('maxUnavailable'), rendered(goIntOrString(mu)), 'may not be 0 when `maxSurge` is 0'));
    }
    errs.push(...isNotMoreThan100Percent(mu, p.child('maxUnavailable')));
    return errs;
  }
  return [
    fieldErrors.notSupported(
      path,
      rendered(`&apps.DeploymentStrategy{Type:${goQuote(type)}, RollingUpdate:${ru ? '(*apps.RollingUpdateDeployment)(0xc000010000)' : '(*apps.RollingUpdateDeployment)(nil)'}}`),
      ['Recreate', 'RollingUpdate'],
    ),
  ];
}

function validateDeployment(d: KubeObject, opts: PodValidationOptions): FieldError[] {
  const spec = asObj(d.spec) ?? {};
  const errs = [...nonneg(spec.replicas, SPEC.child('replicas'))];
  errs.push(...validateSelectorAndTemplateLabels(spec, 'empty selector is invalid for deployment', 'invalid label selector'));
  if (!(selectorOf(spec.selector) instanceof LabelSelectorError)) errs.push(...validateReplicaSetTemplate(spec, 'Deployment', opts));
  errs.push(...validateDeploymentStrategy(asObj(spec.strategy) ?? {}, SPEC.child('strategy')));
  errs.push(...nonneg(spec.minReadySeconds, SPEC.child('minReadySeconds')));
  if (spec.revisionHistoryLimit != null) errs.push(...nonneg(spec.revisionHistoryLimit, SPEC.child('revisionHistoryLimit')));
  if (spec.progressDeadlineSeconds != null) {
    const pds = asNum(spec.progressDeadlineSeconds) ?? 0;
    errs.push(...nonneg(pds, SPEC.child('progressDeadlineSeconds')));
    if (pds <= (asNum(spec.minReadySeconds) ?? 0)) errs.push(fieldErrors.invalid(SPEC.child('progressDeadlineSeconds'), pds, 'must be greater than minReadySeconds'));
  }
  return errs;
}

const deploymentStrategy: Partial<TypeStrategy> = {
  prepareForCreate(d) {
    d.status = {};
    dropTemplateFields(d);
  },
  prepareForUpdate(d, old) {
    dropTemplateFields(d, old);
    // as upstream: annotation changes bump the generation too (they are copied to replica sets)
    if (!semanticEqual(d.metadata?.annotations, old.metadata?.annotations) && d.metadata) {
      d.metadata.generation = (old.metadata?.generation ?? 0) + 1;
    }
  },
  default: defaultDeployment,
  validate: (d) => validateDeployment(d, templateOptions(d)),
  validateUpdate: (d, old) => [...validateDeployment(d, selectorOptions(templateOptions(d, old), old)), ...selectorImmutable(d, old)],
  validateStatusUpdate: (d, old) => [
    ...nonneg(asObj(d.status)?.observedGeneration, STATUS.child('observedGeneration')),
    ...replicaStatusErrors(
      asObj(d.status) ?? {},
      ['replicas', 'updatedReplicas', 'readyReplicas', 'availableReplicas', 'unavailableReplicas', ...(asObj(d.status)?.collisionCount != null ? ['collisionCount'] : [])],
      STATUS,
      'cannot be greater than readyReplicas',
    ),
    ...collisionCountDecrement(d, old),
  ],
  warnings: (d, old) => templateWarnings(d, old),
};

// ---------------------------------------------------------------------------------------
// ReplicaSets

function validateReplicaSet(rs: KubeObject, opts: PodValidationOptions): FieldError[] {
  const spec = asObj(rs.spec) ?? {};
  const errs = [...nonneg(spec.replicas, SPEC.child('replicas')), ...nonneg(spec.minReadySeconds, SPEC.child('minReadySeconds'))];
  // "deployment" is upstream's text for replica sets too
  errs.push(...validateSelectorAndTemplateLabels(spec, 'empty selector is invalid for deployment', 'invalid label selector'));
  if (!(selectorOf(spec.selector) instanceof LabelSelectorError)) errs.push(...validateReplicaSetTemplate(spec, 'ReplicaSet', opts));
  return errs;
}

const replicaSetStrategy: Partial<TypeStrategy> = {
  prepareForCreate(rs) {
    rs.status = { replicas: 0 };
    dropTemplateFields(rs);
  },
  prepareForUpdate: (rs, old) => dropTemplateFields(rs, old),
  default(rs) {
    const spec = specOf(rs);
    setIfAbsent(spec, 'replicas', 1);
    defaultPodTemplateSpec(objAt(spec, 'template'));
  },
  validate: (rs) => validateReplicaSet(rs, templateOptions(rs)),
  validateUpdate: (rs, old) => [...validateReplicaSet(rs, selectorOptions(templateOptions(rs, old), old)), ...selectorImmutable(rs, old)],
  validateStatusUpdate: (rs) =>
    replicaStatusErrors(asObj(rs.status) ?? {}, ['replicas', 'fullyLabeledReplicas', 'readyReplicas', 'availableReplicas', 'observedGeneration'], STATUS, 'cannot be greater than readyReplicas'),
  warnings: (rs, old) => templateWarnings(rs, old),
};

// ---------------------------------------------------------------------------------------
// StatefulSets

/** A StatefulSet volume claim template: the PVC defaults, embedded metadata and `status.phase: Pending`. */
function defaultClaimTemplate(claim: unknown): void {
  if (!isObject(claim)) return;
  // as upstream's apps/v1 conversion: claim templates always carry their type
  claim.apiVersion = 'v1';
  claim.kind = 'PersistentVolumeClaim';
  defaultEmbeddedMeta(claim);
  defaultPersistentVolumeClaimSpec(objAt(claim, 'spec'));
  const status = objAt(claim, 'status');
  if (!asStr(status.phase)) status.phase = 'Pending';
  defaultResourceList(status.capacity);
  defaultResourceList(status.allocatedResources);
}

function defaultStatefulSet(sts: KubeObject): void {
  const spec = specOf(sts);
  if (!asStr(spec.podManagementPolicy)) spec.podManagementPolicy = 'OrderedReady';
  const us = objAt(spec, 'updateStrategy');
  if (!asStr(us.type)) {
    us.type = 'RollingUpdate';
    if (!isObject(us.rollingUpdate)) us.rollingUpdate = {};
  }
  const ru = asObj(us.rollingUpdate);
  if (us.type === 'RollingUpdate' && ru) setIfAbsent(ru, 'partition', 0);
  const retention = objAt(spec, 'persistentVolumeClaimRetentionPolicy');
  if (!asStr(retention.whenDeleted)) retention.whenDeleted = 'Retain';
  if (!asStr(retention.whenScaled)) retention.whenScaled = 'Retain';
  setIfAbsent(spec, 'replicas', 1);
  setIfAbsent(spec, 'revisionHistoryLimit', 10);
  defaultPodTemplateSpec(objAt(spec, 'template'));
  for (const c of asArr(spec.volumeClaimTemplates)) defaultClaimTemplate(c);
}

function validateRetentionPolicyType(v: unknown, path: FieldPath): FieldError[] {
  const s = asStr(v);
  return s === 'Retain' || s === 'Delete' ? [] : [fieldErrors.notSupported(path, s, ['Retain', 'Delete'])];
}

function validateStatefulSet(sts: KubeObject, opts: PodValidationOptions): FieldError[] {
  const spec = asObj(sts.spec) ?? {};
  const errs: FieldError[] = [];
  const pmp = asStr(spec.podManagementPolicy);
  if (!pmp) errs.push(fieldErrors.required(SPEC.child('podManagementPolicy'), ''));
  else if (pmp !== 'OrderedReady' && pmp !== 'Parallel') errs.push(fieldErrors.invalid(SPEC.child('podManagementPolicy'), pmp, "must be 'OrderedReady' or 'Parallel'"));
  const us = asObj(spec.updateStrategy) ?? {};
  const usPath = SPEC.child('updateStrategy');
  const ru = asObj(us.rollingUpdate);
  const ruRendering = (r: Json) =>
    `apps.RollingUpdateStatefulSetStrategy{Partition:${asNum(r.partition) ?? 0}, MaxUnavailable:${r.maxUnavailable != null ? '(*intstr.IntOrString)(0xc000010000)' : '(*intstr.IntOrString)(nil)'}}`;
  switch (asStr(us.type)) {
    case '':
      errs.push(fieldErrors.required(usPath, ''));
      break;
    case 'OnDelete':
      if (ru) errs.push(fieldErrors.invalid(usPath.child('rollingUpdate'), rendered(ruRendering(ru)), "only allowed for updateStrategy 'RollingUpdate'"));
      break;
    case 'RollingUpdate':
      if (ru) {
        const rp = usPath.child('rollingUpdate');
        errs.push(...nonneg(ru.partition, rp.child('partition')));
        if (ru.maxUnavailable != null) {
          const mu = ru.maxUnavailable as IntOrString;
          errs.push(...validatePositiveIntOrPercent(mu, rp.child('maxUnavailable')));
          if (intOrPercentValue(mu) === 0) errs.push(fieldErrors.invalid(rp.child('maxUnavailable'), rendered(goIntOrString(mu)), 'cannot be 0'));
          errs.push(...isNotMoreThan100Percent(mu, rp.child('maxUnavailable')));
        }
      }
      break;
    default:
      errs.push(
        fieldErrors.invalid(
          usPath,
          rendered(`apps.StatefulSetUpdateStrategy{Type:${goQuote(asStr(us.type))}, RollingUpdate:${ru ? '(*apps.RollingUpdateStatefulSetStrategy)(0xc000010000)' : '(*apps.RollingUpdateStatefulSetStrategy)(nil)'}}`),
          "must be 'RollingUpdate' or 'OnDelete'",
        ),
      );
  }
  const retention = asObj(spec.persistentVolumeClaimRetentionPolicy);
  if (retention) {
    const rp = SPEC.child('persistentVolumeClaimRetentionPolicy');
    errs.push(...validateRetentionPolicyType(retention.whenDeleted, rp.child('whenDeleted')), ...validateRetentionPolicyType(retention.whenScaled, rp.child('whenScaled')));
  }
  errs.push(...nonneg(spec.replicas, SPEC.child('replicas')), ...nonneg(spec.minReadySeconds, SPEC.child('minReadySeconds')));
  const ordinals = asObj(spec.ordinals);
  if (ordinals) errs.push(...nonneg(ordinals.start, SPEC.child('ordinals.start')));
  errs.push(...validateSelectorAndTemplateLabels(spec, 'empty selector is invalid for statefulset', ''));
  // as upstream: only the template's metadata is validated, not its pod spec
  const template = asObj(spec.template) ?? {};
  const tmeta = asObj(template.metadata) ?? {};
  const annotations = asObj(tmeta.annotations) as Record<string, string> | undefined;
  if (!(selectorOf(spec.selector) instanceof LabelSelectorError)) {
    errs.push(...validateLabels(asObj(tmeta.labels) as Record<string, string>, TEMPLATE_PATH.child('labels')));
    errs.push(...validateTemplateAnnotations(annotations, TEMPLATE_PATH.child('annotations')));
    errs.push(...validatePodSpecificAnnotations(annotations, asObj(template.spec) ?? {}, TEMPLATE_PATH.child('annotations'), opts));
  }
  const restartPolicy = asStr(asObj(template.spec)?.restartPolicy);
  if (restartPolicy !== 'Always') errs.push(fieldErrors.notSupported(TEMPLATE_PATH.child('spec', 'restartPolicy'), restartPolicy, ['Always']));
  if (asObj(template.spec)?.activeDeadlineSeconds != null) {
    errs.push(fieldErrors.forbidden(TEMPLATE_PATH.child('spec', 'activeDeadlineSeconds'), 'activeDeadlineSeconds in StatefulSet is not Supported'));
  }
  return errs;
}

const STATEFULSET_MUTABLE = ['replicas', 'template', 'updateStrategy', 'minReadySeconds', 'ordinals', 'persistentVolumeClaimRetentionPolicy'];

function validateStatefulSetUpdate(sts: KubeObject, old: KubeObject): FieldError[] {
  const next = deepClone(asObj(sts.spec) ?? {});
  const prev = asObj(old.spec) ?? {};
  for (const f of STATEFULSET_MUTABLE) {
    if (prev[f] === undefined) delete next[f];
    else next[f] = prev[f];
  }
  if (semanticEqual(next, prev)) return [];
  return [
    fieldErrors.forbidden(
      SPEC,
      "updates to statefulset spec for fields other than 'replicas', 'ordinals', 'template', 'updateStrategy', 'persistentVolumeClaimRetentionPolicy' and 'minReadySeconds' are forbidden",
    ),
  ];
}

function dropStatefulSetFields(sts: KubeObject, old?: KubeObject): void {
  dropTemplateFields(sts, old);
  // MaxUnavailableStatefulSet is alpha (off) in 1.32
  const ru = asObj(asObj(asObj(sts.spec)?.updateStrategy)?.rollingUpdate);
  const oldRu = asObj(asObj(asObj(old?.spec)?.updateStrategy)?.rollingUpdate);
  if (ru && oldRu?.maxUnavailable == null) delete ru.maxUnavailable;
}

const statefulSetStrategy: Partial<TypeStrategy> = {
  // as upstream since 1.27: pod hostnames derive from the name, so it must be a DNS label
  nameRule: 'dns-label',
  prepareForCreate(sts) {
    sts.status = { replicas: 0, availableReplicas: 0 };
    dropStatefulSetFields(sts);
  },
  prepareForUpdate: (sts, old) => dropStatefulSetFields(sts, old),
  default: defaultStatefulSet,
  validate: (sts) => validateStatefulSet(sts, templateOptions(sts)),
  validateUpdate: (sts, old) => [...validateStatefulSet(sts, selectorOptions(templateOptions(sts, old), old)), ...validateStatefulSetUpdate(sts, old)],
  validateStatusUpdate(sts, old) {
    const status = asObj(sts.status) ?? {};
    const errs = replicaStatusErrors(
      status,
      ['replicas', 'readyReplicas', 'currentReplicas', 'updatedReplicas', 'availableReplicas'],
      STATUS,
      'cannot be greater than status.readyReplicas',
    );
    if (status.observedGeneration != null) errs.push(...nonneg(status.observedGeneration, STATUS.child('observedGeneration')));
    if (status.collisionCount != null) errs.push(...nonneg(status.collisionCount, STATUS.child('collisionCount')));
    return [...errs, ...collisionCountDecrement(sts, old)];
  },
  warnings: (sts, old) => templateWarnings(sts, old),
};

// ---------------------------------------------------------------------------------------
// DaemonSets

/** The annotation apps/v1 carries the internal spec.templateGeneration in. */
export const DAEMONSET_TEMPLATE_GENERATION = 'deprecated.daemonset.template.generation';

function templateGenerationOf(o: KubeObject | undefined): number {
  const v = o?.metadata?.annotations?.[DAEMONSET_TEMPLATE_GENERATION];
  return v !== undefined && /^-?[0-9]+$/.test(v) ? Number(v) : 0;
}

function setTemplateGeneration(ds: KubeObject, generation: number): void {
  const meta = (ds.metadata ??= {});
  (meta.annotations ??= {})[DAEMONSET_TEMPLATE_GENERATION] = String(generation);
}

function defaultDaemonSet(ds: KubeObject): void {
  const spec = specOf(ds);
  const us = objAt(spec, 'updateStrategy');
  if (!asStr(us.type)) us.type = 'RollingUpdate';
  if (us.type === 'RollingUpdate') {
    const ru = objAt(us, 'rollingUpdate');
    setIfAbsent(ru, 'maxUnavailable', 1);
    setIfAbsent(ru, 'maxSurge', 0);
  }
  setIfAbsent(spec, 'revisionHistoryLimit', 10);
  defaultPodTemplateSpec(objAt(spec, 'template'));
}

function validateDaemonSet(ds: KubeObject, opts: PodValidationOptions): FieldError[] {
  const spec = asObj(ds.spec) ?? {};
  const errs: FieldError[] = [];
  const ls = spec.selector;
  errs.push(...validateLabelSelector(ls as LabelSelector, { allowInvalidLabelValueInSelector: opts.allowInvalidLabelValueInSelector }, SPEC.child('selector')));
  const selector = selectorOf(ls);
  const labels = asObj(asObj(asObj(spec.template)?.metadata)?.labels);
  if (!(selector instanceof LabelSelectorError) && !selector.matches(labels as Record<string, string>)) {
    errs.push(templateLabelsMismatch(TEMPLATE_PATH.child('metadata', 'labels'), labels));
  }
  const o = asObj(ls);
  if (o && Object.keys(asObj(o.matchLabels) ?? {}).length + asArr(o.matchExpressions).length === 0) {
    errs.push(fieldErrors.invalid(SPEC.child('selector'), selectorValue(ls), 'empty selector is invalid for daemonset'));
  }
  const template = asObj(spec.template) ?? {};
  errs.push(...validatePodTemplateSpec(template, TEMPLATE_PATH, opts));
  const restartPolicy = asStr(asObj(template.spec)?.restartPolicy);
  if (restartPolicy !== 'Always') errs.push(fieldErrors.notSupported(TEMPLATE_PATH.child('spec', 'restartPolicy'), restartPolicy, ['Always']));
  if (asObj(template.spec)?.activeDeadlineSeconds != null) {
    errs.push(fieldErrors.forbidden(TEMPLATE_PATH.child('spec', 'activeDeadlineSeconds'), 'activeDeadlineSeconds in DaemonSet is not Supported'));
  }
  errs.push(...nonneg(spec.minReadySeconds, SPEC.child('minReadySeconds')));
  errs.push(...nonneg(templateGenerationOf(ds), SPEC.child('templateGeneration')));
  const us = asObj(spec.updateStrategy) ?? {};
  const usPath = SPEC.child('updateStrategy');
  const ru = asObj(us.rollingUpdate);
  switch (asStr(us.type)) {
    case 'OnDelete':
      break;
    case 'RollingUpdate': {
      if (!ru) {
        errs.push(fieldErrors.required(usPath.child('rollingUpdate'), ''));
        break;
      }
      const rp = usPath.child('rollingUpdate');
      const mu = (ru.maxUnavailable ?? 0) as IntOrString;
      const ms = (ru.maxSurge ?? 0) as IntOrString;
      errs.push(...validatePositiveIntOrPercent(mu, rp.child('maxUnavailable')), ...validatePositiveIntOrPercent(ms, rp.child('maxSurge')));
      errs.push(...isNotMoreThan100Percent(mu, rp.child('maxUnavailable')), ...isNotMoreThan100Percent(ms, rp.child('maxSurge')));
      const hasUnavailable = intOrPercentValue(mu) !== 0;
      const hasSurge = intOrPercentValue(ms) !== 0;
      if (hasUnavailable && hasSurge) errs.push(fieldErrors.invalid(rp.child('maxSurge'), rendered(goIntOrString(ms)), 'may not be set when maxUnavailable is non-zero'));
      else if (!hasUnavailable && !hasSurge) errs.push(fieldErrors.required(rp.child('maxUnavailable'), 'cannot be 0 when maxSurge is 0'));
      break;
    }
    default:
      errs.push(
        fieldErrors.notSupported(
          usPath,
          rendered(`&apps.DaemonSetUpdateStrategy{Type:${goQuote(asStr(us.type))}, RollingUpdate:${ru ? '(*apps.RollingUpdateDaemonSet)(0xc000010000)' : '(*apps.RollingUpdateDaemonSet)(nil)'}}`),
          ['RollingUpdate', 'OnDelete'],
        ),
      );
  }
  if (spec.revisionHistoryLimit != null) errs.push(...nonneg(spec.revisionHistoryLimit, SPEC.child('revisionHistoryLimit')));
  return errs;
}

const daemonSetStrategy: Partial<TypeStrategy> = {
  prepareForCreate(ds) {
    ds.status = { currentNumberScheduled: 0, numberMisscheduled: 0, desiredNumberScheduled: 0, numberReady: 0 };
    setTemplateGeneration(ds, Math.max(1, templateGenerationOf(ds)));
    dropTemplateFields(ds);
  },
  prepareForUpdate(ds, old) {
    dropTemplateFields(ds, old);
    // as upstream: clients cannot set the template generation; a template change bumps it
    const generation = templateGenerationOf(old);
    const templateChanged = !semanticEqual(asObj(ds.spec)?.template, asObj(old.spec)?.template);
    if (generation > 0 || templateChanged) setTemplateGeneration(ds, templateChanged ? generation + 1 : generation);
    else if (ds.metadata?.annotations) delete ds.metadata.annotations[DAEMONSET_TEMPLATE_GENERATION];
  },
  default: defaultDaemonSet,
  validate: (ds) => validateDaemonSet(ds, templateOptions(ds)),
  validateUpdate: (ds, old) => [...validateDaemonSet(ds, selectorOptions(templateOptions(ds, old), old)), ...selectorImmutable(ds, old)],
  validateStatusUpdate(ds, old) {
    const status = asObj(ds.status) ?? {};
    const errs: FieldError[] = [];
    for (const f of [
      'currentNumberScheduled',
      'numberMisscheduled',
      'desiredNumberScheduled',
      'numberReady',
      'observedGeneration',
      'updatedNumberScheduled',
      'numberAvailable',
      'numberUnavailable',
    ]) {
      errs.push(...nonneg(status[f], STATUS.child(f)));
    }
    if (status.collisionCount != null) errs.push(...nonneg(status.collisionCount, STATUS.child('collisionCount')));
    return [...errs, ...collisionCountDecrement(ds, old)];
  },
  warnings: (ds, old) => templateWarnings(ds, old),
};

// ---------------------------------------------------------------------------------------
// ControllerRevisions

const controllerRevisionStrategy: Partial<TypeStrategy> = {
  default(cr) {
    setIfAbsent(cr as Json, 'revision', 0);
  },
  validate(cr) {
    const errs: FieldError[] = [];
    if (cr.data === undefined || cr.data === null) errs.push(fieldErrors.required(FieldPath.root('data'), 'data is mandatory'));
    errs.push(...nonneg(cr.revision, FieldPath.root('revision')));
    return errs;
  },
  validateUpdate(cr, old) {
    const errs: FieldError[] = [];
    if (cr.data === undefined || cr.data === null) errs.push(fieldErrors.required(FieldPath.root('data'), 'data is mandatory'));
    errs.push(...nonneg(cr.revision, FieldPath.root('revision')));
    if (!semanticEqual(cr.data, old.data)) {
      errs.push(fieldErrors.invalid(FieldPath.root('data'), rendered(`runtime.RawExtension{Raw:[]uint8{...}, Object:runtime.Object(nil)}`), FIELD_IMMUTABLE_ERROR_MSG));
    }
    return errs;
  },
};

// ---------------------------------------------------------------------------------------
// Jobs

/** The labels selector generation puts on a Job's pods (current and legacy names). */
export const JOB_LABELS = {
  controllerUid: 'batch.kubernetes.io/controller-uid',
  jobName: 'batch.kubernetes.io/job-name',
  legacyControllerUid: 'controller-uid',
  legacyJobName: 'job-name',
} as const;

const MAX_INT32 = 2147483647;

function defaultJobSpecTemplate(spec: Json): void {
  defaultPodTemplateSpec(objAt(spec, 'template'));
}

function defaultJob(job: KubeObject): void {
  const spec = specOf(job);
  if (spec.completions == null && spec.parallelism == null) {
    spec.completions = 1;
    spec.parallelism = 1;
  }
  setIfAbsent(spec, 'parallelism', 1);
  if (spec.backoffLimit == null) spec.backoffLimit = spec.backoffLimitPerIndex != null ? MAX_INT32 : 6;
  const templateLabels = asObj(asObj(asObj(spec.template)?.metadata)?.labels);
  const meta = (job.metadata ??= {});
  if (templateLabels && (!meta.labels || Object.keys(meta.labels).length === 0)) meta.labels = { ...(templateLabels as Record<string, string>) };
  setIfAbsent(spec, 'completionMode', 'NonIndexed');
  setIfAbsent(spec, 'suspend', false);
  const pfp = asObj(spec.podFailurePolicy);
  for (const rule of asArr(pfp?.rules)) {
    for (const pattern of asArr(asObj(rule)?.onPodConditions)) {
      if (isObject(pattern) && !asStr(pattern.status)) pattern.status = 'True';
    }
  }
  setIfAbsent(spec, 'podReplacementPolicy', pfp ? 'Failed' : 'TerminatingOrFailed');
  defaultJobSpecTemplate(spec);
}

/**
 * As upstream's generateSelector: unless manualSelector is true, the template gets the
 * job-name and controller-uid labels (new and legacy names, user-set values kept) and the
 * selector matches the new controller-uid label. Runs on create, before defaulting, so the
 * Job's own labels (copied from the template's when empty) include them as upstream's do.
 */
function generateJobSelector(job: KubeObject): void {
  const spec = specOf(job);
  if (spec.manualSelector === true) return;
  const name = job.metadata?.name ?? '';
  const uid = job.metadata?.uid ?? '';
  const labels = objAt(objAt(objAt(spec, 'template'), 'metadata'), 'labels') as Record<string, string>;
  for (const key of [JOB_LABELS.legacyJobName, JOB_LABELS.jobName]) if (!(key in labels)) labels[key] = name;
  for (const key of [JOB_LABELS.legacyControllerUid, JOB_LABELS.controllerUid]) if (!(key in labels)) labels[key] = uid;
  const selector = objAt(spec, 'selector');
  const matchLabels = objAt(selector, 'matchLabels');
  if (!(JOB_LABELS.controllerUid in matchLabels)) matchLabels[JOB_LABELS.controllerUid] = uid;
}

function hasLabel(meta: Json, key: string, expected: string, path: FieldPath): FieldError[] {
  const labels = asObj(meta.labels) ?? {};
  if (!(key in labels)) return [fieldErrors.required(path.child('labels').key(key), `must be '${expected}'`)];
  if (labels[key] !== expected) return [fieldErrors.invalid(path.child('labels').key(key), labelsValue(labels), `must be '${expected}'`)];
  return [];
}

function validateGeneratedSelector(job: KubeObject, requirePrefixedLabels: boolean): FieldError[] {
  const spec = asObj(job.spec) ?? {};
  if (spec.manualSelector === true || spec.selector == null) return [];
  const uid = job.metadata?.uid ?? '';
  const name = job.metadata?.name ?? '';
  const errs: FieldError[] = [];
  if (!uid) errs.push(fieldErrors.required(METADATA.child('uid'), ''));
  const tmeta = asObj(asObj(spec.template)?.metadata) ?? {};
  const tpath = TEMPLATE_PATH.child('metadata');
  errs.push(...hasLabel(tmeta, JOB_LABELS.legacyControllerUid, uid, tpath), ...hasLabel(tmeta, JOB_LABELS.legacyJobName, name, tpath));
  const expected: Record<string, string> = { [JOB_LABELS.legacyControllerUid]: uid, [JOB_LABELS.legacyJobName]: name };
  if (requirePrefixedLabels) {
    errs.push(...hasLabel(tmeta, JOB_LABELS.controllerUid, uid, tpath), ...hasLabel(tmeta, JOB_LABELS.jobName, name, tpath));
    expected[JOB_LABELS.controllerUid] = uid;
    expected[JOB_LABELS.jobName] = name;
  }
  const selector = selectorOf(spec.selector);
  if (!(selector instanceof LabelSelectorError) && !selector.matches(expected)) {
    errs.push(fieldErrors.invalid(SPEC.child('selector'), selectorValue(spec.selector), '`selector` not auto-generated'));
  }
  return errs;
}

const HTTP_PATH_FMT = "[A-Za-z0-9/\\-._~%!$&'()*+,;=:]+";
const HTTP_PATH_RE = new RegExp(`^${HTTP_PATH_FMT}$`);

/** As upstream's IsDomainPrefixedPath (e.g. `acme.io/foo`). */
function validateDomainPrefixedPath(value: string, path: FieldPath): FieldError[] {
  if (!value) return [fieldErrors.required(path, '')];
  const slash = value.indexOf('/');
  const host = slash < 0 ? value : value.slice(0, slash);
  const rest = slash < 0 ? '' : value.slice(slash + 1);
  if (slash < 0 || !host || !rest) return [fieldErrors.invalid(path, value, 'must be a domain-prefixed path (such as "acme.io/foo")')];
  const errs = isDNS1123Subdomain(host).map((m) => fieldErrors.invalid(path, host, m));
  if (!HTTP_PATH_RE.test(rest)) errs.push(fieldErrors.invalid(path, rest, regexError('Invalid path', HTTP_PATH_FMT)));
  return errs;
}

/** A TooLong error with the detail of upstream's TooLongMaxLength. */
function tooLongMaxLength(path: FieldPath, max: number): FieldError {
  const base = fieldErrors.tooLong(path, '', max);
  return new FieldError(base.type, base.field, base.badValue, `may not be longer than ${max}`);
}

/** Index intervals such as `1,3-5` (upstream's validateIndexesFormat); the count, or the error text. */
function validateIndexesFormat(indexes: string, completions: number): number | string {
  if (!indexes) return 0;
  let last: number | undefined;
  let total = 0;
  for (const interval of indexes.split(',')) {
    const parts = interval.split('-');
    if (parts.length > 2) return `the fragment ${goQuote(interval)} violates the requirement that an index interval can have at most two parts separated by '-'`;
    const parse = (s: string) => (/^[+-]?[0-9]+$/.test(s) ? Number(s) : undefined);
    const x = parse(parts[0]!);
    if (x === undefined) return `cannot convert string to integer for index: ${goQuote(parts[0]!)}`;
    if (x >= completions) return `too large index: ${goQuote(parts[0]!)}`;
    let y = x;
    if (parts.length === 2) {
      const yy = parse(parts[1]!);
      if (yy === undefined) return `cannot convert string to integer for index: ${goQuote(parts[1]!)}`;
      if (yy >= completions) return `too large index: ${goQuote(parts[1]!)}`;
      if (x >= yy) return `non-increasing order, previous: ${x}, current: ${yy}`;
      y = yy;
    }
    if (last !== undefined && last >= x) return `non-increasing order, previous: ${last}, current: ${x}`;
    total += y - x + 1;
    last = y;
  }
  return total;
}

const POD_FAILURE_ACTIONS = ['Count', 'FailIndex', 'FailJob', 'Ignore'];

function validatePodFailurePolicy(spec: Json, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  const pfp = asObj(spec.podFailurePolicy) ?? {};
  const rules = asArr(pfp.rules);
  const rulesPath = path.child('rules');
  if (rules.length > 20) errs.push(fieldErrors.tooMany(rulesPath, rules.length, 20));
  const tspec = asObj(asObj(spec.template)?.spec) ?? {};
  const containerNames = new Set([...asArr(tspec.containers), ...asArr(tspec.initContainers)].map((c) => asStr(asObj(c)?.name)));
  rules.forEach((r, i) => {
    const rule = asObj(r) ?? {};
    const rp = rulesPath.index(i);
    const action = asStr(rule.action);
    if (!action) errs.push(fieldErrors.required(rp.child('action'), `valid values: ["Count" "FailIndex" "FailJob" "Ignore"]`));
    else if (action === 'FailIndex') {
      if (spec.backoffLimitPerIndex == null) errs.push(fieldErrors.invalid(rp.child('action'), action, 'requires the backoffLimitPerIndex to be set'));
    } else if (!POD_FAILURE_ACTIONS.includes(action)) errs.push(fieldErrors.notSupported(rp.child('action'), action, POD_FAILURE_ACTIONS));
    const onExit = asObj(rule.onExitCodes);
    const onConditions = asArr(rule.onPodConditions);
    if (onExit) {
      const ep = rp.child('onExitCodes');
      const op = asStr(onExit.operator);
      if (!op) errs.push(fieldErrors.required(ep.child('operator'), `valid values: ["In" "NotIn"]`));
      else if (op !== 'In' && op !== 'NotIn') errs.push(fieldErrors.notSupported(ep.child('operator'), op, ['In', 'NotIn']));
      if (onExit.containerName != null && !containerNames.has(asStr(onExit.containerName))) {
        errs.push(fieldErrors.invalid(ep.child('containerName'), asStr(onExit.containerName), 'must be one of the container or initContainer names in the pod template'));
      }
      const values = asArr(onExit.values).map((v) => asNum(v) ?? 0);
      const vp = ep.child('values');
      const rendering = rendered(`[]int32{${values.join(', ')}}`);
      if (values.length === 0) errs.push(fieldErrors.invalid(vp, rendered('[]int32(nil)'), 'at least one value is required'));
      else if (values.length > 255) errs.push(fieldErrors.tooMany(vp, values.length, 255));
      const seen = new Set<number>();
      let ordered = true;
      values.forEach((v, j) => {
        if (op === 'In' && v === 0) errs.push(fieldErrors.invalid(vp.index(j), v, 'must not be 0 for the In operator'));
        if (seen.has(v)) errs.push(fieldErrors.duplicate(vp.index(j), v));
        else seen.add(v);
        if (j > 0 && values[j - 1]! > v) ordered = false;
      });
      if (!ordered) errs.push(fieldErrors.invalid(vp, rendering, 'must be ordered'));
    }
    if (onConditions.length > 0) {
      const cp = rp.child('onPodConditions');
      if (onConditions.length > 20) errs.push(fieldErrors.tooMany(cp, onConditions.length, 20));
      onConditions.forEach((c, j) => {
        const pattern = asObj(c) ?? {};
        const pp = cp.index(j);
        const type = asStr(pattern.type);
        for (const m of isQualifiedName(type)) errs.push(fieldErrors.invalid(pp.child('type'), type, m));
        const status = asStr(pattern.status);
        if (!status) errs.push(fieldErrors.required(pp.child('status'), `valid values: ["False" "True" "Unknown"]`));
        else if (!['False', 'True', 'Unknown'].includes(status)) errs.push(fieldErrors.notSupported(pp.child('status'), status, ['False', 'True', 'Unknown']));
      });
    }
    if (onExit && onConditions.length > 0) errs.push(new FieldError('FieldValueInvalid', String(rp), OMITTED, 'specifying both OnExitCodes and OnPodConditions is not supported'));
    if (!onExit && onConditions.length === 0) errs.push(new FieldError('FieldValueInvalid', String(rp), OMITTED, 'specifying one of OnExitCodes and OnPodConditions is required'));
  });
  return errs;
}

// The marker upstream's field.OmitValueType stands for (no bad value printed).
const OMITTED = fieldErrors.required(FieldPath.root(), '').badValue;

/** As upstream's validateJobSpec (shared by jobs and cron job templates). */
function validateJobSpec(spec: Json, path: FieldPath, opts: PodValidationOptions): FieldError[] {
  const errs: FieldError[] = [];
  for (const f of ['parallelism', 'completions', 'activeDeadlineSeconds', 'backoffLimit', 'ttlSecondsAfterFinished', 'backoffLimitPerIndex']) {
    if (spec[f] != null) errs.push(...nonneg(spec[f], path.child(f)));
  }
  if (spec.maxFailedIndexes != null) {
    errs.push(...nonneg(spec.maxFailedIndexes, path.child('maxFailedIndexes')));
    if (spec.backoffLimitPerIndex == null) errs.push(fieldErrors.required(path.child('backoffLimitPerIndex'), 'when maxFailedIndexes is specified'));
  }
  if (spec.managedBy != null) {
    const managedBy = asStr(spec.managedBy);
    errs.push(...validateDomainPrefixedPath(managedBy, path.child('managedBy')));
    if (managedBy.length > 63) errs.push(tooLongMaxLength(path.child('managedBy'), 63));
  }
  const mode = spec.completionMode == null ? undefined : asStr(spec.completionMode);
  const completions = asNum(spec.completions);
  const parallelism = asNum(spec.parallelism);
  const maxFailed = asNum(spec.maxFailedIndexes);
  if (mode !== undefined) {
    if (mode !== 'NonIndexed' && mode !== 'Indexed') errs.push(fieldErrors.notSupported(path.child('completionMode'), mode, ['NonIndexed', 'Indexed']));
    if (mode === 'Indexed') {
      if (spec.completions == null) errs.push(fieldErrors.required(path.child('completions'), 'when completion mode is Indexed'));
      if (parallelism !== undefined && parallelism > 100000) {
        errs.push(fieldErrors.invalid(path.child('parallelism'), parallelism, 'must be less than or equal to 100000 when completion mode is Indexed'));
      }
      if (completions !== undefined && maxFailed !== undefined && maxFailed > completions) {
        errs.push(fieldErrors.invalid(path.child('maxFailedIndexes'), maxFailed, 'must be less than or equal to completions'));
      }
      if (maxFailed !== undefined && maxFailed > 100000) errs.push(fieldErrors.invalid(path.child('maxFailedIndexes'), maxFailed, 'must be less than or equal to 100000'));
      if (completions !== undefined && completions > 100000 && spec.backoffLimitPerIndex != null) {
        if (maxFailed === undefined) errs.push(fieldErrors.required(path.child('maxFailedIndexes'), 'must be specified when completions is above 100000'));
        if (parallelism !== undefined && parallelism > 10000) {
          errs.push(fieldErrors.invalid(path.child('parallelism'), parallelism, 'must be less than or equal to 10000 when completions are above 100000 and used with backoff limit per index'));
        }
        if (maxFailed !== undefined && maxFailed > 10000) {
          errs.push(fieldErrors.invalid(path.child('maxFailedIndexes'), maxFailed, 'must be less than or equal to 10000 when completions are above 100000 and used with backoff limit per index'));
        }
      }
    }
  }
  if (mode === undefined || mode === 'NonIndexed') {
    if (spec.backoffLimitPerIndex != null) errs.push(fieldErrors.invalid(path.child('backoffLimitPerIndex'), asNum(spec.backoffLimitPerIndex) ?? 0, 'requires indexed completion mode'));
    if (maxFailed !== undefined) errs.push(fieldErrors.invalid(path.child('maxFailedIndexes'), maxFailed, 'requires indexed completion mode'));
  }
  if (spec.podFailurePolicy != null) errs.push(...validatePodFailurePolicy(spec, path.child('podFailurePolicy')));
  const successPolicy = asObj(spec.successPolicy);
  if (successPolicy) {
    const sp = path.child('successPolicy');
    if (mode !== 'Indexed') errs.push(fieldErrors.invalid(sp, rendered('batch.SuccessPolicy{...}'), 'requires indexed completion mode'));
    else {
      const rules = asArr(successPolicy.rules);
      if (rules.length === 0) errs.push(fieldErrors.required(sp.child('rules'), 'at least one rules must be specified when the successPolicy is specified'));
      if (rules.length > 20) errs.push(fieldErrors.tooMany(sp.child('rules'), rules.length, 20));
      rules.forEach((r, i) => {
        const rule = asObj(r) ?? {};
        const rp = sp.child('rules').index(i);
        if (rule.succeededCount == null && rule.succeededIndexes == null) {
          errs.push(fieldErrors.required(rp, 'at least one of succeededCount or succeededIndexes must be specified'));
        }
        let total = 0;
        if (rule.succeededIndexes != null) {
          const idx = asStr(rule.succeededIndexes);
          if (idx.length > 64 * 1024) errs.push(fieldErrors.tooLong(rp.child('succeededIndexes'), idx, 64 * 1024));
          const r2 = validateIndexesFormat(idx, completions ?? 0);
          if (typeof r2 === 'string') errs.push(fieldErrors.invalid(rp.child('succeededIndexes'), idx, `error parsing succeededIndexes: ${r2}`));
          else total = r2;
        }
        if (rule.succeededCount != null) {
          const count = asNum(rule.succeededCount) ?? 0;
          const cp = rp.child('succeededCount');
          errs.push(...nonneg(count, cp));
          if (count > (completions ?? 0)) errs.push(fieldErrors.invalid(cp, count, `must be less than or equal to ${completions ?? 0} (the number of specified completions)`));
          if (rule.succeededIndexes != null && count > total) {
            errs.push(fieldErrors.invalid(cp, count, `must be less than or equal to ${total} (the number of indexes in the specified succeededIndexes field)`));
          }
        }
      });
    }
  }
  if (spec.podReplacementPolicy != null) {
    const prp = asStr(spec.podReplacementPolicy);
    if (spec.podFailurePolicy != null) {
      if (prp !== 'Failed') errs.push(fieldErrors.notSupported(path.child('podReplacementPolicy'), prp, ['Failed']));
    } else if (prp !== 'Failed' && prp !== 'TerminatingOrFailed') {
      errs.push(fieldErrors.notSupported(path.child('podReplacementPolicy'), prp, ['Failed', 'TerminatingOrFailed']));
    }
  }
  const template = asObj(spec.template) ?? {};
  const tpath = path.child('template');
  errs.push(...validatePodTemplateSpec(template, tpath, opts));
  const restartPolicy = asStr(asObj(template.spec)?.restartPolicy);
  if (restartPolicy === 'Always' || restartPolicy === '') {
    errs.push(fieldErrors.required(tpath.child('spec', 'restartPolicy'), 'valid values: "OnFailure", "Never"'));
  } else if (restartPolicy !== 'OnFailure' && restartPolicy !== 'Never') {
    errs.push(fieldErrors.notSupported(tpath.child('spec', 'restartPolicy'), restartPolicy, ['OnFailure', 'Never']));
  } else if (spec.podFailurePolicy != null && restartPolicy !== 'Never') {
    errs.push(fieldErrors.invalid(tpath.child('spec', 'restartPolicy'), restartPolicy, 'only "Never" is supported when podFailurePolicy is specified'));
  }
  return errs;
}

interface JobValidationOptions {
  pod: PodValidationOptions;
  requirePrefixedLabels: boolean;
  allowMutableSchedulingDirectives: boolean;
}

function jobOptions(job: KubeObject, old?: KubeObject): JobValidationOptions {
  const opts: JobValidationOptions = { pod: templateOptions(job, old), requirePrefixedLabels: true, allowMutableSchedulingDirectives: false };
  if (old) {
    const oldSpec = asObj(old.spec) ?? {};
    opts.pod = selectorOptions(opts.pod, old);
    opts.allowMutableSchedulingDirectives = oldSpec.suspend === true && asObj(old.status)?.startTime == null;
    const oldLabels = asObj(asObj(asObj(oldSpec.template)?.metadata)?.labels) ?? {};
    opts.requirePrefixedLabels = JOB_LABELS.jobName in oldLabels && JOB_LABELS.controllerUid in oldLabels;
  }
  return opts;
}

/** As upstream's ValidateJob (metadata itself is validated by the registry). */
function validateJob(job: KubeObject, opts: JobValidationOptions): FieldError[] {
  const spec = asObj(job.spec) ?? {};
  const errs = [...validateGeneratedSelector(job, opts.requirePrefixedLabels), ...validateJobSpec(spec, SPEC, opts.pod)];
  if (spec.selector == null) errs.push(fieldErrors.required(SPEC.child('selector'), ''));
  else errs.push(...validateLabelSelector(spec.selector as LabelSelector, { allowInvalidLabelValueInSelector: opts.pod.allowInvalidLabelValueInSelector }, SPEC.child('selector')));
  const selector = selectorOf(spec.selector);
  const labels = asObj(asObj(asObj(spec.template)?.metadata)?.labels);
  if (!(selector instanceof LabelSelectorError) && !selector.matches(labels as Record<string, string>)) {
    errs.push(templateLabelsMismatch(TEMPLATE_PATH.child('metadata', 'labels'), labels));
  }
  const completions = asNum(spec.completions);
  if (spec.completionMode === 'Indexed' && completions !== undefined && completions > 0) {
    const hostname = `${job.metadata?.name ?? ''}-${completions - 1}`;
    if (isDNS1123Label(hostname).length > 0) {
      errs.push(fieldErrors.invalid(METADATA.child('name'), job.metadata?.name ?? '', `will not able to create pod with invalid DNS label: ${hostname}`));
    }
  }
  return errs;
}

function immutable(next: unknown, prev: unknown, path: FieldPath, value: unknown): FieldError[] {
  return semanticEqual(next, prev) ? [] : [fieldErrors.invalid(path, value, FIELD_IMMUTABLE_ERROR_MSG)];
}

function validateJobUpdate(job: KubeObject, old: KubeObject): FieldError[] {
  const opts = jobOptions(job, old);
  const spec = asObj(job.spec) ?? {};
  const oldSpec = asObj(old.spec) ?? {};
  const errs = validateJob(job, opts);
  // completions may change for Indexed jobs in tandem with parallelism (ElasticIndexedJob, GA)
  if (spec.completionMode === 'Indexed') {
    if (!semanticEqual(spec.completions, oldSpec.completions) && spec.completions != null && spec.completions !== spec.parallelism) {
      errs.push(fieldErrors.invalid(SPEC.child('completions'), asNum(spec.completions) ?? 0, 'can only be modified in tandem with spec.parallelism'));
    }
  } else {
    errs.push(...immutable(spec.completions, oldSpec.completions, SPEC.child('completions'), spec.completions ?? null));
  }
  errs.push(...immutable(spec.selector, oldSpec.selector, SPEC.child('selector'), selectorValue(spec.selector)));
  let oldTemplate = asObj(oldSpec.template);
  const template = asObj(spec.template);
  if (opts.allowMutableSchedulingDirectives && oldTemplate && template) {
    // suspended jobs that never started may change scheduling directives
    oldTemplate = deepClone(oldTemplate);
    const ts = asObj(template.spec) ?? {};
    const os = objAt(oldTemplate, 'spec');
    const oa = asObj(os.affinity);
    const na = asObj(ts.affinity);
    if (!na && oa) {
      delete oa.nodeAffinity;
      if (Object.keys(oa).length === 0) delete os.affinity;
    } else if (na && !oa) os.affinity = { nodeAffinity: na.nodeAffinity };
    else if (na && oa) oa.nodeAffinity = na.nodeAffinity;
    os.nodeSelector = ts.nodeSelector;
    os.tolerations = ts.tolerations;
    os.schedulingGates = ts.schedulingGates;
    const om = objAt(oldTemplate, 'metadata');
    om.annotations = asObj(template.metadata)?.annotations;
    om.labels = asObj(template.metadata)?.labels;
  }
  errs.push(...immutable(template, oldTemplate, SPEC.child('template'), rendered('core.PodTemplateSpec{...}')));
  errs.push(...immutable(spec.completionMode, oldSpec.completionMode, SPEC.child('completionMode'), spec.completionMode ?? null));
  errs.push(...immutable(spec.podFailurePolicy, oldSpec.podFailurePolicy, SPEC.child('podFailurePolicy'), rendered('batch.PodFailurePolicy{...}')));
  errs.push(...immutable(spec.backoffLimitPerIndex, oldSpec.backoffLimitPerIndex, SPEC.child('backoffLimitPerIndex'), spec.backoffLimitPerIndex ?? null));
  errs.push(...immutable(spec.managedBy, oldSpec.managedBy, SPEC.child('managedBy'), spec.managedBy ?? null));
  errs.push(...immutable(spec.successPolicy, oldSpec.successPolicy, SPEC.child('successPolicy'), rendered('batch.SuccessPolicy{...}')));
  return errs;
}

const conditionTrue = (status: Json, type: string) => asArr(status.conditions).some((c) => asStr(asObj(c)?.type) === type && asStr(asObj(c)?.status) === 'True');

/** Job status rules upstream applies to every writer (a subset; see the report). */
function validateJobStatusUpdate(job: KubeObject, old: KubeObject): FieldError[] {
  const status = asObj(job.status) ?? {};
  const oldStatus = asObj(old.status) ?? {};
  const errs: FieldError[] = [];
  for (const f of ['active', 'succeeded', 'failed']) errs.push(...nonneg(status[f], STATUS.child(f)));
  for (const f of ['ready', 'terminating']) if (status[f] != null) errs.push(...nonneg(status[f], STATUS.child(f)));
  const uncounted = asObj(status.uncountedTerminatedPods);
  if (uncounted) {
    const seen = new Set<string>();
    for (const kind of ['succeeded', 'failed']) {
      asArr(uncounted[kind]).forEach((u, i) => {
        const p = STATUS.child('uncountedTerminatedPods').child(kind).index(i);
        const uid = asStr(u);
        if (!uid) errs.push(fieldErrors.invalid(p, uid, 'must not be empty'));
        else if (seen.has(uid)) errs.push(fieldErrors.duplicate(p, uid));
        else seen.add(uid);
      });
    }
  }
  const complete = conditionTrue(status, 'Complete');
  const failed = conditionTrue(status, 'Failed');
  if ((complete !== conditionTrue(oldStatus, 'Complete') || failed !== conditionTrue(oldStatus, 'Failed')) && complete && failed) {
    errs.push(new FieldError('FieldValueInvalid', String(STATUS.child('conditions')), OMITTED, 'cannot set Complete=True and Failed=true conditions'));
  }
  for (const type of ['Failed', 'Complete', 'FailureTarget']) {
    if (conditionTrue(oldStatus, type) && !conditionTrue(status, type)) {
      errs.push(new FieldError('FieldValueInvalid', String(STATUS.child('conditions')), OMITTED, `cannot disable the terminal ${type}=True condition`));
    }
  }
  if ((asNum(status.failed) ?? 0) < (asNum(oldStatus.failed) ?? 0)) errs.push(fieldErrors.invalid(STATUS.child('failed'), asNum(status.failed) ?? 0, 'cannot decrease the failed counter'));
  if (status.completionTime != null && oldStatus.completionTime != null && status.completionTime !== oldStatus.completionTime) {
    errs.push(fieldErrors.invalid(STATUS.child('completionTime'), rendered(String(status.completionTime)), 'completionTime cannot be mutated'));
  }
  if (status.ready != null && !semanticEqual(status.ready, oldStatus.ready) && (asNum(status.ready) ?? 0) > (asNum(status.active) ?? 0)) {
    errs.push(fieldErrors.invalid(STATUS.child('ready'), asNum(status.ready) ?? 0, 'cannot set more ready pods than active'));
  }
  return errs;
}

function jobSpecWarnings(spec: Json, path: FieldPath, obj: KubeObject, old: KubeObject | undefined): string[] {
  const out: string[] = [];
  if (spec.completionMode === 'Indexed' && (asNum(spec.completions) ?? 0) > 100000 && (asNum(spec.parallelism) ?? 0) > 10000) {
    out.push(
      `${path}: In Indexed Jobs with a number of completions higher than 10^5 and a parallelism higher than 10^4, Kubernetes might not be able to track completedIndexes when a big number of indexes fail`,
    );
  }
  out.push(...templateWarnings(obj, old, path.child('template'), asObj(spec.template) ?? {}));
  return out;
}

function nameWarning(name: string | undefined): string[] {
  const msgs = isDNS1123Label(name ?? '');
  return msgs.length
    ? [`metadata.name: this is used in Pod names and hostnames, which can result in surprising behavior; a DNS label is recommended: [${msgs.join(' ')}]`]
    : [];
}

const jobStrategy: Partial<TypeStrategy> = {
  prepareForCreate(job) {
    job.status = {};
    dropTemplateFields(job);
    generateJobSelector(job);
  },
  prepareForUpdate: (job, old) => dropTemplateFields(job, old),
  default: defaultJob,
  validate: (job) => validateJob(job, jobOptions(job)),
  validateUpdate: validateJobUpdate,
  validateStatusUpdate: validateJobStatusUpdate,
  warnings: (job, old) => [...(old ? [] : nameWarning(job.metadata?.name)), ...jobSpecWarnings(asObj(job.spec) ?? {}, SPEC, job, old)],
};

// ---------------------------------------------------------------------------------------
// CronJobs

const VALID_TZ_PART = /^[A-Za-z.\-_0-9+]{1,14}$/;

function validateTimeZone(tz: unknown, path: FieldPath): FieldError[] {
  if (tz === undefined || tz === null) return [];
  const zone = asStr(tz);
  if (zone === '') return [fieldErrors.invalid(path, '', 'timeZone must be nil or non-empty string')];
  for (const part of zone.split('/')) {
    if (part === '.' || part === '..' || part.startsWith('-') || !VALID_TZ_PART.test(part)) return [fieldErrors.invalid(path, zone, `unknown time zone ${zone}`)];
  }
  const errs: FieldError[] = [];
  if (zone.toLowerCase() === 'local') errs.push(fieldErrors.invalid(path, zone, 'timeZone must be an explicit time zone as defined in https://www.iana.org/time-zones'));
  if (zone !== 'Local' && !isKnownTimeZone(zone)) errs.push(fieldErrors.invalid(path, zone, `unknown time zone ${zone}`));
  return errs;
}

function validateCronJobSpec(spec: Json, oldSpec: Json | undefined, opts: PodValidationOptions): FieldError[] {
  const errs: FieldError[] = [];
  const schedule = asStr(spec.schedule);
  const sp = SPEC.child('schedule');
  if (!schedule) errs.push(fieldErrors.required(sp, ''));
  else {
    const allowTZ = oldSpec !== undefined && asStr(oldSpec.schedule).includes('TZ');
    const err = scheduleError(schedule);
    if (err) errs.push(fieldErrors.invalid(sp, schedule, err));
    if (allowTZ && schedule.includes('TZ') && spec.timeZone != null) {
      errs.push(fieldErrors.invalid(sp, schedule, 'cannot use both timeZone field and TZ or CRON_TZ in schedule'));
    } else if (!allowTZ && schedule.includes('TZ')) {
      errs.push(fieldErrors.invalid(sp, schedule, 'cannot use TZ or CRON_TZ in schedule, use timeZone field instead'));
    }
  }
  if (spec.startingDeadlineSeconds != null) errs.push(...nonneg(spec.startingDeadlineSeconds, SPEC.child('startingDeadlineSeconds')));
  if (!oldSpec || !semanticEqual(oldSpec.timeZone, spec.timeZone)) errs.push(...validateTimeZone(spec.timeZone, SPEC.child('timeZone')));
  const policy = asStr(spec.concurrencyPolicy);
  if (!policy) errs.push(fieldErrors.required(SPEC.child('concurrencyPolicy'), ''));
  else if (!['Allow', 'Forbid', 'Replace'].includes(policy)) errs.push(fieldErrors.notSupported(SPEC.child('concurrencyPolicy'), policy, ['Allow', 'Forbid', 'Replace']));
  const jt = asObj(spec.jobTemplate) ?? {};
  const jtSpec = asObj(jt.spec) ?? {};
  const jp = SPEC.child('jobTemplate');
  errs.push(...validateJobSpec(jtSpec, jp.child('spec'), opts));
  if (jtSpec.selector != null) errs.push(fieldErrors.invalid(jp.child('spec', 'selector'), selectorValue(jtSpec.selector), '`selector` will be auto-generated'));
  if (jtSpec.manualSelector === true) errs.push(fieldErrors.notSupported(jp.child('spec', 'manualSelector'), true, ['nil', 'false']));
  for (const f of ['successfulJobsHistoryLimit', 'failedJobsHistoryLimit']) if (spec[f] != null) errs.push(...nonneg(spec[f], SPEC.child(f)));
  return errs;
}

function cronJobOptions(cj: KubeObject, old?: KubeObject): PodValidationOptions {
  const tpl = asObj(asObj(asObj(asObj(cj.spec)?.jobTemplate)?.spec)?.template);
  const oldTpl = asObj(asObj(asObj(asObj(old?.spec)?.jobTemplate)?.spec)?.template);
  return podValidationOptions(asObj(tpl?.spec), asObj(oldTpl?.spec), asObj(oldTpl?.metadata) as ObjectMeta | undefined);
}

function defaultCronJob(cj: KubeObject): void {
  const spec = specOf(cj);
  if (!asStr(spec.concurrencyPolicy)) spec.concurrencyPolicy = 'Allow';
  setIfAbsent(spec, 'suspend', false);
  setIfAbsent(spec, 'successfulJobsHistoryLimit', 3);
  setIfAbsent(spec, 'failedJobsHistoryLimit', 1);
  // the job template only gets the pod template's defaults (SetDefaults_Job is for Jobs)
  const jt = objAt(spec, 'jobTemplate');
  defaultEmbeddedMeta(jt);
  defaultJobSpecTemplate(objAt(jt, 'spec'));
}

function dropCronJobTemplateFields(cj: KubeObject, old?: KubeObject): void {
  const tpl = objAt(objAt(objAt(specOf(cj), 'jobTemplate'), 'spec'), 'template');
  dropDisabledPodSpecFields(objAt(tpl, 'spec'), asObj(asObj(asObj(asObj(asObj(old?.spec)?.jobTemplate)?.spec)?.template)?.spec));
}

const cronJobStrategy: Partial<TypeStrategy> = {
  prepareForCreate(cj) {
    cj.status = {};
    dropCronJobTemplateFields(cj);
  },
  prepareForUpdate: (cj, old) => dropCronJobTemplateFields(cj, old),
  default: defaultCronJob,
  validate(cj) {
    const errs = validateCronJobSpec(asObj(cj.spec) ?? {}, undefined, cronJobOptions(cj));
    const name = cj.metadata?.name ?? '';
    // the controller appends an 11-character suffix to name its jobs
    if (name.length > 52) errs.push(fieldErrors.invalid(METADATA.child('name'), name, 'must be no more than 52 characters'));
    return errs;
  },
  validateUpdate: (cj, old) => validateCronJobSpec(asObj(cj.spec) ?? {}, asObj(old.spec) ?? {}, cronJobOptions(cj, old)),
  warnings(cj, old) {
    const jtSpec = asObj(asObj(asObj(cj.spec)?.jobTemplate)?.spec) ?? {};
    const out = old ? [] : nameWarning(cj.metadata?.name);
    out.push(...jobSpecWarnings(jtSpec, SPEC.child('jobTemplate', 'spec'), cj, old));
    return out;
  },
};

/** The workload types' strategies, keyed `group/resource`. */
export const WORKLOAD_STRATEGIES: StrategyOverlay = {
  '/replicationcontrollers': replicationControllerStrategy,
  'apps/deployments': deploymentStrategy,
  'apps/replicasets': replicaSetStrategy,
  'apps/statefulsets': statefulSetStrategy,
  'apps/daemonsets': daemonSetStrategy,
  'apps/controllerrevisions': controllerRevisionStrategy,
  'batch/jobs': jobStrategy,
  'batch/cronjobs': cronJobStrategy,
};
