/**
 * storage.k8s.io/v1 StorageClasses, CSIDrivers, CSINodes, VolumeAttachments and
 * CSIStorageCapacities, as kube-apiserver 1.32 defaults, prepares, validates and warns about
 * them (pkg/apis/storage/v1 defaults, pkg/apis/storage/validation, the strategies).
 * StorageClass reclaimPolicy/volumeBindingMode defaults are in defaults.ts.
 */
import { fieldErrors, type FieldError } from '../../apimachinery/field-errors.js';
import { field, type FieldPath } from '../../apimachinery/field-path.js';
import { goQuote } from '../../apimachinery/go-format.js';
import { validateLabelSelector } from '../../apimachinery/labels.js';
import { isObject, type KubeObject } from '../../apimachinery/types.js';
import { FIELD_IMMUTABLE_ERROR_MSG, IS_NEGATIVE_ERROR_MSG, isQualifiedName, nameIsDNSSubdomain } from '../../apimachinery/validation.js';
import { deepEqual } from '../../util/deep.js';
import type { StrategyOverlay, TypeStrategy } from '../strategy.js';
import { child, has, list, objects, str, strings, sub, type Obj } from './access.js';
import { validateCSIDriverName, validatePersistentVolumeSpec } from './core-volumes.js';
import { goMap, goScalar, goSlice, goValue } from './go-values.js';
import { asLabelSelector, byteLen, immutable, validateAllowedTopologies, validateNonnegativeQuantity } from './validators.js';

const RECLAIM_POLICIES = ['Delete', 'Retain'];
const BINDING_MODES = ['Immediate', 'WaitForFirstConsumer'];
const FS_GROUP_POLICIES = ['File', 'None', 'ReadWriteOnceWithFSType'];
const LIFECYCLE_MODES = ['Persistent', 'Ephemeral'];
const MAX_PARAMETER_COUNT = 512;
const MAX_PARAMETER_SIZE = 256 * 1024;
const MAX_ATTACHMENT_METADATA_SIZE = 256 * 1024;
const MAX_VOLUME_ERROR_MESSAGE = 1024;
const CSI_NODE_ID_MAX_LENGTH = 256;

/** Node labels upstream warns about (GetNodeLabelDeprecatedMessage). */
export const DEPRECATED_NODE_LABELS: Readonly<Record<string, string>> = {
  'beta.kubernetes.io/arch': 'deprecated since v1.14; use "kubernetes.io/arch" instead',
  'beta.kubernetes.io/os': 'deprecated since v1.14; use "kubernetes.io/os" instead',
  'failure-domain.beta.kubernetes.io/region': 'deprecated since v1.17; use "topology.kubernetes.io/region" instead',
  'failure-domain.beta.kubernetes.io/zone': 'deprecated since v1.17; use "topology.kubernetes.io/zone" instead',
  'beta.kubernetes.io/instance-type': 'deprecated since v1.17; use "node.kubernetes.io/instance-type" instead',
};

// ---------------------------------------------------------------------------------------
// StorageClasses

/** Upstream's validateParameters: at most 512 entries, 256 KiB in all, no empty keys. */
function validateParameters(params: Obj, path: FieldPath): FieldError[] {
  const keys = Object.keys(params);
  if (keys.length > MAX_PARAMETER_COUNT) return [fieldErrors.tooLong(path, 'Provisioner Parameters exceeded max allowed', MAX_PARAMETER_COUNT)];
  const errs: FieldError[] = [];
  let size = 0;
  for (const k of keys) {
    if (k.length < 1) errs.push(fieldErrors.invalid(path, k, 'field can not be empty.'));
    size += byteLen(k) + byteLen(String(params[k] ?? ''));
  }
  if (size > MAX_PARAMETER_SIZE) errs.push(fieldErrors.tooLong(path, '', MAX_PARAMETER_SIZE));
  return errs;
}

/** Upstream's ValidateStorageClass (the type part). */
export function validateStorageClass(sc: KubeObject): FieldError[] {
  const o = sc as Obj;
  const errs: FieldError[] = [];
  const provisioner = str(o, 'provisioner');
  if (!provisioner) errs.push(fieldErrors.required(field('provisioner'), ''));
  else for (const m of isQualifiedName(provisioner.toLowerCase())) errs.push(fieldErrors.invalid(field('provisioner'), provisioner.toLowerCase(), m));
  errs.push(...validateParameters(sub(o, 'parameters'), field('parameters')));
  const reclaim = str(o, 'reclaimPolicy');
  if (reclaim && !RECLAIM_POLICIES.includes(reclaim)) errs.push(fieldErrors.notSupported(field('reclaimPolicy'), reclaim, RECLAIM_POLICIES));
  if (!has(o, 'volumeBindingMode')) errs.push(fieldErrors.required(field('volumeBindingMode'), ''));
  else if (!BINDING_MODES.includes(str(o, 'volumeBindingMode'))) {
    errs.push(fieldErrors.notSupported(field('volumeBindingMode'), str(o, 'volumeBindingMode'), BINDING_MODES));
  }
  errs.push(...validateAllowedTopologies(list(o, 'allowedTopologies'), field('allowedTopologies')));
  return errs;
}

function validateStorageClassUpdate(sc: KubeObject, old: KubeObject): FieldError[] {
  const o = sc as Obj;
  const p = old as Obj;
  const errs: FieldError[] = [];
  if (!deepEqual(sub(o, 'parameters'), sub(p, 'parameters'))) errs.push(fieldErrors.forbidden(field('parameters'), 'updates to parameters are forbidden.'));
  if (str(o, 'provisioner') !== str(p, 'provisioner')) errs.push(fieldErrors.forbidden(field('provisioner'), 'updates to provisioner are forbidden.'));
  if (str(o, 'reclaimPolicy') !== str(p, 'reclaimPolicy')) errs.push(fieldErrors.forbidden(field('reclaimPolicy'), 'updates to reclaimPolicy are forbidden.'));
  errs.push(...immutable(o.volumeBindingMode ?? null, p.volumeBindingMode ?? null, field('volumeBindingMode')));
  return [...validateStorageClass(sc), ...errs];
}

/** Upstream's GetWarningsForStorageClass: deprecated node labels in allowedTopologies. */
function storageClassWarnings(sc: KubeObject): string[] {
  const out: string[] = [];
  objects(sc, 'allowedTopologies').forEach((term, i) => {
    objects(term, 'matchLabelExpressions').forEach((e, j) => {
      const msg = DEPRECATED_NODE_LABELS[str(e, 'key')];
      if (msg) out.push(`allowedTopologies[${i}].matchLabelExpressions[${j}].key: ${msg}`);
    });
  });
  return out;
}

const storageClasses: Partial<TypeStrategy> = {
  validate: validateStorageClass,
  validateUpdate: validateStorageClassUpdate,
  warnings: (sc) => storageClassWarnings(sc),
};

// ---------------------------------------------------------------------------------------
// CSIDrivers

/** SetDefaults_CSIDriver (CSIInlineVolume and SELinuxMountReadWriteOncePod are on in 1.32). */
export function defaultCSIDriver(d: KubeObject): void {
  const spec = child(d as Obj, 'spec');
  const setDefault = (k: string, v: unknown) => {
    if (spec[k] === undefined || spec[k] === null) spec[k] = v;
  };
  setDefault('attachRequired', true);
  setDefault('podInfoOnMount', false);
  setDefault('storageCapacity', false);
  setDefault('fsGroupPolicy', 'ReadWriteOnceWithFSType');
  if (list(spec, 'volumeLifecycleModes').length === 0) spec.volumeLifecycleModes = ['Persistent'];
  setDefault('requiresRepublish', false);
  setDefault('seLinuxMount', false);
}

function validateTokenRequests(spec: Obj, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  const seen = new Set<string>();
  objects(spec, 'tokenRequests').forEach((tr, i) => {
    const p = path.index(i);
    const audience = str(tr, 'audience');
    if (seen.has(audience)) {
      errs.push(fieldErrors.duplicate(p.child('audience'), audience));
      return;
    }
    seen.add(audience);
    if (!has(tr, 'expirationSeconds')) return;
    const secs = tr.expirationSeconds as number;
    if (secs < 600) errs.push(fieldErrors.invalid(p.child('expirationSeconds'), secs, 'may not specify a duration less than 10 minutes'));
    if (secs > 2 ** 32) errs.push(fieldErrors.invalid(p.child('expirationSeconds'), secs, 'may not specify a duration larger than 2^32 seconds'));
  });
  return errs;
}

/** Upstream's validateCSIDriverSpec (the name is a DNS subdomain, checked with the metadata). */
export function validateCSIDriver(d: KubeObject): FieldError[] {
  const errs: FieldError[] = [];
  const spec = sub(d, 'spec');
  const p = field('spec');
  // upstream's path really says attachedRequired
  if (!has(spec, 'attachRequired')) errs.push(fieldErrors.required(p.child('attachedRequired'), ''));
  if (!has(spec, 'podInfoOnMount')) errs.push(fieldErrors.required(p.child('podInfoOnMount'), ''));
  if (!has(spec, 'storageCapacity')) errs.push(fieldErrors.required(p.child('storageCapacity'), ''));
  if (has(spec, 'fsGroupPolicy') && !FS_GROUP_POLICIES.includes(str(spec, 'fsGroupPolicy'))) {
    errs.push(fieldErrors.notSupported(p.child('fsGroupPolicy'), str(spec, 'fsGroupPolicy'), FS_GROUP_POLICIES));
  }
  errs.push(...validateTokenRequests(spec, p.child('tokenRequests')));
  for (const mode of strings(spec, 'volumeLifecycleModes')) {
    if (!LIFECYCLE_MODES.includes(mode)) errs.push(fieldErrors.notSupported(p.child('volumeLifecycleModes'), mode, LIFECYCLE_MODES));
  }
  if (!has(spec, 'seLinuxMount')) errs.push(fieldErrors.required(p.child('seLinuxMount'), ''));
  return errs;
}

function validateCSIDriverUpdate(d: KubeObject, old: KubeObject): FieldError[] {
  const spec = sub(d, 'spec');
  const prev = sub(old, 'spec');
  const errs = validateCSIDriver(d);
  errs.push(
    ...immutable(spec.attachRequired ?? null, prev.attachRequired ?? null, field('spec', 'attachedRequired')),
    ...immutable(
      strings(spec, 'volumeLifecycleModes'),
      strings(prev, 'volumeLifecycleModes'),
      field('spec', 'volumeLifecycleModes'),
      goValue(goSlice('[]storage.VolumeLifecycleMode', Array.isArray(spec.volumeLifecycleModes) ? strings(spec, 'volumeLifecycleModes') : null)),
    ),
  );
  return errs;
}

const csiDrivers: Partial<TypeStrategy> = {
  default: defaultCSIDriver,
  validate: validateCSIDriver,
  validateUpdate: validateCSIDriverUpdate,
};

// ---------------------------------------------------------------------------------------
// CSINodes

function validateCSINodeDrivers(node: KubeObject): FieldError[] {
  const errs: FieldError[] = [];
  const names = new Set<string>();
  objects(sub(node, 'spec'), 'drivers').forEach((d, i) => {
    const p = field('spec', 'drivers').index(i);
    const name = str(d, 'name');
    errs.push(...validateCSIDriverName(name, p.child('name')));
    const nodeID = str(d, 'nodeID');
    if (!nodeID) errs.push(fieldErrors.required(p.child('nodeID'), ''));
    if (byteLen(nodeID) > CSI_NODE_ID_MAX_LENGTH) {
      errs.push(fieldErrors.invalid(p.child('nodeID'), nodeID, `must be ${CSI_NODE_ID_MAX_LENGTH} characters or less`));
    }
    const alloc = sub(d, 'allocatable');
    if (typeof alloc.count === 'number' && alloc.count < 0) {
      errs.push(fieldErrors.invalid(p.child('allocatable', 'count'), alloc.count, IS_NEGATIVE_ERROR_MSG));
    }
    if (names.has(name)) errs.push(fieldErrors.duplicate(p.child('name'), name));
    names.add(name);
    const keys = new Set<string>();
    for (const key of strings(d, 'topologyKeys')) {
      if (!key) errs.push(fieldErrors.required(p, ''));
      if (keys.has(key)) errs.push(fieldErrors.duplicate(p, key));
      keys.add(key);
      for (const m of isQualifiedName(key)) errs.push(fieldErrors.invalid(p, key, m));
    }
  });
  return errs;
}

/** `storage.CSINodeDriver{...}` as upstream prints a changed driver entry. */
function goCSINodeDriver(d: Obj): string {
  const alloc = isObject(d.allocatable) ? '(*storage.VolumeNodeResources)(0xc000010000)' : '(*storage.VolumeNodeResources)(nil)';
  const keys = goSlice('[]string', Array.isArray(d.topologyKeys) ? strings(d, 'topologyKeys') : null);
  return `storage.CSINodeDriver{Name:${goQuote(str(d, 'name'))}, NodeID:${goQuote(str(d, 'nodeID'))}, TopologyKeys:${keys}, Allocatable:${alloc}}`;
}

function validateCSINodeUpdate(node: KubeObject, old: KubeObject): FieldError[] {
  const errs = validateCSINodeDrivers(node);
  for (const before of objects(sub(old, 'spec'), 'drivers')) {
    for (const after of objects(sub(node, 'spec'), 'drivers')) {
      if (str(before, 'name') !== str(after, 'name')) continue;
      const norm = (d: Obj) => ({ ...d, topologyKeys: strings(d, 'topologyKeys'), allocatable: isObject(d.allocatable) ? d.allocatable : null });
      if (!deepEqual(norm(before), norm(after))) errs.push(fieldErrors.invalid(field('CSINodeDriver'), goValue(goCSINodeDriver(after)), FIELD_IMMUTABLE_ERROR_MSG));
    }
  }
  return errs;
}

const csiNodes: Partial<TypeStrategy> = {
  validate: validateCSINodeDrivers,
  validateUpdate: validateCSINodeUpdate,
};

// ---------------------------------------------------------------------------------------
// VolumeAttachments

function validateVolumeError(e: unknown, path: FieldPath): FieldError[] {
  if (!isObject(e)) return [];
  const msg = str(e, 'message');
  // upstream compares against 1024 but reports the metadata limit
  return byteLen(msg) > MAX_VOLUME_ERROR_MESSAGE ? [fieldErrors.tooLong(path.child('message'), msg, MAX_ATTACHMENT_METADATA_SIZE)] : [];
}

function validateVolumeAttachmentStatus(va: KubeObject): FieldError[] {
  const status = sub(va, 'status');
  const errs: FieldError[] = [];
  const meta = sub(status, 'attachmentMetadata');
  let size = 0;
  for (const [k, v] of Object.entries(meta)) size += byteLen(k) + byteLen(String(v ?? ''));
  if (size > MAX_ATTACHMENT_METADATA_SIZE) errs.push(fieldErrors.tooLong(field('status', 'attachmentMetadata'), '', MAX_ATTACHMENT_METADATA_SIZE));
  errs.push(...validateVolumeError(status.attachError, field('status', 'attachError')));
  errs.push(...validateVolumeError(status.detachError, field('status', 'detachError')));
  return errs;
}

/** Upstream's ValidateVolumeAttachment plus the v1 checks (attacher a CSI driver name, PV name). */
export function validateVolumeAttachment(va: KubeObject): FieldError[] {
  const spec = sub(va, 'spec');
  const errs: FieldError[] = [];
  const attacher = str(spec, 'attacher');
  if (!attacher) errs.push(fieldErrors.required(field('spec', 'attacher'), ''));
  const source = sub(spec, 'source');
  const inline = has(source, 'inlineVolumeSpec');
  const pvName = has(source, 'persistentVolumeName');
  const srcPath = field('spec', 'source');
  if (!inline && !pvName) errs.push(fieldErrors.required(srcPath, 'must specify exactly one of inlineVolumeSpec and persistentVolumeName'));
  else if (inline && pvName) errs.push(fieldErrors.forbidden(srcPath, 'must specify exactly one of inlineVolumeSpec and persistentVolumeName'));
  else if (pvName && !str(source, 'persistentVolumeName')) {
    errs.push(fieldErrors.required(srcPath.child('persistentVolumeName'), 'must specify non empty persistentVolumeName'));
  } else if (inline) {
    errs.push(...validatePersistentVolumeSpec(sub(source, 'inlineVolumeSpec'), srcPath.child('inlineVolumeSpec')));
  }
  const nodeName = str(spec, 'nodeName');
  for (const m of nameIsDNSSubdomain(nodeName, false)) errs.push(fieldErrors.invalid(field('spec', 'nodeName'), nodeName, m));
  errs.push(...validateVolumeAttachmentStatus(va));
  errs.push(...validateCSIDriverName(attacher, field('spec.attacher')));
  if (pvName) {
    const name = str(source, 'persistentVolumeName');
    for (const m of nameIsDNSSubdomain(name, false)) errs.push(fieldErrors.invalid(field('spec.source.persistentVolumeName'), name, m));
  }
  return errs;
}

/** `storage.VolumeAttachmentSpec{...}` as upstream prints a changed spec. */
function goVolumeAttachmentSpec(spec: Obj): string {
  const source = sub(spec, 'source');
  const pv = has(source, 'persistentVolumeName') ? '(*string)(0xc000010000)' : '(*string)(nil)';
  const inline = has(source, 'inlineVolumeSpec') ? '(*core.PersistentVolumeSpec)(0xc000010008)' : '(*core.PersistentVolumeSpec)(nil)';
  return `storage.VolumeAttachmentSpec{Attacher:${goQuote(str(spec, 'attacher'))}, Source:storage.VolumeAttachmentSource{PersistentVolumeName:${pv}, InlineVolumeSpec:${inline}}, NodeName:${goQuote(str(spec, 'nodeName'))}}`;
}

const volumeAttachments: Partial<TypeStrategy> = {
  prepareForCreate(va) {
    va.status = { attached: false };
  },
  prepareForStatusUpdate(va) {
    const status = isObject(va.status) ? va.status : (va.status = {});
    if (typeof status.attached !== 'boolean') status.attached = false;
  },
  validate: validateVolumeAttachment,
  validateUpdate(va, old) {
    const errs = validateVolumeAttachment(va);
    if (!deepEqual(sub(va, 'spec'), sub(old, 'spec'))) errs.push(fieldErrors.invalid(field('spec'), goValue(goVolumeAttachmentSpec(sub(va, 'spec'))), FIELD_IMMUTABLE_ERROR_MSG));
    return errs;
  },
  validateStatusUpdate: (va) => [...validateVolumeAttachment(va)],
};

// ---------------------------------------------------------------------------------------
// CSIStorageCapacities

/** Upstream's ValidateCSIStorageCapacity (the type part). */
export function validateCSIStorageCapacity(c: KubeObject): FieldError[] {
  const o = c as Obj;
  const errs = validateLabelSelector(asLabelSelector(o.nodeTopology), {}, field('nodeTopology'));
  const sc = str(o, 'storageClassName');
  for (const m of nameIsDNSSubdomain(sc, false)) errs.push(fieldErrors.invalid(field('storageClassName'), sc, m));
  if (has(o, 'capacity')) errs.push(...validateNonnegativeQuantity(o.capacity, field('capacity')));
  return errs;
}

/** `&v1.LabelSelector{...}` as upstream prints a changed node topology. */
function goLabelSelector(sel: unknown): string {
  if (!isObject(sel)) return '(*v1.LabelSelector)(nil)';
  const labels = isObject(sel.matchLabels) ? goMap('map[string]string', sel.matchLabels as Obj, goScalar) : 'map[string]string(nil)';
  const exprs = Array.isArray(sel.matchExpressions) ? `[]v1.LabelSelectorRequirement{...}` : '[]v1.LabelSelectorRequirement(nil)';
  return `&v1.LabelSelector{MatchLabels:${labels}, MatchExpressions:${exprs}}`;
}

const csiStorageCapacities: Partial<TypeStrategy> = {
  validate: validateCSIStorageCapacity,
  validateUpdate(c, old) {
    const o = c as Obj;
    const p = old as Obj;
    // as upstream: the update check does not repeat the create checks
    const errs: FieldError[] = [];
    if (!deepEqual(o.nodeTopology ?? null, p.nodeTopology ?? null)) {
      errs.push(fieldErrors.invalid(field('nodeTopology'), goValue(goLabelSelector(o.nodeTopology)), FIELD_IMMUTABLE_ERROR_MSG));
    }
    if (str(o, 'storageClassName') !== str(p, 'storageClassName')) {
      errs.push(fieldErrors.invalid(field('storageClassName'), str(o, 'storageClassName'), FIELD_IMMUTABLE_ERROR_MSG));
    }
    return errs;
  },
};


/** The storage.k8s.io resources. */
export const STORAGE_STRATEGIES: StrategyOverlay = {
  'storage.k8s.io/storageclasses': storageClasses,
  'storage.k8s.io/csidrivers': csiDrivers,
  'storage.k8s.io/csinodes': csiNodes,
  'storage.k8s.io/volumeattachments': volumeAttachments,
  'storage.k8s.io/csistoragecapacities': csiStorageCapacities,
};
