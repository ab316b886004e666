import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { KubeObject } from '../../apimachinery/types.js';
import { BackoffStore, remainingBackoff } from './backoff.js';
import { activePodsForRemoval, podGenerateNameWithIndex } from './controller.js';
import { IndexSet } from './indexes.js';
import { matchPodFailurePolicy, matchSuccessPolicy } from './policies.js';
import { compareActivePods, completionIndexOf, finishedTime } from './pods.js';
import { withDefaults } from './types.js';

describe('IndexSet', () => {
  const text: [number[], string][] = [
    [[], ''],
    [[0], '0'],
    [[0, 1], '0,1'],
    [[0, 1, 2], '0-2'],
    [[0, 1, 2, 4], '0-2,4'],
    [[4, 2, 0, 1, 2], '0-2,4'],
    [[1, 3, 4, 5, 7, 8], '1,3-5,7,8'],
  ];
  for (const [idx, want] of text) {
    it(`formats ${JSON.stringify(idx)} as ${JSON.stringify(want)} and parses it back`, () => {
      const s = IndexSet.of(idx);
      assert.equal(s.toString(), want);
      assert.equal(IndexSet.parse(want, 100).toString(), want);
      assert.equal(s.total(), new Set(idx).size);
    });
  }

  it('parses leniently: cut at completions, corrupted parts skipped, adjacent merged', () => {
    assert.equal(IndexSet.parse('0-2,4-9', 6).toString(), '0-2,4,5');
    assert.equal(IndexSet.parse('0,x,2', 10).toString(), '0,2');
    assert.equal(IndexSet.parse('1,2,3', 10).toString(), '1-3');
    assert.equal(IndexSet.parse('7', 5).toString(), '');
  });

  it('answers membership and the first missing indexes', () => {
    const s = IndexSet.parse('1,3-5,9', 20);
    assert.deepEqual([0, 1, 2, 3, 4, 5, 6, 9, 10].map((i) => s.has(i)), [false, true, false, true, true, true, false, true, false]);
    assert.deepEqual(s.firstMissing(4, 20), [0, 2, 6, 7]);
    assert.deepEqual(s.firstMissing(10, 8), [0, 2, 6, 7]);
    assert.equal(s.merge(IndexSet.of([2, 6])).toString(), '1-6,9');
  });
});

describe('pod failure backoff', () => {
  it('doubles from 10 s per consecutive failure, capped at 10 min', () => {
    const now = 1_000_000_000;
    const table: [number, number][] = [
      [0, 0],
      [1, 10_000],
      [2, 20_000],
      [3, 40_000],
      [6, 320_000],
      [7, 600_000],
      [20, 600_000],
    ];
    for (const [failures, want] of table) assert.equal(remainingBackoff(now, failures, now), want, `${failures} failures`);
    assert.equal(remainingBackoff(now, 2, now - 5_000), 15_000, 'elapsed time counts');
    assert.equal(remainingBackoff(now, 2, now - 60_000), 0);
  });

  const pod = (phase: string, finishedAt: string): KubeObject => ({
    metadata: { name: finishedAt },
    status: { phase, containerStatuses: [{ name: 'c', state: { terminated: { exitCode: phase === 'Failed' ? 1 : 0, finishedAt } } }] },
  });

  it('counts failures since the last success', () => {
    const store = new BackoffStore();
    const r1 = store.next('ns/j', [], [pod('Failed', '2024-01-01T00:00:10Z'), pod('Failed', '2024-01-01T00:00:05Z')]);
    assert.deepEqual(r1, { key: 'ns/j', failuresAfterLastSuccess: 2, lastFailureTime: Date.parse('2024-01-01T00:00:10Z') });
    store.update(r1);
    const r2 = store.next('ns/j', [pod('Succeeded', '2024-01-01T00:00:20Z')], [pod('Failed', '2024-01-01T00:00:30Z'), pod('Failed', '2024-01-01T00:00:15Z')]);
    assert.deepEqual(r2, { key: 'ns/j', failuresAfterLastSuccess: 1, lastFailureTime: Date.parse('2024-01-01T00:00:30Z') });
    assert.deepEqual(store.next('other', [], []), { key: 'other', failuresAfterLastSuccess: 0, lastFailureTime: undefined });
  });

  it('takes a pod finish time from containers, then Ready=False, then deletion', () => {
    assert.equal(finishedTime(pod('Failed', '2024-01-01T00:00:10Z')), Date.parse('2024-01-01T00:00:10Z'));
    const noContainers: KubeObject = {
      metadata: { deletionTimestamp: '2024-01-01T00:01:00Z', deletionGracePeriodSeconds: 30 },
      status: { conditions: [{ type: 'Ready', status: 'False', lastTransitionTime: '2024-01-01T00:00:40Z' }] },
    };
    assert.equal(finishedTime(noContainers), Date.parse('2024-01-01T00:00:40Z'));
    assert.equal(finishedTime({ metadata: { deletionTimestamp: '2024-01-01T00:01:00Z', deletionGracePeriodSeconds: 30 } }), Date.parse('2024-01-01T00:00:30Z'));
  });
});

describe('active pod ranking', () => {
  const mk = (name: string, o: { node?: string; phase?: string; readySince?: string; restarts?: number; created?: string } = {}): KubeObject => ({
    metadata: { name, creationTimestamp: o.created ?? '2024-01-01T00:00:00Z' },
    spec: o.node ? { nodeName: o.node } : {},
    status: {
      phase: o.phase ?? 'Running',
      conditions: o.readySince ? [{ type: 'Ready', status: 'True', lastTransitionTime: o.readySince }] : [],
      containerStatuses: [{ name: 'c', restartCount: o.restarts ?? 0 }],
    },
  });
  it('puts the cheapest pods to lose first', () => {
    const pods = [
      mk('running-ready-old', { node: 'n', readySince: '2024-01-01T00:00:00Z' }),
      mk('running-ready-new', { node: 'n', readySince: '2024-01-01T00:05:00Z' }),
      mk('unassigned', { phase: 'Pending' }),
      mk('pending', { node: 'n', phase: 'Pending' }),
      mk('unknown', { node: 'n', phase: 'Unknown' }),
      mk('running-notready', { node: 'n' }),
      mk('running-notready-restarts', { node: 'n', restarts: 3 }),
      mk('running-notready-newer', { node: 'n', created: '2024-01-01T00:09:00Z' }),
    ];
    assert.deepEqual(
      [...pods].sort(compareActivePods).map((p) => p.metadata!.name),
      ['unassigned', 'pending', 'unknown', 'running-notready-restarts', 'running-notready-newer', 'running-notready', 'running-ready-new', 'running-ready-old'],
    );
  });

  it('removes duplicated and out-of-range indexes first for Indexed Jobs', () => {
    const job = withDefaults({ spec: { completions: 3, completionMode: 'Indexed', template: {} } });
    const ix = (name: string, i: number, o = {}) => {
      const p = mk(name, { node: 'n', ...o });
      p.metadata!.annotations = { 'batch.kubernetes.io/job-completion-index': String(i) };
      return p;
    };
    const pods = [ix('a0', 0, { readySince: '2024-01-01T00:00:00Z' }), ix('b0', 0), ix('c1', 1), ix('d5', 5)];
    assert.deepEqual(activePodsForRemoval(job, pods, 0).map((p) => p.metadata!.name).sort(), ['b0', 'd5']);
    assert.deepEqual(activePodsForRemoval(job, pods, 3).map((p) => p.metadata!.name).sort(), ['b0', 'c1', 'd5']);
    assert.equal(completionIndexOf({ metadata: { annotations: { 'batch.kubernetes.io/job-completion-index': '-1' } } }), -1);
  });

  it('builds indexed generate names within the name length limit', () => {
    assert.equal(podGenerateNameWithIndex('pi', 3), 'pi-3-');
    const long = podGenerateNameWithIndex('x'.repeat(70), 12);
    assert.equal(long.length, 58);
    assert.ok(long.endsWith('-12-'));
  });
});

describe('pod failure policy', () => {
  const failed = (exitCodes: Record<string, number>, conditions: { type: string; status: string }[] = [], init: Record<string, number> = {}): KubeObject => ({
    metadata: { namespace: 'ns', name: 'p' },
    status: {
      phase: 'Failed',
      conditions,
      containerStatuses: Object.entries(exitCodes).map(([name, exitCode]) => ({ name, state: { terminated: { exitCode } } })),
      initContainerStatuses: Object.entries(init).map(([name, exitCode]) => ({ name, state: { terminated: { exitCode } } })),
    },
  });
  const rules = [
    { action: 'Ignore', onPodConditions: [{ type: 'DisruptionTarget', status: 'True' }] },
    { action: 'FailJob', onExitCodes: { containerName: 'main', operator: 'In', values: [42] } },
    { action: 'Count', onExitCodes: { operator: 'NotIn', values: [1, 2] } },
    { action: 'FailIndex', onExitCodes: { operator: 'In', values: [2] } },
  ];
  const table: [string, KubeObject, object][] = [
    ['no rule matched', failed({ main: 1 }), { countFailed: true }],
    ['Ignore by condition', failed({ main: 42 }, [{ type: 'DisruptionTarget', status: 'True' }]), { countFailed: false, action: 'Ignore' }],
    [
      'FailJob by exit code',
      failed({ side: 0, main: 42 }),
      { countFailed: true, action: 'FailJob', failJobMessage: 'Container main for pod ns/p failed with exit code 42 matching FailJob rule at index 1' },
    ],
    ['a container name not matching falls through to Count', failed({ side: 42 }), { countFailed: true, action: 'Count' }],
    ['FailIndex', failed({ main: 2 }), { countFailed: true, action: 'FailIndex' }],
    ['exit code 0 never matches', failed({ main: 0 }), { countFailed: true }],
    ['init containers are checked after app containers', failed({}, [], { main: 42 }), { countFailed: true, action: 'FailJob', failJobMessage: 'Container main for pod ns/p failed with exit code 42 matching FailJob rule at index 1' }],
  ];
  for (const [name, pod, want] of table) it(name, () => assert.deepEqual(matchPodFailurePolicy(rules, pod), want));

  it('reports pod conditions in the FailJob message', () => {
    const r = matchPodFailurePolicy([{ action: 'FailJob', onPodConditions: [{ type: 'ConfigIssue' }] }], failed({ main: 1 }, [{ type: 'ConfigIssue', status: 'True' }]));
    assert.equal(r.failJobMessage, 'Pod ns/p has condition ConfigIssue matching FailJob rule at index 0');
  });
});

describe('success policy', () => {
  const table: [object[], string, string | undefined][] = [
    [[{ succeededIndexes: '0,2' }], '0,2', 'Matched rules at index 0'],
    [[{ succeededIndexes: '0-3' }], '0,2', undefined],
    [[{ succeededIndexes: '0-3', succeededCount: 2 }], '0,2', 'Matched rules at index 0'],
    [[{ succeededCount: 5 }, { succeededCount: 2 }], '1,4', 'Matched rules at index 1'],
    [[{ succeededIndexes: 'x' }, { succeededIndexes: '4' }], '4', 'Matched rules at index 1'],
  ];
  for (const [rules, done, want] of table) {
    it(`${JSON.stringify(rules)} with ${done}`, () => assert.equal(matchSuccessPolicy(rules, 10, IndexSet.parse(done, 10)), want));
  }
});

describe('Job defaults', () => {
  it('fills what the controller reads, as SetDefaults_Job', () => {
    const j = withDefaults({ spec: { template: {} } });
    assert.equal(j.spec.completions, 1);
    assert.equal(j.spec.parallelism, 1);
    assert.equal(j.spec.backoffLimit, 6);
    assert.equal(j.spec.completionMode, 'NonIndexed');
    assert.equal(j.spec.podReplacementPolicy, 'TerminatingOrFailed');
    const k = withDefaults({ spec: { parallelism: 3, backoffLimitPerIndex: 1, podFailurePolicy: { rules: [{ action: 'Ignore', onPodConditions: [{ type: 'X' }] }] }, template: {} } });
    assert.equal(k.spec.completions, undefined);
    assert.equal(k.spec.backoffLimit, 0x7fffffff);
    assert.equal(k.spec.podReplacementPolicy, 'Failed');
    assert.equal(k.spec.podFailurePolicy!.rules[0]!.onPodConditions![0]!.status, 'True');
  });
});
