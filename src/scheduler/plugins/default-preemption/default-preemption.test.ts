import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Code, CycleState, NodeToStatus, Status, type PodDisruptionBudget } from '../../framework/index.js';
import { makeNode, makePod, newTestFramework, nodeInfoOf } from '../../testing.js';
import { DefaultPreemption, filterPodsWithPDBViolation, pickOneNodeForPreemption, type Candidate } from './default-preemption.js';

const NOW = Date.UTC(2026, 0, 1);
const pdb = (name: string, labels: Record<string, string>, allowed: number, disrupted: string[] = []): PodDisruptionBudget => ({
  apiVersion: 'policy/v1',
  kind: 'PodDisruptionBudget',
  metadata: { name, namespace: 'default' },
  spec: { selector: { matchLabels: labels } },
  status: { disruptionsAllowed: allowed, disruptedPods: Object.fromEntries(disrupted.map((d) => [d, '2026-01-01T00:00:00Z'])) },
});

describe('filterPodsWithPDBViolation', () => {
  const pods = ['a', 'b', 'c'].map((n) => ({ pod: makePod(n, { labels: { app: 'x' } }) }));
  const cases: { name: string; pdbs: PodDisruptionBudget[]; violating: string[] }[] = [
    { name: 'no budgets', pdbs: [], violating: [] },
    { name: 'one disruption allowed: the rest violate, in order', pdbs: [pdb('p', { app: 'x' }, 1)], violating: ['b', 'c'] },
    { name: 'already disrupted pods do not use the budget', pdbs: [pdb('p', { app: 'x' }, 1, ['a'])], violating: ['c'] },
    { name: 'a budget of another selector does not apply', pdbs: [pdb('p', { app: 'y' }, 0)], violating: [] },
    { name: 'an empty selector matches nothing', pdbs: [{ ...pdb('p', {}, 0), spec: { selector: {} } }], violating: [] },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const [violating, ok] = filterPodsWithPDBViolation(pods, c.pdbs);
      assert.deepEqual(violating.map((p) => p.pod.metadata.name), c.violating);
      assert.equal(violating.length + ok.length, 3);
    });
  }
});

describe('pickOneNodeForPreemption', () => {
  const v = (name: string, priority: number, startTime?: string) => makePod(name, { priority, startTime });
  const cases: { name: string; candidates: Candidate[]; want: string }[] = [
    {
      name: 'fewest PDB violations first',
      candidates: [
        { name: 'n1', victims: [v('a', 1)], numPDBViolations: 1 },
        { name: 'n2', victims: [v('b', 5), v('c', 5)], numPDBViolations: 0 },
      ],
      want: 'n2',
    },
    {
      name: 'then the lowest highest-priority victim',
      candidates: [
        { name: 'n1', victims: [v('a', 10)], numPDBViolations: 0 },
        { name: 'n2', victims: [v('b', 5), v('c', 5)], numPDBViolations: 0 },
      ],
      want: 'n2',
    },
    {
      name: 'then the smallest sum of priorities',
      candidates: [
        { name: 'n1', victims: [v('a', 5), v('b', 4)], numPDBViolations: 0 },
        { name: 'n2', victims: [v('c', 5), v('d', 1)], numPDBViolations: 0 },
      ],
      want: 'n2',
    },
    {
      name: 'then the fewest victims',
      candidates: [
        { name: 'n1', victims: [v('a', -5), v('b', -5)], numPDBViolations: 0 },
        { name: 'n2', victims: [v('c', -5)], numPDBViolations: 0 },
      ],
      want: 'n2',
    },
    {
      name: 'then the latest start among the highest-priority victims',
      candidates: [
        { name: 'n1', victims: [v('a', 5, '2025-01-01T00:00:00Z')], numPDBViolations: 0 },
        { name: 'n2', victims: [v('b', 5, '2025-06-01T00:00:00Z')], numPDBViolations: 0 },
      ],
      want: 'n2',
    },
  ];
  for (const c of cases) it(c.name, () => assert.equal(pickOneNodeForPreemption(c.candidates, NOW)?.name, c.want));
});

describe('DefaultPreemption', () => {
  const plugins = [{ name: 'NodeResourcesFit' }, { name: 'DefaultPreemption' }];

  it('selects the fewest, least important victims (reprieving higher priority first)', () => {
    const low1 = makePod('low1', { priority: 1, requests: { cpu: '1' } });
    const low2 = makePod('low2', { priority: 2, requests: { cpu: '1' } });
    const high = makePod('high', { priority: 100, requests: { cpu: '1' } });
    const ni = nodeInfoOf(makeNode('n', { allocatable: { cpu: '3', memory: '4Gi', pods: '10' } }), low1, low2, high);
    const { fwk } = newTestFramework({ plugins, nodeInfos: [ni] });
    const dp = fwk.plugins.find((p) => p.name === 'DefaultPreemption') as DefaultPreemption;
    const preemptor = makePod('p', { priority: 10, requests: { cpu: '1' } });
    const state = new CycleState();
    fwk.runPreFilterPlugins(state, preemptor, [ni]);
    const r = dp.selectVictimsOnNode(state, preemptor, ni.clone(), []);
    assert.equal(r.status, undefined);
    assert.deepEqual(r.victims.map((p) => p.metadata.name), ['low1']);
  });

  it('reports nodes without lower-priority pods', () => {
    const ni = nodeInfoOf(makeNode('n', { allocatable: { cpu: '1', memory: '4Gi', pods: '10' } }), makePod('same', { priority: 10, requests: { cpu: '1' } }));
    const { fwk } = newTestFramework({ plugins, nodeInfos: [ni] });
    const dp = fwk.plugins.find((p) => p.name === 'DefaultPreemption') as DefaultPreemption;
    const preemptor = makePod('p', { priority: 10, requests: { cpu: '1' } });
    const state = new CycleState();
    fwk.runPreFilterPlugins(state, preemptor, [ni]);
    const r = dp.selectVictimsOnNode(state, preemptor, ni.clone(), []);
    assert.deepEqual([r.status?.code, r.status?.message()], [Code.UnschedulableAndUnresolvable, 'No preemption victims found for incoming pod']);
  });

  it('PostFilter message when preemption cannot help', async () => {
    const nodes = [
      nodeInfoOf(makeNode('tainted')),
      nodeInfoOf(makeNode('full', { allocatable: { cpu: '1', memory: '4Gi', pods: '10' } }), makePod('x', { priority: 50, requests: { cpu: '1' } })),
    ];
    const preemptor = makePod('p', { priority: 10, requests: { cpu: '1' } });
    const { fwk } = newTestFramework({ plugins, nodeInfos: nodes, objects: [preemptor] });
    const statuses = new NodeToStatus();
    statuses.set('tainted', Status.of(Code.UnschedulableAndUnresolvable, 'node(s) had untolerated taint {a: b}'));
    statuses.set('full', Status.of(Code.Unschedulable, 'Insufficient cpu'));
    const state = new CycleState();
    fwk.runPreFilterPlugins(state, preemptor, nodes);
    const { result, status } = await fwk.runPostFilterPlugins(state, preemptor, statuses);
    assert.equal(status?.code, Code.Unschedulable);
    assert.equal(
      status?.message(),
      'preemption: 0/2 nodes are available: 1 No preemption victims found for incoming pod, 1 Preemption is not helpful for scheduling.',
    );
    assert.deepEqual(result?.nominatingInfo, { mode: 'Override', nominatedNodeName: '' });
  });

  it('does not preempt for pods with preemptionPolicy Never', async () => {
    const preemptor = makePod('p', { priority: 10, spec: { preemptionPolicy: 'Never' } });
    const { fwk } = newTestFramework({ plugins, nodeInfos: [], objects: [preemptor] });
    const { status } = await fwk.runPostFilterPlugins(new CycleState(), preemptor, new NodeToStatus());
    assert.equal(status?.message(), 'preemption: not eligible due to preemptionPolicy=Never.');
  });
});
