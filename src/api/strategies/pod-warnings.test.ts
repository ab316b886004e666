import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { FieldPath } from '../../apimachinery/field-path.js';
import { podSpecWarnings } from './pod-warnings.js';

type Obj = Record<string, any>;

describe('pod warnings', () => {
  const cases: [string, Obj, Obj, string[]][] = [
    ['deprecated node label', { nodeSelector: { 'beta.kubernetes.io/os': 'linux' }, containers: [] }, {}, ['spec.template.spec.nodeSelector[beta.kubernetes.io/os]: deprecated since v1.14; use "kubernetes.io/os" instead']],
    ['deprecated annotation', { containers: [] }, { annotations: { 'scheduler.alpha.kubernetes.io/critical-pod': '' } }, [
      'spec.template.metadata.annotations[scheduler.alpha.kubernetes.io/critical-pod]: non-functional in v1.16+; use the "priorityClassName" field instead',
    ]],
    ['fractional memory', { containers: [{ name: 'c', resources: { requests: { memory: '100m' } } }] }, {}, [
      'spec.template.spec.containers[0].resources.requests[memory]: fractional byte value "100m" is invalid, must be an integer',
    ]],
    ['duplicate ports', { containers: [{ name: 'a', ports: [{ containerPort: 80, protocol: 'TCP' }] }, { name: 'b', ports: [{ containerPort: 80, protocol: 'TCP' }] }] }, {}, [
      'spec.template.spec.containers[1].ports[0]: duplicate port definition with spec.template.spec.containers[0].ports[0]',
    ]],
    ['duplicate pull secrets', { imagePullSecrets: [{ name: 'r' }, { name: 'r' }], containers: [] }, {}, ['spec.template.spec.imagePullSecrets[1].name: duplicate name "r"']],
    ['null topology selector', { topologySpreadConstraints: [{ maxSkew: 1, topologyKey: 'zone', whenUnsatisfiable: 'DoNotSchedule' }], containers: [] }, {}, [
      'spec.template.spec.topologySpreadConstraints[0].labelSelector: a null labelSelector results in matching no pod',
    ]],
    ['negative grace period', { terminationGracePeriodSeconds: -1, containers: [] }, {}, ['spec.template.spec.terminationGracePeriodSeconds: must be >= 0; negative values are invalid and will be treated as 1']],
    ['nothing to say', { containers: [{ name: 'c', image: 'i' }] }, {}, []],
  ];
  for (const [name, spec, meta, want] of cases) {
    it(name, () => assert.deepEqual(podSpecWarnings(spec, meta, FieldPath.root('spec').child('template')), want));
  }
  it('paths start at spec for pods', () => {
    assert.deepEqual(podSpecWarnings({ volumes: [{ name: 'v', gitRepo: { repository: 'r' } }] }, {}), ['spec.volumes[0].gitRepo: deprecated in v1.11']);
  });
});
