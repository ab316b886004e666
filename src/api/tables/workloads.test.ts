import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { KubeObject } from '../../apimachinery/types.js';
import { buildTable } from './index.js';

const NOW = Date.UTC(2024, 5, 1, 12, 0, 0);
const S = 1000;
const M = 60 * S;
const H = 60 * M;
const D = 24 * H;
const ago = (ms: number) => new Date(NOW - ms).toISOString().replace('.000Z', 'Z');

function cells(kind: string, group: string, obj: KubeObject, opts: { version?: string; wide?: boolean } = {}) {
  return buildTable(kind, group, opts.version ?? 'v1', [obj], { now: NOW, wide: opts.wide }).rows![0]!.cells;
}

const meta = (name: string, age: number, extra: Record<string, unknown> = {}) => ({
  name,
  namespace: 'default',
  creationTimestamp: ago(age),
  ...extra,
});

const template = (...containers: Array<[string, string]>) => ({
  metadata: { labels: { app: 'web' } },
  spec: { containers: containers.map(([name, image]) => ({ name, image })) },
});

// Cells: NAME READY UP-TO-DATE AVAILABLE AGE | CONTAINERS IMAGES SELECTOR
describe('deployment printer', () => {
  const cases: Array<{ name: string; obj: KubeObject; want: unknown[] }> = [
    {
      name: 'mid-rollout (surge pod up, old pods still serving)',
      obj: {
        metadata: meta('web', 12 * D),
        spec: {
          replicas: 3,
          selector: { matchLabels: { app: 'web' } },
          template: template(['nginx', 'nginx:1.27'], ['log', 'busybox:1.36']),
          strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: '25%' } },
        },
        status: { observedGeneration: 4, replicas: 4, updatedReplicas: 2, readyReplicas: 3, availableReplicas: 3, unavailableReplicas: 1 },
      },
      want: ['web', '3/3', 2, 3, '12d', 'nginx,log', 'nginx:1.27,busybox:1.36', 'app=web'],
    },
    {
      name: 'freshly created, no status',
      obj: {
        metadata: meta('api', 3 * S),
        spec: {
          replicas: 2,
          selector: { matchLabels: { app: 'api' }, matchExpressions: [{ key: 'track', operator: 'NotIn', values: ['canary'] }] },
          template: template(['api', 'example/api:2']),
        },
      },
      want: ['api', '0/2', 0, 0, '3s', 'api', 'example/api:2', 'app=api,track notin (canary)'],
    },
    {
      name: 'scaled to zero',
      obj: {
        metadata: meta('idle', 3 * H),
        spec: { replicas: 0, selector: { matchLabels: { app: 'idle' } }, template: template(['c', 'i']) },
        status: { observedGeneration: 2 },
      },
      want: ['idle', '0/0', 0, 0, '3h', 'c', 'i', 'app=idle'],
    },
    {
      name: 'invalid selector',
      obj: {
        metadata: meta('odd', 3 * H),
        spec: { replicas: 1, selector: { matchExpressions: [{ key: 'a', operator: 'Gt', values: ['1'] }] }, template: template(['c', 'i']) },
      },
      want: ['odd', '0/1', 0, 0, '3h', 'c', 'i', '<invalid>'],
    },
  ];
  for (const c of cases) {
    it(c.name, () => assert.deepEqual(cells('Deployment', 'apps', c.obj), c.want));
  }
  it('narrow rows stop after AGE', () =>
    assert.deepEqual(cells('Deployment', 'apps', cases[0]!.obj, { wide: false }), ['web', '3/3', 2, 3, '12d']));
});

describe('other apps printers', () => {
  const cases: Array<{ kind: string; obj: KubeObject; want: unknown[] }> = [
    {
      kind: 'ReplicaSet',
      obj: {
        metadata: meta('web-5d4f8c9b7', 12 * D),
        spec: { replicas: 3, selector: { matchLabels: { app: 'web', 'pod-template-hash': '5d4f8c9b7' } }, template: template(['nginx', 'nginx:1.27']) },
        status: { replicas: 3, fullyLabeledReplicas: 3, readyReplicas: 1, availableReplicas: 1 },
      },
      want: ['web-5d4f8c9b7', 3, 3, 1, '12d', 'nginx', 'nginx:1.27', 'app=web,pod-template-hash=5d4f8c9b7'],
    },
    {
      kind: 'ReplicaSet',
      obj: { metadata: meta('old', 40 * D), spec: { replicas: 0, selector: { matchLabels: { app: 'web' } }, template: template(['c', 'i']) }, status: { replicas: 0 } },
      want: ['old', 0, 0, 0, '40d', 'c', 'i', 'app=web'],
    },
    {
      kind: 'StatefulSet',
      obj: {
        metadata: meta('db', 3 * H + 30 * M),
        spec: { replicas: 3, serviceName: 'db', selector: { matchLabels: { app: 'db' } }, template: template(['postgres', 'postgres:16']) },
        status: { replicas: 3, readyReplicas: 2, currentReplicas: 3 },
      },
      want: ['db', '2/3', '3h30m', 'postgres', 'postgres:16'],
    },
    {
      kind: 'DaemonSet',
      obj: {
        metadata: meta('kube-proxy', 30 * D),
        spec: {
          selector: { matchLabels: { 'k8s-app': 'kube-proxy' } },
          template: { spec: { nodeSelector: { 'kubernetes.io/os': 'linux' }, containers: [{ name: 'kube-proxy', image: 'registry.k8s.io/kube-proxy:v1.32.0' }] } },
        },
        status: { desiredNumberScheduled: 3, currentNumberScheduled: 3, numberReady: 2, updatedNumberScheduled: 3, numberAvailable: 2, numberMisscheduled: 0 },
      },
      want: ['kube-proxy', 3, 3, 2, 3, 2, 'kubernetes.io/os=linux', '30d', 'kube-proxy', 'registry.k8s.io/kube-proxy:v1.32.0', 'k8s-app=kube-proxy'],
    },
    {
      kind: 'DaemonSet',
      obj: {
        metadata: meta('agent', M),
        spec: { selector: { matchLabels: { app: 'agent' } }, template: template(['agent', 'agent:1']) },
      },
      want: ['agent', 0, 0, 0, 0, 0, '<none>', '60s', 'agent', 'agent:1', 'app=agent'],
    },
    {
      kind: 'ControllerRevision',
      obj: {
        metadata: meta('db-7c9d5f8b6d', H, {
          ownerReferences: [{ apiVersion: 'apps/v1', kind: 'StatefulSet', name: 'db', uid: 'u1', controller: true, blockOwnerDeletion: true }],
        }),
        revision: 2,
        data: {},
      },
      want: ['db-7c9d5f8b6d', 'statefulset.apps/db', 2, '60m'],
    },
    {
      kind: 'ControllerRevision',
      obj: {
        metadata: meta('orphan', H, { ownerReferences: [{ apiVersion: 'apps/v1', kind: 'DaemonSet', name: 'x', uid: 'u2' }] }),
        revision: 1,
      },
      want: ['orphan', '<none>', 1, '60m'],
    },
    {
      kind: 'ControllerRevision',
      obj: {
        metadata: meta('core-owned', H, { ownerReferences: [{ apiVersion: 'v1', kind: 'Widget', name: 'w', uid: 'u3', controller: true }] }),
        revision: 7,
      },
      want: ['core-owned', 'widget/w', 7, '60m'],
    },
  ];
  for (const c of cases) {
    it(`${c.kind} ${c.obj.metadata?.name}`, () => assert.deepEqual(cells(c.kind, 'apps', c.obj), c.want));
  }
});

// Cells: NAME STATUS COMPLETIONS DURATION AGE | CONTAINERS IMAGES SELECTOR
describe('job printer', () => {
  const job = (name: string, spec: Record<string, unknown>, status: Record<string, unknown>, extra: Record<string, unknown> = {}): KubeObject => ({
    metadata: meta(name, 10 * M, extra),
    spec: {
      selector: { matchLabels: { 'batch.kubernetes.io/controller-uid': 'a1b2' } },
      template: template(['pi', 'perl:5.34']),
      ...spec,
    },
    status,
  });
  const wideTail = ['pi', 'perl:5.34', 'batch.kubernetes.io/controller-uid=a1b2'];
  const cases: Array<{ name: string; obj: KubeObject; want: unknown[] }> = [
    {
      name: 'running',
      obj: job('pi', { completions: 3, parallelism: 1 }, { startTime: ago(5 * M), active: 1, succeeded: 1 }),
      want: ['pi', 'Running', '1/3', '5m', '10m', ...wideTail],
    },
    {
      name: 'complete',
      obj: job('pi', { completions: 1 }, {
        startTime: ago(10 * M),
        completionTime: ago(10 * M - 45 * S),
        succeeded: 1,
        conditions: [
          { type: 'SuccessCriteriaMet', status: 'True' },
          { type: 'Complete', status: 'True' },
        ],
      }),
      want: ['pi', 'Complete', '1/1', '45s', '10m', ...wideTail],
    },
    {
      name: 'failed',
      obj: job('pi', { backoffLimit: 2 }, {
        startTime: ago(9 * M),
        failed: 3,
        conditions: [
          { type: 'FailureTarget', status: 'True' },
          { type: 'Failed', status: 'True', reason: 'BackoffLimitExceeded' },
        ],
      }),
      want: ['pi', 'Failed', '0/1', '9m', '10m', ...wideTail],
    },
    {
      name: 'failure target only',
      obj: job('pi', {}, { startTime: ago(9 * M), conditions: [{ type: 'FailureTarget', status: 'True' }] }),
      want: ['pi', 'FailureTarget', '0/1', '9m', '10m', ...wideTail],
    },
    {
      name: 'success criteria met is still Running in 1.32',
      obj: job('pi', { completions: 5, parallelism: 5 }, { startTime: ago(9 * M), succeeded: 2, conditions: [{ type: 'SuccessCriteriaMet', status: 'True' }] }),
      want: ['pi', 'Running', '2/5', '9m', '10m', ...wideTail],
    },
    {
      name: 'suspended before starting',
      obj: job('pi', { suspend: true, parallelism: 4 }, { conditions: [{ type: 'Suspended', status: 'True' }] }),
      want: ['pi', 'Suspended', '0/1 of 4', '', '10m', ...wideTail],
    },
    {
      name: 'terminating',
      obj: job('pi', {}, { startTime: ago(M), conditions: [{ type: 'Suspended', status: 'True' }] }, { deletionTimestamp: ago(S) }),
      want: ['pi', 'Terminating', '0/1', '60s', '10m', ...wideTail],
    },
    {
      name: 'complete beats terminating',
      obj: job('pi', {}, { startTime: ago(M), completionTime: ago(0), succeeded: 1, conditions: [{ type: 'Complete', status: 'True' }] }, { deletionTimestamp: ago(S) }),
      want: ['pi', 'Complete', '1/1', '60s', '10m', ...wideTail],
    },
    {
      name: 'a false condition does not count',
      obj: job('pi', {}, { startTime: ago(M), conditions: [{ type: 'Complete', status: 'False' }] }),
      want: ['pi', 'Running', '0/1', '60s', '10m', ...wideTail],
    },
  ];
  for (const c of cases) {
    it(c.name, () => assert.deepEqual(cells('Job', 'batch', c.obj), c.want));
  }
});

// Cells: NAME SCHEDULE TIMEZONE SUSPEND ACTIVE LAST-SCHEDULE AGE | CONTAINERS IMAGES SELECTOR
describe('cronjob printer', () => {
  it('prints a scheduled cronjob', () => {
    const obj: KubeObject = {
      metadata: meta('backup', 3 * D),
      spec: { schedule: '*/5 * * * *', suspend: false, jobTemplate: { spec: { template: template(['backup', 'restic:0.16']) } } },
      status: { active: [{ kind: 'Job', name: 'backup-28620000' }], lastScheduleTime: ago(3 * M) },
    };
    assert.deepEqual(cells('CronJob', 'batch', obj), ['backup', '*/5 * * * *', '<none>', 'False', 1, '3m', '3d', 'backup', 'restic:0.16', '<none>']);
  });
  it('prints time zone, unset suspend, never scheduled', () => {
    const obj: KubeObject = {
      metadata: meta('report', 5 * M),
      spec: {
        schedule: '0 9 * * 1',
        timeZone: 'Europe/Paris',
        jobTemplate: { spec: { selector: { matchLabels: { job: 'report' } }, template: template(['r', 'report:1']) } },
      },
    };
    assert.deepEqual(cells('CronJob', 'batch', obj), ['report', '0 9 * * 1', 'Europe/Paris', '<unset>', 0, '<none>', '5m', 'r', 'report:1', 'job=report']);
  });
});

// Cells: NAME REFERENCE TARGETS MINPODS MAXPODS REPLICAS AGE
describe('horizontal pod autoscaler printer', () => {
  const hpa = (spec: Record<string, unknown>, status: Record<string, unknown> = {}, annotations?: Record<string, string>): KubeObject => ({
    metadata: meta('web', 2 * H, annotations ? { annotations } : {}),
    spec: { scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web' }, maxReplicas: 10, ...spec },
    status,
  });
  const cpu = (target: Record<string, unknown>) => ({ type: 'Resource', resource: { name: 'cpu', target } });
  const cases: Array<{ name: string; obj: KubeObject; version?: string; targets: string; min?: string; replicas?: number }> = [
    {
      name: 'cpu utilization with current value',
      obj: hpa(
        { minReplicas: 2, metrics: [cpu({ type: 'Utilization', averageUtilization: 80 })] },
        { currentReplicas: 3, desiredReplicas: 3, currentMetrics: [{ type: 'Resource', resource: { name: 'cpu', current: { averageUtilization: 45, averageValue: '45m' } } }] },
      ),
      targets: 'cpu: 45%/80%',
      min: '2',
      replicas: 3,
    },
    {
      name: 'cpu utilization not measured yet',
      obj: hpa({ minReplicas: 1, metrics: [cpu({ type: 'Utilization', averageUtilization: 80 })] }),
      targets: 'cpu: <unknown>/80%',
      min: '1',
      replicas: 0,
    },
    {
      name: 'average value targets, pods and external metrics, more than two',
      obj: hpa(
        {
          metrics: [
            { type: 'Resource', resource: { name: 'memory', target: { type: 'AverageValue', averageValue: '500Mi' } } },
            { type: 'Pods', pods: { metric: { name: 'packets-per-second' }, target: { type: 'AverageValue', averageValue: '1k' } } },
            { type: 'External', external: { metric: { name: 'queue_messages_ready' }, target: { type: 'AverageValue', averageValue: '30' } } },
          ],
        },
        {
          currentReplicas: 4,
          currentMetrics: [
            { type: 'Resource', resource: { name: 'memory', current: { averageValue: '296Mi' } } },
            { type: 'Pods', pods: { metric: { name: 'packets-per-second' }, current: { averageValue: '866m' } } },
          ],
        },
      ),
      targets: 'memory: 296Mi/500Mi, 866m/1k + 1 more...',
      min: '<unset>',
      replicas: 4,
    },
    {
      name: 'object and external value targets',
      obj: hpa(
        {
          metrics: [
            { type: 'Object', object: { describedObject: { kind: 'Ingress', name: 'main' }, metric: { name: 'rps' }, target: { type: 'Value', value: '10k' } } },
            { type: 'External', external: { metric: { name: 'lag' }, target: { type: 'Value', value: '100' } } },
          ],
        },
        { currentMetrics: [{ type: 'Object', object: { current: { value: '2k' } } }] },
      ),
      targets: '2k/10k, <unknown>/100',
      min: '<unset>',
      replicas: 0,
    },
    {
      name: 'container resource with no utilization target',
      obj: hpa({ metrics: [{ type: 'ContainerResource', containerResource: { name: 'cpu', container: 'app', target: { type: 'Utilization' } } }] }),
      targets: 'cpu: <unknown>/<auto>',
      min: '<unset>',
      replicas: 0,
    },
    {
      name: 'no metrics',
      obj: hpa({ minReplicas: 1, metrics: [] }),
      targets: '<none>',
      min: '1',
      replicas: 0,
    },
    {
      name: 'autoscaling/v1 with a CPU target',
      version: 'v1',
      obj: hpa({ minReplicas: 1, targetCPUUtilizationPercentage: 50 }, { currentReplicas: 2, desiredReplicas: 2, currentCPUUtilizationPercentage: 20 }),
      targets: 'cpu: 20%/50%',
      min: '1',
      replicas: 2,
    },
    {
      name: 'autoscaling/v1 without a target defaults to 80%',
      version: 'v1',
      obj: hpa({ minReplicas: 1 }),
      targets: 'cpu: <unknown>/80%',
      min: '1',
      replicas: 0,
    },
    {
      name: 'autoscaling/v1 with metrics kept in annotations',
      version: 'v1',
      obj: hpa(
        { minReplicas: 1, targetCPUUtilizationPercentage: 70 },
        { currentReplicas: 2 },
        {
          'autoscaling.alpha.kubernetes.io/metrics': JSON.stringify([{ type: 'Resource', resource: { name: 'memory', targetAverageValue: '1Gi' } }]),
          'autoscaling.alpha.kubernetes.io/current-metrics': JSON.stringify([
            { type: 'Resource', resource: { name: 'memory', currentAverageValue: '512Mi' } },
            { type: 'Resource', resource: { name: 'cpu', currentAverageUtilization: 35 } },
          ]),
        },
      ),
      targets: 'memory: 512Mi/1Gi, cpu: 35%/70%',
      min: '1',
      replicas: 2,
    },
  ];
  for (const c of cases) {
    it(c.name, () =>
      assert.deepEqual(cells('HorizontalPodAutoscaler', 'autoscaling', c.obj, { version: c.version ?? 'v2' }), [
        'web',
        'Deployment/web',
        c.targets,
        c.min,
        10,
        c.replicas,
        '120m',
      ]),
    );
  }
});
