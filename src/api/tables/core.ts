/**
 * Printers of the core/v1 kinds, mirroring kube-apiserver 1.32's built-in printers.
 */

import type { KubeObject } from '../../apimachinery/types.js';
import {
  ageColumn,
  ageOf,
  column,
  containerCells,
  containersColumn,
  count,
  imagesColumn,
  int,
  isDeleting,
  isSet,
  metadataOf,
  nameColumn,
  nameOf,
  rec,
  recs,
  selectorColumn,
  str,
  strs,
  type Fields,
} from './columns.js';
import { humanDuration, parseTime, translateTimestampSince } from './duration.js';
import { formatQuantity } from './quantity.js';
import { compareStrings, formatLabels } from './selectors.js';
import type { Printer, PrintedRow, RowContext, TableRowCondition } from './types.js';

// ---------------------------------------------------------------------------------------
// Pod

const podSucceeded: TableRowCondition[] = [
  { type: 'Completed', status: 'True', reason: 'Succeeded', message: 'The pod has completed successfully.' },
];
const podFailed: TableRowCondition[] = [{ type: 'Completed', status: 'True', reason: 'Failed', message: 'The pod failed.' }];

/** A time that may be unset; unset is earlier than any set time (Go's zero time). */
type Instant = number | null;
const later = (current: Instant, candidate: Instant): Instant =>
  candidate !== null && (current === null || current < candidate) ? candidate : current;

const isRestartable = (container: Fields | undefined) => container?.restartPolicy === 'Always';

function podRow(pod: KubeObject, ctx: RowContext): PrintedRow {
  const spec = rec(pod.spec);
  const status = rec(pod.status);
  const initContainers = recs(spec.initContainers);
  const phase = str(status.phase);

  let restarts = 0;
  let sidecarRestarts = 0;
  let totalContainers = recs(spec.containers).length;
  let readyContainers = 0;
  let lastRestart: Instant = null;
  let lastSidecarRestart: Instant = null;

  let reason = str(status.reason) || phase;
  const conditions = recs(status.conditions);
  if (conditions.some((c) => c.type === 'PodScheduled' && c.reason === 'SchedulingGated')) reason = 'SchedulingGated';

  const initByName = new Map<string, Fields>();
  for (const c of initContainers) {
    initByName.set(str(c.name), c);
    // Sidecars (restartable init containers) count among the pod's containers.
    if (isRestartable(c)) totalContainers++;
  }

  let initializing = false;
  const initStatuses = recs(status.initContainerStatuses);
  for (let i = 0; i < initStatuses.length; i++) {
    const cs = initStatuses[i]!;
    const state = rec(cs.state);
    const terminated = isSet(state.terminated) ? rec(state.terminated) : undefined;
    const waiting = isSet(state.waiting) ? rec(state.waiting) : undefined;
    const lastTerminated = rec(cs.lastState).terminated;
    const finished = isSet(lastTerminated) ? parseTime(rec(lastTerminated).finishedAt) : null;
    const sidecar = isRestartable(initByName.get(str(cs.name)));

    restarts += int(cs.restartCount);
    lastRestart = later(lastRestart, finished);
    if (sidecar) {
      sidecarRestarts += int(cs.restartCount);
      lastSidecarRestart = later(lastSidecarRestart, finished);
    }

    if (terminated && int(terminated.exitCode) === 0) continue;
    if (sidecar && cs.started === true) {
      if (cs.ready === true) readyContainers++;
      continue;
    }
    if (terminated) {
      if (str(terminated.reason) !== '') reason = `Init:${str(terminated.reason)}`;
      else if (int(terminated.signal) !== 0) reason = `Init:Signal:${int(terminated.signal)}`;
      else reason = `Init:ExitCode:${int(terminated.exitCode)}`;
    } else if (waiting && str(waiting.reason) !== '' && waiting.reason !== 'PodInitializing') {
      reason = `Init:${str(waiting.reason)}`;
    } else {
      reason = `Init:${i}/${initContainers.length}`;
    }
    initializing = true;
    break;
  }

  const initializedCondition = conditions.find((c) => c.type === 'Initialized');
  if (!initializing || initializedCondition?.status === 'True') {
    // Once initialized, only sidecar restarts stay in the count.
    restarts = sidecarRestarts;
    lastRestart = lastSidecarRestart;
    let hasRunning = false;
    const statuses = recs(status.containerStatuses);
    // Walk backwards so the first container's state decides the reason.
    for (let i = statuses.length - 1; i >= 0; i--) {
      const cs = statuses[i]!;
      const state = rec(cs.state);
      const lastTerminated = rec(cs.lastState).terminated;
      restarts += int(cs.restartCount);
      lastRestart = later(lastRestart, isSet(lastTerminated) ? parseTime(rec(lastTerminated).finishedAt) : null);

      const waiting = isSet(state.waiting) ? rec(state.waiting) : undefined;
      const terminated = isSet(state.terminated) ? rec(state.terminated) : undefined;
      if (waiting && str(waiting.reason) !== '') {
        reason = str(waiting.reason);
      } else if (terminated && str(terminated.reason) !== '') {
        reason = str(terminated.reason);
      } else if (terminated) {
        reason = int(terminated.signal) !== 0 ? `Signal:${int(terminated.signal)}` : `ExitCode:${int(terminated.exitCode)}`;
      } else if (cs.ready === true && isSet(state.running)) {
        hasRunning = true;
        readyContainers++;
      }
    }
    // A completed container next to a running one does not make the pod Completed.
    if (reason === 'Completed' && hasRunning) {
      reason = conditions.some((c) => c.type === 'Ready' && c.status === 'True') ? 'Running' : 'NotReady';
    }
  }

  if (isDeleting(pod) && status.reason === 'NodeLost') {
    reason = 'Unknown';
  } else if (isDeleting(pod) && phase !== 'Failed' && phase !== 'Succeeded') {
    reason = 'Terminating';
  }

  let restartsCell = String(restarts);
  if (restarts !== 0 && lastRestart !== null) {
    restartsCell = `${restarts} (${humanDuration(ctx.now - lastRestart)} ago)`;
  }

  const cells: PrintedRow['cells'] = [
    nameOf(pod),
    `${readyContainers}/${totalContainers}`,
    reason,
    restartsCell,
    ageOf(pod, ctx.now),
  ];
  if (ctx.wide) {
    const podIPs = recs(status.podIPs);
    // As the v1->internal conversion: podIPs wins, podIP fills in when podIPs is empty.
    const podIP = (podIPs.length > 0 ? str(podIPs[0]!.ip) : str(status.podIP)) || '<none>';
    let readinessGates = '<none>';
    const gates = recs(spec.readinessGates);
    if (gates.length > 0) {
      let met = 0;
      for (const gate of gates) {
        const c = conditions.find((x) => x.type === gate.conditionType);
        if (c?.status === 'True') met++;
      }
      readinessGates = `${met}/${gates.length}`;
    }
    cells.push(podIP, str(spec.nodeName) || '<none>', str(status.nominatedNodeName) || '<none>', readinessGates);
  }

  const row: PrintedRow = { cells };
  if (phase === 'Succeeded') row.conditions = podSucceeded;
  else if (phase === 'Failed') row.conditions = podFailed;
  return row;
}

export const podPrinter: Printer = {
  columns: [
    nameColumn,
    column('Ready', 'string', 'Ready containers out of all containers of the pod.'),
    column('Status', 'string', 'Summary of the pod phase and its containers\' states.'),
    column('Restarts', 'string', 'Container restarts, and how long ago the last one was.'),
    ageColumn,
    column('IP', 'string', 'The first IP address allocated to the pod.', { priority: 1 }),
    column('Node', 'string', 'The node the pod is bound to.', { priority: 1 }),
    column('Nominated Node', 'string', 'The node preemption nominated for the pod.', { priority: 1 }),
    column('Readiness Gates', 'string', 'Readiness gates met out of those the pod declares.', { priority: 1 }),
  ],
  row: podRow,
};

// ---------------------------------------------------------------------------------------
// PodTemplate, ReplicationController

export const podTemplatePrinter: Printer = {
  columns: [
    nameColumn,
    column('Containers', 'string', 'Names of the containers in the template.'),
    column('Images', 'string', 'Images of the containers in the template.'),
    column('Pod Labels', 'string', 'Labels the template puts on its pods.'),
  ],
  row(obj) {
    const template = rec(obj.template);
    const [names, images] = containerCells(rec(template.spec).containers);
    return { cells: [nameOf(obj), names, images, formatLabels(rec(template.metadata).labels)] };
  },
};

export const replicationControllerPrinter: Printer = {
  columns: [
    nameColumn,
    column('Desired', 'integer', 'Number of replicas wanted.'),
    column('Current', 'integer', 'Number of replicas that exist.'),
    column('Ready', 'integer', 'Number of replicas that are ready.'),
    ageColumn,
    containersColumn,
    imagesColumn,
    selectorColumn('Labels of the pods the controller manages.'),
  ],
  row(obj, ctx) {
    const spec = rec(obj.spec);
    const status = rec(obj.status);
    const cells: PrintedRow['cells'] = [
      nameOf(obj),
      int(spec.replicas),
      int(status.replicas),
      int(status.readyReplicas),
      ageOf(obj, ctx.now),
    ];
    if (ctx.wide) {
      const [names, images] = containerCells(rec(rec(spec.template).spec).containers);
      cells.push(names, images, formatLabels(spec.selector));
    }
    return { cells };
  },
};

// ---------------------------------------------------------------------------------------
// Service, Endpoints

/** Load balancer ingress points (IP, else hostname), de-duplicated and sorted. */
export function loadBalancerIngress(status: unknown, wide: boolean): string {
  const points = new Set<string>();
  for (const i of recs(rec(status).ingress)) {
    const point = str(i.ip) || str(i.hostname);
    if (point !== '') points.add(point);
  }
  const joined = [...points].sort(compareStrings).join(',');
  // Narrow tables clip it to 16 bytes; the API server always asks for wide rows.
  return !wide && joined.length > 16 ? `${joined.slice(0, 13)}...` : joined;
}

function serviceExternalIP(spec: Fields, status: Fields, wide: boolean): string {
  const externalIPs = strs(spec.externalIPs);
  switch (spec.type) {
    case 'ClusterIP':
    case 'NodePort':
      return externalIPs.length > 0 ? externalIPs.join(',') : '<none>';
    case 'LoadBalancer': {
      const lb = loadBalancerIngress(rec(status.loadBalancer), wide);
      if (externalIPs.length > 0) return [...(lb === '' ? [] : lb.split(',')), ...externalIPs].join(',');
      return lb === '' ? '<pending>' : lb;
    }
    case 'ExternalName':
      return str(spec.externalName);
  }
  return '<unknown>';
}

export const servicePrinter: Printer = {
  columns: [
    nameColumn,
    column('Type', 'string', 'How the service is exposed.'),
    column('Cluster-IP', 'string', 'The first virtual IP of the service inside the cluster.'),
    column('External-IP', 'string', 'Addresses the service is reachable at from outside the cluster.'),
    column('Port(s)', 'string', 'Service ports, with node ports, and protocols.'),
    ageColumn,
    selectorColumn('Labels of the pods traffic is routed to.'),
  ],
  row(obj, ctx) {
    const spec = rec(obj.spec);
    const clusterIPs = strs(spec.clusterIPs);
    // As the v1->internal conversion: clusterIP fills in when clusterIPs is empty.
    const clusterIP = clusterIPs.length > 0 ? clusterIPs[0]! : str(spec.clusterIP) || '<none>';
    const ports = recs(spec.ports)
      .map((p) => (int(p.nodePort) > 0 ? `${int(p.port)}:${int(p.nodePort)}/${str(p.protocol)}` : `${int(p.port)}/${str(p.protocol)}`))
      .join(',');
    const cells: PrintedRow['cells'] = [
      nameOf(obj),
      str(spec.type),
      clusterIP,
      serviceExternalIP(spec, rec(obj.status), ctx.wide),
      ports || '<none>',
      ageOf(obj, ctx.now),
    ];
    if (ctx.wide) cells.push(formatLabels(spec.selector));
    return { cells };
  },
};

/** host:port the way Go's net.JoinHostPort writes it (IPv6 in brackets). */
const joinHostPort = (host: string, port: number) => (host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`);

function formatEndpoints(subsets: Fields[]): string {
  if (subsets.length === 0) return '<none>';
  const max = 3;
  const list: string[] = [];
  let more = false;
  let total = 0;
  for (const ss of subsets) {
    const addresses = recs(ss.addresses);
    const ports = recs(ss.ports);
    if (ports.length === 0) {
      // Headless services may have addresses without ports.
      total += addresses.length;
      for (const a of addresses) {
        if (list.length === max) {
          more = true;
          break;
        }
        list.push(str(a.ip));
      }
      continue;
    }
    for (const port of ports) {
      total += addresses.length;
      for (const a of addresses) {
        if (list.length === max) {
          more = true;
          break;
        }
        list.push(joinHostPort(str(a.ip), int(port.port)));
      }
    }
  }
  const joined = list.join(',');
  return more ? `${joined} + ${total - max} more...` : joined;
}

export const endpointsPrinter: Printer = {
  columns: [nameColumn, column('Endpoints', 'string', 'Up to three ready addresses, with ports.'), ageColumn],
  row: (obj, ctx) => ({ cells: [nameOf(obj), formatEndpoints(recs(obj.subsets)), ageOf(obj, ctx.now)] }),
};

// ---------------------------------------------------------------------------------------
// Node, Namespace, ComponentStatus

/** Roles from `node-role.kubernetes.io/<role>` keys and `kubernetes.io/role` values, sorted. */
export function nodeRoles(labels: unknown): string[] {
  const roles = new Set<string>();
  for (const [key, value] of Object.entries(rec(labels))) {
    if (key.startsWith('node-role.kubernetes.io/')) {
      const role = key.slice('node-role.kubernetes.io/'.length);
      if (role !== '') roles.add(role);
    } else if (key === 'kubernetes.io/role' && str(value) !== '') {
      roles.add(str(value));
    }
  }
  return [...roles].sort(compareStrings);
}

export const nodePrinter: Printer = {
  columns: [
    nameColumn,
    column('Status', 'string', 'Readiness of the node, and whether scheduling is disabled.'),
    column('Roles', 'string', 'Roles named by the node\'s labels.'),
    ageColumn,
    column('Version', 'string', 'Version of the kubelet.'),
    column('Internal-IP', 'string', 'The node\'s first internal address.', { priority: 1 }),
    column('External-IP', 'string', 'The node\'s first external address.', { priority: 1 }),
    column('OS-Image', 'string', 'Operating system image of the node.', { priority: 1 }),
    column('Kernel-Version', 'string', 'Kernel version of the node.', { priority: 1 }),
    column('Container-Runtime', 'string', 'Container runtime name and version.', { priority: 1 }),
  ],
  row(obj, ctx) {
    const status = rec(obj.status);
    const nodeInfo = rec(status.nodeInfo);
    // Only the Ready condition is summarized; the last one of that type wins.
    let ready: Fields | undefined;
    for (const c of recs(status.conditions)) if (c.type === 'Ready') ready = c;
    const summary = [ready === undefined ? 'Unknown' : ready.status === 'True' ? 'Ready' : 'NotReady'];
    if (rec(obj.spec).unschedulable === true) summary.push('SchedulingDisabled');
    const roles = nodeRoles(metadataOf(obj).labels).join(',');
    const cells: PrintedRow['cells'] = [
      nameOf(obj),
      summary.join(','),
      roles || '<none>',
      ageOf(obj, ctx.now),
      str(nodeInfo.kubeletVersion),
    ];
    if (ctx.wide) {
      const address = (type: string) => str(recs(status.addresses).find((a) => a.type === type)?.address) || '<none>';
      cells.push(
        address('InternalIP'),
        address('ExternalIP'),
        str(nodeInfo.osImage) || '<unknown>',
        str(nodeInfo.kernelVersion) || '<unknown>',
        str(nodeInfo.containerRuntimeVersion) || '<unknown>',
      );
    }
    return { cells };
  },
};

export const namespacePrinter: Printer = {
  columns: [nameColumn, column('Status', 'string', 'Phase of the namespace: Active or Terminating.'), ageColumn],
  row: (obj, ctx) => ({ cells: [nameOf(obj), str(rec(obj.status).phase), ageOf(obj, ctx.now)] }),
};

export const componentStatusPrinter: Printer = {
  columns: [
    nameColumn,
    column('Status', 'string', 'Health of the component.'),
    column('Message', 'string', 'Message of the health condition.'),
    column('Error', 'string', 'Error of the health condition.'),
  ],
  row(obj) {
    const healthy = recs(obj.conditions).find((c) => c.type === 'Healthy');
    const status = healthy === undefined ? 'Unknown' : healthy.status === 'True' ? 'Healthy' : 'Unhealthy';
    return { cells: [nameOf(obj), status, str(healthy?.message), str(healthy?.error)] };
  },
};

// ---------------------------------------------------------------------------------------
// ConfigMap, Secret, ServiceAccount, ResourceQuota

export const configMapPrinter: Printer = {
  columns: [nameColumn, column('Data', 'string', 'Number of data and binary data keys.'), ageColumn],
  row: (obj, ctx) => ({ cells: [nameOf(obj), count(obj.data) + count(obj.binaryData), ageOf(obj, ctx.now)] }),
};

export const secretPrinter: Printer = {
  columns: [
    nameColumn,
    column('Type', 'string', 'Type of the secret\'s data.'),
    column('Data', 'string', 'Number of data keys.'),
    ageColumn,
  ],
  row: (obj, ctx) => ({ cells: [nameOf(obj), str(obj.type), count(obj.data), ageOf(obj, ctx.now)] }),
};

export const serviceAccountPrinter: Printer = {
  // 1.32 still shows the count of referenced secrets (dropped upstream in 1.34).
  columns: [nameColumn, column('Secrets', 'string', 'Number of secrets the account references.'), ageColumn],
  row: (obj, ctx) => ({ cells: [nameOf(obj), count(obj.secrets), ageOf(obj, ctx.now)] }),
};

export const resourceQuotaPrinter: Printer = {
  columns: [
    nameColumn,
    column('Request', 'string', 'Used out of hard limits for the non-`limits.` resources.'),
    column('Limit', 'string', 'Used out of hard limits for the `limits.` resources.'),
    ageColumn,
  ],
  row(obj, ctx) {
    const status = rec(obj.status);
    const hard = rec(status.hard);
    const used = rec(status.used);
    const requests: string[] = [];
    const limits: string[] = [];
    for (const resource of Object.keys(hard).sort(compareStrings)) {
      const entry = `${resource}: ${formatQuantity(used[resource])}/${formatQuantity(hard[resource])}`;
      const dot = resource.indexOf('.');
      (dot > 0 && resource.slice(0, dot) === 'limits' ? limits : requests).push(entry);
    }
    return { cells: [nameOf(obj), requests.join(', '), limits.join(', '), ageOf(obj, ctx.now)] };
  },
};

// ---------------------------------------------------------------------------------------
// PersistentVolume, PersistentVolumeClaim

const BETA_STORAGE_CLASS = 'volume.beta.kubernetes.io/storage-class';

/** Access modes abbreviated in a fixed order (upstream: GetAccessModesAsString). */
export function accessModes(modes: unknown): string {
  const set = new Set(strs(modes));
  const out: string[] = [];
  if (set.has('ReadWriteOnce')) out.push('RWO');
  if (set.has('ReadOnlyMany')) out.push('ROX');
  if (set.has('ReadWriteMany')) out.push('RWX');
  if (set.has('ReadWriteOncePod')) out.push('RWOP');
  return out.join(',');
}

/** The beta annotation wins over the field, as upstream's storage-class helpers read it. */
function storageClassOf(obj: KubeObject, field: unknown): string {
  const annotations = rec(metadataOf(obj).annotations);
  if (BETA_STORAGE_CLASS in annotations) return str(annotations[BETA_STORAGE_CLASS]);
  return str(field);
}

export const persistentVolumePrinter: Printer = {
  columns: [
    nameColumn,
    column('Capacity', 'string', 'Storage capacity of the volume.'),
    column('Access Modes', 'string', 'Ways the volume can be mounted.'),
    column('Reclaim Policy', 'string', 'What happens to the volume when its claim is released.'),
    column('Status', 'string', 'Phase of the volume.'),
    column('Claim', 'string', 'The claim bound to the volume, as namespace/name.'),
    column('StorageClass', 'string', 'Storage class of the volume.'),
    column('VolumeAttributesClass', 'string', 'Volume attributes class of the volume.'),
    column('Reason', 'string', 'Why the volume is in its phase.'),
    ageColumn,
    column('VolumeMode', 'string', 'Filesystem or Block.', { priority: 1 }),
  ],
  row(obj, ctx) {
    const spec = rec(obj.spec);
    const status = rec(obj.status);
    const claimRef = isSet(spec.claimRef) ? `${str(rec(spec.claimRef).namespace)}/${str(rec(spec.claimRef).name)}` : '';
    // Upstream's printer fills VolumeMode whether or not the table is wide.
    return {
      cells: [
        nameOf(obj),
        formatQuantity(rec(spec.capacity).storage),
        accessModes(spec.accessModes),
        str(spec.persistentVolumeReclaimPolicy),
        isDeleting(obj) ? 'Terminating' : str(status.phase),
        claimRef,
        storageClassOf(obj, spec.storageClassName),
        isSet(spec.volumeAttributesClassName) ? str(spec.volumeAttributesClassName) : '<unset>',
        str(status.reason),
        ageOf(obj, ctx.now),
        isSet(spec.volumeMode) ? str(spec.volumeMode) : '<unset>',
      ],
    };
  },
};

export const persistentVolumeClaimPrinter: Printer = {
  columns: [
    nameColumn,
    column('Status', 'string', 'Phase of the claim.'),
    column('Volume', 'string', 'The volume bound to the claim.'),
    column('Capacity', 'string', 'Storage capacity of the bound volume.'),
    column('Access Modes', 'string', 'Ways the bound volume can be mounted.'),
    column('StorageClass', 'string', 'Storage class of the claim.'),
    column('VolumeAttributesClass', 'string', 'Volume attributes class of the claim.'),
    ageColumn,
    column('VolumeMode', 'string', 'Filesystem or Block.', { priority: 1 }),
  ],
  row(obj, ctx) {
    const spec = rec(obj.spec);
    const status = rec(obj.status);
    const volumeName = str(spec.volumeName);
    // Capacity and modes are only shown once the claim names a volume.
    const bound = volumeName !== '';
    return {
      cells: [
        nameOf(obj),
        isDeleting(obj) ? 'Terminating' : str(status.phase),
        volumeName,
        bound ? formatQuantity(rec(status.capacity).storage) : '',
        bound ? accessModes(status.accessModes) : '',
        storageClassOf(obj, spec.storageClassName),
        isSet(spec.volumeAttributesClassName) ? str(spec.volumeAttributesClassName) : '<unset>',
        ageOf(obj, ctx.now),
        isSet(spec.volumeMode) ? str(spec.volumeMode) : '<unset>',
      ],
    };
  },
};

// ---------------------------------------------------------------------------------------
// Event (core/v1 shape; events.k8s.io/v1 objects are converted to it first)

function eventSource(obj: KubeObject): string {
  const source = rec(obj.source);
  const component = str(source.component) || str(obj.reportingController);
  const instance = str(source.host) || str(obj.reportingInstance);
  return instance === '' ? component : `${component}, ${instance}`;
}

export const eventPrinter: Printer = {
  columns: [
    column('Last Seen', 'string', 'Time since the event was last observed.'),
    column('Type', 'string', 'Normal or Warning.'),
    column('Reason', 'string', 'Short machine-readable reason for the event.'),
    column('Object', 'string', 'The object the event is about, as kind/name.'),
    column('Subobject', 'string', 'Field path within the object, such as a container.', { priority: 1 }),
    column('Source', 'string', 'Component (and host) that reported the event.', { priority: 1 }),
    column('Message', 'string', 'Human-readable description of the event.'),
    column('First Seen', 'string', 'Time since the event was first observed.', { priority: 1 }),
    column('Count', 'string', 'How many times the event occurred.', { priority: 1 }),
    column('Name', 'string', 'Name of the event object.', { priority: 1, format: 'name' }),
  ],
  row(obj, ctx) {
    let firstSeen = translateTimestampSince(obj.firstTimestamp, ctx.now);
    if (parseTime(obj.firstTimestamp) === null) firstSeen = translateTimestampSince(obj.eventTime, ctx.now);
    let lastSeen = translateTimestampSince(obj.lastTimestamp, ctx.now);
    if (parseTime(obj.lastTimestamp) === null) lastSeen = firstSeen;
    let occurrences = int(obj.count);
    if (isSet(obj.series)) {
      const series = rec(obj.series);
      lastSeen = translateTimestampSince(series.lastObservedTime, ctx.now);
      occurrences = int(series.count);
    } else if (occurrences === 0) {
      // Events of the newer API carry no count when they happened once.
      occurrences = 1;
    }
    const involved = rec(obj.involvedObject);
    const kind = str(involved.kind).toLowerCase();
    const target = str(involved.name) !== '' ? `${kind}/${str(involved.name)}` : kind;
    const message = str(obj.message).trim();
    if (!ctx.wide) return { cells: [lastSeen, str(obj.type), str(obj.reason), target, message] };
    return {
      cells: [
        lastSeen,
        str(obj.type),
        str(obj.reason),
        target,
        str(involved.fieldPath),
        eventSource(obj),
        message,
        firstSeen,
        occurrences,
        nameOf(obj),
      ],
    };
  },
};

/**
 * An events.k8s.io/v1 Event in the core/v1 shape, field for field as upstream converts both
 * to its internal type.
 */
export function coreEventFromEventsV1(obj: KubeObject): KubeObject {
  return {
    ...obj,
    involvedObject: obj.regarding,
    message: obj.note,
    source: obj.deprecatedSource,
    firstTimestamp: obj.deprecatedFirstTimestamp,
    lastTimestamp: obj.deprecatedLastTimestamp,
    count: obj.deprecatedCount,
  };
}
