/**
 * Validation of pod specs and pod templates with kube-apiserver 1.32's rules, paths and
 * messages (pkg/apis/core/validation: ValidatePodSpec, ValidatePodTemplateSpec and what
 * they call), shared by the pod, pod template and workload strategies. Defaulting lives in
 * pod-defaults.ts and is re-exported here.
 *
 * Objects are core/v1 JSON; where upstream validates the internal type, the v1 field names
 * are used for paths (they are the same), and quirks of upstream paths are kept (e.g. a
 * template's labels are reported at `spec.template.labels`).
 */
import { fieldErrors, rendered, type FieldError } from '../../apimachinery/field-errors.js';
import { FieldPath } from '../../apimachinery/field-path.js';
import { goQuote, goStringSlice } from '../../apimachinery/go-format.js';
import { labelSelectorHasInvalidLabelValue, validateLabelSelector, type LabelSelector } from '../../apimachinery/labels.js';
import { Quantity } from '../../apimachinery/quantity.js';
import { isObject, type ObjectMeta } from '../../apimachinery/types.js';
import {
  inclusiveRangeError,
  isConfigMapKey,
  isDNS1123Label,
  isDNS1123Subdomain,
  isEnvVarName,
  isHTTPHeaderName,
  isQualifiedName,
  isRelaxedEnvVarName,
  isValidGroupID,
  isValidIP,
  isValidLabelValue,
  isValidPortName,
  isValidPortNum,
  isValidUserID,
  IS_NEGATIVE_ERROR_MSG,
  nameIsDNSSubdomain,
  validateAnnotations,
  validateLabelName,
  validateLabels,
  validateNonnegativeField,
} from '../../apimachinery/validation.js';
import { asArr, asNum, asObj, asStr, type Json } from './pod-json.js';
import { VOLUME_SOURCE_FIELDS } from './pod-defaults.js';

export {
  defaultContainer,
  defaultEmbeddedMeta,
  defaultPersistentVolumeClaimSpec,
  defaultPod,
  defaultPodSpec,
  defaultPodTemplateSpec,
  defaultResourceList,
  defaultVolume,
  dropDisabledPodSpecFields,
} from './pod-defaults.js';

/** Upstream's PodValidationOptions, the parts that matter with 1.32's default features. */
export interface PodValidationOptions {
  /** The spec belongs to a Pod (not a template): hostPort must equal containerPort with hostNetwork. */
  resourceIsPod?: boolean;
  /** Keep accepting invalid label values in selectors the old object already had. */
  allowInvalidLabelValueInSelector?: boolean;
  /** Keep accepting an invalid pod-deletion-cost annotation the old object already had. */
  allowInvalidPodDeletionCost?: boolean;
  /** Keep accepting hugepage quantities that are not page multiples the old object already had. */
  allowIndivisibleHugePagesValues?: boolean;
  /** Keep accepting topology spread selectors the old object already had. */
  allowInvalidTopologySpreadConstraintLabelSelector?: boolean;
  /** Keep accepting namespaced sysctls with host namespaces the old object already had. */
  allowNamespacedSysctlsForHostNetAndHostIPC?: boolean;
  /** Environment variable names as RelaxedEnvironmentVariableValidation (beta, on in 1.32). */
  allowRelaxedEnvironmentVariableValidation?: boolean;
}

/** The options upstream's GetValidationOptionsFromPodSpecAndMeta derives for 1.32 defaults. */
export function podValidationOptions(spec: Json | undefined, oldSpec?: Json, oldMeta?: ObjectMeta): PodValidationOptions {
  const opts: PodValidationOptions = { allowRelaxedEnvironmentVariableValidation: true };
  if (oldSpec) {
    opts.allowInvalidTopologySpreadConstraintLabelSelector = asArr(oldSpec.topologySpreadConstraints).some(
      (c) => isObject(c) && validateLabelSelector(c.labelSelector as LabelSelector, {}, FIELD_ROOT).length > 0,
    );
    opts.allowInvalidLabelValueInSelector = podSpecHasInvalidSelectorValues(oldSpec);
    opts.allowNamespacedSysctlsForHostNetAndHostIPC = (() => {
      const sc = asObj(oldSpec.securityContext);
      return asArr(sc?.sysctls).some((s) => isObject(s) && hostSysctlError(asStr(s.name), oldSpec, FIELD_ROOT) !== undefined);
    })();
  }
  if (oldMeta) {
    const cost = oldMeta.annotations?.[POD_DELETION_COST];
    opts.allowInvalidPodDeletionCost = cost !== undefined && !isInt32String(cost);
  }
  void spec;
  return opts;
}

function podSpecHasInvalidSelectorValues(spec: Json): boolean {
  const affinity = asObj(spec.affinity);
  for (const kind of ['podAffinity', 'podAntiAffinity']) {
    const a = asObj(affinity?.[kind]);
    const terms = [
      ...asArr(a?.requiredDuringSchedulingIgnoredDuringExecution),
      ...asArr(a?.preferredDuringSchedulingIgnoredDuringExecution).map((w) => asObj(w)?.podAffinityTerm),
    ];
    for (const t of terms) {
      const term = asObj(t);
      if (!term) continue;
      if (labelSelectorHasInvalidLabelValue(term.labelSelector as LabelSelector)) return true;
      if (labelSelectorHasInvalidLabelValue(term.namespaceSelector as LabelSelector)) return true;
    }
  }
  return false;
}

// A root path for checks whose messages are not used.
const FIELD_ROOT = FieldPath.root();

// ---------------------------------------------------------------------------------------
// Small helpers

const FILE_MODE_ERROR_MSG = 'must be a number between 0 and 0777 (octal), both inclusive';
const IS_NOT_POSITIVE_ERROR_MSG = 'must be greater than zero';
const MAX_INT32 = 2147483647;
export const POD_DELETION_COST = 'controller.kubernetes.io/pod-deletion-cost';
export const MIRROR_POD_ANNOTATION = 'kubernetes.io/config.mirror';
const SECCOMP_POD_ANNOTATION = 'seccomp.security.alpha.kubernetes.io/pod';
const SECCOMP_CONTAINER_ANNOTATION_PREFIX = 'container.seccomp.security.alpha.kubernetes.io/';
export const APPARMOR_ANNOTATION_PREFIX = 'container.apparmor.security.beta.kubernetes.io/';

const dns1123Label = (value: string, path: FieldPath): FieldError[] =>
  isDNS1123Label(value).map((m) => fieldErrors.invalid(path, value, m));
const dns1123Subdomain = (value: string, path: FieldPath): FieldError[] =>
  isDNS1123Subdomain(value).map((m) => fieldErrors.invalid(path, value, m));
const qualifiedName = (value: string, path: FieldPath): FieldError[] =>
  isQualifiedName(value).map((m) => fieldErrors.invalid(path, value, m));
const validIP = (value: string, path: FieldPath): FieldError[] => isValidIP(value).map((m) => fieldErrors.invalid(path, value, m));
const subdomainName = (value: string, path: FieldPath): FieldError[] =>
  nameIsDNSSubdomain(value, false).map((m) => fieldErrors.invalid(path, value, m));

function isInt32String(s: string): boolean {
  if (!/^[+-]?[0-9]+$/.test(s)) return false;
  const v = BigInt(s);
  return v >= -(2n ** 31n) && v < 2n ** 31n;
}

/** Whether a path is absolute (Go's path.IsAbs). */
const isAbs = (p: string) => p.startsWith('/');

function validatePathNoBacksteps(target: string, path: FieldPath): FieldError[] {
  return target.split('/').includes('..') || target.replace(/\\/g, '/').split('/').includes('..')
    ? [fieldErrors.invalid(path, target, "must not contain '..'")]
    : [];
}

function validateLocalDescendingPath(target: string, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  if (isAbs(target)) errs.push(fieldErrors.invalid(path, target, 'must be a relative path'));
  errs.push(...validatePathNoBacksteps(target, path));
  return errs;
}

/** As upstream's ValidateLocalNonReservedPath. */
export function validateLocalNonReservedPath(target: string, path: FieldPath): FieldError[] {
  const errs = validateLocalDescendingPath(target, path);
  if (target.startsWith('..') && !target.startsWith('../')) errs.push(fieldErrors.invalid(path, target, "must not start with '..'"));
  return errs;
}

function fileMode(v: unknown, path: FieldPath): FieldError[] {
  const n = asNum(v);
  return n !== undefined && (n > 0o777 || n < 0) ? [fieldErrors.invalid(path, n, FILE_MODE_ERROR_MSG)] : [];
}

function quantityOf(v: unknown): Quantity | undefined {
  try {
    return Quantity.fromJSON(v);
  } catch {
    return undefined;
  }
}

// ---------------------------------------------------------------------------------------
// Volumes

const volumeTypeErr = (path: FieldPath, field: string) => fieldErrors.forbidden(path.child(field), 'may not specify more than 1 volume type');

const SUPPORTED_HOST_PATH_TYPES = ['', 'BlockDevice', 'CharDevice', 'Directory', 'DirectoryOrCreate', 'File', 'FileOrCreate', 'Socket'];

const IQN_RE = /iqn\.\d{4}-\d{2}\.([A-Za-z0-9\-.]+)(:[^,;*&$|\s]+)$/;
const EUI_RE = /^eui.[A-Za-z0-9]{16}$/;
const NAA_RE = /^naa.[A-Za-z0-9]{32}$/;

function validateKeyToPath(kp: Json, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  if (!asStr(kp.key)) errs.push(fieldErrors.required(path.child('key'), ''));
  if (!asStr(kp.path)) errs.push(fieldErrors.required(path.child('path'), ''));
  errs.push(...validateLocalNonReservedPath(asStr(kp.path), path.child('path')));
  errs.push(...fileMode(kp.mode, path.child('mode')));
  return errs;
}

const VOLUME_DOWNWARD_FIELD_PATHS = ['metadata.annotations', 'metadata.labels', 'metadata.name', 'metadata.namespace', 'metadata.uid'];
const ENV_DOWNWARD_FIELD_PATHS = [
  'metadata.name',
  'metadata.namespace',
  'metadata.uid',
  'spec.nodeName',
  'spec.serviceAccountName',
  'status.hostIP',
  'status.hostIPs',
  'status.podIP',
  'status.podIPs',
];
const CONTAINER_RESOURCE_FIELD_PATHS = [
  'limits.cpu',
  'limits.ephemeral-storage',
  'limits.memory',
  'requests.cpu',
  'requests.ephemeral-storage',
  'requests.memory',
];
const DOWNWARD_API_LABELS = new Set([
  'metadata.annotations',
  'metadata.labels',
  'metadata.name',
  'metadata.namespace',
  'metadata.uid',
  'spec.nodeName',
  'spec.restartPolicy',
  'spec.serviceAccountName',
  'spec.schedulerName',
  'status.phase',
  'status.hostIP',
  'status.hostIPs',
  'status.podIP',
  'status.podIPs',
]);

/** As upstream's fieldpath.SplitMaybeSubscriptedPath: `metadata.labels['x']` → path and subscript. */
function splitSubscript(p: string): { path: string; subscript: string } | undefined {
  if (!p.endsWith("']")) return undefined;
  const s = p.slice(0, -2);
  const i = s.indexOf("['");
  if (i <= 0) return undefined;
  return { path: s.slice(0, i), subscript: s.slice(i + 2) };
}

/** As upstream's ConvertDownwardAPIFieldLabel for v1: the internal field path, or an error text. */
function convertDownwardFieldLabel(version: string, label: string): { path: string } | { error: string } {
  if (version !== 'v1') return { error: `unsupported pod version: ${version}` };
  const sub = splitSubscript(label);
  if (sub) {
    if (sub.path === 'metadata.annotations' || sub.path === 'metadata.labels') return { path: label };
    return { error: `field label does not support subscript: ${label}` };
  }
  if (DOWNWARD_API_LABELS.has(label)) return { path: label };
  if (label === 'spec.host') return { path: 'spec.nodeName' };
  return { error: `field label not supported: ${label}` };
}

function validateObjectFieldSelector(fs: Json, expressions: readonly string[], path: FieldPath): FieldError[] {
  const apiVersion = asStr(fs.apiVersion);
  const fieldPath = asStr(fs.fieldPath);
  if (!apiVersion) return [fieldErrors.required(path.child('apiVersion'), '')];
  if (!fieldPath) return [fieldErrors.required(path.child('fieldPath'), '')];
  const conv = convertDownwardFieldLabel(apiVersion, fieldPath);
  if ('error' in conv) return [fieldErrors.invalid(path.child('fieldPath'), fieldPath, `error converting fieldPath: ${conv.error}`)];
  const sub = splitSubscript(conv.path);
  if (sub) {
    if (sub.path === 'metadata.annotations') return qualifiedName(sub.subscript.toLowerCase(), path);
    if (sub.path === 'metadata.labels') return qualifiedName(sub.subscript, path);
    return [fieldErrors.invalid(path, sub.path, 'does not support subscript')];
  }
  if (!expressions.includes(conv.path)) return [fieldErrors.notSupported(path.child('fieldPath'), conv.path, expressions)];
  return [];
}

const CPU_DIVISORS = new Set(['1m', '1']);
const BYTE_DIVISORS = new Set(['1', '1k', '1M', '1G', '1T', '1P', '1E', '1Ki', '1Mi', '1Gi', '1Ti', '1Pi', '1Ei']);

function validateContainerResourceDivisor(resource: string, divisor: unknown, path: FieldPath): FieldError[] {
  const q = quantityOf(divisor);
  if (!q || q.isZero()) return [];
  const d = q.toString();
  const errs: FieldError[] = [];
  const bytes = (kind: string) =>
    `only divisor's values 1, 1k, 1M, 1G, 1T, 1P, 1E, 1Ki, 1Mi, 1Gi, 1Ti, 1Pi, 1Ei are supported with the ${kind} resource`;
  switch (resource) {
    case 'limits.cpu':
    case 'requests.cpu':
      if (!CPU_DIVISORS.has(d)) errs.push(fieldErrors.invalid(path.child('divisor'), resource, "only divisor's values 1m and 1 are supported with the cpu resource"));
      break;
    case 'limits.memory':
    case 'requests.memory':
      if (!BYTE_DIVISORS.has(d)) errs.push(fieldErrors.invalid(path.child('divisor'), resource, bytes('memory')));
      break;
    case 'limits.ephemeral-storage':
    case 'requests.ephemeral-storage':
      if (!BYTE_DIVISORS.has(d)) errs.push(fieldErrors.invalid(path.child('divisor'), resource, bytes('local ephemeral storage')));
      break;
  }
  if ((resource.startsWith('requests.hugepages-') || resource.startsWith('limits.hugepages-')) && !BYTE_DIVISORS.has(d)) {
    errs.push(fieldErrors.invalid(path.child('divisor'), resource, bytes('hugepages')));
  }
  return errs;
}

function validateContainerResourceFieldSelector(fs: Json, path: FieldPath, volume: boolean): FieldError[] {
  const errs: FieldError[] = [];
  const resource = asStr(fs.resource);
  if (volume && !asStr(fs.containerName)) errs.push(fieldErrors.required(path.child('containerName'), ''));
  else if (!resource) errs.push(fieldErrors.required(path.child('resource'), ''));
  else if (!CONTAINER_RESOURCE_FIELD_PATHS.includes(resource)) {
    if (!resource.startsWith('requests.hugepages-') && !resource.startsWith('limits.hugepages-')) {
      errs.push(fieldErrors.notSupported(path.child('resource'), resource, CONTAINER_RESOURCE_FIELD_PATHS));
    }
  }
  errs.push(...validateContainerResourceDivisor(resource, fs.divisor, path));
  return errs;
}

function validateDownwardAPIVolumeFile(file: Json, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  const p = asStr(file.path);
  if (!p) errs.push(fieldErrors.required(path.child('path'), ''));
  errs.push(...validateLocalNonReservedPath(p, path.child('path')));
  const fieldRef = asObj(file.fieldRef);
  const resourceFieldRef = asObj(file.resourceFieldRef);
  if (fieldRef) {
    errs.push(...validateObjectFieldSelector(fieldRef, VOLUME_DOWNWARD_FIELD_PATHS, path.child('fieldRef')));
    if (resourceFieldRef) errs.push(fieldErrors.invalid(path, 'resource', 'fieldRef and resourceFieldRef can not be specified simultaneously'));
  } else if (resourceFieldRef) {
    errs.push(...validateContainerResourceFieldSelector(resourceFieldRef, path.child('resourceFieldRef'), true));
  } else {
    errs.push(fieldErrors.required(path, 'one of fieldRef and resourceFieldRef is required'));
  }
  errs.push(...fileMode(file.mode, path.child('mode')));
  return errs;
}

function validateProjectionSources(projection: Json, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  const allPaths = new Set<string>();
  const track = (p: string, bad: unknown) => {
    if (allPaths.has(p)) errs.push(fieldErrors.invalid(path, bad, 'conflicting duplicate paths'));
    else allPaths.add(p);
  };
  asArr(projection.sources).forEach((s, i) => {
    const source = asObj(s) ?? {};
    let n = 0;
    const srcPath = path.child('sources').index(i);
    for (const kind of ['secret', 'configMap'] as const) {
      const ref = asObj(source[kind]);
      if (!ref) continue;
      n++;
      const projPath = srcPath.child(kind);
      if (!asStr(ref.name)) errs.push(fieldErrors.required(projPath.child('name'), ''));
      asArr(ref.items).forEach((kp, j) => {
        const item = asObj(kp) ?? {};
        errs.push(...validateKeyToPath(item, projPath.child('items').index(j)));
        if (asStr(item.path)) track(asStr(item.path), asStr(ref.name));
      });
    }
    const downward = asObj(source.downwardAPI);
    if (downward) {
      n++;
      for (const f of asArr(downward.items)) {
        const file = asObj(f) ?? {};
        errs.push(...validateDownwardAPIVolumeFile(file, srcPath.child('downwardAPI')));
        if (asStr(file.path)) track(asStr(file.path), asStr(file.path));
      }
    }
    const token = asObj(source.serviceAccountToken);
    if (token) {
      n++;
      const exp = asNum(token.expirationSeconds) ?? 0;
      const tokenPath = srcPath.child('serviceAccountToken');
      if (exp < 600) errs.push(fieldErrors.invalid(tokenPath.child('expirationSeconds'), exp, 'may not specify a duration less than 10 minutes'));
      if (exp > 2 ** 32) errs.push(fieldErrors.invalid(tokenPath.child('expirationSeconds'), exp, 'may not specify a duration larger than 2^32 seconds'));
      if (!asStr(token.path)) errs.push(fieldErrors.required(path.child('path'), ''));
      else errs.push(...validateLocalNonReservedPath(asStr(token.path), path.child('path')));
    }
    const bundle = asObj(source.clusterTrustBundle);
    if (bundle) {
      n++;
      const bp = srcPath.child('clusterTrustBundle');
      if (bundle.name != null && bundle.signerName != null) {
        errs.push(fieldErrors.invalid(bp, bundle, 'only one of name and signerName may be used'));
      } else if (bundle.name != null) {
        if (!asStr(bundle.name)) errs.push(fieldErrors.required(bp.child('name'), 'must be a valid object name'));
      } else if (bundle.signerName != null) {
        if (!asStr(bundle.signerName)) errs.push(fieldErrors.required(bp.child('signerName'), 'must be a valid signer name'));
      } else {
        errs.push(fieldErrors.required(bp, 'either name or signerName must be specified'));
      }
      if (!asStr(bundle.path)) errs.push(fieldErrors.required(bp.child('path'), ''));
      errs.push(...validateLocalNonReservedPath(asStr(bundle.path), bp.child('path')));
      track(asStr(bundle.path), asStr(bundle.path));
    }
    if (n > 1) errs.push(fieldErrors.forbidden(srcPath, 'may not specify more than 1 volume type per source'));
  });
  return errs;
}

function validatePVSecretRefName(ref: Json | undefined, path: FieldPath, needNamespace: boolean): FieldError[] {
  if (!ref) return [];
  const errs: FieldError[] = [];
  if (!asStr(ref.name)) errs.push(fieldErrors.required(path.child('name'), ''));
  if (needNamespace && !asStr(ref.namespace)) errs.push(fieldErrors.required(path.child('namespace'), ''));
  return errs;
}

function validateCSIDriverName(driver: string, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  if (!driver) errs.push(fieldErrors.required(path, ''));
  if (driver.length > 63) errs.push(fieldErrors.tooLong(path, '', 63));
  for (const m of isDNS1123Subdomain(driver.toLowerCase())) errs.push(fieldErrors.invalid(path, driver, m));
  return errs;
}

/** Validates one volume source (upstream's validateVolumeSource); `volName` and `podMeta` are for ephemeral PVC names. */
function validateVolumeSource(v: Json, path: FieldPath, volName: string, podMeta: ObjectMeta | undefined): FieldError[] {
  const errs: FieldError[] = [];
  let n = 0;
  // Each present source: the first is validated, later ones are reported as extra types.
  const take = (field: string, forbiddenAt = field): Json | undefined => {
    const src = v[field];
    if (src === undefined || src === null) return undefined;
    if (n > 0) {
      errs.push(volumeTypeErr(path, forbiddenAt));
      return undefined;
    }
    n++;
    return asObj(src) ?? {};
  };
  const emptyDir = asObj(v.emptyDir);
  if (emptyDir) {
    n++;
    const q = emptyDir.sizeLimit === undefined || emptyDir.sizeLimit === null ? undefined : quantityOf(emptyDir.sizeLimit);
    if (q && q.sign() < 0) errs.push(fieldErrors.forbidden(path.child('emptyDir').child('sizeLimit'), 'SizeLimit field must be a valid resource quantity'));
  }
  let s: Json | undefined;
  if ((s = take('hostPath'))) {
    const p = path.child('hostPath');
    const hp = asStr(s.path);
    if (!hp) errs.push(fieldErrors.required(p.child('path'), ''));
    else {
      errs.push(...validatePathNoBacksteps(hp, p.child('path')));
      if (typeof s.type === 'string' && !SUPPORTED_HOST_PATH_TYPES.includes(s.type)) {
        errs.push(fieldErrors.notSupported(p.child('type'), s.type, SUPPORTED_HOST_PATH_TYPES));
      }
    }
  }
  if ((s = take('gitRepo'))) {
    const p = path.child('gitRepo');
    if (!asStr(s.repository)) errs.push(fieldErrors.required(p.child('repository'), ''));
    errs.push(...validateLocalDescendingPath(asStr(s.directory), p.child('directory')));
  }
  if ((s = take('gcePersistentDisk'))) {
    const p = path.child('persistentDisk');
    if (!asStr(s.pdName)) errs.push(fieldErrors.required(p.child('pdName'), ''));
    const part = asNum(s.partition) ?? 0;
    if (part < 0 || part > 255) errs.push(fieldErrors.invalid(p.child('partition'), part, inclusiveRangeError(1, 255)));
  }
  if ((s = take('awsElasticBlockStore'))) {
    const p = path.child('awsElasticBlockStore');
    if (!asStr(s.volumeID)) errs.push(fieldErrors.required(p.child('volumeID'), ''));
    const part = asNum(s.partition) ?? 0;
    if (part < 0 || part > 255) errs.push(fieldErrors.invalid(p.child('partition'), part, inclusiveRangeError(1, 255)));
  }
  if ((s = take('secret'))) {
    const p = path.child('secret');
    if (!asStr(s.secretName)) errs.push(fieldErrors.required(p.child('secretName'), ''));
    errs.push(...fileMode(s.defaultMode, p.child('defaultMode')));
    asArr(s.items).forEach((kp, i) => errs.push(...validateKeyToPath(asObj(kp) ?? {}, p.child('items').index(i))));
  }
  if ((s = take('nfs'))) {
    const p = path.child('nfs');
    if (!asStr(s.server)) errs.push(fieldErrors.required(p.child('server'), ''));
    if (!asStr(s.path)) errs.push(fieldErrors.required(p.child('path'), ''));
    if (!isAbs(asStr(s.path))) errs.push(fieldErrors.invalid(p.child('path'), asStr(s.path), 'must be an absolute path'));
  }
  if ((s = take('iscsi'))) {
    errs.push(...validateISCSI(s, path.child('iscsi')));
    if (s.initiatorName != null && `${volName}:${asStr(s.targetPortal)}`.length > 64) {
      errs.push(
        fieldErrors.invalid(
          path.child('name'),
          volName,
          'Total length of <volume name>:<iscsi.targetPortal> must be under 64 characters if iscsi.initiatorName is specified.',
        ),
      );
    }
  }
  if ((s = take('glusterfs'))) {
    const p = path.child('glusterfs');
    if (!asStr(s.endpoints)) errs.push(fieldErrors.required(p.child('endpoints'), ''));
    if (!asStr(s.path)) errs.push(fieldErrors.required(p.child('path'), ''));
  }
  if ((s = take('flocker'))) {
    const p = path.child('flocker');
    const name = asStr(s.datasetName);
    const uuid = asStr(s.datasetUUID);
    if (!name && !uuid) errs.push(fieldErrors.required(p, 'one of datasetName and datasetUUID is required'));
    if (name && uuid) errs.push(fieldErrors.invalid(p, 'resource', 'datasetName and datasetUUID can not be specified simultaneously'));
    if (name.includes('/')) errs.push(fieldErrors.invalid(p.child('datasetName'), name, "must not contain '/'"));
  }
  if ((s = take('persistentVolumeClaim'))) {
    if (!asStr(s.claimName)) errs.push(fieldErrors.required(path.child('persistentVolumeClaim').child('claimName'), ''));
  }
  if ((s = take('rbd'))) {
    const p = path.child('rbd');
    if (asArr(s.monitors).length === 0) errs.push(fieldErrors.required(p.child('monitors'), ''));
    if (!asStr(s.image)) errs.push(fieldErrors.required(p.child('image'), ''));
  }
  if ((s = take('cinder'))) {
    const p = path.child('cinder');
    if (!asStr(s.volumeID)) errs.push(fieldErrors.required(p.child('volumeID'), ''));
    const ref = asObj(s.secretRef);
    if (ref && !asStr(ref.name)) errs.push(fieldErrors.required(p.child('secretRef', 'name'), ''));
  }
  if ((s = take('cephfs', 'cephFS'))) {
    if (asArr(s.monitors).length === 0) errs.push(fieldErrors.required(path.child('cephfs').child('monitors'), ''));
  }
  if ((s = take('quobyte'))) {
    const p = path.child('quobyte');
    const registry = asStr(s.registry);
    if (!registry) errs.push(fieldErrors.required(p.child('registry'), 'must be a host:port pair or multiple pairs separated by commas'));
    else if (asStr(s.tenant).length >= 65) errs.push(fieldErrors.required(p.child('tenant'), 'must be a UUID and may not exceed a length of 64 characters'));
    else {
      for (const pair of registry.split(',')) {
        if (!isHostPort(pair)) errs.push(fieldErrors.invalid(p.child('registry'), registry, 'must be a host:port pair or multiple pairs separated by commas'));
      }
    }
    if (!asStr(s.volume)) errs.push(fieldErrors.required(p.child('volume'), ''));
  }
  if ((s = take('downwardAPI', 'downwarAPI'))) {
    const p = path.child('downwardAPI');
    errs.push(...fileMode(s.defaultMode, p.child('defaultMode')));
    for (const f of asArr(s.items)) errs.push(...validateDownwardAPIVolumeFile(asObj(f) ?? {}, p));
  }
  if ((s = take('fc'))) {
    const p = path.child('fc');
    const wwns = asArr(s.targetWWNs);
    const wwids = asArr(s.wwids);
    if (wwns.length < 1 && wwids.length < 1) errs.push(fieldErrors.required(p.child('targetWWNs'), 'must specify either targetWWNs or wwids, but not both'));
    if (wwns.length && wwids.length) {
      errs.push(fieldErrors.invalid(p.child('targetWWNs'), rendered(goStringSlice(wwns.map(String))), 'targetWWNs and wwids can not be specified simultaneously'));
    }
    if (wwns.length) {
      const lun = asNum(s.lun);
      if (lun === undefined) errs.push(fieldErrors.required(p.child('lun'), 'lun is required if targetWWNs is specified'));
      else if (lun < 0 || lun > 255) errs.push(fieldErrors.invalid(p.child('lun'), lun, inclusiveRangeError(0, 255)));
    }
  }
  if ((s = take('flexVolume'))) {
    const p = path.child('flexVolume');
    if (!asStr(s.driver)) errs.push(fieldErrors.required(p.child('driver'), ''));
    for (const k of Object.keys(asObj(s.options) ?? {})) {
      const ns = k.includes('/') ? k.slice(0, k.indexOf('/')) : k;
      const normalized = '.' + ns.toLowerCase();
      if (normalized.endsWith('.kubernetes.io') || normalized.endsWith('.k8s.io')) {
        errs.push(fieldErrors.invalid(p.child('options').key(k), k, 'kubernetes.io and k8s.io namespaces are reserved'));
      }
    }
  }
  if ((s = take('configMap'))) {
    const p = path.child('configMap');
    if (!asStr(s.name)) errs.push(fieldErrors.required(p.child('name'), ''));
    errs.push(...fileMode(s.defaultMode, p.child('defaultMode')));
    asArr(s.items).forEach((kp, i) => errs.push(...validateKeyToPath(asObj(kp) ?? {}, p.child('items').index(i))));
  }
  if ((s = take('azureFile'))) {
    const p = path.child('azureFile');
    if (!asStr(s.secretName)) errs.push(fieldErrors.required(p.child('secretName'), ''));
    if (!asStr(s.shareName)) errs.push(fieldErrors.required(p.child('shareName'), ''));
  }
  if ((s = take('vsphereVolume'))) {
    if (!asStr(s.volumePath)) errs.push(fieldErrors.required(path.child('vsphereVolume').child('volumePath'), ''));
  }
  if ((s = take('photonPersistentDisk'))) {
    if (!asStr(s.pdID)) errs.push(fieldErrors.required(path.child('photonPersistentDisk').child('pdID'), ''));
  }
  if ((s = take('portworxVolume'))) {
    if (!asStr(s.volumeID)) errs.push(fieldErrors.required(path.child('portworxVolume').child('volumeID'), ''));
  }
  if ((s = take('azureDisk'))) errs.push(...validateAzureDisk(s, path.child('azureDisk')));
  if ((s = take('storageos'))) {
    const p = path.child('storageos');
    const name = asStr(s.volumeName);
    if (!name) errs.push(fieldErrors.required(p.child('volumeName'), ''));
    else errs.push(...dns1123Label(name, p.child('volumeName')));
    if (asStr(s.volumeNamespace)) errs.push(...dns1123Label(asStr(s.volumeNamespace), p.child('volumeNamespace')));
    errs.push(...validatePVSecretRefName(asObj(s.secretRef), p.child('secretRef'), false));
  }
  if ((s = take('projected'))) {
    const p = path.child('projected');
    errs.push(...fileMode(s.defaultMode, p.child('defaultMode')));
    errs.push(...validateProjectionSources(s, p));
  }
  if ((s = take('scaleIO'))) {
    const p = path.child('scaleIO');
    if (!asStr(s.gateway)) errs.push(fieldErrors.required(p.child('gateway'), ''));
    if (!asStr(s.system)) errs.push(fieldErrors.required(p.child('system'), ''));
    if (!asStr(s.volumeName)) errs.push(fieldErrors.required(p.child('volumeName'), ''));
  }
  if ((s = take('csi'))) {
    const p = path.child('csi');
    errs.push(...validateCSIDriverName(asStr(s.driver), p.child('driver')));
    const ref = asObj(s.nodePublishSecretRef);
    if (ref) {
      if (!asStr(ref.name)) errs.push(fieldErrors.required(p.child('nodePublishSecretRef', 'name'), ''));
      else errs.push(...subdomainName(asStr(ref.name), p.child('name')));
    }
  }
  if ((s = take('ephemeral'))) {
    const p = path.child('ephemeral');
    const tpl = asObj(s.volumeClaimTemplate);
    if (!tpl) errs.push(fieldErrors.required(p.child('volumeClaimTemplate'), ''));
    else errs.push(...validatePersistentVolumeClaimTemplate(tpl, p.child('volumeClaimTemplate')));
    if (podMeta?.name && volName) {
      const pvcName = `${podMeta.name}-${volName}`;
      for (const m of nameIsDNSSubdomain(pvcName, false)) errs.push(fieldErrors.invalid(path.child('name'), volName, `PVC name ${goQuote(pvcName)}: ${m}`));
    }
  }
  if ((s = take('image'))) {
    // only reachable when the old object used image volumes (the feature is off in 1.32)
    if (!asStr(s.reference)) errs.push(fieldErrors.required(path.child('image').child('reference'), ''));
  }
  if (n === 0) errs.push(fieldErrors.required(path, 'must specify a volume type'));
  return errs;
}

function isHostPort(s: string): boolean {
  if (s.startsWith('[')) return /^\[[^\]]*\]:[^:]*$/.test(s);
  return (s.match(/:/g) ?? []).length === 1;
}

function validateISCSI(s: Json, p: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  if (!asStr(s.targetPortal)) errs.push(fieldErrors.required(p.child('targetPortal'), ''));
  const iqn = asStr(s.iqn);
  const checkFormat = (v: string, at: FieldPath, startMsg: string) => {
    if (!v.startsWith('iqn') && !v.startsWith('eui') && !v.startsWith('naa')) errs.push(fieldErrors.invalid(at, v, startMsg));
    else if (v.startsWith('iqn') && !IQN_RE.test(v)) errs.push(fieldErrors.invalid(at, v, 'must be valid format'));
    else if (v.startsWith('eui') && !EUI_RE.test(v)) errs.push(fieldErrors.invalid(at, v, 'must be valid format'));
    else if (v.startsWith('naa') && !NAA_RE.test(v)) errs.push(fieldErrors.invalid(at, v, 'must be valid format'));
  };
  if (!iqn) errs.push(fieldErrors.required(p.child('iqn'), ''));
  else checkFormat(iqn, p.child('iqn'), 'must be valid format starting with iqn, eui, or naa');
  const lun = asNum(s.lun) ?? 0;
  if (lun < 0 || lun > 255) errs.push(fieldErrors.invalid(p.child('lun'), lun, inclusiveRangeError(0, 255)));
  if ((s.chapAuthDiscovery === true || s.chapAuthSession === true) && s.secretRef == null) errs.push(fieldErrors.required(p.child('secretRef'), ''));
  if (typeof s.initiatorName === 'string') checkFormat(s.initiatorName, p.child('initiatorname'), 'must be valid format starting with iqn, eui, or naa');
  return errs;
}

function validateAzureDisk(s: Json, p: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  if (!asStr(s.diskName)) errs.push(fieldErrors.required(p.child('diskName'), ''));
  const uri = asStr(s.diskURI);
  if (!uri) errs.push(fieldErrors.required(p.child('diskURI'), ''));
  if (typeof s.cachingMode === 'string' && !['None', 'ReadOnly', 'ReadWrite'].includes(s.cachingMode)) {
    errs.push(fieldErrors.notSupported(p.child('cachingMode'), s.cachingMode, ['None', 'ReadOnly', 'ReadWrite']));
  }
  if (typeof s.kind === 'string') {
    if (!['Dedicated', 'Managed', 'Shared'].includes(s.kind)) errs.push(fieldErrors.notSupported(p.child('kind'), s.kind, ['Dedicated', 'Managed', 'Shared']));
    if (s.kind === 'Managed' && !uri.startsWith('/subscriptions/')) {
      errs.push(fieldErrors.notSupported(p.child('diskURI'), uri, ['/subscriptions/{sub-id}/resourcegroups/{group-name}/providers/microsoft.compute/disks/{disk-id}']));
    }
    if (s.kind !== 'Managed' && !uri.startsWith('https://')) {
      errs.push(fieldErrors.notSupported(p.child('diskURI'), uri, ['https://{account-name}.blob.core.windows.net/{container-name}/{disk-name}.vhd']));
    }
  }
  return errs;
}

/** Validated volumes by name (only those without errors, as upstream), and the errors. */
export interface VolumesResult {
  volumes: Map<string, Json>;
  errors: FieldError[];
}

/** As upstream's ValidateVolumes. `podMeta` (pods only) enables the ephemeral-PVC name checks. */
export function validateVolumes(volumes: unknown, podMeta: ObjectMeta | undefined, path: FieldPath): VolumesResult {
  const errors: FieldError[] = [];
  const result = new Map<string, Json>();
  const createdPVCs = new Set<string>();
  if (podMeta?.name) {
    for (const v of asArr(volumes)) if (isObject(v) && v.ephemeral != null) createdPVCs.add(`${podMeta.name}-${asStr(v.name)}`);
  }
  asArr(volumes).forEach((raw, i) => {
    const v = asObj(raw) ?? {};
    const p = path.index(i);
    const name = asStr(v.name);
    const el = validateVolumeSource(v, p, name, podMeta);
    if (!name) el.push(fieldErrors.required(p.child('name'), ''));
    else el.push(...dns1123Label(name, p.child('name')));
    if (result.has(name)) el.push(fieldErrors.duplicate(p.child('name'), name));
    if (el.length === 0) result.set(name, v);
    else errors.push(...el);
    const claim = asObj(v.persistentVolumeClaim);
    if (claim && createdPVCs.has(asStr(claim.claimName))) {
      errors.push(fieldErrors.invalid(p.child('persistentVolumeClaim').child('claimName'), asStr(claim.claimName), 'must not reference a PVC that gets created for an ephemeral volume'));
    }
  });
  return { volumes: result, errors };
}

// ---------------------------------------------------------------------------------------
// Persistent volume claim specs (for ephemeral volumes and StatefulSet claim templates)

const SUPPORTED_ACCESS_MODES = ['ReadOnlyMany', 'ReadWriteMany', 'ReadWriteOnce', 'ReadWriteOncePod'];

/** As upstream's ValidateTemplateObjectMeta: only labels and annotations may be set. */
export function validateTemplateObjectMeta(meta: unknown, path: FieldPath): FieldError[] {
  const m = asObj(meta) ?? {};
  const errs = [
    ...validateAnnotations(asObj(m.annotations) as Record<string, string>, path.child('annotations')),
    ...validateLabels(asObj(m.labels) as Record<string, string>, path.child('labels')),
  ];
  for (const [k, v] of Object.entries(m)) {
    if (k === 'labels' || k === 'annotations' || v === undefined || v === null || v === '' || v === 0) continue;
    if ((Array.isArray(v) && v.length === 0) || (isObject(v) && Object.keys(v).length === 0)) continue;
    errs.push(fieldErrors.forbidden(path.child(k), 'cannot be set'));
  }
  return errs;
}

function validatePersistentVolumeClaimTemplate(tpl: Json, path: FieldPath): FieldError[] {
  return [...validateTemplateObjectMeta(tpl.metadata, path.child('metadata')), ...validatePersistentVolumeClaimSpec(asObj(tpl.spec) ?? {}, path.child('spec'))];
}

function validateTypedLocalRef(ref: Json, path: FieldPath, needGroupForNonCore: boolean): FieldError[] {
  const errs: FieldError[] = [];
  if (!asStr(ref.name)) errs.push(fieldErrors.required(path.child('name'), ''));
  if (!asStr(ref.kind)) errs.push(fieldErrors.required(path.child('kind'), ''));
  const group = asStr(ref.apiGroup);
  if (ref.apiGroup != null && group) errs.push(...dns1123Subdomain(group, path.child('apiGroup')));
  else if (needGroupForNonCore && asStr(ref.kind) !== 'PersistentVolumeClaim' && asStr(ref.kind)) {
    errs.push(fieldErrors.invalid(path.child('kind'), asStr(ref.kind), 'must be \'PersistentVolumeClaim\' when referencing the default apiGroup'));
  }
  return errs;
}

/** As upstream's ValidatePersistentVolumeClaimSpec (1.32 defaults). */
export function validatePersistentVolumeClaimSpec(spec: Json, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  const modes = asArr(spec.accessModes).map(String);
  if (modes.length === 0) errs.push(fieldErrors.required(path.child('accessModes'), 'at least 1 access mode is required'));
  if (spec.selector != null) errs.push(...validateLabelSelector(spec.selector as LabelSelector, {}, path.child('selector')));
  let rwop = false;
  let other = false;
  for (const m of modes) {
    if (!SUPPORTED_ACCESS_MODES.includes(m)) errs.push(fieldErrors.notSupported(path.child('accessModes'), m, SUPPORTED_ACCESS_MODES));
    if (m === 'ReadWriteOncePod') rwop = true;
    else if (SUPPORTED_ACCESS_MODES.includes(m)) other = true;
  }
  if (rwop && other) errs.push(fieldErrors.forbidden(path.child('accessModes'), 'may not use ReadWriteOncePod with other access modes'));
  const requests = asObj(asObj(spec.resources)?.requests);
  const storagePath = path.child('resources').key('storage');
  if (!requests || requests.storage === undefined) errs.push(fieldErrors.required(storagePath, ''));
  else {
    const q = quantityOf(requests.storage);
    if (q && q.sign() <= 0) errs.push(fieldErrors.invalid(storagePath, q.toString(), IS_NOT_POSITIVE_ERROR_MSG));
  }
  if (typeof spec.storageClassName === 'string' && spec.storageClassName) {
    errs.push(...subdomainName(spec.storageClassName, path.child('storageClassName')));
  }
  if (typeof spec.volumeMode === 'string' && !['Block', 'Filesystem'].includes(spec.volumeMode)) {
    errs.push(fieldErrors.notSupported(path.child('volumeMode'), spec.volumeMode, ['Block', 'Filesystem']));
  }
  const ds = asObj(spec.dataSource);
  if (ds) errs.push(...validateTypedLocalRef(ds, path.child('dataSource'), true));
  const dsr = asObj(spec.dataSourceRef);
  if (dsr) errs.push(...validateTypedLocalRef(dsr, path.child('dataSourceRef'), true));
  if (ds && dsr && (asStr(ds.apiGroup) !== asStr(dsr.apiGroup) || asStr(ds.kind) !== asStr(dsr.kind) || asStr(ds.name) !== asStr(dsr.name))) {
    if (!asStr(dsr.namespace)) errs.push(fieldErrors.invalid(path, rendered(String(path.child('dataSource'))), 'must match dataSourceRef'));
  }
  return errs;
}

// ---------------------------------------------------------------------------------------
// Containers

const SUPPORTED_PORT_PROTOCOLS = ['SCTP', 'TCP', 'UDP'];

function validateContainerPorts(ports: unknown, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  const names = new Set<string>();
  asArr(ports).forEach((raw, i) => {
    const port = asObj(raw) ?? {};
    const p = path.index(i);
    const name = asStr(port.name);
    if (name) {
      const msgs = isValidPortName(name);
      if (msgs.length) for (const m of msgs) errs.push(fieldErrors.invalid(p.child('name'), name, m));
      else if (names.has(name)) errs.push(fieldErrors.duplicate(p.child('name'), name));
      else names.add(name);
    }
    const cp = asNum(port.containerPort) ?? 0;
    if (cp === 0) errs.push(fieldErrors.required(p.child('containerPort'), ''));
    else for (const m of isValidPortNum(cp)) errs.push(fieldErrors.invalid(p.child('containerPort'), cp, m));
    const hp = asNum(port.hostPort) ?? 0;
    if (hp !== 0) for (const m of isValidPortNum(hp)) errs.push(fieldErrors.invalid(p.child('hostPort'), hp, m));
    const proto = asStr(port.protocol);
    if (!proto) errs.push(fieldErrors.required(p.child('protocol'), ''));
    else if (!SUPPORTED_PORT_PROTOCOLS.includes(proto)) errs.push(fieldErrors.notSupported(p.child('protocol'), proto, SUPPORTED_PORT_PROTOCOLS));
  });
  return errs;
}

function envNameErrors(name: string, opts: PodValidationOptions): string[] {
  return opts.allowRelaxedEnvironmentVariableValidation ? isRelaxedEnvVarName(name) : isEnvVarName(name);
}

function validateKeySelector(s: Json, path: FieldPath): FieldError[] {
  const errs = subdomainName(asStr(s.name), path.child('name'));
  const key = asStr(s.key);
  if (!key) errs.push(fieldErrors.required(path.child('key'), ''));
  else for (const m of isConfigMapKey(key)) errs.push(fieldErrors.invalid(path.child('key'), key, m));
  return errs;
}

function validateEnv(env: unknown, path: FieldPath, opts: PodValidationOptions): FieldError[] {
  const errs: FieldError[] = [];
  asArr(env).forEach((raw, i) => {
    const ev = asObj(raw) ?? {};
    const p = path.index(i);
    const name = asStr(ev.name);
    if (!name) errs.push(fieldErrors.required(p.child('name'), ''));
    else for (const m of envNameErrors(name, opts)) errs.push(fieldErrors.invalid(p.child('name'), name, m));
    const from = asObj(ev.valueFrom);
    if (!from) return;
    const fp = p.child('valueFrom');
    let n = 0;
    const fieldRef = asObj(from.fieldRef);
    if (fieldRef) {
      n++;
      errs.push(...validateObjectFieldSelector(fieldRef, ENV_DOWNWARD_FIELD_PATHS, fp.child('fieldRef')));
    }
    const resourceFieldRef = asObj(from.resourceFieldRef);
    if (resourceFieldRef) {
      n++;
      errs.push(...validateContainerResourceFieldSelector(resourceFieldRef, fp.child('resourceFieldRef'), false));
    }
    const cm = asObj(from.configMapKeyRef);
    if (cm) {
      n++;
      errs.push(...validateKeySelector(cm, fp.child('configMapKeyRef')));
    }
    const secret = asObj(from.secretKeyRef);
    if (secret) {
      n++;
      errs.push(...validateKeySelector(secret, fp.child('secretKeyRef')));
    }
    if (n === 0) errs.push(fieldErrors.invalid(fp, '', 'must specify one of: `fieldRef`, `resourceFieldRef`, `configMapKeyRef` or `secretKeyRef`'));
    else if (asStr(ev.value)) errs.push(fieldErrors.invalid(fp, '', 'may not be specified when `value` is not empty'));
    else if (n > 1) errs.push(fieldErrors.invalid(fp, '', 'may not have more than one field specified at a time'));
  });
  return errs;
}

function validateEnvFrom(envFrom: unknown, path: FieldPath, opts: PodValidationOptions): FieldError[] {
  const errs: FieldError[] = [];
  asArr(envFrom).forEach((raw, i) => {
    const ev = asObj(raw) ?? {};
    const p = path.index(i);
    const prefix = asStr(ev.prefix);
    if (prefix) for (const m of envNameErrors(prefix, opts)) errs.push(fieldErrors.invalid(p.child('prefix'), prefix, m));
    let n = 0;
    for (const kind of ['configMapRef', 'secretRef'] as const) {
      const ref = asObj(ev[kind]);
      if (!ref) continue;
      n++;
      const name = asStr(ref.name);
      if (!name) errs.push(fieldErrors.required(p.child(kind).child('name'), ''));
      else for (const m of nameIsDNSSubdomain(name, true)) errs.push(fieldErrors.invalid(p.child(kind).child('name'), name, m));
    }
    if (n === 0) errs.push(fieldErrors.invalid(path, '', 'must specify one of: `configMapRef` or `secretRef`'));
    else if (n > 1) errs.push(fieldErrors.invalid(path, '', 'may not have more than one field specified at a time'));
  });
  return errs;
}

function validateVolumeMounts(mounts: unknown, devices: Map<string, string>, volumes: Map<string, Json>, container: Json, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  const mountPoints = new Set<string>();
  const devicePaths = new Set(devices.values());
  asArr(mounts).forEach((raw, i) => {
    const m = asObj(raw) ?? {};
    const p = path.index(i);
    const name = asStr(m.name);
    const mountPath = asStr(m.mountPath);
    if (!name) errs.push(fieldErrors.required(p.child('name'), ''));
    if (!volumes.has(name)) errs.push(fieldErrors.notFound(p.child('name'), name));
    if (!mountPath) errs.push(fieldErrors.required(p.child('mountPath'), ''));
    if (mountPoints.has(mountPath)) errs.push(fieldErrors.invalid(p.child('mountPath'), mountPath, 'must be unique'));
    mountPoints.add(mountPath);
    if (devices.has(name)) errs.push(fieldErrors.invalid(p.child('name'), name, 'must not already exist in volumeDevices'));
    if (devicePaths.has(mountPath)) errs.push(fieldErrors.invalid(p.child('mountPath'), mountPath, 'must not already exist as a path in volumeDevices'));
    const subPath = asStr(m.subPath);
    const subPathExpr = asStr(m.subPathExpr);
    if (subPath) errs.push(...validateLocalDescendingPath(subPath, path.child('subPath')));
    if (subPathExpr) {
      if (subPath) errs.push(fieldErrors.invalid(p.child('subPathExpr'), subPathExpr, 'subPathExpr and subPath are mutually exclusive'));
      errs.push(...validateLocalDescendingPath(subPathExpr, path.child('subPathExpr')));
    }
    if (m.mountPropagation != null) {
      const mp = asStr(m.mountPropagation);
      const supported = ['Bidirectional', 'HostToContainer', 'None'];
      if (!supported.includes(mp)) errs.push(fieldErrors.notSupported(path.child('mountPropagation'), mp, supported));
      const privileged = asObj(container.securityContext)?.privileged === true;
      if (mp === 'Bidirectional' && !privileged) {
        errs.push(fieldErrors.forbidden(path.child('mountPropagation'), 'Bidirectional mount propagation is available only to privileged containers'));
      }
    }
    if (m.recursiveReadOnly != null) {
      const rro = asStr(m.recursiveReadOnly);
      const rp = path.child('recursiveReadOnly');
      if (rro === 'Enabled' || rro === 'IfPossible') {
        if (m.readOnly !== true) errs.push(fieldErrors.forbidden(rp, 'may only be specified when readOnly is true'));
        if (m.mountPropagation != null && m.mountPropagation !== 'None') {
          errs.push(fieldErrors.forbidden(rp, 'may only be specified when mountPropagation is None or not specified'));
        }
      } else if (rro !== 'Disabled') {
        errs.push(fieldErrors.notSupported(rp, rro, ['Disabled', 'Enabled', 'IfPossible']));
      }
    }
  });
  return errs;
}

function validateVolumeDevices(devices: unknown, mounts: Map<string, string>, volumes: Map<string, Json>, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  const paths = new Set<string>();
  const names = new Set<string>();
  const mountPaths = new Set(mounts.values());
  asArr(devices).forEach((raw, i) => {
    const d = asObj(raw) ?? {};
    const p = path.index(i);
    const name = asStr(d.name);
    const devicePath = asStr(d.devicePath);
    const vol = volumes.get(name);
    const isPVC = vol !== undefined && (vol.persistentVolumeClaim != null || vol.ephemeral != null);
    if (!name) errs.push(fieldErrors.required(p.child('name'), ''));
    if (names.has(name)) errs.push(fieldErrors.invalid(p.child('name'), name, 'must be unique'));
    if (vol && !isPVC) errs.push(fieldErrors.invalid(p.child('name'), name, 'can only use volume source type of PersistentVolumeClaim or Ephemeral for block mode'));
    if (!vol) errs.push(fieldErrors.notFound(p.child('name'), name));
    if (!devicePath) errs.push(fieldErrors.required(p.child('devicePath'), ''));
    if (paths.has(devicePath)) errs.push(fieldErrors.invalid(p.child('devicePath'), devicePath, 'must be unique'));
    if (devicePath && devicePath.split('/').includes('..')) errs.push(fieldErrors.invalid(p.child('devicePath'), devicePath, "can not contain backsteps ('..')"));
    else paths.add(devicePath);
    if (mounts.has(name)) errs.push(fieldErrors.invalid(p.child('name'), name, 'must not already exist in volumeMounts'));
    if (mountPaths.has(devicePath)) errs.push(fieldErrors.invalid(p.child('devicePath'), devicePath, 'must not already exist as a path in volumeMounts'));
    if (name) names.add(name);
  });
  return errs;
}

// Resource names (upstream's helper.IsStandardResourceName and friends).
const STANDARD_CONTAINER_RESOURCES = new Set(['cpu', 'memory', 'ephemeral-storage']);
const STANDARD_RESOURCES = new Set([
  'cpu',
  'memory',
  'ephemeral-storage',
  'requests.cpu',
  'requests.memory',
  'requests.ephemeral-storage',
  'limits.cpu',
  'limits.memory',
  'limits.ephemeral-storage',
  'pods',
  'quotas',
  'services',
  'replicationcontrollers',
  'resourcequotas',
  'secrets',
  'configmaps',
  'persistentvolumeclaims',
  'storage',
  'requests.storage',
  'services.nodeports',
  'services.loadbalancers',
]);
const INTEGER_RESOURCES = new Set([
  'pods',
  'quotas',
  'services',
  'replicationcontrollers',
  'secrets',
  'configmaps',
  'persistentvolumeclaims',
  'services.nodeports',
  'services.loadbalancers',
]);
const isHugePages = (name: string) => name.startsWith('hugepages-');
const isNativeResource = (name: string) => !name.includes('/') || name.includes('kubernetes.io/');
const isExtendedResource = (name: string) =>
  !isNativeResource(name) && !name.startsWith('requests.') && isQualifiedName(`requests.${name}`).length === 0;
const isOvercommitAllowed = (name: string) => isNativeResource(name) && !isHugePages(name);
const isStandardResourceName = (name: string) => STANDARD_RESOURCES.has(name) || isHugePages(name) || name.startsWith('count/');

function validateContainerResourceName(name: string, path: FieldPath): FieldError[] {
  const errs = qualifiedName(name, path);
  if (errs.length === 0 && !name.includes('/') && !isStandardResourceName(name)) {
    errs.push(fieldErrors.invalid(path, name, 'must be a standard resource type or fully qualified'));
  }
  if (!name.includes('/')) {
    if (!STANDARD_CONTAINER_RESOURCES.has(name) && !isHugePages(name)) errs.push(fieldErrors.invalid(path, name, 'must be a standard resource for containers'));
  } else if (!isNativeResource(name) && !isExtendedResource(name)) {
    errs.push(fieldErrors.invalid(path, name, "doesn't follow extended resource name standard"));
  }
  return errs;
}

function validateResourceQuantityValue(name: string, q: Quantity, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  if (q.sign() < 0) errs.push(fieldErrors.invalid(path, q.toString(), IS_NEGATIVE_ERROR_MSG));
  if ((INTEGER_RESOURCES.has(name) || isExtendedResource(name)) && q.milliValue() % 1000 !== 0) {
    errs.push(fieldErrors.invalid(path, q.toString(), 'must be an integer'));
  }
  return errs;
}

function hugePageError(name: string, q: Quantity, opts: PodValidationOptions): string | undefined {
  if (!isHugePages(name) || opts.allowIndivisibleHugePagesValues) return undefined;
  const page = quantityOf(name.slice('hugepages-'.length));
  if (!page || page.value() <= 0) return undefined;
  return q.value() % page.value() === 0 ? undefined : `${q.toString()} is not positive integer multiple of ${name}`;
}

/** As upstream's ValidateContainerResourceRequirements (also used for a pod's overhead). */
export function validateResourceRequirements(req: unknown, path: FieldPath, opts: PodValidationOptions): FieldError[] {
  const r = asObj(req) ?? {};
  const errs: FieldError[] = [];
  const limPath = path.child('limits');
  const reqPath = path.child('requests');
  const limits = asObj(r.limits) ?? {};
  const requests = asObj(r.requests) ?? {};
  let limCpuMem = false;
  let reqCpuMem = false;
  let limHuge = false;
  let reqHuge = false;
  for (const name of Object.keys(limits).sort()) {
    const p = limPath.key(name);
    errs.push(...validateContainerResourceName(name, p));
    const q = quantityOf(limits[name]);
    if (!q) continue;
    errs.push(...validateResourceQuantityValue(name, q, p));
    if (isHugePages(name)) {
      limHuge = true;
      const e = hugePageError(name, q, opts);
      if (e) errs.push(fieldErrors.invalid(p, q.toString(), e));
    }
    if (name === 'cpu' || name === 'memory') limCpuMem = true;
  }
  for (const name of Object.keys(requests).sort()) {
    const p = reqPath.key(name);
    errs.push(...validateContainerResourceName(name, p));
    const q = quantityOf(requests[name]);
    if (!q) continue;
    errs.push(...validateResourceQuantityValue(name, q, p));
    const lim = name in limits ? quantityOf(limits[name]) : undefined;
    if (lim) {
      if (q.cmp(lim) !== 0 && !isOvercommitAllowed(name)) {
        errs.push(fieldErrors.invalid(reqPath, q.toString(), `must be equal to ${name} limit of ${lim.toString()}`));
      } else if (q.cmp(lim) > 0) {
        errs.push(fieldErrors.invalid(reqPath, q.toString(), `must be less than or equal to ${name} limit of ${lim.toString()}`));
      }
    } else if (!isOvercommitAllowed(name)) {
      errs.push(fieldErrors.required(limPath, 'Limit must be set for non overcommitable resources'));
    }
    if (isHugePages(name)) {
      reqHuge = true;
      const e = hugePageError(name, q, opts);
      if (e) errs.push(fieldErrors.invalid(p, q.toString(), e));
    }
    if (name === 'cpu' || name === 'memory') reqCpuMem = true;
  }
  if (!limCpuMem && !reqCpuMem && (reqHuge || limHuge)) errs.push(fieldErrors.forbidden(path, 'HugePages require cpu or memory'));
  return errs;
}

// Probes and handlers

function validatePortNumOrName(port: unknown, path: FieldPath): FieldError[] {
  if (typeof port === 'number') return isValidPortNum(port).map((m) => fieldErrors.invalid(path, port, m));
  if (typeof port === 'string') return isValidPortName(port).map((m) => fieldErrors.invalid(path, port, m));
  return [fieldErrors.internal(path, `unknown type: ${String(port)}`)];
}

function validateHandler(handler: Json, gracePeriod: number | undefined, path: FieldPath, kinds: readonly string[]): FieldError[] {
  const errs: FieldError[] = [];
  let n = 0;
  for (const kind of kinds) {
    const h = handler[kind];
    if (h === undefined || h === null) continue;
    if (n > 0) {
      errs.push(fieldErrors.forbidden(path.child(kind), 'may not specify more than 1 handler type'));
      continue;
    }
    n++;
    const o = asObj(h) ?? {};
    const p = path.child(kind);
    switch (kind) {
      case 'exec':
        if (asArr(o.command).length === 0) errs.push(fieldErrors.required(p.child('command'), ''));
        break;
      case 'httpGet': {
        if (!asStr(o.path)) errs.push(fieldErrors.required(p.child('path'), ''));
        errs.push(...validatePortNumOrName(o.port, p.child('port')));
        const scheme = asStr(o.scheme);
        if (scheme !== 'HTTP' && scheme !== 'HTTPS') errs.push(fieldErrors.notSupported(p.child('scheme'), scheme, ['HTTP', 'HTTPS']));
        for (const hdr of asArr(o.httpHeaders)) {
          const name = asStr(asObj(hdr)?.name);
          for (const m of isHTTPHeaderName(name)) errs.push(fieldErrors.invalid(p.child('httpHeaders'), name, m));
        }
        break;
      }
      case 'tcpSocket':
        errs.push(...validatePortNumOrName(o.port, p.child('port')));
        break;
      case 'grpc':
        errs.push(...validatePortNumOrName(asNum(o.port) ?? 0, p.child('port')));
        break;
      case 'sleep': {
        const secs = asNum(o.seconds) ?? 0;
        if (gracePeriod !== undefined && (secs <= 0 || secs > gracePeriod)) {
          errs.push(
            fieldErrors.invalid(
              p,
              secs,
              `must be greater than 0 and less than terminationGracePeriodSeconds (${gracePeriod}). Enable AllowPodLifecycleSleepActionZeroValue feature gate for zero sleep.`,
            ),
          );
        }
        break;
      }
    }
  }
  if (n === 0) errs.push(fieldErrors.required(path, 'must specify a handler type'));
  return errs;
}

const PROBE_HANDLERS = ['exec', 'httpGet', 'tcpSocket', 'grpc'] as const;
const LIFECYCLE_HANDLERS = ['exec', 'httpGet', 'tcpSocket', 'sleep'] as const;

function validateProbe(probe: unknown, gracePeriod: number | undefined, path: FieldPath, kind: 'liveness' | 'readiness' | 'startup'): FieldError[] {
  const p = asObj(probe);
  if (!p) return [];
  const errs = validateHandler(p, gracePeriod, path, PROBE_HANDLERS);
  for (const f of ['initialDelaySeconds', 'timeoutSeconds', 'periodSeconds', 'successThreshold', 'failureThreshold']) {
    errs.push(...validateNonnegativeField(asNum(p[f]) ?? 0, path.child(f)));
  }
  const tgps = asNum(p.terminationGracePeriodSeconds);
  if (tgps !== undefined && tgps <= 0) errs.push(fieldErrors.invalid(path.child('terminationGracePeriodSeconds'), tgps, 'must be greater than 0'));
  if (kind !== 'readiness' && (asNum(p.successThreshold) ?? 0) !== 1) {
    errs.push(fieldErrors.invalid(path.child('successThreshold'), asNum(p.successThreshold) ?? 0, 'must be 1'));
  }
  if (kind === 'readiness' && p.terminationGracePeriodSeconds != null) {
    errs.push(fieldErrors.invalid(path.child('terminationGracePeriodSeconds'), p.terminationGracePeriodSeconds, 'must not be set for readinessProbes'));
  }
  return errs;
}

function validateLifecycle(lifecycle: Json, gracePeriod: number | undefined, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  for (const hook of ['postStart', 'preStop']) {
    const h = asObj(lifecycle[hook]);
    if (h) errs.push(...validateHandler(h, gracePeriod, path.child(hook), LIFECYCLE_HANDLERS));
  }
  return errs;
}

// Security contexts

function validateSeccompProfileField(sp: unknown, path: FieldPath): FieldError[] {
  const p = asObj(sp);
  if (!p) return [];
  const errs: FieldError[] = [];
  const type = asStr(p.type);
  if (!type) errs.push(fieldErrors.required(path.child('type'), 'type is required when seccompProfile is set'));
  else if (!['Localhost', 'RuntimeDefault', 'Unconfined'].includes(type)) {
    errs.push(fieldErrors.notSupported(path.child('type'), type, ['Localhost', 'RuntimeDefault', 'Unconfined']));
  }
  if (type === 'Localhost') {
    if (p.localhostProfile == null) errs.push(fieldErrors.required(path.child('localhostProfile'), 'must be set when seccomp type is Localhost'));
    else errs.push(...validateLocalDescendingPath(asStr(p.localhostProfile), path.child('localhostProfile')));
  } else if (p.localhostProfile != null) {
    errs.push(
      fieldErrors.invalid(
        path.child('localhostProfile'),
        rendered(`core.SeccompProfile{Type:${goQuote(type)}, LocalhostProfile:(*string)(0xc000010000)}`),
        'can only be set when seccomp type is Localhost',
      ),
    );
  }
  return errs;
}

function validateAppArmorProfileField(profile: unknown, path: FieldPath): FieldError[] {
  const p = asObj(profile);
  if (!p) return [];
  const errs: FieldError[] = [];
  const type = asStr(p.type);
  switch (type) {
    case 'Localhost': {
      if (p.localhostProfile == null) {
        errs.push(fieldErrors.required(path.child('localhostProfile'), 'must be set when AppArmor type is Localhost'));
        break;
      }
      const lp = asStr(p.localhostProfile);
      if (lp.trim() !== lp) errs.push(fieldErrors.invalid(path.child('localhostProfile'), lp, 'must not be padded with whitespace'));
      else if (lp === '') errs.push(fieldErrors.required(path.child('localhostProfile'), 'must be set when AppArmor type is Localhost'));
      if (Buffer.byteLength(lp) > 4095) errs.push(fieldErrors.tooLong(path.child('localhostProfile'), '', 4095));
      break;
    }
    case 'RuntimeDefault':
    case 'Unconfined':
      if (p.localhostProfile != null) {
        errs.push(fieldErrors.invalid(path.child('localhostProfile'), asStr(p.localhostProfile), 'can only be set when AppArmor type is Localhost'));
      }
      break;
    case '':
      errs.push(fieldErrors.required(path.child('type'), 'type is required when appArmorProfile is set'));
      break;
    default:
      errs.push(fieldErrors.notSupported(path.child('type'), type, ['Localhost', 'RuntimeDefault', 'Unconfined']));
  }
  return errs;
}

function validateWindowsOptions(wo: unknown, path: FieldPath): FieldError[] {
  const o = asObj(wo);
  if (!o) return [];
  const errs: FieldError[] = [];
  if (typeof o.gmsaCredentialSpecName === 'string') {
    for (const m of isDNS1123Subdomain(o.gmsaCredentialSpecName)) errs.push(fieldErrors.invalid(path.child('gmsaCredentialSpecName'), o.gmsaCredentialSpecName, m));
  }
  if (typeof o.gmsaCredentialSpec === 'string') {
    if (o.gmsaCredentialSpec.length === 0) errs.push(fieldErrors.invalid(path.child('gmsaCredentialSpec'), '', 'gmsaCredentialSpec cannot be an empty string'));
    else if (o.gmsaCredentialSpec.length > 64 * 1024) {
      errs.push(fieldErrors.invalid(path.child('gmsaCredentialSpec'), o.gmsaCredentialSpec, 'gmsaCredentialSpec size must be under 64 KiB'));
    }
  }
  if (typeof o.runAsUserName === 'string') {
    const u = o.runAsUserName;
    const p = path.child('runAsUserName');
    const parts = u.split('\\');
    if (u.length === 0) errs.push(fieldErrors.invalid(p, u, 'runAsUserName cannot be an empty string'));
    // eslint-disable-next-line no-control-regex
    else if (/[\x00-\x1f\x7f]/.test(u)) errs.push(fieldErrors.invalid(p, u, 'runAsUserName cannot contain control characters'));
    else if (parts.length > 2) errs.push(fieldErrors.invalid(p, u, 'runAsUserName cannot contain more than one backslash'));
    else {
      const hasDomain = parts.length === 2;
      const domain = hasDomain ? parts[0]! : '';
      const user = hasDomain ? parts[1]! : parts[0]!;
      if (domain.length >= 256) errs.push(fieldErrors.invalid(p, u, "runAsUserName's Domain length must be under 256 characters"));
      const netBios = /^[^\\/:*?"<>|.][^\\/:*?"<>|]{0,14}$/;
      const dns = /^[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?(?:\.[a-zA-Z0-9](?:[a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?)*$/;
      if (hasDomain && !(netBios.test(domain) || dns.test(domain))) {
        errs.push(fieldErrors.invalid(p, u, "runAsUserName's Domain doesn't match the NetBios nor the DNS format"));
      }
      if (user.length === 0) errs.push(fieldErrors.invalid(p, u, "runAsUserName's User cannot be empty"));
      else if (user.length > 104) errs.push(fieldErrors.invalid(p, u, "runAsUserName's User length must not be longer than 104 characters"));
      if (/^[. ]+$/.test(user)) errs.push(fieldErrors.invalid(p, u, "runAsUserName's User cannot contain only periods or spaces"));
      if (/["/\\:;|=,+*?<>@[\]]/.test(user)) {
        errs.push(fieldErrors.invalid(p, u, `runAsUserName's User cannot contain the following characters: "/\\:;|=,+*?<>@[]`));
      }
    }
  }
  return errs;
}

/** As upstream's ValidateSecurityContext for a container (privileged containers are allowed, as clusters run). */
function validateSecurityContext(sc: unknown, path: FieldPath, hostUsers: boolean): FieldError[] {
  const s = asObj(sc);
  if (!s) return [];
  const errs: FieldError[] = [];
  for (const [f, check] of [
    ['runAsUser', isValidUserID],
    ['runAsGroup', isValidGroupID],
  ] as const) {
    const v = asNum(s[f]);
    if (v !== undefined) for (const m of check(v)) errs.push(fieldErrors.invalid(path.child(f), v, m));
  }
  if (s.procMount != null) {
    const pm = asStr(s.procMount);
    if (pm !== 'Default' && pm !== 'Unmasked') errs.push(fieldErrors.notSupported(path.child('procMount'), pm, ['Default', 'Unmasked']));
    if (hostUsers && pm === 'Unmasked') errs.push(fieldErrors.invalid(path.child('procMount'), pm, '`hostUsers` must be false to use `Unmasked`'));
  }
  errs.push(...validateSeccompProfileField(s.seccompProfile, path.child('seccompProfile')));
  if (s.allowPrivilegeEscalation === false) {
    const rendering = rendered(`&core.SecurityContext{...}`);
    if (s.privileged === true) errs.push(fieldErrors.invalid(path, rendering, 'cannot set `allowPrivilegeEscalation` to false and `privileged` to true'));
    for (const cap of asArr(asObj(s.capabilities)?.add)) {
      if (cap === 'CAP_SYS_ADMIN') {
        errs.push(fieldErrors.invalid(path, rendering, 'cannot set `allowPrivilegeEscalation` to false and `capabilities.Add` CAP_SYS_ADMIN'));
      }
    }
  }
  errs.push(...validateWindowsOptions(s.windowsOptions, path.child('windowsOptions')));
  errs.push(...validateAppArmorProfileField(s.appArmorProfile, path.child('appArmorProfile')));
  return errs;
}

/** Kernel namespace of a sysctl (upstream's utilsysctl.GetNamespace), for the host-namespace rule. */
function sysctlNamespace(name: string): 'net' | 'ipc' | undefined {
  const n = name.replace(/\//g, '.');
  if (n.startsWith('net.')) return 'net';
  if (n === 'kernel.sem' || n.startsWith('kernel.shm') || n.startsWith('kernel.msg') || n.startsWith('fs.mqueue.')) return 'ipc';
  return undefined;
}

function hostSysctlError(name: string, spec: Json, path: FieldPath): FieldError | undefined {
  const ns = sysctlNamespace(name);
  if (spec.hostNetwork === true && ns === 'net') return fieldErrors.invalid(path, name, "may not be specified when 'hostNetwork' is true");
  if (spec.hostIPC === true && ns === 'ipc') return fieldErrors.invalid(path, name, "may not be specified when 'hostIPC' is true");
  return undefined;
}

const SYSCTL_SEGMENT = '[a-z0-9]([-_a-z0-9]*[a-z0-9])?';
const SYSCTL_RE_TEXT = `^(${SYSCTL_SEGMENT}[\\./])*${SYSCTL_SEGMENT}$`;
const SYSCTL_RE = new RegExp(SYSCTL_RE_TEXT);

function validatePodSecurityContext(sc: unknown, spec: Json, path: FieldPath, opts: PodValidationOptions): FieldError[] {
  const s = asObj(sc);
  if (!s) return [];
  const errs: FieldError[] = [];
  for (const [f, check] of [
    ['fsGroup', isValidGroupID],
    ['runAsUser', isValidUserID],
    ['runAsGroup', isValidGroupID],
  ] as const) {
    const v = asNum(s[f]);
    if (v !== undefined) for (const m of check(v)) errs.push(fieldErrors.invalid(path.child(f), v, m));
  }
  asArr(s.supplementalGroups).forEach((g, i) => {
    const v = asNum(g) ?? 0;
    for (const m of isValidGroupID(v)) errs.push(fieldErrors.invalid(path.child('supplementalGroups').index(i), v, m));
  });
  // hostPID and shareProcessNamespace are PodSpec fields in v1 (upstream keeps them in the internal security context)
  if (spec.shareProcessNamespace === true && spec.hostPID === true) {
    errs.push(fieldErrors.invalid(path.child('shareProcessNamespace'), true, 'ShareProcessNamespace and HostPID cannot both be enabled'));
  }
  const names = new Set<string>();
  asArr(s.sysctls).forEach((raw, i) => {
    const name = asStr(asObj(raw)?.name);
    const p = path.child('sysctls').index(i).child('name');
    if (!name) errs.push(fieldErrors.required(p, ''));
    else if (name.length > 253 || !SYSCTL_RE.test(name)) errs.push(fieldErrors.invalid(p, name, `must have at most 253 characters and match regex ${SYSCTL_RE_TEXT}`));
    else if (names.has(name)) errs.push(fieldErrors.duplicate(p, name));
    if (!opts.allowNamespacedSysctlsForHostNetAndHostIPC) {
      const e = hostSysctlError(name, spec, p);
      if (e) errs.push(e);
    }
    names.add(name);
  });
  if (s.fsGroupChangePolicy != null) {
    const v = asStr(s.fsGroupChangePolicy);
    if (v !== 'Always' && v !== 'OnRootMismatch') errs.push(fieldErrors.notSupported(path.child('fsGroupChangePolicy'), v, ['Always', 'OnRootMismatch']));
  }
  errs.push(...validateSeccompProfileField(s.seccompProfile, path.child('seccompProfile')));
  errs.push(...validateWindowsOptions(s.windowsOptions, path.child('windowsOptions')));
  errs.push(...validateAppArmorProfileField(s.appArmorProfile, path.child('appArmorProfile')));
  return errs;
}

/** Validation common to regular, init and ephemeral containers (upstream's validateContainerCommon). */
function validateContainerCommon(c: Json, volumes: Map<string, Json>, path: FieldPath, opts: PodValidationOptions, hostUsers: boolean): FieldError[] {
  const errs: FieldError[] = [];
  const name = asStr(c.name);
  if (!name) errs.push(fieldErrors.required(path.child('name'), ''));
  else errs.push(...dns1123Label(name, path.child('name')));
  if (!asStr(c.image)) errs.push(fieldErrors.required(path.child('image'), ''));
  const tmp = asStr(c.terminationMessagePolicy);
  if (!tmp) errs.push(fieldErrors.required(path.child('terminationMessagePolicy'), ''));
  else if (tmp !== 'File' && tmp !== 'FallbackToLogsOnError') {
    errs.push(fieldErrors.notSupported(path.child('terminationMessagePolicy'), tmp, ['File', 'FallbackToLogsOnError']));
  }
  const mounts = new Map<string, string>();
  for (const m of asArr(c.volumeMounts)) if (isObject(m)) mounts.set(asStr(m.name), asStr(m.mountPath));
  const devices = new Map<string, string>();
  for (const d of asArr(c.volumeDevices)) if (isObject(d)) devices.set(asStr(d.name), asStr(d.devicePath));
  errs.push(...validateContainerPorts(c.ports, path.child('ports')));
  errs.push(...validateEnv(c.env, path.child('env'), opts));
  errs.push(...validateEnvFrom(c.envFrom, path.child('envFrom'), opts));
  errs.push(...validateVolumeMounts(c.volumeMounts, devices, volumes, c, path.child('volumeMounts')));
  errs.push(...validateVolumeDevices(c.volumeDevices, mounts, volumes, path.child('volumeDevices')));
  const policy = asStr(c.imagePullPolicy);
  if (!policy) errs.push(fieldErrors.required(path.child('imagePullPolicy'), ''));
  else if (!['Always', 'IfNotPresent', 'Never'].includes(policy)) {
    errs.push(fieldErrors.notSupported(path.child('imagePullPolicy'), policy, ['Always', 'IfNotPresent', 'Never']));
  }
  errs.push(...validateResourceRequirements(c.resources, path.child('resources'), opts));
  errs.push(...validateSecurityContext(c.securityContext, path.child('securityContext'), hostUsers));
  return errs;
}

function checkHostPortConflicts(containers: unknown[], path: FieldPath, offset = 0): FieldError[] {
  const errs: FieldError[] = [];
  const seen = new Set<string>();
  containers.forEach((raw, ci) => {
    asArr(asObj(raw)?.ports).forEach((rp, pi) => {
      const port = asObj(rp) ?? {};
      const hp = asNum(port.hostPort) ?? 0;
      if (hp === 0) return;
      const key = `${asStr(port.protocol)}/${asStr(port.hostIP)}/${hp}`;
      if (seen.has(key)) errs.push(fieldErrors.duplicate(path.index(ci + offset).child('ports').index(pi).child('hostPort'), key));
      else seen.add(key);
    });
  });
  return errs;
}

function validateContainers(containers: unknown, volumes: Map<string, Json>, grace: number | undefined, path: FieldPath, opts: PodValidationOptions, hostUsers: boolean): FieldError[] {
  const list = asArr(containers);
  if (list.length === 0) return [fieldErrors.required(path, '')];
  const errs: FieldError[] = [];
  const names = new Set<string>();
  list.forEach((raw, i) => {
    const c = asObj(raw) ?? {};
    const p = path.index(i);
    errs.push(...validateContainerCommon(c, volumes, p, opts, hostUsers));
    const name = asStr(c.name);
    if (names.has(name)) errs.push(fieldErrors.duplicate(p.child('name'), name));
    else names.add(name);
    const lifecycle = asObj(c.lifecycle);
    if (lifecycle) errs.push(...validateLifecycle(lifecycle, grace, p.child('lifecycle')));
    errs.push(...validateProbe(c.livenessProbe, grace, p.child('livenessProbe'), 'liveness'));
    errs.push(...validateProbe(c.readinessProbe, grace, p.child('readinessProbe'), 'readiness'));
    errs.push(...validateProbe(c.startupProbe, grace, p.child('startupProbe'), 'startup'));
    if (c.restartPolicy != null) errs.push(fieldErrors.forbidden(p.child('restartPolicy'), 'may not be set for non-init containers'));
  });
  errs.push(...checkHostPortConflicts(list, path));
  return errs;
}

function validateInitContainers(
  containers: unknown,
  regular: unknown,
  volumes: Map<string, Json>,
  grace: number | undefined,
  path: FieldPath,
  opts: PodValidationOptions,
  hostUsers: boolean,
): FieldError[] {
  const errs: FieldError[] = [];
  const names = new Set(asArr(regular).map((c) => asStr(asObj(c)?.name)));
  asArr(containers).forEach((raw, i) => {
    const c = asObj(raw) ?? {};
    const p = path.index(i);
    errs.push(...validateContainerCommon(c, volumes, p, opts, hostUsers));
    let restartAlways = false;
    if (c.restartPolicy != null) {
      const rp = asStr(c.restartPolicy);
      if (rp !== 'Always') errs.push(fieldErrors.notSupported(p.child('restartPolicy'), rp, ['Always']));
      restartAlways = rp === 'Always';
    }
    const name = asStr(c.name);
    if (names.has(name)) errs.push(fieldErrors.duplicate(p.child('name'), name));
    else if (name) names.add(name);
    errs.push(...checkHostPortConflicts([c], path, i));
    if (restartAlways) {
      const lifecycle = asObj(c.lifecycle);
      if (lifecycle) errs.push(...validateLifecycle(lifecycle, grace, p.child('lifecycle')));
      errs.push(...validateProbe(c.livenessProbe, grace, p.child('livenessProbe'), 'liveness'));
      errs.push(...validateProbe(c.readinessProbe, grace, p.child('readinessProbe'), 'readiness'));
      errs.push(...validateProbe(c.startupProbe, grace, p.child('startupProbe'), 'startup'));
    } else {
      for (const f of ['lifecycle', 'livenessProbe', 'readinessProbe', 'startupProbe']) {
        if (c[f] != null) errs.push(fieldErrors.forbidden(p.child(f), 'may not be set for init containers without restartPolicy=Always'));
      }
    }
  });
  return errs;
}

const EPHEMERAL_ALLOWED = new Set([
  'name',
  'image',
  'command',
  'args',
  'workingDir',
  'envFrom',
  'env',
  'volumeMounts',
  'volumeDevices',
  'terminationMessagePath',
  'terminationMessagePolicy',
  'imagePullPolicy',
  'securityContext',
  'stdin',
  'stdinOnce',
  'tty',
  'targetContainerName',
]);

/** As upstream's validateEphemeralContainers (the pods' ephemeralcontainers subresource and updates). */
export function validateEphemeralContainers(spec: Json, volumes: Map<string, Json>, path: FieldPath, opts: PodValidationOptions, hostUsers: boolean): FieldError[] {
  const errs: FieldError[] = [];
  const others = new Set<string>();
  for (const c of [...asArr(spec.containers), ...asArr(spec.initContainers)]) others.add(asStr(asObj(c)?.name));
  const all = new Set(others);
  asArr(spec.ephemeralContainers).forEach((raw, i) => {
    const c = asObj(raw) ?? {};
    const p = path.index(i);
    errs.push(...validateContainerCommon(c, volumes, p, opts, hostUsers));
    errs.push(...validateContainerOnlyForPod(c, p));
    const name = asStr(c.name);
    if (all.has(name)) errs.push(fieldErrors.duplicate(p.child('name'), name));
    else all.add(name);
    const target = asStr(c.targetContainerName);
    if (target && !others.has(target)) errs.push(fieldErrors.notFound(p.child('targetContainerName'), target));
    for (const [k, v] of Object.entries(c)) {
      if (EPHEMERAL_ALLOWED.has(k) || v === undefined || v === null) continue;
      if (k === 'resources' && isObject(v) && Object.keys(v).length === 0) continue;
      if ((Array.isArray(v) && v.length === 0) || v === false || v === '' || v === 0) continue;
      errs.push(fieldErrors.forbidden(p.child(k), 'cannot be set for an Ephemeral Container'));
    }
    asArr(c.volumeMounts).forEach((m, j) => {
      const mount = asObj(m) ?? {};
      if (asStr(mount.subPath)) errs.push(fieldErrors.forbidden(p.child('volumeMounts').index(j).child('subPath'), 'cannot be set for an Ephemeral Container'));
      if (asStr(mount.subPathExpr)) errs.push(fieldErrors.forbidden(p.child('volumeMounts').index(j).child('subPathExpr'), 'cannot be set for an Ephemeral Container'));
    });
  });
  return errs;
}

/** Pod-only (not template) container checks: no whitespace around the image. */
export function validateContainerOnlyForPod(c: Json, path: FieldPath): FieldError[] {
  const image = asStr(c.image);
  return image.length !== image.trim().length ? [fieldErrors.invalid(path.child('image'), image, 'must not have leading or trailing whitespace')] : [];
}

// Scheduling: affinity, tolerations, topology spread

function validateNodeSelectorRequirement(rq: Json, allowInvalidValues: boolean, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  const values = asArr(rq.values).map(String);
  const op = asStr(rq.operator);
  switch (op) {
    case 'In':
    case 'NotIn':
      if (values.length === 0) errs.push(fieldErrors.required(path.child('values'), "must be specified when `operator` is 'In' or 'NotIn'"));
      break;
    case 'Exists':
    case 'DoesNotExist':
      if (values.length > 0) errs.push(fieldErrors.forbidden(path.child('values'), "may not be specified when `operator` is 'Exists' or 'DoesNotExist'"));
      break;
    case 'Gt':
    case 'Lt':
      if (values.length !== 1) errs.push(fieldErrors.required(path.child('values'), "must be specified single value when `operator` is 'Lt' or 'Gt'"));
      break;
    default:
      errs.push(fieldErrors.invalid(path.child('operator'), op, 'not a valid selector operator'));
  }
  errs.push(...validateLabelName(asStr(rq.key), path.child('key')));
  if (!allowInvalidValues) {
    values.forEach((v, i) => {
      for (const m of isValidLabelValue(v)) errs.push(fieldErrors.invalid(path.child('values').index(i), v, m));
    });
  }
  return errs;
}

function validateNodeSelectorTerm(term: Json, allowInvalidValues: boolean, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  asArr(term.matchExpressions).forEach((r, j) => errs.push(...validateNodeSelectorRequirement(asObj(r) ?? {}, allowInvalidValues, path.child('matchExpressions').index(j))));
  asArr(term.matchFields).forEach((r, j) => {
    const req = asObj(r) ?? {};
    const p = path.child('matchFields').index(j);
    const op = asStr(req.operator);
    const values = asArr(req.values).map(String);
    if (op === 'In' || op === 'NotIn') {
      if (values.length !== 1) errs.push(fieldErrors.required(p.child('values'), "must be only one value when `operator` is 'In' or 'NotIn' for node field selector"));
    } else {
      errs.push(fieldErrors.invalid(p.child('operator'), op, 'not a valid selector operator'));
    }
    if (asStr(req.key) !== 'metadata.name') errs.push(fieldErrors.invalid(p.child('key'), asStr(req.key), 'not a valid field selector key'));
    else values.forEach((v, i) => errs.push(...subdomainName(v, p.child('values').index(i))));
  });
  return errs;
}

function validatePodAffinityTerm(term: Json, allowInvalid: boolean, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  const selector = term.labelSelector as LabelSelector | undefined;
  errs.push(...validateLabelSelector(selector, { allowInvalidLabelValueInSelector: allowInvalid }, path.child('labelSelector')));
  errs.push(...validateLabelSelector(term.namespaceSelector as LabelSelector | undefined, { allowInvalidLabelValueInSelector: allowInvalid }, path.child('namespaceSelector')));
  for (const ns of asArr(term.namespaces)) {
    for (const m of isDNS1123Label(String(ns))) errs.push(fieldErrors.invalid(path.child('namespace'), String(ns), m));
  }
  const matchKeys = asArr(term.matchLabelKeys).map(String);
  const mismatchKeys = asArr(term.mismatchLabelKeys).map(String);
  for (const [field, keys] of [
    ['matchLabelKeys', matchKeys],
    ['mismatchLabelKeys', mismatchKeys],
  ] as const) {
    if (keys.length === 0) continue;
    if (selector == null) {
      errs.push(fieldErrors.forbidden(path.child(field), 'must not be specified when labelSelector is not set'));
      continue;
    }
    keys.forEach((k, i) => errs.push(...validateLabelName(k, path.child(field).index(i))));
  }
  if (selector != null) {
    const idx = new Map(matchKeys.map((k, i) => [k, i]));
    const selectorKeys = new Set(Object.keys(selector.matchLabels ?? {}));
    for (const e of selector.matchExpressions ?? []) {
      const i = idx.get(e.key);
      if (i !== undefined && selectorKeys.has(e.key)) errs.push(fieldErrors.invalid(path.index(i), e.key, 'exists in both matchLabelKeys and labelSelector'));
      selectorKeys.add(e.key);
    }
  }
  const mismatch = new Set(mismatchKeys);
  matchKeys.forEach((k, i) => {
    if (mismatch.has(k)) errs.push(fieldErrors.invalid(path.child('matchLabelKeys').index(i), k, 'exists in both matchLabelKeys and mismatchLabelKeys'));
  });
  const topologyKey = asStr(term.topologyKey);
  if (!topologyKey) errs.push(fieldErrors.required(path.child('topologyKey'), 'can not be empty'));
  errs.push(...validateLabelName(topologyKey, path.child('topologyKey')));
  return errs;
}

function validateAffinity(affinity: unknown, opts: PodValidationOptions, path: FieldPath): FieldError[] {
  const a = asObj(affinity);
  if (!a) return [];
  const errs: FieldError[] = [];
  const na = asObj(a.nodeAffinity);
  if (na) {
    const p = path.child('nodeAffinity');
    const req = asObj(na.requiredDuringSchedulingIgnoredDuringExecution);
    if (req) {
      const tp = p.child('requiredDuringSchedulingIgnoredDuringExecution').child('nodeSelectorTerms');
      const terms = asArr(req.nodeSelectorTerms);
      if (terms.length === 0) errs.push(fieldErrors.required(tp, 'must have at least one node selector term'));
      terms.forEach((t, i) => errs.push(...validateNodeSelectorTerm(asObj(t) ?? {}, false, tp.index(i))));
    }
    asArr(na.preferredDuringSchedulingIgnoredDuringExecution).forEach((t, i) => {
      const term = asObj(t) ?? {};
      const tp = p.child('preferredDuringSchedulingIgnoredDuringExecution').index(i);
      const w = asNum(term.weight) ?? 0;
      if (w <= 0 || w > 100) errs.push(fieldErrors.invalid(tp.child('weight'), w, 'must be in the range 1-100'));
      errs.push(...validateNodeSelectorTerm(asObj(term.preference) ?? {}, true, tp.child('preference')));
    });
  }
  for (const kind of ['podAffinity', 'podAntiAffinity']) {
    const pa = asObj(a[kind]);
    if (!pa) continue;
    const p = path.child(kind);
    const allow = opts.allowInvalidLabelValueInSelector ?? false;
    asArr(pa.requiredDuringSchedulingIgnoredDuringExecution).forEach((t, i) =>
      errs.push(...validatePodAffinityTerm(asObj(t) ?? {}, allow, p.child('requiredDuringSchedulingIgnoredDuringExecution').index(i))),
    );
    asArr(pa.preferredDuringSchedulingIgnoredDuringExecution).forEach((t, i) => {
      const wt = asObj(t) ?? {};
      const tp = p.child('preferredDuringSchedulingIgnoredDuringExecution').index(i);
      const w = asNum(wt.weight) ?? 0;
      if (w <= 0 || w > 100) errs.push(fieldErrors.invalid(tp.child('weight'), w, 'must be in the range 1-100'));
      errs.push(...validatePodAffinityTerm(asObj(wt.podAffinityTerm) ?? {}, allow, tp.child('podAffinityTerm')));
    });
  }
  return errs;
}

/** As upstream's ValidateTolerations. */
export function validateTolerations(tolerations: unknown, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  asArr(tolerations).forEach((raw, i) => {
    const t = asObj(raw) ?? {};
    const p = path.index(i);
    const key = asStr(t.key);
    const op = asStr(t.operator);
    const effect = asStr(t.effect);
    const value = asStr(t.value);
    if (key) errs.push(...validateLabelName(key, p.child('key')));
    if (!key && op !== 'Exists') {
      errs.push(fieldErrors.invalid(p.child('operator'), op, 'operator must be Exists when `key` is empty, which means "match all values and all keys"'));
    }
    if (t.tolerationSeconds != null && effect !== 'NoExecute') {
      errs.push(fieldErrors.invalid(p.child('effect'), effect, "effect must be 'NoExecute' when `tolerationSeconds` is set"));
    }
    switch (op) {
      case 'Equal':
      case '': {
        const msgs = isValidLabelValue(value);
        if (msgs.length) errs.push(fieldErrors.invalid(p.child('operator'), value, msgs.join(';')));
        break;
      }
      case 'Exists':
        if (value) errs.push(fieldErrors.invalid(p.child('operator'), value, "value must be empty when `operator` is 'Exists'"));
        break;
      default:
        errs.push(fieldErrors.notSupported(p.child('operator'), op, ['Equal', 'Exists']));
    }
    if (effect && !['NoSchedule', 'PreferNoSchedule', 'NoExecute'].includes(effect)) {
      errs.push(fieldErrors.notSupported(p.child('effect'), effect, ['NoSchedule', 'PreferNoSchedule', 'NoExecute']));
    }
  });
  return errs;
}

function validateTopologySpreadConstraints(constraints: unknown, path: FieldPath, opts: PodValidationOptions): FieldError[] {
  const errs: FieldError[] = [];
  const list = asArr(constraints).map((c) => asObj(c) ?? {});
  list.forEach((c, i) => {
    const p = path.index(i);
    const maxSkew = asNum(c.maxSkew) ?? 0;
    if (maxSkew <= 0) errs.push(fieldErrors.invalid(p.child('maxSkew'), maxSkew, IS_NOT_POSITIVE_ERROR_MSG));
    const key = asStr(c.topologyKey);
    if (!key) errs.push(fieldErrors.required(p.child('topologyKey'), 'can not be empty'));
    const action = asStr(c.whenUnsatisfiable);
    if (action !== 'DoNotSchedule' && action !== 'ScheduleAnyway') {
      errs.push(fieldErrors.notSupported(p.child('whenUnsatisfiable'), action, ['DoNotSchedule', 'ScheduleAnyway']));
    }
    if (list.slice(i + 1).some((o) => asStr(o.topologyKey) === key && asStr(o.whenUnsatisfiable) === action)) {
      errs.push(fieldErrors.duplicate(p.child('{topologyKey, whenUnsatisfiable}'), `{${key}, ${action}}`));
    }
    if (c.minDomains != null) {
      const md = asNum(c.minDomains) ?? 0;
      if (md <= 0) errs.push(fieldErrors.invalid(p.child('minDomains'), md, IS_NOT_POSITIVE_ERROR_MSG));
      if (action !== 'DoNotSchedule') errs.push(fieldErrors.invalid(p.child('minDomains'), md, `can only use minDomains if whenUnsatisfiable=DoNotSchedule, not ${action}`));
    }
    for (const f of ['nodeAffinityPolicy', 'nodeTaintsPolicy']) {
      if (c[f] == null) continue;
      const v = asStr(c[f]);
      if (v !== 'Honor' && v !== 'Ignore') errs.push(fieldErrors.notSupported(p.child(f), v, ['Honor', 'Ignore']));
    }
    const matchKeys = asArr(c.matchLabelKeys).map(String);
    if (matchKeys.length) {
      const selector = asObj(c.labelSelector);
      const selectorKeys = new Set<string>();
      if (selector) {
        for (const k of Object.keys(asObj(selector.matchLabels) ?? {})) selectorKeys.add(k);
        for (const e of asArr(selector.matchExpressions)) selectorKeys.add(asStr(asObj(e)?.key));
      } else {
        errs.push(fieldErrors.forbidden(p.child('matchLabelKeys'), 'must not be specified when labelSelector is not set'));
      }
      matchKeys.forEach((k, j) => {
        errs.push(...validateLabelName(k, p.child('matchLabelKeys').index(j)));
        if (selectorKeys.has(k)) errs.push(fieldErrors.invalid(p.child('matchLabelKeys').index(j), k, 'exists in both matchLabelKeys and labelSelector'));
      });
    }
    if (!opts.allowInvalidTopologySpreadConstraintLabelSelector) {
      errs.push(...validateLabelSelector(c.labelSelector as LabelSelector | undefined, {}, p.child('labelSelector')));
    }
  });
  return errs;
}

function validateDNSConfig(dnsConfig: unknown, dnsPolicy: string, path: FieldPath): FieldError[] {
  const c = asObj(dnsConfig);
  if (dnsPolicy === 'None') {
    if (!c) return [fieldErrors.required(path, 'must provide `dnsConfig` when `dnsPolicy` is None')];
    if (asArr(c.nameservers).length === 0) return [fieldErrors.required(path.child('nameservers'), 'must provide at least one DNS nameserver when `dnsPolicy` is None')];
  }
  if (!c) return [];
  const errs: FieldError[] = [];
  const nameservers = asArr(c.nameservers).map(String);
  if (nameservers.length > 3) errs.push(fieldErrors.invalid(path.child('nameservers'), rendered(goStringSlice(nameservers)), 'must not have more than 3 nameservers'));
  nameservers.forEach((ns, i) => errs.push(...validIP(ns, path.child('nameservers').index(i))));
  const searches = asArr(c.searches).map(String);
  if (searches.length > 32) errs.push(fieldErrors.invalid(path.child('searches'), rendered(goStringSlice(searches)), 'must not have more than 32 search paths'));
  if (searches.join(' ').length > 2048) {
    errs.push(fieldErrors.invalid(path.child('searches'), rendered(goStringSlice(searches)), 'must not have more than 2048 characters (including spaces) in the search list'));
  }
  searches.forEach((s, i) => errs.push(...dns1123Subdomain(s.endsWith('.') ? s.slice(0, -1) : s, path.child('searches').index(i))));
  asArr(c.options).forEach((o, i) => {
    if (!asStr(asObj(o)?.name)) errs.push(fieldErrors.required(path.child('options').index(i), 'must not be empty'));
  });
  return errs;
}

/** Calls `fn` for every init, regular and ephemeral container with its path (upstream's VisitContainersWithPath). */
export function visitContainers(spec: Json, path: FieldPath, fn: (c: Json, p: FieldPath) => void): void {
  for (const kind of ['initContainers', 'containers', 'ephemeralContainers']) {
    asArr(spec[kind]).forEach((c, i) => {
      if (isObject(c)) fn(c, path.child(kind).index(i));
    });
  }
}

function validateWindowsHostProcessPod(spec: Json, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  const podHP = asObj(asObj(spec.securityContext)?.windowsOptions)?.hostProcess;
  let count = 0;
  let hpCount = 0;
  visitContainers(spec, path, (c, p) => {
    count++;
    const cHP = asObj(asObj(c.securityContext)?.windowsOptions)?.hostProcess;
    if (typeof podHP === 'boolean' && typeof cHP === 'boolean' && podHP !== cHP) {
      errs.push(fieldErrors.invalid(p.child('securityContext', 'windowsOptions', 'hostProcess'), cHP, `pod hostProcess value must be identical if both are specified, was ${podHP}`));
    }
    if (cHP === true || (cHP == null && podHP === true)) hpCount++;
  });
  if (hpCount > 0) {
    if (hpCount !== count) errs.push(fieldErrors.invalid(path, '', 'If pod contains any hostProcess containers then all containers must be HostProcess containers'));
    if (spec.hostNetwork !== true) errs.push(fieldErrors.invalid(path.child('hostNetwork'), false, 'hostNetwork must be true if pod contains any hostProcess containers'));
  }
  return errs;
}

function validateOSFields(spec: Json, path: FieldPath): FieldError[] {
  const os = asObj(spec.os);
  if (!os) return [];
  const name = asStr(os.name);
  if (!name) return [fieldErrors.required(path.child('os').child('name'), 'cannot be empty')];
  if (name !== 'linux' && name !== 'windows') return [fieldErrors.notSupported(path.child('os'), name, ['linux', 'windows'])];
  const errs: FieldError[] = [];
  const sc = asObj(spec.securityContext);
  const forbidWin = (p: FieldPath) => errs.push(fieldErrors.forbidden(p, 'cannot be set for a windows pod'));
  if (name === 'linux') {
    if (sc?.windowsOptions != null) errs.push(fieldErrors.forbidden(path.child('securityContext').child('windowsOptions'), 'windows options cannot be set for a linux pod'));
    visitContainers(spec, path, (c, p) => {
      if (asObj(c.securityContext)?.windowsOptions != null) {
        errs.push(fieldErrors.forbidden(p.child('securityContext').child('windowsOptions'), 'windows options cannot be set for a linux pod'));
      }
    });
    return errs;
  }
  if (sc) {
    const scp = path.child('securityContext');
    if (sc.appArmorProfile != null) forbidWin(scp.child('appArmorProfile'));
    if (sc.seLinuxOptions != null) forbidWin(scp.child('seLinuxOptions'));
    if (spec.hostUsers != null) forbidWin(path.child('hostUsers'));
    if (spec.hostPID === true) forbidWin(path.child('hostPID'));
    if (spec.hostIPC === true) forbidWin(path.child('hostIPC'));
    if (sc.seccompProfile != null) forbidWin(scp.child('seccompProfile'));
    if (sc.fsGroup != null) forbidWin(scp.child('fsGroup'));
    if (sc.fsGroupChangePolicy != null) forbidWin(scp.child('fsGroupChangePolicy'));
    if (asArr(sc.sysctls).length > 0) forbidWin(scp.child('sysctls'));
    if (spec.shareProcessNamespace != null) forbidWin(path.child('shareProcessNamespace'));
    if (sc.runAsUser != null) forbidWin(scp.child('runAsUser'));
    if (sc.runAsGroup != null) forbidWin(scp.child('runAsGroup'));
    if (sc.supplementalGroups != null) forbidWin(scp.child('supplementalGroups'));
  }
  visitContainers(spec, path, (c, p) => {
    const csc = asObj(c.securityContext);
    if (!csc) return;
    const cp = p.child('securityContext');
    for (const f of ['appArmorProfile', 'seLinuxOptions', 'seccompProfile', 'capabilities', 'readOnlyRootFilesystem', 'privileged', 'allowPrivilegeEscalation', 'procMount', 'runAsUser', 'runAsGroup']) {
      if (csc[f] != null) forbidWin(cp.child(f));
    }
  });
  return errs;
}

/**
 * Validates a PodSpec (upstream's ValidatePodSpec). `podMeta` is the pod's metadata for
 * pods (it enables the ephemeral volume name checks) and undefined for templates.
 */
export function validatePodSpec(specRaw: unknown, podMeta: ObjectMeta | undefined, path: FieldPath, opts: PodValidationOptions): FieldError[] {
  const spec = asObj(specRaw) ?? {};
  const errs: FieldError[] = [];
  const grace = asNum(spec.terminationGracePeriodSeconds);
  if (spec.terminationGracePeriodSeconds == null) errs.push(fieldErrors.required(path.child('terminationGracePeriodSeconds'), ''));
  const hostUsers = spec.hostUsers !== false;
  const vols = validateVolumes(spec.volumes, podMeta, path.child('volumes'));
  errs.push(...vols.errors);
  errs.push(...validateContainers(spec.containers, vols.volumes, grace, path.child('containers'), opts, hostUsers));
  errs.push(...validateInitContainers(spec.initContainers, spec.containers, vols.volumes, grace, path.child('initContainers'), opts, hostUsers));
  if (asArr(spec.ephemeralContainers).length) errs.push(...validateEphemeralContainers(spec, vols.volumes, path.child('ephemeralContainers'), opts, hostUsers));
  if (spec.hostNetwork === true) {
    asArr(spec.containers).forEach((c, i) => {
      asArr(asObj(c)?.ports).forEach((rp, j) => {
        const port = asObj(rp) ?? {};
        const hp = asNum(port.hostPort) ?? 0;
        const cp = asNum(port.containerPort) ?? 0;
        if ((opts.resourceIsPod || hp !== 0) && hp !== cp) {
          errs.push(fieldErrors.invalid(path.child('containers').index(i).child('ports').index(j).child('hostPort'), hp, 'must match `containerPort` when `hostNetwork` is true'));
        }
      });
    });
  }
  const restartPolicy = asStr(spec.restartPolicy);
  if (!restartPolicy) errs.push(fieldErrors.required(path.child('restartPolicy'), ''));
  else if (!['Always', 'OnFailure', 'Never'].includes(restartPolicy)) {
    errs.push(fieldErrors.notSupported(path.child('restartPolicy'), restartPolicy, ['Always', 'OnFailure', 'Never']));
  }
  const dnsPolicy = asStr(spec.dnsPolicy);
  if (!dnsPolicy) errs.push(fieldErrors.required(path.child('dnsPolicy'), ''));
  else if (!['ClusterFirstWithHostNet', 'ClusterFirst', 'Default', 'None'].includes(dnsPolicy)) {
    errs.push(fieldErrors.notSupported(path.child('dnsPolicy'), dnsPolicy, ['ClusterFirstWithHostNet', 'ClusterFirst', 'Default', 'None']));
  }
  errs.push(...validateLabels(asObj(spec.nodeSelector) as Record<string, string>, path.child('nodeSelector')));
  errs.push(...validatePodSecurityContext(spec.securityContext, spec, path.child('securityContext'), opts));
  errs.push(...validateAffinity(spec.affinity, opts, path.child('affinity')));
  errs.push(...validateDNSConfig(spec.dnsConfig, dnsPolicy, path.child('dnsConfig')));
  asArr(spec.readinessGates).forEach((g, i) => errs.push(...qualifiedName(asStr(asObj(g)?.conditionType), path.child('readinessGates').index(i).child('conditionType'))));
  const gates = new Set<string>();
  asArr(spec.schedulingGates).forEach((g, i) => {
    const name = asStr(asObj(g)?.name);
    errs.push(...qualifiedName(name, path.child('schedulingGates').index(i)));
    if (gates.has(name)) errs.push(fieldErrors.duplicate(path.child('schedulingGates').index(i), name));
    gates.add(name);
  });
  errs.push(...validateTopologySpreadConstraints(spec.topologySpreadConstraints, path.child('topologySpreadConstraints'), opts));
  errs.push(...validateWindowsHostProcessPod(spec, path));
  if (spec.hostUsers === false) {
    if (spec.hostNetwork === true) errs.push(fieldErrors.forbidden(path.child('hostNetwork'), 'when `pod.Spec.HostUsers` is false'));
    if (spec.hostPID === true) errs.push(fieldErrors.forbidden(path.child('HostPID'), 'when `pod.Spec.HostUsers` is false'));
    if (spec.hostIPC === true) errs.push(fieldErrors.forbidden(path.child('HostIPC'), 'when `pod.Spec.HostUsers` is false'));
  }
  const sa = asStr(spec.serviceAccountName);
  if (sa) errs.push(...subdomainName(sa, path.child('serviceAccountName')));
  const nodeName = asStr(spec.nodeName);
  if (nodeName) errs.push(...subdomainName(nodeName, path.child('nodeName')));
  if (spec.activeDeadlineSeconds != null) {
    const v = asNum(spec.activeDeadlineSeconds) ?? 0;
    if (v < 1 || v > MAX_INT32) errs.push(fieldErrors.invalid(path.child('activeDeadlineSeconds'), v, inclusiveRangeError(1, MAX_INT32)));
  }
  if (asStr(spec.hostname)) errs.push(...dns1123Label(asStr(spec.hostname), path.child('hostname')));
  if (asStr(spec.subdomain)) errs.push(...dns1123Label(asStr(spec.subdomain), path.child('subdomain')));
  errs.push(...validateTolerations(spec.tolerations, path.child('tolerations')));
  asArr(spec.hostAliases).forEach((h, i) => {
    const alias = asObj(h) ?? {};
    const p = path.child('hostAliases').index(i);
    errs.push(...validIP(asStr(alias.ip), p.child('ip')));
    asArr(alias.hostnames).forEach((n, j) => errs.push(...dns1123Subdomain(String(n), p.child('hostnames').index(j))));
  });
  if (asStr(spec.priorityClassName)) errs.push(...subdomainName(asStr(spec.priorityClassName), path.child('priorityClassName')));
  if (spec.runtimeClassName != null) errs.push(...subdomainName(asStr(spec.runtimeClassName), path.child('runtimeClassName')));
  if (spec.preemptionPolicy != null) {
    const pp = asStr(spec.preemptionPolicy);
    if (!pp) errs.push(fieldErrors.required(path.child('preemptionPolicy'), ''));
    else if (pp !== 'PreemptLowerPriority' && pp !== 'Never') errs.push(fieldErrors.notSupported(path.child('preemptionPolicy'), pp, ['PreemptLowerPriority', 'Never']));
  }
  if (spec.overhead != null) errs.push(...validateResourceRequirements({ limits: spec.overhead }, path.child('overhead'), opts));
  errs.push(...validateOSFields(spec, path));
  return errs;
}

// ---------------------------------------------------------------------------------------
// Annotations with pod semantics

function validateSeccompProfileAnnotation(value: string, path: FieldPath): FieldError[] {
  if (value === 'runtime/default' || value === 'docker/default' || value === 'unconfined') return [];
  if (value.startsWith('localhost/')) return validateLocalDescendingPath(value.slice('localhost/'.length), path);
  return [fieldErrors.invalid(path, value, 'must be a valid seccomp profile')];
}

function podSpecHasContainer(spec: Json, name: string): boolean {
  let found = false;
  visitContainers(spec, FIELD_ROOT, (c) => {
    if (asStr(c.name) === name) found = true;
  });
  return found;
}

/** As upstream's ValidatePodSpecificAnnotations (mirror pods, deletion cost, seccomp, AppArmor). */
export function validatePodSpecificAnnotations(annotations: Record<string, string> | undefined, spec: Json, path: FieldPath, opts: PodValidationOptions): FieldError[] {
  const a = annotations ?? {};
  const errs: FieldError[] = [];
  if (MIRROR_POD_ANNOTATION in a && !asStr(spec.nodeName)) {
    errs.push(fieldErrors.invalid(path.key(MIRROR_POD_ANNOTATION), a[MIRROR_POD_ANNOTATION], 'must set spec.nodeName if mirror pod annotation is set'));
  }
  if (!opts.allowInvalidPodDeletionCost && POD_DELETION_COST in a && !isInt32String(a[POD_DELETION_COST]!)) {
    errs.push(fieldErrors.invalid(path.key(POD_DELETION_COST), a[POD_DELETION_COST], 'must be a 32bit integer'));
  }
  if (SECCOMP_POD_ANNOTATION in a) errs.push(...validateSeccompProfileAnnotation(a[SECCOMP_POD_ANNOTATION]!, path.child(SECCOMP_POD_ANNOTATION)));
  for (const [k, v] of Object.entries(a)) {
    if (k.startsWith(SECCOMP_CONTAINER_ANNOTATION_PREFIX)) errs.push(...validateSeccompProfileAnnotation(v, path.child(k)));
  }
  for (const [k, v] of Object.entries(a)) {
    if (!k.startsWith(APPARMOR_ANNOTATION_PREFIX)) continue;
    const container = k.slice(APPARMOR_ANNOTATION_PREFIX.length);
    if (!podSpecHasContainer(spec, container)) errs.push(fieldErrors.invalid(path.key(k), container, 'container not found'));
    if (v !== '' && v !== 'runtime/default' && v !== 'unconfined' && !v.startsWith('localhost/')) {
      errs.push(fieldErrors.invalid(path.key(k), v, `invalid AppArmor profile name: ${goQuote(v)}`));
    }
  }
  return errs;
}

function seccompAnnotationMatches(annotation: string, field: Json, path: FieldPath): FieldError | undefined {
  const type = asStr(field.type);
  if (type === 'Unconfined' && annotation !== 'unconfined') return fieldErrors.forbidden(path.child('type'), 'seccomp type in annotation and field must match');
  if (type === 'RuntimeDefault' && annotation !== 'runtime/default' && annotation !== 'docker/default') {
    return fieldErrors.forbidden(path.child('type'), 'seccomp type in annotation and field must match');
  }
  if (type === 'Localhost') {
    if (!annotation.startsWith('localhost/')) return fieldErrors.forbidden(path.child('type'), 'seccomp type in annotation and field must match');
    if (field.localhostProfile == null || annotation.slice('localhost/'.length) !== asStr(field.localhostProfile)) {
      return fieldErrors.forbidden(path.child('localhostProfile'), 'seccomp profile in annotation and field must match');
    }
  }
  return undefined;
}

/** Seccomp and AppArmor annotations must agree with the fields where both are given. */
export function validateAnnotationsMatchFields(annotations: Record<string, string> | undefined, spec: Json, specPath: FieldPath): FieldError[] {
  const a = annotations ?? {};
  const errs: FieldError[] = [];
  const podSeccomp = asObj(asObj(spec.securityContext)?.seccompProfile);
  if (podSeccomp && SECCOMP_POD_ANNOTATION in a) {
    const e = seccompAnnotationMatches(a[SECCOMP_POD_ANNOTATION]!, podSeccomp, specPath.child('securityContext').child('seccompProfile'));
    if (e) errs.push(e);
  }
  visitContainers(spec, specPath, (c, p) => {
    const field = asObj(asObj(c.securityContext)?.seccompProfile);
    const key = SECCOMP_CONTAINER_ANNOTATION_PREFIX + asStr(c.name);
    if (field && key in a) {
      const e = seccompAnnotationMatches(a[key]!, field, p.child('securityContext').child('seccompProfile'));
      if (e) errs.push(e);
    }
  });
  if (asStr(asObj(spec.os)?.name) === 'windows') return errs;
  const podProfile = asObj(asObj(spec.securityContext)?.appArmorProfile);
  visitContainers(spec, specPath, (c, p) => {
    const profile = asObj(asObj(c.securityContext)?.appArmorProfile) ?? podProfile;
    const key = APPARMOR_ANNOTATION_PREFIX + asStr(c.name);
    if (!profile || !(key in a)) return;
    const annotation = a[key]!;
    const ap = p.child('securityContext').child('appArmorProfile');
    const type = asStr(profile.type);
    const mismatch = () => errs.push(fieldErrors.forbidden(ap.child('type'), 'apparmor type in annotation and field must match'));
    if (type === 'Unconfined' && annotation !== 'unconfined') mismatch();
    else if (type === 'RuntimeDefault' && annotation !== 'runtime/default') mismatch();
    else if (type === 'Localhost') {
      if (!annotation.startsWith('localhost/')) mismatch();
      else if (profile.localhostProfile == null || annotation.slice('localhost/'.length) !== asStr(profile.localhostProfile)) {
        errs.push(fieldErrors.forbidden(ap.child('localhostProfile'), 'apparmor profile in annotation and field must match'));
      }
    }
  });
  return errs;
}

/**
 * Validates a PodTemplateSpec (upstream's ValidatePodTemplateSpec): its labels and
 * annotations (reported at `<path>.labels` / `<path>.annotations`, as upstream), pod
 * annotations, the spec, annotation/field consistency; no ephemeral containers. Whether
 * the labels match the owner's selector is the owner's check.
 */
export function validatePodTemplateSpec(templateRaw: unknown, path: FieldPath, opts: PodValidationOptions): FieldError[] {
  const template = asObj(templateRaw) ?? {};
  const meta = asObj(template.metadata) ?? {};
  const spec = asObj(template.spec) ?? {};
  const labels = asObj(meta.labels) as Record<string, string> | undefined;
  const annotations = asObj(meta.annotations) as Record<string, string> | undefined;
  const errs = [
    ...validateLabels(labels, path.child('labels')),
    ...validateAnnotations(annotations, path.child('annotations')),
    ...validatePodSpecificAnnotations(annotations, spec, path.child('annotations'), opts),
    ...validatePodSpec(spec, undefined, path.child('spec'), opts),
    ...validateAnnotationsMatchFields(annotations, spec, path.child('spec')),
  ];
  if (asArr(spec.ephemeralContainers).length > 0) {
    errs.push(fieldErrors.forbidden(path.child('spec', 'ephemeralContainers'), 'ephemeral containers not allowed in pod template'));
  }
  return errs;
}
