import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { created, runCreate, runStatusUpdate, runUpdate } from './test-util.js';

const ING = 'networking.k8s.io/ingresses';
const IC = 'networking.k8s.io/ingressclasses';
const NP = 'networking.k8s.io/networkpolicies';

const ingress = (spec: Record<string, unknown>, annotations?: Record<string, string>) => ({
  apiVersion: 'networking.k8s.io/v1',
  kind: 'Ingress',
  metadata: { name: 'web', namespace: 'default', ...(annotations ? { annotations } : {}) },
  spec,
});
const backend = { service: { name: 'web', port: { number: 80 } } };
const rule = (path: Record<string, unknown>) => ({ host: 'example.com', http: { paths: [{ path: '/', pathType: 'Prefix', backend, ...path }] } });

describe('Ingress', () => {
  it('accepts a realistic ingress and starts its status empty', () => {
    const out = runCreate(ING, ingress({ ingressClassName: 'nginx', rules: [rule({})], tls: [{ hosts: ['example.com'], secretName: 'tls' }] }));
    assert.deepEqual(out.errors, []);
    assert.deepEqual(out.obj.status, { loadBalancer: {} });
  });

  const cases: [string, Record<string, unknown>, string[]][] = [
    ['neither rules nor a default backend', {}, ['spec: Invalid value: []networking.IngressRule(nil): either `defaultBackend` or `rules` must be specified']],
    ['a path without type', { rules: [rule({ pathType: undefined })] }, ['spec.rules[0].http.paths[0].pathType: Required value: pathType must be specified']],
    ['a relative Prefix path', { rules: [rule({ path: 'api' })] }, ['spec.rules[0].http.paths[0].path: Invalid value: "api": must be an absolute path']],
    ['a path with //', { rules: [rule({ path: '/a//b' })] }, ["spec.rules[0].http.paths[0].path: Invalid value: \"/a//b\": must not contain '//'"]],
    [
      'an unknown path type',
      { rules: [rule({ pathType: 'Regex' })] },
      ['spec.rules[0].http.paths[0].pathType: Unsupported value: "Regex": supported values: "Exact", "ImplementationSpecific", "Prefix"'],
    ],
    ['an IP host', { rules: [{ ...rule({}), host: '10.0.0.1' }] }, ['spec.rules[0].host: Invalid value: "10.0.0.1": must be a DNS name, not an IP address']],
    ['a backend with port name and number', { defaultBackend: { service: { name: 'web', port: { name: 'http', number: 80 } } } }, ['spec.defaultBackend: Invalid value: "": cannot set both port name & port number']],
    ['a backend without port', { defaultBackend: { service: { name: 'web' } } }, ['spec.defaultBackend: Required value: port name or number is required']],
    ['an empty backend', { defaultBackend: {} }, ['spec.defaultBackend: Invalid value: "": resource or service backend is required']],
    [
      'a service name that is no DNS-1035 label',
      { defaultBackend: { service: { name: '1web', port: { number: 80 } } } },
      [
        "spec.defaultBackend.service.name: Invalid value: \"1web\": a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')",
      ],
    ],
    ['http rules without paths', { rules: [{ host: 'a.example.com', http: { paths: [] } }] }, ['spec.rules[0].http.paths: Required value']],
  ];
  for (const [name, spec, expected] of cases) {
    it(`rejects ${name}`, () => assert.deepEqual(runCreate(ING, ingress(spec)).errors, expected));
  }

  it('requires the class annotation to match the class name, and warns about it', () => {
    const out = runCreate(ING, ingress({ ingressClassName: 'nginx', defaultBackend: backend }, { 'kubernetes.io/ingress.class': 'traefik' }));
    assert.deepEqual(out.errors, ['annotations.kubernetes.io/ingress.class: Invalid value: "traefik": must match `ingressClassName` when both are specified']);
    assert.deepEqual(out.warnings, ['annotation "kubernetes.io/ingress.class" is deprecated, please use \'spec.ingressClassName\' instead']);
  });

  it('checks load-balancer ingress points on /status', () => {
    const old = created(ING, ingress({ defaultBackend: backend }));
    const out = runStatusUpdate(ING, { ...old, status: { loadBalancer: { ingress: [{ ip: 'x' }, { hostname: '10.0.0.1' }] } } }, old);
    assert.deepEqual(out.errors, [
      'status.loadBalancer.ingress[0].ip: Invalid value: "x": must be a valid IP address',
      'status.loadBalancer.ingress[1].hostname: Invalid value: "10.0.0.1": must be a DNS name, not an IP address',
    ]);
  });
});

describe('IngressClass', () => {
  const ic = (spec: Record<string, unknown>) => ({ metadata: { name: 'nginx' }, spec });

  const cases: [string, Record<string, unknown>, string[]][] = [
    ['a missing controller', {}, ['spec.controller: Required value']],
    ['a controller without domain', { controller: 'nginx' }, ['spec.controller: Invalid value: "nginx": must be a domain-prefixed path (such as "acme.io/foo")']],
    ['parameters without scope', { controller: 'k8s.io/nginx', parameters: { kind: 'Config', name: 'c' } }, ['spec.parameters.scope: Required value']],
    [
      'namespace-scoped parameters without namespace',
      { controller: 'k8s.io/nginx', parameters: { kind: 'Config', name: 'c', scope: 'Namespace' } },
      ["spec.parameters.namespace: Required value: `parameters.scope` is set to 'Namespace'"],
    ],
  ];
  for (const [name, spec, expected] of cases) {
    it(`rejects ${name}`, () => assert.deepEqual(runCreate(IC, ic(spec)).errors, expected));
  }

  it('keeps the controller immutable', () => {
    const old = created(IC, ic({ controller: 'k8s.io/nginx' }));
    assert.deepEqual(runUpdate(IC, ic({ controller: 'example.com/other' }), old).errors, ['spec.controller: Invalid value: "example.com/other": field is immutable']);
  });
});

describe('NetworkPolicy', () => {
  const np = (spec: Record<string, unknown>) => ({ metadata: { name: 'np', namespace: 'default' }, spec });

  it('defaults policy types and port protocols', () => {
    const out = runCreate(NP, np({ podSelector: {}, egress: [{ ports: [{ port: 53 }] }] }));
    assert.deepEqual(out.errors, []);
    assert.deepEqual(out.obj.spec, { podSelector: {}, egress: [{ ports: [{ port: 53, protocol: 'TCP' }] }], policyTypes: ['Ingress', 'Egress'] });
  });

  const cases: [string, Record<string, unknown>, string[]][] = [
    ['an empty peer', { podSelector: {}, ingress: [{ from: [{}] }] }, ['spec.ingress[0].from[0]: Required value: must specify a peer']],
    [
      'ipBlock with another peer',
      { podSelector: {}, ingress: [{ from: [{ ipBlock: { cidr: '10.0.0.0/8' }, podSelector: {} }] }] },
      ['spec.ingress[0].from[0]: Forbidden: may not specify both ipBlock and another peer'],
    ],
    ['a bad CIDR', { podSelector: {}, ingress: [{ from: [{ ipBlock: { cidr: '10.0.0.0' } }] }] }, ['spec.ingress[0].from[0].ipBlock.cidr: Invalid value: "10.0.0.0": not a valid CIDR']],
    [
      'an except outside the CIDR',
      { podSelector: {}, egress: [{ to: [{ ipBlock: { cidr: '10.0.0.0/16', except: ['10.1.0.0/24', '10.0.0.0/16'] } }] }] },
      [
        'spec.egress[0].to[0].ipBlock.except[0]: Invalid value: "10.1.0.0/24": must be a strict subset of `cidr`',
        'spec.egress[0].to[0].ipBlock.except[1]: Invalid value: "10.0.0.0/16": must be a strict subset of `cidr`',
      ],
    ],
    ['an endPort below the port', { podSelector: {}, ingress: [{ ports: [{ port: 90, endPort: 80 }] }] }, ['spec.ingress[0].ports[0].endPort: Invalid value: 90: must be greater than or equal to `port`']],
    ['an endPort with a named port', { podSelector: {}, ingress: [{ ports: [{ port: 'http', endPort: 80 }] }] }, ['spec.ingress[0].ports[0].endPort: Invalid value: 80: may not be specified when `port` is non-numeric']],
    ['an unknown policy type', { podSelector: {}, policyTypes: ['Sideways'] }, ['spec.policyTypes[0]: Unsupported value: "Sideways": supported values: "Ingress", "Egress"']],
    [
      'three policy types',
      { podSelector: {}, policyTypes: ['Ingress', 'Egress', 'Ingress'] },
      ['spec.policyTypes: Invalid value: &[]networking.PolicyType{"Ingress", "Egress", "Ingress"}: may not specify more than two policyTypes'],
    ],
  ];
  for (const [name, spec, expected] of cases) {
    it(`rejects ${name}`, () => assert.deepEqual(runCreate(NP, np(spec)).errors, expected));
  }
});
