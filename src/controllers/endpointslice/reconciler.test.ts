import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { KubeObject } from '../../apimachinery/types.js';
import { addressTypesFor, podToEndpoint, reconcile, sliceLabels, type EndpointSlice } from './reconciler.js';

const svc = (spec: Record<string, unknown> = {}, labels?: Record<string, string>): KubeObject => ({
  apiVersion: 'v1',
  kind: 'Service',
  metadata: { name: 'web', namespace: 'ns', uid: 'svc-uid', labels, creationTimestamp: '2026-01-01T00:00:00Z' },
  spec: { selector: { app: 'web' }, clusterIP: '10.96.0.10', ipFamilies: ['IPv4'], ports: [{ name: 'http', port: 80, targetPort: 'http', protocol: 'TCP' }], ...spec },
});

const pod = (i: number, opts: { ready?: boolean; deleting?: boolean; ip?: string; node?: string; port?: number } = {}): KubeObject => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: {
    name: `web-${String(i).padStart(3, '0')}`,
    namespace: 'ns',
    uid: `uid-${i}`,
    labels: { app: 'web' },
    deletionTimestamp: opts.deleting ? '2026-01-01T00:00:00Z' : undefined,
  },
  spec: { nodeName: opts.node, containers: [{ name: 'c', ports: [{ name: 'http', containerPort: opts.port ?? 8080 }] }] },
  status: {
    phase: 'Running',
    podIPs: [{ ip: opts.ip ?? `10.0.${Math.floor(i / 250)}.${(i % 250) + 1}` }],
    conditions: [{ type: 'Ready', status: opts.ready === false ? 'False' : 'True' }],
  },
});

/** Applies a plan the way the API would: names for creates, replacements for updates. */
function apply(slices: EndpointSlice[], plan: ReturnType<typeof reconcile>): EndpointSlice[] {
  const byName = new Map(slices.map((s) => [s.metadata!.name!, s]));
  let n = byName.size;
  for (const s of plan.delete) byName.delete(s.metadata!.name!);
  for (const s of plan.update) byName.set(s.metadata!.name!, s);
  for (const s of plan.create) {
    const name = `${s.metadata!.generateName}${n++}`;
    byName.set(name, { ...s, metadata: { ...s.metadata, name, uid: `slice-${name}` } });
  }
  return [...byName.values()];
}

const noNodes = () => undefined;

describe('EndpointSlice reconciler', () => {
  it('creates one slice with every pod, conditions, target and labels', () => {
    const plan = reconcile({ service: svc(), pods: [pod(1), pod(2, { ready: false }), pod(3, { deleting: true })], slices: [], nodes: noNodes });
    assert.equal(plan.create.length, 1);
    const s = plan.create[0]!;
    assert.equal(s.metadata!.generateName, 'web-');
    assert.deepEqual(s.metadata!.labels, { 'kubernetes.io/service-name': 'web', 'endpointslice.kubernetes.io/managed-by': 'endpointslice-controller.k8s.io' });
    assert.deepEqual(s.metadata!.ownerReferences, [{ apiVersion: 'v1', kind: 'Service', name: 'web', uid: 'svc-uid', controller: true, blockOwnerDeletion: true }]);
    assert.equal(s.addressType, 'IPv4');
    assert.deepEqual(s.ports, [{ name: 'http', port: 8080, protocol: 'TCP' }]);
    assert.deepEqual(
      s.endpoints.map((e) => [e.targetRef!.name, e.conditions]),
      [
        ['web-001', { ready: true, serving: true, terminating: false }],
        ['web-002', { ready: false, serving: false, terminating: false }],
        ['web-003', { ready: false, serving: true, terminating: true }],
      ],
    );
  });

  const sizes: { pods: number; slices: number[] }[] = [
    { pods: 100, slices: [100] },
    { pods: 101, slices: [100, 1] },
    { pods: 250, slices: [100, 100, 50] },
  ];
  for (const t of sizes) {
    it(`splits ${t.pods} endpoints into slices of at most 100`, () => {
      const pods = Array.from({ length: t.pods }, (_, i) => pod(i));
      const plan = reconcile({ service: svc(), pods, slices: [], nodes: noNodes });
      assert.deepEqual(plan.create.map((s) => s.endpoints.length).sort((a, b) => b - a), t.slices);
    });
  }

  it('is stable: a second pass over its own result changes nothing', () => {
    const pods = Array.from({ length: 150 }, (_, i) => pod(i));
    const slices = apply([], reconcile({ service: svc(), pods, slices: [], nodes: noNodes }));
    const again = reconcile({ service: svc(), pods, slices, nodes: noNodes });
    assert.deepEqual([again.create.length, again.update.length, again.delete.length], [0, 0, 0]);
  });

  it('updates a changed endpoint in place, drops gone pods, and deletes an emptied slice', () => {
    const pods = [pod(1), pod(2)];
    let slices = apply([], reconcile({ service: svc(), pods, slices: [], nodes: noNodes }));
    const plan = reconcile({ service: svc(), pods: [pod(1, { ready: false })], slices, nodes: noNodes });
    assert.equal(plan.update.length, 1);
    assert.deepEqual(plan.update[0]!.endpoints.map((e) => [e.targetRef!.name, e.conditions.ready]), [['web-001', false]]);
    slices = apply(slices, plan);
    const none = reconcile({ service: svc(), pods: [], slices, nodes: noNodes });
    // Emptied: the slice turns into the placeholder (recycled by name, not deleted and created).
    assert.deepEqual([none.create.length, none.update.length, none.delete.length], [0, 1, 0]);
    assert.deepEqual(none.update[0]!.endpoints, []);
    assert.deepEqual(none.update[0]!.ports, []);
  });

  it('keeps exactly one placeholder slice for a Service without endpoints', () => {
    const plan = reconcile({ service: svc(), pods: [], slices: [], nodes: noNodes });
    assert.equal(plan.create.length, 1);
    const slices = apply([], plan);
    const again = reconcile({ service: svc(), pods: [], slices, nodes: noNodes });
    assert.deepEqual([again.create.length, again.update.length, again.delete.length], [0, 0, 0]);
  });

  it('groups endpoints by port set (a named port resolved per pod)', () => {
    const plan = reconcile({ service: svc(), pods: [pod(1, { port: 8080 }), pod(2, { port: 9090 })], slices: [], nodes: noNodes });
    assert.deepEqual(plan.create.map((s) => s.ports[0]!.port).sort(), [8080, 9090]);
  });

  it('skips pods on unknown nodes and reports them; uses the zone of known nodes', () => {
    const nodes = (n: string) => (n === 'n1' ? { metadata: { name: 'n1', labels: { 'topology.kubernetes.io/zone': 'z1' } } } : undefined);
    const plan = reconcile({ service: svc(), pods: [pod(1, { node: 'n1' }), pod(2, { node: 'gone' })], slices: [], nodes });
    assert.deepEqual(plan.create[0]!.endpoints.map((e) => [e.nodeName, e.zone]), [['n1', 'z1']]);
    assert.deepEqual(plan.errors, ['skipping Pod web-002 for Service ns/web: Node gone Not Found']);
  });

  it('deletes slices of an address type the Service no longer has', () => {
    const slices = apply([], reconcile({ service: svc(), pods: [pod(1)], slices: [], nodes: noNodes }));
    const v6 = svc({ ipFamilies: ['IPv6'], clusterIP: 'fd00::10' });
    const plan = reconcile({ service: v6, pods: [pod(1)], slices, nodes: noNodes });
    // Only slices of the same address type are recycled: this one is deleted.
    assert.equal(plan.delete.length, 1);
    assert.equal(plan.create.length, 1);
    assert.equal(plan.create[0]!.addressType, 'IPv6');
  });

  it('address types and labels follow the Service', () => {
    assert.deepEqual([...addressTypesFor(svc({ ipFamilies: undefined, clusterIP: 'None' }))], ['IPv4', 'IPv6']);
    assert.deepEqual([...addressTypesFor(svc({ ipFamilies: undefined, clusterIP: 'fd00::1' }))], ['IPv6']);
    const headless = svc({ clusterIP: 'None' }, { team: 'a', 'kubernetes.io/service-name': 'spoof' });
    assert.deepEqual(sliceLabels(undefined, headless), {
      team: 'a',
      'service.kubernetes.io/headless': '',
      'kubernetes.io/service-name': 'web',
      'endpointslice.kubernetes.io/managed-by': 'endpointslice-controller.k8s.io',
    });
  });

  it('publishNotReadyAddresses makes every endpoint ready; hostname only for the matching subdomain', () => {
    const p = pod(1, { ready: false });
    (p.spec as Record<string, unknown>).hostname = 'h1';
    (p.spec as Record<string, unknown>).subdomain = 'web';
    const ep = podToEndpoint(p, undefined, svc({ publishNotReadyAddresses: true }), 'IPv4');
    assert.deepEqual(ep.conditions, { ready: true, serving: false, terminating: false });
    assert.equal(ep.hostname, 'h1');
    (p.spec as Record<string, unknown>).subdomain = 'other';
    assert.equal(podToEndpoint(p, undefined, svc(), 'IPv4').hostname, undefined);
  });
});
