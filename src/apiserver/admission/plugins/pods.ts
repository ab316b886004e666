import { errors } from '../../../apimachinery/status.js';
import { isObject, type KubeObject } from '../../../apimachinery/types.js';
import type { AdmissionAttributes, AdmissionPlugin } from '../interface.js';
import type { AdmissionLister } from '../lister.js';

type Obj = Record<string, unknown>;
const isPodCreate = (a: AdmissionAttributes) =>
  a.operation === 'CREATE' && a.resource.group === '' && a.resource.resource === 'pods' && !a.subresource && !!a.object;
const specOf = (o: KubeObject): Obj => (isObject(o.spec) ? o.spec : ((o.spec = {}) as Obj));

/**
 * DefaultTolerationSeconds, as upstream: pods that do not tolerate the not-ready and
 * unreachable NoExecute taints get tolerations for them with tolerationSeconds 300, so a
 * node failure evicts them after five minutes.
 */
export class DefaultTolerationSeconds implements AdmissionPlugin {
  readonly name = 'DefaultTolerationSeconds';
  readonly operations = ['CREATE'] as const;

  constructor(private readonly seconds = 300) {}

  admit(a: AdmissionAttributes): void {
    if (!isPodCreate(a)) return;
    const spec = specOf(a.object!);
    const tolerations = (Array.isArray(spec.tolerations) ? spec.tolerations : []) as Obj[];
    const tolerates = (key: string) =>
      tolerations.some(
        (t) =>
          (t.key === key && (t.effect === 'NoExecute' || t.effect === undefined || t.effect === '')) ||
          ((t.key === undefined || t.key === '') && t.operator === 'Exists' && (t.effect === undefined || t.effect === '' || t.effect === 'NoExecute')),
      );
    const add: Obj[] = [];
    for (const key of ['node.kubernetes.io/not-ready', 'node.kubernetes.io/unreachable']) {
      if (!tolerates(key)) add.push({ key, operator: 'Exists', effect: 'NoExecute', tolerationSeconds: this.seconds });
    }
    if (add.length) spec.tolerations = [...tolerations, ...add];
  }
}

/**
 * Priority, as upstream: resolves spec.priorityClassName (or the global default class) into
 * spec.priority and spec.preemptionPolicy; an unknown class or a hand-set priority that
 * disagrees with the class is refused.
 */
export class PriorityAdmission implements AdmissionPlugin {
  readonly name = 'Priority';
  readonly operations = ['CREATE'] as const;

  constructor(private readonly lister: AdmissionLister) {}

  async admit(a: AdmissionAttributes): Promise<void> {
    if (!isPodCreate(a)) return;
    const spec = specOf(a.object!);
    let className = typeof spec.priorityClassName === 'string' ? spec.priorityClassName : '';
    let priority = 0;
    let preemption: unknown;
    if (className) {
      const pc = await this.lister.get('scheduling.k8s.io', 'priorityclasses', '', className);
      if (!pc) throw errors.forbidden({ group: '', resource: 'pods' }, a.name, `no PriorityClass with name ${className} was found`);
      priority = Number(pc.value ?? 0);
      preemption = pc.preemptionPolicy;
    } else {
      const all = await this.lister.list('scheduling.k8s.io', 'priorityclasses', '');
      const def = all.filter((pc) => pc.globalDefault === true).sort((x, y) => Number(x.value) - Number(y.value))[0];
      if (def) {
        className = def.metadata!.name!;
        priority = Number(def.value ?? 0);
        preemption = def.preemptionPolicy;
        spec.priorityClassName = className;
      }
    }
    if (spec.priority !== undefined && spec.priority !== null && spec.priority !== priority) {
      throw errors.forbidden(
        { group: '', resource: 'pods' },
        a.name,
        `the integer value of priority (${String(spec.priority)}) must not be provided in pod spec; priority admission controller computed ${priority} from the given PriorityClass name`,
      );
    }
    spec.priority = priority;
    if (spec.preemptionPolicy === undefined) spec.preemptionPolicy = preemption ?? 'PreemptLowerPriority';
  }
}

const TOKEN_PATH = '/var/run/secrets/kubernetes.io/serviceaccount';
const SUFFIX_CHARS = 'bcdfghjklmnpqrstvwxz2456789';

/**
 * ServiceAccount, as upstream: pods run as the `default` service account unless they name
 * one, and (unless automounting is off on the pod or the account) get a projected
 * `kube-api-access-*` volume with a bound token, the cluster CA and their namespace,
 * mounted into every container at /var/run/secrets/kubernetes.io/serviceaccount.
 */
export class ServiceAccountAdmission implements AdmissionPlugin {
  readonly name = 'ServiceAccount';
  readonly operations = ['CREATE'] as const;

  constructor(private readonly lister: AdmissionLister) {}

  async admit(a: AdmissionAttributes): Promise<void> {
    if (!isPodCreate(a)) return;
    const pod = a.object!;
    const spec = specOf(pod);
    // Mirror pods of static pods are left alone, as upstream.
    if (pod.metadata?.annotations?.['kubernetes.io/config.mirror']) return;
    const saName = (typeof spec.serviceAccountName === 'string' && spec.serviceAccountName) || (typeof spec.serviceAccount === 'string' && spec.serviceAccount) || 'default';
    spec.serviceAccountName = saName;
    spec.serviceAccount = saName;
    const sa = await this.lister.get('', 'serviceaccounts', a.namespace, saName);
    const automount = spec.automountServiceAccountToken ?? sa?.automountServiceAccountToken ?? true;
    if (automount === false) return;
    const volumes = (Array.isArray(spec.volumes) ? spec.volumes : []) as Obj[];
    const allContainers = [
      ...((Array.isArray(spec.initContainers) ? spec.initContainers : []) as Obj[]),
      ...((Array.isArray(spec.containers) ? spec.containers : []) as Obj[]),
    ];
    // Someone mounted something at the token path already: leave the pod alone.
    const mountedAlready = allContainers.some((c) => Array.isArray(c.volumeMounts) && (c.volumeMounts as Obj[]).some((m) => m.mountPath === TOKEN_PATH));
    if (mountedAlready) return;
    let name: string;
    do {
      name = 'kube-api-access-' + Array.from({ length: 5 }, () => SUFFIX_CHARS[Math.floor(Math.random() * SUFFIX_CHARS.length)]).join('');
    } while (volumes.some((v) => v.name === name));
    volumes.push({
      name,
      projected: {
        defaultMode: 420,
        sources: [
          { serviceAccountToken: { expirationSeconds: 3607, path: 'token' } },
          { configMap: { name: 'kube-root-ca.crt', items: [{ key: 'ca.crt', path: 'ca.crt' }] } },
          { downwardAPI: { items: [{ path: 'namespace', fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.namespace' } }] } },
        ],
      },
    });
    spec.volumes = volumes;
    for (const c of allContainers) {
      const mounts = (Array.isArray(c.volumeMounts) ? c.volumeMounts : []) as Obj[];
      mounts.push({ name, readOnly: true, mountPath: TOKEN_PATH });
      c.volumeMounts = mounts;
    }
  }
}
