import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { KubeObject } from '../../apimachinery/types.js';
import { desiredSubsets } from './controller.js';
import { capacityAnnotationSetCorrectly, MAX_CAPACITY, repackSubsets, subsetsEqualIgnoringResourceVersion, truncateSubsets, type EndpointSubset } from './subsets.js';

const addr = (ip: string, uid = ip) => ({ ip, targetRef: { kind: 'Pod', name: uid, uid } });
const port = (name: string, p: number) => ({ name, port: p, protocol: 'TCP' });

const svc = (spec: Record<string, unknown> = {}): KubeObject => ({
  apiVersion: 'v1',
  kind: 'Service',
  metadata: { name: 'web', namespace: 'ns', uid: 's' },
  spec: { selector: { app: 'web' }, clusterIP: '10.96.0.10', ipFamilies: ['IPv4'], ports: [{ name: 'http', port: 80, targetPort: 'http' }], ...spec },
});
const pod = (name: string, ip: string, o: { ready?: boolean; deleting?: boolean; phase?: string; port?: number; hostname?: string; subdomain?: string; node?: string } = {}): KubeObject => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name, namespace: 'ns', uid: `u-${name}`, labels: { app: 'web' }, deletionTimestamp: o.deleting ? '2026-01-01T00:00:00Z' : undefined },
  spec: { nodeName: o.node, hostname: o.hostname, subdomain: o.subdomain, containers: [{ name: 'c', ports: [{ name: 'http', containerPort: o.port ?? 8080 }] }] },
  status: { phase: o.phase ?? 'Running', podIP: ip, conditions: [{ type: 'Ready', status: o.ready === false ? 'False' : 'True' }] },
});

describe('Endpoints subsets', () => {
  it('repacks per-pod subsets by port set, ready and not-ready apart, sorted', () => {
    const got = repackSubsets([
      { addresses: [addr('10.0.0.2')], ports: [port('http', 8080)] },
      { notReadyAddresses: [addr('10.0.0.3')], ports: [port('http', 8080)] },
      { addresses: [addr('10.0.0.1')], ports: [port('http', 8080)] },
      { addresses: [addr('10.0.0.2')], ports: [port('metrics', 9090)] },
    ]);
    assert.deepEqual(got, [
      { addresses: [addr('10.0.0.1'), addr('10.0.0.2')], notReadyAddresses: [addr('10.0.0.3')], ports: [port('http', 8080)] },
      { addresses: [addr('10.0.0.2')], ports: [port('metrics', 9090)] },
    ]);
  });

  it('merges ports offered by the same addresses into one subset', () => {
    const got = repackSubsets([
      { addresses: [addr('10.0.0.1')], ports: [port('b', 2)] },
      { addresses: [addr('10.0.0.1')], ports: [port('a', 1)] },
    ]);
    assert.deepEqual(got, [{ addresses: [addr('10.0.0.1')], ports: [port('a', 1), port('b', 2)] }]);
  });

  const cases: { name: string; pods: KubeObject[]; spec?: Record<string, unknown>; want: EndpointSubset[] }[] = [
    {
      name: 'ready and not-ready pods; terminal, IP-less and terminating ones left out',
      pods: [
        pod('a', '10.0.0.1', { node: 'n1' }),
        pod('b', '10.0.0.2', { ready: false }),
        pod('c', '10.0.0.3', { phase: 'Succeeded' }),
        pod('d', '', {}),
        pod('e', '10.0.0.5', { deleting: true }),
      ],
      want: [
        {
          addresses: [{ ip: '10.0.0.1', nodeName: 'n1', targetRef: { kind: 'Pod', namespace: 'ns', name: 'a', uid: 'u-a' } }],
          notReadyAddresses: [{ ip: '10.0.0.2', targetRef: { kind: 'Pod', namespace: 'ns', name: 'b', uid: 'u-b' } }],
          ports: [{ name: 'http', port: 8080, protocol: 'TCP' }],
        },
      ],
    },
    {
      name: 'publishNotReadyAddresses: not-ready and terminating pods are addresses',
      spec: { publishNotReadyAddresses: true },
      pods: [pod('b', '10.0.0.2', { ready: false }), pod('e', '10.0.0.5', { deleting: true })],
      want: [
        {
          addresses: [
            { ip: '10.0.0.2', targetRef: { kind: 'Pod', namespace: 'ns', name: 'b', uid: 'u-b' } },
            { ip: '10.0.0.5', targetRef: { kind: 'Pod', namespace: 'ns', name: 'e', uid: 'u-e' } },
          ],
          ports: [{ name: 'http', port: 8080, protocol: 'TCP' }],
        },
      ],
    },
    {
      name: 'headless without ports lists addresses with hostnames',
      spec: { clusterIP: 'None', ports: [] },
      pods: [pod('a', '10.0.0.1', { hostname: 'a', subdomain: 'web' })],
      want: [{ addresses: [{ ip: '10.0.0.1', hostname: 'a', targetRef: { kind: 'Pod', namespace: 'ns', name: 'a', uid: 'u-a' } }] }],
    },
    {
      name: 'a pod without the named port is left out of that port',
      spec: { ports: [{ name: 'x', port: 81, targetPort: 'nope' }, { name: 'n', port: 82, targetPort: 7070, protocol: 'UDP' }] },
      pods: [pod('a', '10.0.0.1')],
      want: [{ addresses: [{ ip: '10.0.0.1', targetRef: { kind: 'Pod', namespace: 'ns', name: 'a', uid: 'u-a' } }], ports: [{ name: 'n', port: 7070, protocol: 'UDP' }] }],
    },
  ];
  for (const c of cases) {
    it(`desired subsets: ${c.name}`, () => {
      assert.deepEqual(JSON.parse(JSON.stringify(desiredSubsets(svc(c.spec), c.pods).subsets)), c.want);
    });
  }

  it('truncates to 1000 addresses, not-ready ones first, and flags capacity', () => {
    const many = (n: number, base: number) => Array.from({ length: n }, (_, i) => addr(`10.${base}.${Math.floor(i / 250)}.${i % 250}`));
    const subsets: EndpointSubset[] = [
      { addresses: many(600, 1), notReadyAddresses: many(300, 2), ports: [port('a', 1)] },
      { addresses: many(200, 3), notReadyAddresses: many(300, 4), ports: [port('b', 2)] },
    ];
    assert.equal(truncateSubsets(subsets), true);
    assert.equal(subsets[0]!.addresses!.length + subsets[1]!.addresses!.length, 800);
    assert.equal(subsets[0]!.notReadyAddresses!.length + subsets[1]!.notReadyAddresses!.length, MAX_CAPACITY - 800);
    assert.equal(capacityAnnotationSetCorrectly({ 'endpoints.kubernetes.io/over-capacity': 'truncated' }, subsets), true);
    assert.equal(capacityAnnotationSetCorrectly({}, subsets), false);
    assert.equal(truncateSubsets([{ addresses: many(10, 5) }]), false);
  });

  it('compares subsets ignoring target resourceVersions', () => {
    const a = [{ addresses: [{ ip: '1.1.1.1', targetRef: { kind: 'Pod', uid: 'x', resourceVersion: '5' } }] }];
    const b = [{ addresses: [{ targetRef: { uid: 'x', kind: 'Pod' }, ip: '1.1.1.1' }] }];
    assert.equal(subsetsEqualIgnoringResourceVersion(a, b), true);
    assert.equal(subsetsEqualIgnoringResourceVersion(a, [{ addresses: [{ ip: '1.1.1.2' }] }]), false);
    assert.equal(subsetsEqualIgnoringResourceVersion(undefined, []), true);
  });
});
