import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Code, type NodeInfo, type Pod, type PodAffinityTerm } from '../../framework/index.js';
import { filterAll, makeNode, makePod, newTestFramework, nodeInfoOf } from '../../testing.js';
import {
  ERR_REASON_AFFINITY_RULES_NOT_MATCH,
  ERR_REASON_ANTI_AFFINITY_RULES_NOT_MATCH,
  ERR_REASON_EXISTING_ANTI_AFFINITY_RULES_NOT_MATCH,
} from './inter-pod-affinity.js';

const term = (labels: Record<string, string>, topologyKey: string, extra: Partial<PodAffinityTerm> = {}): PodAffinityTerm => ({
  labelSelector: { matchLabels: labels },
  topologyKey,
  ...extra,
});
const withAffinity = (name: string, labels: Record<string, string>, aff: Record<string, unknown>, namespace?: string) =>
  makePod(name, { labels, namespace, spec: { affinity: aff } });

const zoneA1 = () => makeNode('a1', { labels: { zone: 'a' } });
const zoneA2 = () => makeNode('a2', { labels: { zone: 'a' } });
const zoneB1 = () => makeNode('b1', { labels: { zone: 'b' } });
const noZone = () => makeNode('nz');

interface Case {
  name: string;
  pod: Pod;
  nodes: NodeInfo[];
  objects?: import('../../../apimachinery/types.js').KubeObject[];
  want: Record<string, 'fits' | [Code, string]>;
  skip?: boolean;
}

const cases: Case[] = [
  {
    name: 'required affinity: only the topology domain of a matching pod fits; nodes without the key never',
    pod: withAffinity('p', {}, { podAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [term({ app: 'db' }, 'zone')] } }),
    nodes: [nodeInfoOf(zoneA1(), makePod('db', { labels: { app: 'db' } })), nodeInfoOf(zoneA2()), nodeInfoOf(zoneB1()), nodeInfoOf(noZone())],
    want: {
      a1: 'fits',
      a2: 'fits',
      b1: [Code.UnschedulableAndUnresolvable, ERR_REASON_AFFINITY_RULES_NOT_MATCH],
      nz: [Code.UnschedulableAndUnresolvable, ERR_REASON_AFFINITY_RULES_NOT_MATCH],
    },
  },
  {
    name: 'required affinity to itself: the first pod of the group may go anywhere with the key',
    pod: withAffinity('p', { app: 'db' }, { podAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [term({ app: 'db' }, 'zone')] } }),
    nodes: [nodeInfoOf(zoneA1()), nodeInfoOf(zoneB1()), nodeInfoOf(noZone())],
    want: { a1: 'fits', b1: 'fits', nz: [Code.UnschedulableAndUnresolvable, ERR_REASON_AFFINITY_RULES_NOT_MATCH] },
  },
  {
    name: 'required affinity matches only in the pod namespace by default',
    pod: withAffinity('p', {}, { podAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [term({ app: 'db' }, 'zone')] } }),
    nodes: [nodeInfoOf(zoneA1(), makePod('db', { labels: { app: 'db' }, namespace: 'other' })), nodeInfoOf(zoneB1())],
    want: { a1: [Code.UnschedulableAndUnresolvable, ERR_REASON_AFFINITY_RULES_NOT_MATCH], b1: [Code.UnschedulableAndUnresolvable, ERR_REASON_AFFINITY_RULES_NOT_MATCH] },
  },
  {
    name: 'a namespaceSelector widens the namespaces',
    pod: withAffinity('p', {}, { podAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [term({ app: 'db' }, 'zone', { namespaceSelector: { matchLabels: { team: 'x' } } })] } }),
    objects: [{ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'other', labels: { team: 'x' } } }],
    nodes: [nodeInfoOf(zoneA1(), makePod('db', { labels: { app: 'db' }, namespace: 'other' })), nodeInfoOf(zoneB1())],
    want: { a1: 'fits', b1: [Code.UnschedulableAndUnresolvable, ERR_REASON_AFFINITY_RULES_NOT_MATCH] },
  },
  {
    name: 'required anti-affinity: the domain of a matching pod is out',
    pod: withAffinity('p', {}, { podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [term({ app: 'web' }, 'zone')] } }),
    nodes: [nodeInfoOf(zoneA1(), makePod('w', { labels: { app: 'web' } })), nodeInfoOf(zoneA2()), nodeInfoOf(zoneB1()), nodeInfoOf(noZone())],
    want: {
      a1: [Code.Unschedulable, ERR_REASON_ANTI_AFFINITY_RULES_NOT_MATCH],
      a2: [Code.Unschedulable, ERR_REASON_ANTI_AFFINITY_RULES_NOT_MATCH],
      b1: 'fits',
      nz: 'fits',
    },
  },
  {
    name: "existing pods' anti-affinity keeps a matching pod out of their domain",
    pod: makePod('p', { labels: { app: 'web' } }),
    nodes: [
      nodeInfoOf(zoneA1(), withAffinity('loner', {}, { podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [term({ app: 'web' }, 'zone')] } })),
      nodeInfoOf(zoneA2()),
      nodeInfoOf(zoneB1()),
    ],
    want: {
      a1: [Code.Unschedulable, ERR_REASON_EXISTING_ANTI_AFFINITY_RULES_NOT_MATCH],
      a2: [Code.Unschedulable, ERR_REASON_EXISTING_ANTI_AFFINITY_RULES_NOT_MATCH],
      b1: 'fits',
    },
  },
  {
    name: 'matchLabelKeys adds the pod own label value to the selector',
    pod: withAffinity('p', { app: 'web', rev: '2' }, { podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [term({ app: 'web' }, 'zone', { matchLabelKeys: ['rev'] })] } }),
    nodes: [nodeInfoOf(zoneA1(), makePod('old', { labels: { app: 'web', rev: '1' } })), nodeInfoOf(zoneB1(), makePod('new', { labels: { app: 'web', rev: '2' } }))],
    want: { a1: 'fits', b1: [Code.Unschedulable, ERR_REASON_ANTI_AFFINITY_RULES_NOT_MATCH] },
  },
];

describe('InterPodAffinity (filter)', () => {
  for (const c of cases) {
    it(c.name, () => {
      const { fwk } = newTestFramework({ plugins: [{ name: 'InterPodAffinity' }], nodeInfos: c.nodes, objects: c.objects });
      const { byNode, preFilter } = filterAll(fwk, c.pod, c.nodes);
      assert.equal(preFilter, undefined);
      for (const [node, want] of Object.entries(c.want)) {
        const got = byNode.get(node);
        if (want === 'fits') assert.equal(got, undefined, `${node}: ${got?.message()}`);
        else assert.deepEqual([got?.code, got?.message()], want, node);
      }
    });
  }

  it('is skipped for pods without affinity when no pod has required anti-affinity', () => {
    const nodes = [nodeInfoOf(zoneA1(), makePod('x'))];
    const { fwk } = newTestFramework({ plugins: [{ name: 'InterPodAffinity' }], nodeInfos: nodes });
    const { state } = filterAll(fwk, makePod('p'), nodes);
    assert.ok(state.skipFilterPlugins.has('InterPodAffinity'));
  });

  it('AddPod/RemovePod keep the counts in step (as preemption uses them)', () => {
    const victim = makePod('w', { labels: { app: 'web' } });
    const nodes = [nodeInfoOf(zoneA1(), victim)];
    const { fwk } = newTestFramework({ plugins: [{ name: 'InterPodAffinity' }], nodeInfos: nodes });
    const pod = withAffinity('p', {}, { podAntiAffinity: { requiredDuringSchedulingIgnoredDuringExecution: [term({ app: 'web' }, 'zone')] } });
    const { state } = filterAll(fwk, pod, nodes);
    const ni = nodes[0]!.clone();
    const pi = ni.pods[0]!;
    ni.removePod(pi.pod);
    assert.equal(fwk.runPreFilterExtensionRemovePod(state, pod, pi, ni), undefined);
    assert.equal(fwk.runFilterPlugins(state, pod, ni), undefined);
    ni.addPodInfo(pi);
    fwk.runPreFilterExtensionAddPod(state, pod, pi, ni);
    assert.equal(fwk.runFilterPlugins(state, pod, ni)?.message(), ERR_REASON_ANTI_AFFINITY_RULES_NOT_MATCH);
  });
});
