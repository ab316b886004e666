/**
 * core/v1 PersistentVolumes and PersistentVolumeClaims, as kube-apiserver 1.32 defaults,
 * prepares and validates them (SetDefaults_PersistentVolume(Claim), the volume source
 * defaults, the strategies' status handling, ValidatePersistentVolume(Claim)(Update), the
 * PV/PVC warnings).
 */
import { fieldErrors, type FieldError } from '../../apimachinery/field-errors.js';
import { field, type FieldPath } from '../../apimachinery/field-path.js';
import { compareGoStrings } from '../../apimachinery/go-format.js';
import { formatTime } from '../../apimachinery/time.js';
import { isObject, type KubeObject } from '../../apimachinery/types.js';
import { isDNS1123Subdomain, nameIsDNSLabel } from '../../apimachinery/validation.js';
import { deepEqual } from '../../util/deep.js';
import type { StrategyOverlay, TypeStrategy } from '../strategy.js';
import { child, has, objects, str, strings, sub, type Obj } from './access.js';
import { goResourceList } from './core-cluster.js';
import { goValue } from './go-values.js';
import {
  byteLen,
  immutable,
  quantityOf,
  roundResourceList,
  validateBasicResource,
  validateNodeSelector,
  validatePositiveQuantity,
  validateResourceQuantityValue,
  validateSelector,
} from './validators.js';

const ACCESS_MODES = ['ReadOnlyMany', 'ReadWriteMany', 'ReadWriteOnce', 'ReadWriteOncePod'];
const RECLAIM_POLICIES = ['Delete', 'Recycle', 'Retain'];
const VOLUME_MODES = ['Block', 'Filesystem'];
const HOST_PATH_TYPES = ['', 'BlockDevice', 'CharDevice', 'Directory', 'DirectoryOrCreate', 'File', 'FileOrCreate', 'Socket'];
const BETA_STORAGE_CLASS_ANNOTATION = 'volume.beta.kubernetes.io/storage-class';

/** The strategies' clock for transition times (upstream's NowFunc); replaceable in tests. */
export const volumeClock = { now: (): number => Date.now() };

/** The persistent volume sources in the order upstream's validation checks them, with the path it reports. */
const PV_SOURCES: [key: string, path: string][] = [
  ['hostPath', 'hostPath'],
  ['gcePersistentDisk', 'persistentDisk'],
  ['awsElasticBlockStore', 'awsElasticBlockStore'],
  ['glusterfs', 'glusterfs'],
  ['flocker', 'flocker'],
  ['nfs', 'nfs'],
  ['rbd', 'rbd'],
  ['quobyte', 'quobyte'],
  ['cephfs', 'cephfs'],
  ['iscsi', 'iscsi'],
  ['cinder', 'cinder'],
  ['fc', 'fc'],
  ['flexVolume', 'flexVolume'],
  ['azureFile', 'azureFile'],
  ['vsphereVolume', 'vsphereVolume'],
  ['photonPersistentDisk', 'photonPersistentDisk'],
  ['portworxVolume', 'portworxVolume'],
  ['azureDisk', 'azureDisk'],
  ['scaleIO', 'scaleIO'],
  ['local', 'local'],
  ['storageos', 'storageos'],
  ['csi', 'csi'],
];
const PV_SOURCE_KEYS = PV_SOURCES.map(([k]) => k);

// ---------------------------------------------------------------------------------------
// Defaulting

/**
 * The v1 volume source defaults that apply inside a PersistentVolumeSpec, beyond what
 * defaults.ts sets (reclaim policy, volume mode, hostPath type).
 */
function defaultPersistentVolumeSource(spec: Obj): void {
  if (isObject(spec.iscsi) && !spec.iscsi.iscsiInterface) spec.iscsi.iscsiInterface = 'default';
  if (isObject(spec.rbd)) {
    if (!spec.rbd.pool) spec.rbd.pool = 'rbd';
    if (!spec.rbd.user) spec.rbd.user = 'admin';
    if (!spec.rbd.keyring) spec.rbd.keyring = '/etc/ceph/keyring';
  }
  if (isObject(spec.azureDisk)) {
    const d = spec.azureDisk;
    if (d.cachingMode === undefined || d.cachingMode === null) d.cachingMode = 'ReadWrite';
    if (d.kind === undefined || d.kind === null) d.kind = 'Shared';
    if (d.fsType === undefined || d.fsType === null) d.fsType = 'ext4';
    if (d.readOnly === undefined || d.readOnly === null) d.readOnly = false;
  }
  if (isObject(spec.scaleIO)) {
    if (!spec.scaleIO.storageMode) spec.scaleIO.storageMode = 'ThinProvisioned';
    if (!spec.scaleIO.fsType) spec.scaleIO.fsType = 'xfs';
  }
}

/** The PersistentVolume defaults defaults.ts leaves out: capacity rounding and source defaults. */
export function defaultPersistentVolumeExtras(pv: KubeObject): void {
  const spec = child(pv as Obj, 'spec');
  roundResourceList(spec, 'capacity');
  defaultPersistentVolumeSource(spec);
}

/** The PersistentVolumeClaimSpec defaults defaults.ts leaves out: request and limit rounding. */
export function defaultPersistentVolumeClaimSpecExtras(spec: Obj): void {
  const res = sub(spec, 'resources');
  roundResourceList(res, 'requests');
  roundResourceList(res, 'limits');
}

function defaultPersistentVolumeClaimExtras(pvc: KubeObject): void {
  defaultPersistentVolumeClaimSpecExtras(child(pvc as Obj, 'spec'));
  if (isObject(pvc.status)) roundResourceList(pvc.status, 'capacity');
}

/**
 * As upstream's NormalizeDataSources (AnyVolumeDataSource): dataSource and dataSourceRef
 * mirror each other when only one is given (not for cross-namespace references).
 */
function normalizeDataSources(spec: Obj): void {
  const ds = spec.dataSource;
  const ref = spec.dataSourceRef;
  if (isObject(ds) && !isObject(ref)) {
    const out: Obj = { kind: ds.kind, name: ds.name };
    if (typeof ds.apiGroup === 'string') out.apiGroup = ds.apiGroup;
    spec.dataSourceRef = out;
  } else if (isObject(ref) && !isObject(ds) && !str(ref, 'namespace')) {
    const out: Obj = { kind: ref.kind, name: ref.name };
    if (typeof ref.apiGroup === 'string') out.apiGroup = ref.apiGroup;
    spec.dataSource = out;
  }
}

// ---------------------------------------------------------------------------------------
// Volume sources

function validatePathNoBacksteps(p: string, path: FieldPath): FieldError[] {
  return p.split('/').includes('..') ? [fieldErrors.invalid(path, p, "must not contain '..'")] : [];
}

/** Upstream's ValidateCSIDriverName. */
export function validateCSIDriverName(name: string, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  if (!name) errs.push(fieldErrors.required(path, ''));
  if (byteLen(name) > 63) errs.push(fieldErrors.tooLong(path, name, 63));
  for (const m of isDNS1123Subdomain(name.toLowerCase())) errs.push(fieldErrors.invalid(path, name, m));
  return errs;
}

function validateSecretRef(ref: unknown, path: FieldPath): FieldError[] {
  if (!isObject(ref)) return [];
  const errs: FieldError[] = [];
  const name = str(ref, 'name');
  const ns = str(ref, 'namespace');
  if (!name) errs.push(fieldErrors.required(path.child('name'), 'name is required'));
  else for (const m of isDNS1123Subdomain(name)) errs.push(fieldErrors.invalid(path.child('name'), name, m));
  if (!ns) errs.push(fieldErrors.required(path.child('namespace'), 'namespace is required'));
  else for (const m of nameIsDNSLabel(ns, false)) errs.push(fieldErrors.invalid(path.child('namespace'), ns, m));
  return errs;
}

/** Field checks of the sources k8ts users meet most; others are only counted. */
function validateSource(key: string, src: Obj, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  switch (key) {
    case 'hostPath': {
      const p = str(src, 'path');
      if (!p) return [fieldErrors.required(path.child('path'), '')];
      errs.push(...validatePathNoBacksteps(p, path.child('path')));
      if (typeof src.type === 'string' && !HOST_PATH_TYPES.includes(src.type)) errs.push(fieldErrors.notSupported(path.child('type'), src.type, HOST_PATH_TYPES));
      break;
    }
    case 'nfs':
      if (!str(src, 'server')) errs.push(fieldErrors.required(path.child('server'), ''));
      if (!str(src, 'path')) errs.push(fieldErrors.required(path.child('path'), ''));
      if (!str(src, 'path').startsWith('/')) errs.push(fieldErrors.invalid(path.child('path'), str(src, 'path'), 'must be an absolute path'));
      break;
    case 'local': {
      const p = str(src, 'path');
      if (!p) return [fieldErrors.required(path.child('path'), '')];
      errs.push(...validatePathNoBacksteps(p, path.child('path')));
      break;
    }
    case 'csi':
      errs.push(...validateCSIDriverName(str(src, 'driver'), path.child('driver')));
      if (!str(src, 'volumeHandle')) errs.push(fieldErrors.required(path.child('volumeHandle'), ''));
      for (const ref of ['controllerPublishSecretRef', 'nodeStageSecretRef', 'nodePublishSecretRef', 'controllerExpandSecretRef', 'nodeExpandSecretRef']) {
        errs.push(...validateSecretRef(src[ref], path.child(ref)));
      }
      break;
    case 'iscsi':
      if (!str(src, 'targetPortal')) errs.push(fieldErrors.required(path.child('targetPortal'), ''));
      if (!str(src, 'iqn')) errs.push(fieldErrors.required(path.child('iqn'), ''));
      break;
  }
  return errs;
}

/** The PersistentVolumeSource part of a spec (what becomes immutable after creation). */
const pvSource = (spec: Obj): Obj => Object.fromEntries(PV_SOURCE_KEYS.filter((k) => isObject(spec[k])).map((k) => [k, spec[k]]));

// ---------------------------------------------------------------------------------------
// PersistentVolumes

function validateAccessModes(spec: Obj, path: FieldPath, requiredDetail: string): FieldError[] {
  const errs: FieldError[] = [];
  const modes = strings(spec, 'accessModes');
  if (modes.length === 0) errs.push(fieldErrors.required(path, requiredDetail));
  let rwop = false;
  let other = false;
  for (const m of modes) {
    if (!ACCESS_MODES.includes(m)) errs.push(fieldErrors.notSupported(path, m, ACCESS_MODES));
    if (m === 'ReadWriteOncePod') rwop = true;
    else if (ACCESS_MODES.includes(m)) other = true;
  }
  if (rwop && other) errs.push(fieldErrors.forbidden(path, 'may not use ReadWriteOncePod with other access modes'));
  return errs;
}

/** Upstream's ValidatePersistentVolumeSpec (not in the context of inline volumes). */
export function validatePersistentVolumeSpec(spec: Obj, path: FieldPath): FieldError[] {
  const errs = validateAccessModes(spec, path.child('accessModes'), '');
  const capacity = sub(spec, 'capacity');
  const capPath = path.child('capacity');
  if (Object.keys(capacity).length === 0) errs.push(fieldErrors.required(capPath, ''));
  if (!('storage' in capacity) || Object.keys(capacity).length > 1) {
    errs.push(fieldErrors.notSupported(capPath, goValue(has(spec, 'capacity') ? goResourceList(capacity) : 'core.ResourceList(nil)'), ['storage']));
  }
  for (const k of Object.keys(capacity).sort(compareGoStrings)) {
    errs.push(...validateBasicResource(capacity[k], capPath.key(k)), ...validatePositiveQuantity(capacity[k], capPath.key(k)));
  }
  const reclaim = str(spec, 'persistentVolumeReclaimPolicy');
  if (reclaim && !RECLAIM_POLICIES.includes(reclaim)) errs.push(fieldErrors.notSupported(path.child('persistentVolumeReclaimPolicy'), reclaim, RECLAIM_POLICIES));
  let nodeAffinitySpecified = false;
  if (has(spec, 'nodeAffinity')) {
    nodeAffinitySpecified = true;
    const na = sub(spec, 'nodeAffinity');
    if (has(na, 'required')) errs.push(...validateNodeSelector(sub(na, 'required'), path.child('nodeAffinity', 'required')));
    else errs.push(fieldErrors.required(path.child('nodeAffinity', 'required'), 'must specify required node constraints'));
  }
  let count = 0;
  for (const [key, p] of PV_SOURCES) {
    if (!isObject(spec[key])) continue;
    // upstream never counted flexVolume against the others
    if (count > 0 && key !== 'flexVolume') {
      errs.push(fieldErrors.forbidden(path.child(key), 'may not specify more than 1 volume type'));
      continue;
    }
    count++;
    errs.push(...validateSource(key, spec[key] as Obj, path.child(p)));
    if (key === 'local' && !nodeAffinitySpecified) errs.push(fieldErrors.required(path.child('nodeAffinity'), 'Local volume requires node affinity'));
  }
  if (count === 0) errs.push(fieldErrors.required(path, 'must specify a volume type'));
  const hp = str(sub(spec, 'hostPath'), 'path');
  if (isObject(spec.hostPath) && hp.replace(/\/+/g, '/').replace(/(.)\/$/, '$1') === '/' && reclaim === 'Recycle') {
    errs.push(fieldErrors.forbidden(path.child('persistentVolumeReclaimPolicy'), "may not be 'recycle' for a hostPath mount of '/'"));
  }
  const sc = str(spec, 'storageClassName');
  if (sc) for (const m of isDNS1123Subdomain(sc)) errs.push(fieldErrors.invalid(path.child('storageClassName'), sc, m));
  if (typeof spec.volumeMode === 'string' && !VOLUME_MODES.includes(spec.volumeMode)) {
    errs.push(fieldErrors.notSupported(path.child('volumeMode'), spec.volumeMode, VOLUME_MODES));
  }
  return errs;
}

/** A diff in the spirit of upstream's cmp.Diff output appended to immutability messages (whose exact text upstream keeps unstable on purpose). */
function specDiff(type: string, oldValue: unknown, newValue: unknown): string {
  return `  ${type}{\n- \t${JSON.stringify(oldValue)}\n+ \t${JSON.stringify(newValue)}\n  }\n`;
}

function validatePersistentVolumeUpdate(pv: KubeObject, old: KubeObject): FieldError[] {
  const spec = sub(pv, 'spec');
  const prev = sub(old, 'spec');
  const errs = validatePersistentVolumeSpec(spec, field('spec'));
  const src = pvSource(spec);
  const oldSrc = pvSource(prev);
  // a CSI controllerExpandSecretRef may be added to an existing volume
  if (isObject(src.csi) && isObject(oldSrc.csi) && !has(oldSrc.csi, 'controllerExpandSecretRef') && has(src.csi, 'controllerExpandSecretRef')) {
    const csi = { ...src.csi };
    delete csi.controllerExpandSecretRef;
    src.csi = csi;
  }
  if (!deepEqual(src, oldSrc)) {
    errs.push(
      fieldErrors.forbidden(
        field('spec', 'persistentvolumesource'),
        `spec.persistentvolumesource is immutable after creation\n${specDiff('core.PersistentVolumeSource', oldSrc, src)}`,
      ),
    );
  }
  errs.push(...immutable(spec.volumeMode ?? null, prev.volumeMode ?? null, field('volumeMode')));
  if (has(prev, 'nodeAffinity') && !deepEqual(spec.nodeAffinity ?? null, prev.nodeAffinity)) {
    errs.push(fieldErrors.invalid(field('nodeAffinity'), goValue('&core.VolumeNodeAffinity{...}'), 'field is immutable, except for updating from beta label to GA'));
  }
  return errs;
}

function persistentVolumeWarnings(pv: KubeObject): string[] {
  const out: string[] = [];
  if (pv.metadata?.annotations?.[BETA_STORAGE_CLASS_ANNOTATION] !== undefined) {
    out.push(`metadata.annotations[${BETA_STORAGE_CLASS_ANNOTATION}]: deprecated since v1.8; use "storageClassName" attribute instead`);
  }
  if (str(sub(pv, 'spec'), 'persistentVolumeReclaimPolicy') === 'Recycle') {
    out.push('spec.persistentVolumeReclaimPolicy: The Recycle reclaim policy is deprecated. Instead, the recommended approach is to use dynamic provisioning.');
  }
  return out;
}

const persistentVolumes: Partial<TypeStrategy> = {
  default: defaultPersistentVolumeExtras,
  prepareForCreate(pv) {
    pv.status = { phase: 'Pending', lastPhaseTransitionTime: formatTime(volumeClock.now()) };
  },
  prepareForStatusUpdate(pv, old) {
    // As upstream: a phase change records its time unless the client set one.
    const status = isObject(pv.status) ? pv.status : (pv.status = {});
    if (!status.phase) status.phase = 'Pending';
    const prev = sub(old, 'status');
    if (status.phase === prev.phase && !has(status, 'lastPhaseTransitionTime')) {
      if (has(prev, 'lastPhaseTransitionTime')) status.lastPhaseTransitionTime = prev.lastPhaseTransitionTime;
    } else if (status.phase !== prev.phase && (!has(status, 'lastPhaseTransitionTime') || status.lastPhaseTransitionTime === prev.lastPhaseTransitionTime)) {
      status.lastPhaseTransitionTime = formatTime(volumeClock.now());
    }
  },
  validate: (pv) => validatePersistentVolumeSpec(sub(pv, 'spec'), field('spec')),
  validateUpdate: validatePersistentVolumeUpdate,
  validateStatusUpdate: () => [],
  warnings: (pv) => persistentVolumeWarnings(pv),
};

// ---------------------------------------------------------------------------------------
// PersistentVolumeClaims

function validateDataSource(ds: Obj, path: FieldPath, ref: boolean): FieldError[] {
  const errs: FieldError[] = [];
  if (!str(ds, 'name')) errs.push(fieldErrors.required(path.child('name'), ''));
  if (!str(ds, 'kind')) errs.push(fieldErrors.required(path.child('kind'), ''));
  const group = str(ds, 'apiGroup');
  if (!group && ds.kind !== 'PersistentVolumeClaim') {
    errs.push(fieldErrors.invalid(path, str(ds, 'kind'), "must be 'PersistentVolumeClaim' when referencing the default apiGroup"));
  }
  if (group) for (const m of isDNS1123Subdomain(group)) errs.push(fieldErrors.invalid(path.child('apiGroup'), group, m));
  if (ref && str(ds, 'namespace')) {
    for (const m of nameIsDNSLabel(str(ds, 'namespace'), false)) errs.push(fieldErrors.invalid(path.child('namespace'), str(ds, 'namespace'), m));
  }
  return errs;
}

/** Upstream's ValidatePersistentVolumeClaimSpec. */
export function validatePersistentVolumeClaimSpec(spec: Obj, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  const modes = strings(spec, 'accessModes');
  if (modes.length === 0) errs.push(fieldErrors.required(path.child('accessModes'), 'at least 1 access mode is required'));
  if (has(spec, 'selector')) errs.push(...validateSelector(spec.selector, path.child('selector')));
  errs.push(...validateAccessModes({ accessModes: modes }, path.child('accessModes'), '').filter((e) => e.detail !== ''));
  const storagePath = path.child('resources').key('storage');
  const requests = sub(sub(spec, 'resources'), 'requests');
  if (!('storage' in requests)) {
    errs.push(fieldErrors.required(storagePath, ''));
  } else {
    const pos = validatePositiveQuantity(requests.storage, storagePath);
    errs.push(...(pos.length ? pos : validateResourceQuantityValue('storage', requests.storage, storagePath)));
  }
  const sc = str(spec, 'storageClassName');
  if (sc) for (const m of isDNS1123Subdomain(sc)) errs.push(fieldErrors.invalid(path.child('storageClassName'), sc, m));
  if (typeof spec.volumeMode === 'string' && !VOLUME_MODES.includes(spec.volumeMode)) {
    errs.push(fieldErrors.notSupported(path.child('volumeMode'), spec.volumeMode, VOLUME_MODES));
  }
  if (isObject(spec.dataSource)) errs.push(...validateDataSource(spec.dataSource, path.child('dataSource'), false));
  if (isObject(spec.dataSourceRef)) errs.push(...validateDataSource(spec.dataSourceRef, path.child('dataSourceRef'), true));
  const ds = isObject(spec.dataSource) ? spec.dataSource : undefined;
  const ref = isObject(spec.dataSourceRef) ? spec.dataSourceRef : undefined;
  if (ref && str(ref, 'namespace')) {
    if (ds) errs.push(fieldErrors.invalid(path, path.child('dataSource').toString(), 'may not be specified when dataSourceRef.namespace is specified'));
  } else if (ds && ref) {
    const same = (ds.apiGroup ?? null) === (ref.apiGroup ?? null) && ds.kind === ref.kind && ds.name === ref.name;
    if (!same) errs.push(fieldErrors.invalid(path, path.child('dataSource').toString(), 'must match dataSourceRef'));
  }
  return errs;
}

function validatePersistentVolumeClaimUpdate(pvc: KubeObject, old: KubeObject): FieldError[] {
  const spec = sub(pvc, 'spec');
  const prev = sub(old, 'spec');
  const errs = validatePersistentVolumeClaimSpec(spec, field('spec'));
  const newClone: Obj = structuredClone(spec);
  const oldClone: Obj = structuredClone(prev);
  // volumeName may be set once (by the PV controller when binding).
  if (!str(prev, 'volumeName')) {
    if (has(newClone, 'volumeName')) oldClone.volumeName = newClone.volumeName;
    else delete oldClone.volumeName;
  }
  const oldAnn = old.metadata?.annotations ?? {};
  const newAnn = pvc.metadata?.annotations ?? {};
  const oldScAnn = oldAnn[BETA_STORAGE_CLASS_ANNOTATION];
  const upgradeFromAnnotation =
    oldScAnn !== undefined &&
    !has(prev, 'storageClassName') &&
    typeof spec.storageClassName === 'string' &&
    spec.storageClassName === oldScAnn &&
    (newAnn[BETA_STORAGE_CLASS_ANNOTATION] === undefined || newAnn[BETA_STORAGE_CLASS_ANNOTATION] === oldScAnn);
  if (upgradeFromAnnotation) {
    delete newClone.storageClassName;
  } else {
    if ((newAnn[BETA_STORAGE_CLASS_ANNOTATION] ?? '') !== (oldScAnn ?? '')) {
      errs.push(
        fieldErrors.invalid(field('metadata', 'annotations', BETA_STORAGE_CLASS_ANNOTATION), newAnn[BETA_STORAGE_CLASS_ANNOTATION] ?? '', 'field is immutable'),
      );
    }
    // a class may be set once on a claim that had none
    const fromNil = typeof spec.storageClassName === 'string' && !has(prev, 'storageClassName') && (oldScAnn === undefined || spec.storageClassName === oldScAnn);
    if (fromNil) delete newClone.storageClassName;
  }
  const bound = str(pvc.status, 'phase') === 'Bound';
  if (bound && isObject(sub(newClone, 'resources').requests)) {
    const req = (sub(newClone, 'resources').requests as Obj);
    const oldStorage = sub(sub(prev, 'resources'), 'requests').storage;
    if (oldStorage === undefined) delete req.storage;
    else req.storage = oldStorage;
  }
  if (!deepEqual(newClone, oldClone)) {
    errs.push(
      fieldErrors.forbidden(
        field('spec'),
        `spec is immutable after creation except resources.requests and volumeAttributesClassName for bound claims\n${specDiff('core.PersistentVolumeClaimSpec', oldClone, newClone)}`,
      ),
    );
  }
  const oldSize = quantityOf(sub(sub(prev, 'resources'), 'requests').storage ?? '0');
  const newSize = quantityOf(sub(sub(spec, 'resources'), 'requests').storage ?? '0');
  if (oldSize && newSize && newSize.cmp(oldSize) < 0) {
    // upstream: RecoverVolumeExpansionFailure (beta, on) allows shrinking down to status.capacity
    const statusSize = quantityOf(sub(sub(old, 'status'), 'capacity').storage ?? '0');
    if (statusSize && newSize.cmp(statusSize) <= 0) {
      errs.push(fieldErrors.forbidden(field('spec', 'resources', 'requests', 'storage'), 'field can not be less than status.capacity'));
    }
  }
  errs.push(...immutable(spec.volumeMode ?? null, prev.volumeMode ?? null, field('volumeMode')));
  return errs;
}

function validatePersistentVolumeClaimStatus(pvc: KubeObject): FieldError[] {
  const errs: FieldError[] = [];
  if (strings(sub(pvc, 'spec'), 'accessModes').length === 0) errs.push(fieldErrors.required(field('Spec', 'accessModes'), ''));
  const cap = sub(pvc.status, 'capacity');
  for (const k of Object.keys(cap).sort(compareGoStrings)) errs.push(...validateBasicResource(cap[k], field('status', 'capacity').key(k)));
  return errs;
}

function fractionalWarnings(spec: Obj): string[] {
  const out: string[] = [];
  for (const part of ['requests', 'limits']) {
    const v = sub(sub(spec, 'resources'), part).storage;
    const q = v === undefined ? undefined : quantityOf(v);
    if (q && q.milliValueBig() % 1000n !== 0n) {
      out.push(`spec.resources.${part}[storage]: fractional byte value "${q}" is invalid, must be an integer`);
    }
  }
  return out;
}

function persistentVolumeClaimWarnings(pvc: KubeObject): string[] {
  const out: string[] = [];
  if (pvc.metadata?.annotations?.[BETA_STORAGE_CLASS_ANNOTATION] !== undefined) {
    out.push(`metadata.annotations[${BETA_STORAGE_CLASS_ANNOTATION}]: deprecated since v1.8; use "storageClassName" attribute instead`);
  }
  return [...out, ...fractionalWarnings(sub(pvc, 'spec'))];
}

const persistentVolumeClaims: Partial<TypeStrategy> = {
  default: defaultPersistentVolumeClaimExtras,
  prepareForCreate(pvc) {
    normalizeDataSources(child(pvc as Obj, 'spec'));
  },
  prepareForUpdate(pvc, old) {
    // as upstream: clients that omit dataSource on update do not drop it
    const spec = child(pvc as Obj, 'spec');
    if (!has(spec, 'dataSource') && has(sub(old, 'spec'), 'dataSource') && deepEqual(spec.dataSourceRef ?? null, sub(old, 'spec').dataSourceRef ?? null)) {
      spec.dataSource = sub(old, 'spec').dataSource;
    }
    normalizeDataSources(spec);
  },
  prepareForStatusUpdate(pvc) {
    if (isObject(pvc.status) && !pvc.status.phase) pvc.status.phase = 'Pending';
  },
  validate: (pvc) => validatePersistentVolumeClaimSpec(sub(pvc, 'spec'), field('spec')),
  validateUpdate: validatePersistentVolumeClaimUpdate,
  validateStatusUpdate: validatePersistentVolumeClaimStatus,
  warnings: (pvc) => persistentVolumeClaimWarnings(pvc),
};

/** PersistentVolumes and PersistentVolumeClaims. */
export const CORE_VOLUME_STRATEGIES: StrategyOverlay = {
  '/persistentvolumes': persistentVolumes,
  '/persistentvolumeclaims': persistentVolumeClaims,
};

