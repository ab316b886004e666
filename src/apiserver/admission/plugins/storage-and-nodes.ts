import { isObject, type KubeObject } from '../../../apimachinery/types.js';
import type { AdmissionAttributes, AdmissionPlugin } from '../interface.js';
import type { AdmissionLister } from '../lister.js';

type Obj = Record<string, unknown>;

function addFinalizer(o: KubeObject, f: string): void {
  const meta = (o.metadata ??= {});
  const list = meta.finalizers ?? [];
  if (!list.includes(f)) meta.finalizers = [...list, f];
}

/**
 * StorageObjectInUseProtection, as upstream: new PVCs and PVs get the protection finalizers
 * (kubernetes.io/pvc-protection, kubernetes.io/pv-protection) so that they are not removed
 * while a pod uses them; the protection controllers remove the finalizers when it is safe.
 */
export class StorageObjectInUseProtection implements AdmissionPlugin {
  readonly name = 'StorageObjectInUseProtection';
  readonly operations = ['CREATE'] as const;

  admit(a: AdmissionAttributes): void {
    if (a.resource.group !== '' || a.subresource || !a.object) return;
    if (a.resource.resource === 'persistentvolumeclaims') addFinalizer(a.object, 'kubernetes.io/pvc-protection');
    if (a.resource.resource === 'persistentvolumes') addFinalizer(a.object, 'kubernetes.io/pv-protection');
  }
}

/**
 * TaintNodesByCondition, as upstream: a new Node starts with the not-ready NoSchedule taint,
 * which the node lifecycle controller removes once the node reports Ready.
 */
export class TaintNodesByCondition implements AdmissionPlugin {
  readonly name = 'TaintNodesByCondition';
  readonly operations = ['CREATE'] as const;

  admit(a: AdmissionAttributes): void {
    if (a.resource.group !== '' || a.resource.resource !== 'nodes' || a.subresource || !a.object) return;
    const spec = (isObject(a.object.spec) ? a.object.spec : (a.object.spec = {})) as Obj;
    const taints = (Array.isArray(spec.taints) ? spec.taints : []) as Obj[];
    if (!taints.some((t) => t.key === 'node.kubernetes.io/not-ready' && t.effect === 'NoSchedule')) {
      spec.taints = [...taints, { key: 'node.kubernetes.io/not-ready', effect: 'NoSchedule' }];
    }
  }
}

const DEFAULT_SC = 'storageclass.kubernetes.io/is-default-class';
const DEFAULT_INGRESS_CLASS = 'ingressclass.kubernetes.io/is-default-class';

/** DefaultStorageClass, as upstream: PVCs without a class get the default StorageClass. */
export class DefaultStorageClass implements AdmissionPlugin {
  readonly name = 'DefaultStorageClass';
  readonly operations = ['CREATE'] as const;

  constructor(private readonly lister: AdmissionLister) {}

  async admit(a: AdmissionAttributes): Promise<void> {
    if (a.resource.group !== '' || a.resource.resource !== 'persistentvolumeclaims' || a.subresource || !a.object) return;
    const spec = (isObject(a.object.spec) ? a.object.spec : (a.object.spec = {})) as Obj;
    if (spec.storageClassName !== undefined && spec.storageClassName !== null) return;
    if (a.object.metadata?.annotations?.['volume.beta.kubernetes.io/storage-class'] !== undefined) return;
    const classes = await this.lister.list('storage.k8s.io', 'storageclasses', '');
    const defaults = classes.filter((c) => c.metadata?.annotations?.[DEFAULT_SC] === 'true');
    // As upstream since 1.26: with several defaults, the newest wins.
    defaults.sort((x, y) => String(y.metadata?.creationTimestamp).localeCompare(String(x.metadata?.creationTimestamp)) || String(x.metadata?.name).localeCompare(String(y.metadata?.name)));
    if (defaults[0]) spec.storageClassName = defaults[0].metadata!.name;
  }
}

/** DefaultIngressClass, as upstream: Ingresses without a class get the default IngressClass. */
export class DefaultIngressClass implements AdmissionPlugin {
  readonly name = 'DefaultIngressClass';
  readonly operations = ['CREATE'] as const;

  constructor(private readonly lister: AdmissionLister) {}

  async admit(a: AdmissionAttributes): Promise<void> {
    if (a.resource.group !== 'networking.k8s.io' || a.resource.resource !== 'ingresses' || a.subresource || !a.object) return;
    const spec = (isObject(a.object.spec) ? a.object.spec : (a.object.spec = {})) as Obj;
    if (spec.ingressClassName) return;
    if (a.object.metadata?.annotations?.['kubernetes.io/ingress.class']) return;
    const classes = await this.lister.list('networking.k8s.io', 'ingressclasses', '');
    const def = classes.find((c) => c.metadata?.annotations?.[DEFAULT_INGRESS_CLASS] === 'true');
    if (def) spec.ingressClassName = def.metadata!.name;
  }
}
