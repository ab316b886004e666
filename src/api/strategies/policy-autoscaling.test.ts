import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { created, runCreate, runStatusUpdate, runUpdate } from './test-util.js';

const PDB = 'policy/poddisruptionbudgets';
const HPA = 'autoscaling/horizontalpodautoscalers';

describe('PodDisruptionBudget', () => {
  const pdb = (spec: Record<string, unknown>) => ({ apiVersion: 'policy/v1', kind: 'PodDisruptionBudget', metadata: { name: 'p', namespace: 'default' }, spec });
  const selector = { matchLabels: { app: 'web' } };

  it('accepts a budget and serializes its zero status', () => {
    const out = runCreate(PDB, pdb({ minAvailable: 1, selector }));
    assert.deepEqual(out.errors, []);
    assert.deepEqual(out.obj.status, { disruptionsAllowed: 0, currentHealthy: 0, desiredHealthy: 0, expectedPods: 0 });
  });

  const cases: [string, Record<string, unknown>, string[]][] = [
    ['a negative minAvailable', { minAvailable: -1, selector }, ['spec.minAvailable: Invalid value: -1: must be greater than or equal to 0']],
    ['more than 100%', { maxUnavailable: '120%', selector }, ['spec.maxUnavailable: Invalid value: intstr.IntOrString{Type:1, IntVal:0, StrVal:"120%"}: must not be greater than 100%']],
    [
      'an unknown eviction policy',
      { minAvailable: 1, selector, unhealthyPodEvictionPolicy: 'Never' },
      ['spec.unhealthyPodEvictionPolicy: Unsupported value: "Never": supported values: "AlwaysAllow", "IfHealthyBudget"'],
    ],
  ];
  for (const [name, spec, expected] of cases) {
    it(`rejects ${name}`, () => assert.deepEqual(runCreate(PDB, pdb(spec)).errors, expected));
  }

  it('rejects minAvailable together with maxUnavailable', () => {
    const errs = runCreate(PDB, pdb({ minAvailable: 1, maxUnavailable: 1, selector })).errors;
    assert.equal(errs.length, 1);
    assert.match(errs[0]!, /^spec: Invalid value: policy\.PodDisruptionBudgetSpec\{MinAvailable:\(\*intstr\.IntOrString\)\(0x[0-9a-f]+\), .*\}: minAvailable and maxUnavailable cannot be both set$/);
  });

  it('checks status counters and conditions', () => {
    const old = created(PDB, pdb({ minAvailable: 1, selector }));
    const status = { disruptionsAllowed: -1, currentHealthy: 0, desiredHealthy: 0, expectedPods: 0, conditions: [{ type: 'DisruptionAllowed', status: 'Maybe', reason: 'x y', lastTransitionTime: '2024-01-01T00:00:00Z' }] };
    assert.deepEqual(runStatusUpdate(PDB, { ...old, status }, old).errors, [
      'status.conditions[0].status: Unsupported value: "Maybe": supported values: "False", "True", "Unknown"',
      "status.conditions[0].reason: Invalid value: \"x y\": a condition reason must start with alphabetic character, optionally followed by a string of alphanumeric characters or '_,:', and must end with an alphanumeric character or '_' (e.g. 'my_name',  or 'MY_NAME',  or 'MyName',  or 'ReasonA,ReasonB',  or 'ReasonA:ReasonB', regex used for validation is '[A-Za-z]([A-Za-z0-9_,:]*[A-Za-z0-9_])?')",
      'status.disruptionsAllowed: Invalid value: -1: must be greater than or equal to 0',
    ]);
  });
});

describe('HorizontalPodAutoscaler', () => {
  const target = { apiVersion: 'apps/v1', kind: 'Deployment', name: 'web' };
  const v2 = (spec: Record<string, unknown>) => ({ apiVersion: 'autoscaling/v2', kind: 'HorizontalPodAutoscaler', metadata: { name: 'h', namespace: 'default' }, spec });
  const v1 = (spec: Record<string, unknown>) => ({ ...v2(spec), apiVersion: 'autoscaling/v1' });

  it('defaults a v2 autoscaler to 80% CPU and starts its status at zero', () => {
    const out = runCreate(HPA, v2({ scaleTargetRef: target, maxReplicas: 5 }));
    assert.deepEqual(out.errors, []);
    assert.deepEqual(out.obj.spec, {
      scaleTargetRef: target,
      maxReplicas: 5,
      minReplicas: 1,
      metrics: [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 80 } } }],
    });
    assert.deepEqual(out.obj.status, { desiredReplicas: 0 });
  });

  it('fills in the behavior rules the client left out', () => {
    const out = runCreate(HPA, v2({ scaleTargetRef: target, maxReplicas: 5, behavior: { scaleDown: { stabilizationWindowSeconds: 60 } } }));
    assert.deepEqual(out.errors, []);
    assert.deepEqual((out.obj.spec as Record<string, unknown>).behavior, {
      scaleUp: { stabilizationWindowSeconds: 0, selectPolicy: 'Max', policies: [{ type: 'Pods', value: 4, periodSeconds: 15 }, { type: 'Percent', value: 100, periodSeconds: 15 }] },
      scaleDown: { stabilizationWindowSeconds: 60, selectPolicy: 'Max', policies: [{ type: 'Percent', value: 100, periodSeconds: 15 }] },
    });
  });

  const cases: [string, unknown, string[]][] = [
    ['zero maxReplicas', v2({ scaleTargetRef: target, maxReplicas: 0 }), ['spec.maxReplicas: Invalid value: 0: must be greater than 0', 'spec.maxReplicas: Invalid value: 0: must be greater than or equal to `minReplicas`']],
    ['zero minReplicas', v2({ scaleTargetRef: target, minReplicas: 0, maxReplicas: 3 }), ['spec.minReplicas: Invalid value: 0: must be greater than or equal to 1', 'spec.metrics: Forbidden: must specify at least one Object or External metric to support scaling to zero replicas']],
    ['a missing target', v2({ maxReplicas: 3 }), ['spec.scaleTargetRef.kind: Required value', 'spec.scaleTargetRef.name: Required value']],
    [
      'a zero utilization target',
      v2({ scaleTargetRef: target, maxReplicas: 3, metrics: [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 0 } } }] }),
      ['spec.metrics[0].resource.target.averageUtilization: Invalid value: 0: must be greater than 0'],
    ],
    ['a v1 CPU target of zero, reported at its v2 path', v1({ scaleTargetRef: target, maxReplicas: 3, targetCPUUtilizationPercentage: 0 }), ['spec.metrics[0].resource.target.averageUtilization: Invalid value: 0: must be greater than 0']],
    [
      'a metric of the wrong source',
      v2({ scaleTargetRef: target, maxReplicas: 3, metrics: [{ type: 'Pods', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 50 } } }] }),
      ['spec.metrics[0].pods: Required value: must populate information for the given metric source'],
    ],
    [
      'a policy period too long',
      v2({ scaleTargetRef: target, maxReplicas: 3, behavior: { scaleUp: { policies: [{ type: 'Pods', value: 1, periodSeconds: 2000 }] } } }),
      ['spec.behavior.scaleUp.policies[0].periodSeconds: Invalid value: 2000: must be less than or equal to 1800'],
    ],
  ];
  for (const [name, obj, expected] of cases) {
    it(`rejects ${name}`, () => assert.deepEqual(runCreate(HPA, obj).errors, expected));
  }

  it('gives a v1 autoscaler without target the default CPU target', () => {
    const out = runCreate(HPA, v1({ scaleTargetRef: target, maxReplicas: 3 }));
    assert.deepEqual(out.errors, []);
    assert.deepEqual(out.obj.spec, { scaleTargetRef: target, maxReplicas: 3, minReplicas: 1, targetCPUUtilizationPercentage: 80 });
  });

  it('serves the v1 zero status with both counters', () => {
    const out = runCreate(HPA, v1({ scaleTargetRef: target, maxReplicas: 3, targetCPUUtilizationPercentage: 50 }));
    assert.deepEqual(out.errors, []);
    assert.deepEqual(out.obj.status, { currentReplicas: 0, desiredReplicas: 0 });
  });

  it('validates updates against the new spec', () => {
    const old = created(HPA, v2({ scaleTargetRef: target, maxReplicas: 5 }));
    assert.deepEqual(runUpdate(HPA, v2({ scaleTargetRef: target, minReplicas: 3, maxReplicas: 2 }), old).errors, [
      'spec.maxReplicas: Invalid value: 2: must be greater than or equal to `minReplicas`',
    ]);
  });
});
