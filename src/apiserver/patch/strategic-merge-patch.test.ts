import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Schema } from '../../api/schema/types.js';
import { isStatusError } from '../../apimachinery/status.js';
import { strategicMergePatch } from './strategic-merge-patch.js';

// Hand-made schemas mirroring the patch metadata of the real Pod and Deployment fields.
const str: Schema = { type: 'string' };
const int: Schema = { type: 'integer', format: 'int32' };
const stringMap: Schema = { type: 'object', additionalProperties: { type: 'string' } };
const atomicStrings: Schema = { type: 'array', items: str };
const ref = (name: string): Schema => ({ $ref: `io.k8s.test.${name}` });
const mergeList = (item: string, mergeKey: string, strategy = 'merge'): Schema => ({
  type: 'array',
  items: ref(item),
  'x-kubernetes-patch-strategy': strategy,
  'x-kubernetes-patch-merge-key': mergeKey,
  'x-kubernetes-list-type': 'map',
  'x-kubernetes-list-map-keys': [mergeKey],
});

const definitions: Record<string, Schema> = {
  Pod: {
    type: 'object',
    properties: { apiVersion: str, kind: str, metadata: ref('ObjectMeta'), spec: ref('PodSpec'), status: ref('PodStatus') },
  },
  ObjectMeta: {
    type: 'object',
    properties: {
      name: str,
      namespace: str,
      resourceVersion: str,
      creationTimestamp: str,
      labels: stringMap,
      annotations: stringMap,
      finalizers: {
        type: 'array',
        items: str,
        'x-kubernetes-patch-strategy': 'merge',
        'x-kubernetes-list-type': 'set',
      },
      ownerReferences: mergeList('OwnerReference', 'uid'),
    },
  },
  OwnerReference: { type: 'object', properties: { apiVersion: str, kind: str, name: str, uid: str, controller: { type: 'boolean' } } },
  PodSpec: {
    type: 'object',
    properties: {
      containers: mergeList('Container', 'name'),
      initContainers: mergeList('Container', 'name'),
      volumes: mergeList('Volume', 'name', 'merge,retainKeys'),
      tolerations: { type: 'array', items: ref('Toleration'), 'x-kubernetes-list-type': 'atomic' },
      nodeSelector: { ...stringMap, 'x-kubernetes-map-type': 'atomic' },
      imagePullSecrets: mergeList('LocalObjectReference', 'name'),
      // OpenAPI v3 style reference, with the $ref wrapped in allOf.
      securityContext: { allOf: [ref('PodSecurityContext')], default: {} },
      serviceAccountName: str,
      restartPolicy: str,
    },
  },
  PodSecurityContext: {
    type: 'object',
    properties: { runAsUser: { type: 'integer', format: 'int64' }, supplementalGroups: { type: 'array', items: { type: 'integer' } } },
  },
  Container: {
    type: 'object',
    properties: {
      name: str,
      image: str,
      command: atomicStrings,
      args: atomicStrings,
      ports: mergeList('ContainerPort', 'containerPort'),
      env: mergeList('EnvVar', 'name'),
      volumeMounts: mergeList('VolumeMount', 'mountPath'),
      resources: ref('ResourceRequirements'),
    },
  },
  ContainerPort: { type: 'object', properties: { name: str, containerPort: int, protocol: str, hostPort: int } },
  EnvVar: { type: 'object', properties: { name: str, value: str, valueFrom: ref('EnvVarSource') } },
  EnvVarSource: { type: 'object', properties: { fieldRef: { type: 'object', properties: { fieldPath: str } } } },
  VolumeMount: { type: 'object', properties: { name: str, mountPath: str, readOnly: { type: 'boolean' } } },
  ResourceRequirements: {
    type: 'object',
    properties: {
      limits: { type: 'object', additionalProperties: { type: 'string', 'x-kubernetes-int-or-string': true } },
      requests: { type: 'object', additionalProperties: { type: 'string', 'x-kubernetes-int-or-string': true } },
    },
  },
  Volume: {
    type: 'object',
    properties: {
      name: str,
      configMap: { type: 'object', properties: { name: str } },
      secret: { type: 'object', properties: { secretName: str } },
      emptyDir: { type: 'object', properties: { medium: str } },
    },
  },
  Toleration: { type: 'object', properties: { key: str, operator: str, value: str, effect: str, tolerationSeconds: int } },
  LocalObjectReference: { type: 'object', properties: { name: str } },
  PodStatus: { type: 'object', properties: { phase: str } },
  PodTemplateSpec: { type: 'object', properties: { metadata: ref('ObjectMeta'), spec: ref('PodSpec') } },
  Deployment: {
    type: 'object',
    properties: { apiVersion: str, kind: str, metadata: ref('ObjectMeta'), spec: ref('DeploymentSpec') },
  },
  DeploymentSpec: {
    type: 'object',
    properties: {
      replicas: int,
      selector: { type: 'object', properties: { matchLabels: stringMap } },
      template: ref('PodTemplateSpec'),
      strategy: { ...ref('DeploymentStrategy'), 'x-kubernetes-patch-strategy': 'retainKeys' },
      paused: { type: 'boolean' },
    },
  },
  DeploymentStrategy: { type: 'object', properties: { type: str, rollingUpdate: ref('RollingUpdateDeployment') } },
  RollingUpdateDeployment: {
    type: 'object',
    properties: { maxSurge: { 'x-kubernetes-int-or-string': true }, maxUnavailable: { 'x-kubernetes-int-or-string': true } },
  },
};

const resolve = (r: string): Schema | undefined => definitions[r.replace(/^io\.k8s\.test\./, '')];

interface Case {
  name: string;
  /** Definition the object is of; `null` for no schema at all. Default: Pod. */
  type?: string | null;
  original: unknown;
  patch: unknown;
  want?: unknown;
  error?: { code: number; message: string; reason?: string };
}

function deepFreeze<T>(v: T): T {
  if (typeof v === 'object' && v !== null) {
    for (const e of Object.values(v)) deepFreeze(e);
    Object.freeze(v);
  }
  return v;
}

const directiveKey = (k: string) =>
  k === '$patch' || k === '$retainKeys' || k.startsWith('$setElementOrder') || k.startsWith('$deleteFromPrimitiveList');

function directiveKeysIn(v: unknown, path = ''): string[] {
  if (Array.isArray(v)) return v.flatMap((e, i) => directiveKeysIn(e, `${path}[${i}]`));
  if (typeof v === 'object' && v !== null) {
    return Object.entries(v).flatMap(([k, e]) => [...(directiveKey(k) ? [`${path}.${k}`] : []), ...directiveKeysIn(e, `${path}.${k}`)]);
  }
  return [];
}

function runCases(cases: Case[]): void {
  for (const c of cases) {
    it(c.name, () => {
      // Frozen inputs: any mutation by the patch function throws.
      const original = deepFreeze(structuredClone(c.original));
      const patch = deepFreeze(structuredClone(c.patch));
      const schema = c.type === null ? undefined : ref(c.type ?? 'Pod');
      if (c.error) {
        assert.throws(
          () => strategicMergePatch(original, patch, schema, resolve),
          (e: unknown) => {
            assert.ok(isStatusError(e), `expected a StatusError, got ${String(e)}`);
            assert.equal(e.status.message, c.error!.message);
            assert.equal(e.code, c.error!.code);
            if (c.error!.reason !== undefined) assert.equal(e.reason, c.error!.reason);
            return true;
          },
        );
        return;
      }
      const got = strategicMergePatch(original, patch, schema, resolve);
      assert.deepEqual(got, c.want);
      assert.deepEqual(directiveKeysIn(got), []);
    });
  }
}

// A Deployment as `kubectl create deployment web --image=nginx:1.24` and a sidecar leave it.
const deployment = {
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name: 'web', namespace: 'default', labels: { app: 'web' } },
  spec: {
    replicas: 2,
    selector: { matchLabels: { app: 'web' } },
    strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: '25%' } },
    template: {
      metadata: { labels: { app: 'web' } },
      spec: {
        containers: [
          {
            name: 'nginx',
            image: 'nginx:1.24',
            command: ['nginx', '-g', 'daemon off;'],
            ports: [{ containerPort: 80, protocol: 'TCP' }],
            env: [
              { name: 'A', value: '1' },
              { name: 'B', value: '2' },
            ],
          },
          { name: 'sidecar', image: 'busybox:1.36' },
        ],
        volumes: [
          { name: 'data', configMap: { name: 'cfg' } },
          { name: 'cache', emptyDir: {} },
        ],
        restartPolicy: 'Always',
      },
    },
  },
};

/** `deployment` with `edit` applied to a copy. */
function deploymentWith(edit: (d: typeof deployment) => void): unknown {
  const d = structuredClone(deployment);
  edit(d);
  return d;
}

const pod = {
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: {
    name: 'p',
    namespace: 'default',
    labels: { app: 'web', tier: 'front' },
    annotations: { note: 'x' },
    finalizers: ['a.example.com/f', 'b.example.com/f'],
    creationTimestamp: null,
  },
  spec: {
    containers: [
      {
        name: 'app',
        image: 'app:1',
        ports: [
          { containerPort: 80, protocol: 'TCP' },
          { containerPort: 443, protocol: 'TCP' },
        ],
        env: [
          { name: 'A', value: '1' },
          { name: 'B', value: '2' },
        ],
      },
    ],
    tolerations: [{ key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute', tolerationSeconds: 300 }],
    nodeSelector: { disk: 'ssd' },
    securityContext: { runAsUser: 1000, supplementalGroups: [1, 2] },
  },
};

function podWith(edit: (p: typeof pod) => void): unknown {
  const p = structuredClone(pod);
  edit(p);
  return p;
}

describe('strategic merge patch: kubectl apply (three-way patches)', () => {
  runCases([
    {
      name: 'changes an image, ordering containers by $setElementOrder',
      type: 'Deployment',
      original: deployment,
      patch: {
        metadata: { annotations: { 'kubectl.kubernetes.io/last-applied-configuration': '{}' } },
        spec: {
          template: {
            spec: {
              '$setElementOrder/containers': [{ name: 'nginx' }, { name: 'sidecar' }],
              containers: [{ image: 'nginx:1.25', name: 'nginx' }],
            },
          },
        },
      },
      want: deploymentWith((d) => {
        (d.metadata as Record<string, unknown>)['annotations'] = { 'kubectl.kubernetes.io/last-applied-configuration': '{}' };
        d.spec.template.spec.containers[0]!.image = 'nginx:1.25';
      }),
    },
    {
      name: 'removes a container with $patch: delete',
      type: 'Deployment',
      original: deployment,
      patch: {
        spec: {
          template: {
            spec: {
              '$setElementOrder/containers': [{ name: 'nginx' }],
              containers: [{ $patch: 'delete', name: 'sidecar' }],
            },
          },
        },
      },
      want: deploymentWith((d) => {
        d.spec.template.spec.containers.splice(1, 1);
      }),
    },
    {
      name: 'removes a field with null and keeps the rest of the element',
      type: 'Deployment',
      original: deployment,
      patch: {
        spec: {
          template: {
            spec: {
              '$setElementOrder/containers': [{ name: 'nginx' }, { name: 'sidecar' }],
              containers: [{ command: null, name: 'nginx' }],
            },
          },
        },
      },
      want: deploymentWith((d) => {
        delete (d.spec.template.spec.containers[0] as { command?: unknown }).command;
      }),
    },
    {
      name: 'reorders containers and adds one in the middle',
      type: 'Deployment',
      original: deployment,
      patch: {
        spec: {
          template: {
            spec: {
              '$setElementOrder/containers': [{ name: 'sidecar' }, { name: 'log' }, { name: 'nginx' }],
              containers: [{ name: 'log', image: 'fluent-bit:3' }],
            },
          },
        },
      },
      want: deploymentWith((d) => {
        const [nginx, sidecar] = d.spec.template.spec.containers;
        d.spec.template.spec.containers = [sidecar!, { name: 'log', image: 'fluent-bit:3' } as never, nginx!];
      }),
    },
    {
      name: 'switches the rollout strategy with $retainKeys, clearing rollingUpdate',
      type: 'Deployment',
      original: deployment,
      patch: { spec: { strategy: { $retainKeys: ['type'], rollingUpdate: null, type: 'Recreate' } } },
      want: deploymentWith((d) => {
        d.spec.strategy = { type: 'Recreate' } as never;
      }),
    },
    {
      name: 'without $retainKeys a retainKeys field merges like any map',
      type: 'Deployment',
      original: deployment,
      patch: { spec: { strategy: { type: 'Recreate' } } },
      want: deploymentWith((d) => {
        d.spec.strategy.type = 'Recreate';
      }),
    },
    {
      name: 'switches a volume source with $retainKeys inside a merge,retainKeys list',
      type: 'Deployment',
      original: deployment,
      patch: {
        spec: {
          template: {
            spec: {
              '$setElementOrder/volumes': [{ name: 'data' }, { name: 'cache' }],
              volumes: [{ $retainKeys: ['name', 'secret'], name: 'data', secret: { secretName: 's' } }],
            },
          },
        },
      },
      want: deploymentWith((d) => {
        d.spec.template.spec.volumes[0] = { name: 'data', secret: { secretName: 's' } } as never;
      }),
    },
    {
      name: 'removes a finalizer through $deleteFromPrimitiveList with $setElementOrder',
      original: podWith((p) => p.metadata.finalizers.push('server.example.com/f')),
      patch: {
        metadata: {
          '$setElementOrder/finalizers': ['b.example.com/f'],
          '$deleteFromPrimitiveList/finalizers': ['a.example.com/f'],
        },
      },
      want: podWith((p) => {
        p.metadata.finalizers = ['b.example.com/f', 'server.example.com/f'];
      }),
    },
    {
      name: 'replaces a finalizer: $setElementOrder, an addition and a $deleteFromPrimitiveList in one patch',
      original: pod,
      patch: {
        metadata: {
          '$setElementOrder/finalizers': ['b.example.com/f', 'c.example.com/f'],
          '$deleteFromPrimitiveList/finalizers': ['a.example.com/f'],
          finalizers: ['c.example.com/f'],
        },
      },
      want: podWith((p) => {
        p.metadata.finalizers = ['b.example.com/f', 'c.example.com/f'];
      }),
    },
    {
      name: 'merges scalars in $setElementOrder order, server-only values after (upstream "merge lists of scalars")',
      original: podWith((p) => {
        p.metadata.finalizers = ['1', '2', '4'];
      }),
      patch: { metadata: { '$setElementOrder/finalizers': ['1', '2', '3'], finalizers: ['3'] } },
      want: podWith((p) => {
        p.metadata.finalizers = ['1', '2', '3', '4'];
      }),
    },
    {
      name: 'interleaves a server-only scalar by its live position (upstream "add an item in a list of primitives and preserve order")',
      original: podWith((p) => {
        p.metadata.finalizers = ['1', '4', '2'];
      }),
      patch: { metadata: { '$setElementOrder/finalizers': ['3', '1', '2'], finalizers: ['3'] } },
      want: podWith((p) => {
        p.metadata.finalizers = ['3', '1', '4', '2'];
      }),
    },
    {
      name: 'keeps a server-only element next to its live neighbour (upstream "server-only items 2")',
      original: podWith((p) => {
        p.spec.containers = ['1', '2', '9', '3', '4'].map((name) => ({ name })) as never;
      }),
      patch: { spec: { '$setElementOrder/containers': ['2', '1', '4', '3'].map((name) => ({ name })) } },
      want: podWith((p) => {
        p.spec.containers = ['2', '1', '9', '4', '3'].map((name) => ({ name })) as never;
      }),
    },
    {
      name: 'keeps a run of server-only elements together (upstream "server-only items 3")',
      original: podWith((p) => {
        p.spec.containers = ['1', '2', '7', '9', '8', '3', '4'].map((name) => ({ name })) as never;
      }),
      patch: { spec: { '$setElementOrder/containers': ['2', '1', '4', '3'].map((name) => ({ name })) } },
      want: podWith((p) => {
        p.spec.containers = ['2', '1', '7', '9', '8', '4', '3'].map((name) => ({ name })) as never;
      }),
    },
    {
      name: '$setElementOrder may name elements the list does not have',
      original: podWith((p) => {
        p.spec.containers = [{ name: '1' }, { name: '3' }] as never;
      }),
      patch: {
        spec: {
          '$setElementOrder/containers': [{ name: '3' }, { name: '2' }, { name: '1' }],
          containers: [
            { name: '3', image: 'c' },
            { name: '1', image: 'a' },
          ],
        },
      },
      want: podWith((p) => {
        p.spec.containers = [
          { name: '3', image: 'c' },
          { name: '1', image: 'a' },
        ] as never;
      }),
    },
    {
      name: 'a list new to the object is taken from the patch, its $patch elements dropped',
      original: podWith((p) => {
        delete (p.spec as { tolerations?: unknown }).tolerations;
      }),
      patch: {
        spec: {
          '$setElementOrder/initContainers': [{ name: 'init' }],
          initContainers: [
            { name: 'init', image: 'busybox' },
            { name: 'gone', $patch: 'delete' },
          ],
        },
      },
      want: podWith((p) => {
        delete (p.spec as { tolerations?: unknown }).tolerations;
        (p.spec as Record<string, unknown>)['initContainers'] = [{ name: 'init', image: 'busybox' }];
      }),
    },
    {
      name: 'retainKeys in a list element clears a server-added field (upstream "retainKeys list of maps clears a field")',
      original: podWith((p) => {
        (p.spec as Record<string, unknown>)['volumes'] = [{ name: 'bar' }, { name: 'foo', configMap: { name: 'a' }, emptyDir: {} }];
      }),
      patch: {
        spec: {
          '$setElementOrder/volumes': [{ name: 'bar' }, { name: 'foo' }],
          volumes: [{ $retainKeys: ['configMap', 'name'], name: 'foo' }],
        },
      },
      want: podWith((p) => {
        (p.spec as Record<string, unknown>)['volumes'] = [{ name: 'bar' }, { name: 'foo', configMap: { name: 'a' } }];
      }),
    },
    {
      name: 'retainKeys together with $setElementOrder and a deletion in a nested list',
      type: 'Deployment',
      original: deployment,
      patch: {
        spec: {
          template: {
            spec: {
              $retainKeys: ['containers', 'restartPolicy'],
              '$setElementOrder/containers': [{ name: 'nginx' }],
              containers: [{ name: 'sidecar', $patch: 'delete' }],
            },
          },
        },
      },
      want: deploymentWith((d) => {
        d.spec.template.spec.containers.splice(1, 1);
        delete (d.spec.template.spec as { volumes?: unknown }).volumes;
      }),
    },
  ]);
});

describe('strategic merge patch: kubectl label, annotate, set image, rollout restart', () => {
  runCases([
    {
      name: 'label adds and overwrites keys',
      original: pod,
      patch: { metadata: { labels: { tier: 'back', env: 'prod' } } },
      want: podWith((p) => {
        p.metadata.labels = { app: 'web', tier: 'back', env: 'prod' } as never;
      }),
    },
    {
      name: 'label- removes a key with null; removing an absent key is a no-op',
      original: pod,
      patch: { metadata: { labels: { tier: null, absent: null } } },
      want: podWith((p) => {
        p.metadata.labels = { app: 'web' } as never;
      }),
    },
    {
      name: 'annotate adds to a map the object does not have yet, dropping nulls in it',
      original: podWith((p) => {
        delete (p.metadata as { annotations?: unknown }).annotations;
      }),
      patch: { metadata: { annotations: { a: '1', b: null } } },
      want: podWith((p) => {
        p.metadata.annotations = { a: '1' } as never;
      }),
    },
    {
      name: 'set image merges into the container with that name, leaving the others',
      type: 'Deployment',
      original: deployment,
      patch: {
        spec: {
          template: {
            spec: {
              '$setElementOrder/containers': [{ name: 'nginx' }, { name: 'sidecar' }],
              containers: [{ image: 'busybox:1.37', name: 'sidecar' }],
            },
          },
        },
      },
      want: deploymentWith((d) => {
        d.spec.template.spec.containers[1]!.image = 'busybox:1.37';
      }),
    },
    {
      name: 'rollout restart annotates the pod template',
      type: 'Deployment',
      original: deployment,
      patch: { spec: { template: { metadata: { annotations: { 'kubectl.kubernetes.io/restartedAt': '2024-01-01T00:00:00Z' } } } } },
      want: deploymentWith((d) => {
        (d.spec.template.metadata as Record<string, unknown>)['annotations'] = {
          'kubectl.kubernetes.io/restartedAt': '2024-01-01T00:00:00Z',
        };
      }),
    },
    {
      name: 'scale and pause set scalars',
      type: 'Deployment',
      original: deployment,
      patch: { spec: { replicas: 5, paused: true } },
      want: deploymentWith((d) => {
        d.spec.replicas = 5;
        (d.spec as Record<string, unknown>)['paused'] = true;
      }),
    },
  ]);
});

describe('strategic merge patch: kubectl patch -p', () => {
  runCases([
    {
      name: 'tolerations (atomic) are replaced as a whole',
      original: pod,
      patch: { spec: { tolerations: [{ key: 'gpu', operator: 'Exists', effect: 'NoSchedule' }] } },
      want: podWith((p) => {
        p.spec.tolerations = [{ key: 'gpu', operator: 'Exists', effect: 'NoSchedule' }] as never;
      }),
    },
    {
      name: 'ports merge by containerPort, keeping the order of existing ports',
      original: pod,
      patch: { spec: { containers: [{ name: 'app', ports: [{ containerPort: 443, name: 'https' }] }] } },
      want: podWith((p) => {
        p.spec.containers[0]!.ports[1] = { containerPort: 443, protocol: 'TCP', name: 'https' } as never;
      }),
    },
    {
      name: 'a new port lands before the existing ones (no $setElementOrder)',
      original: pod,
      patch: { spec: { containers: [{ name: 'app', ports: [{ containerPort: 8080 }] }] } },
      want: podWith((p) => {
        p.spec.containers[0]!.ports.unshift({ containerPort: 8080 } as never);
      }),
    },
    {
      name: 'env merges by name: changed and added variables',
      original: pod,
      patch: {
        spec: {
          containers: [
            {
              name: 'app',
              env: [
                { name: 'B', value: '3' },
                { name: 'C', value: '4' },
              ],
            },
          ],
        },
      },
      want: podWith((p) => {
        p.spec.containers[0]!.env = [
          { name: 'A', value: '1' },
          { name: 'B', value: '3' },
          { name: 'C', value: '4' },
        ];
      }),
    },
    {
      name: 'the patch order of list elements wins over the original order (upstream "preserve the order from the patch")',
      original: podWith((p) => {
        p.spec.containers = [{ name: '1' }, { name: '2', image: 'b' }, { name: '3' }] as never;
      }),
      patch: {
        spec: {
          containers: [
            { name: '3', image: 'c' },
            { name: '1', image: 'a' },
          ],
        },
      },
      want: podWith((p) => {
        p.spec.containers = [
          { name: '2', image: 'b' },
          { name: '3', image: 'c' },
          { name: '1', image: 'a' },
        ] as never;
      }),
    },
    {
      name: 'env: a value replaced by valueFrom, the old value removed with null',
      original: pod,
      patch: {
        spec: { containers: [{ name: 'app', env: [{ name: 'A', value: null, valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } }] }] },
      },
      want: podWith((p) => {
        p.spec.containers[0]!.env[0] = { name: 'A', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } } as never;
      }),
    },
    {
      name: 'a new container is added whole, keeping what the patch says (nulls and $patch keys dropped)',
      original: pod,
      patch: {
        spec: {
          containers: [
            {
              name: 'new',
              image: 'img',
              args: null,
              env: [{ name: 'X', value: '1', $patch: 'merge' }],
              resources: { $retainKeys: ['limits'], limits: { cpu: '1' } },
            },
          ],
        },
      },
      want: podWith((p) => {
        p.spec.containers.unshift({
          name: 'new',
          image: 'img',
          args: null,
          env: [{ name: 'X', value: '1' }],
          resources: { limits: { cpu: '1' } },
        } as never);
      }),
    },
    {
      name: 'volumes: a new volume with $retainKeys is added without the directive',
      original: podWith((p) => {
        (p.spec as Record<string, unknown>)['volumes'] = [{ name: 'a', emptyDir: {} }];
      }),
      patch: { spec: { volumes: [{ $retainKeys: ['name', 'secret'], name: 'b', secret: { secretName: 's' } }] } },
      want: podWith((p) => {
        (p.spec as Record<string, unknown>)['volumes'] = [
          { name: 'b', secret: { secretName: 's' } },
          { name: 'a', emptyDir: {} },
        ];
      }),
    },
    {
      name: '$patch: replace on a list of maps replaces the list with the other elements',
      original: pod,
      patch: { spec: { containers: [{ $patch: 'replace' }, { name: 'only', image: 'x' }] } },
      want: podWith((p) => {
        p.spec.containers = [{ name: 'only', image: 'x' }] as never;
      }),
    },
    {
      name: '$patch: replace alone empties a merging list (upstream "delete all items from merging list")',
      original: pod,
      patch: { spec: { containers: [{ $patch: 'replace' }] } },
      want: podWith((p) => {
        p.spec.containers = [];
      }),
    },
    {
      name: '$patch: replace on a map replaces the map',
      original: pod,
      patch: { metadata: { labels: { $patch: 'replace', only: 'this' } } },
      want: podWith((p) => {
        p.metadata.labels = { only: 'this' } as never;
      }),
    },
    {
      name: '$patch: replace at the top replaces the whole object',
      original: pod,
      patch: { $patch: 'replace', kind: 'Pod', metadata: { name: 'q', '$setElementOrder/finalizers': [] } },
      want: { kind: 'Pod', metadata: { name: 'q' } },
    },
    {
      name: '$patch: delete on a map leaves it empty (upstream "delete map from nested map")',
      original: pod,
      patch: { spec: { nodeSelector: { $patch: 'delete' } } },
      want: podWith((p) => {
        p.spec.nodeSelector = {} as never;
      }),
    },
    {
      name: '$patch: delete on a map the object does not have adds nothing',
      original: pod,
      patch: { spec: { dnsConfig: { $patch: 'delete' } } },
      want: pod,
    },
    {
      name: '$patch: delete in a list removes every element with that key; a missing key is a no-op',
      original: podWith((p) => {
        p.spec.containers[0]!.env = [
          { name: 'A', value: '1' },
          { name: 'B', value: '2' },
          { name: 'A', value: '3' },
        ];
      }),
      patch: {
        spec: {
          containers: [
            {
              name: 'app',
              env: [
                { name: 'A', $patch: 'delete' },
                { name: 'Z', $patch: 'delete' },
              ],
            },
          ],
        },
      },
      want: podWith((p) => {
        p.spec.containers[0]!.env = [{ name: 'B', value: '2' }];
      }),
    },
    {
      name: 'finalizers (merge, scalars) union; a value already present is not repeated',
      original: pod,
      patch: { metadata: { finalizers: ['b.example.com/f', 'c.example.com/f'] } },
      want: podWith((p) => {
        p.metadata.finalizers = ['a.example.com/f', 'b.example.com/f', 'c.example.com/f'];
      }),
    },
    {
      name: 'a new finalizer lands first (no $setElementOrder)',
      original: pod,
      patch: { metadata: { finalizers: ['c.example.com/f'] } },
      want: podWith((p) => {
        p.metadata.finalizers = ['c.example.com/f', 'a.example.com/f', 'b.example.com/f'];
      }),
    },
    {
      name: '$deleteFromPrimitiveList works on a list without merge strategy too',
      original: pod,
      patch: { spec: { securityContext: { '$deleteFromPrimitiveList/supplementalGroups': [1] } } },
      want: podWith((p) => {
        p.spec.securityContext.supplementalGroups = [2];
      }),
    },
    {
      name: '$deleteFromPrimitiveList of a list the object lacks adds nothing',
      original: pod,
      patch: { metadata: { '$deleteFromPrimitiveList/ownerFinalizers': ['x'] } },
      want: pod,
    },
    {
      name: 'a non-merge scalar list is replaced',
      original: pod,
      patch: { spec: { securityContext: { supplementalGroups: [3] } } },
      want: podWith((p) => {
        p.spec.securityContext.supplementalGroups = [3];
      }),
    },
    {
      name: 'null deletes a whole list',
      original: pod,
      patch: { spec: { tolerations: null } },
      want: podWith((p) => {
        delete (p.spec as { tolerations?: unknown }).tolerations;
      }),
    },
    {
      name: 'a value of another type replaces the original value',
      original: pod,
      patch: { spec: { nodeSelector: 'ssd', containers: [{ name: 'app', ports: { bad: null, x: 1 } }] } },
      want: podWith((p) => {
        (p.spec as Record<string, unknown>)['nodeSelector'] = 'ssd';
        (p.spec.containers[0] as Record<string, unknown>)['ports'] = { x: 1 };
      }),
    },
    {
      name: 'a null original value (creationTimestamp) is replaced',
      original: pod,
      patch: { metadata: { creationTimestamp: '2024-01-01T00:00:00Z' } },
      want: podWith((p) => {
        (p.metadata as Record<string, unknown>)['creationTimestamp'] = '2024-01-01T00:00:00Z';
      }),
    },
    {
      name: 'a field referenced through allOf resolves (securityContext)',
      original: pod,
      patch: { spec: { securityContext: { runAsUser: 0 } } },
      want: podWith((p) => {
        p.spec.securityContext.runAsUser = 0;
      }),
    },
    {
      name: 'ownerReferences merge by uid',
      original: podWith((p) => {
        (p.metadata as Record<string, unknown>)['ownerReferences'] = [{ uid: 'u1', kind: 'ReplicaSet', name: 'rs' }];
      }),
      patch: { metadata: { ownerReferences: [{ uid: 'u1', controller: true }] } },
      want: podWith((p) => {
        (p.metadata as Record<string, unknown>)['ownerReferences'] = [{ uid: 'u1', kind: 'ReplicaSet', name: 'rs', controller: true }];
      }),
    },
    {
      name: 'an empty patch changes nothing; so does a null patch',
      original: pod,
      patch: {},
      want: pod,
    },
    {
      name: 'a null patch changes nothing',
      original: pod,
      patch: null,
      want: pod,
    },
    {
      name: 'keys such as __proto__ and constructor are plain data',
      original: pod,
      patch: JSON.parse('{"metadata":{"labels":{"__proto__":"x","constructor":"y"}}}'),
      want: podWith((p) => {
        Object.defineProperty(p.metadata.labels, '__proto__', { value: 'x', enumerable: true, writable: true, configurable: true });
        (p.metadata.labels as Record<string, string>)['constructor'] = 'y';
      }),
    },
  ]);
});

describe('strategic merge patch: fields without schema', () => {
  runCases([
    {
      name: 'an unknown field merges maps recursively and replaces lists',
      original: podWith((p) => {
        (p.spec as Record<string, unknown>)['extra'] = { a: { b: 1, c: 2 }, list: [{ name: 'x', v: 1 }] };
      }),
      patch: { spec: { extra: { a: { c: null, d: 3 }, list: [{ name: 'y' }] } } },
      want: podWith((p) => {
        (p.spec as Record<string, unknown>)['extra'] = { a: { b: 1, d: 3 }, list: [{ name: 'y' }] };
      }),
    },
    {
      name: 'no schema at all: containers are replaced, not merged',
      type: null,
      original: pod,
      patch: { spec: { containers: [{ name: 'other' }] }, metadata: { labels: { x: 'y' } } },
      want: podWith((p) => {
        p.spec.containers = [{ name: 'other' }] as never;
        (p.metadata.labels as Record<string, string>)['x'] = 'y';
      }),
    },
    {
      name: 'no schema: directives are still honoured',
      type: null,
      original: { a: { b: 1 }, l: [1] },
      patch: { a: { $patch: 'replace', c: 2 }, '$deleteFromPrimitiveList/l': [1] },
      want: { a: { c: 2 }, l: [] },
    },
  ]);
});

describe('strategic merge patch: errors', () => {
  const internal = (message: string) => ({ code: 500, message, reason: '' });
  runCases([
    {
      name: 'unknown $patch value in a map',
      original: pod,
      patch: { metadata: { labels: { $patch: 'foo', a: 'b' } } },
      error: internal('unknown patch type: foo in map: map[$patch:foo a:b]'),
    },
    {
      name: '$patch: merge in a map is rejected as an unknown patch type',
      original: pod,
      patch: { spec: { nodeSelector: { $patch: 'merge' } } },
      error: internal('unknown patch type: merge in map: map[$patch:merge]'),
    },
    {
      name: 'a non-string $patch value prints as Go prints it',
      original: pod,
      patch: { spec: { nodeSelector: { $patch: 1 } } },
      error: internal('unknown patch type: %!s(int64=1) in map: map[$patch:1]'),
    },
    {
      name: '$patch: merge in a list',
      original: pod,
      patch: { spec: { containers: [{ name: 'app', $patch: 'merge' }] } },
      error: internal('merging lists cannot yet be specified in the patch'),
    },
    {
      name: 'unknown $patch value in a list element',
      original: pod,
      patch: { spec: { containers: [{ name: 'app', $patch: 'nope' }] } },
      error: internal('unknown patch type: nope in map: map[$patch:nope name:app]'),
    },
    {
      name: '$patch: delete without the merge key',
      original: pod,
      patch: { spec: { containers: [{ image: 'x', $patch: 'delete' }] } },
      error: internal('map: map[$patch:delete image:x] does not contain declared merge key: name'),
    },
    {
      name: 'a list element without the merge key',
      original: pod,
      patch: { spec: { containers: [{ image: 'x', resources: { limits: { cpu: 0.5 } } }] } },
      error: internal('map: map[image:x resources:map[limits:map[cpu:0.5]]] does not contain declared merge key: name'),
    },
    {
      name: '$setElementOrder that is not a list',
      original: pod,
      patch: { spec: { '$setElementOrder/containers': 'app' } },
      error: internal('expected a []interface {}, but received a string'),
    },
    {
      name: '$setElementOrder without a field name',
      original: pod,
      patch: { spec: { $setElementOrder: [] } },
      error: { code: 400, message: 'invalid patch format of setElementOrder list', reason: 'BadRequest' },
    },
    {
      name: '$setElementOrder whose order contradicts the patch list',
      original: podWith((p) => {
        p.spec.containers = [{ name: '1' }, { name: '3' }, { name: '2' }] as never;
      }),
      patch: {
        spec: {
          '$setElementOrder/containers': [{ name: '1' }, { name: '2' }, { name: '3' }],
          containers: [{ name: '3' }, { name: '1' }],
        },
      },
      error: internal(
        'The order in patch list:\n[map[name:3] map[name:1]]\n doesn\'t match $setElementOrder list:\n[map[name:1] map[name:2] map[name:3]]\n',
      ),
    },
    {
      name: '$setElementOrder of a scalar list in contradicting order',
      original: podWith((p) => {
        p.metadata.finalizers = ['1', '3', '2'];
      }),
      patch: { metadata: { '$setElementOrder/finalizers': ['1', '2', '3'], finalizers: ['3', '1'] } },
      error: internal("The order in patch list:\n[3 1]\n doesn't match $setElementOrder list:\n[1 2 3]\n"),
    },
    {
      name: '$setElementOrder elements without the merge key',
      original: pod,
      patch: { spec: { '$setElementOrder/containers': [{ image: 'x' }] } },
      error: internal('map: map[image:x] does not contain declared merge key: name'),
    },
    {
      name: '$setElementOrder naming a field the type does not have',
      original: pod,
      patch: { spec: { '$setElementOrder/bogus': [] } },
      error: internal('unable to find api field in struct PodSpec for the json field "bogus"'),
    },
    {
      name: '$setElementOrder naming a field of the wrong type in the original',
      original: pod,
      patch: { spec: { '$setElementOrder/nodeSelector': [] } },
      error: internal('expected a []interface {}, but received a map[string]interface {}'),
    },
    {
      name: '$deleteFromPrimitiveList with a malformed key',
      original: pod,
      patch: { metadata: { $deleteFromPrimitiveListfinalizers: ['a'] } },
      error: { code: 400, message: 'invalid patch format of primitive list', reason: 'BadRequest' },
    },
    {
      name: '$retainKeys that is not a list',
      type: 'Deployment',
      original: deployment,
      patch: { spec: { strategy: { $retainKeys: 'type', type: 'Recreate' } } },
      error: { code: 400, message: 'invalid patch format of retainKeys', reason: 'BadRequest' },
    },
    {
      name: 'a patch key missing from $retainKeys',
      type: 'Deployment',
      original: deployment,
      patch: { spec: { strategy: { $retainKeys: ['type'], type: 'Recreate', rollingUpdate: { maxSurge: 1 } } } },
      error: { code: 400, message: 'invalid patch format of retainKeys', reason: 'BadRequest' },
    },
    {
      name: 'a merging list of lists',
      original: podWith((p) => {
        p.metadata.finalizers = [];
      }),
      patch: { metadata: { finalizers: [['a']] } },
      error: {
        code: 422,
        message: 'the server rejected our request due to an error in our request',
        reason: 'Invalid',
      },
    },
    {
      name: 'a merging list mixing element types',
      original: pod,
      patch: { metadata: { finalizers: [{ name: 'x' }] } },
      error: internal('list element types are not identical: [[a.example.com/f b.example.com/f] [map[name:x]]]'),
    },
    {
      name: 'a patch that is not an object',
      original: pod,
      patch: [{ op: 'add' }],
      error: { code: 400, message: 'json: cannot unmarshal array into Go value of type map[string]interface {}', reason: 'BadRequest' },
    },
  ]);
});

describe('strategic merge patch: schema resolution', () => {
  it('fails with 500 when a $ref cannot be resolved', () => {
    assert.throws(
      () => strategicMergePatch({ a: 1 }, { a: 2 }, { $ref: 'io.k8s.missing.Thing' }, () => undefined),
      (e: unknown) => isStatusError(e) && e.code === 500 && e.message === 'unable to resolve io.k8s.missing.Thing',
    );
  });

  it('rejects a patch strategy list with three entries', () => {
    const schema: Schema = {
      type: 'object',
      properties: { l: { type: 'array', items: str, 'x-kubernetes-patch-strategy': 'merge,retainKeys,replace' } },
    };
    assert.throws(
      () => strategicMergePatch({ l: ['a'] }, { l: ['b'] }, schema, resolve),
      (e: unknown) => isStatusError(e) && e.code === 500 && e.message === 'unexpected patch strategy: [merge retainKeys replace]',
    );
  });

  it('honours the replace strategy on a map field', () => {
    const schema: Schema = {
      type: 'object',
      properties: { m: { type: 'object', additionalProperties: str, 'x-kubernetes-patch-strategy': 'replace' } },
    };
    assert.deepEqual(strategicMergePatch({ m: { a: '1', b: '2' } }, { m: { c: '3' } }, schema, resolve), { m: { c: '3' } });
  });

  it('a merge list of maps without a merge key cannot merge', () => {
    const schema: Schema = {
      type: 'object',
      properties: { l: { type: 'array', items: { type: 'object', properties: { a: str } }, 'x-kubernetes-patch-strategy': 'merge' } },
    };
    assert.throws(
      () => strategicMergePatch({ l: [{ a: 'x' }] }, { l: [{ a: 'y' }] }, schema, resolve),
      (e: unknown) => isStatusError(e) && e.code === 500 && e.message === 'cannot merge lists without merge key for struct',
    );
  });
});
