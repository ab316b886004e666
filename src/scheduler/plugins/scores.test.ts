/** Table-driven tests of the scoring plugins: normalized scores per node, each plugin alone. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { KubeObject } from '../../apimachinery/types.js';
import type { NodeInfo, Pod } from '../framework/index.js';
import { makeNode, makePod, newTestFramework, nodeInfoOf, scoreAll } from '../testing.js';
import { Names } from './names.js';
import { balancedResourceScorer, leastRequestedScore } from './node-resources/index.js';

interface Case {
  name: string;
  pod: Pod;
  nodes: NodeInfo[];
  objects?: KubeObject[];
  want: Record<string, number>;
}

function run(plugin: string, cases: Case[]): void {
  for (const c of cases) {
    it(c.name, () => {
      const { fwk } = newTestFramework({ plugins: [{ name: plugin }], nodeInfos: c.nodes, objects: c.objects });
      const got = Object.fromEntries(scoreAll(fwk, c.pod, c.nodes).map((s) => [s.name, s.score]));
      assert.deepEqual(got, c.want);
    });
  }
}

describe('NodeResourcesFit (LeastAllocated)', () => {
  run(Names.NodeResourcesFit, [
    {
      name: 'more free cpu and memory after placing the pod scores higher',
      pod: makePod('p', { requests: { cpu: '1', memory: '2Gi' } }),
      nodes: [nodeInfoOf(makeNode('big', { allocatable: { cpu: '4', memory: '8Gi', pods: '110' } })), nodeInfoOf(makeNode('half', { allocatable: { cpu: '2', memory: '8Gi', pods: '110' } }))],
      // big: cpu 75, memory 75; half: cpu 50, memory 75 -> 62
      want: { big: 75, half: 62 },
    },
    {
      name: 'a pod without requests counts as 100m / 200Mi',
      pod: makePod('p'),
      nodes: [nodeInfoOf(makeNode('n', { allocatable: { cpu: '4', memory: '8Gi', pods: '110' } }))],
      // cpu (4000-100)*100/4000 = 97; memory (8192-200)*100/8192 = 97
      want: { n: 97 },
    },
  ]);
  it('leastRequestedScore', () => {
    for (const [req, cap, want] of [
      [0, 100, 100],
      [50, 100, 50],
      [101, 100, 0],
      [10, 0, 0],
    ] as const) {
      assert.equal(leastRequestedScore(req, cap), want, `${req}/${cap}`);
    }
  });
});

describe('NodeResourcesBalancedAllocation', () => {
  run(Names.NodeResourcesBalancedAllocation, [
    {
      name: 'equal cpu and memory fractions score 100',
      pod: makePod('p', { requests: { cpu: '1', memory: '2Gi' } }),
      nodes: [nodeInfoOf(makeNode('even', { allocatable: { cpu: '4', memory: '8Gi', pods: '110' } })), nodeInfoOf(makeNode('skewed', { allocatable: { cpu: '2', memory: '8Gi', pods: '110' } }))],
      // skewed: fractions .5 and .25 -> std .125 -> 87
      want: { even: 100, skewed: 87 },
    },
  ]);
  it('balancedResourceScorer with three resources uses the standard deviation', () => {
    // fractions .2, .4, .6 -> mean .4, std sqrt(.08/3) = .163 -> 83
    assert.equal(balancedResourceScorer([2, 4, 6], [10, 10, 10]), 83);
    assert.equal(balancedResourceScorer([5, 0], [10, 0]), 100, 'resources without allocatable are skipped');
  });
});

describe('TaintToleration (score)', () => {
  const soft = (n: number) => Array.from({ length: n }, (_, i) => ({ key: `k${i}`, value: 'v', effect: 'PreferNoSchedule' }));
  run(Names.TaintToleration, [
    {
      name: 'fewer untolerated PreferNoSchedule taints is better',
      pod: makePod('p', { spec: { tolerations: [{ key: 'k2', operator: 'Exists', effect: 'PreferNoSchedule' }] } }),
      nodes: [nodeInfoOf(makeNode('clean')), nodeInfoOf(makeNode('two', { taints: soft(2) })), nodeInfoOf(makeNode('three-one-tolerated', { taints: soft(3) }))],
      want: { clean: 100, two: 0, 'three-one-tolerated': 0 },
    },
    {
      name: 'one of two',
      pod: makePod('p'),
      nodes: [nodeInfoOf(makeNode('one', { taints: soft(1) })), nodeInfoOf(makeNode('two', { taints: soft(2) }))],
      want: { one: 50, two: 0 },
    },
  ]);
});

describe('NodeAffinity (score)', () => {
  run(Names.NodeAffinity, [
    {
      name: 'sum of matching preferred weights, scaled to the best node',
      pod: makePod('p', {
        spec: {
          affinity: {
            nodeAffinity: {
              preferredDuringSchedulingIgnoredDuringExecution: [
                { weight: 2, preference: { matchExpressions: [{ key: 'zone', operator: 'In', values: ['a'] }] } },
                { weight: 5, preference: { matchExpressions: [{ key: 'disk', operator: 'In', values: ['ssd'] }] } },
              ],
            },
          },
        },
      }),
      nodes: [
        nodeInfoOf(makeNode('both', { labels: { zone: 'a', disk: 'ssd' } })),
        nodeInfoOf(makeNode('zone', { labels: { zone: 'a' } })),
        nodeInfoOf(makeNode('none')),
      ],
      want: { both: 100, zone: 28, none: 0 },
    },
    { name: 'no preferences: skipped (all 0)', pod: makePod('p'), nodes: [nodeInfoOf(makeNode('a'))], want: { a: 0 } },
  ]);
});

describe('InterPodAffinity (score)', () => {
  const web = makePod('web', { labels: { app: 'web' } });
  run(Names.InterPodAffinity, [
    {
      name: 'preferred affinity favours the topology domain of matching pods',
      pod: makePod('p', {
        spec: {
          affinity: {
            podAffinity: {
              preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 10, podAffinityTerm: { labelSelector: { matchLabels: { app: 'web' } }, topologyKey: 'zone' } }],
            },
          },
        },
      }),
      nodes: [nodeInfoOf(makeNode('a1', { labels: { zone: 'a' } }), web), nodeInfoOf(makeNode('a2', { labels: { zone: 'a' } })), nodeInfoOf(makeNode('b1', { labels: { zone: 'b' } }))],
      want: { a1: 100, a2: 100, b1: 0 },
    },
    {
      name: 'preferred anti-affinity pushes away',
      pod: makePod('p', {
        spec: {
          affinity: {
            podAntiAffinity: {
              preferredDuringSchedulingIgnoredDuringExecution: [{ weight: 3, podAffinityTerm: { labelSelector: { matchLabels: { app: 'web' } }, topologyKey: 'kubernetes.io/hostname' } }],
            },
          },
        },
      }),
      nodes: [nodeInfoOf(makeNode('with'), web), nodeInfoOf(makeNode('without'))],
      want: { with: 0, without: 100 },
    },
    {
      name: "existing pods' required affinity to the incoming pod counts with weight 1",
      pod: makePod('p', { labels: { role: 'db' } }),
      nodes: [
        nodeInfoOf(
          makeNode('friend', { labels: { zone: 'a' } }),
          makePod('client', { spec: { affinity: { podAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [{ labelSelector: { matchLabels: { role: 'db' } }, topologyKey: 'zone' }] } } } }),
        ),
        nodeInfoOf(makeNode('stranger', { labels: { zone: 'b' } })),
      ],
      want: { friend: 100, stranger: 0 },
    },
  ]);
});

describe('PodTopologySpread (score)', () => {
  const rs = { apiVersion: 'apps/v1', kind: 'ReplicaSet', metadata: { name: 'web-1', namespace: 'default', uid: 'rs-uid' }, spec: { selector: { matchLabels: { app: 'web' } } } };
  const owned = (name: string) => makePod(name, { labels: { app: 'web' }, ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: 'web-1', uid: 'rs-uid', controller: true }] });
  run(Names.PodTopologySpread, [
    {
      name: 'system default constraints spread the pods of a ReplicaSet over hostnames',
      pod: owned('new'),
      objects: [rs],
      nodes: [nodeInfoOf(makeNode('crowded'), owned('r1'), owned('r2')), nodeInfoOf(makeNode('empty'))],
      // crowded: 2*ln(4) + 2 = 4.77 -> 5; empty: 2; normalized 100*(5+2-s)/5
      want: { crowded: 40, empty: 100 },
    },
    {
      name: 'a pod selected by nothing gets no default constraints',
      pod: makePod('lonely'),
      nodes: [nodeInfoOf(makeNode('a'), makePod('x')), nodeInfoOf(makeNode('b'))],
      want: { a: 0, b: 0 },
    },
    {
      name: 'a Service selecting the pod gives the default selector',
      pod: makePod('new', { labels: { app: 'svc' } }),
      objects: [{ apiVersion: 'v1', kind: 'Service', metadata: { name: 's', namespace: 'default' }, spec: { selector: { app: 'svc' } } }],
      nodes: [nodeInfoOf(makeNode('a'), makePod('x', { labels: { app: 'svc' } })), nodeInfoOf(makeNode('b'))],
      // a: 1*ln(4)+2 = 3.39 -> 3; b: 2 -> a: 100*(3+2-3)/3 = 66, b: 100
      want: { a: 66, b: 100 },
    },
  ]);
});
