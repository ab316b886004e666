import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { KubeObject } from '../../apimachinery/types.js';
import { computePodQOS, POD_STRATEGIES } from './pods.js';

type Obj = Record<string, any>;
const pods = POD_STRATEGIES['/pods']!;

/** A pod as the registry hands it to validation: prepared for create, then defaulted. */
function created(spec: Obj, metadata: Obj = { name: 'p', namespace: 'ns' }): Obj {
  const pod: Obj = { apiVersion: 'v1', kind: 'Pod', metadata: { uid: 'u', ...metadata }, spec };
  pods.prepareForCreate!(pod as KubeObject);
  pods.default!(pod as KubeObject);
  return pod;
}

const msgs = (errs: { message(): string }[]) => errs.map((e) => e.message());

describe('pod QoS classes', () => {
  const cases: [string, Obj[], Obj[], string][] = [
    ['no resources', [{}], [], 'BestEffort'],
    ['zero requests count as none', [{ requests: { cpu: '0' } }], [], 'BestEffort'],
    ['limits equal requests for cpu and memory', [{ limits: { cpu: '1', memory: '1Gi' }, requests: { cpu: '1', memory: '1Gi' } }], [], 'Guaranteed'],
    ['only a cpu limit', [{ limits: { cpu: '1' } }], [], 'Burstable'],
    ['requests below limits', [{ limits: { cpu: '1', memory: '1Gi' }, requests: { cpu: '500m', memory: '1Gi' } }], [], 'Burstable'],
    ['other resources do not count', [{ limits: { 'example.com/gpu': '1' } }], [], 'BestEffort'],
    ['an init container without limits', [{ limits: { cpu: '1', memory: '1Gi' }, requests: { cpu: '1', memory: '1Gi' } }], [{}], 'Burstable'],
  ];
  for (const [name, containers, inits, want] of cases) {
    it(name, () => {
      const spec = { containers: containers.map((resources, i) => ({ name: `c${i}`, resources })), initContainers: inits.map((resources, i) => ({ name: `i${i}`, resources })) };
      assert.equal(computePodQOS(spec), want);
    });
  }
});

describe('pod strategy', () => {
  it('create: status Pending with the QoS computed after requests default from limits', () => {
    const pod = created({ containers: [{ name: 'c', image: 'i', resources: { limits: { cpu: '1', memory: '1Gi' } } }] });
    assert.deepEqual(pod.status, { phase: 'Pending', qosClass: 'Guaranteed' });
    assert.deepEqual(msgs(pods.validate!(pod as KubeObject)), []);
  });

  it('create: matchLabelKeys become selector requirements; AppArmor fields become annotations', () => {
    const pod = created(
      {
        securityContext: { appArmorProfile: { type: 'RuntimeDefault' } },
        containers: [{ name: 'c', image: 'i' }],
        affinity: { podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [{ topologyKey: 'zone', labelSelector: { matchLabels: { app: 'a' } }, matchLabelKeys: ['rev', 'missing'] }] } },
      },
      { name: 'p', namespace: 'ns', labels: { app: 'a', rev: '7' } },
    );
    assert.deepEqual(pod.spec.affinity.podAntiAffinity.requiredDuringSchedulingIgnoredDuringExecution[0].labelSelector, {
      matchLabels: { app: 'a' },
      matchExpressions: [{ key: 'rev', operator: 'In', values: ['7'] }],
    });
    assert.deepEqual(pod.metadata.annotations, { 'container.apparmor.security.beta.kubernetes.io/c': 'runtime/default' });
  });

  it('create: ephemeral containers and nodeName with gates are refused', () => {
    const pod = created({ nodeName: 'n1', schedulingGates: [{ name: 'g' }], containers: [{ name: 'c', image: 'i' }], ephemeralContainers: [{ name: 'e', image: 'i' }] });
    assert.deepEqual(msgs(pods.validate!(pod as KubeObject)), [
      'spec.ephemeralContainers: Forbidden: cannot be set on create',
      'spec.nodeName: Forbidden: cannot be set until all schedulingGates have been cleared',
    ]);
  });

  it('create: image whitespace and service account tokens without a service account', () => {
    const pod = created({ containers: [{ name: 'c', image: ' i' }], volumes: [{ name: 't', projected: { sources: [{ serviceAccountToken: { path: 't' } }] } }] });
    assert.deepEqual(msgs(pods.validate!(pod as KubeObject)), [
      'spec.volumes[0].projected.sources[0].serviceAccountToken: Forbidden: must not be specified when serviceAccountName is not set',
      'spec.containers[0].image: Invalid value: " i": must not have leading or trailing whitespace',
    ]);
  });

  const updates: [string, (p: Obj) => void, string[] | RegExp][] = [
    ['image change', (p) => (p.spec.containers[0].image = 'j'), []],
    ['added toleration', (p) => (p.spec.tolerations = [{ key: 'k', operator: 'Exists' }]), []],
    ['activeDeadlineSeconds set', (p) => (p.spec.activeDeadlineSeconds = 10), []],
    ['container removed', (p) => p.spec.containers.pop(), ['spec.containers: Forbidden: pod updates may not add or remove containers']],
    ['empty image', (p) => (p.spec.containers[0].image = ''), ['spec.containers[0].image: Required value', 'spec.containers[0].image: Required value']],
    ['new scheduling gate', (p) => (p.spec.schedulingGates = [{ name: 'g' }]), /^spec.schedulingGates\[0\].name: Forbidden: only deletion is allowed, but found new scheduling gate 'g'$/],
    ['other field', (p) => (p.spec.containers[0].command = ['x']), /^spec: Forbidden: pod updates may not change fields other than `spec.containers\[\*\].image`,/],
  ];
  for (const [name, change, want] of updates) {
    it(`update: ${name}`, () => {
      const old = created({ containers: [{ name: 'c', image: 'i' }, { name: 'd', image: 'i' }] });
      const next = structuredClone(old);
      change(next);
      pods.prepareForUpdate!(next as KubeObject, old as KubeObject);
      pods.default!(next as KubeObject);
      const got = msgs(pods.validateUpdate!(next as KubeObject, old as KubeObject));
      if (want instanceof RegExp) {
        assert.equal(got.length, 1, got.join('\n'));
        assert.match(got[0]!, want);
      } else assert.deepEqual(got, want);
    });
  }

  it('status: QoS class kept when omitted, immutable otherwise; terminated containers stay terminated', () => {
    const old = created({ restartPolicy: 'Never', containers: [{ name: 'c', image: 'i' }] });
    old.status.containerStatuses = [{ name: 'c', state: { terminated: { exitCode: 0 } } }];
    const next = structuredClone(old);
    delete next.status.qosClass;
    pods.prepareForStatusUpdate!(next as KubeObject, old as KubeObject);
    assert.equal(next.status.qosClass, 'BestEffort');
    next.status.containerStatuses = [{ name: 'c', state: { running: {} } }];
    next.status.podIPs = [{ ip: '10.0.0.1' }, { ip: '10.0.0.2' }];
    assert.deepEqual(msgs(pods.validateStatusUpdate!(next as KubeObject, old as KubeObject)), [
      'status.containerStatuses[0].state: Forbidden: may not be transitioned to non-terminated state',
      'status.podIPs: Invalid value: [{"ip":"10.0.0.1"},{"ip":"10.0.0.2"}]: may specify no more than one IP for each IP family',
    ]);
  });

  it('warnings on create only', () => {
    const pod = created({ containers: [{ name: 'c', image: 'i', env: [{ name: 'A', value: '1' }, { name: 'A', value: '2' }] }] }, { name: 'a.b', namespace: 'ns' });
    assert.deepEqual(pods.warnings!(pod as KubeObject), [
      `metadata.name: this is used in the Pod's hostname, which can result in surprising behavior; a DNS label is recommended: [must not contain dots]`,
      'spec.containers[0].env[1]: hides previous definition of "A", which may be dropped when using apply',
    ]);
    assert.deepEqual(pods.warnings!(pod as KubeObject, pod as KubeObject), []);
  });
});

describe('pod template strategy', () => {
  const pt = POD_STRATEGIES['/podtemplates']!;
  it('defaults and validates the template at template.*', () => {
    const o: Obj = { metadata: { name: 't' }, template: { spec: { containers: [{ name: 'c' }] } } };
    pt.prepareForCreate!(o as KubeObject);
    pt.default!(o as KubeObject);
    assert.equal(pt.generation, true);
    assert.deepEqual(o.template.metadata, { creationTimestamp: null });
    assert.deepEqual(msgs(pt.validate!(o as KubeObject)), ['template.spec.containers[0].image: Required value']);
  });
});
