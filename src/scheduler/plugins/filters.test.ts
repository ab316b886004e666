/**
 * Table-driven tests of the filtering plugins, each run alone through the framework
 * (PreFilter then Filter), checking the status code and upstream's reason per node.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Code, CycleState, type NodeInfo, type NodeSelectorTerm, type Pod, type PodSpec, type Status } from '../framework/index.js';
import { filterAll, makeNode, makePod, newTestFramework, nodeInfoOf } from '../testing.js';
import { Names } from './names.js';

interface Case {
  name: string;
  pod: Pod;
  nodes: NodeInfo[];
  /** node -> [code, reason] or 'fits'. */
  want: Record<string, 'fits' | [Code, string]>;
}

function run(plugin: string, cases: Case[]): void {
  for (const c of cases) {
    it(c.name, () => {
      const { fwk } = newTestFramework({ plugins: [{ name: plugin }], nodeInfos: c.nodes });
      const { preFilter, byNode } = filterAll(fwk, c.pod, c.nodes);
      assert.equal(preFilter, undefined, `unexpected PreFilter status: ${preFilter?.message()}`);
      for (const [node, want] of Object.entries(c.want)) {
        const got: Status | undefined = byNode.get(node);
        if (want === 'fits') assert.equal(got, undefined, `${node}: ${got?.message()}`);
        else {
          assert.equal(got?.code, want[0], node);
          assert.equal(got?.message(), want[1], node);
          assert.equal(got?.plugin, plugin);
        }
      }
    });
  }
}

describe('NodeUnschedulable', () => {
  run(Names.NodeUnschedulable, [
    {
      name: 'rejects an unschedulable node',
      pod: makePod('p'),
      nodes: [nodeInfoOf(makeNode('a', { unschedulable: true })), nodeInfoOf(makeNode('b'))],
      want: { a: [Code.UnschedulableAndUnresolvable, 'node(s) were unschedulable'], b: 'fits' },
    },
    {
      name: 'admits a pod tolerating node.kubernetes.io/unschedulable',
      pod: makePod('p', { spec: { tolerations: [{ key: 'node.kubernetes.io/unschedulable', operator: 'Exists', effect: 'NoSchedule' }] } }),
      nodes: [nodeInfoOf(makeNode('a', { unschedulable: true }))],
      want: { a: 'fits' },
    },
  ]);
});

describe('NodeName', () => {
  run(Names.NodeName, [
    {
      name: 'only the named node fits',
      pod: makePod('p', { spec: { nodeName: 'b' } }),
      nodes: [nodeInfoOf(makeNode('a')), nodeInfoOf(makeNode('b'))],
      want: { a: [Code.UnschedulableAndUnresolvable, "node(s) didn't match the requested node name"], b: 'fits' },
    },
  ]);
});

describe('TaintToleration', () => {
  const tainted = makeNode('t', { taints: [{ key: 'dedicated', value: 'gpu', effect: 'NoSchedule' }] });
  const noExec = makeNode('x', { taints: [{ key: 'k', value: '', effect: 'NoExecute' }] });
  const soft = makeNode('s', { taints: [{ key: 'k', value: 'v', effect: 'PreferNoSchedule' }] });
  run(Names.TaintToleration, [
    {
      name: 'untolerated NoSchedule and NoExecute taints reject; PreferNoSchedule does not',
      pod: makePod('p'),
      nodes: [nodeInfoOf(tainted), nodeInfoOf(noExec), nodeInfoOf(soft)],
      want: {
        t: [Code.UnschedulableAndUnresolvable, 'node(s) had untolerated taint {dedicated: gpu}'],
        x: [Code.UnschedulableAndUnresolvable, 'node(s) had untolerated taint {k: }'],
        s: 'fits',
      },
    },
    {
      name: 'Equal toleration with the right value',
      pod: makePod('p', { spec: { tolerations: [{ key: 'dedicated', operator: 'Equal', value: 'gpu', effect: 'NoSchedule' }] } }),
      nodes: [nodeInfoOf(tainted)],
      want: { t: 'fits' },
    },
    {
      name: 'Equal toleration with another value does not tolerate',
      pod: makePod('p', { spec: { tolerations: [{ key: 'dedicated', value: 'cpu' }] } }),
      nodes: [nodeInfoOf(tainted)],
      want: { t: [Code.UnschedulableAndUnresolvable, 'node(s) had untolerated taint {dedicated: gpu}'] },
    },
    {
      name: 'empty key with Exists tolerates everything',
      pod: makePod('p', { spec: { tolerations: [{ operator: 'Exists' }] } }),
      nodes: [nodeInfoOf(tainted), nodeInfoOf(noExec)],
      want: { t: 'fits', x: 'fits' },
    },
    {
      name: 'a toleration for another effect does not count',
      pod: makePod('p', { spec: { tolerations: [{ key: 'dedicated', operator: 'Exists', effect: 'NoExecute' }] } }),
      nodes: [nodeInfoOf(tainted)],
      want: { t: [Code.UnschedulableAndUnresolvable, 'node(s) had untolerated taint {dedicated: gpu}'] },
    },
  ]);
});

describe('NodeAffinity', () => {
  const ssd = makeNode('ssd', { labels: { disk: 'ssd', gen: '5' } });
  const hdd = makeNode('hdd', { labels: { disk: 'hdd', gen: '3' } });
  const bare = makeNode('bare');
  const reason = "node(s) didn't match Pod's node affinity/selector";
  const required = (terms: NodeSelectorTerm[]): Partial<PodSpec> => ({ affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: terms } } } });
  run(Names.NodeAffinity, [
    {
      name: 'nodeSelector',
      pod: makePod('p', { spec: { nodeSelector: { disk: 'ssd' } } }),
      nodes: [nodeInfoOf(ssd), nodeInfoOf(hdd), nodeInfoOf(bare)],
      want: { ssd: 'fits', hdd: [Code.UnschedulableAndUnresolvable, reason], bare: [Code.UnschedulableAndUnresolvable, reason] },
    },
    {
      name: 'terms are ORed, expressions ANDed',
      pod: makePod('p', {
        spec: required([
          { matchExpressions: [{ key: 'disk', operator: 'In', values: ['ssd'] }, { key: 'gen', operator: 'Gt', values: ['4'] }] },
          { matchExpressions: [{ key: 'disk', operator: 'DoesNotExist' }] },
        ]),
      }),
      nodes: [nodeInfoOf(ssd), nodeInfoOf(hdd), nodeInfoOf(bare)],
      want: { ssd: 'fits', hdd: [Code.UnschedulableAndUnresolvable, reason], bare: 'fits' },
    },
    {
      name: 'NotIn and Lt',
      pod: makePod('p', { spec: required([{ matchExpressions: [{ key: 'disk', operator: 'NotIn', values: ['ssd'] }, { key: 'gen', operator: 'Lt', values: ['4'] }] }]) }),
      nodes: [nodeInfoOf(ssd), nodeInfoOf(hdd)],
      want: { ssd: [Code.UnschedulableAndUnresolvable, reason], hdd: 'fits' },
    },
    {
      name: 'an empty term matches nothing',
      pod: makePod('p', { spec: required([{}]) }),
      nodes: [nodeInfoOf(ssd)],
      want: { ssd: [Code.UnschedulableAndUnresolvable, reason] },
    },
    {
      name: 'nodeSelector and affinity must both hold',
      pod: makePod('p', { spec: { nodeSelector: { disk: 'hdd' }, ...required([{ matchExpressions: [{ key: 'gen', operator: 'Exists' }] }]) } }),
      nodes: [nodeInfoOf(ssd), nodeInfoOf(hdd)],
      want: { ssd: [Code.UnschedulableAndUnresolvable, reason], hdd: 'fits' },
    },
  ]);

  it('matchFields on metadata.name narrows the nodes in PreFilter', () => {
    const nodes = [nodeInfoOf(ssd), nodeInfoOf(hdd)];
    const { fwk } = newTestFramework({ plugins: [{ name: Names.NodeAffinity }], nodeInfos: nodes });
    const state = new CycleState();
    const pod = makePod('p', { spec: required([{ matchFields: [{ key: 'metadata.name', operator: 'In', values: ['hdd'] }] }]) });
    const pre = fwk.runPreFilterPlugins(state, pod, nodes);
    assert.deepEqual([...(pre.result?.nodeNames ?? [])], ['hdd']);
    assert.deepEqual([...pre.unschedulablePlugins], [Names.NodeAffinity]);
    assert.equal(fwk.runFilterPlugins(state, pod, nodes[1]!), undefined);
  });
});

describe('NodePorts', () => {
  const withPort = (name: string, port: number, hostIP?: string, protocol?: string) =>
    makePod(name, { containers: [{ name: 'c', ports: [{ containerPort: 80, hostPort: port, hostIP, protocol }] }] });
  const reason = "node(s) didn't have free ports for the requested pod ports";
  run(Names.NodePorts, [
    {
      name: 'a used host port conflicts; other ports and protocols do not',
      pod: withPort('p', 8080),
      nodes: [
        nodeInfoOf(makeNode('busy'), withPort('e', 8080)),
        nodeInfoOf(makeNode('udp'), withPort('e', 8080, undefined, 'UDP')),
        nodeInfoOf(makeNode('other'), withPort('e', 9090)),
      ],
      want: { busy: [Code.Unschedulable, reason], udp: 'fits', other: 'fits' },
    },
    {
      name: '0.0.0.0 conflicts with a specific address and vice versa; distinct addresses do not',
      pod: withPort('p', 8080, '10.0.0.1'),
      nodes: [
        nodeInfoOf(makeNode('wild'), withPort('e', 8080, '0.0.0.0')),
        nodeInfoOf(makeNode('same'), withPort('e', 8080, '10.0.0.1')),
        nodeInfoOf(makeNode('diff'), withPort('e', 8080, '10.0.0.2')),
      ],
      want: { wild: [Code.Unschedulable, reason], same: [Code.Unschedulable, reason], diff: 'fits' },
    },
  ]);
});

describe('NodeResourcesFit', () => {
  const node = (name: string, cpu: string, memory = '4Gi', pods = '110', extra: Record<string, string> = {}) =>
    makeNode(name, { allocatable: { cpu, memory, pods, ...extra } });
  run(Names.NodeResourcesFit, [
    {
      name: 'insufficient cpu and memory are both reported',
      pod: makePod('p', { requests: { cpu: '2', memory: '3Gi' } }),
      nodes: [nodeInfoOf(node('small', '1', '2Gi')), nodeInfoOf(node('ok', '4', '8Gi'))],
      want: { small: [Code.Unschedulable, 'Insufficient cpu, Insufficient memory'], ok: 'fits' },
    },
    {
      name: 'requests of pods already on the node count',
      pod: makePod('p', { requests: { cpu: '1' } }),
      nodes: [nodeInfoOf(node('full', '2'), makePod('e', { requests: { cpu: '1500m' } })), nodeInfoOf(node('room', '2'), makePod('e', { requests: { cpu: '1' } }))],
      want: { full: [Code.Unschedulable, 'Insufficient cpu'], room: 'fits' },
    },
    {
      name: 'too many pods, even for a pod requesting nothing',
      pod: makePod('p'),
      nodes: [nodeInfoOf(node('one', '4', '4Gi', '1'), makePod('e'))],
      want: { one: [Code.Unschedulable, 'Too many pods'] },
    },
    {
      name: 'extended resources',
      pod: makePod('p', { requests: { 'example.com/gpu': '2' } }),
      nodes: [nodeInfoOf(node('none', '4')), nodeInfoOf(node('two', '4', '4Gi', '110', { 'example.com/gpu': '2' }))],
      want: { none: [Code.Unschedulable, 'Insufficient example.com/gpu'], two: 'fits' },
    },
    {
      name: 'init containers count by their maximum, overhead is added',
      pod: makePod('p', {
        containers: [{ name: 'c', resources: { requests: { cpu: '1' } } }],
        spec: { initContainers: [{ name: 'i', resources: { requests: { cpu: '3' } } }], overhead: { cpu: '500m' } },
      }),
      nodes: [nodeInfoOf(node('three', '3')), nodeInfoOf(node('four', '4'))],
      want: { three: [Code.Unschedulable, 'Insufficient cpu'], four: 'fits' },
    },
  ]);
});
