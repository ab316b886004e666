import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { KubeObject } from '../../apimachinery/types.js';
import { buildTable } from './index.js';

const NOW = Date.UTC(2024, 5, 1, 12, 0, 0);
const S = 1000;
const M = 60 * S;
const H = 60 * M;
const ago = (ms: number) => new Date(NOW - ms).toISOString().replace('.000Z', 'Z');

function cells(kind: string, obj: KubeObject, opts: { group?: string; version?: string; wide?: boolean } = {}) {
  const table = buildTable(kind, opts.group ?? '', opts.version ?? 'v1', [obj], { now: NOW, wide: opts.wide });
  return table.rows![0]!.cells;
}

const meta = (name: string, age: number, extra: Record<string, unknown> = {}) => ({
  name,
  namespace: 'default',
  creationTimestamp: ago(age),
  ...extra,
});

const running = (name: string, restartCount = 0, extra: Record<string, unknown> = {}) => ({
  name,
  ready: true,
  restartCount,
  started: true,
  state: { running: { startedAt: ago(H) } },
  ...extra,
});

// Cells: NAME READY STATUS RESTARTS AGE | IP NODE NOMINATED-NODE READINESS-GATES
describe('pod printer', () => {
  const cases: Array<{ name: string; pod: KubeObject; want: unknown[] }> = [
    {
      name: 'pending, unschedulable',
      pod: {
        metadata: meta('pending', 5 * M),
        spec: { containers: [{ name: 'app', image: 'nginx' }] },
        status: { phase: 'Pending', conditions: [{ type: 'PodScheduled', status: 'False', reason: 'Unschedulable' }] },
      },
      want: ['pending', '0/1', 'Pending', '0', '5m', '<none>', '<none>', '<none>', '<none>'],
    },
    {
      name: 'scheduling gated',
      pod: {
        metadata: meta('gated', 30 * S),
        spec: { containers: [{ name: 'app' }], schedulingGates: [{ name: 'example.com/quota' }] },
        status: { phase: 'Pending', conditions: [{ type: 'PodScheduled', status: 'False', reason: 'SchedulingGated' }] },
      },
      want: ['gated', '0/1', 'SchedulingGated', '0', '30s', '<none>', '<none>', '<none>', '<none>'],
    },
    {
      name: 'container creating',
      pod: {
        metadata: meta('creating', 10 * S),
        spec: { nodeName: 'node-1', containers: [{ name: 'app' }] },
        status: {
          phase: 'Pending',
          hostIP: '192.168.1.10',
          containerStatuses: [{ name: 'app', ready: false, restartCount: 0, state: { waiting: { reason: 'ContainerCreating' } } }],
        },
      },
      want: ['creating', '0/1', 'ContainerCreating', '0', '10s', '<none>', 'node-1', '<none>', '<none>'],
    },
    {
      name: 'running, two ready containers, dual stack',
      pod: {
        metadata: meta('web-7d4b9c6f5-x2x9q', 3 * H + 4 * M),
        spec: { nodeName: 'node-1', containers: [{ name: 'app' }, { name: 'sidecar' }] },
        status: {
          phase: 'Running',
          podIP: '10.244.1.7',
          podIPs: [{ ip: '10.244.1.7' }, { ip: 'fd00:10:244:1::7' }],
          conditions: [{ type: 'Ready', status: 'True' }],
          containerStatuses: [running('app'), running('sidecar')],
        },
      },
      want: ['web-7d4b9c6f5-x2x9q', '2/2', 'Running', '0', '3h4m', '10.244.1.7', 'node-1', '<none>', '<none>'],
    },
    {
      name: 'podIP without podIPs',
      pod: {
        metadata: meta('legacy', 2 * 24 * H + 3 * H),
        spec: { nodeName: 'node-2', containers: [{ name: 'app' }] },
        status: { phase: 'Running', podIP: '10.244.2.3', containerStatuses: [running('app')] },
      },
      want: ['legacy', '1/1', 'Running', '0', '2d3h', '10.244.2.3', 'node-2', '<none>', '<none>'],
    },
    {
      name: 'crash loop with restarts',
      pod: {
        metadata: meta('crashy', 10 * M),
        spec: { nodeName: 'node-1', containers: [{ name: 'app' }] },
        status: {
          phase: 'Running',
          podIPs: [{ ip: '10.244.1.9' }],
          containerStatuses: [
            {
              name: 'app',
              ready: false,
              restartCount: 3,
              state: { waiting: { reason: 'CrashLoopBackOff', message: 'back-off 40s' } },
              lastState: { terminated: { exitCode: 1, reason: 'Error', finishedAt: ago(2 * M) } },
            },
          ],
        },
      },
      want: ['crashy', '0/1', 'CrashLoopBackOff', '3 (2m ago)', '10m', '10.244.1.9', 'node-1', '<none>', '<none>'],
    },
    {
      name: 'restarts without a last termination time',
      pod: {
        metadata: meta('restarted', H),
        spec: { containers: [{ name: 'app' }] },
        status: { phase: 'Running', containerStatuses: [running('app', 5)] },
      },
      want: ['restarted', '1/1', 'Running', '5', '60m', '<none>', '<none>', '<none>', '<none>'],
    },
    {
      name: 'completed',
      pod: {
        metadata: meta('job-abc', 20 * M),
        spec: { nodeName: 'node-1', containers: [{ name: 'pi' }] },
        status: {
          phase: 'Succeeded',
          containerStatuses: [{ name: 'pi', ready: false, restartCount: 0, state: { terminated: { exitCode: 0, reason: 'Completed' } } }],
        },
      },
      want: ['job-abc', '0/1', 'Completed', '0', '20m', '<none>', 'node-1', '<none>', '<none>'],
    },
    {
      name: 'error',
      pod: {
        metadata: meta('failing', 20 * M),
        spec: { containers: [{ name: 'app' }] },
        status: {
          phase: 'Failed',
          containerStatuses: [{ name: 'app', state: { terminated: { exitCode: 1, reason: 'Error' } } }],
        },
      },
      want: ['failing', '0/1', 'Error', '0', '20m', '<none>', '<none>', '<none>', '<none>'],
    },
    {
      name: 'terminated without reason: exit code',
      pod: {
        metadata: meta('killed', M),
        spec: { containers: [{ name: 'app' }] },
        status: { phase: 'Failed', containerStatuses: [{ name: 'app', state: { terminated: { exitCode: 137 } } }] },
      },
      want: ['killed', '0/1', 'ExitCode:137', '0', '60s', '<none>', '<none>', '<none>', '<none>'],
    },
    {
      name: 'terminated without reason: signal',
      pod: {
        metadata: meta('signalled', M),
        spec: { containers: [{ name: 'app' }] },
        status: { phase: 'Failed', containerStatuses: [{ name: 'app', state: { terminated: { exitCode: 137, signal: 9 } } }] },
      },
      want: ['signalled', '0/1', 'Signal:9', '0', '60s', '<none>', '<none>', '<none>', '<none>'],
    },
    {
      name: 'first container decides the reason',
      pod: {
        metadata: meta('multi', M),
        spec: { containers: [{ name: 'a' }, { name: 'b' }] },
        status: {
          phase: 'Running',
          containerStatuses: [
            { name: 'a', state: { waiting: { reason: 'ImagePullBackOff' } } },
            { name: 'b', state: { waiting: { reason: 'ErrImagePull' } } },
          ],
        },
      },
      want: ['multi', '0/2', 'ImagePullBackOff', '0', '60s', '<none>', '<none>', '<none>', '<none>'],
    },
    {
      name: 'init container running',
      pod: {
        metadata: meta('init-1', 15 * S),
        spec: { initContainers: [{ name: 'setup' }], containers: [{ name: 'app' }] },
        status: {
          phase: 'Pending',
          conditions: [{ type: 'Initialized', status: 'False' }],
          initContainerStatuses: [{ name: 'setup', ready: false, restartCount: 0, state: { running: { startedAt: ago(5 * S) } } }],
          containerStatuses: [{ name: 'app', ready: false, state: { waiting: { reason: 'PodInitializing' } } }],
        },
      },
      want: ['init-1', '0/1', 'Init:0/1', '0', '15s', '<none>', '<none>', '<none>', '<none>'],
    },
    {
      name: 'second of two init containers running',
      pod: {
        metadata: meta('init-2', 15 * S),
        spec: { initContainers: [{ name: 'a' }, { name: 'b' }], containers: [{ name: 'app' }] },
        status: {
          phase: 'Pending',
          initContainerStatuses: [
            { name: 'a', state: { terminated: { exitCode: 0, reason: 'Completed' } } },
            { name: 'b', state: { running: {} } },
          ],
        },
      },
      want: ['init-2', '0/1', 'Init:1/2', '0', '15s', '<none>', '<none>', '<none>', '<none>'],
    },
    {
      name: 'init container crash looping',
      pod: {
        metadata: meta('init-crash', 5 * M),
        spec: { initContainers: [{ name: 'migrate' }], containers: [{ name: 'app' }] },
        status: {
          phase: 'Pending',
          initContainerStatuses: [
            {
              name: 'migrate',
              restartCount: 4,
              state: { waiting: { reason: 'CrashLoopBackOff' } },
              lastState: { terminated: { exitCode: 1, reason: 'Error', finishedAt: ago(30 * S) } },
            },
          ],
          containerStatuses: [{ name: 'app', restartCount: 0, state: { waiting: { reason: 'PodInitializing' } } }],
        },
      },
      want: ['init-crash', '0/1', 'Init:CrashLoopBackOff', '4 (30s ago)', '5m', '<none>', '<none>', '<none>', '<none>'],
    },
    {
      name: 'init container failed',
      pod: {
        metadata: meta('init-err', 5 * M),
        spec: { initContainers: [{ name: 'migrate' }], containers: [{ name: 'app' }] },
        status: { phase: 'Failed', initContainerStatuses: [{ name: 'migrate', state: { terminated: { exitCode: 2, reason: 'Error' } } }] },
      },
      want: ['init-err', '0/1', 'Init:Error', '0', '5m', '<none>', '<none>', '<none>', '<none>'],
    },
    {
      name: 'init container failed without reason',
      pod: {
        metadata: meta('init-exit', 5 * M),
        spec: { initContainers: [{ name: 'migrate' }], containers: [{ name: 'app' }] },
        status: { phase: 'Pending', initContainerStatuses: [{ name: 'migrate', state: { terminated: { exitCode: 2 } } }] },
      },
      want: ['init-exit', '0/1', 'Init:ExitCode:2', '0', '5m', '<none>', '<none>', '<none>', '<none>'],
    },
    {
      name: 'pod initializing',
      pod: {
        metadata: meta('initing', 20 * S),
        spec: { initContainers: [{ name: 'setup' }], containers: [{ name: 'app' }] },
        status: {
          phase: 'Pending',
          conditions: [{ type: 'Initialized', status: 'True' }],
          initContainerStatuses: [{ name: 'setup', state: { terminated: { exitCode: 0, reason: 'Completed' } } }],
          containerStatuses: [{ name: 'app', state: { waiting: { reason: 'PodInitializing' } } }],
        },
      },
      want: ['initing', '0/1', 'PodInitializing', '0', '20s', '<none>', '<none>', '<none>', '<none>'],
    },
    {
      name: 'sidecar counts among containers and its restarts stay',
      pod: {
        metadata: meta('with-sidecar', H),
        spec: { initContainers: [{ name: 'proxy', restartPolicy: 'Always' }], containers: [{ name: 'app' }] },
        status: {
          phase: 'Running',
          conditions: [
            { type: 'Initialized', status: 'True' },
            { type: 'Ready', status: 'True' },
          ],
          initContainerStatuses: [
            running('proxy', 1, { lastState: { terminated: { exitCode: 1, finishedAt: ago(10 * M) } } }),
          ],
          containerStatuses: [running('app', 2, { lastState: { terminated: { exitCode: 1, finishedAt: ago(5 * M) } } })],
        },
      },
      want: ['with-sidecar', '2/2', 'Running', '3 (5m ago)', '60m', '<none>', '<none>', '<none>', '<none>'],
    },
    {
      name: 'completed next to running and ready',
      pod: {
        metadata: meta('half-done', M),
        spec: { containers: [{ name: 'a' }, { name: 'b' }] },
        status: {
          phase: 'Running',
          conditions: [{ type: 'Ready', status: 'True' }],
          containerStatuses: [{ name: 'a', state: { terminated: { exitCode: 0, reason: 'Completed' } } }, running('b')],
        },
      },
      want: ['half-done', '1/2', 'Running', '0', '60s', '<none>', '<none>', '<none>', '<none>'],
    },
    {
      name: 'completed next to running but not ready',
      pod: {
        metadata: meta('half-done', M),
        spec: { containers: [{ name: 'a' }, { name: 'b' }] },
        status: {
          phase: 'Running',
          conditions: [{ type: 'Ready', status: 'False' }],
          containerStatuses: [{ name: 'a', state: { terminated: { exitCode: 0, reason: 'Completed' } } }, running('b')],
        },
      },
      want: ['half-done', '1/2', 'NotReady', '0', '60s', '<none>', '<none>', '<none>', '<none>'],
    },
    {
      name: 'terminating',
      pod: {
        metadata: meta('leaving', 2 * H, { deletionTimestamp: ago(10 * S), deletionGracePeriodSeconds: 30 }),
        spec: { nodeName: 'node-1', containers: [{ name: 'app' }] },
        status: { phase: 'Running', podIP: '10.244.1.4', containerStatuses: [running('app')] },
      },
      want: ['leaving', '1/1', 'Terminating', '0', '120m', '10.244.1.4', 'node-1', '<none>', '<none>'],
    },
    {
      name: 'terminal pod being deleted keeps its reason',
      pod: {
        metadata: meta('done', 2 * H, { deletionTimestamp: ago(10 * S) }),
        spec: { containers: [{ name: 'app' }] },
        status: { phase: 'Succeeded', containerStatuses: [{ name: 'app', state: { terminated: { exitCode: 0, reason: 'Completed' } } }] },
      },
      want: ['done', '0/1', 'Completed', '0', '120m', '<none>', '<none>', '<none>', '<none>'],
    },
    {
      name: 'node lost',
      pod: {
        metadata: meta('orphan', 8 * H),
        spec: { nodeName: 'node-9', containers: [{ name: 'app' }] },
        status: { phase: 'Running', reason: 'NodeLost', containerStatuses: [running('app')] },
      },
      want: ['orphan', '1/1', 'NodeLost', '0', '8h', '<none>', 'node-9', '<none>', '<none>'],
    },
    {
      name: 'node lost and being deleted',
      pod: {
        metadata: meta('orphan', 8 * H, { deletionTimestamp: ago(M) }),
        spec: { nodeName: 'node-9', containers: [{ name: 'app' }] },
        status: { phase: 'Running', reason: 'NodeLost', containerStatuses: [running('app')] },
      },
      want: ['orphan', '1/1', 'Unknown', '0', '8h', '<none>', 'node-9', '<none>', '<none>'],
    },
    {
      name: 'evicted',
      pod: {
        metadata: meta('evicted', 30 * H),
        spec: { nodeName: 'node-1', containers: [{ name: 'app' }] },
        status: { phase: 'Failed', reason: 'Evicted', message: 'The node was low on resource: memory.' },
      },
      want: ['evicted', '0/1', 'Evicted', '0', '30h', '<none>', 'node-1', '<none>', '<none>'],
    },
    {
      name: 'readiness gates and nominated node',
      pod: {
        metadata: meta('gated-ready', 9 * 24 * H),
        spec: {
          containers: [{ name: 'app' }],
          readinessGates: [{ conditionType: 'example.com/lb' }, { conditionType: 'example.com/dns' }],
        },
        status: {
          phase: 'Pending',
          nominatedNodeName: 'node-3',
          conditions: [
            { type: 'example.com/lb', status: 'True' },
            { type: 'example.com/dns', status: 'False' },
          ],
        },
      },
      want: ['gated-ready', '0/1', 'Pending', '0', '9d', '<none>', '<none>', 'node-3', '1/2'],
    },
  ];
  for (const c of cases) {
    it(c.name, () => assert.deepEqual(cells('Pod', c.pod), c.want));
  }

  it('marks finished pods with a Completed row condition', () => {
    const table = buildTable('Pod', '', 'v1', [
      { metadata: meta('ok', M), spec: { containers: [] }, status: { phase: 'Succeeded' } },
      { metadata: meta('bad', M), spec: { containers: [] }, status: { phase: 'Failed' } },
      { metadata: meta('live', M), spec: { containers: [] }, status: { phase: 'Running' } },
    ], { now: NOW });
    assert.deepEqual(table.rows![0]!.conditions, [
      { type: 'Completed', status: 'True', reason: 'Succeeded', message: 'The pod has completed successfully.' },
    ]);
    assert.deepEqual(table.rows![1]!.conditions, [{ type: 'Completed', status: 'True', reason: 'Failed', message: 'The pod failed.' }]);
    assert.equal('conditions' in table.rows![2]!, false);
  });

  it('leaves the wide cells out of narrow rows', () => {
    const pod = { metadata: meta('p', M), spec: { containers: [{ name: 'a' }] }, status: { phase: 'Pending' } };
    assert.deepEqual(cells('Pod', pod, { wide: false }), ['p', '0/1', 'Pending', '0', '60s']);
  });
});

// Cells: NAME TYPE CLUSTER-IP EXTERNAL-IP PORT(S) AGE | SELECTOR
describe('service printer', () => {
  const svc = (name: string, spec: Record<string, unknown>, status: Record<string, unknown> = {}): KubeObject => ({
    metadata: meta(name, 45 * 24 * H),
    spec,
    status,
  });
  const cases: Array<{ name: string; svc: KubeObject; want: unknown[]; narrow?: unknown[] }> = [
    {
      name: 'the kubernetes service',
      svc: svc('kubernetes', {
        type: 'ClusterIP',
        clusterIP: '10.96.0.1',
        clusterIPs: ['10.96.0.1'],
        ports: [{ name: 'https', port: 443, protocol: 'TCP', targetPort: 6443 }],
      }),
      want: ['kubernetes', 'ClusterIP', '10.96.0.1', '<none>', '443/TCP', '45d', '<none>'],
    },
    {
      name: 'cluster IP with several ports and a selector',
      svc: svc('kube-dns', {
        type: 'ClusterIP',
        clusterIP: '10.96.0.10',
        clusterIPs: ['10.96.0.10'],
        selector: { 'k8s-app': 'kube-dns' },
        ports: [
          { name: 'dns', port: 53, protocol: 'UDP' },
          { name: 'dns-tcp', port: 53, protocol: 'TCP' },
          { name: 'metrics', port: 9153, protocol: 'TCP' },
        ],
      }),
      want: ['kube-dns', 'ClusterIP', '10.96.0.10', '<none>', '53/UDP,53/TCP,9153/TCP', '45d', 'k8s-app=kube-dns'],
    },
    {
      name: 'node port with external IPs',
      svc: svc('web', {
        type: 'NodePort',
        clusterIP: '10.96.12.34',
        clusterIPs: ['10.96.12.34', 'fd00:10:96::1234'],
        externalIPs: ['198.51.100.7', '198.51.100.8'],
        selector: { app: 'web', tier: 'frontend' },
        ports: [{ port: 80, nodePort: 30080, protocol: 'TCP', targetPort: 8080 }],
      }),
      want: ['web', 'NodePort', '10.96.12.34', '198.51.100.7,198.51.100.8', '80:30080/TCP', '45d', 'app=web,tier=frontend'],
    },
    {
      name: 'load balancer pending',
      svc: svc('lb', { type: 'LoadBalancer', clusterIPs: ['10.96.5.5'], ports: [{ port: 443, nodePort: 31443, protocol: 'TCP' }] }),
      want: ['lb', 'LoadBalancer', '10.96.5.5', '<pending>', '443:31443/TCP', '45d', '<none>'],
    },
    {
      name: 'load balancer with ingress points (sorted, full width)',
      svc: svc(
        'lb',
        { type: 'LoadBalancer', clusterIPs: ['10.96.5.5'], ports: [{ port: 80, nodePort: 30001, protocol: 'TCP' }] },
        { loadBalancer: { ingress: [{ hostname: 'lb.example.com' }, { ip: '203.0.113.10' }, { ip: '203.0.113.10' }] } },
      ),
      want: ['lb', 'LoadBalancer', '10.96.5.5', '203.0.113.10,lb.example.com', '80:30001/TCP', '45d', '<none>'],
      narrow: ['lb', 'LoadBalancer', '10.96.5.5', '203.0.113.10,...', '80:30001/TCP', '45d'],
    },
    {
      name: 'load balancer with ingress and external IPs',
      svc: svc(
        'lb',
        { type: 'LoadBalancer', clusterIPs: ['10.96.5.5'], externalIPs: ['198.51.100.1'], ports: [{ port: 80, protocol: 'TCP' }] },
        { loadBalancer: { ingress: [{ ip: '203.0.113.10' }] } },
      ),
      want: ['lb', 'LoadBalancer', '10.96.5.5', '203.0.113.10,198.51.100.1', '80/TCP', '45d', '<none>'],
    },
    {
      name: 'external name',
      svc: svc('db', { type: 'ExternalName', externalName: 'db.example.com' }),
      want: ['db', 'ExternalName', '<none>', 'db.example.com', '<none>', '45d', '<none>'],
    },
    {
      name: 'headless',
      svc: svc('web-headless', {
        type: 'ClusterIP',
        clusterIP: 'None',
        clusterIPs: ['None'],
        selector: { app: 'web' },
        ports: [{ port: 80, protocol: 'TCP' }],
      }),
      want: ['web-headless', 'ClusterIP', 'None', '<none>', '80/TCP', '45d', 'app=web'],
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      assert.deepEqual(cells('Service', c.svc), c.want);
      if (c.narrow) assert.deepEqual(cells('Service', c.svc, { wide: false }), c.narrow);
    });
  }
});

// Cells: NAME STATUS ROLES AGE VERSION | INTERNAL-IP EXTERNAL-IP OS-IMAGE KERNEL-VERSION CONTAINER-RUNTIME
describe('node printer', () => {
  const nodeInfo = {
    kubeletVersion: 'v1.32.0',
    osImage: 'Debian GNU/Linux 12 (bookworm)',
    kernelVersion: '6.1.0-18-amd64',
    containerRuntimeVersion: 'containerd://1.7.13',
  };
  const cases: Array<{ name: string; node: KubeObject; want: unknown[] }> = [
    {
      name: 'ready control plane',
      node: {
        metadata: { name: 'cp-1', creationTimestamp: ago(30 * 24 * H), labels: { 'node-role.kubernetes.io/control-plane': '', 'kubernetes.io/os': 'linux' } },
        status: {
          conditions: [
            { type: 'MemoryPressure', status: 'False' },
            { type: 'Ready', status: 'True' },
          ],
          addresses: [
            { type: 'Hostname', address: 'cp-1' },
            { type: 'InternalIP', address: '192.168.1.10' },
          ],
          nodeInfo,
        },
      },
      want: ['cp-1', 'Ready', 'control-plane', '30d', 'v1.32.0', '192.168.1.10', '<none>', nodeInfo.osImage, nodeInfo.kernelVersion, nodeInfo.containerRuntimeVersion],
    },
    {
      name: 'cordoned, not ready worker without roles',
      node: {
        metadata: { name: 'worker-1', creationTimestamp: ago(3 * H) },
        spec: { unschedulable: true },
        status: {
          conditions: [{ type: 'Ready', status: 'Unknown', reason: 'NodeStatusUnknown' }],
          addresses: [
            { type: 'InternalIP', address: '10.0.0.5' },
            { type: 'ExternalIP', address: '203.0.113.5' },
            { type: 'ExternalIP', address: '203.0.113.6' },
          ],
          nodeInfo,
        },
      },
      want: ['worker-1', 'NotReady,SchedulingDisabled', '<none>', '3h', 'v1.32.0', '10.0.0.5', '203.0.113.5', nodeInfo.osImage, nodeInfo.kernelVersion, nodeInfo.containerRuntimeVersion],
    },
    {
      name: 'roles from both label styles, sorted and unique; no status yet',
      node: {
        metadata: {
          name: 'n',
          creationTimestamp: ago(5 * S),
          labels: {
            'node-role.kubernetes.io/worker': '',
            'kubernetes.io/role': 'master',
            'node-role.kubernetes.io/': '',
            'node-role.kubernetes.io/master': 'true',
          },
        },
      },
      want: ['n', 'Unknown', 'master,worker', '5s', '', '<none>', '<none>', '<unknown>', '<unknown>', '<unknown>'],
    },
  ];
  for (const c of cases) {
    it(c.name, () => assert.deepEqual(cells('Node', c.node), c.want));
  }
});

// Cells: LAST SEEN TYPE REASON OBJECT | SUBOBJECT SOURCE | MESSAGE | FIRST SEEN COUNT NAME
describe('event printer', () => {
  const backOff: KubeObject = {
    metadata: { name: 'web-1.17d8e3a2b4c5d6e7', namespace: 'default', creationTimestamp: ago(10 * M) },
    involvedObject: { kind: 'Pod', namespace: 'default', name: 'web-1', fieldPath: 'spec.containers{app}' },
    reason: 'BackOff',
    message: 'Back-off restarting failed container app in pod web-1\n',
    source: { component: 'kubelet', host: 'node-1' },
    firstTimestamp: ago(10 * M),
    lastTimestamp: ago(2 * M),
    count: 5,
    type: 'Warning',
  };
  const scheduled: KubeObject = {
    metadata: { name: 'web-1.17d8e3a2b4c00000', namespace: 'default', creationTimestamp: ago(15 * M) },
    involvedObject: { kind: 'Pod', namespace: 'default', name: 'web-1' },
    reason: 'Scheduled',
    message: 'Successfully assigned default/web-1 to node-1',
    source: {},
    firstTimestamp: null,
    lastTimestamp: null,
    eventTime: '2024-06-01T11:45:00.123456Z',
    reportingComponent: 'default-scheduler',
    reportingController: 'default-scheduler',
    reportingInstance: 'default-scheduler-cp-1',
    type: 'Normal',
  };
  const series: KubeObject = {
    metadata: { name: 'node-1.x', namespace: 'default', creationTimestamp: ago(H) },
    involvedObject: { kind: 'Node', name: 'node-1' },
    reason: 'NodeHasSufficientMemory',
    message: 'Node node-1 status is now: NodeHasSufficientMemory',
    source: { component: 'kubelet' },
    eventTime: ago(H),
    series: { count: 7, lastObservedTime: '2024-06-01T11:59:30.000000Z' },
    type: 'Normal',
  };
  const nameless: KubeObject = {
    metadata: { name: 'cluster.x', namespace: 'default' },
    involvedObject: { kind: 'Cluster' },
    reason: 'Odd',
    message: '  padded  ',
  };
  const cases: Array<{ name: string; event: KubeObject; want: unknown[]; narrow: unknown[] }> = [
    {
      name: 'classic event with count',
      event: backOff,
      want: ['2m', 'Warning', 'BackOff', 'pod/web-1', 'spec.containers{app}', 'kubelet, node-1', 'Back-off restarting failed container app in pod web-1', '10m', 5, 'web-1.17d8e3a2b4c5d6e7'],
      narrow: ['2m', 'Warning', 'BackOff', 'pod/web-1', 'Back-off restarting failed container app in pod web-1'],
    },
    {
      name: 'new-API event: event time, reporting controller, count 1',
      event: scheduled,
      want: ['14m', 'Normal', 'Scheduled', 'pod/web-1', '', 'default-scheduler, default-scheduler-cp-1', 'Successfully assigned default/web-1 to node-1', '14m', 1, 'web-1.17d8e3a2b4c00000'],
      narrow: ['14m', 'Normal', 'Scheduled', 'pod/web-1', 'Successfully assigned default/web-1 to node-1'],
    },
    {
      name: 'event series',
      event: series,
      want: ['30s', 'Normal', 'NodeHasSufficientMemory', 'node/node-1', '', 'kubelet', 'Node node-1 status is now: NodeHasSufficientMemory', '60m', 7, 'node-1.x'],
      narrow: ['30s', 'Normal', 'NodeHasSufficientMemory', 'node/node-1', 'Node node-1 status is now: NodeHasSufficientMemory'],
    },
    {
      name: 'no timestamps, no name',
      event: nameless,
      want: ['<unknown>', '', 'Odd', 'cluster', '', '', 'padded', '<unknown>', 1, 'cluster.x'],
      narrow: ['<unknown>', '', 'Odd', 'cluster', 'padded'],
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      assert.deepEqual(cells('Event', c.event), c.want);
      assert.deepEqual(cells('Event', c.event, { wide: false }), c.narrow);
    });
  }

  it('prints events.k8s.io/v1 events like their core/v1 form', () => {
    const v1beta: KubeObject = {
      apiVersion: 'events.k8s.io/v1',
      kind: 'Event',
      metadata: backOff.metadata,
      regarding: backOff.involvedObject,
      reason: backOff.reason,
      note: backOff.message,
      deprecatedSource: backOff.source,
      deprecatedFirstTimestamp: backOff.firstTimestamp,
      deprecatedLastTimestamp: backOff.lastTimestamp,
      deprecatedCount: backOff.count,
      type: backOff.type,
    };
    assert.deepEqual(cells('Event', v1beta, { group: 'events.k8s.io' }), cells('Event', backOff));
    const withSeries: KubeObject = {
      metadata: series.metadata,
      regarding: series.involvedObject,
      reason: series.reason,
      note: series.message,
      eventTime: series.eventTime,
      series: series.series,
      reportingController: 'kubelet',
      reportingInstance: 'node-1',
      type: 'Normal',
    };
    assert.deepEqual(cells('Event', withSeries, { group: 'events.k8s.io' }), [
      '30s', 'Normal', 'NodeHasSufficientMemory', 'node/node-1', '', 'kubelet, node-1', 'Node node-1 status is now: NodeHasSufficientMemory', '60m', 7, 'node-1.x',
    ]);
  });
});

describe('persistent volume printers', () => {
  // NAME CAPACITY ACCESS-MODES RECLAIM-POLICY STATUS CLAIM STORAGECLASS VOLUMEATTRIBUTESCLASS REASON AGE | VOLUMEMODE
  const pvCases: Array<{ name: string; pv: KubeObject; want: unknown[] }> = [
    {
      name: 'bound',
      pv: {
        metadata: { name: 'pv-data', creationTimestamp: ago(4 * H) },
        spec: {
          capacity: { storage: '10Gi' },
          accessModes: ['ReadWriteOnce'],
          persistentVolumeReclaimPolicy: 'Retain',
          claimRef: { kind: 'PersistentVolumeClaim', namespace: 'default', name: 'data-web-0' },
          storageClassName: 'standard',
          volumeMode: 'Filesystem',
          hostPath: { path: '/data' },
        },
        status: { phase: 'Bound' },
      },
      want: ['pv-data', '10Gi', 'RWO', 'Retain', 'Bound', 'default/data-web-0', 'standard', '<unset>', '', '4h', 'Filesystem'],
    },
    {
      name: 'released, being deleted, beta class annotation, canonical capacity',
      pv: {
        metadata: {
          name: 'pv-old',
          creationTimestamp: ago(400 * 24 * H),
          deletionTimestamp: ago(S),
          annotations: { 'volume.beta.kubernetes.io/storage-class': 'slow' },
        },
        spec: {
          capacity: { storage: '1024Mi' },
          accessModes: ['ReadWriteMany', 'ReadOnlyMany', 'ReadWriteOnce', 'ReadWriteOnce'],
          persistentVolumeReclaimPolicy: 'Delete',
          storageClassName: 'fast',
          volumeAttributesClassName: 'gold',
        },
        status: { phase: 'Failed', reason: 'VolumeFailedDelete' },
      },
      want: ['pv-old', '1Gi', 'RWO,ROX,RWX', 'Delete', 'Terminating', '', 'slow', 'gold', 'VolumeFailedDelete', '400d', '<unset>'],
    },
  ];
  for (const c of pvCases) {
    it(`pv: ${c.name}`, () => assert.deepEqual(cells('PersistentVolume', c.pv), c.want));
  }

  // NAME STATUS VOLUME CAPACITY ACCESS-MODES STORAGECLASS VOLUMEATTRIBUTESCLASS AGE | VOLUMEMODE
  const pvcCases: Array<{ name: string; pvc: KubeObject; want: unknown[] }> = [
    {
      name: 'pending',
      pvc: {
        metadata: meta('data-web-1', 30 * S),
        spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '5Gi' } }, storageClassName: 'standard', volumeMode: 'Filesystem' },
        status: { phase: 'Pending' },
      },
      want: ['data-web-1', 'Pending', '', '', '', 'standard', '<unset>', '30s', 'Filesystem'],
    },
    {
      name: 'bound',
      pvc: {
        metadata: meta('data-web-0', 4 * H),
        spec: {
          accessModes: ['ReadWriteOnce'],
          resources: { requests: { storage: '5Gi' } },
          storageClassName: 'standard',
          volumeName: 'pvc-0b1c2d3e',
          volumeMode: 'Block',
          volumeAttributesClassName: 'silver',
        },
        status: { phase: 'Bound', accessModes: ['ReadWriteOnce'], capacity: { storage: '5368709120' } },
      },
      want: ['data-web-0', 'Bound', 'pvc-0b1c2d3e', '5368709120', 'RWO', 'standard', 'silver', '4h', 'Block'],
    },
    {
      name: 'no class, being deleted',
      pvc: {
        metadata: meta('scratch', 4 * H, { deletionTimestamp: ago(S) }),
        spec: { volumeName: 'pv-x' },
        status: { phase: 'Bound', accessModes: ['ReadWriteOncePod'], capacity: { storage: '2Gi' } },
      },
      want: ['scratch', 'Terminating', 'pv-x', '2Gi', 'RWOP', '', '<unset>', '4h', '<unset>'],
    },
  ];
  for (const c of pvcCases) {
    it(`pvc: ${c.name}`, () => assert.deepEqual(cells('PersistentVolumeClaim', c.pvc), c.want));
  }
});

describe('endpoints printer', () => {
  const ep = (subsets: unknown): KubeObject => ({ metadata: meta('svc', 2 * M), subsets });
  const cases: Array<[string, unknown, string]> = [
    ['none', undefined, '<none>'],
    ['addresses with a port', [{ addresses: [{ ip: '10.244.1.2' }, { ip: '10.244.2.3' }], ports: [{ port: 8080, protocol: 'TCP' }] }], '10.244.1.2:8080,10.244.2.3:8080'],
    [
      'more than three',
      [{ addresses: [{ ip: '10.0.0.1' }, { ip: '10.0.0.2' }, { ip: '10.0.0.3' }], ports: [{ name: 'http', port: 80 }, { name: 'https', port: 443 }] }],
      '10.0.0.1:80,10.0.0.2:80,10.0.0.3:80 + 3 more...',
    ],
    ['ipv6', [{ addresses: [{ ip: 'fd00::1' }], ports: [{ port: 80 }] }], '[fd00::1]:80'],
    ['headless without ports', [{ addresses: [{ ip: '10.0.0.1' }, { ip: '10.0.0.2' }] }], '10.0.0.1,10.0.0.2'],
    ['only not-ready addresses', [{ notReadyAddresses: [{ ip: '10.0.0.9' }], ports: [{ port: 80 }] }], ''],
  ];
  for (const [name, subsets, want] of cases) {
    it(name, () => assert.deepEqual(cells('Endpoints', ep(subsets)), ['svc', want, '2m']));
  }
});

describe('small core printers', () => {
  const cases: Array<{ kind: string; obj: KubeObject; want: unknown[] }> = [
    { kind: 'Namespace', obj: { metadata: { name: 'kube-system', creationTimestamp: ago(100 * 24 * H) }, status: { phase: 'Active' } }, want: ['kube-system', 'Active', '100d'] },
    {
      kind: 'Namespace',
      obj: { metadata: { name: 'old', creationTimestamp: ago(H), deletionTimestamp: ago(S) }, status: { phase: 'Terminating' } },
      want: ['old', 'Terminating', '60m'],
    },
    { kind: 'ConfigMap', obj: { metadata: meta('cfg', 3 * 365 * 24 * H), data: { a: '1', b: '2' }, binaryData: { c: 'AA==' } }, want: ['cfg', 3, '3y'] },
    { kind: 'ConfigMap', obj: { metadata: meta('empty', M) }, want: ['empty', 0, '60s'] },
    { kind: 'Secret', obj: { metadata: meta('tls', M), type: 'kubernetes.io/tls', data: { 'tls.crt': 'x', 'tls.key': 'y' } }, want: ['tls', 'kubernetes.io/tls', 2, '60s'] },
    { kind: 'ServiceAccount', obj: { metadata: meta('default', M) }, want: ['default', 0, '60s'] },
    { kind: 'ServiceAccount', obj: { metadata: meta('builder', M), secrets: [{ name: 'builder-token' }] }, want: ['builder', 1, '60s'] },
    {
      kind: 'ComponentStatus',
      obj: { metadata: { name: 'etcd-0' }, conditions: [{ type: 'Healthy', status: 'True', message: 'ok' }] },
      want: ['etcd-0', 'Healthy', 'ok', ''],
    },
    {
      kind: 'ComponentStatus',
      obj: { metadata: { name: 'scheduler' }, conditions: [{ type: 'Healthy', status: 'False', error: 'connection refused' }] },
      want: ['scheduler', 'Unhealthy', '', 'connection refused'],
    },
    { kind: 'ComponentStatus', obj: { metadata: { name: 'x' } }, want: ['x', 'Unknown', '', ''] },
    {
      kind: 'ResourceQuota',
      obj: {
        metadata: meta('compute', H),
        status: {
          hard: { pods: '10', 'requests.cpu': '1', 'requests.memory': '1Gi', 'limits.cpu': '2', 'limits.memory': '2Gi', 'count/jobs.batch': '5' },
          used: { pods: '3', 'requests.cpu': '500m', 'requests.memory': '512Mi', 'limits.cpu': '1', 'limits.memory': '1024Mi' },
        },
      },
      want: [
        'compute',
        'count/jobs.batch: 0/5, pods: 3/10, requests.cpu: 500m/1, requests.memory: 512Mi/1Gi',
        'limits.cpu: 1/2, limits.memory: 1Gi/2Gi',
        '60m',
      ],
    },
    {
      kind: 'ReplicationController',
      obj: {
        metadata: meta('nginx', 6 * M),
        spec: { replicas: 3, selector: { app: 'nginx' }, template: { spec: { containers: [{ name: 'nginx', image: 'nginx:1.27' }] } } },
        status: { replicas: 3, readyReplicas: 2 },
      },
      want: ['nginx', 3, 3, 2, '6m', 'nginx', 'nginx:1.27', 'app=nginx'],
    },
    {
      kind: 'PodTemplate',
      obj: {
        metadata: meta('tmpl', M),
        template: {
          metadata: { labels: { app: 'web', tier: 'fe' } },
          spec: { containers: [{ name: 'a', image: 'img-a' }, { name: 'b', image: 'img-b' }] },
        },
      },
      want: ['tmpl', 'a,b', 'img-a,img-b', 'app=web,tier=fe'],
    },
  ];
  for (const c of cases) {
    it(`${c.kind} ${c.obj.metadata?.name}`, () => assert.deepEqual(cells(c.kind, c.obj), c.want));
  }
});
