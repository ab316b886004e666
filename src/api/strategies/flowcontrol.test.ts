import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { runCreate } from './test-util.js';

const FS = 'flowcontrol.apiserver.k8s.io/flowschemas';
const PL = 'flowcontrol.apiserver.k8s.io/prioritylevelconfigurations';
const AS = 'apiregistration.k8s.io/apiservices';

describe('FlowSchema', () => {
  const fs = (spec: Record<string, unknown>, name = 'my-schema') => ({ metadata: { name }, spec: { priorityLevelConfiguration: { name: 'workload-low' }, ...spec } });
  const rule = (extra: Record<string, unknown>) => ({ subjects: [{ kind: 'Group', group: { name: 'system:authenticated' } }], resourceRules: [{ verbs: ['*'], apiGroups: ['*'], resources: ['*'], clusterScope: true }], ...extra });

  it('defaults the matching precedence', () => {
    const out = runCreate(FS, fs({ rules: [rule({})] }));
    assert.deepEqual(out.errors, []);
    assert.equal((out.obj.spec as Record<string, unknown>).matchingPrecedence, 1000);
    assert.deepEqual(out.obj.status, {});
  });

  const cases: [string, Record<string, unknown>, string[]][] = [
    ['precedence 1 outside exempt', { matchingPrecedence: 1 }, ["spec.matchingPrecedence: Invalid value: 1: only the schema named 'exempt' may have matchingPrecedence 1"]],
    ['a precedence above 10000', { matchingPrecedence: 10001 }, ['spec.matchingPrecedence: Invalid value: 10001: must not be greater than 10000']],
    ['no priority level', { priorityLevelConfiguration: {} }, ['spec.priorityLevelConfiguration.name: Required value: must reference a priority level']],
    [
      'a rule without subjects or rules',
      { rules: [{}] },
      ['spec.rules[0].subjects: Required value: subjects must contain at least one value', 'spec.rules[0]: Required value: at least one of resourceRules and nonResourceRules has to be non-empty'],
    ],
    [
      'a group subject with a user',
      { rules: [rule({ subjects: [{ kind: 'Group', group: { name: 'g' }, user: { name: 'u' } }] })] },
      ["spec.rules[0].subjects[0].user: Forbidden: user is forbidden when subject kind is not 'User'"],
    ],
    [
      'a namespaced rule without namespaces',
      { rules: [rule({ resourceRules: [{ verbs: ['get'], apiGroups: [''], resources: ['pods'] }] })] },
      ['spec.rules[0].resourceRules[0].namespaces: Required value: resource rules that are not cluster scoped must supply at least one namespace'],
    ],
    [
      'a bad non-resource URL',
      { rules: [rule({ resourceRules: undefined, nonResourceRules: [{ verbs: ['get'], nonResourceURLs: ['/api/*/x'] }] })] },
      ['spec.rules[0].nonResourceRules[0].nonResourceURLs[0]: Invalid value: "/api/*/x": wildcard can only do suffix glob matching'],
    ],
  ];
  for (const [name, spec, expected] of cases) {
    it(`rejects ${name}`, () => assert.deepEqual(runCreate(FS, fs(spec)).errors, expected));
  }
});

describe('PriorityLevelConfiguration', () => {
  const pl = (spec: Record<string, unknown>, name = 'workload-low') => ({ metadata: { name }, spec });

  it('defaults the limited configuration and its queuing', () => {
    const out = runCreate(PL, pl({ type: 'Limited', limited: { limitResponse: { type: 'Queue', queuing: {} } } }));
    assert.deepEqual(out.errors, []);
    assert.deepEqual(out.obj.spec, {
      type: 'Limited',
      limited: { nominalConcurrencyShares: 30, lendablePercent: 0, limitResponse: { type: 'Queue', queuing: { handSize: 8, queues: 64, queueLengthLimit: 50 } } },
    });
  });

  const cases: [string, unknown, string[]][] = [
    ['Exempt under another name', pl({ type: 'Exempt' }), ["spec.type: Invalid value: \"Exempt\": type must be 'Exempt' if and only if name is 'exempt'"]],
    ['Limited without its settings', pl({ type: 'Limited' }), ['spec.limited: Required value: must not be empty when type is Limited']],
    [
      'a hand larger than the deck',
      pl({ type: 'Limited', limited: { limitResponse: { type: 'Queue', queuing: { queues: 4, handSize: 8 } } } }),
      ['spec.limited.limitResponse.queuing.handSize: Invalid value: 8: should not be greater than queues (4)'],
    ],
    [
      'queuing with Reject',
      pl({ type: 'Limited', limited: { limitResponse: { type: 'Reject', queuing: {} } } }),
      ['spec.limited.limitResponse.queuing: Forbidden: must be nil if limited.limitResponse.type is not Limited'],
    ],
    ['a lendable percent above 100', pl({ type: 'Limited', limited: { lendablePercent: 101, limitResponse: { type: 'Reject' } } }), ['spec.limited.lendablePercent: Invalid value: 101: must be between 0 and 100, inclusive']],
  ];
  for (const [name, obj, expected] of cases) {
    it(`rejects ${name}`, () => assert.deepEqual(runCreate(PL, obj).errors, expected));
  }
});

describe('APIService', () => {
  const svc = (name: string, spec: Record<string, unknown>) => ({ metadata: { name }, spec });
  const remote = { group: 'metrics.k8s.io', version: 'v1beta1', groupPriorityMinimum: 100, versionPriority: 100, service: { name: 'metrics-server', namespace: 'kube-system' } };

  it('defaults the service port', () => {
    const out = runCreate(AS, svc('v1beta1.metrics.k8s.io', remote));
    assert.deepEqual(out.errors, []);
    assert.equal((out.obj.spec as Record<string, any>).service.port, 443);
  });

  it('requires the name to be version.group', () => {
    assert.deepEqual(runCreate(AS, svc('metrics', remote)).errors, ['metadata.name: Invalid value: "metrics": must be `spec.version+"."+spec.group`: "v1beta1.metrics.k8s.io"']);
  });

  it('checks priorities and local services', () => {
    const local = { group: 'example.com', version: 'v1', groupPriorityMinimum: 0, versionPriority: 1001, caBundle: b64('abc') };
    assert.deepEqual(runCreate(AS, svc('v1.example.com', local)).errors, [
      'spec.groupPriorityMinimum: Invalid value: 0: must be positive and less than 20000',
      'spec.versionPriority: Invalid value: 1001: must be positive and less than 1000',
      'spec.caBundle: Invalid value: "3 bytes": local APIServices may not have a caBundle',
    ]);
  });
});

function b64(s: string): string {
  return Buffer.from(s).toString('base64');
}
