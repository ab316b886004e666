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
const meta = (name: string, age: number, extra: Record<string, unknown> = {}) => ({ name, creationTimestamp: ago(age), ...extra });

interface Case {
  name: string;
  group: string;
  kind: string;
  obj: KubeObject;
  want: unknown[];
}

function run(cases: Case[]) {
  for (const c of cases) {
    it(`${c.kind}: ${c.name}`, () => {
      const table = buildTable(c.kind, c.group, 'v1', [c.obj], { now: NOW });
      assert.deepEqual(table.rows![0]!.cells, c.want);
    });
  }
}

describe('networking printers', () => {
  const N = 'networking.k8s.io';
  run([
    {
      name: 'class, hosts, address, TLS',
      group: N,
      kind: 'Ingress',
      obj: {
        metadata: meta('shop', 6 * D),
        spec: {
          ingressClassName: 'nginx',
          tls: [{ hosts: ['shop.example.com'], secretName: 'shop-tls' }],
          rules: [{ host: 'shop.example.com' }, { host: 'api.shop.example.com' }],
        },
        status: { loadBalancer: { ingress: [{ ip: '192.168.49.2' }] } },
      },
      want: ['shop', 'nginx', 'shop.example.com,api.shop.example.com', '192.168.49.2', '80, 443', '6d'],
    },
    {
      name: 'no class, no hosts, no address',
      group: N,
      kind: 'Ingress',
      obj: { metadata: meta('catch-all', M), spec: { defaultBackend: { service: { name: 'web', port: { number: 80 } } } } },
      want: ['catch-all', '<none>', '*', '', '80', '60s'],
    },
    {
      name: 'more than three rules (remainder counts rules)',
      group: N,
      kind: 'Ingress',
      obj: { metadata: meta('many', M), spec: { rules: [{ host: 'a' }, {}, { host: 'b' }, { host: 'c' }, { host: 'd' }, {}] } },
      want: ['many', '<none>', 'a,b,c + 3 more...', '', '80', '60s'],
    },
    {
      name: 'parameters with group',
      group: N,
      kind: 'IngressClass',
      obj: {
        metadata: meta('external-lb', D),
        spec: { controller: 'example.com/ingress-controller', parameters: { apiGroup: 'k8s.example.com', kind: 'IngressParameters', name: 'external-lb' } },
      },
      want: ['external-lb', 'example.com/ingress-controller', 'IngressParameters.k8s.example.com/external-lb', '24h'],
    },
    {
      name: 'core parameters and none',
      group: N,
      kind: 'IngressClass',
      obj: { metadata: meta('nginx', D), spec: { controller: 'k8s.io/ingress-nginx', parameters: { kind: 'ConfigMap', name: 'cfg', scope: 'Namespace', namespace: 'x' } } },
      want: ['nginx', 'k8s.io/ingress-nginx', 'ConfigMap/cfg', '24h'],
    },
    {
      name: 'no parameters',
      group: N,
      kind: 'IngressClass',
      obj: { metadata: meta('plain', D), spec: { controller: 'k8s.io/ingress-nginx' } },
      want: ['plain', 'k8s.io/ingress-nginx', '<none>', '24h'],
    },
    {
      name: 'all pods',
      group: N,
      kind: 'NetworkPolicy',
      obj: { metadata: meta('default-deny', H), spec: { podSelector: {}, policyTypes: ['Ingress'] } },
      want: ['default-deny', '<none>', '60m'],
    },
    {
      name: 'selected pods',
      group: N,
      kind: 'NetworkPolicy',
      obj: { metadata: meta('db', H), spec: { podSelector: { matchLabels: { role: 'db' } } } },
      want: ['db', 'role=db', '60m'],
    },
    {
      name: 'ports and endpoints',
      group: 'discovery.k8s.io',
      kind: 'EndpointSlice',
      obj: {
        metadata: meta('web-abc12', H),
        addressType: 'IPv4',
        ports: [{ name: 'http', port: 8080, protocol: 'TCP' }],
        endpoints: [
          { addresses: ['10.244.1.7'], conditions: { ready: true } },
          { addresses: ['10.244.2.3'], conditions: { ready: false } },
        ],
      },
      want: ['web-abc12', 'IPv4', '8080', '10.244.1.7,10.244.2.3', '60m'],
    },
    {
      name: 'many ports, unnamed and unnumbered, no endpoints',
      group: 'discovery.k8s.io',
      kind: 'EndpointSlice',
      obj: {
        metadata: meta('multi', H),
        addressType: 'IPv6',
        ports: [{ port: 80 }, { name: 'metrics' }, {}, { port: 443 }],
        endpoints: null,
      },
      want: ['multi', 'IPv6', '80,metrics,* + 1 more...', '<unset>', '60m'],
    },
    {
      name: 'headless, no ports, many addresses',
      group: 'discovery.k8s.io',
      kind: 'EndpointSlice',
      obj: {
        metadata: meta('headless', H),
        addressType: 'IPv4',
        endpoints: [{ addresses: ['10.0.0.1', '10.0.0.2'] }, { addresses: ['10.0.0.3'] }, { addresses: ['10.0.0.4', '10.0.0.5'] }],
      },
      want: ['headless', 'IPv4', '<unset>', '10.0.0.1,10.0.0.2,10.0.0.3 + 2 more...', '60m'],
    },
  ]);
});

describe('storage printers', () => {
  const ST = 'storage.k8s.io';
  run([
    {
      name: 'default class',
      group: ST,
      kind: 'StorageClass',
      obj: {
        metadata: meta('standard', 20 * D, { annotations: { 'storageclass.kubernetes.io/is-default-class': 'true' } }),
        provisioner: 'rancher.io/local-path',
        reclaimPolicy: 'Delete',
        volumeBindingMode: 'WaitForFirstConsumer',
        allowVolumeExpansion: true,
      },
      want: ['standard (default)', 'rancher.io/local-path', 'Delete', 'WaitForFirstConsumer', true, '20d'],
    },
    {
      name: 'defaults applied to absent fields, beta default annotation',
      group: ST,
      kind: 'StorageClass',
      obj: { metadata: meta('old', 20 * D, { annotations: { 'storageclass.beta.kubernetes.io/is-default-class': 'true' } }), provisioner: 'x' },
      want: ['old (default)', 'x', 'Delete', 'Immediate', false, '20d'],
    },
    {
      name: 'not default',
      group: ST,
      kind: 'StorageClass',
      obj: { metadata: meta('slow', 20 * D, { annotations: { 'storageclass.kubernetes.io/is-default-class': 'false' } }), provisioner: 'x', reclaimPolicy: 'Retain' },
      want: ['slow', 'x', 'Retain', 'Immediate', false, '20d'],
    },
    {
      name: 'defaults',
      group: ST,
      kind: 'CSIDriver',
      obj: { metadata: meta('hostpath.csi.k8s.io', H), spec: { volumeLifecycleModes: ['Persistent', 'Ephemeral'] } },
      want: ['hostpath.csi.k8s.io', true, false, false, '<unset>', false, 'Persistent,Ephemeral', '60m'],
    },
    {
      name: 'everything set',
      group: ST,
      kind: 'CSIDriver',
      obj: {
        metadata: meta('secrets-store.csi.k8s.io', H),
        spec: {
          attachRequired: false,
          podInfoOnMount: true,
          storageCapacity: true,
          tokenRequests: [{ audience: 'vault' }, { audience: 'aws', expirationSeconds: 3600 }],
          requiresRepublish: true,
        },
      },
      want: ['secrets-store.csi.k8s.io', false, true, true, 'vault,aws', true, '<none>', '60m'],
    },
    {
      name: 'empty token requests',
      group: ST,
      kind: 'CSIDriver',
      obj: { metadata: meta('d', H), spec: { tokenRequests: [] } },
      want: ['d', true, false, false, '', false, '<none>', '60m'],
    },
    {
      name: 'drivers',
      group: ST,
      kind: 'CSINode',
      obj: { metadata: meta('node-1', H), spec: { drivers: [{ name: 'a', nodeID: 'n' }, { name: 'b', nodeID: 'n' }] } },
      want: ['node-1', 2, '60m'],
    },
    {
      name: 'capacity',
      group: ST,
      kind: 'CSIStorageCapacity',
      obj: { metadata: meta('csisc-abcde', H), storageClassName: 'standard', capacity: '102400Mi', nodeTopology: {} },
      want: ['csisc-abcde', 'standard', '100Gi'],
    },
    {
      name: 'no capacity',
      group: ST,
      kind: 'CSIStorageCapacity',
      obj: { metadata: meta('csisc-x', H), storageClassName: 'standard' },
      want: ['csisc-x', 'standard', '<unset>'],
    },
    {
      name: 'attached',
      group: ST,
      kind: 'VolumeAttachment',
      obj: {
        metadata: meta('csi-0123abcd', H),
        spec: { attacher: 'ebs.csi.aws.com', nodeName: 'node-1', source: { persistentVolumeName: 'pvc-1' } },
        status: { attached: true },
      },
      want: ['csi-0123abcd', 'ebs.csi.aws.com', 'pvc-1', 'node-1', true, '60m'],
    },
    {
      name: 'inline volume, not attached yet',
      group: ST,
      kind: 'VolumeAttachment',
      obj: { metadata: meta('csi-x', H), spec: { attacher: 'a', nodeName: 'node-2', source: { inlineVolumeSpec: {} } } },
      want: ['csi-x', 'a', '', 'node-2', false, '60m'],
    },
  ]);
});

describe('policy, rbac, certificates, coordination, scheduling, node printers', () => {
  const RBAC = 'rbac.authorization.k8s.io';
  const subjects = [
    { kind: 'User', apiGroup: RBAC, name: 'alice' },
    { kind: 'Group', apiGroup: RBAC, name: 'devs' },
    { kind: 'ServiceAccount', namespace: 'default', name: 'builder' },
    { kind: 'User', apiGroup: RBAC, name: 'bob' },
    { kind: 'ServiceAccount', namespace: 'kube-system', name: 'deployer' },
  ];
  run([
    {
      name: 'min available',
      group: 'policy',
      kind: 'PodDisruptionBudget',
      obj: { metadata: meta('web-pdb', H), spec: { minAvailable: 2, selector: { matchLabels: { app: 'web' } } }, status: { disruptionsAllowed: 1 } },
      want: ['web-pdb', '2', 'N/A', 1, '60m'],
    },
    {
      name: 'max unavailable percentage',
      group: 'policy',
      kind: 'PodDisruptionBudget',
      obj: { metadata: meta('db-pdb', H), spec: { maxUnavailable: '25%' }, status: {} },
      want: ['db-pdb', 'N/A', '25%', 0, '60m'],
    },
    {
      name: 'subjects by kind',
      group: RBAC,
      kind: 'RoleBinding',
      obj: { metadata: meta('edit', H), roleRef: { apiGroup: RBAC, kind: 'ClusterRole', name: 'edit' }, subjects },
      want: ['edit', 'ClusterRole/edit', '60m', 'alice, bob', 'devs', 'default/builder, kube-system/deployer'],
    },
    {
      name: 'no subjects',
      group: RBAC,
      kind: 'ClusterRoleBinding',
      obj: { metadata: meta('system:basic-user', 200 * D), roleRef: { apiGroup: RBAC, kind: 'ClusterRole', name: 'system:basic-user' } },
      want: ['system:basic-user', 'ClusterRole/system:basic-user', '200d', '', '', ''],
    },
    {
      name: 'approved and issued',
      group: 'certificates.k8s.io',
      kind: 'CertificateSigningRequest',
      obj: {
        metadata: meta('csr-8x7kq', 5 * M),
        spec: { signerName: 'kubernetes.io/kube-apiserver-client-kubelet', username: 'system:node:node-1', expirationSeconds: 86400, request: 'LS0t' },
        status: { conditions: [{ type: 'Approved', status: 'True', reason: 'AutoApproved' }], certificate: 'LS0tLS1CRUdJTg==' },
      },
      want: ['csr-8x7kq', '5m', 'kubernetes.io/kube-apiserver-client-kubelet', 'system:node:node-1', '24h', 'Approved,Issued'],
    },
    {
      name: 'pending',
      group: 'certificates.k8s.io',
      kind: 'CertificateSigningRequest',
      obj: { metadata: meta('csr-pending', 5 * M), spec: { signerName: 'example.com/signer', username: 'alice' } },
      want: ['csr-pending', '5m', 'example.com/signer', 'alice', '<none>', 'Pending'],
    },
    {
      name: 'denied wins, failed appended',
      group: 'certificates.k8s.io',
      kind: 'CertificateSigningRequest',
      obj: {
        metadata: meta('csr-bad', 5 * M),
        spec: { username: 'mallory', expirationSeconds: 600 },
        status: {
          conditions: [
            { type: 'Approved', status: 'True' },
            { type: 'Denied', status: 'True' },
            { type: 'Failed', status: 'True' },
          ],
        },
      },
      want: ['csr-bad', '5m', '<none>', 'mallory', '10m', 'Denied,Failed'],
    },
    {
      name: 'held',
      group: 'coordination.k8s.io',
      kind: 'Lease',
      obj: { metadata: meta('kube-scheduler', 2 * D), spec: { holderIdentity: 'cp-1_5f1b1c1e', leaseDurationSeconds: 15 } },
      want: ['kube-scheduler', 'cp-1_5f1b1c1e', '2d'],
    },
    {
      name: 'released',
      group: 'coordination.k8s.io',
      kind: 'Lease',
      obj: { metadata: meta('free', 2 * D), spec: {} },
      want: ['free', '', '2d'],
    },
    {
      name: 'system class',
      group: 'scheduling.k8s.io',
      kind: 'PriorityClass',
      obj: { metadata: meta('system-cluster-critical', 50 * D), value: 2000000000, preemptionPolicy: 'PreemptLowerPriority', description: 'critical' },
      want: ['system-cluster-critical', 2000000000, false, '50d', 'PreemptLowerPriority'],
    },
    {
      name: 'global default, never preempting',
      group: 'scheduling.k8s.io',
      kind: 'PriorityClass',
      obj: { metadata: meta('low', 50 * D), value: -10, globalDefault: true, preemptionPolicy: 'Never' },
      want: ['low', -10, true, '50d', 'Never'],
    },
    {
      name: 'handler',
      group: 'node.k8s.io',
      kind: 'RuntimeClass',
      obj: { metadata: meta('gvisor', D), handler: 'runsc' },
      want: ['gvisor', 'runsc', '24h'],
    },
  ]);
});

describe('control plane printers', () => {
  const AR = 'admissionregistration.k8s.io';
  const FC = 'flowcontrol.apiserver.k8s.io';
  run([
    {
      name: 'webhooks counted',
      group: AR,
      kind: 'MutatingWebhookConfiguration',
      obj: { metadata: meta('istio-sidecar-injector', 9 * D), webhooks: [{ name: 'a' }, { name: 'b' }] },
      want: ['istio-sidecar-injector', 2, '9d'],
    },
    {
      name: 'no webhooks',
      group: AR,
      kind: 'ValidatingWebhookConfiguration',
      obj: { metadata: meta('empty', 9 * D) },
      want: ['empty', 0, '9d'],
    },
    {
      name: 'with param kind',
      group: AR,
      kind: 'ValidatingAdmissionPolicy',
      obj: {
        metadata: meta('replica-limit', H),
        spec: { paramKind: { apiVersion: 'rules.example.com/v1', kind: 'ReplicaLimit' }, validations: [{ expression: 'object.spec.replicas <= params.maxReplicas' }] },
      },
      want: ['replica-limit', 1, 'rules.example.com/v1/ReplicaLimit', '60m'],
    },
    {
      name: 'without param kind',
      group: AR,
      kind: 'ValidatingAdmissionPolicy',
      obj: { metadata: meta('no-params', H), spec: { validations: [{ expression: 'true' }, { expression: 'true' }] } },
      want: ['no-params', 2, '<unset>', '60m'],
    },
    {
      name: 'param ref by name and namespace',
      group: AR,
      kind: 'ValidatingAdmissionPolicyBinding',
      obj: { metadata: meta('b1', H), spec: { policyName: 'replica-limit', paramRef: { name: 'limit-test', namespace: 'default' } } },
      want: ['b1', 'replica-limit', 'default/limit-test', '60m'],
    },
    {
      name: 'param ref by name only',
      group: AR,
      kind: 'ValidatingAdmissionPolicyBinding',
      obj: { metadata: meta('b2', H), spec: { policyName: 'replica-limit', paramRef: { name: 'limit-test', parameterNotFoundAction: 'Deny' } } },
      want: ['b2', 'replica-limit', '*/limit-test', '60m'],
    },
    {
      name: 'param ref by selector',
      group: AR,
      kind: 'ValidatingAdmissionPolicyBinding',
      obj: { metadata: meta('b3', H), spec: { policyName: 'p', paramRef: { selector: { matchLabels: { env: 'test' } } } } },
      want: ['b3', 'p', '&LabelSelector{MatchLabels:map[string]string{env: test,},MatchExpressions:[]LabelSelectorRequirement{},}', '60m'],
    },
    {
      name: 'no param ref',
      group: AR,
      kind: 'ValidatingAdmissionPolicyBinding',
      obj: { metadata: meta('b4', H), spec: { policyName: 'p', validationActions: ['Deny'] } },
      want: ['b4', 'p', '<unset>', '60m'],
    },
    {
      name: 'flow schema, not dangling',
      group: FC,
      kind: 'FlowSchema',
      obj: {
        metadata: meta('workload-leader-election', 80 * D),
        spec: { priorityLevelConfiguration: { name: 'leader-election' }, matchingPrecedence: 200, distinguisherMethod: { type: 'ByUser' } },
        status: { conditions: [{ type: 'Dangling', status: 'False', reason: 'Found' }] },
      },
      want: ['workload-leader-election', 'leader-election', 200, 'ByUser', '80d', 'False'],
    },
    {
      name: 'flow schema, no status yet',
      group: FC,
      kind: 'FlowSchema',
      obj: { metadata: meta('exempt', 80 * D), spec: { priorityLevelConfiguration: { name: 'exempt' }, matchingPrecedence: 1 } },
      want: ['exempt', 'exempt', 1, '<none>', '80d', '?'],
    },
    {
      name: 'limited with queuing',
      group: FC,
      kind: 'PriorityLevelConfiguration',
      obj: {
        metadata: meta('workload-high', 80 * D),
        spec: {
          type: 'Limited',
          limited: { nominalConcurrencyShares: 40, lendablePercent: 50, limitResponse: { type: 'Queue', queuing: { queues: 128, handSize: 6, queueLengthLimit: 50 } } },
        },
      },
      want: ['workload-high', 'Limited', 40, 128, 6, 50, '80d'],
    },
    {
      name: 'limited, rejecting',
      group: FC,
      kind: 'PriorityLevelConfiguration',
      obj: { metadata: meta('catch-all', 80 * D), spec: { type: 'Limited', limited: { nominalConcurrencyShares: 5, limitResponse: { type: 'Reject' } } } },
      want: ['catch-all', 'Limited', 5, '<none>', '<none>', '<none>', '80d'],
    },
    {
      name: 'exempt',
      group: FC,
      kind: 'PriorityLevelConfiguration',
      obj: { metadata: meta('exempt', 80 * D), spec: { type: 'Exempt', exempt: { nominalConcurrencyShares: 0 } } },
      want: ['exempt', 'Exempt', '<none>', '<none>', '<none>', '<none>', '80d'],
    },
    {
      name: 'local, available',
      group: 'apiregistration.k8s.io',
      kind: 'APIService',
      obj: {
        metadata: meta('v1.apps', 300 * D),
        spec: { group: 'apps', version: 'v1', groupPriorityMinimum: 17800, versionPriority: 15 },
        status: { conditions: [{ type: 'Available', status: 'True', reason: 'Local' }] },
      },
      want: ['v1.apps', 'Local', 'True', '300d'],
    },
    {
      name: 'aggregated, failing discovery',
      group: 'apiregistration.k8s.io',
      kind: 'APIService',
      obj: {
        metadata: meta('v1beta1.metrics.k8s.io', 2 * H),
        spec: { service: { namespace: 'kube-system', name: 'metrics-server', port: 443 }, group: 'metrics.k8s.io', version: 'v1beta1' },
        status: { conditions: [{ type: 'Available', status: 'False', reason: 'FailedDiscoveryCheck', message: 'failing' }] },
      },
      want: ['v1beta1.metrics.k8s.io', 'kube-system/metrics-server', 'False (FailedDiscoveryCheck)', '120m'],
    },
    {
      name: 'no status yet',
      group: 'apiregistration.k8s.io',
      kind: 'APIService',
      obj: { metadata: meta('v1.example.com', 5 * S), spec: { service: { namespace: 'x', name: 'y' } } },
      want: ['v1.example.com', 'x/y', 'Unknown', '5s'],
    },
  ]);
});
