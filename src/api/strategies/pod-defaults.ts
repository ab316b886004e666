/**
 * Defaulting of pods and pod templates as kube-apiserver 1.32 does it when it decodes a
 * core/v1 object (the SetDefaults_* functions and the declarative `+default` markers of
 * pkg/apis/core/v1), plus the empty values Go's decode/encode round trip materializes
 * (`resources: {}` on containers, `creationTimestamp: null` in embedded metadata,
 * `divisor: "0"` on resource field selectors), so that a stored object reads back as
 * upstream serves it. Every function is idempotent and mutates its argument in place.
 */
import { Quantity } from '../../apimachinery/quantity.js';
import { isObject } from '../../apimachinery/types.js';
import { defaultPullPolicy } from './image-reference.js';
import { asArr, asObj, objAt, setIfAbsent, setIfZero, type Json } from './pod-json.js';

/** Volume source fields of core/v1 Volume (a volume with none of them becomes an emptyDir). */
export const VOLUME_SOURCE_FIELDS = [
  'hostPath',
  'emptyDir',
  'gcePersistentDisk',
  'awsElasticBlockStore',
  'gitRepo',
  'secret',
  'nfs',
  'iscsi',
  'glusterfs',
  'persistentVolumeClaim',
  'rbd',
  'flexVolume',
  'cinder',
  'cephfs',
  'flocker',
  'downwardAPI',
  'fc',
  'azureFile',
  'configMap',
  'vsphereVolume',
  'quobyte',
  'azureDisk',
  'photonPersistentDisk',
  'projected',
  'portworxVolume',
  'scaleIO',
  'storageos',
  'csi',
  'ephemeral',
  'image',
] as const;

/** Quantities rounded up to milli precision, as SetDefaults_ResourceList. */
export function defaultResourceList(list: unknown): void {
  if (!isObject(list)) return;
  for (const [k, v] of Object.entries(list)) {
    try {
      list[k] = Quantity.fromJSON(v).roundUp(-3).quantity.toString();
    } catch {
      // left for validation (typed decoding has normally rejected it already)
    }
  }
}

/** ResourceRequirements: both lists rounded up. */
function defaultResourceRequirements(r: unknown): void {
  if (!isObject(r)) return;
  defaultResourceList(r.limits);
  defaultResourceList(r.requests);
}

function defaultFieldRef(holder: Json | undefined): void {
  const ref = asObj(holder?.fieldRef);
  if (ref) setIfZero(ref, 'apiVersion', 'v1');
}

function defaultResourceFieldRef(holder: Json | undefined): void {
  const ref = asObj(holder?.resourceFieldRef);
  // a zero resource.Quantity struct is always serialized, as "0"
  if (ref) setIfAbsent(ref, 'divisor', '0');
}

function defaultHTTPGet(handler: Json | undefined): void {
  const get = asObj(handler?.httpGet);
  if (!get) return;
  setIfZero(get, 'path', '/');
  setIfZero(get, 'scheme', 'HTTP');
}

function defaultProbe(probe: unknown): void {
  if (!isObject(probe)) return;
  setIfZero(probe, 'timeoutSeconds', 1);
  setIfZero(probe, 'periodSeconds', 10);
  setIfZero(probe, 'successThreshold', 1);
  setIfZero(probe, 'failureThreshold', 3);
  defaultHTTPGet(probe);
  const grpc = asObj(probe.grpc);
  if (grpc) setIfAbsent(grpc, 'service', '');
}

/**
 * A container (also init and ephemeral ones): image pull policy from the image's tag,
 * termination message path and policy, port protocols, env fieldRef apiVersions,
 * resource rounding, probe and lifecycle handler defaults.
 */
export function defaultContainer(c: unknown): void {
  if (!isObject(c)) return;
  setIfZero(c, 'imagePullPolicy', defaultPullPolicy(c.image));
  setIfZero(c, 'terminationMessagePath', '/dev/termination-log');
  setIfZero(c, 'terminationMessagePolicy', 'File');
  for (const p of asArr(c.ports)) if (isObject(p)) setIfZero(p, 'protocol', 'TCP');
  for (const e of asArr(c.env)) {
    if (!isObject(e)) continue;
    const from = asObj(e.valueFrom);
    defaultFieldRef(from);
    defaultResourceFieldRef(from);
  }
  if (!isObject(c.resources)) c.resources = {};
  defaultResourceRequirements(c.resources);
  defaultProbe(c.livenessProbe);
  defaultProbe(c.readinessProbe);
  defaultProbe(c.startupProbe);
  const lifecycle = asObj(c.lifecycle);
  if (lifecycle) {
    defaultHTTPGet(asObj(lifecycle.postStart));
    defaultHTTPGet(asObj(lifecycle.preStop));
  }
}

/** A PersistentVolumeClaimSpec: volumeMode Filesystem, requests and limits rounded up. */
export function defaultPersistentVolumeClaimSpec(spec: unknown): void {
  if (!isObject(spec)) return;
  setIfAbsent(spec, 'volumeMode', 'Filesystem');
  if (!isObject(spec.resources)) spec.resources = {};
  defaultResourceRequirements(spec.resources);
}

/** Embedded ObjectMeta: Go always serializes its zero creationTimestamp, as null. */
export function defaultEmbeddedMeta(holder: Json): void {
  const meta = objAt(holder, 'metadata');
  if (!('creationTimestamp' in meta)) meta.creationTimestamp = null;
}

/** A volume: emptyDir when no source is given, then the source's own defaults. */
export function defaultVolume(v: unknown): void {
  if (!isObject(v)) return;
  if (!VOLUME_SOURCE_FIELDS.some((f) => v[f] !== undefined && v[f] !== null)) v.emptyDir = {};
  const hostPath = asObj(v.hostPath);
  if (hostPath) setIfAbsent(hostPath, 'type', '');
  const secret = asObj(v.secret);
  if (secret) setIfAbsent(secret, 'defaultMode', 420);
  const configMap = asObj(v.configMap);
  if (configMap) setIfAbsent(configMap, 'defaultMode', 420);
  const downward = asObj(v.downwardAPI);
  if (downward) {
    setIfAbsent(downward, 'defaultMode', 420);
    for (const item of asArr(downward.items)) {
      if (!isObject(item)) continue;
      defaultFieldRef(item);
      defaultResourceFieldRef(item);
    }
  }
  const projected = asObj(v.projected);
  if (projected) {
    setIfAbsent(projected, 'defaultMode', 420);
    for (const src of asArr(projected.sources)) {
      if (!isObject(src)) continue;
      for (const item of asArr(asObj(src.downwardAPI)?.items)) {
        if (!isObject(item)) continue;
        defaultFieldRef(item);
        defaultResourceFieldRef(item);
      }
      const token = asObj(src.serviceAccountToken);
      if (token) setIfAbsent(token, 'expirationSeconds', 3600);
    }
  }
  const iscsi = asObj(v.iscsi);
  if (iscsi) setIfZero(iscsi, 'iscsiInterface', 'default');
  const rbd = asObj(v.rbd);
  if (rbd) {
    setIfZero(rbd, 'pool', 'rbd');
    setIfZero(rbd, 'user', 'admin');
    setIfZero(rbd, 'keyring', '/etc/ceph/keyring');
  }
  const azureDisk = asObj(v.azureDisk);
  if (azureDisk) {
    setIfAbsent(azureDisk, 'cachingMode', 'ReadWrite');
    setIfAbsent(azureDisk, 'fsType', 'ext4');
    setIfAbsent(azureDisk, 'readOnly', false);
    setIfAbsent(azureDisk, 'kind', 'Shared');
  }
  const scaleIO = asObj(v.scaleIO);
  if (scaleIO) {
    setIfZero(scaleIO, 'storageMode', 'ThinProvisioned');
    setIfZero(scaleIO, 'fsType', 'xfs');
  }
  const claimTemplate = asObj(asObj(v.ephemeral)?.volumeClaimTemplate);
  if (claimTemplate) {
    defaultEmbeddedMeta(claimTemplate);
    defaultPersistentVolumeClaimSpec(objAt(claimTemplate, 'spec'));
  }
}

/**
 * Removes fields of features that are off by default in 1.32 (as DropDisabledPodFields),
 * unless the old object already used them: pod-level resources, in-place resize policies,
 * user namespaces, supplemental groups policy, SELinux change policy, image volumes,
 * dynamic resource claims.
 */
export function dropDisabledPodSpecFields(spec: Json, old?: Json): void {
  const oldSpec = old ?? {};
  const used = (f: (s: Json) => boolean) => f(oldSpec);
  const containers = (s: Json) => [...asArr(s.containers), ...asArr(s.initContainers)].filter(isObject);
  if (!used((s) => s.resources != null)) delete spec.resources;
  if (!used((s) => containers(s).some((c) => c.resizePolicy != null))) {
    for (const c of containers(spec)) delete c.resizePolicy;
  }
  const sc = asObj(spec.securityContext);
  const oldSc = asObj(oldSpec.securityContext);
  if (spec.hostUsers !== undefined && oldSpec.hostUsers === undefined) delete spec.hostUsers;
  if (sc && oldSc?.supplementalGroupsPolicy == null) delete sc.supplementalGroupsPolicy;
  if (sc && oldSc?.seLinuxChangePolicy == null) delete sc.seLinuxChangePolicy;
  if (!used((s) => asArr(s.volumes).some((v) => isObject(v) && v.image != null)) && Array.isArray(spec.volumes)) {
    spec.volumes = spec.volumes.filter((v) => !(isObject(v) && v.image != null));
  }
  if (!used((s) => s.resourceClaims != null)) delete spec.resourceClaims;
  if (!used((s) => containers(s).some((c) => asObj(c.resources)?.claims != null))) {
    for (const c of [...containers(spec), ...asArr(spec.ephemeralContainers).filter(isObject)]) {
      const r = asObj(c.resources);
      if (r) delete r.claims;
    }
  }
}

/**
 * A PodSpec as it appears in pods and in every template (SetDefaults_PodSpec and the nested
 * defaults): dnsPolicy ClusterFirst, restartPolicy Always, securityContext {},
 * terminationGracePeriodSeconds 30, schedulerName default-scheduler, then volumes and
 * containers of all kinds.
 */
export function defaultPodSpec(spec: unknown): void {
  if (!isObject(spec)) return;
  // as the core/v1 conversion: serviceAccount is a deprecated alias of serviceAccountName
  // (the latter wins), and is always served equal to it
  if (!spec.serviceAccountName && typeof spec.serviceAccount === 'string' && spec.serviceAccount) spec.serviceAccountName = spec.serviceAccount;
  if (typeof spec.serviceAccountName === 'string' && spec.serviceAccountName) spec.serviceAccount = spec.serviceAccountName;
  else delete spec.serviceAccount;
  setIfZero(spec, 'dnsPolicy', 'ClusterFirst');
  setIfZero(spec, 'restartPolicy', 'Always');
  setIfAbsent(spec, 'securityContext', {});
  setIfAbsent(spec, 'terminationGracePeriodSeconds', 30);
  setIfZero(spec, 'schedulerName', 'default-scheduler');
  for (const v of asArr(spec.volumes)) defaultVolume(v);
  for (const c of asArr(spec.initContainers)) defaultContainer(c);
  for (const c of asArr(spec.containers)) defaultContainer(c);
  for (const c of asArr(spec.ephemeralContainers)) defaultContainer(c);
  defaultResourceList(spec.overhead);
}

/** A PodTemplateSpec (in pod templates and workloads): embedded metadata, then the spec. */
export function defaultPodTemplateSpec(template: unknown): void {
  if (!isObject(template)) return;
  defaultEmbeddedMeta(template);
  defaultPodSpec(objAt(template, 'spec'));
}

function copyLimitsToRequests(c: unknown): void {
  if (!isObject(c)) return;
  const r = asObj(c.resources);
  const limits = asObj(r?.limits);
  if (!r || !limits) return;
  const requests = objAt(r, 'requests');
  for (const [k, v] of Object.entries(limits)) if (!(k in requests)) requests[k] = v;
}

/**
 * A Pod (SetDefaults_Pod, then the spec): requests default to limits, enableServiceLinks
 * true, and with hostNetwork every container port's hostPort defaults to its containerPort.
 * Unlike templates, only pods get these.
 */
export function defaultPod(pod: Json): void {
  const spec = objAt(pod, 'spec');
  for (const c of asArr(spec.containers)) copyLimitsToRequests(c);
  for (const c of asArr(spec.initContainers)) copyLimitsToRequests(c);
  setIfAbsent(spec, 'enableServiceLinks', true);
  if (spec.hostNetwork === true) {
    for (const c of [...asArr(spec.containers), ...asArr(spec.initContainers)]) {
      for (const p of asArr(asObj(c)?.ports)) if (isObject(p)) setIfZero(p, 'hostPort', p.containerPort);
    }
  }
  defaultPodSpec(spec);
}
