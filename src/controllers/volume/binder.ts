import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { labelSelectorAsSelector } from '../../apimachinery/labels.js';
import { Quantity } from '../../apimachinery/quantity.js';
import { isAlreadyExists, isConflict, isNotFound } from '../../apimachinery/status.js';
import type { KubeObject } from '../../apimachinery/types.js';
import { gvr } from '../../client/api-client.js';
import { EventType } from '../../client/event-recorder.js';
import { isTombstone } from '../../client/indexer.js';
import type { Lister } from '../../client/lister.js';
import { runWorkers, Workqueue } from '../../client/workqueue.js';
import { logger } from '../../util/log.js';
import { keyOf, splitKeyOf, type Controller, type ControllerContext } from '../framework/index.js';

const log = logger('persistentvolume-binder');
const PVS = gvr('v1', 'persistentvolumes');
const PVCS = gvr('v1', 'persistentvolumeclaims');
const CLASSES = gvr('storage.k8s.io/v1', 'storageclasses');
export const LOCAL_PATH_PROVISIONER = 'k8ts.io/local-path';
export const SELECTED_NODE = 'volume.kubernetes.io/selected-node';
const BIND_COMPLETED = 'pv.kubernetes.io/bind-completed';
const BOUND_BY_CONTROLLER = 'pv.kubernetes.io/bound-by-controller';
const PROVISIONED_BY = 'pv.kubernetes.io/provisioned-by';
const PVC_PROTECTION = 'kubernetes.io/pvc-protection';
const PV_PROTECTION = 'kubernetes.io/pv-protection';
const PODS = gvr('v1', 'pods');

type Obj = Record<string, unknown>;
const specOf = (o: KubeObject) => (o.spec ?? {}) as Obj;
const phaseOf = (o: KubeObject) => (o.status as Obj | undefined)?.phase as string | undefined;
const request = (pvc: KubeObject) => {
  const r = ((specOf(pvc).resources as Obj | undefined)?.requests as Record<string, string> | undefined)?.storage;
  return r ? Quantity.parse(r) : Quantity.zero();
};
const capacity = (pv: KubeObject) => {
  const c = (specOf(pv).capacity as Record<string, string> | undefined)?.storage;
  return c ? Quantity.parse(c) : Quantity.zero();
};
const classOf = (o: KubeObject) => (specOf(o).storageClassName as string | undefined) ?? '';

/**
 * The PersistentVolume controller, as upstream's binder plus k3s' local-path provisioner:
 * a Pending claim is bound to the smallest Available volume of its class that has its access
 * modes, volume mode and capacity (and matches its selector), or — its class provisioned by
 * k8ts.io/local-path — to a new hostPath volume in a directory under the data dir (at once
 * for Immediate classes; for WaitForFirstConsumer once the scheduler picked a node, through
 * the volume.kubernetes.io/selected-node annotation, with the volume pinned to that node).
 * Released volumes are deleted (with their directory) or kept, by reclaimPolicy. The
 * `local-path` StorageClass (default class, WaitForFirstConsumer) is created if missing.
 */
export class PersistentVolumeController implements Controller {
  readonly name = 'persistentvolume-binder';
  private readonly queue: Workqueue<string>;
  private readonly pvs: Lister;
  private readonly pvcs: Lister;
  private readonly classes: Lister;

  constructor(
    private readonly ctx: ControllerContext,
    private readonly storageDir: string | undefined,
  ) {
    this.queue = new Workqueue<string>({ clock: ctx.clock });
    const pvInf = ctx.informers.informerFor(PVS);
    const pvcInf = ctx.informers.informerFor(PVCS);
    this.pvs = pvInf.lister();
    this.pvcs = pvcInf.lister();
    this.classes = ctx.informers.informerFor(CLASSES).lister();
    pvcInf.addEventHandler({
      onAdd: (o) => this.queue.add(`pvc:${keyOf(o)}`),
      onUpdate: (_a, o) => this.queue.add(`pvc:${keyOf(o)}`),
      onDelete: (o) => {
        const pvc = isTombstone(o) ? o.obj : o;
        const vol = pvc && (specOf(pvc).volumeName as string | undefined);
        if (vol) this.queue.add(`pv:${vol}`);
      },
    });
    pvInf.addEventHandler({
      onAdd: (o) => this.onPv(o),
      onUpdate: (_a, o) => this.onPv(o),
    });
  }

  private onPv(pv: KubeObject): void {
    this.queue.add(`pv:${pv.metadata!.name}`);
    // A new Available volume may satisfy waiting claims.
    if (phaseOf(pv) === 'Available' || !phaseOf(pv)) for (const c of this.pvcs.list()) if (phaseOf(c) !== 'Bound') this.queue.add(`pvc:${keyOf(c)}`);
  }

  async run(signal: AbortSignal): Promise<void> {
    if (this.storageDir) await this.ensureClass();
    if (!(await this.ctx.informers.waitForCacheSync(signal))) return;
    await runWorkers(this.queue, (item) => (item.startsWith('pvc:') ? this.syncClaim(item.slice(4)) : this.syncVolume(item.slice(3))), signal, { workers: 1, name: this.name, log });
  }

  private async ensureClass(): Promise<void> {
    try {
      await this.ctx.client.create(CLASSES, '', {
        apiVersion: 'storage.k8s.io/v1',
        kind: 'StorageClass',
        metadata: { name: 'local-path', annotations: { 'storageclass.kubernetes.io/is-default-class': 'true' } },
        provisioner: LOCAL_PATH_PROVISIONER,
        reclaimPolicy: 'Delete',
        volumeBindingMode: 'WaitForFirstConsumer',
      });
    } catch (e: unknown) {
      if (!isAlreadyExists(e)) log.warn('could not create the local-path StorageClass', { error: e });
    }
  }

  private event(obj: KubeObject, kind: string, type: EventType, reason: string, message: string): void {
    const m = obj.metadata!;
    this.ctx.recorder('persistentvolume-controller').event({ kind, apiVersion: 'v1', namespace: m.namespace, name: m.name, uid: m.uid }, type, reason, message);
  }

  /** Removes a protection finalizer from a deleting object (pvc-protection / pv-protection controllers). */
  private async dropFinalizer(api: typeof PVS, obj: KubeObject, finalizer: string): Promise<void> {
    try {
      const cur = await this.ctx.client.get(api, obj.metadata!.namespace ?? '', obj.metadata!.name!);
      if (!cur.metadata?.finalizers?.includes(finalizer)) return;
      cur.metadata.finalizers = cur.metadata.finalizers.filter((f) => f !== finalizer);
      await this.ctx.client.update(api, obj.metadata!.namespace ?? '', cur);
    } catch (e: unknown) {
      if (!isNotFound(e) && !isConflict(e)) throw e;
    }
  }

  async syncClaim(key: string): Promise<{ requeueAfter?: number } | void> {
    const { namespace, name } = splitKeyOf(key);
    const pvc = this.pvcs.get(namespace, name);
    if (pvc?.metadata?.deletionTimestamp && pvc.metadata.finalizers?.includes(PVC_PROTECTION)) {
      // As the pvc-protection controller: the claim goes once no running pod uses it.
      const pods = (await this.ctx.client.list(PODS, namespace)).items;
      const used = pods.some(
        (p) =>
          !['Succeeded', 'Failed'].includes(String((p.status as Obj | undefined)?.phase)) &&
          (((p.spec as Obj | undefined)?.volumes as { persistentVolumeClaim?: { claimName?: string } }[] | undefined) ?? []).some((v) => v.persistentVolumeClaim?.claimName === name),
      );
      if (used) return { requeueAfter: 1000 };
      await this.dropFinalizer(PVCS, pvc, PVC_PROTECTION);
      return;
    }
    if (!pvc || pvc.metadata?.deletionTimestamp || phaseOf(pvc) === 'Bound') return;
    const spec = specOf(pvc);
    let pv: KubeObject | undefined;
    if (spec.volumeName) {
      pv = this.pvs.get('', String(spec.volumeName));
      if (!pv) return;
    } else {
      pv = this.findVolume(pvc);
    }
    if (!pv) {
      const cls = this.classes.get('', classOf(pvc));
      if (!cls || (cls as Obj).provisioner !== LOCAL_PATH_PROVISIONER || !this.storageDir) {
        this.event(pvc, 'PersistentVolumeClaim', EventType.Normal, cls ? 'ExternalProvisioning' : 'FailedBinding', cls ? `Waiting for a volume to be created either by the external provisioner '${String((cls as Obj).provisioner)}' or manually by the system administrator. If volume creation is delayed, please verify that the provisioner is running and correctly registered.` : 'no persistent volumes available for this claim and no storage class is set');
        return;
      }
      const node = pvc.metadata?.annotations?.[SELECTED_NODE];
      if ((cls as Obj).volumeBindingMode === 'WaitForFirstConsumer' && !node) {
        this.event(pvc, 'PersistentVolumeClaim', EventType.Normal, 'WaitForFirstConsumer', 'waiting for first consumer to be created before binding');
        return;
      }
      pv = await this.provision(pvc, cls, node);
    }
    await this.bind(pv, pvc);
  }

  private findVolume(pvc: KubeObject): KubeObject | undefined {
    const spec = specOf(pvc);
    const modes = (spec.accessModes as string[] | undefined) ?? [];
    const want = request(pvc);
    let selector: ReturnType<typeof labelSelectorAsSelector> | undefined;
    if (spec.selector) {
      try {
        selector = labelSelectorAsSelector(spec.selector as Parameters<typeof labelSelectorAsSelector>[0]);
      } catch {
        return undefined;
      }
    }
    const candidates = this.pvs.list().filter((pv) => {
      const ps = specOf(pv);
      if (phaseOf(pv) !== 'Available' && phaseOf(pv) !== undefined) return false;
      if (ps.claimRef) return false;
      if (pv.metadata?.deletionTimestamp) return false;
      if (classOf(pv) !== classOf(pvc)) return false;
      if (((ps.volumeMode as string | undefined) ?? 'Filesystem') !== ((spec.volumeMode as string | undefined) ?? 'Filesystem')) return false;
      const pvModes = (ps.accessModes as string[] | undefined) ?? [];
      if (!modes.every((m) => pvModes.includes(m))) return false;
      if (capacity(pv).cmp(want) < 0) return false;
      if (selector && !selector.matches(pv.metadata?.labels ?? {})) return false;
      return true;
    });
    candidates.sort((a, b) => capacity(a).cmp(capacity(b)));
    return candidates[0];
  }

  private async provision(pvc: KubeObject, cls: KubeObject, node: string | undefined): Promise<KubeObject> {
    const name = `pvc-${pvc.metadata!.uid}`;
    const dir = join(this.storageDir!, `${name}_${pvc.metadata!.namespace}_${pvc.metadata!.name}`);
    mkdirSync(dir, { recursive: true, mode: 0o777 });
    const spec = specOf(pvc);
    const pv: KubeObject = {
      apiVersion: 'v1',
      kind: 'PersistentVolume',
      metadata: { name, annotations: { [PROVISIONED_BY]: LOCAL_PATH_PROVISIONER, 'k8ts.io/local-path': dir } },
      spec: {
        capacity: { storage: request(pvc).toString() },
        accessModes: spec.accessModes ?? ['ReadWriteOnce'],
        persistentVolumeReclaimPolicy: ((cls as Obj).reclaimPolicy as string | undefined) ?? 'Delete',
        storageClassName: cls.metadata!.name,
        volumeMode: spec.volumeMode ?? 'Filesystem',
        hostPath: { path: dir, type: 'DirectoryOrCreate' },
        ...(node
          ? { nodeAffinity: { required: { nodeSelectorTerms: [{ matchExpressions: [{ key: 'kubernetes.io/hostname', operator: 'In', values: [node] }] }] } } }
          : {}),
      },
    };
    let created: KubeObject;
    try {
      created = await this.ctx.client.create(PVS, '', pv);
    } catch (e: unknown) {
      if (!isAlreadyExists(e)) throw e;
      created = await this.ctx.client.get(PVS, '', name);
    }
    this.event(pvc, 'PersistentVolumeClaim', EventType.Normal, 'ProvisioningSucceeded', `Successfully provisioned volume ${name}`);
    return created;
  }

  private async bind(pv: KubeObject, pvc: KubeObject): Promise<void> {
    const m = pvc.metadata!;
    try {
      const curPv = await this.ctx.client.get(PVS, '', pv.metadata!.name!);
      const ref = specOf(curPv).claimRef as Obj | undefined;
      if (ref && ref.uid !== m.uid) return;
      if (!ref) {
        (curPv.spec as Obj).claimRef = { kind: 'PersistentVolumeClaim', namespace: m.namespace, name: m.name, uid: m.uid, apiVersion: 'v1', resourceVersion: m.resourceVersion };
        curPv.metadata!.annotations = { ...(curPv.metadata!.annotations ?? {}), [BOUND_BY_CONTROLLER]: 'yes' };
      }
      const updatedPv = await this.ctx.client.update(PVS, '', curPv);
      await this.ctx.client.update(PVS, '', { ...updatedPv, status: { ...((updatedPv.status as Obj | undefined) ?? {}), phase: 'Bound' } }, { subresource: 'status' });
      const curPvc = await this.ctx.client.get(PVCS, m.namespace!, m.name!);
      (curPvc.spec as Obj).volumeName = pv.metadata!.name;
      curPvc.metadata!.annotations = { ...(curPvc.metadata!.annotations ?? {}), [BIND_COMPLETED]: 'yes', [BOUND_BY_CONTROLLER]: 'yes' };
      const updatedPvc = await this.ctx.client.update(PVCS, m.namespace!, curPvc);
      await this.ctx.client.update(
        PVCS,
        m.namespace!,
        { ...updatedPvc, status: { phase: 'Bound', accessModes: specOf(curPv).accessModes, capacity: specOf(curPv).capacity } },
        { subresource: 'status' },
      );
    } catch (e: unknown) {
      if (isConflict(e)) {
        this.queue.addAfter(`pvc:${keyOf(pvc)}`, 100);
        return;
      }
      if (!isNotFound(e)) throw e;
    }
  }

  async syncVolume(name: string): Promise<void> {
    const pv = this.pvs.get('', name);
    if (pv?.metadata?.deletionTimestamp) {
      // As the pv-protection controller: a volume no claim is bound to may go.
      const ref = specOf(pv).claimRef as { namespace?: string; name?: string; uid?: string } | undefined;
      const claim = ref ? this.pvcs.get(ref.namespace ?? '', ref.name ?? '') : undefined;
      const inUse = phaseOf(pv) === 'Bound' && !!claim && claim.metadata?.uid === ref?.uid;
      if (pv.metadata.finalizers?.includes(PV_PROTECTION) && !inUse) await this.dropFinalizer(PVS, pv, PV_PROTECTION);
      return;
    }
    if (!pv) return;
    const ref = specOf(pv).claimRef as { namespace?: string; name?: string; uid?: string } | undefined;
    const setPhase = async (phase: string) => {
      if (phaseOf(pv) === phase) return;
      try {
        await this.ctx.client.update(PVS, '', { ...pv, status: { ...((pv.status as Obj | undefined) ?? {}), phase } }, { subresource: 'status' });
      } catch (e: unknown) {
        if (!isNotFound(e) && !isConflict(e)) throw e;
      }
    };
    if (!ref) return setPhase('Available');
    const claim = this.pvcs.get(ref.namespace ?? '', ref.name ?? '');
    if (claim && claim.metadata?.uid === ref.uid) return;
    // The claim is gone: Released, then reclaimed by policy.
    if (specOf(pv).persistentVolumeReclaimPolicy === 'Delete') {
      const dir = pv.metadata?.annotations?.['k8ts.io/local-path'];
      try {
        await this.ctx.client.delete(PVS, '', name, { preconditions: { uid: pv.metadata!.uid } });
      } catch (e: unknown) {
        if (!isNotFound(e) && !isConflict(e)) throw e;
      }
      if (dir && this.storageDir && dir.startsWith(this.storageDir)) rmSync(dir, { recursive: true, force: true });
      return;
    }
    await setPhase('Released');
  }
}
