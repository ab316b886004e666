/**
 * The warnings kube-apiserver 1.32 returns for pods and pod templates (upstream's
 * GetWarningsForPod / GetWarningsForPodTemplate): deprecated node labels and annotations,
 * deprecated volume plugins, duplicate entries and fractional byte quantities. Returned as
 * HTTP Warning headers; they never fail a request.
 */
import { FieldPath } from '../../apimachinery/field-path.js';
import { goQuote } from '../../apimachinery/go-format.js';
import { Quantity } from '../../apimachinery/quantity.js';
import { isObject, type ObjectMeta } from '../../apimachinery/types.js';
import { asArr, asNum, asObj, asStr, type Json } from './pod-json.js';
import { APPARMOR_ANNOTATION_PREFIX, visitContainers } from './pod-spec.js';

const DEPRECATED_NODE_LABELS: Record<string, string> = {
  'beta.kubernetes.io/arch': 'deprecated since v1.14; use "kubernetes.io/arch" instead',
  'beta.kubernetes.io/os': 'deprecated since v1.14; use "kubernetes.io/os" instead',
  'failure-domain.beta.kubernetes.io/region': 'deprecated since v1.17; use "topology.kubernetes.io/region" instead',
  'failure-domain.beta.kubernetes.io/zone': 'deprecated since v1.17; use "topology.kubernetes.io/zone" instead',
  'beta.kubernetes.io/instance-type': 'deprecated since v1.17; use "node.kubernetes.io/instance-type" instead',
};

const DEPRECATED_ANNOTATIONS: [string, string][] = [
  ['scheduler.alpha.kubernetes.io/critical-pod', 'non-functional in v1.16+; use the "priorityClassName" field instead'],
  ['security.alpha.kubernetes.io/sysctls', 'non-functional in v1.11+; use the "sysctls" field instead'],
  ['security.alpha.kubernetes.io/unsafe-sysctls', 'non-functional in v1.11+; use the "sysctls" field instead'],
];

const DEPRECATED_VOLUMES: [string, string, string][] = [
  ['photonPersistentDisk', 'photonPersistentDisk', 'deprecated in v1.11, non-functional in v1.16+'],
  ['gitRepo', 'gitRepo', 'deprecated in v1.11'],
  ['scaleIO', 'scaleIO', 'deprecated in v1.16, non-functional in v1.22+'],
  ['flocker', 'flocker', 'deprecated in v1.22, non-functional in v1.25+'],
  ['storageos', 'storageOS', 'deprecated in v1.22, non-functional in v1.25+'],
  ['quobyte', 'quobyte', 'deprecated in v1.22, non-functional in v1.25+'],
  ['glusterfs', 'glusterfs', 'deprecated in v1.25, non-functional in v1.26+'],
  ['cephfs', 'cephfs', 'deprecated in v1.28, non-functional in v1.31+'],
  ['rbd', 'rbd', 'deprecated in v1.28, non-functional in v1.31+'],
];

function fractional(v: unknown): Quantity | undefined {
  try {
    const q = Quantity.fromJSON(v);
    return q.milliValue() % 1000 !== 0 ? q : undefined;
  } catch {
    return undefined;
  }
}

function nodeSelectorTermWarnings(term: Json, path: FieldPath): string[] {
  const out: string[] = [];
  asArr(term.matchExpressions).forEach((e, i) => {
    const key = asStr(asObj(e)?.key);
    const msg = DEPRECATED_NODE_LABELS[key];
    if (msg) out.push(`${path.child('matchExpressions').index(i).child('key')}: ${key} is ${msg}`);
  });
  return out;
}

/**
 * Warnings for a pod spec and its metadata. `base` is undefined for a Pod (paths start at
 * `spec`/`metadata`) and the template's path for templates (e.g. `spec.template`).
 */
export function podSpecWarnings(spec: Json, meta: ObjectMeta | undefined, base?: FieldPath): string[] {
  const at = (...names: string[]) => (base ? base.child(...names) : FieldPath.root().child(...names));
  const out: string[] = [];
  const annotations = meta?.annotations ?? {};
  for (const k of Object.keys(asObj(spec.nodeSelector) ?? {})) {
    const msg = DEPRECATED_NODE_LABELS[k];
    if (msg) out.push(`${at('spec', 'nodeSelector').key(k)}: ${msg}`);
  }
  const na = asObj(asObj(spec.affinity)?.nodeAffinity);
  if (na) {
    const required = asObj(na.requiredDuringSchedulingIgnoredDuringExecution);
    asArr(required?.nodeSelectorTerms).forEach((t, i) => {
      out.push(...nodeSelectorTermWarnings(asObj(t) ?? {}, at('spec', 'affinity', 'nodeAffinity', 'requiredDuringSchedulingIgnoredDuringExecution', 'nodeSelectorTerms').index(i)));
    });
    asArr(na.preferredDuringSchedulingIgnoredDuringExecution).forEach((t, i) => {
      const pref = asObj(asObj(t)?.preference) ?? {};
      out.push(...nodeSelectorTermWarnings(pref, at('spec', 'affinity', 'nodeAffinity', 'preferredDuringSchedulingIgnoredDuringExecution').index(i).child('preference')));
    });
  }
  asArr(spec.topologySpreadConstraints).forEach((c, i) => {
    const tsc = asObj(c) ?? {};
    const key = asStr(tsc.topologyKey);
    const p = at('spec', 'topologySpreadConstraints').index(i);
    if (DEPRECATED_NODE_LABELS[key]) out.push(`${p.child('topologyKey')}: ${key} is ${DEPRECATED_NODE_LABELS[key]}`);
    if (tsc.labelSelector == null) out.push(`${p.child('labelSelector')}: a null labelSelector results in matching no pod`);
  });
  for (const [key, msg] of DEPRECATED_ANNOTATIONS) {
    if (key in annotations) out.push(`${at('metadata', 'annotations').key(key)}: ${msg}`);
  }
  asArr(spec.volumes).forEach((v, i) => {
    const vol = asObj(v) ?? {};
    for (const [field, pathName, msg] of DEPRECATED_VOLUMES) {
      if (vol[field] != null) out.push(`${at('spec', 'volumes').index(i).child(pathName)}: ${msg}`);
    }
  });
  const hostAliases = asArr(spec.hostAliases);
  if (hostAliases.length > 1) {
    const seen = new Set<string>();
    hostAliases.forEach((h, i) => {
      const ip = asStr(asObj(h)?.ip);
      if (seen.has(ip)) out.push(`${at('spec', 'hostAliases').index(i).child('ip')}: duplicate ip ${goQuote(ip)}`);
      else seen.add(ip);
    });
  }
  const pullSecrets = asArr(spec.imagePullSecrets);
  if (pullSecrets.length > 1) {
    const seen = new Set<string>();
    pullSecrets.forEach((s, i) => {
      const name = asStr(asObj(s)?.name);
      if (seen.has(name)) out.push(`${at('spec', 'imagePullSecrets').index(i).child('name')}: duplicate name ${goQuote(name)}`);
      else seen.add(name);
    });
  }
  pullSecrets.forEach((s, i) => {
    const name = asStr(asObj(s)?.name);
    if (!name) out.push(`${at('spec', 'imagePullSecrets').index(i).child('name')}: invalid empty name ${goQuote(name)}`);
  });
  for (const r of ['memory', 'ephemeral-storage']) {
    const q = fractional(asObj(spec.overhead)?.[r]);
    if (q) out.push(`${at('spec', 'overhead').key(r)}: fractional byte value ${goQuote(q.toString())} is invalid, must be an integer`);
  }
  const sc = asObj(spec.securityContext);
  if (sc?.seccompProfile == null && 'seccomp.security.alpha.kubernetes.io/pod' in annotations) {
    out.push(`${at('metadata', 'annotations').key('seccomp.security.alpha.kubernetes.io/pod')}: non-functional in v1.27+; use the "seccompProfile" field instead`);
  }
  const podAppArmor = sc?.appArmorProfile != null;
  visitContainers(spec, at('spec'), (c, p) => {
    const csc = asObj(c.securityContext);
    const name = asStr(c.name);
    const seccompKey = `container.seccomp.security.alpha.kubernetes.io/${name}`;
    if (csc?.seccompProfile == null && seccompKey in annotations) {
      out.push(`${at('metadata', 'annotations').key(seccompKey)}: non-functional in v1.27+; use the "seccompProfile" field instead`);
    }
    const apparmorKey = APPARMOR_ANNOTATION_PREFIX + name;
    if (base && !podAppArmor && csc?.appArmorProfile == null && apparmorKey in annotations) {
      out.push(`${at('metadata', 'annotations').key(apparmorKey)}: deprecated since v1.30; use the "appArmorProfile" field instead`);
    }
    const res = asObj(c.resources);
    for (const kind of ['limits', 'requests']) {
      for (const r of ['memory', 'ephemeral-storage']) {
        const q = fractional(asObj(res?.[kind])?.[r]);
        if (q) out.push(`${p.child('resources', kind).key(r)}: fractional byte value ${goQuote(q.toString())} is invalid, must be an integer`);
      }
    }
    const env = asArr(c.env);
    if (env.length > 1) {
      const names = new Set<string>();
      env.forEach((e, i) => {
        const item = asObj(e) ?? {};
        const n = asStr(item.name);
        if (!names.has(n)) {
          names.add(n);
          return;
        }
        const ref = `$(${n})`;
        const value = asStr(item.value);
        if (item.valueFrom != null || value === ref || !value.includes(ref)) {
          out.push(`${p.child('env').index(i)}: hides previous definition of ${goQuote(n)}, which may be dropped when using apply`);
        }
      });
    }
  });
  // ports declared more than once across containers
  const byPort = new Map<string, { path: FieldPath; hostIP: string; hostPort: number }[]>();
  visitContainers(spec, at('spec'), (c, p) => {
    asArr(c.ports).forEach((raw, i) => {
      if (!isObject(raw)) return;
      const hostIP = asStr(raw.hostIP);
      const hostPort = asNum(raw.hostPort) ?? 0;
      const portPath = p.child('ports').index(i);
      const containerPort = asNum(raw.containerPort) ?? 0;
      const protocol = asStr(raw.protocol);
      if (hostIP && hostPort === 0) {
        out.push(`${portPath}: hostIP set without hostPort: {Name:${asStr(raw.name)} HostPort:0 ContainerPort:${containerPort} Protocol:${protocol} HostIP:${hostIP}}`);
      }
      const key = `${containerPort}/${protocol}`;
      const others = byPort.get(key) ?? [];
      for (const o of others) {
        if (hostIP === o.hostIP && hostPort === o.hostPort) out.push(`${portPath}: duplicate port definition with ${o.path}`);
        else if (hostPort === 0 || o.hostPort === 0) out.push(`${portPath}: overlapping port definition with ${o.path}`);
        else if (hostPort === o.hostPort && (hostIP === '') !== (o.hostIP === '')) {
          out.push(`${portPath}: dangerously ambiguous port definition with ${o.path}`);
        }
      }
      byPort.set(key, [...others, { path: portPath, hostIP, hostPort }]);
    });
  });
  const grace = asNum(spec.terminationGracePeriodSeconds);
  if (grace !== undefined && grace < 0) {
    out.push(`${at('spec', 'terminationGracePeriodSeconds')}: must be >= 0; negative values are invalid and will be treated as 1`);
  }
  const affinity = asObj(spec.affinity);
  for (const kind of ['podAffinity', 'podAntiAffinity']) {
    const a = asObj(affinity?.[kind]);
    if (!a) continue;
    asArr(a.requiredDuringSchedulingIgnoredDuringExecution).forEach((t, i) => {
      if (asObj(t)?.labelSelector == null) {
        out.push(`${at('spec', 'affinity', kind, 'requiredDuringSchedulingIgnoredDuringExecution').index(i).child('labelSelector')}: a null labelSelector results in matching no pod`);
      }
    });
    asArr(a.preferredDuringSchedulingIgnoredDuringExecution).forEach((t, i) => {
      if (asObj(asObj(t)?.podAffinityTerm)?.labelSelector == null) {
        out.push(
          `${at('spec', 'affinity', kind, 'preferredDuringSchedulingIgnoredDuringExecution').index(i).child('podAffinityTerm', 'labelSelector')}: a null labelSelector results in matching no pod`,
        );
      }
    });
  }
  return out;
}
