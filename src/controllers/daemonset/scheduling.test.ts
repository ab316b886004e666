import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { KubeObject } from '../../apimachinery/types.js';
import { findUpdatedPodsOnNode, surgeCount, unavailableCount } from './controller.js';
import {
  addDaemonTolerations,
  nodeShouldRunDaemonPod,
  replaceNodeNameAffinity,
  requiredNodeAffinityMatches,
  targetNodeName,
  toleratesTaint,
  type NodeSelectorRequirement,
  type PodSpecLike,
} from './scheduling.js';
import { isPodUpdated, withDefaults } from './types.js';

const node = (name: string, labels: Record<string, string> = {}, taints: object[] = []): KubeObject => ({ metadata: { name, labels }, spec: { taints } });

describe('tolerations', () => {
  const taint = { key: 'k', value: 'v', effect: 'NoSchedule' };
  const table: [object, boolean][] = [
    [{ key: 'k', operator: 'Equal', value: 'v', effect: 'NoSchedule' }, true],
    [{ key: 'k', value: 'v' }, true],
    [{ key: 'k', value: 'w' }, false],
    [{ key: 'k', operator: 'Exists' }, true],
    [{ operator: 'Exists' }, true],
    [{ key: 'k', operator: 'Exists', effect: 'NoExecute' }, false],
    [{ key: 'other', operator: 'Exists' }, false],
    [{ key: 'k', operator: 'Bogus' }, false],
  ];
  for (const [t, want] of table) it(`${JSON.stringify(t)} -> ${want}`, () => assert.equal(toleratesTaint(t, taint), want));

  it('adds the daemon tolerations once, network-unavailable only for host network', () => {
    const spec: PodSpecLike = { tolerations: [{ key: 'node.kubernetes.io/not-ready', operator: 'Exists', effect: 'NoExecute' }] };
    addDaemonTolerations(spec);
    addDaemonTolerations(spec);
    assert.equal(spec.tolerations!.length, 6);
    const host: PodSpecLike = { hostNetwork: true };
    addDaemonTolerations(host);
    assert.ok(host.tolerations!.some((t) => t.key === 'node.kubernetes.io/network-unavailable' && t.effect === 'NoSchedule'));
  });
});

describe('node affinity', () => {
  const n = node('n1', { zone: 'a', cores: '8' });
  const term = (matchExpressions: NodeSelectorRequirement[], matchFields: NodeSelectorRequirement[] = []) => ({
    affinity: { nodeAffinity: { requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions, matchFields }] } } },
  });
  const table: [string, PodSpecLike, boolean][] = [
    ['nodeSelector match', { nodeSelector: { zone: 'a' } }, true],
    ['nodeSelector mismatch', { nodeSelector: { zone: 'b' } }, false],
    ['In', term([{ key: 'zone', operator: 'In', values: ['a', 'b'] }]), true],
    ['NotIn on a missing label', term([{ key: 'gpu', operator: 'NotIn', values: ['x'] }]), true],
    ['Exists', term([{ key: 'zone', operator: 'Exists' }]), true],
    ['DoesNotExist', term([{ key: 'zone', operator: 'DoesNotExist' }]), false],
    ['Gt', term([{ key: 'cores', operator: 'Gt', values: ['4'] }]), true],
    ['Lt', term([{ key: 'cores', operator: 'Lt', values: ['4'] }]), false],
    ['matchFields metadata.name', term([], [{ key: 'metadata.name', operator: 'In', values: ['n1'] }]), true],
    ['matchFields other node', term([], [{ key: 'metadata.name', operator: 'In', values: ['n2'] }]), false],
    ['empty term matches nothing', term([]), false],
  ];
  for (const [name, spec, want] of table) it(name, () => assert.equal(requiredNodeAffinityMatches(spec, n), want));

  it('pins a pod to a node and reads the target back', () => {
    const aff = replaceNodeNameAffinity(term([{ key: 'zone', operator: 'In', values: ['a'] }]).affinity, 'n7');
    assert.deepEqual(aff.nodeAffinity!.requiredDuringSchedulingIgnoredDuringExecution, {
      nodeSelectorTerms: [{ matchFields: [{ key: 'metadata.name', operator: 'In', values: ['n7'] }] }],
    });
    assert.equal(targetNodeName({ spec: { affinity: aff } }), 'n7');
    assert.equal(targetNodeName({ spec: { nodeName: 'bound', affinity: aff } }), 'bound');
    assert.equal(targetNodeName({ spec: {} }), undefined);
  });
});

describe('nodeShouldRunDaemonPod', () => {
  const tpl = (spec: object = {}) => ({ spec: { containers: [], ...spec } });
  const table: [string, KubeObject, object, { shouldRun: boolean; shouldContinueRunning: boolean }][] = [
    ['plain node', node('n'), tpl(), { shouldRun: true, shouldContinueRunning: true }],
    ['untolerated NoSchedule: no new pod, existing stays', node('n', {}, [{ key: 'd', effect: 'NoSchedule' }]), tpl(), { shouldRun: false, shouldContinueRunning: true }],
    ['untolerated NoExecute: evicted', node('n', {}, [{ key: 'd', effect: 'NoExecute' }]), tpl(), { shouldRun: false, shouldContinueRunning: false }],
    ['not-ready NoExecute is tolerated', node('n', {}, [{ key: 'node.kubernetes.io/not-ready', effect: 'NoExecute' }]), tpl(), { shouldRun: true, shouldContinueRunning: true }],
    ['cordoned nodes still run daemons', node('n', {}, [{ key: 'node.kubernetes.io/unschedulable', effect: 'NoSchedule' }]), tpl(), { shouldRun: true, shouldContinueRunning: true }],
    ['PreferNoSchedule is ignored', node('n', {}, [{ key: 'd', effect: 'PreferNoSchedule' }]), tpl(), { shouldRun: true, shouldContinueRunning: true }],
    ['selector mismatch', node('n'), tpl({ nodeSelector: { a: 'b' } }), { shouldRun: false, shouldContinueRunning: false }],
    ['other nodeName', node('n'), tpl({ nodeName: 'm' }), { shouldRun: false, shouldContinueRunning: false }],
    ['tolerated taint', node('n', {}, [{ key: 'd', value: 'x', effect: 'NoSchedule' }]), tpl({ tolerations: [{ key: 'd', operator: 'Exists' }] }), { shouldRun: true, shouldContinueRunning: true }],
  ];
  for (const [name, n, t, want] of table) it(name, () => assert.deepEqual(nodeShouldRunDaemonPod(n, t), want));
});

describe('rolling update arithmetic', () => {
  it('scales maxUnavailable and maxSurge, rounding up', () => {
    const ds = withDefaults({ spec: { updateStrategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: '25%', maxSurge: '10%' } }, template: {} } });
    assert.equal(unavailableCount(ds, 10), 3);
    assert.equal(surgeCount(ds, 10), 1);
    assert.equal(unavailableCount(withDefaults({ spec: { template: {} } }), 10), 1);
    assert.equal(surgeCount(withDefaults({ spec: { updateStrategy: { type: 'OnDelete' }, template: {} } }), 10), 0);
  });

  it('tells new from old pods by hash or template generation', () => {
    const p = (name: string, labels: Record<string, string>, deleted = false): KubeObject => ({
      metadata: { name, labels, ...(deleted ? { deletionTimestamp: '2024-01-01T00:00:00Z' } : {}) },
    });
    assert.ok(isPodUpdated(p('a', { 'controller-revision-hash': 'h2' }), 'h2', undefined));
    assert.ok(isPodUpdated(p('a', { 'pod-template-generation': '3' }), 'h2', 3));
    assert.equal(isPodUpdated(p('a', { 'controller-revision-hash': 'h1' }), 'h2', undefined), false);
    const r = findUpdatedPodsOnNode([p('new', { 'controller-revision-hash': 'h2' }), p('old', { 'controller-revision-hash': 'h1' }), p('gone', {}, true)], 'h2', undefined);
    assert.deepEqual([r?.newPod?.metadata?.name, r?.oldPod?.metadata?.name], ['new', 'old']);
    assert.equal(findUpdatedPodsOnNode([p('a', {}), p('b', {})], 'h2', undefined), undefined, 'two old pods: leave it to manage');
  });
});
