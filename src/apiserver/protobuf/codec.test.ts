import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isBadRequest } from '../../apimachinery/status.js';
import type { KubeObject } from '../../apimachinery/types.js';
import { decodeKubernetesProtobuf, decodeMessage, encodeKubernetesProtobuf, encodeMessage, messageForKind, readEnvelope } from './index.js';
import { WireType, Writer } from './wire.js';

const roundTrip = (o: KubeObject) => decodeKubernetesProtobuf(encodeKubernetesProtobuf(o.apiVersion!, o.kind!, o)).object;

/**
 * Realistic objects, each written in the exact form Go's JSON encoder gives the same Go value
 * (creationTimestamp null, empty structs present, ...), so decode(encode(x)) must equal x
 * key order included.
 */
const objects: [string, KubeObject][] = [
  [
    'Deployment with a pod template',
    {
      kind: 'Deployment',
      apiVersion: 'apps/v1',
      metadata: { name: 'web', namespace: 'prod', creationTimestamp: null, labels: { app: 'web', tier: 'fe' } },
      spec: {
        replicas: 0,
        selector: { matchLabels: { app: 'web' }, matchExpressions: [{ key: 'tier', operator: 'In', values: ['fe', 'be'] }] },
        template: {
          metadata: { creationTimestamp: null, labels: { app: 'web' }, annotations: { 'a/b': '' } },
          spec: {
            volumes: [
              { name: 'cfg', configMap: { name: 'web-cfg', items: [{ key: 'k', path: 'p' }], defaultMode: 420 } },
              { name: 'scratch', emptyDir: { sizeLimit: '1Gi' } },
            ],
            initContainers: [{ name: 'init', image: 'busybox', command: ['true'], resources: {} }],
            containers: [
              {
                name: 'nginx',
                image: 'nginx:1.27',
                ports: [{ name: 'http', containerPort: 80, protocol: 'TCP' }],
                env: [
                  { name: 'A', value: '1' },
                  { name: 'POD', valueFrom: { fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.name' } } },
                ],
                resources: { limits: { memory: '128Mi' }, requests: { cpu: '100m', memory: '64Mi' } },
                volumeMounts: [{ name: 'cfg', readOnly: true, mountPath: '/etc/cfg' }],
                livenessProbe: { httpGet: { path: '/healthz', port: 'http', scheme: 'HTTP' }, initialDelaySeconds: 3, periodSeconds: 10 },
                readinessProbe: { tcpSocket: { port: 80 }, failureThreshold: 1 },
                imagePullPolicy: 'IfNotPresent',
                securityContext: { runAsUser: 0, runAsNonRoot: false, allowPrivilegeEscalation: false },
              },
            ],
            restartPolicy: 'Always',
            terminationGracePeriodSeconds: 30,
            dnsPolicy: 'ClusterFirst',
            securityContext: { supplementalGroups: [1000, 2000], fsGroup: 2000 },
            schedulerName: 'default-scheduler',
            tolerations: [{ key: 'k', operator: 'Exists', effect: 'NoSchedule', tolerationSeconds: 0 }],
          },
        },
        strategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 0, maxSurge: '25%' } },
        revisionHistoryLimit: 0,
        progressDeadlineSeconds: 600,
      },
      status: { observedGeneration: 4, replicas: 2, conditions: [{ type: 'Available', status: 'True', lastUpdateTime: '2026-01-02T03:04:05Z', lastTransitionTime: null, reason: 'MinimumReplicasAvailable', message: 'ok' }] },
    },
  ],
  [
    'Secret with binary data',
    {
      kind: 'Secret',
      apiVersion: 'v1',
      metadata: { name: 's', namespace: 'default', uid: 'u-1', resourceVersion: '42', generation: 1, creationTimestamp: '2026-01-02T03:04:05Z' },
      immutable: false,
      data: { bin: Buffer.from([0, 1, 254, 255]).toString('base64'), empty: '', text: Buffer.from('héllo').toString('base64') },
      stringData: { plain: 'p' },
      type: 'kubernetes.io/tls',
    },
  ],
  [
    'Service with a named targetPort',
    {
      kind: 'Service',
      apiVersion: 'v1',
      metadata: { name: 'web', creationTimestamp: null },
      spec: {
        ports: [
          { name: 'http', protocol: 'TCP', appProtocol: 'http', port: 80, targetPort: 'http', nodePort: 30080 },
          { name: 'metrics', protocol: 'TCP', port: 9090, targetPort: 9090 },
        ],
        selector: { app: 'web' },
        clusterIP: '10.0.0.10',
        clusterIPs: ['10.0.0.10'],
        type: 'NodePort',
        sessionAffinity: 'None',
        externalTrafficPolicy: 'Cluster',
        ipFamilies: ['IPv4'],
        ipFamilyPolicy: 'SingleStack',
        internalTrafficPolicy: 'Cluster',
      },
      status: { loadBalancer: {} },
    },
  ],
  [
    'Pod with quantities, timestamps, an int64 beyond 2^53 and a negative priority',
    {
      kind: 'Pod',
      apiVersion: 'v1',
      metadata: {
        name: 'p',
        namespace: 'default',
        creationTimestamp: '2026-01-02T03:04:05Z',
        deletionTimestamp: '2026-01-02T03:05:00Z',
        deletionGracePeriodSeconds: 0,
        ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'rs', uid: 'u-2', controller: true, blockOwnerDeletion: true }],
        finalizers: ['example.com/f'],
      },
      spec: {
        containers: [{ name: 'c', image: 'i', resources: { limits: { cpu: '1', 'example.com/gpu': '2' }, requests: { cpu: '500m', memory: '1Gi' } } }],
        activeDeadlineSeconds: 2n ** 60n + 1n,
        nodeName: 'n1',
        priority: -5,
        overhead: { cpu: '10m' },
      },
      status: {
        phase: 'Running',
        conditions: [{ type: 'Ready', status: 'True', lastProbeTime: null, lastTransitionTime: '2026-01-02T03:04:06Z' }],
        podIP: '10.1.0.5',
        podIPs: [{ ip: '10.1.0.5' }],
        startTime: '2026-01-02T03:04:05Z',
        containerStatuses: [
          {
            name: 'c',
            state: { running: { startedAt: '2026-01-02T03:04:07Z' } },
            lastState: {},
            ready: true,
            restartCount: 0,
            image: 'i',
            imageID: '',
            started: true,
          },
        ],
        qosClass: 'Burstable',
      },
    },
  ],
  [
    'Job with timestamps and managed fields',
    {
      kind: 'Job',
      apiVersion: 'batch/v1',
      metadata: {
        name: 'j',
        creationTimestamp: '1969-07-20T20:17:40Z',
        managedFields: [
          {
            manager: 'kubectl-create',
            operation: 'Update',
            apiVersion: 'batch/v1',
            time: '2026-01-02T03:04:05Z',
            fieldsType: 'FieldsV1',
            fieldsV1: { 'f:spec': { 'f:backoffLimit': {}, 'f:template': { '.': {} } } },
          },
        ],
      },
      spec: {
        parallelism: 1,
        completions: 1,
        backoffLimit: 0,
        ttlSecondsAfterFinished: 100,
        template: { metadata: { creationTimestamp: null }, spec: { containers: [{ name: 'j', image: 'busybox', command: ['echo', 'hi'], resources: {} }], restartPolicy: 'Never' } },
      },
      status: {
        conditions: [{ type: 'Complete', status: 'True', lastProbeTime: '2026-01-02T03:04:10Z', lastTransitionTime: '2026-01-02T03:04:10Z' }],
        startTime: '2026-01-02T03:04:05Z',
        completionTime: '2026-01-02T03:04:10Z',
        succeeded: 1,
        ready: 0,
      },
    },
  ],
  [
    'ConfigMap with binaryData',
    {
      kind: 'ConfigMap',
      apiVersion: 'v1',
      metadata: { name: 'c', creationTimestamp: null },
      data: { 'a.txt': 'line\n', 'b.json': '{"x":1}' },
      binaryData: { 'blob.bin': Buffer.from(Array.from({ length: 300 }, (_, i) => i % 256)).toString('base64') },
    },
  ],
  [
    'DeleteOptions (meta.k8s.io/v1)',
    {
      kind: 'DeleteOptions',
      apiVersion: 'meta.k8s.io/v1',
      gracePeriodSeconds: 0,
      preconditions: { uid: 'u-1', resourceVersion: '7' },
      orphanDependents: false,
      propagationPolicy: 'Foreground',
      dryRun: ['All'],
    },
  ],
  ['DeleteOptions in a built-in group version', { kind: 'DeleteOptions', apiVersion: 'apps/v1', propagationPolicy: 'Background' }],
  ['DeleteOptions in a custom resource group version', { kind: 'DeleteOptions', apiVersion: 'example.com/v1', gracePeriodSeconds: 5 }],
  [
    'events.k8s.io Event with MicroTime',
    {
      kind: 'Event',
      apiVersion: 'events.k8s.io/v1',
      metadata: { name: 'e', namespace: 'default', creationTimestamp: null },
      eventTime: '2026-01-02T03:04:05.123456Z',
      series: { count: 2, lastObservedTime: '2026-01-02T03:04:06.000001Z' },
      reportingController: 'k8ts',
      reportingInstance: 'k8ts-1',
      action: 'Scheduled',
      reason: 'Scheduled',
      regarding: { kind: 'Pod', namespace: 'default', name: 'p' },
      note: 'assigned',
      type: 'Normal',
      deprecatedSource: {},
      deprecatedFirstTimestamp: null,
      deprecatedLastTimestamp: null,
    },
  ],
  [
    'Lease with MicroTime pointers',
    {
      kind: 'Lease',
      apiVersion: 'coordination.k8s.io/v1',
      metadata: { name: 'l', namespace: 'kube-node-lease', creationTimestamp: null },
      spec: { holderIdentity: 'n1', leaseDurationSeconds: 40, renewTime: '2026-01-02T03:04:05.000000Z' },
    },
  ],
  [
    'ControllerRevision with a RawExtension',
    {
      kind: 'ControllerRevision',
      apiVersion: 'apps/v1',
      metadata: { name: 'cr', creationTimestamp: null },
      data: { spec: { template: { metadata: { labels: { a: 'b' } } } }, $patch: 'replace' },
      revision: 3,
    },
  ],
  [
    'APIResourceList (verbs is a named slice)',
    {
      kind: 'APIResourceList',
      apiVersion: 'v1',
      groupVersion: 'apps/v1',
      resources: [
        { name: 'deployments', singularName: 'deployment', namespaced: true, kind: 'Deployment', verbs: ['create', 'get'], shortNames: ['deploy'], categories: ['all'], storageVersionHash: 'h' },
        { name: 'deployments/scale', singularName: '', namespaced: true, group: 'autoscaling', version: 'v1', kind: 'Scale', verbs: [] },
        { name: 'x', singularName: '', namespaced: false, kind: 'X', verbs: null },
      ],
    },
  ],
  [
    'SubjectAccessReview with extra (map of named slices)',
    {
      kind: 'SubjectAccessReview',
      apiVersion: 'authorization.k8s.io/v1',
      metadata: { creationTimestamp: null },
      spec: {
        resourceAttributes: { namespace: 'ns', verb: 'get', resource: 'pods' },
        user: 'alice',
        groups: ['devs'],
        extra: { scopes: ['a', 'b'], empty: [] },
      },
      status: { allowed: false },
    },
  ],
  [
    'ValidatingWebhookConfiguration (proto field names that are not JSON names)',
    {
      kind: 'ValidatingWebhookConfiguration',
      apiVersion: 'admissionregistration.k8s.io/v1',
      metadata: { name: 'v', creationTimestamp: null },
      webhooks: [
        {
          name: 'v.example.com',
          clientConfig: { service: { namespace: 'ns', name: 'svc', path: '/validate', port: 443 }, caBundle: Buffer.from('CA').toString('base64') },
          rules: [{ operations: ['CREATE'], apiGroups: [''], apiVersions: ['v1'], resources: ['pods'], scope: '*' }],
          failurePolicy: 'Fail',
          sideEffects: 'None',
          timeoutSeconds: 5,
          admissionReviewVersions: ['v1'],
          matchConditions: [{ name: 'm', expression: 'true' }],
        },
      ],
    },
  ],
  [
    'ValidatingAdmissionPolicy (Validation.Expression, Variable.Name in proto)',
    {
      kind: 'ValidatingAdmissionPolicy',
      apiVersion: 'admissionregistration.k8s.io/v1',
      metadata: { name: 'vap', creationTimestamp: null },
      spec: {
        validations: [{ expression: 'object.spec.replicas <= 5', message: 'too many', reason: 'Invalid' }],
        failurePolicy: 'Fail',
        variables: [{ name: 'r', expression: 'object.spec.replicas' }],
      },
      status: {},
    },
  ],
  [
    'IngressClass (aPIGroup in proto)',
    {
      kind: 'IngressClass',
      apiVersion: 'networking.k8s.io/v1',
      metadata: { name: 'ic', creationTimestamp: null },
      spec: { controller: 'example.com/ingress', parameters: { apiGroup: 'example.com', kind: 'Params', name: 'p', scope: 'Cluster' } },
    },
  ],
  [
    'TokenRequest (uID in proto)',
    {
      kind: 'TokenRequest',
      apiVersion: 'authentication.k8s.io/v1',
      metadata: { creationTimestamp: null },
      spec: { audiences: null, expirationSeconds: 600, boundObjectRef: { kind: 'Pod', apiVersion: 'v1', name: 'p', uid: 'u-3' } },
      status: { token: 'tok', expirationTimestamp: '2026-01-02T03:14:05Z' },
    },
  ],
  [
    'Eviction',
    { kind: 'Eviction', apiVersion: 'policy/v1', metadata: { name: 'p', namespace: 'default', creationTimestamp: null }, deleteOptions: { gracePeriodSeconds: 0 } },
  ],
  [
    'Scale',
    { kind: 'Scale', apiVersion: 'autoscaling/v1', metadata: { name: 'web', namespace: 'default', creationTimestamp: null }, spec: { replicas: 5 }, status: { replicas: 3, selector: 'app=web' } },
  ],
  [
    // autoscaling/v1 ScaleSpec.replicas is a plain int32 with omitempty: zero is dropped
    'Scale to zero',
    { kind: 'Scale', apiVersion: 'autoscaling/v1', metadata: { name: 'web', namespace: 'default', creationTimestamp: null }, spec: {}, status: { replicas: 0 } },
  ],
  [
    'Binding',
    { kind: 'Binding', apiVersion: 'v1', metadata: { name: 'p', namespace: 'default', creationTimestamp: null }, target: { kind: 'Node', name: 'n1' } },
  ],
  [
    'ConfigMapList',
    {
      kind: 'ConfigMapList',
      apiVersion: 'v1',
      metadata: { resourceVersion: '10', continue: 'c', remainingItemCount: 0 } as KubeObject['metadata'],
      items: [{ metadata: { name: 'a', creationTimestamp: null }, data: { k: 'v' } }, { metadata: { name: 'b', creationTimestamp: null } }],
    },
  ],
];

describe('decode(encode(x)) == x', () => {
  for (const [name, obj] of objects) {
    it(name, () => {
      const back = roundTrip(obj);
      assert.deepEqual(back, obj);
      assert.deepEqual(Object.keys(back), Object.keys(obj));
      // a second trip is byte-stable
      const once = encodeKubernetesProtobuf(obj.apiVersion!, obj.kind!, obj);
      assert.deepEqual(encodeKubernetesProtobuf(obj.apiVersion!, obj.kind!, back), once);
    });
  }
});

/** Builds a body around a hand-written message, for wire shapes Go's encoder never makes. */
function envelope(apiVersion: string, kind: string, raw: Uint8Array, contentEncoding = ''): Uint8Array {
  const tm = new Writer().tag(1, 2).string(apiVersion).tag(2, 2).string(kind).finish();
  return new Writer().raw(Uint8Array.of(0x6b, 0x38, 0x73, 0)).tag(1, 2).bytes(tm).tag(2, 2).bytes(raw).tag(3, 2).string(contentEncoding).finish();
}
const msg = (build: (w: Writer) => void) => {
  const w = new Writer();
  build(w);
  return w.finish();
};
const LD = WireType.LengthDelimited;

describe('Go semantics for what the wire leaves out', () => {
  it('absent value fields are their zero values; absent pointers and slices are nil', () => {
    // a Service whose only port has just a name: port and targetPort are value fields
    const port = msg((w) => w.tag(1, LD).string('x'));
    const spec = msg((w) => w.tag(1, LD).bytes(port));
    const got = decodeKubernetesProtobuf(envelope('v1', 'Service', msg((w) => w.tag(2, LD).bytes(spec)))).object;
    assert.deepEqual(got, {
      kind: 'Service',
      apiVersion: 'v1',
      metadata: { creationTimestamp: null },
      spec: { ports: [{ name: 'x', port: 0, targetPort: 0 }] },
      status: { loadBalancer: {} },
    });
  });

  it('non-omitempty nil fields are null, as encoding/json writes them', () => {
    const got = decodeKubernetesProtobuf(envelope('rbac.authorization.k8s.io/v1', 'ClusterRole', new Uint8Array(0))).object;
    assert.deepEqual(got, { kind: 'ClusterRole', apiVersion: 'rbac.authorization.k8s.io/v1', metadata: { creationTimestamp: null }, rules: null });
  });

  it('a set pointer to the zero time is null, like an unset value time', () => {
    const meta = msg((w) => w.tag(9, LD).bytes(new Uint8Array(0)));
    const got = decodeKubernetesProtobuf(envelope('v1', 'ConfigMap', msg((w) => w.tag(1, LD).bytes(meta)))).object;
    assert.deepEqual(got.metadata, { creationTimestamp: null, deletionTimestamp: null });
  });

  it('Time keeps whole seconds only, MicroTime truncates to microseconds (as upstream)', () => {
    const ts = msg((w) => w.tag(1, WireType.Varint).int64(1767323045).tag(2, WireType.Varint).int32(123456789));
    assert.equal(decodeMessage('k8s.io.apimachinery.pkg.apis.meta.v1.Time', ts), '2026-01-02T03:04:05Z');
    assert.equal(decodeMessage('k8s.io.apimachinery.pkg.apis.meta.v1.MicroTime', ts), '2026-01-02T03:04:05.123456Z');
    // the epoch itself is a real time when its message is non-empty
    const epoch = msg((w) => w.tag(1, WireType.Varint).int64(0).tag(2, WireType.Varint).int32(0));
    assert.equal(decodeMessage('k8s.io.apimachinery.pkg.apis.meta.v1.Time', epoch), '1970-01-01T00:00:00Z');
  });

  it('metav1.Duration renders as a Go duration string', () => {
    const d = msg((w) => w.tag(1, WireType.Varint).int64(5_400_000_000_000));
    assert.equal(decodeMessage('k8s.io.apimachinery.pkg.apis.meta.v1.Duration', d), '1h30m0s');
    assert.deepEqual(encodeMessage('k8s.io.apimachinery.pkg.apis.meta.v1.Duration', '1h30m0s'), d);
    assert.equal(decodeMessage('k8s.io.apimachinery.pkg.apis.meta.v1.Duration', new Uint8Array(0)), '0s');
  });

  it('accepts packed and unpacked repeated scalars alike', () => {
    const packed = msg((w) => w.tag(4, LD).bytes(msg((p) => p.int64(1000).int64(-1).int64(2n ** 62n))));
    const unpacked = msg((w) => w.tag(4, WireType.Varint).int64(1000).tag(4, WireType.Varint).int64(-1).tag(4, WireType.Varint).int64(2n ** 62n));
    const name = 'k8s.io.api.core.v1.PodSecurityContext';
    const want = { supplementalGroups: [1000, -1, 2n ** 62n] };
    assert.deepEqual(decodeMessage(name, packed), want);
    assert.deepEqual(decodeMessage(name, unpacked), want);
  });

  it('skips unknown fields, and merges a repeated occurrence of a message field', () => {
    const meta1 = msg((w) => w.tag(1, LD).string('a'));
    const meta2 = msg((w) => w.tag(11, LD).bytes(msg((e) => e.tag(1, LD).string('k').tag(2, LD).string('v'))));
    const raw = msg((w) => w.tag(1, LD).bytes(meta1).tag(99, WireType.Varint).varint(7).tag(100, LD).string('junk').tag(1, LD).bytes(meta2));
    const got = decodeKubernetesProtobuf(envelope('v1', 'ConfigMap', raw)).object;
    assert.deepEqual(got.metadata, { name: 'a', creationTimestamp: null, labels: { k: 'v' } });
  });

  it('map entries without a value hold the zero value', () => {
    const entry = msg((e) => e.tag(1, LD).string('cpu'));
    const rr = msg((w) => w.tag(1, LD).bytes(entry));
    assert.deepEqual(decodeMessage('k8s.io.api.core.v1.ResourceRequirements', rr), { limits: { cpu: '0' } });
  });
});

describe('errors', () => {
  const cases: [string, () => unknown, RegExp][] = [
    ['no magic', () => decodeKubernetesProtobuf(new TextEncoder().encode('{"kind":"ConfigMap"}')), /prefix/],
    ['truncated body', () => decodeKubernetesProtobuf(encodeKubernetesProtobuf('v1', 'ConfigMap', { metadata: { name: 'x' } }).subarray(0, 20)), /could not be decoded/],
    ['unknown kind', () => decodeKubernetesProtobuf(envelope('v1', 'Nope', new Uint8Array(0))), /no kind "Nope" is registered for version "v1"/],
    ['no kind', () => decodeKubernetesProtobuf(envelope('v1', '', new Uint8Array(0))), /Kind/],
    ['content encoding', () => decodeKubernetesProtobuf(envelope('v1', 'ConfigMap', new Uint8Array(0), 'gzip')), /content encoding/],
    ['wrong wire type', () => decodeKubernetesProtobuf(envelope('v1', 'ConfigMap', msg((w) => w.tag(1, WireType.Varint).varint(1)))), /wrong wire type/],
    [
      'impossible IntOrString type',
      () => decodeMessage('k8s.io.apimachinery.pkg.util.intstr.IntOrString', msg((w) => w.tag(1, WireType.Varint).int64(2))),
      /impossible IntOrString/,
    ],
    ['encode: wrong JSON type', () => encodeKubernetesProtobuf('apps/v1', 'Deployment', { spec: { replicas: '3' } }), /\.spec\.replicas: expected int32/],
    ['encode: int32 overflow', () => encodeKubernetesProtobuf('apps/v1', 'Deployment', { spec: { replicas: 2 ** 31 } }), /expected int32/],
    ['encode: bad time', () => encodeKubernetesProtobuf('v1', 'ConfigMap', { metadata: { creationTimestamp: 'yesterday' } }), /RFC 3339/],
    ['encode: unknown kind', () => encodeKubernetesProtobuf('example.com/v1', 'Widget', {}), /no kind "Widget"/],
  ];
  for (const [name, f, re] of cases) {
    it(`${name}: 400 BadRequest`, () => {
      assert.throws(f, (e: unknown) => isBadRequest(e) && re.test((e as Error).message));
    });
  }
});

describe('kinds', () => {
  const table: [string, string, string | undefined][] = [
    ['v1', 'ConfigMap', 'k8s.io.api.core.v1.ConfigMap'],
    ['v1', 'Status', 'k8s.io.apimachinery.pkg.apis.meta.v1.Status'],
    ['v1', 'PodList', 'k8s.io.api.core.v1.PodList'],
    ['apps/v1', 'DeploymentList', 'k8s.io.api.apps.v1.DeploymentList'],
    ['autoscaling/v1', 'Scale', 'k8s.io.api.autoscaling.v1.Scale'],
    ['apps/v1beta1', 'Scale', 'k8s.io.api.apps.v1beta1.Scale'],
    ['policy/v1', 'Eviction', 'k8s.io.api.policy.v1.Eviction'],
    ['authentication.k8s.io/v1', 'TokenRequest', 'k8s.io.api.authentication.v1.TokenRequest'],
    ['meta.k8s.io/v1', 'DeleteOptions', 'k8s.io.apimachinery.pkg.apis.meta.v1.DeleteOptions'],
    ['batch/v1', 'DeleteOptions', 'k8s.io.apimachinery.pkg.apis.meta.v1.DeleteOptions'],
    ['batch/v1', 'WatchEvent', 'k8s.io.apimachinery.pkg.apis.meta.v1.WatchEvent'],
    ['apps/v1', 'ConfigMap', undefined],
    ['example.com/v1', 'Widget', undefined],
  ];
  for (const [gv, kind, want] of table) {
    it(`${gv} ${kind} -> ${want}`, () => assert.equal(messageForKind(gv, kind), want));
  }

  it('the envelope carries apiVersion and kind as written', () => {
    const env = readEnvelope(encodeKubernetesProtobuf('scheduling.k8s.io/v1', 'PriorityClass', { value: 10 }));
    assert.equal(env.apiVersion, 'scheduling.k8s.io/v1');
    assert.equal(env.kind, 'PriorityClass');
    assert.equal(env.contentEncoding, '');
  });
});
