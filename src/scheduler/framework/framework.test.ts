/** Tests of the framework pieces: resources, node selection, cache and snapshot, FitError, the cycle. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { makeNode, makePod, newTestFramework, nodeInfoOf } from '../testing.js';
import { SchedulerCache, Snapshot } from './cache.js';
import { CycleState } from './cycle-state.js';
import { ScheduleAlgorithm, numFeasibleNodesToFind, selectHost } from './cycle.js';
import { NodeToStatus, fitErrorMessage, newDiagnosis } from './diagnosis.js';
import { RequiredNodeAffinity, toleratesTaint } from './node-selection.js';
import { CPU, MEMORY, podRequests } from './resources.js';
import { Code, Status } from './status.js';

describe('podRequests', () => {
  const cases: { name: string; spec: Record<string, unknown>; cpu: number; memory?: number }[] = [
    { name: 'containers add up', spec: { containers: [{ name: 'a', resources: { requests: { cpu: '100m' } } }, { name: 'b', resources: { requests: { cpu: '1' } } }] }, cpu: 1100 },
    {
      name: 'an init container bigger than the sum wins',
      spec: { containers: [{ name: 'a', resources: { requests: { cpu: '1' } } }], initContainers: [{ name: 'i', resources: { requests: { cpu: '2' } } }] },
      cpu: 2000,
    },
    {
      name: 'sidecars run alongside the containers and later init containers',
      spec: {
        containers: [{ name: 'a', resources: { requests: { cpu: '1' } } }],
        initContainers: [
          { name: 'side', restartPolicy: 'Always', resources: { requests: { cpu: '500m' } } },
          { name: 'init', resources: { requests: { cpu: '2' } } },
        ],
      },
      // regular 1 + sidecar .5 = 1.5; init phase: 2 + .5 = 2.5
      cpu: 2500,
    },
    { name: 'overhead is added', spec: { containers: [{ name: 'a', resources: { requests: { cpu: '1', memory: '1Gi' } } }], overhead: { cpu: '250m', memory: '64Mi' } }, cpu: 1250, memory: (1024 + 64) * 1024 * 1024 },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const r = podRequests(makePod('p', { spec: c.spec as never }));
      assert.equal(r.get(CPU), c.cpu);
      if (c.memory !== undefined) assert.equal(r.get(MEMORY), c.memory);
    });
  }
});

describe('tolerations and node affinity', () => {
  it('toleratesTaint', () => {
    const taint = { key: 'k', value: 'v', effect: 'NoSchedule' };
    const table: [Record<string, string>, boolean][] = [
      [{ key: 'k', value: 'v' }, true],
      [{ key: 'k', operator: 'Equal', value: 'w' }, false],
      [{ key: 'k', operator: 'Exists' }, true],
      [{ operator: 'Exists' }, true],
      [{ key: 'k', operator: 'Exists', effect: 'NoExecute' }, false],
      [{ key: 'other', operator: 'Exists' }, false],
      [{ key: 'k', operator: 'Lt', value: 'v' }, false],
    ];
    for (const [t, want] of table) assert.equal(toleratesTaint(t, taint), want, JSON.stringify(t));
  });

  it('RequiredNodeAffinity with matchFields on metadata.name', () => {
    const req = new RequiredNodeAffinity(
      makePod('p', { spec: { affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchFields: [{ key: 'metadata.name', operator: 'In', values: ['n1'] }] }] } } } } }),
    );
    assert.equal(req.matches(makeNode('n1')), true);
    assert.equal(req.matches(makeNode('n2')), false);
  });
});

describe('SchedulerCache', () => {
  it('assumed pods count until forgotten; a bound pod from the informer confirms the assumption', () => {
    const cache = new SchedulerCache();
    cache.addNode(makeNode('n'));
    const pod = makePod('p', { requests: { cpu: '1' } });
    const assumed = { ...pod, spec: { ...pod.spec, nodeName: 'n' } };
    cache.assumePod(assumed);
    const snap = new Snapshot();
    cache.updateSnapshot(snap);
    assert.equal(snap.get('n')!.requested.milliCPU, 1000);
    assert.ok(cache.isAssumedPod(assumed));
    assert.throws(() => cache.assumePod(assumed), /can't be assumed/);
    cache.forgetPod(assumed);
    cache.updateSnapshot(snap);
    assert.equal(snap.get('n')!.requested.milliCPU, 0);
    cache.assumePod(assumed);
    cache.addPod(assumed);
    assert.equal(cache.isAssumedPod(assumed), false);
    cache.updateSnapshot(snap);
    assert.equal(snap.get('n')!.pods.length, 1);
  });

  it('snapshots copy only changed nodes and never see later changes', () => {
    const cache = new SchedulerCache();
    cache.addNode(makeNode('a'));
    cache.addNode(makeNode('b'));
    const snap = new Snapshot();
    cache.updateSnapshot(snap);
    const a1 = snap.get('a');
    const b1 = snap.get('b');
    cache.addPod(makePod('x', { nodeName: 'b' }));
    assert.equal(snap.get('b')!.pods.length, 0, 'the snapshot is a copy');
    cache.updateSnapshot(snap);
    assert.equal(snap.get('a'), a1, 'unchanged node info reused');
    assert.notEqual(snap.get('b'), b1);
    assert.equal(snap.get('b')!.pods.length, 1);
  });

  it('a deleted node with pods stays out of snapshots until its pods go', () => {
    const cache = new SchedulerCache();
    const node = makeNode('n');
    cache.addNode(node);
    const pod = makePod('x', { nodeName: 'n' });
    cache.addPod(pod);
    cache.removeNode(node);
    const snap = new Snapshot();
    cache.updateSnapshot(snap);
    assert.equal(snap.numNodes(), 0);
    cache.removePod(pod);
    assert.equal(cache.dump().length, 0);
  });

  it('interleaves zones in node order', () => {
    const cache = new SchedulerCache();
    for (const [n, z] of [
      ['a1', 'a'],
      ['a2', 'a'],
      ['b1', 'b'],
    ]) {
      cache.addNode(makeNode(n!, { labels: { 'topology.kubernetes.io/zone': z! } }));
    }
    const snap = new Snapshot();
    cache.updateSnapshot(snap);
    assert.deepEqual(snap.list().map((n) => n.name), ['a1', 'b1', 'a2']);
  });
});

describe('FitError message', () => {
  it('counts reasons per node, sorted, then adds the PostFilter message', () => {
    const d = newDiagnosis();
    d.nodeToStatus.set('a', Status.of(Code.UnschedulableAndUnresolvable, 'node(s) had untolerated taint {key: value}'));
    d.nodeToStatus.set('b', Status.of(Code.Unschedulable, 'Insufficient cpu', 'Insufficient memory'));
    d.nodeToStatus.set('c', Status.of(Code.Unschedulable, 'Insufficient cpu'));
    d.postFilterMsg = 'preemption: 0/3 nodes are available: 3 No preemption victims found for incoming pod.';
    assert.equal(
      fitErrorMessage(3, d),
      '0/3 nodes are available: 1 Insufficient memory, 1 node(s) had untolerated taint {key: value}, 2 Insufficient cpu. preemption: 0/3 nodes are available: 3 No preemption victims found for incoming pod.',
    );
  });

  it('absent nodes take the absent status; a PreFilter message replaces node reasons', () => {
    const d = newDiagnosis();
    d.nodeToStatus = new NodeToStatus();
    d.nodeToStatus.absentNodesStatus = Status.of(Code.UnschedulableAndUnresolvable, 'Preemption is not helpful for scheduling');
    d.nodeToStatus.set('a', Status.of(Code.UnschedulableAndUnresolvable, 'No preemption victims found for incoming pod'));
    assert.equal(fitErrorMessage(4, d), '0/4 nodes are available: 1 No preemption victims found for incoming pod, 3 Preemption is not helpful for scheduling.');
    const p = newDiagnosis();
    p.preFilterMsg = 'pod has unbound immediate PersistentVolumeClaims';
    assert.equal(fitErrorMessage(2, p), '0/2 nodes are available: pod has unbound immediate PersistentVolumeClaims.');
  });
});

describe('scheduling cycle', () => {
  it('numFeasibleNodesToFind', () => {
    const table: [number | undefined, number, number][] = [
      [undefined, 50, 50],
      [undefined, 99, 99],
      [undefined, 100, 100],
      [undefined, 1000, 420], // 50 - 1000/125 = 42%
      [undefined, 5000, 500], // 50 - 40 = 10%
      [undefined, 6000, 300], // 50 - 48 = 2% -> at least 5%
      [10, 500, 100], // 50 nodes, but at least 100
      [50, 1000, 500],
      [100, 300, 300],
    ];
    for (const [pct, n, want] of table) assert.equal(numFeasibleNodesToFind(pct, n), want, `${pct}% of ${n}`);
  });

  it('selectHost picks among the best with equal probability', () => {
    const scores = [
      { name: 'a', scores: [], totalScore: 5 },
      { name: 'b', scores: [], totalScore: 9 },
      { name: 'c', scores: [], totalScore: 9 },
      { name: 'd', scores: [], totalScore: 9 },
    ];
    const picked = new Map<string, number>();
    let seed = 7;
    const rand = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
    for (let i = 0; i < 3000; i++) {
      const h = selectHost(scores, rand)!;
      picked.set(h, (picked.get(h) ?? 0) + 1);
    }
    assert.equal(picked.get('a'), undefined);
    for (const n of ['b', 'c', 'd']) assert.ok(picked.get(n)! > 800, `${n} picked ${picked.get(n)} times`);
  });

  it('weights scores by plugin weight and picks the best node', () => {
    const nodes = [
      nodeInfoOf(makeNode('spare', { allocatable: { cpu: '8', memory: '16Gi', pods: '110' } })),
      nodeInfoOf(makeNode('busy', { allocatable: { cpu: '8', memory: '16Gi', pods: '110' } }), makePod('x', { requests: { cpu: '6', memory: '8Gi' } })),
    ];
    const { fwk } = newTestFramework({ plugins: [{ name: 'NodeResourcesFit', weight: 1 }, { name: 'DefaultBinder' }], nodeInfos: nodes });
    const alg = new ScheduleAlgorithm(fwk, Snapshot.of(nodes));
    const out = alg.schedulePod(new CycleState(), makePod('p', { requests: { cpu: '1' } }));
    assert.equal(out.kind, 'scheduled');
    assert.equal(out.kind === 'scheduled' && out.result.suggestedHost, 'spare');
  });

  it('returns a FitError with per-node statuses when nothing fits', () => {
    const nodes = [nodeInfoOf(makeNode('n', { allocatable: { cpu: '1', memory: '1Gi', pods: '10' } }))];
    const { fwk } = newTestFramework({ plugins: [{ name: 'NodeResourcesFit' }], nodeInfos: nodes });
    const out = new ScheduleAlgorithm(fwk, Snapshot.of(nodes)).schedulePod(new CycleState(), makePod('p', { requests: { cpu: '2' } }));
    assert.equal(out.kind, 'fit-error');
    if (out.kind === 'fit-error') {
      assert.equal(out.fitError.message(), '0/1 nodes are available: 1 Insufficient cpu.');
      assert.deepEqual([...out.fitError.diagnosis.unschedulablePlugins], ['NodeResourcesFit']);
    }
  });

  it('with no nodes at all', () => {
    const { fwk } = newTestFramework({ plugins: [{ name: 'NodeResourcesFit' }] });
    assert.equal(new ScheduleAlgorithm(fwk, new Snapshot()).schedulePod(new CycleState(), makePod('p')).kind, 'no-nodes');
  });
});
