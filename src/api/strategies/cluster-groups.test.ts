import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { created, runCreate, runUpdate } from './test-util.js';

const PC = 'scheduling.k8s.io/priorityclasses';
const LEASE = 'coordination.k8s.io/leases';
const RC = 'node.k8s.io/runtimeclasses';
const EPS = 'discovery.k8s.io/endpointslices';

describe('PriorityClass', () => {
  const pc = (name: string, extra: Record<string, unknown>) => ({ metadata: { name }, ...extra });

  it('defaults the preemption policy', () => {
    const out = runCreate(PC, pc('high', { value: 1000 }));
    assert.deepEqual(out.errors, []);
    assert.equal((out.obj as Record<string, unknown>).preemptionPolicy, 'PreemptLowerPriority');
  });

  const cases: [string, unknown, string[]][] = [
    ['a user value above the limit', pc('huge', { value: 1000000001 }), ['value: Forbidden: maximum allowed value of a user defined priority is 1000000000']],
    [
      'an unknown system- name',
      pc('system-mine', { value: 1 }),
      ["metadata.name: Forbidden: priority class names with 'system-' prefix are reserved for system use only. error: system-mine is not a known system priority class"],
    ],
    [
      'a system class with the wrong value',
      pc('system-node-critical', { value: 5 }),
      ["metadata.name: Forbidden: priority class names with 'system-' prefix are reserved for system use only. error: value of system-node-critical PriorityClass must be 2000001000"],
    ],
    ['an unknown preemption policy', pc('p', { value: 1, preemptionPolicy: 'Sometimes' }), ['preemptionPolicy: Unsupported value: "Sometimes": supported values: "PreemptLowerPriority", "Never"']],
  ];
  for (const [name, obj, expected] of cases) {
    it(`rejects ${name}`, () => assert.deepEqual(runCreate(PC, obj).errors, expected));
  }

  it('accepts the system classes kube-apiserver creates', () => {
    assert.deepEqual(runCreate(PC, pc('system-cluster-critical', { value: 2000000000 })).errors, []);
  });

  it('keeps value and preemption policy', () => {
    const old = created(PC, pc('high', { value: 1000 }));
    assert.deepEqual(runUpdate(PC, pc('high', { value: 2000, preemptionPolicy: 'Never' }), old).errors, [
      'value: Forbidden: may not be changed in an update.',
      'preemptionPolicy: Invalid value: "Never": field is immutable',
    ]);
    assert.deepEqual(runUpdate(PC, pc('high', { value: 1000, description: 'now described' }), old).errors, []);
  });
});

describe('Lease', () => {
  const lease = (spec: Record<string, unknown>) => ({ metadata: { name: 'l', namespace: 'kube-system' }, spec });

  it('rejects non-positive durations and negative transitions', () => {
    assert.deepEqual(runCreate(LEASE, lease({ leaseDurationSeconds: 0, leaseTransitions: -1 })).errors, [
      'spec.leaseDurationSeconds: Invalid value: 0: must be greater than 0',
      'spec.leaseTransitions: Invalid value: -1: must be greater than or equal to 0',
    ]);
  });

  it('drops the fields of the disabled coordinated leader election', () => {
    const out = runCreate(LEASE, lease({ holderIdentity: 'a', strategy: 'OldestEmulationVersion', preferredHolder: 'b' }));
    assert.deepEqual(out.obj.spec, { holderIdentity: 'a' });
  });
});

describe('RuntimeClass', () => {
  const rc = (extra: Record<string, unknown>) => ({ metadata: { name: 'gvisor' }, handler: 'runsc', ...extra });

  const cases: [string, Record<string, unknown>, string[]][] = [
    [
      'a handler that is no DNS label',
      { handler: 'Run_SC' },
      ["handler: Invalid value: \"Run_SC\": a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')"],
    ],
    ['a negative overhead', { overhead: { podFixed: { cpu: '-1' } } }, ['overhead.limits[cpu]: Invalid value: "-1": must be greater than or equal to 0']],
    [
      'duplicate tolerations',
      { scheduling: { tolerations: [{ key: 'a', operator: 'Exists' }, { key: 'a', operator: 'Exists' }] } },
      ['scheduling.tolerations[1]: Duplicate value: core.Toleration{Key:"a", Operator:"Exists", Value:"", Effect:"", TolerationSeconds:(*int64)(nil)}'],
    ],
    [
      'a toleration without key that is not Exists',
      { scheduling: { tolerations: [{ operator: 'Equal', value: 'x' }] } },
      ['scheduling.tolerations[0].operator: Invalid value: "Equal": operator must be Exists when `key` is empty, which means "match all values and all keys"'],
    ],
  ];
  for (const [name, extra, expected] of cases) {
    it(`rejects ${name}`, () => assert.deepEqual(runCreate(RC, rc(extra)).errors, expected));
  }

  it('keeps the handler immutable', () => {
    const old = created(RC, rc({}));
    assert.deepEqual(runUpdate(RC, rc({ handler: 'kata' }), old).errors, ['handler: Invalid value: "kata": field is immutable']);
  });
});

describe('EndpointSlice', () => {
  const slice = (extra: Record<string, unknown>, name = 'web-abc') => ({
    apiVersion: 'discovery.k8s.io/v1',
    kind: 'EndpointSlice',
    metadata: { name, namespace: 'default', labels: { 'kubernetes.io/service-name': 'web' } },
    addressType: 'IPv4',
    endpoints: [{ addresses: ['10.244.0.5'], conditions: { ready: true } }],
    ports: [{ port: 8080 }],
    ...extra,
  });

  it('defaults ports and starts at generation 1', () => {
    const out = runCreate(EPS, slice({}));
    assert.deepEqual(out.errors, []);
    assert.deepEqual((out.obj as Record<string, unknown>).ports, [{ port: 8080, protocol: 'TCP', name: '' }]);
    assert.equal(out.obj.metadata?.generation, 1);
  });

  const cases: [string, Record<string, unknown>, string[]][] = [
    ['an unknown address type', { addressType: 'IPv5' }, ['addressType: Unsupported value: "IPv5": supported values: "FQDN", "IPv4", "IPv6"']],
    ['an endpoint without addresses', { endpoints: [{ addresses: [] }] }, ['endpoints[0].addresses: Required value: must contain at least 1 address']],
    ['an IPv6 address in an IPv4 slice', { endpoints: [{ addresses: ['fd00::1'] }] }, ['endpoints[0].addresses[0]: Invalid value: "fd00::1": must be a valid IPv4 address']],
    ['a loopback address', { endpoints: [{ addresses: ['127.0.0.1'] }] }, ['endpoints[0].addresses[0]: Invalid value: "127.0.0.1": may not be in the loopback range (127.0.0.0/8, ::1/128)']],
    ['duplicate port names', { ports: [{ name: 'http', port: 1 }, { name: 'http', port: 2 }] }, ['ports[1].name: Duplicate value: "http"']],
  ];
  for (const [name, extra, expected] of cases) {
    it(`rejects ${name}`, () => assert.deepEqual(runCreate(EPS, slice(extra)).errors, expected));
  }

  it('bumps the generation on changes only, and keeps the address type', () => {
    const old = created(EPS, slice({}));
    const same = runUpdate(EPS, slice({}), old);
    assert.equal(same.obj.metadata?.generation, 1);
    const moved = runUpdate(EPS, slice({ endpoints: [{ addresses: ['10.244.0.6'] }] }), old);
    assert.equal(moved.obj.metadata?.generation, 2);
    assert.deepEqual(runUpdate(EPS, slice({ addressType: 'IPv6', endpoints: [{ addresses: ['fd00::5'] }] }), old).errors, [
      'addressType: Invalid value: "IPv6": field is immutable',
    ]);
  });

  it("spares the API server's own loopback slice", () => {
    assert.deepEqual(runCreate(EPS, slice({ endpoints: [{ addresses: ['127.0.0.1'] }] }, 'kubernetes')).errors, []);
  });
});
