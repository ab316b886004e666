import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { created, runCreate, runUpdate } from './test-util.js';

const SVC = '/services';
const EP = '/endpoints';

const svc = (spec: Record<string, unknown>, meta: Record<string, unknown> = {}) => ({
  apiVersion: 'v1',
  kind: 'Service',
  metadata: { name: 'web', namespace: 'default', ...meta },
  spec,
});
const port80 = { port: 80 };

describe('Service create', () => {
  it('defaults a minimal ClusterIP service and accepts it without a clusterIP (allocated later)', () => {
    const out = runCreate(SVC, svc({ selector: { app: 'web' }, ports: [port80] }));
    assert.deepEqual(out.errors, []);
    assert.deepEqual(out.obj.spec, {
      selector: { app: 'web' },
      ports: [{ port: 80, protocol: 'TCP', targetPort: 80 }],
      type: 'ClusterIP',
      sessionAffinity: 'None',
      internalTrafficPolicy: 'Cluster',
    });
    assert.deepEqual(out.obj.status, { loadBalancer: {} });
  });

  const cases: [string, Record<string, unknown>, string[]][] = [
    ['no ports', { selector: { app: 'web' } }, ['spec.ports: Required value']],
    ['unnamed ports when several', { ports: [{ port: 80 }, { port: 81 }] }, ['spec.ports[0].name: Required value', 'spec.ports[1].name: Required value']],
    ['port out of range', { ports: [{ port: 70000 }] }, ['spec.ports[0].port: Invalid value: 70000: must be between 1 and 65535, inclusive', 'spec.ports[0].targetPort: Invalid value: 70000: must be between 1 and 65535, inclusive']],
    ['bad protocol', { ports: [{ port: 80, protocol: 'HTTP' }] }, ['spec.ports[0].protocol: Unsupported value: "HTTP": supported values: "SCTP", "TCP", "UDP"']],
    ['bad type', { type: 'Foo', ports: [port80] }, ['spec.type: Unsupported value: "Foo": supported values: "ClusterIP", "ExternalName", "LoadBalancer", "NodePort"']],
    ['ExternalName without a name', { type: 'ExternalName' }, ['spec.externalName: Required value']],
    ['nodePort on a ClusterIP service', { ports: [{ port: 80, nodePort: 30080 }] }, ["spec.ports[0].nodePort: Forbidden: may not be used when `type` is 'ClusterIP'"]],
    [
      'duplicate port',
      { ports: [{ name: 'a', port: 80 }, { name: 'b', port: 80 }] },
      ['spec.ports[1]: Duplicate value: core.ServicePort{Name:"", Protocol:"TCP", AppProtocol:(*string)(nil), Port:80, TargetPort:intstr.IntOrString{Type:0, IntVal:0, StrVal:""}, NodePort:0}'],
    ],
    ['headless NodePort', { type: 'NodePort', clusterIP: 'None', ports: [port80] }, ["spec.clusterIPs[0]: Invalid value: \"None\": may not be set to 'None' for NodePort services"]],
    ['clusterIPs without clusterIP', { clusterIPs: ['10.96.0.10'], ports: [port80] }, ['spec.clusterIPs: Invalid value: []string{"10.96.0.10"}: must be empty when `clusterIP` is not specified']],
    [
      'ClientIP affinity timeout too large',
      { sessionAffinity: 'ClientIP', sessionAffinityConfig: { clientIP: { timeoutSeconds: 90000 } }, ports: [port80] },
      ['spec.sessionAffinityConfig.clientIP.timeoutSeconds: Invalid value: 90000: must be greater than 0 and less than 86400'],
    ],
    ['externalTrafficPolicy on ClusterIP', { externalTrafficPolicy: 'Local', ports: [port80] }, ['spec.externalTrafficPolicy: Invalid value: "Local": may only be set for externally-accessible services']],
    ['external IP in loopback', { externalIPs: ['127.0.0.1'], ports: [port80] }, ['spec.externalIPs[0]: Invalid value: "127.0.0.1": may not be in the loopback range (127.0.0.0/8, ::1/128)']],
    ['loadBalancerClass on ClusterIP', { loadBalancerClass: 'example.com/lb', ports: [port80] }, ["spec.loadBalancerClass: Forbidden: may only be used when `type` is 'LoadBalancer'"]],
  ];
  for (const [name, spec, expected] of cases) {
    it(`rejects ${name}`, () => assert.deepEqual(runCreate(SVC, svc(spec)).errors, expected));
  }

  it('defaults LoadBalancer and ClientIP specifics', () => {
    const out = runCreate(SVC, svc({ type: 'LoadBalancer', sessionAffinity: 'ClientIP', ports: [port80] }));
    assert.deepEqual(out.errors, []);
    const spec = out.obj.spec as Record<string, unknown>;
    assert.equal(spec.externalTrafficPolicy, 'Cluster');
    assert.equal(spec.allocateLoadBalancerNodePorts, true);
    assert.deepEqual(spec.sessionAffinityConfig, { clientIP: { timeoutSeconds: 10800 } });
  });

  it('drops sessionAffinityConfig with affinity None and defaults externalTrafficPolicy with external IPs', () => {
    const out = runCreate(SVC, svc({ sessionAffinityConfig: { clientIP: { timeoutSeconds: 5 } }, externalIPs: ['192.0.2.10'], ports: [port80] }));
    assert.deepEqual(out.errors, []);
    const spec = out.obj.spec as Record<string, unknown>;
    assert.equal(spec.sessionAffinityConfig, undefined);
    assert.equal(spec.externalTrafficPolicy, 'Cluster');
  });

  it('warns about ignored and deprecated settings', () => {
    const out = runCreate(SVC, svc({ externalName: 'example.com', ports: [port80] }, { annotations: { 'service.kubernetes.io/topology-aware-hints': 'auto' } }));
    assert.deepEqual(out.warnings, [
      'annotation service.kubernetes.io/topology-aware-hints is deprecated, please use service.kubernetes.io/topology-mode instead',
      'spec.externalName is ignored when spec.type is not "ExternalName"',
    ]);
  });
});

describe('Service update', () => {
  const old = () => {
    const o = created(SVC, svc({ selector: { app: 'web' }, ports: [port80] }));
    // what the registry's allocator adds after validation
    Object.assign(o.spec as object, { clusterIP: '10.96.0.20', clusterIPs: ['10.96.0.20'], ipFamilies: ['IPv4'], ipFamilyPolicy: 'SingleStack' });
    return o;
  };

  it('refuses to change the cluster IP', () => {
    const next = structuredClone(old());
    (next.spec as Record<string, unknown>).clusterIP = '10.96.0.30';
    assert.deepEqual(runUpdate(SVC, next, old()).errors, ['spec.clusterIPs[0]: Invalid value: []string{"10.96.0.30"}: may not change once set']);
  });

  it('keeps allocated values the client leaves out', () => {
    const out = runUpdate(SVC, svc({ selector: { app: 'web2' }, ports: [port80] }), old());
    assert.deepEqual(out.errors, []);
    assert.equal((out.obj.spec as Record<string, unknown>).clusterIP, '10.96.0.20');
  });

  it('turns into an ExternalName service, dropping the cluster IP fields it no longer uses', () => {
    const next = structuredClone(old());
    Object.assign(next.spec as object, { type: 'ExternalName', externalName: 'db.example.com' });
    const out = runUpdate(SVC, next, old());
    assert.deepEqual(out.errors, []);
    const spec = out.obj.spec as Record<string, unknown>;
    assert.equal(spec.clusterIP, undefined);
    assert.equal(spec.ipFamilies, undefined);
  });
});

describe('Endpoints', () => {
  const ep = (ns: string, name: string, ip: string) => ({
    apiVersion: 'v1',
    kind: 'Endpoints',
    metadata: { name, namespace: ns },
    subsets: [{ addresses: [{ ip }], ports: [{ port: 8080 }] }],
  });

  it('defaults port protocols and accepts pod IPs', () => {
    const out = runCreate(EP, ep('default', 'web', '10.244.0.5'));
    assert.deepEqual(out.errors, []);
    assert.deepEqual((out.obj as Record<string, any>).subsets[0].ports, [{ port: 8080, protocol: 'TCP' }]);
  });

  const cases: [string, unknown, string[]][] = [
    ['a loopback address', ep('default', 'web', '127.0.0.1'), ['subsets[0].addresses[0].ip: Invalid value: "127.0.0.1": may not be in the loopback range (127.0.0.0/8, ::1/128)']],
    [
      'an address that is no IP',
      ep('default', 'web', 'nope'),
      ['subsets[0].addresses[0].ip: Invalid value: "nope": must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)', 'subsets[0].addresses[0].ip: Invalid value: "nope": must be a valid IP address'],
    ],
    [
      'a subset without addresses',
      { metadata: { name: 'x', namespace: 'default' }, subsets: [{ ports: [{ port: 1 }] }] },
      ['subsets[0]: Required value: must specify `addresses` or `notReadyAddresses`'],
    ],
  ];
  for (const [name, obj, expected] of cases) {
    it(`rejects ${name}`, () => assert.deepEqual(runCreate(EP, obj).errors, expected));
  }

  it("spares the API server's own loopback endpoints", () => {
    assert.deepEqual(runCreate(EP, ep('default', 'kubernetes', '127.0.0.1')).errors, []);
  });
});
