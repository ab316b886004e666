import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { created, runCreate, runUpdate } from './test-util.js';

const VWC = 'admissionregistration.k8s.io/validatingwebhookconfigurations';
const MWC = 'admissionregistration.k8s.io/mutatingwebhookconfigurations';

const hook = (extra: Record<string, unknown> = {}) => ({
  name: 'check.example.com',
  clientConfig: { service: { name: 'hook', namespace: 'default', path: '/validate' } },
  rules: [{ operations: ['CREATE'], apiGroups: [''], apiVersions: ['v1'], resources: ['pods'] }],
  sideEffects: 'None',
  admissionReviewVersions: ['v1'],
  ...extra,
});
const cfg = (webhooks: unknown[]) => ({ metadata: { name: 'cfg' }, webhooks });

describe('webhook configurations', () => {
  it('defaults a webhook and starts at generation 1', () => {
    const out = runCreate(MWC, cfg([hook()]));
    assert.deepEqual(out.errors, []);
    const w = (out.obj as Record<string, any>).webhooks[0];
    assert.equal(w.failurePolicy, 'Fail');
    assert.equal(w.reinvocationPolicy, 'Never');
    assert.equal(w.clientConfig.service.port, 443);
    assert.equal(out.obj.metadata?.generation, 1);
  });

  const cases: [string, Record<string, unknown>, string[]][] = [
    ['a name with two segments', { name: 'check.example' }, ['webhooks[0].name: Invalid value: "check.example": should be a domain with at least three segments separated by dots']],
    ['no side-effect class', { sideEffects: undefined }, ['webhooks[0].sideEffects: Required value: must specify one of None, NoneOnDryRun']],
    ['a side-effect class v1 no longer allows', { sideEffects: 'Some' }, ['webhooks[0].sideEffects: Unsupported value: "Some": supported values: "None", "NoneOnDryRun"']],
    ['a long timeout', { timeoutSeconds: 31 }, ['webhooks[0].timeoutSeconds: Invalid value: 31: the timeout value must be between 1 and 30 seconds']],
    ['both url and service', { clientConfig: { url: 'https://x.example.com', service: { name: 'a', namespace: 'b' } } }, ['webhooks[0].clientConfig: Required value: exactly one of url or service is required']],
    [
      'a plain http URL with a query',
      { clientConfig: { url: 'http://hook.example.com/x?y=1' } },
      ["webhooks[0].clientConfig.url: Invalid value: \"http\": 'https' is the only allowed URL scheme; desired format: https://host[/path]", 'webhooks[0].clientConfig.url: Invalid value: "y=1": query parameters are not permitted in the URL'],
    ],
    ['a service path without slash', { clientConfig: { service: { name: 'a', namespace: 'b', path: 'validate' } } }, ["webhooks[0].clientConfig.service.path: Invalid value: \"validate\": must start with a '/'"]],
    ['no admission review versions', { admissionReviewVersions: [] }, ['webhooks[0].admissionReviewVersions: Required value: must specify one of v1, v1beta1']],
    [
      'only unknown admission review versions',
      { admissionReviewVersions: ['v2'] },
      ['webhooks[0].admissionReviewVersions: Invalid value: []string{"v2"}: must include at least one of v1, v1beta1'],
    ],
    [
      'a wildcard with other operations',
      { rules: [{ operations: ['*', 'CREATE'], apiGroups: ['*'], apiVersions: ['*'], resources: ['*'] }] },
      ["webhooks[0].rules[0].operations: Invalid value: []admissionregistration.OperationType{\"*\", \"CREATE\"}: if '*' is present, must not specify other operations"],
    ],
    [
      'an unknown operation and scope',
      { rules: [{ operations: ['PATCH'], apiGroups: [''], apiVersions: ['v1'], resources: ['pods'], scope: 'Everywhere' }] },
      [
        'webhooks[0].rules[0].operations[0]: Unsupported value: "PATCH": supported values: "*", "CONNECT", "CREATE", "DELETE", "UPDATE"',
        'webhooks[0].rules[0].scope: Unsupported value: "Everywhere": supported values: "*", "Cluster", "Namespaced"',
      ],
    ],
    [
      'overlapping resource wildcards',
      { rules: [{ operations: ['CREATE'], apiGroups: [''], apiVersions: ['v1'], resources: ['*/*', 'pods'] }] },
      ["webhooks[0].rules[0].resources: Invalid value: []string{\"*/*\", \"pods\"}: if '*/*' is present, must not specify other resources"],
    ],
  ];
  for (const [name, extra, expected] of cases) {
    it(`rejects ${name}`, () => assert.deepEqual(runCreate(VWC, cfg([hook(extra)])).errors, expected));
  }

  it('rejects duplicate webhook names', () => {
    assert.deepEqual(runCreate(VWC, cfg([hook(), hook()])).errors, ['webhooks[1].name: Duplicate value: "check.example.com"']);
  });

  it('bumps the generation when the webhooks change', () => {
    const old = created(VWC, cfg([hook()]));
    assert.equal(runUpdate(VWC, cfg([hook()]), old).obj.metadata?.generation, 1);
    assert.equal(runUpdate(VWC, cfg([hook({ timeoutSeconds: 5 })]), old).obj.metadata?.generation, 2);
  });
});
