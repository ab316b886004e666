import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { TypeStrategy } from '../strategy.js';
import type { KubeObject } from '../../apimachinery/types.js';
import { WORKLOAD_STRATEGIES } from './workloads.js';

type Obj = Record<string, any>;
const S = (key: string): Partial<TypeStrategy> => WORKLOAD_STRATEGIES[key]!;
const msgs = (errs: { message(): string }[]) => errs.map((e) => e.message());
const tpl = (labels: Obj = { app: 'a' }, spec: Obj = {}) => ({ metadata: { labels }, spec: { containers: [{ name: 'c', image: 'i' }], ...spec } });

/** An object as the registry hands it to validation on create. */
function created(key: string, obj: Obj): Obj {
  const o: Obj = { ...obj, metadata: { namespace: 'ns', uid: 'uid-1', ...obj.metadata } };
  S(key).prepareForCreate?.(o as KubeObject);
  S(key).default!(o as KubeObject);
  return o;
}

function updated(key: string, old: Obj, change: (o: Obj) => void): Obj {
  const next = structuredClone(old);
  change(next);
  S(key).prepareForUpdate?.(next as KubeObject, old as KubeObject);
  S(key).default!(next as KubeObject);
  return next;
}

describe('workload defaults', () => {
  const cases: [string, Obj, (o: Obj) => void][] = [
    [
      'apps/deployments',
      { metadata: { name: 'd' }, spec: { selector: { matchLabels: { app: 'a' } }, template: tpl() } },
      (o) => {
        assert.deepEqual(o.status, {});
        const { template, selector, ...rest } = o.spec;
        assert.deepEqual(rest, { replicas: 1, revisionHistoryLimit: 10, progressDeadlineSeconds: 600, strategy: { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: '25%', maxSurge: '25%' } } });
        assert.equal(template.metadata.creationTimestamp, null);
      },
    ],
    [
      'apps/deployments',
      { metadata: { name: 'd' }, spec: { strategy: { type: 'Recreate' }, selector: { matchLabels: { app: 'a' } }, template: tpl() } },
      (o) => assert.deepEqual(o.spec.strategy, { type: 'Recreate' }),
    ],
    ['apps/replicasets', { metadata: { name: 'r' }, spec: { selector: { matchLabels: { app: 'a' } }, template: tpl() } }, (o) => (assert.equal(o.spec.replicas, 1), assert.deepEqual(o.status, { replicas: 0 }))],
    [
      'apps/statefulsets',
      { metadata: { name: 's' }, spec: { updateStrategy: { type: 'OnDelete' }, selector: { matchLabels: { app: 'a' } }, template: tpl(), volumeClaimTemplates: [{ metadata: { name: 'd' }, spec: { resources: { requests: { storage: '1Gi' } } } }] } },
      (o) => {
        assert.deepEqual(o.spec.updateStrategy, { type: 'OnDelete' });
        assert.equal(o.spec.podManagementPolicy, 'OrderedReady');
        assert.deepEqual(o.spec.persistentVolumeClaimRetentionPolicy, { whenDeleted: 'Retain', whenScaled: 'Retain' });
        assert.deepEqual(o.spec.volumeClaimTemplates[0], {
          apiVersion: 'v1',
          kind: 'PersistentVolumeClaim',
          metadata: { name: 'd', creationTimestamp: null },
          spec: { resources: { requests: { storage: '1Gi' } }, volumeMode: 'Filesystem' },
          status: { phase: 'Pending' },
        });
      },
    ],
    [
      'apps/statefulsets',
      { metadata: { name: 's' }, spec: { updateStrategy: { rollingUpdate: { maxUnavailable: 2 } }, selector: { matchLabels: { app: 'a' } }, template: tpl() } },
      // MaxUnavailableStatefulSet is off in 1.32
      (o) => assert.deepEqual(o.spec.updateStrategy, { type: 'RollingUpdate', rollingUpdate: { partition: 0 } }),
    ],
    [
      'apps/daemonsets',
      { metadata: { name: 'ds' }, spec: { updateStrategy: { type: 'OnDelete' }, selector: { matchLabels: { app: 'a' } }, template: tpl() } },
      (o) => (assert.deepEqual(o.spec.updateStrategy, { type: 'OnDelete' }), assert.equal(o.metadata.annotations['deprecated.daemonset.template.generation'], '1')),
    ],
    [
      '/replicationcontrollers',
      { metadata: { name: 'rc', labels: { own: 'x' } }, spec: { template: tpl({ app: 'a' }) } },
      (o) => (assert.deepEqual(o.spec.selector, { app: 'a' }), assert.deepEqual(o.metadata.labels, { own: 'x' }), assert.equal(o.spec.replicas, 1)),
    ],
    [
      'batch/jobs',
      { metadata: { name: 'j' }, spec: { parallelism: 5, backoffLimitPerIndex: 1, completionMode: 'Indexed', completions: 10, template: tpl({}, { restartPolicy: 'Never' }) } },
      (o) => {
        assert.equal(o.spec.completions, 10);
        assert.equal(o.spec.parallelism, 5);
        assert.equal(o.spec.backoffLimit, 2147483647);
        assert.equal(o.spec.completionMode, 'Indexed');
      },
    ],
    [
      'batch/cronjobs',
      { metadata: { name: 'cj' }, spec: { schedule: '@daily', jobTemplate: { spec: { template: tpl({}, { restartPolicy: 'Never' }) } } } },
      (o) => {
        const { jobTemplate, ...rest } = o.spec;
        assert.deepEqual(rest, { schedule: '@daily', concurrencyPolicy: 'Allow', suspend: false, successfulJobsHistoryLimit: 3, failedJobsHistoryLimit: 1 });
        assert.deepEqual(Object.keys(jobTemplate.spec), ['template']);
        assert.deepEqual(jobTemplate.metadata, { creationTimestamp: null });
      },
    ],
  ];
  for (const [key, obj, check] of cases) {
    it(`${key} ${obj.metadata.name}`, () => {
      const o = created(key, obj);
      check(o);
      assert.deepEqual(msgs(S(key).validate!(o as KubeObject)), []);
    });
  }
});

describe('workload validation', () => {
  const cases: [string, Obj, string[]][] = [
    [
      'apps/deployments',
      { metadata: { name: 'd' }, spec: { selector: { matchExpressions: [{ key: 'a', operator: 'Maybe' }] }, template: tpl() } },
      [
        'spec.selector.matchExpressions[0].operator: Invalid value: "Maybe": not a valid selector operator',
        'spec.selector: Invalid value: v1.LabelSelector{MatchLabels:map[string]string(nil), MatchExpressions:[]v1.LabelSelectorRequirement{v1.LabelSelectorRequirement{Key:"a", Operator:"Maybe", Values:[]string(nil)}}}: invalid label selector',
      ],
    ],
    [
      'apps/deployments',
      { metadata: { name: 'd' }, spec: { selector: { matchLabels: { app: 'a' } }, strategy: { type: 'Recreate', rollingUpdate: {} }, template: tpl({ app: 'a' }, { restartPolicy: 'Never', activeDeadlineSeconds: 5 }) } },
      [
        'spec.template.spec.restartPolicy: Unsupported value: "Never": supported values: "Always"',
        'spec.template.spec.activeDeadlineSeconds: Forbidden: activeDeadlineSeconds in Deployment is not Supported',
        "spec.strategy.rollingUpdate: Forbidden: may not be specified when strategy `type` is 'Recreate'",
      ],
    ],
    [
      'apps/deployments',
      { metadata: { name: 'd' }, spec: { selector: { matchLabels: { app: 'a' } }, strategy: { rollingUpdate: { maxUnavailable: 0, maxSurge: '0%' } }, template: tpl() } },
      ['spec.strategy.rollingUpdate.maxUnavailable: Invalid value: intstr.IntOrString{Type:0, IntVal:0, StrVal:""}: may not be 0 when `maxSurge` is 0'],
    ],
    [
      'apps/replicasets',
      { metadata: { name: 'r' }, spec: { replicas: -2, selector: { matchLabels: {} }, template: tpl() } },
      [
        'spec.replicas: Invalid value: -2: must be greater than or equal to 0',
        'spec.selector: Invalid value: v1.LabelSelector{MatchLabels:map[string]string{}, MatchExpressions:[]v1.LabelSelectorRequirement(nil)}: empty selector is invalid for deployment',
      ],
    ],
    [
      'apps/statefulsets',
      { metadata: { name: 's' }, spec: { podManagementPolicy: 'Random', updateStrategy: { type: 'Sometimes' }, selector: { matchLabels: { app: 'b' } }, template: tpl() } },
      [
        "spec.podManagementPolicy: Invalid value: \"Random\": must be 'OrderedReady' or 'Parallel'",
        "spec.updateStrategy: Invalid value: apps.StatefulSetUpdateStrategy{Type:\"Sometimes\", RollingUpdate:(*apps.RollingUpdateStatefulSetStrategy)(nil)}: must be 'RollingUpdate' or 'OnDelete'",
        'spec.template.metadata.labels: Invalid value: map[string]string{"app":"a"}: `selector` does not match template `labels`',
      ],
    ],
    // as upstream: a StatefulSet's pod spec is not validated
    ['apps/statefulsets', { metadata: { name: 's' }, spec: { selector: { matchLabels: { app: 'a' } }, template: { metadata: { labels: { app: 'a' } }, spec: { containers: [{ name: 'c' }] } } } }, []],
    [
      'apps/daemonsets',
      { metadata: { name: 'ds' }, spec: { selector: { matchLabels: { app: 'a' } }, updateStrategy: { rollingUpdate: { maxUnavailable: 0 } }, template: tpl() } },
      ['spec.updateStrategy.rollingUpdate.maxUnavailable: Required value: cannot be 0 when maxSurge is 0'],
    ],
    ['apps/controllerrevisions', { metadata: { name: 'cr' }, revision: -1 }, ['data: Required value: data is mandatory', 'revision: Invalid value: -1: must be greater than or equal to 0']],
    [
      'batch/jobs',
      { metadata: { name: 'j' }, spec: { completionMode: 'Indexed', completions: null, parallelism: 2, template: tpl({}, { restartPolicy: 'Never' }) } },
      ['spec.completions: Required value: when completion mode is Indexed'],
    ],
    [
      'batch/jobs',
      { metadata: { name: 'j' }, spec: { podFailurePolicy: { rules: [{ action: 'FailJob', onExitCodes: { operator: 'In', values: [3, 0, 1] } }] }, template: tpl({}, { restartPolicy: 'OnFailure' }) } },
      [
        'spec.podFailurePolicy.rules[0].onExitCodes.values[1]: Invalid value: 0: must not be 0 for the In operator',
        'spec.podFailurePolicy.rules[0].onExitCodes.values: Invalid value: []int32{3, 0, 1}: must be ordered',
        'spec.template.spec.restartPolicy: Invalid value: "OnFailure": only "Never" is supported when podFailurePolicy is specified',
      ],
    ],
    [
      'batch/jobs',
      { metadata: { name: 'j' }, spec: { managedBy: 'nodomain', template: tpl({}, { restartPolicy: 'Never' }) } },
      ['spec.managedBy: Invalid value: "nodomain": must be a domain-prefixed path (such as "acme.io/foo")'],
    ],
    [
      'batch/cronjobs',
      { metadata: { name: 'cj' }, spec: { schedule: '0 0 * * *', concurrencyPolicy: 'Sometimes', jobTemplate: { spec: { manualSelector: true, selector: { matchLabels: { a: 'b' } }, template: tpl({}, { restartPolicy: 'Never' }) } } } },
      [
        'spec.concurrencyPolicy: Unsupported value: "Sometimes": supported values: "Allow", "Forbid", "Replace"',
        'spec.jobTemplate.spec.selector: Invalid value: v1.LabelSelector{MatchLabels:map[string]string{"a":"b"}, MatchExpressions:[]v1.LabelSelectorRequirement(nil)}: `selector` will be auto-generated',
        'spec.jobTemplate.spec.manualSelector: Unsupported value: true: supported values: "nil", "false"',
      ],
    ],
  ];
  for (const [key, obj, want] of cases) {
    it(`${key}: ${want[0] ?? 'accepted'}`, () => assert.deepEqual(msgs(S(key).validate!(created(key, obj) as KubeObject)), want));
  }
});

describe('workload updates', () => {
  it('jobs: generated labels are checked; suspended jobs may change scheduling directives', () => {
    const old = created('batch/jobs', { metadata: { name: 'j' }, spec: { suspend: true, template: tpl({}, { restartPolicy: 'Never' }) } });
    const ok = updated('batch/jobs', old, (o) => ((o.spec.template.spec.nodeSelector = { zone: 'a' }), (o.spec.suspend = false)));
    assert.deepEqual(msgs(S('batch/jobs').validateUpdate!(ok as KubeObject, old as KubeObject)), []);
    const bad = updated('batch/jobs', old, (o) => ((o.spec.template.metadata.labels['job-name'] = 'x'), (o.spec.completions = 3)));
    assert.deepEqual(msgs(S('batch/jobs').validateUpdate!(bad as KubeObject, old as KubeObject)), [
      `spec.template.metadata.labels[job-name]: Invalid value: map[string]string{"batch.kubernetes.io/controller-uid":"uid-1", "batch.kubernetes.io/job-name":"j", "controller-uid":"uid-1", "job-name":"x"}: must be 'j'`,
      'spec.completions: Invalid value: 3: field is immutable',
    ]);
    const running = updated('batch/jobs', old, (o) => (o.spec.suspend = false));
    const changed = updated('batch/jobs', running, (o) => (o.spec.template.spec.nodeSelector = { zone: 'b' }));
    assert.deepEqual(msgs(S('batch/jobs').validateUpdate!(changed as KubeObject, running as KubeObject)), ['spec.template: Invalid value: core.PodTemplateSpec{...}: field is immutable']);
  });

  it('statefulsets: fields other than the allowed ones are immutable', () => {
    const old = created('apps/statefulsets', { metadata: { name: 's' }, spec: { selector: { matchLabels: { app: 'a' } }, template: tpl() } });
    const ok = updated('apps/statefulsets', old, (o) => ((o.spec.replicas = 5), (o.spec.minReadySeconds = 3), (o.spec.persistentVolumeClaimRetentionPolicy = { whenDeleted: 'Delete', whenScaled: 'Retain' })));
    assert.deepEqual(msgs(S('apps/statefulsets').validateUpdate!(ok as KubeObject, old as KubeObject)), []);
    const bad = updated('apps/statefulsets', old, (o) => (o.spec.podManagementPolicy = 'Parallel'));
    assert.deepEqual(msgs(S('apps/statefulsets').validateUpdate!(bad as KubeObject, old as KubeObject)), [
      "spec: Forbidden: updates to statefulset spec for fields other than 'replicas', 'ordinals', 'template', 'updateStrategy', 'persistentVolumeClaimRetentionPolicy' and 'minReadySeconds' are forbidden",
    ]);
  });

  it('cronjobs: TZ in a schedule is tolerated on update when it was there before', () => {
    const old: Obj = { metadata: { name: 'cj' }, spec: { schedule: 'TZ=UTC 0 * * * *', concurrencyPolicy: 'Allow', jobTemplate: { spec: { template: tpl({}, { restartPolicy: 'Never' }) } } } };
    S('batch/cronjobs').default!(old as KubeObject);
    const next = updated('batch/cronjobs', old, (o) => (o.spec.suspend = true));
    assert.deepEqual(msgs(S('batch/cronjobs').validateUpdate!(next as KubeObject, old as KubeObject)), []);
    const both = updated('batch/cronjobs', old, (o) => (o.spec.timeZone = 'UTC'));
    assert.deepEqual(msgs(S('batch/cronjobs').validateUpdate!(both as KubeObject, old as KubeObject)), [
      'spec.schedule: Invalid value: "TZ=UTC 0 * * * *": cannot use both timeZone field and TZ or CRON_TZ in schedule',
    ]);
  });

  it('status updates: replica counts', () => {
    const old = created('apps/deployments', { metadata: { name: 'd' }, spec: { selector: { matchLabels: { app: 'a' } }, template: tpl() } });
    const next = structuredClone(old);
    next.status = { replicas: 1, readyReplicas: 2, availableReplicas: 3 };
    assert.deepEqual(msgs(S('apps/deployments').validateStatusUpdate!(next as KubeObject, old as KubeObject)), [
      'status.readyReplicas: Invalid value: 2: cannot be greater than status.replicas',
      'status.availableReplicas: Invalid value: 3: cannot be greater than status.replicas',
      'status.availableReplicas: Invalid value: 3: cannot be greater than readyReplicas',
    ]);
  });

  it('jobs: status may not drop a terminal condition', () => {
    const old = created('batch/jobs', { metadata: { name: 'j' }, spec: { template: tpl({}, { restartPolicy: 'Never' }) } });
    old.status = { conditions: [{ type: 'Complete', status: 'True' }], succeeded: 1 };
    const next = structuredClone(old);
    next.status.conditions = [];
    assert.deepEqual(msgs(S('batch/jobs').validateStatusUpdate!(next as KubeObject, old as KubeObject)), ['status.conditions: Invalid value: cannot disable the terminal Complete=True condition']);
  });
});
