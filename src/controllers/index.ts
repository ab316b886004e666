import type { ControllerFactory } from './framework/index.js';
import { ResourceQuotaController } from './resourcequota/index.js';
import { DisruptionController } from './disruption/index.js';
import { EndpointsController, EndpointSliceController } from './endpoints/index.js';
import { NodeLifecycleController } from './nodelifecycle/index.js';
import { DeploymentController } from './deployment/index.js';
import { REPLICA_SET, REPLICATION_CONTROLLER, ReplicaSetController } from './replicaset/index.js';
import { GarbageCollector } from './garbagecollector/index.js';
import { NamespaceController } from './namespace/index.js';
import { RootCaPublisher, ServiceAccountController } from './serviceaccount/index.js';
import { statefulSetController } from './statefulset/index.js';
import { daemonSetController } from './daemonset/index.js';
import { jobController } from './job/index.js';
import { cronJobController } from './cronjob/index.js';
import { ttlAfterFinishedController } from './ttlafterfinished/index.js';

export * from './framework/index.js';

/**
 * Every controller `k8ts server` (and `k8ts controller-manager`) can run, by the name
 * kube-controller-manager's --controllers flag uses. All are enabled by default.
 */
export const CONTROLLERS: Record<string, ControllerFactory> = {
  deployment: (ctx) => new DeploymentController(ctx),
  replicaset: (ctx) => new ReplicaSetController(ctx, REPLICA_SET),
  replicationcontroller: (ctx) => new ReplicaSetController(ctx, REPLICATION_CONTROLLER),
  endpoints: (ctx) => new EndpointsController(ctx),
  endpointslice: (ctx) => new EndpointSliceController(ctx),
  disruption: (ctx) => new DisruptionController(ctx),
  'garbage-collector': (ctx) => new GarbageCollector(ctx),
  'node-lifecycle': (ctx) => new NodeLifecycleController(ctx),
  namespace: (ctx) => new NamespaceController(ctx),
  serviceaccount: (ctx) => new ServiceAccountController(ctx),
  'root-ca-certificate-publisher': (ctx) => new RootCaPublisher(ctx),
  resourcequota: (ctx) => new ResourceQuotaController(ctx),
  statefulset: statefulSetController,
  daemonset: daemonSetController,
  job: jobController,
  cronjob: cronJobController,
  'ttl-after-finished': ttlAfterFinishedController,
};
export { pdbEvictionCheck, type PdbAccess } from './disruption/index.js';
