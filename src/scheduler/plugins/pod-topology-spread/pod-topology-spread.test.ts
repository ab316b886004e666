import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Code, type NodeInfo, type Pod, type TopologySpreadConstraint } from '../../framework/index.js';
import { filterAll, makeNode, makePod, newTestFramework, nodeInfoOf } from '../../testing.js';
import { ERR_REASON_CONSTRAINTS_NOT_MATCH, ERR_REASON_NODE_LABEL_NOT_MATCH } from './pod-topology-spread.js';

const foo = (name: string) => makePod(name, { labels: { app: 'foo' } });
const constraint = (c: Partial<TopologySpreadConstraint> = {}): TopologySpreadConstraint => ({
  maxSkew: 1,
  topologyKey: 'zone',
  whenUnsatisfiable: 'DoNotSchedule',
  labelSelector: { matchLabels: { app: 'foo' } },
  ...c,
});
const spreadPod = (...cs: TopologySpreadConstraint[]) => makePod('p', { labels: { app: 'foo' }, spec: { topologySpreadConstraints: cs } });
const node = (name: string, zone?: string, extra: Record<string, string> = {}) => makeNode(name, { labels: { ...(zone ? { zone } : {}), ...extra } });

interface Case {
  name: string;
  pod: Pod;
  nodes: NodeInfo[];
  want: Record<string, 'fits' | [Code, string]>;
}

const cases: Case[] = [
  {
    name: 'skew over maxSkew is rejected; the emptier zone fits; a node without the key is unresolvable',
    pod: spreadPod(constraint()),
    nodes: [nodeInfoOf(node('a1', 'a'), foo('x'), foo('y')), nodeInfoOf(node('b1', 'b')), nodeInfoOf(node('nz'))],
    want: { a1: [Code.Unschedulable, ERR_REASON_CONSTRAINTS_NOT_MATCH], b1: 'fits', nz: [Code.UnschedulableAndUnresolvable, ERR_REASON_NODE_LABEL_NOT_MATCH] },
  },
  {
    name: 'balanced zones both fit',
    pod: spreadPod(constraint()),
    nodes: [nodeInfoOf(node('a1', 'a'), foo('x')), nodeInfoOf(node('b1', 'b'), foo('y'))],
    want: { a1: 'fits', b1: 'fits' },
  },
  {
    name: 'minDomains above the number of domains makes the global minimum 0',
    pod: spreadPod(constraint({ minDomains: 3 })),
    nodes: [nodeInfoOf(node('a1', 'a'), foo('x')), nodeInfoOf(node('b1', 'b'), foo('y'))],
    want: { a1: [Code.Unschedulable, ERR_REASON_CONSTRAINTS_NOT_MATCH], b1: [Code.Unschedulable, ERR_REASON_CONSTRAINTS_NOT_MATCH] },
  },
  {
    name: 'pods of other namespaces and terminating pods do not count',
    pod: spreadPod(constraint()),
    nodes: [
      nodeInfoOf(node('a1', 'a'), makePod('o', { labels: { app: 'foo' }, namespace: 'other' }), makePod('t', { labels: { app: 'foo' }, deleting: true })),
      nodeInfoOf(node('b1', 'b')),
    ],
    want: { a1: 'fits', b1: 'fits' },
  },
  {
    name: 'nodes failing the pod node affinity are not counted (nodeAffinityPolicy Honor)',
    pod: makePod('p', { labels: { app: 'foo' }, spec: { topologySpreadConstraints: [constraint()], nodeSelector: { pool: 'x' } } }),
    // Were b1 (not in pool x, empty) counted, zone b's 0 would be the minimum and a1 (1 pod) too skewed.
    nodes: [nodeInfoOf(node('a1', 'a', { pool: 'x' }), foo('m')), nodeInfoOf(node('b1', 'b'))],
    want: { a1: 'fits' },
  },
  {
    name: 'nodeAffinityPolicy Ignore counts every node',
    pod: makePod('p', { labels: { app: 'foo' }, spec: { topologySpreadConstraints: [constraint({ nodeAffinityPolicy: 'Ignore' })], nodeSelector: { pool: 'x' } } }),
    nodes: [nodeInfoOf(node('a1', 'a', { pool: 'x' }), foo('m')), nodeInfoOf(node('b1', 'b'))],
    want: { a1: [Code.Unschedulable, ERR_REASON_CONSTRAINTS_NOT_MATCH] },
  },
  {
    name: 'ScheduleAnyway constraints do not filter',
    pod: spreadPod(constraint({ whenUnsatisfiable: 'ScheduleAnyway' })),
    nodes: [nodeInfoOf(node('a1', 'a'), foo('x'), foo('y')), nodeInfoOf(node('b1', 'b'))],
    want: { a1: 'fits', b1: 'fits' },
  },
];

describe('PodTopologySpread (filter)', () => {
  for (const c of cases) {
    it(c.name, () => {
      const { fwk } = newTestFramework({ plugins: [{ name: 'PodTopologySpread' }], nodeInfos: c.nodes });
      const { byNode } = filterAll(fwk, c.pod, c.nodes);
      for (const [n, want] of Object.entries(c.want)) {
        const got = byNode.get(n);
        if (want === 'fits') assert.equal(got, undefined, `${n}: ${got?.message()}`);
        else assert.deepEqual([got?.code, got?.message()], want, n);
      }
    });
  }
});
