import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { defaultContainer, defaultPod, defaultPodSpec, defaultPodTemplateSpec, defaultResourceList, defaultVolume, dropDisabledPodSpecFields } from './pod-defaults.js';

type Obj = Record<string, any>;

describe('pod defaults', () => {
  it('containers: pull policy, termination message, ports, env fieldRefs, probes, lifecycle', () => {
    const c: Obj = {
      name: 'c',
      image: 'nginx:1.27',
      ports: [{ containerPort: 80 }, { containerPort: 53, protocol: 'UDP' }],
      env: [{ name: 'A', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } }, { name: 'B', valueFrom: { resourceFieldRef: { resource: 'limits.cpu' } } }],
      readinessProbe: { tcpSocket: { port: 80 }, periodSeconds: 5 },
      startupProbe: { grpc: { port: 9000 } },
      lifecycle: { preStop: { httpGet: { port: 80 } } },
    };
    defaultContainer(c);
    assert.deepEqual(c, {
      name: 'c',
      image: 'nginx:1.27',
      imagePullPolicy: 'IfNotPresent',
      terminationMessagePath: '/dev/termination-log',
      terminationMessagePolicy: 'File',
      resources: {},
      ports: [
        { containerPort: 80, protocol: 'TCP' },
        { containerPort: 53, protocol: 'UDP' },
      ],
      env: [
        { name: 'A', valueFrom: { fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.name' } } },
        { name: 'B', valueFrom: { resourceFieldRef: { resource: 'limits.cpu', divisor: '0' } } },
      ],
      readinessProbe: { tcpSocket: { port: 80 }, periodSeconds: 5, timeoutSeconds: 1, successThreshold: 1, failureThreshold: 3 },
      startupProbe: { grpc: { port: 9000, service: '' }, timeoutSeconds: 1, periodSeconds: 10, successThreshold: 1, failureThreshold: 3 },
      lifecycle: { preStop: { httpGet: { port: 80, path: '/', scheme: 'HTTP' } } },
    });
  });

  it('resource lists are rounded up to milli precision', () => {
    const l: Obj = { cpu: '0.0001', memory: '1Gi', 'example.com/dev': '2' };
    defaultResourceList(l);
    assert.deepEqual(l, { cpu: '1m', memory: '1Gi', 'example.com/dev': '2' });
  });

  const volumes: [string, Obj, Obj][] = [
    ['no source: emptyDir', { name: 'v' }, { name: 'v', emptyDir: {} }],
    ['hostPath type ""', { name: 'v', hostPath: { path: '/x' } }, { name: 'v', hostPath: { path: '/x', type: '' } }],
    ['secret mode 420', { name: 'v', secret: { secretName: 's' } }, { name: 'v', secret: { secretName: 's', defaultMode: 420 } }],
    ['configMap keeps a mode', { name: 'v', configMap: { name: 'c', defaultMode: 256 } }, { name: 'v', configMap: { name: 'c', defaultMode: 256 } }],
    [
      'projected: mode, token expiry, fieldRef version',
      { name: 'v', projected: { sources: [{ serviceAccountToken: { path: 't' } }, { downwardAPI: { items: [{ path: 'n', fieldRef: { fieldPath: 'metadata.name' } }] } }] } },
      {
        name: 'v',
        projected: {
          defaultMode: 420,
          sources: [{ serviceAccountToken: { path: 't', expirationSeconds: 3600 } }, { downwardAPI: { items: [{ path: 'n', fieldRef: { apiVersion: 'v1', fieldPath: 'metadata.name' } }] } }],
        },
      },
    ],
    ['rbd', { name: 'v', rbd: { monitors: ['m'], image: 'i' } }, { name: 'v', rbd: { monitors: ['m'], image: 'i', pool: 'rbd', user: 'admin', keyring: '/etc/ceph/keyring' } }],
    ['iscsi', { name: 'v', iscsi: { targetPortal: 't', iqn: 'q', lun: 0 } }, { name: 'v', iscsi: { targetPortal: 't', iqn: 'q', lun: 0, iscsiInterface: 'default' } }],
    [
      'azureDisk',
      { name: 'v', azureDisk: { diskName: 'd', diskURI: 'u' } },
      { name: 'v', azureDisk: { diskName: 'd', diskURI: 'u', cachingMode: 'ReadWrite', fsType: 'ext4', readOnly: false, kind: 'Shared' } },
    ],
    [
      'ephemeral claim template',
      { name: 'v', ephemeral: { volumeClaimTemplate: { spec: { accessModes: ['ReadWriteOnce'] } } } },
      { name: 'v', ephemeral: { volumeClaimTemplate: { metadata: { creationTimestamp: null }, spec: { accessModes: ['ReadWriteOnce'], volumeMode: 'Filesystem', resources: {} } } } },
    ],
  ];
  for (const [name, input, want] of volumes) {
    it(`volume: ${name}`, () => {
      defaultVolume(input);
      assert.deepEqual(input, want);
    });
  }

  it('pod specs and templates: scheduling defaults, serviceAccount alias, no pod-only defaults', () => {
    const tpl: Obj = { spec: { serviceAccount: 'sa', containers: [{ name: 'c', image: 'i', resources: { limits: { cpu: '1' } } }] } };
    defaultPodTemplateSpec(tpl);
    assert.deepEqual(tpl.metadata, { creationTimestamp: null });
    const { containers, ...rest } = tpl.spec;
    assert.deepEqual(rest, {
      serviceAccount: 'sa',
      serviceAccountName: 'sa',
      dnsPolicy: 'ClusterFirst',
      restartPolicy: 'Always',
      securityContext: {},
      terminationGracePeriodSeconds: 30,
      schedulerName: 'default-scheduler',
    });
    // requests are copied from limits in pods only
    assert.deepEqual(containers[0].resources, { limits: { cpu: '1' } });
  });

  it('pods: requests from limits, enableServiceLinks, host network ports', () => {
    const pod: Obj = {
      spec: {
        hostNetwork: true,
        enableServiceLinks: false,
        containers: [{ name: 'c', image: 'i', ports: [{ containerPort: 8080 }], resources: { limits: { cpu: '1', memory: '1Gi' }, requests: { cpu: '500m' } } }],
      },
    };
    defaultPod(pod);
    const c = pod.spec.containers[0];
    assert.deepEqual(c.resources.requests, { cpu: '500m', memory: '1Gi' });
    assert.deepEqual(c.ports, [{ containerPort: 8080, hostPort: 8080, protocol: 'TCP' }]);
    assert.equal(pod.spec.enableServiceLinks, false);
    const twice = structuredClone(pod);
    defaultPod(twice);
    assert.deepEqual(twice, pod, 'idempotent');
  });

  it('drops fields of features that are off in 1.32 unless already in use', () => {
    const spec: Obj = {
      hostUsers: false,
      resources: { limits: { cpu: '1' } },
      securityContext: { supplementalGroupsPolicy: 'Strict', seLinuxChangePolicy: 'Recursive' },
      containers: [{ name: 'c', resizePolicy: [{ resourceName: 'cpu', restartPolicy: 'NotRequired' }] }],
      volumes: [{ name: 'img', image: { reference: 'r' } }, { name: 'e', emptyDir: {} }],
    };
    dropDisabledPodSpecFields(spec);
    assert.deepEqual(spec, { securityContext: {}, containers: [{ name: 'c' }], volumes: [{ name: 'e', emptyDir: {} }] });
    const kept: Obj = { hostUsers: false };
    dropDisabledPodSpecFields(kept, { hostUsers: true });
    assert.equal(kept.hostUsers, false);
  });

  it('leaves explicit values alone', () => {
    const spec: Obj = { dnsPolicy: 'Default', restartPolicy: 'Never', terminationGracePeriodSeconds: 0, schedulerName: 'mine', containers: [] };
    defaultPodSpec(spec);
    assert.equal(spec.dnsPolicy, 'Default');
    assert.equal(spec.restartPolicy, 'Never');
    assert.equal(spec.terminationGracePeriodSeconds, 0);
    assert.equal(spec.schedulerName, 'mine');
  });
});
