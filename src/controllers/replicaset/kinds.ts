import { labelSelectorAsSelector, LabelSelectorError, nothing, selectorFromSet, type KubeObject, type LabelSelector, type Selector } from '../../apimachinery/index.js';
import { gvr, type Gvr } from '../../client/index.js';
import type { PodTemplateSpec } from '../framework/index.js';

/**
 * What differs between ReplicaSets (apps/v1) and ReplicationControllers (core/v1). One
 * controller implementation serves both, as upstream's, which converts RCs to ReplicaSets
 * on the way in and back on the way out; here the kind is a parameter instead.
 */
export interface ReplicaKind {
  /** The controller's name in kube-controller-manager's --controllers list. */
  readonly name: string;
  readonly gvr: Gvr;
  readonly apiVersion: string;
  readonly kind: string;
  /** The event source component. */
  readonly component: string;
  /**
   * The pod selector of an object. Throws LabelSelectorError for an invalid selector; an
   * absent selector selects nothing (for RCs: the template's labels, the upstream default).
   */
  selector(obj: KubeObject): Selector;
  /** The selector used to find the controllers of an orphan pod (empty selectors match nothing). */
  podSelector(obj: KubeObject): Selector;
}

interface ReplicaSpec {
  replicas?: number | null;
  minReadySeconds?: number | null;
  selector?: unknown;
  template?: PodTemplateSpec | null;
}

const specOf = (o: KubeObject): ReplicaSpec => (o.spec ?? {}) as ReplicaSpec;

/** spec.replicas, absent = 1 (the API default). */
export const desiredReplicas = (o: KubeObject): number => specOf(o).replicas ?? 1;

/** spec.minReadySeconds, absent = 0. */
export const minReadySecondsOf = (o: KubeObject): number => specOf(o).minReadySeconds ?? 0;

/** spec.template (an empty template when absent). */
export const templateOf = (o: KubeObject): PodTemplateSpec => specOf(o).template ?? {};

function rsSelector(o: KubeObject): Selector {
  return labelSelectorAsSelector(specOf(o).selector as LabelSelector | null | undefined);
}

function rcSelectorMap(o: KubeObject): Record<string, string> | undefined {
  const m = specOf(o).selector as Record<string, string> | null | undefined;
  if (m && Object.keys(m).length > 0) return m;
  // As the API's defaulting of ReplicationControllers: no selector means the template's labels.
  const labels = templateOf(o).metadata?.labels;
  return labels && Object.keys(labels).length > 0 ? labels : undefined;
}

function nonEmpty(sel: Selector): Selector {
  return sel.isEmpty() ? nothing() : sel;
}

export const REPLICA_SET: ReplicaKind = {
  name: 'replicaset',
  gvr: gvr('apps/v1', 'replicasets'),
  apiVersion: 'apps/v1',
  kind: 'ReplicaSet',
  component: 'replicaset-controller',
  selector: rsSelector,
  podSelector(o) {
    try {
      return nonEmpty(rsSelector(o));
    } catch (e: unknown) {
      if (e instanceof LabelSelectorError) return nothing();
      throw e;
    }
  },
};

export const REPLICATION_CONTROLLER: ReplicaKind = {
  name: 'replicationcontroller',
  gvr: gvr('v1', 'replicationcontrollers'),
  apiVersion: 'v1',
  kind: 'ReplicationController',
  component: 'replication-controller',
  selector(o) {
    // As upstream: an RC's map selector is used without validation.
    const m = rcSelectorMap(o);
    return m ? selectorFromSet(m) : nothing();
  },
  podSelector(o) {
    const m = rcSelectorMap(o);
    return m ? nonEmpty(selectorFromSet(m)) : nothing();
  },
};
