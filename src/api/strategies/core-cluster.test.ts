import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { created, runCreate, runStatusUpdate, runUpdate } from './test-util.js';

describe('Namespace', () => {
  it('labels a namespace with its name', () => {
    const out = runCreate('/namespaces', { metadata: { name: 'team-a', labels: { owner: 'me' } } });
    assert.deepEqual(out.errors, []);
    assert.deepEqual(out.obj.metadata?.labels, { owner: 'me', 'kubernetes.io/metadata.name': 'team-a' });
  });

  it('rejects unqualified spec finalizers', () => {
    assert.deepEqual(runCreate('/namespaces', { metadata: { name: 'x' }, spec: { finalizers: ['foo'] } }).errors, [
      'spec.finalizers: Invalid value: "foo": name is neither a standard finalizer name nor is it fully qualified',
    ]);
  });

  it('keeps spec.finalizers on main-resource updates', () => {
    const old = { metadata: { name: 'x' }, spec: { finalizers: ['kubernetes'] }, status: { phase: 'Active' } };
    const out = runUpdate('/namespaces', { metadata: { name: 'x' }, spec: {} }, old);
    assert.deepEqual(out.obj.spec, { finalizers: ['kubernetes'] });
  });

  it('checks the phase against the deletion timestamp on /status', () => {
    const old = { metadata: { name: 'x' }, status: { phase: 'Active' } };
    assert.deepEqual(runStatusUpdate('/namespaces', { metadata: { name: 'x' }, status: { phase: 'Terminating' } }, old).errors, [
      'status.Phase: Invalid value: "Terminating": may only be \'Active\' if `deletionTimestamp` is empty',
    ]);
  });
});

describe('Node', () => {
  const node = (spec: Record<string, unknown>) => ({ apiVersion: 'v1', kind: 'Node', metadata: { name: 'n1' }, spec });

  const cases: [string, Record<string, unknown>, string[]][] = [
    ['a taint without effect', { taints: [{ key: 'a' }] }, ['metadata.taints[0].effect: Required value']],
    ['an unknown taint effect', { taints: [{ key: 'a', effect: 'Bad' }] }, ['metadata.taints[0].effect: Unsupported value: "Bad": supported values: "NoSchedule", "PreferNoSchedule", "NoExecute"']],
    [
      'duplicate taints',
      { taints: [{ key: 'a', effect: 'NoSchedule' }, { key: 'a', value: 'b', effect: 'NoSchedule' }] },
      ['metadata.taints[1]: Duplicate value: core.Taint{Key:"a", Value:"b", Effect:"NoSchedule", TimeAdded:(*v1.Time)(nil)}: taints must be unique by key and effect pair'],
    ],
    ['an invalid pod CIDR', { podCIDRs: ['10.0.0.0/33'] }, ['spec.podCIDRs[0]: Invalid value: "10.0.0.0/33": must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)']],
  ];
  for (const [name, spec, expected] of cases) {
    it(`rejects ${name}`, () => assert.deepEqual(runCreate('/nodes', node(spec)).errors, expected));
  }

  it('mirrors podCIDR into podCIDRs and keeps it once set', () => {
    const old = created('/nodes', node({ podCIDR: '10.244.1.0/24' }));
    assert.deepEqual((old.spec as Record<string, unknown>).podCIDRs, ['10.244.1.0/24']);
    assert.deepEqual(runUpdate('/nodes', node({ podCIDR: '10.244.2.0/24', podCIDRs: ['10.244.2.0/24'] }), old).errors, [
      'spec.podCIDRs: Forbidden: node updates may not change podCIDR except from "" to valid',
    ]);
    assert.deepEqual(runUpdate('/nodes', node({ podCIDR: '10.244.1.0/24', unschedulable: true }), old).errors, []);
  });

  it('defaults allocatable to capacity', () => {
    const out = runCreate('/nodes', { metadata: { name: 'n' }, status: { capacity: { cpu: '4', pods: '110' } } });
    assert.deepEqual((out.obj.status as Record<string, unknown>).allocatable, { cpu: '4', pods: '110' });
  });
});

describe('Event', () => {
  const ev = { metadata: { name: 'e', namespace: 'default' }, involvedObject: { kind: 'Pod', name: 'p', namespace: 'default' }, reason: 'Started', message: 'ok' };

  it('accepts a core/v1 event of its namespace', () => assert.deepEqual(runCreate('/events', ev).errors, []));

  it('rejects an event about another namespace', () => {
    const bad = { ...ev, involvedObject: { kind: 'Pod', name: 'p', namespace: 'other' } };
    assert.deepEqual(runCreate('/events', bad).errors, ['involvedObject.namespace: Invalid value: "other": does not match event.namespace']);
  });

  it('applies the events.k8s.io/v1 rules', () => {
    const v1 = { apiVersion: 'events.k8s.io/v1', kind: 'Event', metadata: { name: 'e', namespace: 'default' }, regarding: { kind: 'Pod', name: 'p', namespace: 'default' }, type: 'Normal' };
    assert.deepEqual(runCreate('events.k8s.io/events', v1).errors, ['eventTime: Required value']);
    const timed = { ...v1, eventTime: '2024-01-01T00:00:00.000000Z' };
    assert.deepEqual(runCreate('events.k8s.io/events', timed).errors, [
      'reportingController: Required value',
      'reportingController: Invalid value: "": name part must be non-empty',
      "reportingController: Invalid value: \"\": name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')",
      'reportingInstance: Required value',
      'action: Required value',
      'reason: Required value',
    ]);
  });
});

describe('LimitRange', () => {
  const lr = (limits: unknown[]) => ({ metadata: { name: 'l', namespace: 'default' }, spec: { limits } });

  it('defaults container requests and limits from max and min', () => {
    const out = runCreate('/limitranges', lr([{ type: 'Container', max: { cpu: '2' }, min: { memory: '64Mi' } }]));
    assert.deepEqual(out.errors, []);
    const item = (out.obj.spec as Record<string, any>).limits[0];
    assert.deepEqual(item.default, { cpu: '2' });
    assert.deepEqual(item.defaultRequest, { cpu: '2', memory: '64Mi' });
  });

  const cases: [string, unknown[], string[]][] = [
    ['an unknown type', [{ type: 'Foo' }], ['spec.limits[0].type: Invalid value: "Foo": must be a standard limit type or fully qualified']],
    ['a duplicate type', [{ type: 'Pod' }, { type: 'Pod' }], ['spec.limits[1].type: Duplicate value: "Pod"']],
    ['defaults on a Pod limit', [{ type: 'Pod', default: { cpu: '1' } }], ["spec.limits[0].default: Forbidden: may not be specified when `type` is 'Pod'"]],
    ['a PVC limit without storage bounds', [{ type: 'PersistentVolumeClaim' }], ['spec.limits[0].limits: Required value: either minimum or maximum storage value is required, but neither was provided']],
  ];
  for (const [name, limits, expected] of cases) {
    it(`rejects ${name}`, () => assert.deepEqual(runCreate('/limitranges', lr(limits)).errors, expected));
  }
});

describe('ResourceQuota', () => {
  const quota = (spec: Record<string, unknown>) => ({ metadata: { name: 'q', namespace: 'default' }, spec });

  it('starts with an empty status', () => {
    const out = runCreate('/resourcequotas', { ...quota({ hard: { pods: '10' } }), status: { used: { pods: '3' } } });
    assert.deepEqual(out.errors, []);
    assert.deepEqual(out.obj.status, {});
  });

  const cases: [string, Record<string, unknown>, string[]][] = [
    ['a negative amount', { hard: { pods: '-1' } }, ['spec.hard[pods]: Invalid value: "-1": must be greater than or equal to 0']],
    ['a fractional count', { hard: { pods: '500m' } }, ['spec.hard[pods]: Invalid value: "500m": must be an integer']],
    [
      'an unknown resource',
      { hard: { foo: '1' } },
      ['spec.hard[foo]: Invalid value: "foo": must be a standard resource type or fully qualified', 'spec.hard[foo]: Invalid value: "foo": must be a standard resource for quota'],
    ],
    ['an unknown scope', { hard: { pods: '1' }, scopes: ['Foo'] }, ['spec.scopes: Invalid value: []core.ResourceQuotaScope{"Foo"}: unsupported scope']],
    [
      'conflicting scopes',
      { hard: { pods: '1' }, scopes: ['BestEffort', 'NotBestEffort'] },
      ['spec.scopes: Invalid value: []core.ResourceQuotaScope{"BestEffort", "NotBestEffort"}: conflicting scopes'],
    ],
  ];
  for (const [name, spec, expected] of cases) {
    it(`rejects ${name}`, () => assert.deepEqual(runCreate('/resourcequotas', quota(spec)).errors, expected));
  }

  it('keeps scopes immutable', () => {
    const old = created('/resourcequotas', quota({ hard: { pods: '1' }, scopes: ['BestEffort'] }));
    assert.deepEqual(runUpdate('/resourcequotas', quota({ hard: { pods: '1' }, scopes: ['NotBestEffort'] }), old).errors, [
      'spec.scopes: Invalid value: []core.ResourceQuotaScope{"NotBestEffort"}: field is immutable',
    ]);
  });
});

describe('core/v1 Event with an eventTime', () => {
  it('names reportingComponent as core/v1 calls it', () => {
    const ev = { metadata: { name: 'e', namespace: 'default' }, involvedObject: { kind: 'Pod', name: 'p', namespace: 'default' }, eventTime: '2024-01-01T00:00:00.000000Z', reportingInstance: 'i', action: 'A', reason: 'R' };
    assert.deepEqual(runCreate('/events', ev).errors.slice(0, 1), ['reportingComponent: Required value']);
  });
});
